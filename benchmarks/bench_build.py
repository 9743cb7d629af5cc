"""Time the book build: clean (no cache), a no-change rebuild, and each lesson's execution.

    python -m benchmarks.bench_build

Builds into a temporary folder, so your own _build/ and its cache are left alone.
Goals on a 2-core laptop CPU: a clean build of the whole book under 120 s and a
no-change rebuild under 10 s; every lesson executes in under 20 s. Figures vary
by machine: they are printed, never asserted.
"""

import re
import tempfile
import time
from pathlib import Path

try:
    from coursedev.site import build_book
except ModuleNotFoundError as error:  # run as a file: coursedev is not on the path
    raise SystemExit(
        "run it from the repository's root folder: python -m benchmarks.bench_build"
    ) from error

EXECUTED = re.compile(r"lessons/(\S+)\.md: Executed notebook in ([\d.]+) seconds")


def build(output: Path) -> tuple[float, str]:
    """Run the strict build into ``output``; return wall seconds and the log."""
    start = time.perf_counter()
    _, log = build_book(output)
    return time.perf_counter() - start, log


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clean, log = build(Path(tmp))
        rebuild, relog = build(Path(tmp))
    lessons = EXECUTED.findall(log)
    print(f"{'build':<36} {'wall time':>10}  goal")
    print(f"{'clean (no cache, all lessons run)':<36} {clean:>9.1f}s  < 120 s")
    print(f"{'no-change rebuild (cache reused)':<36} {rebuild:>9.1f}s  < 10 s")
    print(f"lessons re-executed by the rebuild: {len(EXECUTED.findall(relog))}")
    print()
    print(f"{'lesson':<36} {'execution':>10}  goal")
    for name, seconds in lessons:
        print(f"{name:<36} {float(seconds):>9.1f}s  < 20 s")


if __name__ == "__main__":
    main()
