"""The padding-and-stride widgets: one formula on each side (Python and JavaScript), in step."""

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import anywidget
import numpy as np
import pytest
import torch
import torch.nn.functional as F
import traitlets
from ipywidgets.widgets.widget_link import Link
from torch import nn

from coursecode import conv_out_size
from coursecode import top_edge
from coursecode import widgets as cw
from coursecode.widgets import CONV_CONTROLS
from coursecode.widgets import ConvExplorer
from coursecode.widgets import kernel_explorer

JS = cw.JS_PATH
MATH = cw.MATH_PATH
ALL_COMBINATIONS = list(
    itertools.product(*(range(c.low, c.high + 1) for c in CONV_CONTROLS.values()))
)


def python_size(n, k, p, s, d):
    try:
        return conv_out_size(n, k, s, p, d)
    except ValueError:
        return None


def pytorch_size(n, k, p, s, d):
    # on the meta device: PyTorch's own shape rules and checks, without the arithmetic
    try:
        out = F.conv2d(
            torch.zeros(1, 1, n, n, device="meta"),
            torch.zeros(1, 1, k, k, device="meta"),
            stride=s,
            padding=p,
            dilation=d,
        )
    except RuntimeError:
        return None
    return out.shape[-1]


def test_every_slider_combination_matches_pytorch():
    assert len(ALL_COMBINATIONS) == 12 * 7 * 4 * 4 * 3
    for combo in ALL_COMBINATIONS:
        assert python_size(*combo) == pytorch_size(*combo), combo


@pytest.fixture(scope="module")
def node():
    path = shutil.which("node")
    if path is None:
        pytest.fail("Node.js is needed to run the widget's JavaScript (.ci/run installs it)")
    return path


def test_javascript_formula_agrees_on_every_slider_combination(node, tmp_path):
    module = tmp_path / "conv_math.mjs"  # .mjs: Node reads it as an ES module
    shutil.copyfile(MATH, module)
    script = (
        f"import {{ outputSize }} from {json.dumps(module.as_uri())};"
        f"const combos = {json.dumps(ALL_COMBINATIONS)};"
        "console.log(JSON.stringify(combos.map((c) => outputSize(...c))));"
    )
    done = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    js_sizes = json.loads(done.stdout)
    for combo, js in zip(ALL_COMBINATIONS, js_sizes, strict=True):
        assert js == python_size(*combo), (combo, js)


def test_javascript_says_why_when_the_kernel_does_not_fit():
    source = JS.read_text()
    # The invalid state is a message in place of the grid, and it names the two numbers.
    assert "no output: the kernel spans ${span} pixels" in source
    assert "n + 2p = ${n + 2 * p}" in source


def test_explorer_links_every_slider_to_the_drawing():
    explorer = ConvExplorer()
    # named as conv_out_size names its arguments, in its order
    assert list(explorer.sliders) == ["size", "kernel_size", "padding", "stride", "dilation"]
    for name, c in CONV_CONTROLS.items():
        slider = explorer.sliders[name]
        assert (slider.min, slider.max, slider.step, slider.description) == (
            c.low,
            c.high,
            c.step,
            c.label,
        )
        assert slider.value == c.default == getattr(explorer.grid, name)
    linked = {(link.source[0], link.source[1], link.target[1]) for link in explorer.links}
    assert linked == {(explorer.sliders[n], "value", n) for n in CONV_CONTROLS}
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    # The drawing's JavaScript travels in the widget state, so a static page can run it.
    assert "export function outputSize" in explorer.grid.get_state()["_esm"]


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"size": 5, "kernel_size": 3, "padding": 1, "stride": 1}, 5),
        ({"size": 5, "kernel_size": 3, "padding": 1, "stride": 2}, 3),
        ({"size": 5, "kernel_size": 7, "padding": 0, "stride": 1}, None),
        ({"size": 12, "kernel_size": 3, "padding": 0, "stride": 1, "dilation": 3}, 6),
    ],
)
def test_explorer_output_size_follows_the_sliders(values, expected):
    explorer = ConvExplorer()
    for name, value in values.items():
        explorer.sliders[name].value = value
    assert explorer.output_size == expected


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"size": 0}, ValueError, "size must be an integer from 1 to 12, got 0"),
        ({"kernel_size": 8}, ValueError, "kernel_size must be an integer from 1 to 7, got 8"),
        ({"padding": -1}, ValueError, "padding must be an integer from 0 to 3, got -1"),
        ({"stride": 1.5}, TypeError, "stride must be an integer from 1 to 4, got 1.5"),
        ({"s": 2}, TypeError, "unexpected keyword argument 's'"),
    ],
)
def test_explorer_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ConvExplorer(**kwargs)


def test_kernel_explorer_links_its_sliders_to_a_browser_side_map():
    digit, kernel = torch.rand(28, 28), torch.ones(3, 3)
    explorer = kernel_explorer(digit, kernel)
    assert set(explorer.sliders) == {"stride", "padding", "dilation"}
    linked = {(link.source[0], link.target[1]) for link in explorer.links}
    assert linked == {(slider, name) for name, slider in explorer.sliders.items()}
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    state = explorer.map.get_state()
    assert (state["height"], state["width"], state["kh"], state["kw"]) == (28, 28, 3, 3)
    assert state["image"] == pytest.approx(digit.flatten().tolist(), abs=1e-4)  # four decimals
    assert "export function conv2d" in state["_esm"] and "function render" in state["_esm"]
    assert "kernel-explorer" in explorer._dom_classes


def test_kernel_explorer_map_follows_its_sliders():
    explorer = kernel_explorer(torch.rand(28, 28), torch.ones(3, 3))
    assert explorer.feature_map().shape == (26, 26)
    explorer.sliders["stride"].value = 2
    assert explorer.feature_map().shape == (13, 13)
    explorer.sliders["padding"].value = 1
    explorer.sliders["dilation"].value = 3
    assert explorer.feature_map().shape == (12, 12)  # ⌊(28 + 2 − 7) / 2⌋ + 1
    small = kernel_explorer(torch.rand(2, 2), torch.ones(3, 3))
    assert small.feature_map() is None  # the kernel does not fit
    small.sliders["padding"].value = 1
    assert small.feature_map().shape == (2, 2)


