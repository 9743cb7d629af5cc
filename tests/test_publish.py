"""Where the book is published: the address behind its launch, GitHub and issue buttons, and
the Colab setup cell every lesson starts with."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from browser import ROOT
from browser import build_book

sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))

from course_repository import _configure  # noqa: E402
from course_repository import repository_address  # noqa: E402
from course_repository import setup_addresses  # noqa: E402
from course_repository import setup_cell  # noqa: E402
from set_repository import set_repository  # noqa: E402

FORK = "https://github.com/someone/course-fork"
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.md"))
LINK = re.compile(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com|github\.com)[^"]*)"')


def copy_book(folder: Path) -> Path:
    """The book's sources (config, table of contents, pages, lessons) copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "book", folder / "book")
    shutil.copytree(ROOT / "lessons", folder / "lessons",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return folder


def links(html: Path) -> dict:
    """Every lesson page's launch, GitHub and issue links."""
    return {lesson: set(LINK.findall((html / "lessons" / f"{lesson}.html").read_text()))
            for lesson in LESSONS}


@pytest.mark.parametrize("given, expected", [
    ("someone/course-fork", FORK), (FORK, FORK), (FORK + ".git", FORK), (FORK + "/", FORK),
])
def test_the_address_comes_from_course_repository(given, expected):
    assert repository_address({"COURSE_REPOSITORY": given}, "https://github.com/a/b") == expected


def test_without_course_repository_the_config_names_it_or_nothing():
    assert repository_address({}, "https://github.com/a/b") == "https://github.com/a/b"
    assert repository_address({}, "") == ""
    assert repository_address({"COURSE_REPOSITORY": "  "}, "") == ""
    from sphinx.errors import ConfigError

    with pytest.raises(ConfigError, match="owner/name"):
        repository_address({"COURSE_REPOSITORY": "not a repository"})


class FakeConfig:
    def __init__(self):
        self.html_theme_options = {
            "repository_url": "", "use_repository_button": True, "use_issues_button": True,
            "launch_buttons": {"binderhub_url": "https://mybinder.org",
                               "colab_url": "https://colab.research.google.com"}}


class FakeApp:
    def __init__(self, srcdir):
        self.srcdir = srcdir


def test_colab_is_offered_only_when_the_setup_cells_install_from_the_same_address(
        tmp_path, monkeypatch):
    book = copy_book(tmp_path)
    monkeypatch.setenv("COURSE_REPOSITORY", "someone/course-fork")
    config = FakeConfig()
    _configure(FakeApp(book), config)                   # the cells name no repository
    options = config.html_theme_options
    assert options["repository_url"] == FORK and options["use_issues_button"]
    assert options["launch_buttons"]["binderhub_url"] and not options["launch_buttons"]["colab_url"]
    set_repository("someone/course-fork", book)
    config = FakeConfig()
    _configure(FakeApp(book), config)
    assert config.html_theme_options["launch_buttons"]["colab_url"]
    monkeypatch.delenv("COURSE_REPOSITORY")
    config = FakeConfig()
    _configure(FakeApp(book), config)                   # _config.yml is not read here: none
    options = config.html_theme_options
    assert not options["use_repository_button"] and not options["use_issues_button"]
    assert not options["launch_buttons"]["binderhub_url"] and not options["launch_buttons"]["colab_url"]


def test_set_repository_writes_the_config_and_every_setup_cell(tmp_path):
    book = copy_book(tmp_path)
    assert set_repository("someone/course-fork", book) == FORK
    assert f'url: "{FORK}"' in (book / "_config.yml").read_text()
    assert setup_addresses(book / "lessons") == {FORK}
    for md in (book / "lessons").glob("[0-9][0-9]_*.md"):
        assert setup_cell(FORK) in md.read_text()
    assert set_repository("", book) == ""
    assert setup_addresses(book / "lessons") == {""}
    assert (book / "_config.yml").read_text() == (ROOT / "_config.yml").read_text()


@pytest.mark.slow
def test_a_build_links_every_button_to_its_address_and_none_without_one(tmp_path, built_html):
    """The session's book (built with no address) has no launch, GitHub or issue link; a book
    built with COURSE_REPOSITORY, as the publish workflow builds it, links them all there."""
    assert all(found == set() for found in links(built_html).values()), links(built_html)
    book = copy_book(tmp_path / "src")
    set_repository("someone/course-fork", book)
    html, _ = build_book(tmp_path / "out", source=book, env={"COURSE_REPOSITORY": "someone/course-fork"})
    for lesson, found in links(html).items():
        path = f"lessons/{lesson}.ipynb"
        assert f"https://mybinder.org/v2/gh/someone/course-fork/main?urlpath=lab/tree/{path}" in found
        assert f"https://colab.research.google.com/github/someone/course-fork/blob/main/{path}" in found
        assert FORK in found and any(link.startswith(f"{FORK}/issues/new") for link in found)
        assert all("someone/course-fork" in link for link in found), found


COLAB = """
# A stand-in for Colab's own module: the setup cell only asks whether it is there.
"""


@pytest.mark.slow
def test_in_colab_the_setup_cell_installs_coursecode_and_the_next_cell_imports_it(tmp_path):
    """Colab, imitated: a `google.colab` module, the repository's address redirected by git to
    a local clone (no network), pip installing into a fresh folder."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is needed to stand in for GitHub")
    clone = tmp_path / "course-fork.git"
    subprocess.run([git, "clone", "--quiet", "--bare", str(ROOT), str(clone)], check=True)
    fake = tmp_path / "fake"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text(COLAB)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "{clone.as_uri()}"]\n\tinsteadOf = {FORK}\n')
    site = tmp_path / "site"
    script = textwrap.dedent(f"""
        import sys
        import google.colab                      # what Colab has imported before any cell runs
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        setup = shell.run_cell({setup_cell(FORK)!r})
        setup.raise_error()
        sys.path.insert(0, {str(site)!r})
        following = shell.run_cell("import coursecode\\nfrom coursecode import load_mnist")
        following.raise_error()
        import coursecode
        print(coursecode.__file__)
    """)
    env = {**os.environ, "PYTHONPATH": str(fake), "GIT_CONFIG_GLOBAL": str(gitconfig),
           "PIP_TARGET": str(site), "PIP_NO_DEPS": "1", "PIP_NO_INDEX": "1",
           "PIP_NO_BUILD_ISOLATION": "0"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert done.stdout.strip().splitlines()[-1].startswith(str(site)), done.stdout


def test_no_built_page_shows_a_machine_path(built_html):
    from test_book import MACHINE_PATH

    for page in built_html.rglob("*.html"):
        assert not MACHINE_PATH.findall(page.read_text(errors="ignore")), page.name


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"
WRITE_SCOPES = {"pages", "id-token"}


def workflow(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text())


def granted(permissions) -> dict:
    """A `permissions:` value as {scope: level}; `write-all`/`read-all` spelled out."""
    if permissions in (None, {}):
        return {}
    if isinstance(permissions, str):
        level = permissions.split("-")[0]
        return {scope: level for scope in ("contents", "pages", "id-token", "actions", "packages")}
    return dict(permissions)


def test_only_the_deploy_job_may_publish():
    """The build job installs packages and runs the tests: it must not hold the Pages or the
    OIDC token permission. The workflow grants nothing; the deploy job, which runs only
    actions/deploy-pages, gets exactly pages and id-token."""
    flow = workflow(PUBLISH)
    assert "permissions" in flow and not WRITE_SCOPES & set(granted(flow["permissions"])), (
        "the workflow's own permissions reach every job: grant pages/id-token to deploy alone")
    assert all(level != "write" for level in granted(flow["permissions"]).values())
    holders = {name for name, job in flow["jobs"].items()
               if WRITE_SCOPES & {s for s, level in granted(job.get("permissions")).items() if level == "write"}}
    assert holders == {"deploy"}, holders
    deploy = flow["jobs"]["deploy"]
    assert granted(deploy["permissions"]) == {"pages": "write", "id-token": "write"}
    assert all("run" not in step and step["uses"].startswith("actions/deploy-pages@")
               for step in deploy["steps"]), "the deploy job runs something besides deploy-pages"
    for name, job in flow["jobs"].items():
        assert "permissions" in job, f"job {name} inherits the workflow's permissions: say them"
        if name != "deploy":
            assert all(level != "write" for level in granted(job["permissions"]).values()), name


def test_every_action_is_pinned_to_a_commit_with_its_version_named():
    """A tag can be moved to other code; a full commit SHA cannot. The comment says which
    release it is, for people and for update tools."""
    assert WORKFLOWS
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            found = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)$", line)
            if not found:
                continue
            action, rest = found.groups()
            if action.startswith("./"):
                continue                                   # an action of this repository
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), (
                f"{path.name}: {action} is not pinned to a full commit SHA")
            assert re.match(r"\s*#\s*v\d+(\.\d+)*\b", rest), (
                f"{path.name}: {action} has no '# vX.Y.Z' comment naming its version")


def test_checkout_keeps_no_credentials():
    for path in WORKFLOWS:
        for job in workflow(path)["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, path.name
