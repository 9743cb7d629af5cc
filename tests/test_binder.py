"""Binder's environment: binder/requirements.txt alone, then binder/postBuild, then every
lesson top to bottom; and it holds no CUDA package."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from browser import ROOT

pytestmark = pytest.mark.slow
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.md"))


def run(command, **kwargs):
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command[:3]} failed:\n{(done.stdout + done.stderr)[-3000:]}"
    return done


PYTORCH_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def offline_requirements(folder):
    """binder/requirements.txt as this offline machine installs it: the same file without
    PyTorch's index (its one line that needs the network; the CPU wheel lies on disk here)."""
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert lines.count(PYTORCH_CPU_INDEX) == 1
    kept = [line.replace("-r ../requirements.txt", f"-r {ROOT / 'requirements.txt'}")
            for line in lines if line != PYTORCH_CPU_INDEX]
    path = folder / "binder-requirements.txt"
    path.write_text("\n".join(kept) + "\n")
    return path


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """A fresh virtual environment built the way Binder builds it; returns (bin folder, env, home)."""
    home = tmp_path_factory.mktemp("binder")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", venv])
    bin_dir = venv / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "JUPYTER_CONFIG_DIR": str(home / "jupyter-config")}
    env.pop("PYTHONPATH", None)
    run([bin_dir / "pip", "install", "--quiet", "-r", offline_requirements(home)], cwd=ROOT, env=env)
    run([ROOT / "binder" / "postBuild"], cwd=ROOT, env=env)
    return bin_dir, env, home


def test_binder_environment_holds_cpu_pytorch_and_no_cuda_package(binder, capsys):
    bin_dir, env, home = binder
    listed = json.loads(run([bin_dir / "pip", "list", "--format", "json"], env=env).stdout)
    versions = {package["name"].lower(): package["version"] for package in listed}
    assert [name for name in versions if name.startswith("nvidia")] == []
    assert versions["torch"].endswith("+cpu")
    size = sum(f.stat().st_size for f in (home / "venv").rglob("*") if f.is_file() and not f.is_symlink())
    torch_size = sum(f.stat().st_size for f in (home / "venv").rglob("torch/**/*") if f.is_file())
    with capsys.disabled():
        print(f"\nBinder's environment: {size / 2**20:,.0f} MiB installed, "
              f"{torch_size / 2**20:,.0f} MiB of it PyTorch (CPU); {len(versions)} packages")


def test_post_build_opens_markdown_as_notebooks(binder):
    _, env, _ = binder
    overrides = os.path.join(env["JUPYTER_CONFIG_DIR"], "labconfig", "default_setting_overrides.json")
    with open(overrides) as f:
        settings = json.load(f)
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook" and viewers["myst"] == "Jupytext Notebook"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_as_notebook_and_as_markdown(binder, md):
    bin_dir, env, home = binder
    work = home / md.stem
    work.mkdir()
    # The committed notebook, as Binder and Colab open it.
    shutil.copyfile(md.with_suffix(".ipynb"), work / "lesson.ipynb")
    run([bin_dir / "jupyter", "execute", "lesson.ipynb"], cwd=work, env=env, timeout=600)
    # The .md, converted by jupytext as a learner who opens it gets it.
    shutil.copyfile(md, work / "lesson.md")
    run([bin_dir / "jupytext", "--to", "ipynb", "lesson.md", "-o", "from_md.ipynb"], cwd=work, env=env)
    run([bin_dir / "jupyter", "execute", "from_md.ipynb"], cwd=work, env=env, timeout=600)