def test_kernel_explorer_state_stays_small():
    explorer = kernel_explorer(torch.rand(28, 28), torch.ones(3, 3))
    state = json.dumps({k: v for k, v in explorer.map.get_state().items() if k != "_esm"})
    assert len(state) < 15_000


def test_javascript_says_why_a_kernel_does_not_fit_the_map():
    source = (cw.JS_DIR / "kernel.js").read_text()
    assert "no output: the kernel spans ${d * (k - 1) + 1} pixels" in source


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (
            (torch.rand(1, 28, 28), torch.ones(3, 3)),
            {},
            ValueError,
            r"image must have shape \(H, W\)",
        ),
        ((torch.rand(28, 28), [[1, 0], [0, 1]]), {}, TypeError, "kernel must be a torch.Tensor"),
        ((torch.rand(100, 100), torch.ones(3, 3)), {}, ValueError, "at most 64×64 = 4096 pixels"),
        ((torch.rand(0, 5), torch.ones(3, 3)), {}, ValueError, "must not be empty"),
        (
            (torch.full((5, 5), float("nan")), torch.ones(3, 3)),
            {},
            ValueError,
            "image must hold finite",
        ),
        (
            (torch.rand(5, 5), torch.ones(3, 3)),
            {"stride": 5},
            ValueError,
            "stride must be an integer from 1 to 4, got 5",
        ),
        (
            (torch.rand(5, 5), torch.ones(3, 3)),
            {"padding": -1},
            ValueError,
            "padding must be an integer from 0 to 4, got -1",
        ),
    ],
)
def test_kernel_explorer_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        cw.KernelExplorer(*args, **kwargs)


@pytest.mark.parametrize(
    "trait, value",
    [
        ("stride", 0),
        ("kernel_size", 0),
        ("padding", -1),
        ("dilation", 0),
        ("stride", 5),
        ("size", 10**9),
        ("padding", 4),
    ],
)
def test_conv_grid_refuses_values_its_drawing_cannot_use(trait, value):
    # Made with them: the ValueError the package raises, naming the trait and its slider's range.
    low, high = cw.CONV_CONTROLS[trait].low, cw.CONV_CONTROLS[trait].high
    with pytest.raises(
        ValueError, match=f"{trait} must be an integer from {low} to {high}, got {value}"
    ):
        cw.ConvGrid(**{trait: value})
    # Set later (as jslink or a learner would): traitlets refuses it too.
    grid = cw.ConvGrid()
    with pytest.raises(traitlets.TraitError):
        setattr(grid, trait, value)


def test_conv_grid_takes_numpy_integers_and_refuses_other_types():
    assert cw.ConvGrid(stride=np.int64(2), size=np.int32(7)).stride == 2
    for value in (1.0, "2", True, None):
        with pytest.raises(TypeError, match=r"stride must be an integer from 1 to 4, got"):
            cw.ConvGrid(stride=value)


