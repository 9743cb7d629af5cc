"""Binder's environment: binder/requirements.txt alone, then binder/postBuild (made once per run
by the ``binder_env`` fixture, coursedev/binder.py); it holds no CUDA package, and the very
versions that nbval runs the lessons with. tests/test_jupyterlab.py runs every lesson in it."""

import json
import sys
from pathlib import Path

import pytest

from coursedev.binder import run

pytestmark = pytest.mark.slow


def installed(python) -> dict:
    """{package name: version} of the environment of the interpreter ``python``."""
    listed = json.loads(run([python, "-m", "pip", "list", "--format", "json"]).stdout)
    return {package["name"].lower().replace("_", "-"): package["version"] for package in listed}


def test_binder_environment_holds_cpu_pytorch_and_no_cuda_package(binder_env, capsys):
    bin_dir, _, home = binder_env
    versions = installed(bin_dir / "python")
    assert [name for name in versions if name.startswith("nvidia")] == []
    assert versions["torch"].endswith("+cpu")
    size = sum(
        f.stat().st_size for f in (home / "venv").rglob("*") if f.is_file() and not f.is_symlink()
    )
    torch_size = sum(f.stat().st_size for f in (home / "venv").rglob("torch/**/*") if f.is_file())
    with capsys.disabled():
        print(
            f"\nBinder's environment: {size / 2**20:,.0f} MiB installed, "
            f"{torch_size / 2**20:,.0f} MiB of it PyTorch (CPU); {len(versions)} packages"
        )


def test_post_build_opens_markdown_as_notebooks(binder_env):
    _, env, _ = binder_env
    overrides = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig" / "default_setting_overrides.json"
    settings = json.loads(overrides.read_text())
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook" and viewers["myst"] == "Jupytext Notebook"


def test_binder_runs_the_lessons_with_the_versions_nbval_runs_them_with(binder_env):
    """Every package of Binder's environment is in the one running these tests, at the same
    version (PyTorch's build label aside: +cpu here, maybe CUDA on a machine with a GPU).
    So nbval's run of every committed notebook (what Binder's and Colab's buttons open) is a
    run with Binder's packages, and test_jupyterlab.py runs every lesson's .md in Binder's
    environment itself: running the lessons here a third time would prove nothing new."""
    binder = installed(binder_env[0] / "python")
    here = installed(sys.executable)
    public = {name: version.split("+")[0] for name, version in here.items()}
    differ = {
        name: (version, here.get(name))
        for name, version in binder.items()
        if public.get(name) != version.split("+")[0]
    }
    assert differ == {}, f"(Binder's version, this environment's): {differ}"
