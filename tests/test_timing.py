"""Timing helpers: medians, round-robin comparison, argument checks."""

import time

import pytest

from coursecode import compare_times
from coursecode import median_time


def test_median_time_measures_sleep():
    assert 0.004 <= median_time(lambda: time.sleep(0.005), repeat=3) < 0.5


def test_compare_times_orders_and_warms_up():
    calls = []
    times = compare_times({"fast": lambda: calls.append("f"), "slow": lambda: time.sleep(0.003)},
                          repeat=3, warmup=2)
    assert list(times) == ["fast", "slow"] and times["fast"] < times["slow"]
    assert len(calls) == 5  # 2 warm-up calls + 3 timed


@pytest.mark.parametrize("fns, kwargs, error, match", [
    ({}, {}, TypeError, "non-empty dict"),
    ({"a": 3}, {}, TypeError, "non-empty dict"),
    ({"a": print}, {"repeat": 0}, ValueError, "repeat must be an integer >= 1"),
    ({"a": print}, {"warmup": -1}, ValueError, "warmup must be an integer >= 0"),
])
def test_compare_times_bad_arguments(fns, kwargs, error, match):
    with pytest.raises(error, match=match):
        compare_times(fns, **kwargs)