# Every explorer's drawing: each integer trait has its control's range, and the image
# matches height × width, when the drawing is made (a ValueError naming the trait).
@pytest.mark.parametrize(
    "make, match",
    [
        (
            lambda: cw.FeatureMap(
                image=[0.0] * 4, height=2, width=2, kernel=[1.0], kh=1, kw=1, stride=0
            ),
            "stride must be an integer from 1 to 4",
        ),
        (
            lambda: cw.FeatureMap(
                image=[0.0] * 4, height=2, width=2, kernel=[1.0], kh=1, kw=1, padding=10**6
            ),
            "padding must be an integer from 0 to 4",
        ),
        (
            lambda: cw.FeatureMap(image=[0.0] * 3, height=2, width=2, kernel=[1.0], kh=1, kw=1),
            r"image must hold 4 numbers",
        ),
        (
            lambda: cw.FeatureMap(
                image=[0.0] * 4, height=2, width=2, kernel=[1.0, 2.0], kh=1, kw=1
            ),
            r"kernel must hold kh × kw = 1 numbers",
        ),
        (
            lambda: cw.PoolView(image=[0.0] * 4, height=2, width=2, stride=0),
            "stride must be an integer from 1 to 4",
        ),
        (
            lambda: cw.PoolView(image=[0.0] * 4, height=2, width=2, kernel_size=99),
            "kernel_size must be an integer from 1 to 4",
        ),
        (
            lambda: cw.SlidingWindow(image=[0.0] * 9, height=3, width=3, position=-1),
            "position must be an integer from 0 to 4095",
        ),
        (
            lambda: cw.SlidingWindow(
                image=[0.0] * 9, height=3, width=3, presets=[["a", [0.0] * 9]], preset=1
            ),
            r"preset must be an index into presets \(0 to 0\)",
        ),
        (
            lambda: cw.UnfoldMatrix(image=[0.0] * 4, height=2, width=2, k=1, stride=0),
            "stride must be an integer from 1 to 3",
        ),
        (
            lambda: cw.UnfoldMatrix(image=[0.0] * 100, height=10, width=10, k=1),
            "height must be an integer from 1 to 8",
        ),
        (
            lambda: cw.ChannelMaps(
                image=[0.0] * 9, height=3, width=3, kernel=[0.0] * 27, mix=[0.0] * 3
            ),
            r"image must hold 27 numbers \(3 × height 3",
        ),
        (
            lambda: cw.ChannelMaps(
                image=[0.0] * 27, height=3, width=3, kernel=[0.0] * 27, mix=[0.0] * 3, mode=2
            ),
            "mode must be an integer from 0 to 1",
        ),
        (
            lambda: cw.FieldView(
                image=[0.0] * 4, height=2, width=2, layers=[[3, 1, 1, 1]], level=0
            ),
            "level must be an integer from 1 to 8",
        ),
        (
            lambda: cw.FieldView(image=[0.0] * 4, height=2, width=2, layers=[[3, 1, 1, 1]], row=-1),
            "row must be an integer from 0 to 4096",
        ),
        (
            lambda: cw.FeatureMap(
                image=[float("nan")] * 4, height=2, width=2, kernel=[1.0], kh=1, kw=1
            ),
            "image must hold finite numbers",
        ),
        (
            lambda: cw.FeatureMap(
                image=[0.0] * 10**4, height=100, width=100, kernel=[1.0], kh=1, kw=1
            ),
            r"height × width must be at most 4096 pixels",
        ),
    ],
)
def test_every_drawing_checks_its_traits(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_window_explorer_links_every_control_to_the_drawing():
    digit = torch.rand(28, 28)
    explorer = cw.WindowExplorer(digit, top_edge)
    links = {
        (link.source[0], link.source[1], link.target[0], link.target[1]) for link in explorer.links
    }
    window = explorer.window
    assert (explorer.slider, "value", window, "position") in links
    assert (explorer.menu, "index", window, "preset") in links
    assert {(box, "value", window, f"w{i}") for i, box in enumerate(explorer.weights)} <= links
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    assert (explorer.slider.min, explorer.slider.max) == (0, 675)  # windows count from 0
    assert list(explorer.menu.options) == [*cw.WINDOW_PRESETS, "custom"]
    # The menu's kernels travel to the page with the drawing, which applies them itself;
    # "custom" (no kernel) is where the page points the menu after a hand edit.
    assert [name for name, _ in window.presets] == [*cw.WINDOW_PRESETS, "custom"]
    assert window.presets[-1] == ["custom", None]
    assert "export function windowAt" in window.get_state()["_esm"]
    # The weight boxes name rows and columns from 0, as kernel[row, column] does.
    assert [box.description for box in explorer.weights[:4]] == ["w00", "w01", "w02", "w10"]
    assert explorer.weights[5].tooltip == "kernel weight row 1 column 2"


def test_window_explorer_reads_back_like_lesson_1():
    digit = torch.rand(28, 28)
    explorer = cw.WindowExplorer(digit, top_edge, position=142)  # lesson 1's window
    assert explorer.window_position() == (5, 12)  # 142 = 5 × 26 + 12
    explorer.slider.value = 0  # the first window: map[0, 0]
    assert explorer.window_position() == (0, 0)
    explorer.slider.value = 30  # window 30: map row 1, column 4
    assert explorer.window_position() == (1, 4)
    window = digit[1:4, 4:7]
    assert explorer.window_sum() == pytest.approx((window * top_edge).sum().item(), abs=1e-3)
    explorer.weights[4].value = 2.0  # the centre weight
    assert explorer.kernel()[1, 1] == 2.0
    assert explorer.window_sum() == pytest.approx(
        (window * explorer.kernel()).sum().item(), abs=1e-3
    )


def test_window_explorer_offers_your_own_kernel_first():
    explorer = cw.WindowExplorer(torch.rand(5, 5), torch.ones(3, 3))
    assert explorer.menu.options[0] == "your kernel" and explorer.menu.index == 0
    assert explorer.window.presets[0][1] == [1.0] * 9


def test_window_explorer_state_stays_small():
    explorer = cw.WindowExplorer(torch.rand(28, 28))
    state = json.dumps({k: v for k, v in explorer.window.get_state().items() if k != "_esm"})
    assert len(state) < 15_000


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((torch.rand(2, 28),), {}, ValueError, r"at least 3×3"),
        (
            (torch.rand(28, 28), torch.ones(5, 5)),
            {},
            ValueError,
            r"kernel must have shape \(3, 3\)",
        ),
        (
            (torch.rand(28, 28), torch.full((3, 3), float("inf"))),
            {},
            ValueError,
            "kernel must hold finite",
        ),
        (
            (torch.rand(28, 28),),
            {"position": 676},
            ValueError,
            r"position must be between 0 and 675 \(windows count from 0",
        ),
        ((torch.rand(28, 28),), {"position": -1}, ValueError, "position must be an integer >= 0"),
        ((torch.rand(65, 65),), {}, ValueError, "at most 64×64"),
        (("a digit",), {}, TypeError, "image must be a torch.Tensor"),
    ],
)
def test_window_explorer_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        cw.WindowExplorer(*args, **kwargs)


def test_unfold_explorer_links_its_sliders_and_the_column_range():
    explorer = cw.UnfoldExplorer(torch.rand(5, 5), top_edge)
    links = {
        (link.source[0], link.source[1], link.target[0], link.target[1]) for link in explorer.links
    }
    m, sliders = explorer.map, explorer.sliders
    assert {
        (sliders["stride"], "value", m, "stride"),
        (sliders["padding"], "value", m, "padding"),
        (sliders["window"], "value", m, "column"),
        (m, "last_column", sliders["window"], "max"),
    } == links
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    # Columns count from 0, as F.unfold's last index: 9 windows are columns 0 to 8.
    assert (sliders["window"].min, sliders["window"].max) == (0, 8) and m.last_column == 8
    assert "export function unfold" in m.get_state()["_esm"]


def test_unfold_explorer_reads_back_f_unfold():
    # Values with 4 decimals, which the explorer keeps as they are: random floats could sit on
    # a rounding boundary that its rounding and torch.round(decimals=4) settle differently.
    generator = torch.Generator().manual_seed(0)
    crop = torch.randint(0, 10_001, (5, 5), generator=generator) / 10_000
    explorer = cw.UnfoldExplorer(crop, top_edge)
    explorer.sliders["padding"].value = 1
    explorer.sliders["stride"].value = 2
    expected = F.unfold(crop[None, None], 3, stride=2, padding=1)[0]
    assert torch.allclose(explorer.matrix(), expected, atol=1e-6)
    explorer.sliders["window"].value = 4  # column 4
    assert explorer.output_pixel() == pytest.approx(
        (top_edge.flatten() @ expected[:, 4]).item(), abs=1e-5
    )
    explorer.sliders["window"].value = 0  # column 0: the first window
    assert explorer.output_pixel() == pytest.approx(
        (top_edge.flatten() @ expected[:, 0]).item(), abs=1e-5
    )


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((torch.rand(9, 9),), ValueError, "at most 8×8"),
        ((torch.rand(5, 5), torch.ones(2, 3)), ValueError, "kernel must be square"),
        ((torch.rand(2, 2), torch.ones(3, 3)), ValueError, "fit the image"),
        (
            (torch.rand(5, 5), torch.full((3, 3), float("nan"))),
            ValueError,
            "kernel must hold finite",
        ),
    ],
)
def test_unfold_explorer_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        cw.UnfoldExplorer(*args)


