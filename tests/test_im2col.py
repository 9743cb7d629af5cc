"""im2col and conv2d_im2col, checked against PyTorch's F.unfold and F.conv2d."""

import importlib
from collections import Counter

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from strategies import both
from strategies import conv_settings

from coursecode import conv2d_im2col
from coursecode import im2col


@given(settings=conv_settings(), n=st.integers(1, 3), c=st.integers(1, 3), seed=st.integers(0, 99))
def test_im2col_equals_unfold(settings, n, c, seed):
    size, kernel, stride, padding, dilation = settings
    x = torch.randn(n, c, *both(size), generator=torch.Generator().manual_seed(seed))
    ours = im2col(x, kernel, stride=stride, padding=padding, dilation=dilation)
    theirs = F.unfold(x, kernel, stride=stride, padding=padding, dilation=dilation)
    assert torch.equal(ours, theirs)  # a pure rearrangement: exactly equal


@given(
    settings=conv_settings(),
    n=st.integers(1, 3),
    c_in=st.integers(1, 4),
    c_out=st.integers(1, 5),
    use_bias=st.booleans(),
    batched=st.booleans(),
    seed=st.integers(0, 99),
)
def test_conv2d_im2col_equals_conv2d(settings, n, c_in, c_out, use_bias, batched, seed):
    size, kernel, stride, padding, dilation = settings
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c_in, *both(size), generator=g)
    if not batched:
        x = x[0]
    w = torch.randn(c_out, c_in, *both(kernel), generator=g)
    b = torch.randn(c_out, generator=g) if use_bias else None
    ours = conv2d_im2col(x, w, b, stride=stride, padding=padding, dilation=dilation)
    theirs = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    assert ours.shape == theirs.shape
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-5)


def test_one_digit_unfolds_to_9_by_676():
    assert im2col(torch.rand(1, 28, 28), 3).shape == (9, 676)
    assert im2col(torch.rand(5, 1, 28, 28), 3).shape == (5, 9, 676)


def test_im2col_does_not_use_unfold(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("im2col must be written without F.unfold")

    monkeypatch.setattr(F, "unfold", refuse)
    monkeypatch.setattr(torch.nn.functional, "unfold", refuse)
    x = torch.rand(2, 3, 9, 9)
    assert im2col(x, 3, stride=2, padding=1).shape == (2, 27, 25)
    assert conv2d_im2col(x, torch.rand(4, 3, 3, 3)).shape == (2, 4, 7, 7)


def test_im2col_keeps_gradients():
    x = torch.rand(1, 1, 5, 5, requires_grad=True)
    conv2d_im2col(x, torch.ones(1, 1, 3, 3)).sum().backward()
    # The centre pixel is in all 9 windows, a corner in 1.
    assert x.grad[0, 0, 2, 2] == 9 and x.grad[0, 0, 0, 0] == 1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"kernel_size": 7},
            ValueError,
            r"kernel_size=7 is larger than the padded input height \(5 \+ 2\*0 = 5\)",
        ),
        ({"kernel_size": 3, "dilation": 3}, ValueError, "spans 7 with dilation 3"),
        ({"kernel_size": 3, "stride": 0}, ValueError, "stride must be an integer >= 1, got 0"),
        ({"kernel_size": 3, "padding": -1}, ValueError, "padding must be an integer >= 0, got -1"),
        ({"kernel_size": 3, "dilation": 0}, ValueError, "dilation must be an integer >= 1, got 0"),
        ({"kernel_size": 3.0}, TypeError, "kernel_size must be an integer"),
        ({"kernel_size": (3, 3, 3)}, TypeError, r"kernel_size must be an int or a pair"),
        ({"kernel_size": (3, True)}, TypeError, r"kernel_size\[1\] must be an integer"),
    ],
)
def test_im2col_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        im2col(torch.zeros(1, 1, 5, 5), **kwargs)


def test_im2col_bad_input():
    with pytest.raises(
        ValueError, match=r"x must have shape \(N, C, H, W\) or \(C, H, W\).*got shape \(28, 28\)"
    ):
        im2col(torch.zeros(28, 28), 3)
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        im2col([[0.0] * 5] * 5, 3)


def test_conv2d_im2col_bad_arguments():
    x = torch.zeros(2, 3, 8, 8)
    with pytest.raises(ValueError, match=r"x has 3 channels .* weight expects C_in=1"):
        conv2d_im2col(x, torch.zeros(4, 1, 3, 3))
    with pytest.raises(ValueError, match=r"weight must have shape \(C_out, C_in, kH, kW\)"):
        conv2d_im2col(x, torch.zeros(3, 3))
    with pytest.raises(ValueError, match="bias must have C_out=4 values"):
        conv2d_im2col(x, torch.zeros(4, 3, 3, 3), torch.zeros(3))
    with pytest.raises(TypeError, match="x is torch.float64 but weight is torch.float32"):
        conv2d_im2col(x.double(), torch.zeros(4, 3, 3, 3))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d_im2col(x, torch.zeros(4, 3, 9, 9))


