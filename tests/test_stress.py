"""scripts/stress.py: busy processes come and go, each run's verdict and summary are reported."""

import os
import subprocess
import sys
import time

import pytest
import stress  # scripts/stress.py: scripts/ is on pytest's pythonpath

from coursedev.site import ROOT


def test_busy_processes_spin_until_stopped():
    busy = stress.start_busy(2)
    try:
        assert [p.poll() for p in busy] == [None, None]
    finally:
        stress.stop_busy(busy)
    assert all(p.returncode is not None for p in busy)


def test_run_reports_the_pytest_summary_and_the_verdict(tmp_path):
    passing = [sys.executable, "-c", "print('===== 3 passed in 0.1s =====')"]
    failing = [
        sys.executable,
        "-c",
        "print('===== 1 failed, 2 passed in 0.1s ====='); raise SystemExit(1)",
    ]
    assert stress.run(passing, tmp_path / "a.log")[::2] == (True, "3 passed in 0.1s")
    assert stress.run(failing, tmp_path / "b.log")[::2] == (False, "1 failed, 2 passed in 0.1s")
    assert "1 failed" in (tmp_path / "b.log").read_text()


def test_nothing_to_run_is_green(tmp_path, capsys):
    assert (
        stress.main(["--busy", "1", "--builds", "0", "--tests", "0", "--logs", str(tmp_path)]) == 0
    )
    assert "0 of 0 runs green with 1 busy processes" in capsys.readouterr().out


def test_negative_counts_are_refused(tmp_path):
    with pytest.raises(SystemExit):
        stress.main(["--busy", "-1", "--logs", str(tmp_path)])


def test_spinners_stop_when_their_parent_dies():
    # A spinner started by a process that then dies without cleaning up must not spin on.
    code = "import stress; print(stress.start_busy(1)[0].pid, flush=True)"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    pid = int(done.stdout)
    for _ in range(600):  # up to 30 s: a busy machine starts Python slowly
        if not psutil_alive(pid):
            break
        time.sleep(0.05)
    assert not psutil_alive(pid)


def psutil_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