def test_channels_explorer_links_menu_and_mode_to_the_drawing():
    explorer = cw.ChannelsExplorer(torch.rand(3, 10, 8))
    links = {
        (link.source[0], link.source[1], link.target[0], link.target[1]) for link in explorer.links
    }
    assert links == {
        (explorer.menu, "index", explorer.map, "preset"),
        (explorer.mode, "index", explorer.map, "mode"),
    }
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    presets = explorer.map.presets
    assert [name for name, _, _ in presets] == [*cw.CHANNEL_PRESETS, "custom"]
    assert list(explorer.menu.options) == [*cw.CHANNEL_PRESETS, "custom"]
    assert presets[-1] == ["custom", None, None]
    assert {len(weights) for _, mode, weights in presets if mode == 0} == {27}
    assert {len(weights) for _, mode, weights in presets if mode == 1} == {3}
    assert "export function conv2dChannels" in explorer.map.get_state()["_esm"]


def test_channels_explorer_output_is_the_sum_of_the_channel_maps():
    image = torch.rand(3, 10, 8)
    explorer = cw.ChannelsExplorer(image)
    x = image.round(decimals=3)
    parts = [F.conv2d(x[None, c : c + 1], top_edge[None, None])[0, 0] for c in range(3)]
    assert torch.allclose(explorer.output(), sum(parts), atol=1e-4)
    explorer.map.mode = 1  # 1×1: a grey mix
    grey = 0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]
    assert torch.allclose(explorer.output(), grey, atol=1e-4)


@pytest.mark.parametrize(
    "image, error, match",
    [
        (torch.rand(10, 8), ValueError, r"image must have shape \(3, H, W\)"),
        (torch.rand(4, 10, 8), ValueError, "3 channels"),
        (torch.rand(3, 100, 100), ValueError, "at most 64×64"),
        (torch.rand(3, 2, 8), ValueError, "at least 3×3"),
        (torch.full((3, 5, 5), float("nan")), ValueError, "finite"),
    ],
)
def test_channels_explorer_bad_arguments(image, error, match):
    with pytest.raises(error, match=match):
        cw.ChannelsExplorer(image)


@pytest.fixture(scope="module")
def digits():
    from coursecode import load_mnist

    _, _, x_valid, y_valid = load_mnist()
    return x_valid, y_valid


def test_network_explorer_embeds_its_model_and_digits(digits):
    from coursecode import set_seed
    from coursecode import simple_cnn

    set_seed(0)
    model = simple_cnn()
    explorer = cw.NetworkExplorer(model, *digits, n_random=10, n_wrong=5)
    x_valid, y_valid = digits
    assert len(explorer.picks) == len(explorer.indices) == 15 and explorer.n_random == 10
    for (index, label, predicted), image in zip(explorer.picks, explorer.images):
        assert torch.equal(image, x_valid[index].view(28, 28)) and label == y_valid[index]
        assert predicted == model(image[None, None]).argmax().item()
    assert all(label != predicted for _, label, predicted in explorer.picks[10:])
    # the menu offers the first misclassified digits, as a lesson lists them, even one that is
    # also among the random digits
    with torch.no_grad():
        misread = (model(x_valid.view(-1, 1, 28, 28)).argmax(1) != y_valid).nonzero().flatten()
    assert explorer.indices[10:] == misread[:5].tolist()
    first = explorer.indices[:10]  # a menu of misread digits, the first among the random ones
    subset = [first[0], *misread[:3].tolist()] if first[0] not in misread[:3] else misread[:3]
    both = cw.NetworkExplorer(model, x_valid[subset], y_valid[subset], n_random=len(subset))
    assert both.n_random == len(subset) and sorted(both.indices[: both.n_random]) == sorted(
        range(len(subset))
    )
    assert [i for i, _, _ in both.picks[both.n_random :]] == [
        j for j, i in enumerate(subset) if i in misread
    ]
    assert [spec["type"] for spec in explorer.layers] == ["conv", "relu"] * 4 + ["conv", "flatten"]
    # each layer the page draws is named by its module, as code indexes it (from 0)
    assert explorer.stage_names == [f"model[{i}]" for i in range(5)]
    assert repr(explorer).startswith("NetworkExplorer(5,274 parameters, 15 digits): an explorer.")
    # What the page shows, read back by Python: a picked digit, or the drawing.
    explorer.digit = 3
    assert torch.equal(explorer.input(), explorer.images[3])
    assert torch.allclose(
        explorer.probabilities(), F.softmax(model(explorer.images[3][None, None]), 1)[0]
    )
    with pytest.raises(traitlets.TraitError, match="from 0 to 14"):
        explorer.digit = 15
    explorer.digit = -1
    with pytest.raises(ValueError, match="nothing is drawn yet"):
        explorer.input()
    explorer.drawn = [0.5] * 784
    assert explorer.input().shape == (28, 28)
    assert explorer.probabilities().sum().item() == pytest.approx(1)


def test_network_explorer_keeps_its_own_copy_of_the_weights(digits):
    from coursecode import simple_cnn

    model = simple_cnn()
    explorer = cw.NetworkExplorer(model, *digits)
    before = explorer.probabilities()
    with torch.no_grad():
        model[0][0].weight.add_(1.0)  # training on afterwards changes the model, ...
    assert torch.equal(explorer.probabilities(), before)  # ... not what the page runs


