"""The padding-and-stride widgets: one formula on each side (Python and JavaScript), in step."""

import itertools
import json
import shutil
import subprocess

from ipywidgets.widgets.widget_link import Link
import pytest
import torch
import torch.nn.functional as F

from coursecode import conv_out_size
from coursecode import widgets as cw
from coursecode.widgets import SLIDER_RANGES
from coursecode.widgets import ConvExplorer
from coursecode.widgets import kernel_explorer

JS = cw.JS_PATH
ALL_COMBINATIONS = list(itertools.product(*(range(low, high + 1) for _, low, high in SLIDER_RANGES.values())))


def python_size(n, k, p, s, d):
    try:
        return conv_out_size(n, k, s, p, d)
    except ValueError:
        return None


def pytorch_size(n, k, p, s, d):
    try:
        out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d)
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
    module = tmp_path / "conv_explorer.mjs"  # .mjs: Node reads it as an ES module
    shutil.copyfile(JS, module)
    script = (f"import {{ outputSize }} from {json.dumps(module.as_uri())};"
              f"const combos = {json.dumps(ALL_COMBINATIONS)};"
              "console.log(JSON.stringify(combos.map((c) => outputSize(...c))));")
    done = subprocess.run([node, "--input-type=module", "-e", script],
                          capture_output=True, text=True, check=True, timeout=60)
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
    assert set(explorer.sliders) == set(SLIDER_RANGES)
    for name, (label, low, high) in SLIDER_RANGES.items():
        slider = explorer.sliders[name]
        assert (slider.min, slider.max, slider.description) == (low, high, label)
    linked = {(link.source[0], link.source[1], link.target[1]) for link in explorer.links}
    assert linked == {(explorer.sliders[n], "value", n) for n in SLIDER_RANGES}
    assert all(isinstance(link, Link) for link in explorer.links)  # jslink: browser-side
    # The drawing's JavaScript travels in the widget state, so a static page can run it.
    assert "export function outputSize" in explorer.grid.get_state()["_esm"]


@pytest.mark.parametrize("values, expected", [
    ({"n": 5, "k": 3, "p": 1, "s": 1}, 5),
    ({"n": 5, "k": 3, "p": 1, "s": 2}, 3),
    ({"n": 5, "k": 7, "p": 0, "s": 1}, None),
    ({"n": 12, "k": 3, "p": 0, "s": 1, "d": 3}, 6),
])
def test_explorer_output_size_follows_the_sliders(values, expected):
    explorer = ConvExplorer()
    for name, value in values.items():
        explorer.sliders[name].value = value
    assert explorer.output_size == expected


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n": 0}, ValueError, "n must be an integer >= 1"),
    ({"k": 8}, ValueError, r"k \(kernel size k\) must be between 1 and 7, got 8"),
    ({"p": -1}, ValueError, "p must be an integer >= 0"),
    ({"s": 1.5}, TypeError, "s must be an integer"),
])
def test_explorer_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ConvExplorer(**kwargs)


def kernel_parts(box):
    (stride, padding), caption, picture = box.children[0].children, box.children[1], box.children[2]
    return stride, padding, caption, picture


def test_kernel_explorer_draws_and_follows_its_sliders():
    stride, padding, caption, picture = kernel_parts(kernel_explorer(torch.rand(28, 28), torch.ones(3, 3)))
    assert "output <b>26×26</b>" in caption.value
    assert picture.value.startswith('<img src="data:image/png;base64,iVBOR')  # a PNG
    assert 'alt="The input image and its 26×26 feature map' in picture.value
    first = picture.value
    stride.value = 2
    assert "output <b>13×13</b>" in caption.value and picture.value != first
    padding.value = 1
    assert "output <b>14×14</b>" in caption.value


def test_kernel_explorer_reports_a_kernel_that_does_not_fit():
    _, padding, caption, _ = kernel_parts(kernel_explorer(torch.rand(2, 2), torch.ones(3, 3)))
    assert caption.value.startswith("<b>no output:</b>") and "larger than the padded input" in caption.value
    padding.value = 1
    assert "output <b>2×2</b>" in caption.value


def test_kernel_explorer_bad_arguments():
    with pytest.raises(ValueError, match=r"image must have shape \(H, W\)"):
        kernel_explorer(torch.rand(1, 28, 28), torch.ones(3, 3))
    with pytest.raises(TypeError, match="kernel must be a torch.Tensor"):
        kernel_explorer(torch.rand(28, 28), [[1, 0], [0, 1]])
