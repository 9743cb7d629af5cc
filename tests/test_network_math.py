"""The network explorer's arithmetic (coursecode/explorers/network_math.js), run in Node.

Its forward pass against PyTorch, on every validation digit, for a fresh network and for
the network lesson 4 trained (whose weights its notebook stores), and its drawing pad's
preprocessing (strokes fitted into 20×20, then drawn with a pen of a fixed width) against a
NumPy reference written here.
"""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from node import Node
from torch import nn

from coursecode import load_mnist
from coursecode import set_seed
from coursecode import simple_cnn
from coursecode.widgets import NETWORK_MATH_PATH
from coursecode.widgets import NetworkExplorer

ROOT = Path(__file__).resolve().parents[1]
CASES = settings(max_examples=max(250, settings().max_examples))

# The forward pass over every digit in one call: 2,000 calls would be mostly JSON.
HELPERS = """
const HELPERS = {
  forwardDigits(layers, weights, digits) {
    const params = math.decodeFloats(weights);
    const bytes = math.decodeBytes(digits);
    const logits = [];
    for (let d = 0; d < bytes.length / 784; d++) {
      const input = Array.from(bytes.subarray(d * 784, (d + 1) * 784), (v) => v / 255);
      logits.push(math.forward(layers, params, input, 1, 28, 28).logits);
    }
    return logits;
  },
  stagesOf(layers, weights, digits) {
    const params = math.decodeFloats(weights);
    const bytes = math.decodeBytes(digits);
    const stages = [];
    for (let d = 0; d < bytes.length / 784; d++) {
      const input = Array.from(bytes.subarray(d * 784, (d + 1) * 784), (v) => v / 255);
      stages.push(math.forward(layers, params, input, 1, 28, 28).stages);
    }
    return stages;
  },
};
"""


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = Node(NETWORK_MATH_PATH, tmp_path_factory.mktemp("js"), HELPERS)
    yield node
    node.close()


@pytest.fixture(scope="module")
def valid():
    _, _, x_valid, y_valid = load_mnist()
    return x_valid.view(-1, 1, 28, 28), y_valid


def as_bytes(images: torch.Tensor) -> str:
    levels = (images * 255).round().to(torch.uint8)
    return base64.b64encode(levels.flatten().numpy().tobytes()).decode("ascii")


def model_from_state(state: dict) -> nn.Sequential:
    """A PyTorch network rebuilt from the page's layer list and weights, read independently."""
    params = torch.from_numpy(np.frombuffer(base64.b64decode(state["weights"]), dtype="<f4").copy())
    layers = []
    for spec in state["layers"]:
        if spec["type"] == "conv":
            layer = nn.Conv2d(
                spec["cin"],
                spec["cout"],
                (spec["kh"], spec["kw"]),
                stride=spec["stride"],
                padding=spec["padding"],
                dilation=spec["dilation"],
                bias=spec["bias"] is not None,
            )
        elif spec["type"] == "linear":
            layer = nn.Linear(spec["in"], spec["out"], bias=spec["bias"] is not None)
        else:
            layers.append(nn.ReLU() if spec["type"] == "relu" else nn.Flatten())
            continue
        with torch.no_grad():
            n = layer.weight.numel()
            layer.weight.copy_(params[spec["weight"] : spec["weight"] + n].view_as(layer.weight))
            if layer.bias is not None:
                layer.bias.copy_(params[spec["bias"] : spec["bias"] + layer.bias.numel()])
        layers.append(layer)
    return nn.Sequential(*layers)


def check_forward(js, state, model, images, labels):
    """The page's forward pass equals PyTorch's on every digit; returns its accuracy."""
    got = torch.tensor(
        js("forwardDigits", state["layers"], state["weights"], as_bytes(images)),
        dtype=torch.float64,
    )
    with torch.no_grad():
        expected = model(images).double()
    assert got.shape == expected.shape
    assert (got - expected).abs().max() < 1e-4
    assert torch.equal(got.argmax(1), expected.argmax(1))
    return (got.argmax(1) == labels).double().mean().item()


def leaves(module):
    if isinstance(module, nn.Sequential):
        return [leaf for child in module for leaf in leaves(child)]
    return [module]


def check_stages(js, state, model, images):
    """Every feature map the page draws equals PyTorch's: the output of each layer that no
    ReLU follows (a convolution and its ReLU make one stage), the flatten aside."""
    got = js("stagesOf", state["layers"], state["weights"], as_bytes(images))
    layers = leaves(model)
    for image, stages in zip(images, got):
        expected, x = [], image[None]
        with torch.no_grad():
            for i, layer in enumerate(layers):
                x = layer(x)
                following = layers[i + 1] if i + 1 < len(layers) else None
                if not isinstance(layer, nn.Flatten) and not isinstance(following, nn.ReLU):
                    expected.append(x[0].double())
        assert len(stages) == len(expected)
        for stage, want in zip(stages, expected):
            shape = (stage["c"], stage["h"], stage["w"])
            assert shape == (want.shape if want.ndim == 3 else (want.numel(), 1, 1))
            assert (
                torch.tensor(stage["data"], dtype=torch.float64).view(shape) - want.view(shape)
            ).abs().max() < 1e-4