def test_network_explorer_state_stays_small(digits):
    from coursecode import simple_cnn

    state = cw.NetworkExplorer(simple_cnn(), *digits).get_state()
    heavy = {
        name: len(json.dumps(state[name])) for name in ("weights", "digits", "picks", "layers")
    }
    assert sum(heavy.values()) < 150_000, heavy


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda m, x, y: (torch.nn.Conv2d(1, 10, 28), x, y), TypeError, "nn.Sequential"),
        (
            lambda m, x, y: (
                torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.MaxPool2d(2)),
                x,
                y,
            ),
            ValueError,
            "MaxPool2d",
        ),
        (
            lambda m, x, y: (torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding="same")), x, y),
            ValueError,
            "numeric zero padding",
        ),
        (
            lambda m, x, y: (
                torch.nn.Sequential(
                    torch.nn.Flatten(), torch.nn.Linear(784, 200), torch.nn.Linear(200, 10)
                ),
                x,
                y,
            ),
            ValueError,
            "at most 100,000 parameters",
        ),
        (lambda m, x, y: (torch.nn.Sequential(torch.nn.ReLU()), x, y), ValueError, "no weights"),
        (
            lambda m, x, y: (torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3)), x, y),
            ValueError,
            r"\(N, classes\) scores",
        ),
        (
            lambda m, x, y: (torch.nn.Sequential(torch.nn.Conv2d(1, 2, 30)), x, y),
            ValueError,
            "cannot read",
        ),
        (lambda m, x, y: (m, x.view(-1, 1, 784), y), ValueError, "must have shape"),
        (lambda m, x, y: (m, x[:10], y), ValueError, "same number"),
        (lambda m, x, y: (m, x * 255, y), ValueError, "from 0 to 1"),
        (lambda m, x, y: (m, x, y.float()), TypeError, "integer classes"),
        (lambda m, x, y: (m, x, y + 10), ValueError, "classes from 0 to 9"),
        (lambda m, x, y: (m, x, "labels"), TypeError, "labels"),
    ],
)
def test_network_explorer_bad_arguments(digits, make, error, match):
    from coursecode import simple_cnn

    with pytest.raises(error, match=match):
        cw.NetworkExplorer(*make(simple_cnn(), *digits))


@pytest.mark.parametrize(
    "model, name, expected",
    [
        (  # a convolution and its ReLU side by side: a slice of the Sequential
            nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU(), nn.Conv2d(4, 10, 14), nn.Flatten()),
            "net",
            ["net[0:2]", "net[2]"],
        ),
        (  # nested: the outermost module that holds exactly the layer's modules
            nn.Sequential(
                nn.Sequential(nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU())),
                nn.Flatten(),
                nn.Linear(784, 10),
            ),
            "model",
            ["model[0]", "model[1:3]"],
        ),
        (  # no single module or slice: its modules, listed
            nn.Sequential(
                nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU(), nn.Conv2d(4, 4, 3, 2, 1)),
                nn.ReLU(),
                nn.Flatten(),
                nn.Linear(196, 10),
            ),
            "model",
            ["model[0][0:2]", "model[0][2], model[1]", "model[2:4]"],
        ),
    ],
)
def test_network_explorer_names_each_layer_by_its_module(digits, model, name, expected):
    explorer = cw.NetworkExplorer(model, *digits, n_random=2, n_wrong=0, name=name)
    assert explorer.stage_names == expected


def test_network_explorer_bad_name(digits):
    from coursecode import simple_cnn

    with pytest.raises(TypeError, match="name must be a str"):
        cw.NetworkExplorer(simple_cnn(), *digits, name=3)
    with pytest.raises(ValueError, match="name must be a Python name"):
        cw.NetworkExplorer(simple_cnn(), *digits, name="my model")


def test_network_explorer_bad_digit_counts(digits):
    from coursecode import simple_cnn

    with pytest.raises(ValueError, match="n_random"):
        cw.NetworkExplorer(simple_cnn(), *digits, n_random=0)
    with pytest.raises(ValueError, match="at most 200"):
        cw.NetworkExplorer(simple_cnn(), *digits, n_random=150, n_wrong=60)


def test_field_explorer_starts_on_the_lesson_stack_and_links_its_menu():
    explorer = cw.FieldExplorer(torch.rand(28, 28))
    assert explorer.layers() == [(3, 2, 1, 1)] * 3
    assert explorer.unit() == (3, 1, 1)
    assert [
        (link.source[0], link.source[1], link.target[0], link.target[1]) for link in explorer.links
    ] == [(explorer.menu, "index", explorer.view, "stack")]
    assert isinstance(explorer.links[0], Link)
    assert [name for name, _ in explorer.view.stacks] == [*cw.FIELD_STACKS, "custom"]
    assert list(explorer.menu.options) == [*cw.FIELD_STACKS, "custom"]
    assert "export function feeders" in explorer.view.get_state()["_esm"]
    table = explorer.table()
    assert table["size"].tolist() == [3, 7, 15] and table["output"].tolist() == [14, 7, 4]


def test_field_explorer_takes_a_model_or_your_own_layers():
    from coursecode import simple_cnn

    explorer = cw.FieldExplorer(torch.rand(28, 28), simple_cnn())
    assert explorer.menu.value == "lesson 4's five layers (3×3, stride 2)"
    assert explorer.unit() == (5, 0, 0)
    mine = cw.FieldExplorer(torch.rand(20, 20), [(5, 1, 0), (3, 2, 1, 2)])
    assert mine.menu.value == "your layers" and mine.menu.index == 0
    assert mine.layers() == [(5, 1, 0, 1), (3, 2, 1, 2)]


