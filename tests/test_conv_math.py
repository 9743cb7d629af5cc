"""The explorers' arithmetic (coursecode/static/conv_math.js), run in Node, against PyTorch."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from coursecode.widgets import MATH_PATH
from node import Node

# At least 250 cases per property, whatever the profile (the thorough one tries more).
CASES = settings(max_examples=max(250, settings().max_examples))


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = Node(MATH_PATH, tmp_path_factory.mktemp("js"))
    yield node
    node.close()


@st.composite
def conv_cases(draw):
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride, padding, dilation = draw(st.integers(1, 3)), draw(st.integers(0, 3)), draw(st.integers(1, 3))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    image = torch.randn(h, w, generator=generator, dtype=torch.float64)
    kernel = torch.randn(kh, kw, generator=generator, dtype=torch.float64)
    return image, kernel, stride, padding, dilation


def pytorch_conv(image, kernel, stride, padding, dilation):
    try:
        return F.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding,
                        dilation=dilation)[0, 0]
    except RuntimeError:  # the kernel does not fit the padded image
        return None


@CASES
@given(conv_cases())
def test_conv2d_equals_pytorch(js, case):
    image, kernel, stride, padding, dilation = case
    expected = pytorch_conv(*case)
    got = js("conv2d", image.flatten().tolist(), *image.shape, kernel.flatten().tolist(),
             *kernel.shape, stride, padding, dilation)
    if expected is None:
        assert got is None
        return
    assert (got["height"], got["width"]) == tuple(expected.shape)
    assert torch.allclose(torch.tensor(got["data"], dtype=torch.float64).view(expected.shape),
                          expected, atol=1e-5, rtol=0)


@CASES
@given(st.integers(1, 40), st.integers(1, 9), st.integers(0, 4), st.integers(1, 4), st.integers(1, 4))
def test_output_size_equals_pytorch(js, n, k, p, s, d):
    out = pytorch_conv(torch.zeros(n, n), torch.zeros(k, k), s, p, d)
    assert js("outputSize", n, k, p, s, d) == (None if out is None else out.shape[-1])


@pytest.mark.parametrize("args", [(5, 3, 1, 0, 1), (5, 3, 1, 1, 0), (0, 3, 1, 1, 1),
                                  (5, 3, -1, 1, 1), (5, 3, 1, 1.5, 1), (5, 3, 1, None, 1)])
def test_output_size_has_no_answer_for_settings_out_of_range(js, args):
    # stride 0 would give Infinity, and a drawing loop that never ends
    assert js("outputSize", *args) is None


def test_greys_scale_from_black_to_white(js):
    assert js("greys", [2.0, 4.0, 3.0]) == [0, 255, 128]
    assert js("greys", [1.0, 1.0]) == [0, 0]     # a flat map is black, not NaN


@CASES
@given(st.integers(3, 12), st.integers(3, 12), st.integers(1, 3), st.integers(0, 2**31), st.data())
def test_window_at_equals_unfold_and_conv2d(js, h, w, k, seed, data):
    generator = torch.Generator().manual_seed(seed)
    image = torch.randn(h, w, generator=generator, dtype=torch.float64)
    kernel = torch.randn(k, k, generator=generator, dtype=torch.float64)
    positions = (h - k + 1) * (w - k + 1)
    position = data.draw(st.integers(0, positions - 1))
    got = js("windowAt", image.flatten().tolist(), h, w, kernel.flatten().tolist(), k, position)
    columns = F.unfold(image[None, None], k)[0]                  # (k*k, positions)
    fmap = F.conv2d(image[None, None], kernel[None, None])[0, 0]
    assert (got["row"], got["col"]) == divmod(position, w - k + 1)
    assert torch.allclose(torch.tensor(got["patch"], dtype=torch.float64), columns[:, position])
    assert torch.allclose(torch.tensor(got["products"], dtype=torch.float64),
                          columns[:, position] * kernel.flatten())
    assert got["sum"] == pytest.approx(fmap[got["row"], got["col"]].item(), abs=1e-9)


@pytest.mark.parametrize("position", [-1, 676, 1.5, None])
def test_window_at_refuses_positions_off_the_map(js, position):
    assert js("windowAt", [0.0] * 784, 28, 28, [0.0] * 9, 3, position) is None


@CASES
@given(st.integers(1, 3), st.integers(1, 9), st.integers(1, 9), st.integers(1, 4),
       st.integers(1, 3), st.integers(0, 2), st.integers(0, 2**31))
def test_unfold_equals_pytorch(js, c, h, w, k, stride, padding, seed):
    image = torch.randn(c, h, w, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    got = js("unfold", image.flatten().tolist(), c, h, w, k, stride, padding)
    try:
        expected = F.unfold(image[None], k, stride=stride, padding=padding)[0]
    except RuntimeError:                     # the kernel does not fit the padded image
        expected = None
    if expected is None or expected.shape[-1] == 0:
        assert got is None
        return
    assert (got["rows"], got["cols"]) == tuple(expected.shape) == (c * k * k, got["outH"] * got["outW"])
    assert torch.equal(torch.tensor(got["data"], dtype=torch.float64).view(expected.shape), expected)


@CASES
@given(st.integers(1, 4), conv_cases())
def test_conv2d_channels_equals_pytorch(js, c, case):
    image, kernel, stride, padding, dilation = case
    generator = torch.Generator().manual_seed(int(image.abs().sum() * 1e6) % 2**31)
    image = torch.randn(c, *image.shape, generator=generator, dtype=torch.float64)
    kernel = torch.randn(c, *kernel.shape, generator=generator, dtype=torch.float64)
    got = js("conv2dChannels", image.flatten().tolist(), c, *image.shape[1:],
             kernel.flatten().tolist(), *kernel.shape[1:], stride, padding, dilation)
    expected = pytorch_conv_channels(image, kernel, stride, padding, dilation)
    if expected is None:
        assert got is None
        return
    total = expected.sum(0)   # F.conv2d with one kernel of c slices is the sum of the maps
    assert torch.allclose(total, F.conv2d(image[None], kernel[None], stride=stride,
                                          padding=padding, dilation=dilation)[0, 0])
    shape = (got["height"], got["width"])
    assert shape == tuple(total.shape)
    assert torch.allclose(torch.tensor(got["data"], dtype=torch.float64).view(shape), total, atol=1e-5)
    for mine, theirs in zip(got["channels"], expected, strict=True):
        assert torch.allclose(torch.tensor(mine, dtype=torch.float64).view(shape), theirs, atol=1e-5)


def pytorch_conv_channels(image, kernel, stride, padding, dilation):
    """Each channel convolved with its own slice (groups=c): (c, H', W'), or None."""
    c = image.shape[0]
    try:
        return F.conv2d(image[None], kernel[:, None], stride=stride, padding=padding,
                        dilation=dilation, groups=c)[0]
    except RuntimeError:
        return None


def test_greys_in_a_fixed_range_clip(js):
    assert js("greysIn", [-1.0, 0.0, 1.0, 3.0], 0.0, 2.0) == [0, 0, 128, 255]
