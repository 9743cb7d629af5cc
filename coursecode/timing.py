"""Measure how long code takes: the median of several runs, several functions fairly.

Introduced in lessons/02_unfold.
"""

import statistics
import time

from coursecode._validate import check_int

__all__ = ["compare_times", "median_time"]


def median_time(fn, repeat: int = 5, warmup: int = 1) -> float:
    """Seconds one call of ``fn()`` takes: the median of ``repeat`` timed calls.

    The first ``warmup`` calls are not timed (PyTorch allocates memory and picks
    kernels on its first call). The median ignores the odd slow run caused by
    something else on the machine.

    Examples
    --------
    >>> median_time(lambda: sum(range(1000))) < 1.0
    True
    """
    return compare_times({"fn": fn}, repeat=repeat, warmup=warmup)["fn"]


def compare_times(fns: dict, repeat: int = 5, warmup: int = 1) -> dict:
    """Median seconds per call of each function in ``fns`` (a dict name → function).

    The functions are timed in turn, round after round, so that a slow spell of
    the machine hits all of them alike instead of the one that happened to run then.
    """
    if not isinstance(fns, dict) or not fns or not all(callable(f) for f in fns.values()):
        raise TypeError("fns must be a non-empty dict of name -> function taking no arguments")
    repeat = check_int(repeat, "repeat", 1)
    warmup = check_int(warmup, "warmup", 0)
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}
