"""The package's release: scripts/build_release.py builds and checks the sdist and the wheel,
and .github/workflows/release.yml publishes them to PyPI on a version tag, with trusted
publishing held by one job. Offline: the build uses the setuptools installed here."""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from build_release import build
from build_release import check_dist
from build_release import check_tag
from build_release import package_version

import coursecode

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def test_the_version_is_written_once_and_read_from_there():
    assert package_version() == coursecode.__version__
    # the packaging reads it from the package: no second copy to keep in step
    assert 'version = {attr = "coursecode.__version__"}' in (ROOT / "pyproject.toml").read_text()


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> list[Path]:
    """The sdist and the wheel, built from a copy of what packaging reads (setuptools writes
    coursecode.egg-info into the folder it builds from: not into this checkout, in use by
    the other tests)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "coursecode", source / "coursecode", ignore=IGNORED)
    return build(tmp_path_factory.mktemp("dist"), isolation=False, root=source)


def test_the_sdist_and_the_wheel_hold_what_a_learner_needs(dist):
    sdist, wheel = dist
    version = coursecode.__version__
    assert sdist.name == f"coursecode-{version}.tar.gz"
    assert wheel.name == f"coursecode-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    bundled = {p.name for p in (ROOT / "coursecode" / "bundled").glob("*.npz")}
    assert bundled and {f"coursecode/bundled/{name}" for name in bundled} <= names
    for folder in ("static", "explorers"):  # the answer boxes' and the explorers' JavaScript
        js = {p.name for p in (ROOT / "coursecode" / folder).glob("*.js")}
        assert js and {f"coursecode/{folder}/{name}" for name in js} <= names
    css = {p.name for p in (ROOT / "coursecode" / "explorers").glob("*.css")}
    assert css and {f"coursecode/explorers/{name}" for name in css} <= names, "their style"
    assert "coursecode/static/answers.json" in names, "the exercises' answer table"
    assert "coursecode/static/answer_text.json" in names, "what the checkers share"
    assert not any(name.startswith(("lessons/", "tests/", "book/")) for name in names)


def test_a_wheel_without_the_mnist_sample_is_refused(dist, tmp_path):
    _, wheel = dist
    broken = tmp_path / wheel.name
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith(".npz"):
                target.writestr(item, source.read(item))
    shutil.copy(dist[0], tmp_path)
    with pytest.raises(SystemExit, match=f"{wheel.name} does not hold the bundled MNIST sample"):
        check_dist(tmp_path, coursecode.__version__)


def test_a_tag_that_is_not_the_version_is_refused_before_anything_is_built(tmp_path):
    version = coursecode.__version__
    check_tag(f"v{version}", version)  # the right tag passes
    for wrong in (version, f"v{version}.1", "v0.0.0-rc1", "latest"):
        with pytest.raises(SystemExit, match=re.escape(f"v{version}")):
            check_tag(wrong, version)
    script = ROOT / "scripts" / "build_release.py"
    run = subprocess.run(
        [sys.executable, script, "--tag", "v999.0.0", "--out", tmp_path, "--no-isolation"],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "does not match coursecode.__version__" in run.stderr
    assert list(tmp_path.iterdir()) == []


def on(flow: dict) -> dict:
    """A workflow's triggers (YAML 1.1 reads the key `on` as True)."""
    return flow.get("on", flow.get(True))


def test_the_release_workflow_publishes_only_a_version_tag_from_one_job():
    flow = yaml.safe_load(RELEASE.read_text())
    assert on(flow) == {"push": {"tags": ["v*"]}}, "a release runs on a version tag, only"
    assert flow["permissions"] == {}
    build_job, publish = flow["jobs"]["build"], flow["jobs"]["publish"]
    assert build_job["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["needs"] == "build" and publish["environment"]["name"] == "pypi"
    uses = [step.get("uses", "").split("@")[0] for step in publish["steps"]]
    assert uses == ["actions/download-artifact", "pypa/gh-action-pypi-publish"]
    assert all("run" not in step for step in publish["steps"]), "the publish job runs no code"
    script = "\n".join(step.get("run", "") for step in build_job["steps"])
    assert 'scripts/build_release.py --tag "$GITHUB_REF_NAME"' in script
    # build and twine as requirements.txt pins them: the versions are written there only
    assert "grep -E '^(build|twine)==' requirements.txt" in script
    pins = re.findall(r"(?m)^(build|twine)==\S+$", (ROOT / "requirements.txt").read_text())
    assert sorted(pins) == ["build", "twine"]


def test_every_workflow_passes_zizmor():
    """zizmor, the GitHub Actions auditor, finds nothing in any workflow (offline: the audits
    that need GitHub's API are left out)."""
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert zizmor, "zizmor is not installed: pip install -r requirements.txt"
    run = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(ROOT / ".github" / "workflows")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
