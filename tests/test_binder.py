"""Binder's environment: requirements.txt alone, then postBuild, then every lesson top to bottom."""

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


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """A fresh virtual environment built the way Binder builds it; returns (bin folder, env)."""
    home = tmp_path_factory.mktemp("binder")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", venv])
    bin_dir = venv / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "JUPYTER_CONFIG_DIR": str(home / "jupyter-config")}
    env.pop("PYTHONPATH", None)
    run([bin_dir / "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=ROOT, env=env)
    run([ROOT / "postBuild"], cwd=ROOT, env=env)
    return bin_dir, env, home


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