def test_field_explorer_region_is_the_gradient_region_of_the_chosen_unit():
    explorer = cw.FieldExplorer(torch.rand(28, 28))
    for (row, col), expected in [
        ((2, 2), ((9, 23), (9, 23))),
        ((0, 0), ((0, 7), (0, 7))),
        ((3, 1), ((17, 27), (1, 15))),
    ]:
        explorer.view.row, explorer.view.col = row, col
        assert explorer.region() == expected
    padding = cw.FieldExplorer(torch.rand(28, 28), [(3, 1, 5)])
    padding.view.row = padding.view.col = 0  # a 3×3 window wholly in the padding
    with pytest.raises(ValueError, match="sees only padding"):
        padding.region()
    explorer.view.row = 4  # layer 3 is 4×4: rows 0 to 3
    with pytest.raises(ValueError, match=r"no unit \(4, 1\) in layer 3 of 3"):
        explorer.region()


@pytest.mark.parametrize(
    "layers, error, match",
    [
        ([], ValueError, "1 to 8 spatial layers"),
        ([(3, 1, 1)] * 9, ValueError, "1 to 8 spatial layers"),
        ([((3, 5), 1, 1)], ValueError, "square"),
        ([(13, 1, 6)], ValueError, "kernel must be between 1 and 11"),
        ([(3, 5, 1)], ValueError, "stride must be between 1 and 4"),
        ([(3, 1, 1, 5)], ValueError, "dilation must be between 1 and 4"),
        ([(11, 4, 0)] * 3, ValueError, "do not fit"),
        ("3x3", TypeError, "layers must be"),
        (torch.nn.Sequential(torch.nn.Upsample(scale_factor=2)), ValueError, "does not know how"),
        (torch.nn.Sequential(torch.nn.Linear(2, 2)), ValueError, "got 0"),
    ],
)
def test_field_explorer_bad_arguments(layers, error, match):
    with pytest.raises(error, match=match):
        cw.FieldExplorer(torch.rand(28, 28), layers)


@pytest.mark.parametrize(
    "layers, match",
    [
        ([], "1 to 8 layers"),
        ([[0, 1, 1, 1]], r"layers\[0\] must be \[kernel, stride, padding, dilation\]"),
        ([[3, 1, 1]], r"layers\[0\]"),
        ([[3, 1, 1, 1], [3, 1, 6, 1]], r"layers\[1\].*padding 0–5"),
    ],
)
def test_field_view_refuses_layers_its_drawing_cannot_use(layers, match):
    view = cw.FieldExplorer(torch.rand(28, 28)).view
    with pytest.raises(traitlets.TraitError, match=match):
        view.layers = layers


def test_pool_explorer_links_every_control_to_the_drawing():
    digit = torch.rand(28, 28)
    explorer = cw.PoolExplorer(digit)
    view = explorer.view
    links = {
        (link.source[0], link.source[1], link.target[0], link.target[1]) for link in explorer.links
    }
    assert links == {
        (explorer.mode, "index", view, "mode"),
        (explorer.sliders["kernel_size"], "value", view, "kernel_size"),
        (explorer.sliders["stride"], "value", view, "stride"),
        (explorer.ceil_mode, "value", view, "ceil_mode"),
    }
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    for name, c in cw.POOL_CONTROLS.items():
        slider = explorer.sliders[name]
        assert (slider.min, slider.max, slider.description) == (c.low, c.high, c.label)
    assert list(explorer.mode.options) == list(cw.POOL_MODES) == ["max", "average"]
    assert explorer.ceil_mode.description.startswith("ceil_mode")
    state = view.get_state()
    assert (state["height"], state["width"], state["kernel_size"], state["stride"]) == (
        28,
        28,
        2,
        2,
    )
    assert (state["mode"], state["ceil_mode"]) == (0, False)
    assert_starts_on_the_largest_value(explorer, F.max_pool2d(digit[None, None], 2)[0, 0])
    assert state["image"] == pytest.approx(digit.flatten().tolist(), abs=1e-4)  # four decimals
    assert "export function pool2d" in state["_esm"] and "function render" in state["_esm"]
    assert "export function conv2d" not in state["_esm"]  # it uses none of conv_math.js
    assert "pool-explorer-box" in explorer._dom_classes
    assert repr(explorer) == "PoolExplorer: an explorer. Run this cell in Jupyter to use it."


@pytest.mark.parametrize(
    "kernel_size, stride, mode, ceil_mode",
    [
        (2, 2, "max", False),
        (3, 2, "max", True),
        (3, 2, "average", True),
        (4, 3, "average", False),
        (1, 1, "max", False),
        (4, 4, "average", True),
        (2, 1, "max", True),
    ],
)
def test_pool_explorer_output_is_pytorchs_pooling(kernel_size, stride, mode, ceil_mode):
    image = torch.randn(13, 9)
    explorer = cw.PoolExplorer(image, kernel_size, stride, mode, ceil_mode)
    x = page_pixels(image)[None, None]  # the page holds four decimals
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    expected = pool(x, kernel_size, stride, ceil_mode=ceil_mode)[0, 0]
    assert torch.allclose(explorer.output(), expected, atol=1e-6)
    assert explorer.settings() == {
        "kernel_size": kernel_size,
        "stride": stride,
        "mode": mode,
        "ceil_mode": ceil_mode,
    }
    assert_starts_on_the_largest_value(explorer, expected)


def page_pixels(image: torch.Tensor) -> torch.Tensor:
    """The image as the page holds it: each number rounded to four decimals by Python (torch's
    float32 rounding differs from it in the fourth decimal now and then)."""
    return torch.tensor([round(v, 4) for v in image.flatten().tolist()]).view(image.shape)


def assert_starts_on_the_largest_value(explorer, pooled):
    """The explorer starts on an output cell with the largest value: its window holds
    something. Among equals, no cell is nearer the centre, and none as near comes before it."""
    row, col = explorer.cell()
    assert pooled[row, col] == pooled.max()
    centre = ((pooled.shape[0] - 1) / 2, (pooled.shape[1] - 1) / 2)

    def distance(cell):
        return (cell[0] - centre[0]) ** 2 + (cell[1] - centre[1]) ** 2

    ties = [tuple(c) for c in (pooled == pooled.max()).nonzero().tolist()]
    assert min(ties, key=lambda c: (distance(c), c)) == (row, col)


