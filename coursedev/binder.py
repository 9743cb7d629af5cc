"""Binder's environment, made here: a fresh virtual environment with binder/requirements.txt
alone, then binder/postBuild, as repo2docker makes it (tests/test_binder.py checks it,
tests/test_jupyterlab.py runs every lesson in it).
"""

import os
import subprocess
import sys
from pathlib import Path

from coursedev.site import ROOT

PYTORCH_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def run(command, **kwargs) -> subprocess.CompletedProcess:
    """Run ``command``; raise RuntimeError with the end of its output when it fails."""
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **kwargs
    )
    if done.returncode:
        raise RuntimeError(
            f"{[str(c) for c in command[:3]]} failed:\n{(done.stdout + done.stderr)[-3000:]}"
        )
    return done


def offline_requirements(folder: Path) -> Path:
    """binder/requirements.txt as this offline machine installs it: the same file without
    PyTorch's index (its one line that needs the network; the CPU wheel lies on disk here),
    written into ``folder``."""
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    if lines.count(PYTORCH_CPU_INDEX) != 1:
        raise ValueError(
            f"binder/requirements.txt should name PyTorch's CPU index once ({PYTORCH_CPU_INDEX!r})"
        )
    kept = [
        line.replace("-r ../requirements.txt", f"-r {ROOT / 'requirements.txt'}")
        for line in lines
        if line != PYTORCH_CPU_INDEX
    ]
    path = Path(folder) / "binder-requirements.txt"
    path.write_text("\n".join(kept) + "\n")
    return path


def binder_env_vars(home: Path) -> tuple[Path, dict]:
    """The bin folder of the environment in ``home/venv``, and the environment variables that
    run its programs as Binder runs them (its Jupyter settings in ``home/jupyter-config``)."""
    venv = Path(home) / "venv"
    bin_dir = venv / "bin"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "JUPYTER_CONFIG_DIR": str(Path(home) / "jupyter-config"),
    }
    for name in ("PYTHONPATH", "JUPYTER_PATH", "PYTHONHOME"):
        env.pop(name, None)
    return bin_dir, env


def make_binder_env(home: Path) -> tuple[Path, dict]:
    """Make, in ``home``, a fresh virtual environment the way Binder makes it: pip installs
    binder/requirements.txt, then binder/postBuild runs. Returns ``binder_env_vars(home)``."""
    bin_dir, env = binder_env_vars(home)
    run([sys.executable, "-m", "venv", bin_dir.parent])
    # --no-compile: no .pyc files written ahead (Python writes them on first import);
    # what is installed is the same, in less time.
    run(
        [bin_dir / "pip", "install", "--quiet", "--no-compile", "-r", offline_requirements(home)],
        cwd=ROOT,
        env=env,
    )
    run([ROOT / "binder" / "postBuild"], cwd=ROOT, env=env)
    return bin_dir, env
