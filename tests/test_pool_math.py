"""The pool explorer's arithmetic (coursecode/explorers/pool_math.js), run in Node, against
F.max_pool2d and F.avg_pool2d."""

import itertools

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from node import Node

from coursecode.widgets import POOL_MATH_PATH

# At least 250 cases per property, whatever the profile (the thorough one tries more).
CASES = settings(max_examples=max(250, settings().max_examples))
MODES = ("max", "average")


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = Node(POOL_MATH_PATH, tmp_path_factory.mktemp("js"))
    yield node
    node.close()


def pytorch_pool(image, k, s, mode, ceil):
    """PyTorch's pooled map (padding 0), or None when PyTorch finds no window that fits."""
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    try:
        return pool(image[None, None], k, s, ceil_mode=ceil)[0, 0]
    except RuntimeError:  # "Output size is too small"
        return None


def covered(h, w, k, s, ceil):
    """How many input pixels each window covers, by PyTorch: a sum of ones."""
    return F.avg_pool2d(
        torch.ones(1, 1, h, w, dtype=torch.float64), k, s, ceil_mode=ceil, divisor_override=1
    )[0, 0]


@st.composite
def pool_cases(draw):
    """(image, k, s, mode, ceil): sizes 1–12, windows and strides 1–4, values of both signs."""
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    k, s = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    mode, ceil = draw(st.sampled_from(MODES)), draw(st.booleans())
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    image = torch.randn(h, w, generator=generator, dtype=torch.float64) * 3
    if draw(st.booleans()):  # coarse values: ties for the max, and exact zeros
        image = image.round()
    return image, k, s, mode, ceil


@CASES
@given(pool_cases())
def test_pool2d_equals_pytorch(js, case):
    image, k, s, mode, ceil = case
    expected = pytorch_pool(*case)
    got = js("pool2d", image.flatten().tolist(), *image.shape, k, s, mode, ceil)
    if expected is None:
        assert got is None
        return
    shape = (got["height"], got["width"])
    assert shape == tuple(expected.shape)
    values = torch.tensor(got["data"], dtype=torch.float64).view(shape)
    assert torch.allclose(values, expected, atol=1e-6, rtol=0), (values - expected).abs().max()
    counts = torch.tensor(got["counts"], dtype=torch.float64).view(shape)
    assert torch.equal(counts, covered(*image.shape, k, s, ceil))


@CASES
@given(pool_cases(), st.data())
def test_pool_window_is_the_pixels_pytorch_pools(js, case, data):
    image, k, s, mode, ceil = case
    expected = pytorch_pool(*case)
    if expected is None:
        assert (
            js("poolWindow", image.flatten().tolist(), *image.shape, k, s, mode, ceil, 0, 0) is None
        )
        return
    row = data.draw(st.integers(0, expected.shape[0] - 1))
    col = data.draw(st.integers(0, expected.shape[1] - 1))
    got = js("poolWindow", image.flatten().tolist(), *image.shape, k, s, mode, ceil, row, col)
    assert got["value"] == pytest.approx(expected[row, col].item(), abs=1e-6)
    assert (got["top"], got["left"]) == (row * s, col * s)
    assert got["count"] == got["rows"] * got["cols"] == covered(*image.shape, k, s, ceil)[row, col]
    # the k×k cells: the input's pixels where the window covers it, null where it hangs off
    cells = [[got["cells"][a * k + b] for b in range(k)] for a in range(k)]
    for a, b in itertools.product(range(k), repeat=2):
        y, x = row * s + a, col * s + b
        inside = y < image.shape[0] and x < image.shape[1]
        assert cells[a][b] == (image[y, x].item() if inside else None), (a, b)
    if mode == "max":
        assert got["cells"][got["argmax"]] == got["value"]
    else:
        assert got["argmax"] is None