def test_pool_explorer_starts_on_a_window_that_holds_something():
    # A 7 (issue 25): its top bar and its stroke; the middle of the image is empty, and the
    # first window the learner saw was "max of 4 = 0.00".
    seven = torch.zeros(20, 20)
    seven[2:4, 3:17] = 1.0
    for i in range(4, 18):
        seven[i, 15 - (i - 4) // 2 : 17 - (i - 4) // 2] = 0.8
    explorer = cw.PoolExplorer(seven)
    pooled = explorer.output()
    assert pooled[9 // 2, 9 // 2] == 0  # the old start, the centre, was empty
    assert pooled[explorer.cell()] == 1.0
    assert explorer.cell() == (1, 4)  # of the bar's cells, the one nearest the centre
    blank = cw.PoolExplorer(torch.zeros(12, 12))  # all equal: the centre, as before
    assert blank.cell() == (2, 2)


def test_pool_explorer_output_follows_its_controls():
    image = torch.randn(28, 28)
    explorer = cw.PoolExplorer(image)
    x = page_pixels(image)[None, None]
    assert torch.allclose(explorer.output(), F.max_pool2d(x, 2, 2)[0, 0])
    explorer.mode.index = 1  # average, as the toggle sets it
    assert torch.allclose(explorer.output(), F.avg_pool2d(x, 2, 2)[0, 0], atol=1e-6)
    explorer.sliders["kernel_size"].value = 3
    assert explorer.output().shape == (13, 13)
    explorer.ceil_mode.value = True  # the 14th window covers 2 of 3 rows
    expected = F.avg_pool2d(x, 3, 2, ceil_mode=True)[0, 0]
    assert expected.shape == (14, 14)
    assert torch.allclose(explorer.output(), expected, atol=1e-6)
    assert expected[13, 13] == pytest.approx(x[0, 0, 26:, 26:].mean().item(), abs=1e-6)
    explorer.sliders["stride"].value = 4
    explorer.sliders["kernel_size"].value = 1
    assert explorer.output().shape == (7, 7)


def test_pool_explorer_output_is_none_when_no_window_fits():
    explorer = cw.PoolExplorer(torch.rand(3, 5), kernel_size=4, stride=1)
    assert explorer.output() is None and explorer.cell() == (0, 0)
    explorer.ceil_mode.value = True  # hangs off by 1: needs stride 2 or more
    assert explorer.output() is None
    explorer.sliders["stride"].value = 2
    assert explorer.output().shape == (1, 2)  # 3 rows of 4: one row of windows
    assert explorer.output()[0, 0] == explorer.image[:, :4].max()
    assert explorer.output()[0, 1] == explorer.image[:, 2:].max()  # covers 3 columns of 4


def test_pool_explorer_state_stays_small():
    explorer = cw.PoolExplorer(torch.rand(28, 28))
    state = json.dumps({k: v for k, v in explorer.view.get_state().items() if k != "_esm"})
    assert len(state) < 15_000


def test_javascript_says_why_no_pooling_window_fits():
    source = (cw.JS_DIR / "pool.js").read_text()
    assert "no output: the window is ${k} pixels" in source
    # "1 pixel" or "2 pixels": test_pool_drawing_counts_one_pixel_as_one (test_conv_math.py)
    assert 'it covers only ${count(win.count, "pixel")} of' in source


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((torch.rand(1, 28, 28),), {}, ValueError, r"image must have shape \(H, W\)"),
        (("a digit",), {}, TypeError, "image must be a torch.Tensor"),
        ((torch.rand(65, 65),), {}, ValueError, "at most 64×64"),
        ((torch.rand(0, 5),), {}, ValueError, "must not be empty"),
        ((torch.full((5, 5), float("inf")),), {}, ValueError, "image must hold finite"),
        (
            (torch.rand(8, 8),),
            {"kernel_size": 5},
            ValueError,
            "kernel_size must be an integer from 1 to 4, got 5",
        ),
        (
            (torch.rand(8, 8),),
            {"kernel_size": 0},
            ValueError,
            "kernel_size must be an integer from 1 to 4, got 0",
        ),
        ((torch.rand(8, 8),), {"stride": 0}, ValueError, "stride must be an integer from 1 to 4"),
        (
            (torch.rand(8, 8),),
            {"stride": 5},
            ValueError,
            "stride must be an integer from 1 to 4, got 5",
        ),
        ((torch.rand(8, 8),), {"stride": 2.0}, TypeError, "stride must be an integer"),
        (
            (torch.rand(8, 8),),
            {"mode": "mean"},
            ValueError,
            "mode must be 'max' or 'average', got 'mean'",
        ),
        ((torch.rand(8, 8),), {"mode": 1}, TypeError, "mode must be 'max' or 'average'"),
        ((torch.rand(8, 8),), {"ceil_mode": 1}, TypeError, "ceil_mode must be True or False"),
    ],
)
def test_pool_explorer_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        cw.PoolExplorer(*args, **kwargs)


@pytest.mark.parametrize(
    "trait, value",
    [("kernel_size", 0), ("kernel_size", 5), ("stride", 0), ("mode", 2), ("row", -1)],
)
def test_pool_view_refuses_values_its_drawing_cannot_use(trait, value):
    with pytest.raises(traitlets.TraitError):
        setattr(cw.PoolExplorer(torch.rand(8, 8)).view, trait, value)


@pytest.mark.parametrize(
    "check, error, match",
    [
        (3, TypeError, "check must be a checker such as check_map_size or its name"),
        (None, TypeError, "check must be a checker such as check_map_size"),
        (
            "check_mapsize",
            ValueError,
            r"check must name one of the table-driven checkers "
            r"\(check_bottom_edge, .*got 'check_mapsize'",
        ),
        (print, ValueError, "check must name one of the table-driven checkers .*got 'print'"),
    ],
)
def test_answer_box_names_its_argument(check, error, match):
    from coursecode.exercises import answer_box

    with pytest.raises(error, match=match):
        answer_box(check)


