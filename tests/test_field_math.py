"""The field explorer's arithmetic (coursecode/explorers/field_math.js), run in Node, against
PyTorch's gradients and coursecode.receptive_field."""

import pytest
import torch
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from node import Node
from torch import nn

from coursecode import receptive_field
from coursecode.widgets import FIELD_MATH_PATH

# At least 250 cases per property, whatever the profile (the thorough one tries more).
CASES = settings(max_examples=max(250, settings().max_examples))

# Units whose gradients one backward pass computes (one batch element each).
CHUNK = 256


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = Node(FIELD_MATH_PATH, tmp_path_factory.mktemp("js"))
    yield node
    node.close()


def as_objects(stack):
    return [{"k": k, "s": s, "p": p, "d": d} for k, s, p, d in stack]


def side(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


@st.composite
def stacks_and_inputs(draw):
    """(h, w, stack) with every layer fitting an h×w input."""
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    stack = []
    oh, ow = h, w
    for _ in range(draw(st.integers(1, 8))):
        s, p, d = draw(st.integers(1, 3)), draw(st.integers(0, 3)), draw(st.integers(1, 3))
        largest = min(7, (min(oh, ow) + 2 * p - 1) // d + 1)  # span d(k − 1) + 1 <= side + 2p
        k = draw(st.integers(1, largest))  # (k = 1 always fits)
        stack.append((k, s, p, d))
        oh, ow = side(oh, k, s, p, d), side(ow, k, s, p, d)
    return h, w, stack


def conv_stack(stack):
    """Real nn.Conv2d layers with every weight 1 and bias 0 (float64: no overflow, no rounding)."""
    layers = [
        nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, dtype=torch.float64)
        for k, s, p, d in stack
    ]
    with torch.no_grad():
        for layer in layers:
            layer.weight.fill_(1.0)
            layer.bias.fill_(0.0)
    return layers


def dependency_masks(stack, h, w, units):
    """For each unit (i, j) of the last layer, where its gradient is non-zero at every level.

    All weights are positive and the input is ones, so the gradient of the unit with respect
    to an activation counts the paths between them: it is non-zero exactly where the unit
    depends on that activation. One batch element per unit, so one backward pass does all.
    Returns masks[l] of shape (units, H_l, W_l) for l = 0 (the input) … L.
    """
    x = torch.ones(len(units), 1, h, w, dtype=torch.float64, requires_grad=True)
    activations = [x]
    for layer in conv_stack(stack):
        activations.append(layer(activations[-1]))
        activations[-1].retain_grad()
    out = activations[-1]
    seed = torch.zeros_like(out)
    for b, (i, j) in enumerate(units):
        seed[b, 0, i, j] = 1.0
    out.backward(seed)
    return [a.grad[:, 0] != 0 for a in activations]


def grid(rows, cols, shape):
    mask = torch.zeros(shape, dtype=torch.bool)
    mask[torch.tensor(rows, dtype=torch.long)[:, None], torch.tensor(cols, dtype=torch.long)] = True
    return mask


@CASES
@given(stacks_and_inputs())
def test_feeders_are_where_the_gradient_is_non_zero(js, case):
    h, w, stack = case
    layers = as_objects(stack)
    rows_sizes, cols_sizes = js("layerSizes", layers, h), js("layerSizes", layers, w)
    last = len(stack)
    oh, ow = rows_sizes[last], cols_sizes[last]
    rows = {i: js("feeders", layers, h, last, i) for i in range(oh)}
    cols = {j: js("feeders", layers, w, last, j) for j in range(ow)}
    every = [(i, j) for i in range(oh) for j in range(ow)]  # every unit of the last layer
    for first in range(0, len(every), CHUNK):
        units = every[first : first + CHUNK]
        masks = dependency_masks(stack, h, w, units)
        for b, (i, j) in enumerate(units):
            for level in range(last + 1):
                expected = masks[level][b]
                got = grid(rows[i]["levels"][level], cols[j]["levels"][level], expected.shape)
                assert torch.equal(got, expected), (i, j, level)


@CASES
@given(stacks_and_inputs(), st.data())
def test_extent_and_table_agree_with_receptive_field(js, case, data):
    h, w, stack = case
    layers = as_objects(stack)
    table = receptive_field(stack)
    got = js("fieldTable", layers)
    assert [(row["size"], row["jump"], row["start"]) for row in got] == list(
        zip(table["size"], table["jump"], table["start"], strict=True)
    )
    size, jump, start = got[-1]["size"], got[-1]["jump"], got[-1]["start"]
    for n in (h, w):
        out = js("layerSizes", layers, n)[-1]
        for index in {0, out - 1, data.draw(st.integers(0, out - 1))}:
            low, high = js("feeders", layers, n, len(stack), index)["extent"]
            assert high - low + 1 == size
            assert (low + high) / 2 == start + index * jump


def pytorch_sides(stack, n):
    """The side after every layer on an n×n input, None from the first layer PyTorch refuses."""
    sides = [n]
    x = torch.zeros(1, 1, n, n, dtype=torch.float64)
    with torch.no_grad():
        for layer in conv_stack(stack):
            try:
                x = layer(x)
            except RuntimeError:  # the kernel does not fit the padded input
                return sides + [None] * (len(stack) + 1 - len(sides))
            sides.append(x.shape[-1])
    return sides


layer_settings = st.tuples(
    st.integers(1, 7), st.integers(1, 3), st.integers(0, 3), st.integers(1, 3)
)


@CASES
@given(st.lists(layer_settings, min_size=1, max_size=8), st.integers(1, 40))
def test_layer_sizes_equal_pytorch(js, stack, n):
    assert js("layerSizes", as_objects(stack), n) == pytorch_sides(stack, n)


LESSON = as_objects([(3, 2, 1, 1)] * 3)


def test_the_lessons_stack_on_28_pixels(js):
    assert js("layerSizes", LESSON, 28) == [28, 14, 7, 4]
    centre = js("feeders", LESSON, 28, 3, 2)
    assert centre["levels"][0] == list(range(9, 24))
    assert centre["extent"] == [9, 23]
    corner = js("feeders", LESSON, 28, 3, 0)
    assert corner["levels"] == [list(range(8)), [0, 1, 2, 3], [0, 1], [0]]
    assert corner["extent"] == [-7, 7]  # half of the field lies in the padding
    assert js("fieldTable", LESSON) == [
        {"size": 3, "jump": 2, "start": 0},
        {"size": 7, "jump": 4, "start": 0},
        {"size": 15, "jump": 8, "start": 0},
    ]


def test_dilation_leaves_gaps(js):
    got = js("feeders", [{"k": 2, "s": 1, "p": 0, "d": 3}], 5, 1, 0)
    assert got == {"levels": [[0, 3], [0]], "extent": [0, 3]}


def test_a_layer_that_does_not_fit(js):
    stack = as_objects([(3, 1, 0, 1), (5, 1, 0, 1)])
    assert js("layerSizes", stack, 4) == [4, 2, None]
    assert js("feeders", stack, 4, 1, 0) is not None  # layer 1 still has units
    assert js("feeders", stack, 4, 2, 0) is None


@pytest.mark.parametrize(
    "change", [{"k": 0}, {"s": 0}, {"p": -1}, {"d": 0}, {"k": 2.5}, {"s": None}, {"d": "2"}]
)
def test_bad_layers_have_no_answer(js, change):
    stack = LESSON[:2] + [{**LESSON[2], **change}]
    assert js("layerSizes", stack, 28) is None
    assert js("fieldTable", stack) is None
    assert js("feeders", stack, 28, 1, 0) is None


@pytest.mark.parametrize(
    "n, layer, index",
    [
        (28, 3, 4),
        (28, 3, -1),
        (28, 0, 0),
        (28, 4, 0),
        (28, 3, 2.5),
        (28, 2.5, 0),
        (28, 3, None),
        (0, 1, 0),
        (-3, 1, 0),
        (2.5, 1, 0),
        (None, 1, 0),
    ],
)
def test_feeders_out_of_range_have_no_answer(js, n, layer, index):
    assert js("feeders", LESSON, n, layer, index) is None


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_have_no_answer(js, value):
    # The server turns these strings into the JavaScript numbers (JSON has no NaN).
    k_nan = LESSON[:2] + [{**LESSON[2], "k": value}]
    assert js("layerSizes", k_nan, 28) is None
    assert js("fieldTable", k_nan) is None
    assert js("layerSizes", LESSON, value) is None
    assert js("feeders", LESSON, value, 3, 0) is None
    assert js("feeders", LESSON, 28, value, 0) is None
    assert js("feeders", LESSON, 28, 3, value) is None


def test_other_shapes_of_bad_input_have_no_answer(js):
    assert js("layerSizes", "not layers", 28) is None
    assert js("fieldTable", [None]) is None
    assert js("fieldTable", [{"k": 3, "s": 1, "p": 0}]) is None  # no dilation
    assert js("feeders", [], 28, 1, 0) is None
    assert js("fieldTable", []) == []