def test_conv2d_im2col_gradients_match_conv2d():
    g = torch.Generator().manual_seed(0)
    tensors = [
        torch.randn(2, 3, 7, 6, generator=g),
        torch.randn(4, 3, 3, 2, generator=g),
        torch.randn(4, generator=g),
    ]
    grads = []
    for conv in (conv2d_im2col, F.conv2d):
        x, w, b = (t.clone().requires_grad_() for t in tensors)
        (conv(x, w, b, stride=2, padding=1) ** 2).sum().backward()
        grads.append((x.grad, w.grad, b.grad))
    for ours, theirs in zip(*grads):
        torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("shape", [(1, 0, 5, 5), (1, 1, 0, 5), (1, 1, 5, 0), (0, 5, 5)])
def test_im2col_refuses_empty_images(shape):
    with pytest.raises(
        ValueError,
        match=rf"x must have at least 1 channel, 1 row and 1 column, "
        rf"got shape \({', '.join(map(str, shape))}\)",
    ):
        im2col(torch.zeros(shape), 1)
    with pytest.raises(ValueError, match="x must have at least 1 channel"):
        conv2d_im2col(torch.zeros(shape), torch.zeros(2, max(shape[-3], 1), 1, 1))


def test_an_empty_batch_unfolds_like_pytorch():
    assert im2col(torch.zeros(0, 1, 5, 5), 3).shape == F.unfold(torch.zeros(0, 1, 5, 5), 3).shape
    assert conv2d_im2col(torch.zeros(0, 1, 5, 5), torch.zeros(2, 1, 3, 3)).shape == (0, 2, 3, 3)


@pytest.mark.parametrize("shape", [(0, 1, 3, 3), (2, 0, 3, 3), (2, 1, 0, 3), (2, 1, 3, 0)])
def test_conv2d_im2col_refuses_an_empty_weight(shape):
    with pytest.raises(ValueError, match=r"weight must have at least 1 filter"):
        conv2d_im2col(torch.zeros(1, 1, 5, 5), torch.zeros(shape))


def test_conv2d_im2col_says_the_kernel_is_weights():
    with pytest.raises(
        ValueError, match=r"weight of shape \(1, 1, 7, 7\) does not fit x of shape \(1, 1, 5, 5\)"
    ):
        conv2d_im2col(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 7, 7))
    with pytest.raises(ValueError, match="stride must be an integer >= 1, got 0"):
        conv2d_im2col(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 3, 3), stride=0)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: im2col(torch.zeros(1, 1, 5, 5), 3, padding=30_000),
            r"padding \(30000, 30000\) would need 134.1 GiB",
        ),
        (lambda: im2col(torch.zeros(64, 3, 512, 512), 11, padding=5), r"would need 22.9 GiB"),
        (
            lambda: conv2d_im2col(torch.zeros(1, 1, 64, 64), torch.zeros(200_000, 1, 1, 1)),
            r"output of shape \(1, 200000, 64, 64\) would need 3.1 GiB",
        ),
    ],
)
def test_im2col_refuses_to_allocate_gigabytes(call, match):
    # torch.zeros of a few small shapes only: the refusal comes before any allocation.
    with pytest.raises(ValueError, match=match + r", more than the 2 GiB allowed"):
        call()


def test_conv2d_im2col_refuses_a_boolean_weight():
    with pytest.raises(TypeError, match="weight must hold numbers, got torch.bool"):
        conv2d_im2col(
            torch.ones(1, 1, 5, 5, dtype=torch.bool), torch.ones(1, 1, 3, 3, dtype=torch.bool)
        )


@pytest.fixture
def counted(monkeypatch):
    """Counts, during a call, each argument's check and each output-size computation of
    coursecode.im2col (as the module looks them up)."""
    module = importlib.import_module("coursecode.im2col")  # not coursecode.im2col, the function
    counts = Counter()

    def spy(name, key):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            counts[key(args)] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    spy("check_tensor", lambda args: ("check_tensor", args[1]))
    spy("as_pair", lambda args: ("as_pair", args[1]))
    spy("_check_sizes", lambda args: ("_check_sizes", args[1]))
    spy("out_size", lambda args: ("out_size",))
    return counts


def test_conv2d_im2col_checks_and_computes_the_size_once(counted):
    x, w, b = torch.randn(2, 3, 9, 8), torch.randn(4, 3, 3, 2), torch.randn(4)
    ours = conv2d_im2col(x, w, b, stride=2, padding=(1, 0), dilation=1)
    torch.testing.assert_close(
        ours, F.conv2d(x, w, b, stride=2, padding=(1, 0)), atol=1e-5, rtol=1e-5
    )
    # The unfolding inside gets clean values: nothing is checked or computed a second time.
    assert counted == {
        ("check_tensor", "x"): 1,
        ("check_tensor", "weight"): 1,
        ("check_tensor", "bias"): 1,
        ("_check_sizes", "x"): 1,
        ("as_pair", "stride"): 1,
        ("as_pair", "padding"): 1,
        ("as_pair", "dilation"): 1,
        ("out_size",): 1,
    }


def test_im2col_checks_and_computes_the_size_once(counted):
    x = torch.randn(3, 7, 7)
    assert torch.equal(im2col(x, 3, stride=2), F.unfold(x[None], 3, stride=2)[0])
    assert counted == {
        ("check_tensor", "x"): 1,
        ("_check_sizes", "x"): 1,
        ("as_pair", "kernel_size"): 1,
        ("as_pair", "stride"): 1,
        ("as_pair", "padding"): 1,
        ("as_pair", "dilation"): 1,
        ("out_size",): 1,
    }
