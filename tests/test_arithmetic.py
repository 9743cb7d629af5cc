"""Conv arithmetic, the pure formulas: output size and same padding (coursecode.arithmetic)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from strategies import both
from strategies import conv_settings

from coursecode import conv_out_size
from coursecode import same_padding


@given(settings=conv_settings(max_size=40))
def test_conv_out_size_matches_pytorch(settings):
    size, kernel, stride, padding, dilation = settings
    out = F.conv2d(
        torch.zeros(1, 1, *both(size)),
        torch.zeros(1, 1, *both(kernel)),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    got = conv_out_size(size, kernel, stride, padding, dilation)
    assert both(got) == tuple(out.shape[-2:])
    all_ints = not any(isinstance(a, tuple) for a in settings)
    assert isinstance(got, int) == all_ints


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((28, 3), {}, 26),
        ((28, 3), {"padding": 1}, 28),
        ((28, 3), {"stride": 2, "padding": 1}, 14),
        ((7, 3), {"stride": 2, "padding": 1}, 4),
        ((5, 3), {"dilation": 2}, 1),
        ((512, 5), {"stride": 2}, 254),
        (((28, 20), (3, 5)), {"padding": (1, 2)}, (28, 20)),
        (((28, 28), 3), {}, (26, 26)),
    ],
)
def test_conv_out_size_cases(args, kwargs, expected):
    assert conv_out_size(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"size": 5, "kernel_size": 7},
            ValueError,
            r"kernel_size=7 is larger than the padded input \(5 \+ 2\*0 = 5\)",
        ),
        (
            {"size": 5, "kernel_size": 3, "stride": 0},
            ValueError,
            "stride must be an integer >= 1, got 0",
        ),
        (
            {"size": 5, "kernel_size": 3, "padding": -2},
            ValueError,
            "padding must be an integer >= 0",
        ),
        ({"size": 0, "kernel_size": 3}, ValueError, "size must be an integer >= 1"),
        (
            {"size": 5, "kernel_size": 3, "dilation": 0},
            ValueError,
            "dilation must be an integer >= 1",
        ),
        ({"size": 5.5, "kernel_size": 3}, TypeError, "size must be an integer"),
        ({"size": 5, "kernel_size": "3"}, TypeError, "kernel_size must be an integer"),
        (
            {"size": (5, 4), "kernel_size": (3, 5)},
            ValueError,
            r"larger than the padded input width \(4 \+ 2\*0 = 4\)",
        ),
    ],
)
def test_conv_out_size_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        conv_out_size(**kwargs)


@given(n=st.integers(1, 30), k=st.sampled_from([1, 3, 5, 7]), d=st.integers(1, 3))
def test_same_padding_keeps_size(n, k, d):
    p = same_padding(k, d)
    if d * (k - 1) + 1 <= n + 2 * p:
        assert conv_out_size(n, k, 1, p, d) == n


def test_same_padding_cases_and_errors():
    assert same_padding(3) == 1 and same_padding(7) == 3 and same_padding((1, 5)) == (0, 2)
    assert same_padding(2, dilation=2) == 1  # a dilated even kernel spans an odd 3 pixels
    with pytest.raises(ValueError, match="kernel_size=4 with dilation=1 spans an even 4 pixels"):
        same_padding(4)
    with pytest.raises(ValueError, match="kernel_size must be an integer >= 1"):
        same_padding(0)