def test_every_explorer_is_marked_and_names_its_controls(digits):
    """Every explorer's outer box carries EXPLORER_CLASS, which the accessibility tests look
    for, and each drawing among ipywidgets controls names them for screen readers
    (nameControls in drawing.js) and shows their keyboard focus (FOCUS_CSS)."""
    from coursecode import simple_cnn

    image = torch.rand(8, 8)
    boxes = [
        ConvExplorer(),
        kernel_explorer(image, top_edge),
        cw.PoolExplorer(image),
        cw.WindowExplorer(image),
        cw.UnfoldExplorer(image[:5, :5]),
        cw.ChannelsExplorer(torch.rand(3, 8, 8)),
        cw.FieldExplorer(torch.rand(28, 28)),
    ]
    for box in boxes:
        assert cw.EXPLORER_CLASS in box._dom_classes, type(box).__name__
        (drawing,) = [c for c in box.children if isinstance(c, anywidget.AnyWidget)]
        assert "nameControls(el);" in drawing._esm, type(drawing).__name__
        assert drawing._css.startswith(cw.FOCUS_CSS), type(drawing).__name__
        assert cw.SHARED_CSS in drawing._css, type(drawing).__name__  # captions, colour bars
    network = cw.NetworkExplorer(simple_cnn(), *digits, n_random=2, n_wrong=0)
    assert cw.EXPLORER_CLASS in network._dom_classes  # its controls are its own, named in it
    assert network._css.startswith(cw.FOCUS_CSS) and cw.SHARED_CSS in network._css


def test_a_bundle_drops_the_imports_of_its_own_files_and_refuses_a_missing_one(tmp_path):
    """Each drawing imports what it uses from drawing.js and the maths (ESLint follows them);
    a widget's module is those files in one scope, with no import left for the page to miss."""
    from coursecode.explorers._base import JS_DIR
    from coursecode.explorers._base import bundle

    code = bundle([JS_DIR / "pool_math.js", JS_DIR / "drawing.js", JS_DIR / "pool.js"])
    assert "import {" not in code and "export default" in code
    with pytest.raises(ValueError, match="pool.js imports from pool_math.js"):
        bundle([JS_DIR / "drawing.js", JS_DIR / "pool.js"])
    for box in (cw.PoolExplorer(torch.rand(8, 8)), cw.WindowExplorer(torch.rand(8, 8))):
        (drawing,) = [c for c in box.children if isinstance(c, anywidget.AnyWidget)]
        assert not re.search(r"^import\b", drawing._esm, re.M)


LINT_BUNDLES = """
import { ESLint } from "eslint";
import globals from "globals";
import { readFileSync } from "node:fs";
const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: {
    languageOptions: { ecmaVersion: 2025, sourceType: "module", globals: globals.browser },
    rules: { "no-undef": "error", "no-redeclare": "error" },
  },
});
const found = {};
for (const [name, path] of Object.entries(JSON.parse(process.argv[1]))) {
  const [result] = await eslint.lintText(readFileSync(path, "utf-8"));
  found[name] = result.messages.map((m) => `${m.line}: ${m.message}`);
}
console.log(JSON.stringify(found));
"""


def test_every_widget_bundle_defines_every_name_it_uses(tmp_path):
    # The bundle keeps only what the widget uses: ESLint, run on what the page gets, finds no
    # name used and not defined (a declaration dropped that was needed) and none twice.
    from coursecode.exercises import AnswerCode

    root = Path(__file__).resolve().parents[1]
    if not (root / "node_modules" / "eslint").is_dir():
        pytest.fail("ESLint is needed to lint the widgets' bundles: run `npm ci`")
    widgets = [getattr(cw, name) for name in cw.__all__]  # every widget that draws
    codes = {
        w.__name__: w._esm
        for w in widgets
        if isinstance(w, type) and issubclass(w, anywidget.AnyWidget)
    }
    assert len(codes) >= 8
    codes["AnswerCode"] = AnswerCode().source
    paths = {}
    for name, code in codes.items():
        paths[name] = str(tmp_path / f"{name}.js")
        Path(paths[name]).write_text(code, encoding="utf-8")
    done = subprocess.run(
        ["node", "--input-type=module", "-e", LINT_BUNDLES, json.dumps(paths)],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {name: [] for name in codes}


def test_a_bundle_keeps_only_what_its_widget_uses():
    from coursecode.explorers._base import used_only

    shared = (
        "export function used(x) {\n  return helper(x) + LIMIT;\n}\n\n"
        "function helper(x) {\n  return x;\n}\n"
        "export function unused() {\n  return helper(0);\n}\n"
        "const LIMIT = 3;\nconst { a: A, b } = { a: 1, b: 2 };\n"
        "export const TABLE = [\n  1,\n];\n"
    )
    own = "function render() {\n  return used(A);\n}\n\nexport default { render };\n"
    code = used_only([shared, own])
    for kept in ("function used", "function helper", "const LIMIT", "const { a: A, b }"):
        assert kept in code
    assert "unused" not in code and "TABLE" not in code
    assert code.endswith("export default { render };\n")
    # a shared file's statement that declares nothing stays: it may do something
    assert "console.log(1);" in used_only(["console.log(1);\n", own])


def test_a_control_declared_once_makes_the_trait_the_slider_and_the_check():
    from coursecode.explorers._base import Control

    control = Control("stride", "stride s", 1, 7, default=3, step=2)
    slider = control.slider(5, layout={"width": "10em"})
    assert (slider.min, slider.max, slider.step, slider.value, slider.description) == (
        1,
        7,
        2,
        5,
        "stride s",
    )
    trait = control.trait()
    assert (trait.default_value, trait.min, trait.max, trait.metadata["step"]) == (3, 1, 7, 2)
    assert control.check(np.int64(7)) == 7
    with pytest.raises(ValueError, match="stride must be 1 plus a multiple of 2, got 4"):
        control.check(4)
    with pytest.raises(ValueError, match="stride must be an integer from 1 to 7, got 9"):
        control.check(9)
    with pytest.raises(TypeError, match="stride must be an integer from 1 to 7, got True"):
        control.check(True)