def explorer_state(explorer) -> dict:
    return {"layers": explorer.layers, "weights": explorer.weights}


def test_forward_pass_equals_pytorch_on_every_validation_digit(js, valid):
    set_seed(1)
    model = simple_cnn()
    state = explorer_state(NetworkExplorer(model, *valid))
    check_forward(js, state, model, *valid)
    check_stages(js, state, model, valid[0][:50])


def test_forward_pass_runs_linear_layers_dilation_and_uneven_strides(js, valid):
    set_seed(2)
    model = nn.Sequential(
        nn.Conv2d(1, 3, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
        nn.ReLU(),
        nn.Sequential(nn.Conv2d(3, 2, 3, stride=3, bias=False), nn.ReLU()),
        nn.Flatten(),
        nn.Linear(2 * 4 * 8, 16),
        nn.ReLU(),
        nn.Linear(16, 10),
    )
    images, labels = valid[0][:300], valid[1][:300]
    state = explorer_state(NetworkExplorer(model, images, labels))
    check_forward(js, state, model, images, labels)
    check_stages(js, state, model, images[:50])


def glued(notebook: dict, name: str) -> float:
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == name:
                return float(output["data"]["application/papermill.record/text/plain"])
    raise AssertionError(f"the notebook glues no {name!r}")


def test_the_lesson_4_page_runs_the_network_it_trained(js, valid):
    """The weights in lesson 4's executed notebook read the validation digits exactly as
    PyTorch does, with the accuracy the lesson quotes."""
    notebook = json.loads((ROOT / "lessons" / "04_cnn.ipynb").read_text(encoding="utf-8"))
    states = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [state] = [
        m["state"]
        for m in states.values()
        if m["state"].get("_anywidget_id") == "coursecode.explorers.network.NetworkExplorer"
    ]
    model = model_from_state(state)
    accuracy = check_forward(js, state, model, *valid)
    check_stages(js, state, model, valid[0][:100])
    assert 100 * accuracy == pytest.approx(glued(notebook, "valid_pct"), abs=1e-4)
    # The digits it offers as misclassified are misclassified, and labelled as they are.
    _, y_valid = valid
    for index, label, predicted in state["picks"][state["n_random"] :]:
        assert label == y_valid[index] and predicted != label


PEN = 2.5  # PEN_WIDTH in network_math.js: the pen's width in the 28×28 input


def reference_input(strokes, pen=PEN):
    """The drawing pad's recipe, written independently of the page with NumPy: fit the
    strokes' centre lines into 20×20 less the pen's reach (pen/2 + 1/2 each side), draw them
    with a round pen of a fixed width (a pixel's ink falls from 1 to 0 over the last pixel of
    the pen's reach), then move them so that the ink's centre of mass lies on (14, 14), and
    draw them again there."""
    points = np.array([point for stroke in strokes for point in stroke], dtype=float)
    (left, top), (right, bottom) = points.min(0), points.max(0)
    side = max(bottom - top, right - left)
    scale = (19 - pen) / side if side > 0 else 1.0
    middle = np.array([(left + right) / 2, (top + bottom) / 2])
    starts, ends = [], []
    for stroke in strokes:
        q = (np.array(stroke, dtype=float) - middle) * scale + 14
        pairs = [(q[0], q[0])] if len(q) == 1 else list(zip(q[:-1], q[1:]))
        starts += [p for p, _ in pairs]
        ends += [p for _, p in pairs]
    a, b = np.array(starts), np.array(ends)  # (S, 2) as (x, y)
    yy, xx = np.mgrid[0:28, 0:28] + 0.5
    centres = np.stack([xx, yy], -1).reshape(-1, 1, 2)

    def draw(dx, dy):
        start = a + [dx, dy]
        v = b - a
        length2 = (v**2).sum(-1)
        t = ((centres - start) * v).sum(-1) / np.where(length2 > 0, length2, 1)
        t = np.where(length2 > 0, np.clip(t, 0, 1), 0)
        d = np.linalg.norm(centres - start - t[..., None] * v, axis=-1).min(1)
        return np.clip(pen / 2 + 0.5 - d, 0, 1).reshape(28, 28)

    first = draw(0, 0)
    mass = first.sum()
    dy = 14 - (first.sum(1) * (np.arange(28) + 0.5)).sum() / mass
    dx = 14 - (first.sum(0) * (np.arange(28) + 0.5)).sum() / mass
    return draw(dx, dy), (dy, dx), scale


@st.composite
def drawings(draw):
    """A few strokes on a pad of up to 196×196 pixels: 1 to 4 strokes of 1 to 12 points."""
    size = draw(st.floats(2, 196))
    coordinate = st.floats(0, size, allow_nan=False).map(lambda v: round(v, 1))
    point = st.tuples(coordinate, coordinate).map(list)
    return draw(st.lists(st.lists(point, min_size=1, max_size=12), min_size=1, max_size=4))


@CASES
@given(drawings())
def test_strokes_become_an_input_as_mnist_digits_were_made(js, strokes):
    got = js("strokesInput", strokes)
    expected, shift, scale = reference_input(strokes)
    assert got["scale"] == pytest.approx(scale, rel=1e-12)
    assert got["shift"] == pytest.approx(list(shift), abs=1e-9)
    assert np.abs(np.array(got["input"]).reshape(28, 28) - expected).max() < 1e-9


@CASES
@given(drawings(), st.floats(0.05, 20), st.floats(-500, 500), st.floats(-500, 500))
def test_a_small_and_a_large_drawing_give_the_same_input(js, strokes, factor, dx, dy):
    """The pen does not grow with the drawing: the same strokes drawn small or large, anywhere
    on the pad, make the same 28×28 input."""
    moved = [[[x * factor + dx, y * factor + dy] for x, y in stroke] for stroke in strokes]
    first = np.array(js("strokesInput", strokes)["input"])
    second = np.array(js("strokesInput", moved)["input"])
    assert np.abs(first - second).max() < 1e-6


def test_the_pen_draws_a_normal_mnist_stroke_whatever_the_drawing_size(js):
    """A straight stroke holds the pen's width of ink per pixel of its length, whether drawn
    10 or 190 pad pixels long; and that width is the ink per row of MNIST's upright 1s."""
    from coursecode import load_mnist

    for length in (10, 60, 190):
        one = js("strokesInput", [[[100, 5], [100, 5 + length]]])
        image = np.array(one["input"]).reshape(28, 28)
        rows = image[6:22]  # away from the rounded ends
        assert rows.sum(1) == pytest.approx([PEN] * len(rows), abs=1e-9), length
        assert np.nonzero(image.any(1))[0].tolist() == list(range(4, 24))  # 20 rows of ink
    x_train, y_train, _, _ = load_mnist()
    ones = x_train[y_train == 1].view(-1, 28, 28)
    upright = ones[(ones > 0.1).any(1).sum(1) <= 5]  # 4 or 5 columns wide
    rows = (upright > 0.1).any(2).sum(1)
    per_row = (upright.sum((1, 2)) / rows).median().item()
    assert 0.8 * per_row <= PEN <= 1.25 * per_row, per_row


def test_drawing_pipeline_examples(js):
    assert js("strokesInput", []) is None  # no ink: no input
    assert js("strokesInput", [[]]) is None
    dot = js("strokesInput", [[[50, 50]]])  # one click: a round dot of the pen's width
    image = np.array(dot["input"]).reshape(28, 28)
    assert dot["shift"] == pytest.approx([0, 0], abs=1e-9) and image[13:15, 13:15].min() == 1
    assert image.sum() == pytest.approx(np.pi * (PEN / 2) ** 2, rel=0.15)  # about a disc
    bar = js("strokesInput", [[[30, 20], [30, 120]]])  # a tall bar: 20 high, the pen wide
    assert bar["box"] == [20, 30, 100, 0] and bar["scale"] == pytest.approx((19 - PEN) / 100)
    image = np.array(bar["input"]).reshape(28, 28)
    assert np.nonzero(image.any(0))[0].tolist() == [12, 13, 14, 15]  # centred on column 14


@pytest.mark.parametrize(
    "strokes",
    [
        "strokes",
        [[["a", 1]]],
        [[[1, "NaN"]]],
        [[[1, 2, 3]]],
        [[[1, 2]], "x"],
        [[[0, 0]] * 20001],
    ],
)
def test_drawing_pipeline_refuses_nonsense(js, strokes):
    assert js("strokesInput", strokes) is None


def test_the_lesson_4_network_reads_a_small_or_a_large_drawn_1_as_a_1(js):
    """A 1 drawn small in a corner of the pad reads as a 1, as a large one does (the pen's
    width no longer grows with the drawing, so it is not a fat bar read as an 8)."""
    notebook = json.loads((ROOT / "lessons" / "04_cnn.ipynb").read_text(encoding="utf-8"))
    states = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [state] = [
        m["state"]
        for m in states.values()
        if m["state"].get("_anywidget_id") == "coursecode.explorers.network.NetworkExplorer"
    ]
    model = model_from_state(state)
    for stroke in ([[20, 10], [18, 30]], [[100, 15], [94, 180]]):  # small, then large
        image = torch.tensor(js("strokesInput", [stroke])["input"]).view(1, 1, 28, 28)
        with torch.no_grad():
            assert model(image.float()).argmax().item() == 1, stroke


def test_softmax_sums_to_one_and_survives_large_scores(js):
    got = js("softmax", [1000.0, 0.0, -1000.0])
    assert got == pytest.approx([1.0, 0.0, 0.0])
    scores = torch.randn(10, dtype=torch.float64)
    assert js("softmax", scores.tolist()) == pytest.approx(F.softmax(scores, 0).tolist())
