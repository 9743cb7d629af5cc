"""The network explorer's arithmetic (coursecode/static/network_math.js), run in Node.

Its forward pass against PyTorch, on every validation digit, for a fresh network and for
the network lesson 4 trained (whose weights its notebook stores), and its drawing pad's
preprocessing against a Python reference written here.
"""

import base64
import json
import math
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
        if m["state"].get("_anywidget_id") == "coursecode.widgets.NetworkExplorer"
    ]
    model = model_from_state(state)
    accuracy = check_forward(js, state, model, *valid)
    check_stages(js, state, model, valid[0][:100])
    assert 100 * accuracy == pytest.approx(glued(notebook, "valid_pct"), abs=1e-4)
    # The digits it offers as misclassified are misclassified, and labelled as they are.
    _, y_valid = valid
    for index, label, predicted in state["picks"][state["n_random"] :]:
        assert label == y_valid[index] and predicted != label


def reference_input(ink: np.ndarray):
    """MNIST's recipe, written independently of the page: fit the ink's bounding box into
    20×20 by area averaging (as matrices), then put its centre of mass at (14, 14)."""
    rows, cols = np.nonzero(ink > 0)
    crop = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    bh, bw = crop.shape
    side = max(bh, bw)
    oh = max(1, math.floor(20 * bh / side + 0.5))
    ow = max(1, math.floor(20 * bw / side + 0.5))

    def area(n, m):  # (m, n): how much of input pixel y each output pixel i covers, normalised
        edges = np.arange(m + 1) * n / m
        low = np.maximum(edges[:-1, None], np.arange(n)[None, :])
        high = np.minimum(edges[1:, None], np.arange(n)[None, :] + 1)
        return np.clip(high - low, 0, None) * m / n

    small = area(bh, oh) @ crop @ area(bw, ow).T
    total = small.sum()
    cy = (small.sum(1) * (np.arange(oh) + 0.5)).sum() / total
    cx = (small.sum(0) * (np.arange(ow) + 0.5)).sum() / total
    shifts = []
    for centre in (cy, cx):
        exact = 14 - centre
        shifts.append(
            {math.floor(exact + 0.5)}
            if abs(exact % 1 - 0.5) > 1e-9
            else {math.floor(exact), math.ceil(exact)}
        )  # a tie: either is fine
    return np.minimum(small, 1), shifts


@st.composite
def strokes(draw):
    """A pad of h×w with a few thick random strokes, ink from 0 to 1 as a canvas's opacity."""
    h, w = draw(st.integers(1, 80)), draw(st.integers(1, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    ink = np.zeros((h, w))
    for _ in range(draw(st.integers(1, 4))):
        points = rng.uniform(0, 1, (draw(st.integers(1, 6)), 2)) * [h - 1, w - 1]
        radius = draw(st.floats(0.3, 6))
        yy, xx = np.mgrid[0:h, 0:w]
        for a, b in zip(points, points[1:] if len(points) > 1 else points):
            for t in np.linspace(0, 1, 12):
                y, x = a + t * (b - a)
                near = np.hypot(yy - y, xx - x) <= radius
                ink[near] = np.maximum(ink[near], rng.uniform(0.2, 1))
    if not ink.any():
        ink[rng.integers(h), rng.integers(w)] = 1.0
    return ink


@CASES
@given(strokes())
def test_drawing_becomes_an_input_as_mnist_digits_were_made(js, ink):
    got = js("mnistInput", ink.flatten().tolist(), *ink.shape)
    small, (dys, dxs) = reference_input(ink)
    oh, ow = small.shape
    assert got["resized"] == [oh, ow] and max(oh, ow) == 20
    assert got["shift"][0] in dys and got["shift"][1] in dxs
    dy, dx = got["shift"]
    expected = np.zeros((28, 28))
    for i in range(oh):
        for j in range(ow):
            if 0 <= i + dy < 28 and 0 <= j + dx < 28:
                expected[i + dy, j + dx] = small[i, j]
    assert np.abs(np.array(got["input"]).reshape(28, 28) - expected).max() < 1e-9


def test_drawing_pipeline_examples(js):
    assert js("mnistInput", [0.0] * 12, 3, 4) is None  # no ink: no input
    dot = js("mnistInput", [0, 0, 0, 0, 1, 0, 0, 0, 0], 3, 3)  # one pixel fills 20×20
    image = np.array(dot["input"]).reshape(28, 28)
    assert dot["resized"] == [20, 20] and dot["shift"] == [4, 4]
    assert image[4:24, 4:24] == pytest.approx(np.ones((20, 20))) and image.sum() == pytest.approx(
        400
    )
    bar = np.zeros((50, 50))  # a tall bar: 20 high, 4 wide
    bar[5:45, 20:28] = 1
    got = js("mnistInput", bar.flatten().tolist(), 50, 50)
    assert got["box"] == [5, 20, 40, 8] and got["resized"] == [20, 4]
    assert got["shift"] == [4, 12]  # its middle on (14, 14)


def test_softmax_sums_to_one_and_survives_large_scores(js):
    got = js("softmax", [1000.0, 0.0, -1000.0])
    assert got == pytest.approx([1.0, 0.0, 0.0])
    scores = torch.randn(10, dtype=torch.float64)
    assert js("softmax", scores.tolist()) == pytest.approx(F.softmax(scores, 0).tolist())
