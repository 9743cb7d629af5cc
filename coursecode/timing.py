"""Measure how long code takes, in a way a busy machine cannot fool: the best of several runs.

Introduced in lessons/02_unfold.

Other programs on the machine can only make a run slower, never faster, so the
fastest of several runs is the figure that stays put on a shared CPU; a median
moves with the load. Tiny functions are timed in blocks of many calls after one
untimed call: the first call after another function has run can take a hundred
times longer (the memory allocator and the caches hold that function's traces),
and that is not the cost of the call.
"""

import contextlib
import math
import os
import time

import torch

from coursecode._validate import check_int

__all__ = ["best_time", "compare_times", "torch_threads"]

# torch.profiler, which lesson 02 uses to see what F.conv2d runs, prints "profiler_start" /
# "profiler_stop" lines straight to the process's stderr, and a notebook shows them as
# output. Silence them unless the user chose a log level.
os.environ.setdefault("KINETO_LOG_LEVEL", "6")

# A timed block lasts at least this long (when ``number`` is not given): long enough
# for the clock's resolution, short enough to fit between two interruptions.
_MIN_BLOCK_SECONDS = 1e-3
_MAX_NUMBER = 100_000
# What a learner may ask for: beyond these a call runs for hours or starts absurdly many threads.
_LIMITS = {"repeat": 1_000, "number": 10_000_000, "warmup": 1_000, "threads": 1_024}
_MAX_CALLS = 100_000_000  # timed calls in all (repeat × number)


def _check_count(value, name: str, minimum: int) -> int:
    """An integer >= ``minimum`` and at most ``_LIMITS[name]``, or a clear error naming it."""
    value = check_int(value, name, minimum)
    if value > _LIMITS[name]:
        raise ValueError(
            f"{name} must be an integer from {minimum} to {_LIMITS[name]:,}, got {value:,}"
        )
    return value


@contextlib.contextmanager
def torch_threads(threads: int | None):
    """``with torch_threads(1):`` runs the block with PyTorch on that many CPU threads.

    ``None`` leaves the setting alone. The previous setting is restored afterwards.

    Examples
    --------
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    if threads is not None:
        threads = _check_count(threads, "threads", 1)
    with _torch_threads(threads):
        yield


@contextlib.contextmanager
def _torch_threads(threads: int | None):
    """:func:`torch_threads` of a checked ``threads``."""
    if threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def best_time(
    fn, repeat: int = 7, number: int | None = None, warmup: int = 1, threads: int | None = None
) -> float:
    """Seconds one call of ``fn()`` takes: the fastest of ``repeat`` timed runs.

    Each run times ``number`` calls in a row and divides by ``number`` (by default,
    enough calls for the run to last about a millisecond, sized by timing a few
    calls first). The ``warmup`` calls do not count: PyTorch allocates memory
    and picks kernels on its first call. ``threads`` fixes PyTorch's CPU thread count while
    timing (see :func:`torch_threads`).

    Examples
    --------
    >>> best_time(lambda: sum(range(1000))) < 1.0
    True
    """
    if not callable(fn):
        raise TypeError(
            f"fn must be a function that takes no arguments, e.g. "
            f"lambda: conv2d_loop(im, kernel), got {type(fn).__name__}: {fn!r}"[:200]
        )
    return _compare_times({"fn": fn}, *_check_settings(repeat, number, warmup, threads))["fn"]


def compare_times(
    fns: dict,
    repeat: int = 7,
    number: int | None = None,
    warmup: int = 1,
    threads: int | None = None,
) -> dict:
    """Seconds per call of each function in ``fns`` (a dict name → function): the best run.

    The functions take turns, round after round, so that a slow spell of the
    machine hits all of them alike. In each round a function is timed for
    ``number`` calls in a row (by default, as many as make a run of about a
    millisecond, chosen per function; a block of more than one call starts with
    an untimed call); the result for each is its fastest round, per call.
    ``threads`` fixes PyTorch's CPU thread count while timing.

    Examples
    --------
    >>> times = compare_times({"short": lambda: sum(range(10)),
    ...                        "long": lambda: sum(range(10_000))})
    >>> times["short"] < times["long"]
    True
    """
    if not isinstance(fns, dict) or not fns:
        raise TypeError(
            "fns must be a non-empty dict of name -> function taking no arguments, "
            f"got {'an empty dict' if isinstance(fns, dict) else type(fns).__name__}"
        )
    for name, fn in fns.items():
        if not callable(fn):
            raise TypeError(
                "fns must be a non-empty dict of name -> function taking no arguments, "
                f"but fns[{name!r}] is {type(fn).__name__}: {fn!r}"[:200]
            )
    return _compare_times(fns, *_check_settings(repeat, number, warmup, threads))


def _check_settings(repeat, number, warmup, threads) -> tuple:
    """``repeat``, ``number``, ``warmup`` and ``threads`` of a timing, checked."""
    repeat = _check_count(repeat, "repeat", 1)
    warmup = _check_count(warmup, "warmup", 0)
    if number is not None:
        number = _check_count(number, "number", 1)
        if repeat * number > _MAX_CALLS:
            raise ValueError(
                f"repeat × number must be at most {_MAX_CALLS:,} calls, got "
                f"{repeat:,} × {number:,} = {repeat * number:,}: that could run "
                "for hours"
            )
    if threads is not None:
        threads = _check_count(threads, "threads", 1)
    return repeat, number, warmup, threads


def _compare_times(
    fns: dict, repeat: int, number: int | None, warmup: int, threads: int | None
) -> dict:
    """:func:`compare_times` of checked arguments."""
    with _torch_threads(threads):
        numbers = {}
        for name, fn in fns.items():
            for _ in range(warmup):
                fn()
            numbers[name] = number or _calls_per_block(fn)
        best = {name: math.inf for name in fns}
        for _ in range(repeat):
            for name, fn in fns.items():
                n = numbers[name]
                if n > 1:
                    fn()  # untimed: the first call after another function pays for its traces
                start = time.perf_counter()
                for _ in range(n):
                    fn()
                best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def _calls_per_block(fn) -> int:
    """How many calls of ``fn`` make a timed block of about ``_MIN_BLOCK_SECONDS``."""
    once = _time_one_call(fn)
    if once >= _MIN_BLOCK_SECONDS:
        # Slow, or a short call slowed down by what ran before it (a hundredfold is
        # common): a second call tells them apart.
        once = min(once, _time_one_call(fn))
        if once >= _MIN_BLOCK_SECONDS:
            return 1
    once = min([once] + [_time_one_call(fn) for _ in range(3)])
    return min(_MAX_NUMBER, math.ceil(_MIN_BLOCK_SECONDS / max(once, 1e-9)))


def _time_one_call(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
