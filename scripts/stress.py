"""Run the README's strict build and `pytest --nbval` while busy processes load every core.

    python scripts/stress.py                         # 3 busy processes, 3 builds, 3 test runs
    python scripts/stress.py --busy 4 --builds 1 --tests 0

A learner's laptop, a shared CI runner or a classroom server is rarely idle, and
the book must build green there too: no lesson may assert anything that a busy
CPU changes. This script starts ``--busy`` processes that spin on the CPU for the
whole run, then runs the strict build ``--builds`` times (each into a fresh
folder, so that every lesson executes, as on a fresh clone) and ``pytest --nbval``
``--tests`` times, one after the other. It prints each run's result and time,
keeps each run's log under ``--logs``, and exits 1 if any run failed.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Spins until killed, or until the script that started it is gone (killed without cleanup).
SPIN = "import os, sys\nparent = int(sys.argv[1])\nwhile os.getppid() == parent:\n    pass\n"


def start_busy(n: int) -> list:
    """``n`` processes that each keep one core busy until they are killed."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", SPIN, str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]


def stop_busy(processes: list) -> None:
    for process in processes:
        process.kill()
    for process in processes:
        process.wait()


def strict_build(output: Path) -> list:
    return [
        str(BIN / "jupyter-book"),
        "build",
        str(ROOT),
        "--path-output",
        str(output),
        "-W",
        "-n",
        "--keep-going",
        "--all",
    ]


def run(command: list, log: Path) -> tuple[bool, float, str]:
    """Run ``command`` in the repository; return (passed, seconds, its last summary line)."""
    start = time.perf_counter()
    with open(log, "w") as out:
        done = subprocess.run(
            command,
            check=False,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - start
    text = log.read_text(errors="replace")
    summary = re.findall(r"^=+ (.*(?:passed|failed|error).*) =+$", text, re.MULTILINE)
    if summary:
        last = summary[-1]
    elif done.returncode == 0:
        last = "build finished, no warnings"
    else:
        last = next((line for line in reversed(text.splitlines()) if line.strip()), "")[:120]
    return done.returncode == 0, seconds, last


def report(name: str, outcome: tuple) -> bool:
    passed, seconds, summary = outcome
    print(f"{name:<22} {'green' if passed else 'FAILED':<7}{seconds:7.0f} s  {summary}", flush=True)
    return passed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=3, help="busy processes (default 3)")
    parser.add_argument("--builds", type=int, default=3, help="strict builds (default 3)")
    parser.add_argument("--tests", type=int, default=3, help="pytest --nbval runs (default 3)")
    parser.add_argument(
        "--logs",
        type=Path,
        default=ROOT / "_build" / "stress",
        help="folder for each run's log (default _build/stress)",
    )
    args = parser.parse_args(argv)
    for name in ("busy", "builds", "tests"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must be 0 or more, got {getattr(args, name)}")
    args.logs.mkdir(parents=True, exist_ok=True)
    # `kill` (SIGTERM) ends the script through the `finally` below, which stops the spinners.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    print(f"{args.busy} busy processes on {os.cpu_count()} cores; logs in {args.logs}", flush=True)
    results = []
    busy = start_busy(args.busy)
    try:
        for i in range(1, args.builds + 1):
            with tempfile.TemporaryDirectory() as output:
                outcome = run(strict_build(Path(output)), args.logs / f"build-{i}.log")
            results.append(report(f"strict build {i}/{args.builds}", outcome))
        for i in range(1, args.tests + 1):
            outcome = run([str(BIN / "pytest"), "--nbval"], args.logs / f"tests-{i}.log")
            results.append(report(f"pytest --nbval {i}/{args.tests}", outcome))
    finally:
        stop_busy(busy)
    green = sum(results)
    print(f"{green} of {len(results)} runs green with {args.busy} busy processes")
    return 0 if green == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