@CASES
@given(st.integers(1, 40), st.integers(1, 4), st.integers(1, 4), st.booleans())
def test_out_size_equals_pytorch(js, n, k, s, ceil):
    out = pytorch_pool(torch.zeros(n, n, dtype=torch.float64), k, s, "max", ceil)
    assert js("poolOutSize", n, k, s, ceil) == (None if out is None else out.shape[-1])


def test_out_size_on_every_slider_setting_equals_pytorch(js):
    for n, k, s, ceil in itertools.product(range(1, 65), range(1, 5), range(1, 5), (False, True)):
        out = pytorch_pool(torch.zeros(4, n), k, s, "average", ceil)  # 4 rows: every k fits
        got = js("poolOutSize", n, k, s, ceil)
        assert got == (None if out is None else out.shape[-1]), (n, k, s, ceil)


def test_ceil_mode_on_the_lessons_digit(js):
    # 28 pixels, window 3, stride 2: 13 windows fit; ceil_mode adds a 14th that covers 2.
    assert js("poolOutSize", 28, 3, 2, False) == 13
    assert js("poolOutSize", 28, 3, 2, True) == 14
    assert js("poolOutSize", 28, 2, 2, True) == 14  # nothing hangs off: no extra one
    # a window larger than the input fits only when it hangs off by less than the stride
    assert js("poolOutSize", 1, 2, 2, True) == 1
    assert js("poolOutSize", 1, 2, 1, True) is None
    assert js("poolOutSize", 3, 4, 4, False) is None


@pytest.mark.parametrize(
    "args",
    [
        (5, 2, 0, False),
        (5, 0, 1, False),
        (0, 2, 2, False),
        (5, 2, -1, True),
        (5, 2.5, 2, False),
        (5, 2, None, False),
        ("5", 2, 2, False),
        (5, 2, "Infinity", True),
    ],
)
def test_out_size_has_no_answer_for_settings_out_of_range(js, args):
    # stride 0 would give Infinity, and a drawing loop that never ends
    assert js("poolOutSize", *args) is None


@pytest.mark.parametrize(
    "args",
    [
        ([1.0] * 4, 2, 2, 2, 0, "max", False),  # stride 0
        ([1.0] * 4, 2, 2, 2, 2, "mean", False),  # an unknown mode
        ([1.0] * 3, 2, 2, 2, 2, "max", False),  # too few values for 2×2
        ([1.0] * 4, 2, 2, 3, 1, "max", False),  # the window does not fit
    ],
)
def test_pool2d_refuses_nonsense(js, args):
    assert js("pool2d", *args) is None
    assert js("poolWindow", *args, 0, 0) is None


@pytest.mark.parametrize("row, col", [(-1, 0), (0, 2), (1.5, 0), (None, 0)])
def test_pool_window_refuses_cells_off_the_output(js, row, col):
    assert js("poolWindow", [1.0] * 16, 4, 4, 2, 2, "max", False, row, col) is None


def test_average_in_ceil_mode_divides_by_the_pixels_covered(js):
    image = torch.arange(25, dtype=torch.float64).view(5, 5)
    got = js("pool2d", image.flatten().tolist(), 5, 5, 3, 3, "average", True)
    assert got["data"] == [6.0, 8.5, 18.5, 21.0]  # 21 = (18 + 19 + 23 + 24) / 4
    assert got["counts"] == [9, 6, 6, 4]
    corner = js("poolWindow", image.flatten().tolist(), 5, 5, 3, 3, "average", True, 1, 1)
    assert corner["cells"] == [18.0, 19.0, None, 23.0, 24.0, None, None, None, None]


def test_the_drawing_and_python_name_the_modes_alike():
    """One list of modes on each side (the drawing imports pool_math.js's), in one order."""
    import json
    import re

    from coursecode.widgets import POOL_MATH_PATH
    from coursecode.widgets import POOL_MODES

    found = re.search(r"^export const POOL_MODES = (\[.*?\]);", POOL_MATH_PATH.read_text(), re.M)
    assert json.loads(found.group(1)) == list(POOL_MODES)
