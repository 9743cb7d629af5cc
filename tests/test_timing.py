"""Timing helpers: best of runs, blocks of calls, round-robin comparison, thread count, checks."""

import time

import pytest
import torch

import coursecode.timing
from coursecode import best_time
from coursecode import compare_times
from coursecode import torch_threads


def test_best_time_measures_sleep():
    assert 0.004 <= best_time(lambda: time.sleep(0.005), repeat=3) < 0.5


class FakeClock:
    """A clock that only moves when the timed function says so: no test depends on load."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


def test_best_time_is_the_fastest_run_not_a_typical_one(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(coursecode.timing, "time", clock)
    runs = iter([0.005, 0.003, 0.001, 0.004, 0.002])  # the median would be 0.003

    def fn():
        clock.now += next(runs)

    assert best_time(fn, repeat=5, number=1, warmup=0) == pytest.approx(0.001)


def test_blocks_report_the_time_of_one_call(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(coursecode.timing, "time", clock)

    def fn():
        clock.now += 2e-6

    assert best_time(fn, repeat=3, warmup=0) == pytest.approx(2e-6)


def test_compare_times_orders_and_warms_up():
    calls = []
    times = compare_times(
        {"fast": lambda: calls.append("f"), "slow": lambda: time.sleep(0.003)},
        repeat=3,
        number=1,
        warmup=2,
    )
    assert list(times) == ["fast", "slow"] and times["fast"] < times["slow"]
    assert len(calls) == 5  # 2 warm-up calls + 3 timed


def test_short_functions_run_in_blocks_and_report_one_call():
    calls = []
    per_call = compare_times({"tiny": lambda: calls.append(1)}, repeat=2, warmup=0)["tiny"]
    # a block lasts about a millisecond: many calls, but the figure is for one of them
    assert len(calls) > 100
    assert per_call < 1e-4


@pytest.mark.parametrize("warmup", [0, 1, 3])
def test_long_functions_are_not_repeated_within_a_run(warmup):
    calls = []
    compare_times({"slow": lambda: (calls.append(1), time.sleep(0.002))}, repeat=3, warmup=warmup)
    # warm-up, two calls that find it slow (not just slowed down once), then one per run
    assert len(calls) == warmup + 2 + 3


def test_a_given_number_skips_the_sizing_calls():
    calls = []
    compare_times({"slow": lambda: calls.append(1)}, repeat=1, number=1, warmup=0)
    assert len(calls) == 1


def test_a_short_function_slowed_down_once_is_still_timed_in_blocks():
    # The first call after another function can be a hundred times slower than the rest;
    # it must not make the block a single (slow) call.
    calls = []

    def short():
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.003)

    per_call = compare_times({"short": short}, repeat=3, warmup=0)["short"]
    assert per_call < 1e-4 and len(calls) > 100


def test_threads_are_fixed_while_timing_and_restored():
    seen = []
    before = torch.get_num_threads()
    compare_times(
        {"f": lambda: seen.append(torch.get_num_threads())}, repeat=2, number=1, threads=1
    )
    assert set(seen) == {1}
    assert torch.get_num_threads() == before


def test_torch_threads_restores_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError, match="inside"), torch_threads(1):
        raise RuntimeError("an error inside the block")
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    "fns, kwargs, error, match",
    [
        ({}, {}, TypeError, "non-empty dict"),
        ({"a": 3}, {}, TypeError, "non-empty dict"),
        ([print], {}, TypeError, "got list"),
        ({"a": print}, {"repeat": 0}, ValueError, "repeat must be an integer >= 1"),
        ({"a": print}, {"warmup": -1}, ValueError, "warmup must be an integer >= 0"),
        ({"a": print}, {"number": 0}, ValueError, "number must be an integer >= 1"),
        ({"a": print}, {"number": 2.5}, TypeError, "number must be an integer >= 1"),
        ({"a": print}, {"threads": 0}, ValueError, "threads must be an integer >= 1"),
    ],
)
def test_compare_times_bad_arguments(fns, kwargs, error, match):
    with pytest.raises(error, match=match):
        compare_times(fns, **kwargs)


@pytest.mark.parametrize(
    "fn, kwargs, error, match",
    [
        (3, {}, TypeError, "fn must be a function that takes no arguments, .*got int: 3"),
        ("conv2d_loop", {}, TypeError, "fn must be a function .*got str"),
        (
            print,
            {"repeat": 10**9},
            ValueError,
            "repeat must be an integer from 1 to 1,000, got 1,000,000,000",
        ),
        (print, {"number": 10**12}, ValueError, "number must be an integer from 1 to 10,000,000"),
        (print, {"warmup": 10**6}, ValueError, "warmup must be an integer from 0 to 1,000"),
        (print, {"threads": 10**6}, ValueError, "threads must be an integer from 1 to 1,024"),
        (print, {"threads": 1.5}, TypeError, "threads must be an integer >= 1"),
        (
            print,
            {"repeat": 1_000, "number": 10_000_000},
            ValueError,
            r"repeat × number must be at most 100,000,000 calls, got 1,000 × 10,000,000",
        ),
    ],
)
def test_best_time_names_the_argument_passed(fn, kwargs, error, match):
    calls = []
    with pytest.raises(error, match=match):
        best_time(fn if fn is not print else lambda: calls.append(1), **kwargs)
    assert calls == []  # refused before any call


def test_compare_times_names_the_entry_that_is_not_a_function():
    with pytest.raises(TypeError, match=r"fns\['b'\] is int: 3"):
        compare_times({"a": print, "b": 3})
    with pytest.raises(TypeError, match="got an empty dict"):
        compare_times({})
    with pytest.raises(ValueError, match="threads must be an integer from 1 to 1,024"):
        with torch_threads(5000):
            pass
