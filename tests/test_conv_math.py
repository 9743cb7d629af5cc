"""The explorers' arithmetic (coursecode/explorers/conv_math.js), run in Node, against PyTorch."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import traitlets
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from node import Node

from coursecode.widgets import MATH_PATH

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
    stride, padding, dilation = (
        draw(st.integers(1, 3)),
        draw(st.integers(0, 3)),
        draw(st.integers(1, 3)),
    )
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    image = torch.randn(h, w, generator=generator, dtype=torch.float64)
    kernel = torch.randn(kh, kw, generator=generator, dtype=torch.float64)
    return image, kernel, stride, padding, dilation


def pytorch_conv(image, kernel, stride, padding, dilation):
    try:
        return F.conv2d(
            image[None, None], kernel[None, None], stride=stride, padding=padding, dilation=dilation
        )[0, 0]
    except RuntimeError:  # the kernel does not fit the padded image
        return None


@CASES
@given(conv_cases())
def test_conv2d_equals_pytorch(js, case):
    image, kernel, stride, padding, dilation = case
    expected = pytorch_conv(*case)
    got = js(
        "conv2d",
        image.flatten().tolist(),
        *image.shape,
        kernel.flatten().tolist(),
        *kernel.shape,
        stride,
        padding,
        dilation,
    )
    if expected is None:
        assert got is None
        return
    assert (got["height"], got["width"]) == tuple(expected.shape)
    assert torch.allclose(
        torch.tensor(got["data"], dtype=torch.float64).view(expected.shape),
        expected,
        atol=1e-5,
        rtol=0,
    )


@CASES
@given(
    st.integers(1, 40), st.integers(1, 9), st.integers(0, 4), st.integers(1, 4), st.integers(1, 4)
)
def test_output_size_equals_pytorch(js, n, k, p, s, d):
    out = pytorch_conv(torch.zeros(n, n), torch.zeros(k, k), s, p, d)
    assert js("outputSize", n, k, p, s, d) == (None if out is None else out.shape[-1])


@pytest.mark.parametrize(
    "args",
    [
        (5, 3, 1, 0, 1),
        (5, 3, 1, 1, 0),
        (0, 3, 1, 1, 1),
        (5, 3, -1, 1, 1),
        (5, 3, 1, 1.5, 1),
        (5, 3, 1, None, 1),
    ],
)
def test_output_size_has_no_answer_for_settings_out_of_range(js, args):
    # stride 0 would give Infinity, and a drawing loop that never ends
    assert js("outputSize", *args) is None


@CASES
@given(st.integers(3, 12), st.integers(3, 12), st.integers(1, 3), st.integers(0, 2**31), st.data())
def test_window_at_equals_unfold_and_conv2d(js, h, w, k, seed, data):
    generator = torch.Generator().manual_seed(seed)
    image = torch.randn(h, w, generator=generator, dtype=torch.float64)
    kernel = torch.randn(k, k, generator=generator, dtype=torch.float64)
    positions = (h - k + 1) * (w - k + 1)
    position = data.draw(st.integers(0, positions - 1))
    got = js("windowAt", image.flatten().tolist(), h, w, kernel.flatten().tolist(), k, position)
    columns = F.unfold(image[None, None], k)[0]  # (k*k, positions)
    fmap = F.conv2d(image[None, None], kernel[None, None])[0, 0]
    assert (got["row"], got["col"]) == divmod(position, w - k + 1)
    assert torch.allclose(torch.tensor(got["patch"], dtype=torch.float64), columns[:, position])
    assert torch.allclose(
        torch.tensor(got["products"], dtype=torch.float64), columns[:, position] * kernel.flatten()
    )
    assert got["sum"] == pytest.approx(fmap[got["row"], got["col"]].item(), abs=1e-9)


@pytest.mark.parametrize("position", [-1, 676, 1.5, None])
def test_window_at_refuses_positions_off_the_map(js, position):
    assert js("windowAt", [0.0] * 784, 28, 28, [0.0] * 9, 3, position) is None


@CASES
@given(
    st.integers(1, 3),
    st.integers(1, 9),
    st.integers(1, 9),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2),
    st.integers(0, 2**31),
)
def test_unfold_equals_pytorch(js, c, h, w, k, stride, padding, seed):
    image = torch.randn(c, h, w, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    got = js("unfold", image.flatten().tolist(), c, h, w, k, stride, padding)
    try:
        expected = F.unfold(image[None], k, stride=stride, padding=padding)[0]
    except RuntimeError:  # the kernel does not fit the padded image
        expected = None
    if expected is None or expected.shape[-1] == 0:
        assert got is None
        return
    assert (
        (got["rows"], got["cols"])
        == tuple(expected.shape)
        == (c * k * k, got["outH"] * got["outW"])
    )
    assert torch.equal(
        torch.tensor(got["data"], dtype=torch.float64).view(expected.shape), expected
    )


@CASES
@given(st.integers(1, 4), conv_cases())
def test_conv2d_channels_equals_pytorch(js, c, case):
    image, kernel, stride, padding, dilation = case
    generator = torch.Generator().manual_seed(int(image.abs().sum() * 1e6) % 2**31)
    image = torch.randn(c, *image.shape, generator=generator, dtype=torch.float64)
    kernel = torch.randn(c, *kernel.shape, generator=generator, dtype=torch.float64)
    got = js(
        "conv2dChannels",
        image.flatten().tolist(),
        c,
        *image.shape[1:],
        kernel.flatten().tolist(),
        *kernel.shape[1:],
        stride,
        padding,
        dilation,
    )
    expected = pytorch_conv_channels(image, kernel, stride, padding, dilation)
    if expected is None:
        assert got is None
        return
    total = expected.sum(0)  # F.conv2d with one kernel of c slices is the sum of the maps
    assert torch.allclose(
        total,
        F.conv2d(image[None], kernel[None], stride=stride, padding=padding, dilation=dilation)[
            0, 0
        ],
    )
    shape = (got["height"], got["width"])
    assert shape == tuple(total.shape)
    assert torch.allclose(
        torch.tensor(got["data"], dtype=torch.float64).view(shape), total, atol=1e-5
    )
    for mine, theirs in zip(got["channels"], expected, strict=True):
        assert torch.allclose(
            torch.tensor(mine, dtype=torch.float64).view(shape), theirs, atol=1e-5
        )


def pytorch_conv_channels(image, kernel, stride, padding, dilation):
    """Each channel convolved with its own slice (groups=c): (c, H', W'), or None."""
    c = image.shape[0]
    try:
        return F.conv2d(
            image[None],
            kernel[:, None],
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=c,
        )[0]
    except RuntimeError:
        return None


# The colour scales every explorer draws with (static/drawing.js), against the book's figures:
# coursecode.plotting draws with matplotlib's "gray" and "bwr" colour maps.


@pytest.fixture(scope="module")
def colours(tmp_path_factory):
    from coursecode.widgets import JS_DIR

    node = Node(JS_DIR / "drawing.js", tmp_path_factory.mktemp("colours"))
    yield node
    node.close()


def matplotlib_colours(values, cmap: str, low: float, high: float) -> np.ndarray:
    import matplotlib
    from matplotlib.colors import Normalize

    rgba = matplotlib.colormaps[cmap](Normalize(low, high, clip=True)(np.asarray(values)))
    return np.asarray(rgba)[:, :3] * 255


def test_settings_are_checked_against_the_ranges_given_with_their_step(colours):
    limits = {"stride": [1, 7, 2], "padding": [0, 3]}  # a step of 1 when none is given
    assert colours("settingsProblem", {"stride": 5, "padding": 3}, limits) is None
    assert colours("settingsProblem", {"stride": 4}, limits) == (
        "stride must be a whole number from 1 to 7 in steps of 2, not 4"
    )
    assert colours("settingsProblem", {"padding": 4}, limits) == (
        "padding must be a whole number from 0 to 3, not 4"
    )
    assert colours("settingsProblem", {"stride": "NaN"}, limits).startswith("stride must be")
    assert colours("settingsProblem", {"dilation": 1}, limits) == (
        "dilation has no range to check it against"
    )


def test_pixels_in_0_1_are_grey_on_a_fixed_scale(colours):
    # 0 black, 1 white, whatever the image holds: 0.99 is near-white, not dark (issue 25)
    for image in ([0.0, 0.99], [0.2, 0.5], [0.0, 0.0], [1.0]):
        assert colours("pixelScale", image) == {"kind": "grey", "low": 0, "high": 1}
    assert colours("colourOf", 0.99, {"kind": "grey", "low": 0, "high": 1}) == [252, 252, 252]
    assert colours("colourOf", 0.0, {"kind": "grey", "low": 0, "high": 1}) == [0, 0, 0]
    assert colours("colourOf", 1.0, {"kind": "grey", "low": 0, "high": 1}) == [255, 255, 255]
    # other values are drawn as a map is
    assert colours("pixelScale", [0.0, 255.0]) == {"kind": "grey", "low": 0, "high": 255}
    assert colours("pixelScale", [-0.5, 2.0]) == {"kind": "signed", "low": -2, "high": 2}


def test_maps_are_grey_from_0_or_blue_white_red_about_0(colours):
    assert colours("mapScale", [0.0, 2.5, 1.0]) == {"kind": "grey", "low": 0, "high": 2.5}
    assert colours("mapScale", [0.0, 0.0]) == {"kind": "grey", "low": 0, "high": 1}  # no NaN
    # signed: symmetric about 0, one scale for several maps
    assert colours("mapScale", [-3.0, 1.0], [0.5, 2.0]) == {"kind": "signed", "low": -3, "high": 3}
    assert colours("mapScale", [-0.5], [4.0]) == {"kind": "signed", "low": -4, "high": 4}
    signed = {"kind": "signed", "low": -4, "high": 4}
    assert colours("colourOf", 0.0, signed) == [255, 255, 255]  # 0 is white
    assert colours("colourOf", -4.0, signed) == [0, 0, 255]
    assert colours("colourOf", 4.0, signed) == [255, 0, 0]
    assert colours("colourOf", 9.0, signed) == [255, 0, 0]  # past the end: the end's colour


@pytest.mark.parametrize("kind, cmap", [("signed", "bwr"), ("grey", "gray")])
def test_colours_are_matplotlibs(colours, kind, cmap):
    """The same colours as the book's figures: within one step of matplotlib's 256-colour maps
    (a step is 1 level of "gray", 2 of "bwr", whose halves each span 255 levels), and rounding."""
    low, high = (-2.5, 2.5) if kind == "signed" else (0.0, 2.5)
    values = np.linspace(low - 0.3, high + 0.3, 301)
    got = np.array(
        [colours("colourOf", v, {"kind": kind, "low": low, "high": high}) for v in values]
    )
    step = 2 if kind == "signed" else 1
    assert np.abs(got - matplotlib_colours(values, cmap, low, high)).max() <= step + 0.5


def test_legends_print_three_significant_digits(colours):
    assert [colours("short", v) for v in (2.3125, -2.3125, 0.0, 1.0, 255.0, 0.001234)] == [
        "2.31",
        "−2.31",
        "0",
        "1",
        "255",
        "0.00123",
    ]


def test_text_on_a_shaded_cell_is_black_or_white_as_the_books_tables_choose(colours):
    """The explorers write numbers on shaded cells (the unfold explorer's input and matrix) in
    black or white, whichever contrasts more, as coursecode.plotting's _readable_text_color
    does for show_pixels: the same choice for every colour of the course's scales, and
    random ones, and at least WCAG AA's 4.5:1 for small text on every colour of the scales."""
    from coursecode._drawing import contrast_ratio as _contrast_ratio
    from coursecode._drawing import readable_text_color as _readable_text_color

    greys = [[g, g, g] for g in range(256)]
    signed = {"kind": "signed", "low": -1, "high": 1}
    bwr = [colours("colourOf", v, signed) for v in np.linspace(-1, 1, 256)]
    others = np.random.default_rng(0).integers(0, 256, (200, 3)).tolist()
    for rgb in greys + bwr + others:
        background = "#{:02x}{:02x}{:02x}".format(*rgb)
        text = colours("textColourOn", rgb)
        assert text == _readable_text_color(background), rgb
        assert colours("contrastRatio", [0, 0, 0], rgb) == pytest.approx(
            _contrast_ratio("#000000", background), rel=1e-9
        )
        if rgb in greys or rgb in bwr:
            assert _contrast_ratio(text, background) >= 4.5, rgb
    assert colours("textColourOn", [0, 0, 0]) == "#ffffff"  # 0 black: white text
    assert colours("textColourOn", [255, 255, 255]) == "#000000"


def test_formulas_write_negative_numbers_with_a_true_minus_sign(colours):
    # issue 25: "+ -1.00×0.00" became "+ (−1.00)×0.00", "+ -1.00·blue" became "− 1.00·blue"
    assert [colours("fmt", v) for v in (-1, -0.004, 0.004, 0.5, -2.345)] == [
        "−1.00",
        "0.00",  # never "−0.00"
        "0.00",
        "0.50",
        "−2.35",
    ]
    assert [colours("factor", v) for v in (-1, 2, -0.001)] == ["(−1.00)", "2.00", "0.00"]
    assert (
        colours("weightedSum", [[1, "red"], [0, "green"], [-1, "blue"]])
        == "1.00·red + 0.00·green − 1.00·blue"
    )
    assert colours("weightedSum", [[-0.5, "red"], [0.25, "green"]]) == "−0.50·red + 0.25·green"
    assert colours("minus", "rows -7 to 7") == "rows −7 to 7"


def test_counts_are_singular_for_one(colours):
    assert [colours("count", n, "pixel") for n in (0, 1, 2)] == ["0 pixels", "1 pixel", "2 pixels"]
    assert colours("count", 1, "unit", "units") == "1 unit"


# Nonsense never loops: conv_math.js answers null, and every explorer's drawing, run in Node
# on a stand-in DOM, says "no output" (issue 16). Python refuses these values when a drawing
# is made (tests/test_widgets.py); these are the values a page could still send.


@pytest.mark.parametrize(
    "args",
    [
        (5, 3, 1, 0, 1),
        (5, 3, -2, 1, 1),
        ("NaN", 3, 1, 1, 1),
        (5, 3, 1, "Infinity", 1),
        (1e300, 3, 1, 1, 1),
        (5, 3, 1e300, 1, 1),
        (2**53, 1, 0, 1, 1),
        (5, "3", 1, 1, 1),
    ],
)
def test_output_size_has_no_answer_for_nonsense(js, args):
    assert js("outputSize", *args) is None


@pytest.mark.parametrize(
    "fn, args",
    [
        ("conv2d", ([0.0], 10**6, 10**6, [1.0], 1, 1)),  # sizes the arrays do not have
        ("conv2d", ([0.0] * 4, 2, 2, [1.0], 1, 1, 0)),  # stride 0
        ("conv2d", ([0.0] * 4, 2, 2, [1.0], 1, 1, 1, "NaN")),  # padding NaN
        ("conv2d", ([0.0], 1, 1, [1.0], 1, 1, 1, 10**6)),  # a 2000001² map: too big
        ("windowAt", ([0.0], 10**6, 10**6, [0.0] * 9, 3, 5)),
        ("unfold", ([0.0], 1, 10**5, 10**5, 3)),
        ("unfold", ([0.0] * 4, 1, 2, 2, 1, "Infinity")),
        ("conv2dChannels", ([0.0] * 4, 10**9, 2, 2, [1.0], 1, 1)),
    ],
)
def test_arithmetic_answers_null_for_nonsense_without_looping(js, fn, args):
    assert js(fn, *args) is None


# A stand-in for the browser's DOM, enough for the drawings: elements that record their
# text, a canvas context that draws nothing. Every element made and every call on a canvas
# counts, and past LIMIT it throws: a drawing that would not end fails the test instead.
FAKE_DOM = r"""
const LIMIT = 300000;
let made = 0;
const count = () => { if (++made > LIMIT) throw new Error("the drawing does not end"); };
const anyCall = () => { count(); return { data: new Uint8ClampedArray(4 * 280 * 280) }; };
const context = new Proxy({}, { get: (t, key) => (key in t ? t[key] : anyCall),
                                set: (t, key, v) => { t[key] = v; return true; } });
function fake(tag) {
  count();
  const t = {
    tagName: tag.toUpperCase(), children: [], style: {}, dataset: {}, attrs: {},
    textContent: "", value: "", hidden: false, disabled: false, width: 0, height: 0,
    className: "",
    get classList() {   // kept in className, as the DOM keeps it
      const names = () => this.className.split(" ").filter(Boolean);
      const put = (list) => { this.className = [...new Set(list)].join(" "); };
      return {
        add: (...cs) => put([...names(), ...cs]),
        remove: (...cs) => put(names().filter((c) => !cs.includes(c))),
        toggle: (c, on = !names().includes(c)) => put(on ? [...names(), c]
          : names().filter((n) => n !== c)),
        contains: (c) => names().includes(c),
      };
    },
    appendChild(c) { this.children.push(c); c.parentNode = this; return c; },
    append(...cs) {
      cs.forEach((c) => this.appendChild(typeof c === "string"
        ? Object.assign(fake("text"), { textContent: c }) : c));
    },
    prepend(...cs) { this.append(...cs); },
    replaceChildren(...cs) { this.children = []; this.append(...cs); },
    insertBefore(c) { return this.appendChild(c); },
    remove() {}, setAttribute(k, v) { this.attrs[k] = String(v); },
    getAttribute(k) { return this.attrs[k] ?? null; }, removeAttribute() {},
    addEventListener() {}, removeEventListener() {}, focus() {}, blur() {},
    querySelectorAll(selector) {     // simple selectors only: a tag, classes, or both
      const [tag, ...classes] = selector.split(".");
      const matches = (c) => (!tag || c.tagName === tag.toUpperCase())
        && classes.every((name) => (c.className ?? "").split(" ").includes(name));
      const found = [];
      const walk = (node) => (node.children ?? []).forEach((c) => {
        if (matches(c)) found.push(c);
        walk(c);
      });
      walk(this);
      return found;
    },
    querySelector(tag) { return this.querySelectorAll(tag)[0] ?? null; },
    closest: () => null,
    getContext: () => context,
    insertRow() { return this.appendChild(fake("tr")); },
    insertCell() { return this.appendChild(fake("td")); },
    createCaption() { return this.appendChild(fake("caption")); },
    getBoundingClientRect: () => ({ left: 0, top: 0, width: 100, height: 100 }),
    get options() { return this.children; },
    get rows() { return this.children.filter((c) => c.tagName === "TR"); },
    get firstChild() { return this.children[0] ?? null; },
    get lastChild() { return this.children.at(-1) ?? null; },
    get nextSibling() {
      const all = this.parentNode?.children ?? [];
      return all[all.indexOf(this) + 1] ?? null;
    },
    get isConnected() { return true; },
  };
  t.parentNode = null;
  return t;
}
globalThis.document = { createElement: fake, createElementNS: (ns, tag) => fake(tag),
                        createTextNode: (text) => ({ textContent: text }), activeElement: null };
globalThis.window = globalThis;
globalThis.queueMicrotask = (fn) => fn();     // draw at once, inside the call
globalThis.requestAnimationFrame = () => 0;
globalThis.setInterval = () => 0;
const text = (node) => (node.textContent ?? "") + " " + (node.children ?? []).map(text).join(" ");
// What a screen reader can also read: the text alternatives and tooltips.
const labels = (node) => [node.attrs?.["aria-label"], node.title,
  ...(node.children ?? []).flatMap(labels)].filter((v) => typeof v === "string" && v);
const HELPERS = {
  render(traits) {
    made = 0;
    const listeners = {};
    const model = {
      get: (name) => traits[name],
      set: (name, value) => { traits[name] = value; },
      on: (event, fn) => { (listeners[event] ??= []).push(fn); },
      off() {}, save_changes() {}, send() {},
      widget_manager: { get_model: async () => null },
    };
    const el = fake("div");
    math.default.render({ model, el });
    return { text: text(el), labels: labels(el), made };
  },
};
"""


def _drawings():
    from coursecode import simple_cnn
    from coursecode import widgets as cw

    digit = torch.rand(28, 28)
    images = torch.rand(3, 28, 28)
    return {
        "ConvGrid": (
            cw.ConvExplorer().grid,
            ["size", "kernel_size", "padding", "stride", "dilation"],
        ),
        "FeatureMap": (
            cw.KernelExplorer(digit, torch.ones(3, 3)).map,
            ["height", "width", "kh", "kw", "stride", "padding", "dilation"],
        ),
        "SlidingWindow": (cw.WindowExplorer(digit).window, ["height", "width", "position"]),
        "UnfoldMatrix": (
            cw.UnfoldExplorer(torch.rand(5, 5)).map,
            ["height", "width", "kernel_size", "stride", "padding", "column"],
        ),
        "ChannelMaps": (cw.ChannelsExplorer(torch.rand(3, 8, 8)).map, ["height", "width", "mode"]),
        "PoolView": (
            cw.PoolExplorer(torch.rand(6, 6)).view,
            ["height", "width", "kernel_size", "stride", "mode", "row", "col"],
        ),
        "FieldView": (cw.FieldExplorer(digit).view, ["height", "width", "level", "row", "col"]),
        "NetworkExplorer": (
            cw.NetworkExplorer(
                simple_cnn(), images, torch.tensor([1, 2, 3]), n_random=2, n_wrong=0
            ),
            ["digit"],
        ),
    }


@pytest.fixture(scope="module")
def drawings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drawings")
    found = {}
    for name, (widget, traits) in _drawings().items():
        module = folder / f"{name}.js"
        module.write_text(widget._esm, encoding="utf-8")
        state = {
            key: getattr(widget, key)
            for key in widget.keys
            if not key.startswith("_") and key not in ("layout", "comm", "tabbable", "tooltip")
        }
        found[name] = (Node(module, folder, FAKE_DOM), state, traits)
    yield found
    for node, _, _ in found.values():
        node.close()


DRAWINGS = [
    "ConvGrid",
    "FeatureMap",
    "SlidingWindow",
    "UnfoldMatrix",
    "ChannelMaps",
    "PoolView",
    "FieldView",
    "NetworkExplorer",
]


@pytest.mark.parametrize("name", DRAWINGS)
def test_each_drawing_draws_its_own_settings(drawings, name):
    node, state, _ = drawings[name]
    got = node("render", state)
    assert "no output" not in got["text"] and got["made"] > 3


@pytest.mark.parametrize("value", [0, -1, "NaN", "Infinity", 10**9, 2.5, "3", None])
@pytest.mark.parametrize("name", DRAWINGS)
def test_each_drawing_says_no_output_for_nonsense(drawings, name, value):
    node, state, traits = drawings[name]
    for trait in traits:
        in_range = {
            "p": [0],
            "padding": [0],
            "row": [0],
            "col": [0],
            "mode": [0],
            "digit": [0, -1],
            "position": [0],  # windows and columns count from 0
            "column": [0],
        }
        if value in in_range.get(trait, []):
            continue
        got = node("render", {**state, trait: value})
        assert "no output" in got["text"], (trait, value, got["text"][:200])
        assert got["made"] < 100, (trait, value)  # nothing drawn past the note


@pytest.mark.parametrize(
    "name", ["FeatureMap", "SlidingWindow", "UnfoldMatrix", "ChannelMaps", "PoolView", "FieldView"]
)
def test_each_drawing_says_no_output_for_an_image_of_the_wrong_size(drawings, name):
    node, state, _ = drawings[name]
    for image in ([0.0], state["image"] + [0.0], ["NaN"] * len(state["image"])):
        got = node("render", {**state, "image": image})
        assert "no output" in got["text"] and got["made"] < 100


def test_field_drawing_refuses_layers_out_of_range(drawings):
    node, state, _ = drawings["FieldView"]
    for layer in ([10**9, 1, 1, 1], [3, 0, 1, 1], [3, 1, 1, "NaN"], [3, 1]):
        got = node("render", {**state, "layers": [layer]})
        assert "no output" in got["text"] and got["made"] < 100, layer


@pytest.mark.parametrize("name", DRAWINGS)
def test_each_drawing_checks_the_ranges_python_checks(drawings, name):
    # The JavaScript's limits are the traits' own (traitlets.Int(min=, max=), explorers/):
    # one past either end is "no output", naming the trait and the same range.
    from coursecode import widgets as cw

    node, state, traits = drawings[name]
    widget_class = getattr(cw, name)
    for trait in traits:
        if trait in ("position", "digit"):  # their ranges depend on the image / the picks
            continue
        low, high = widget_class.class_traits()[trait].min, widget_class.class_traits()[trait].max
        for value in (low - 1, high + 1):
            got = node("render", {**state, trait: value})
            assert (
                f"{trait} must be a whole number from {low} to {high}, not {value}" in got["text"]
            )


@pytest.mark.parametrize("name", [n for n in DRAWINGS if n != "NetworkExplorer"])
def test_each_drawing_reads_its_ranges_from_python(drawings, name):
    # A range is written once, in Python (a Control, or the trait's min and max): the
    # drawing checks the values against the `limits` its state carries, never its own copy.
    from coursecode import widgets as cw

    node, state, traits = drawings[name]
    traits_of = getattr(cw, name).class_traits()
    assert state["limits"] == {
        trait: [t.min, t.max, t.metadata.get("step", 1)]
        for trait, t in traits_of.items()
        if type(t) is traitlets.Int and t.metadata.get("sync") and t.max is not None
    }
    for trait in traits:
        if trait == "position":  # its range depends on the image
            continue
        low = state["limits"][trait][0]
        value = state[trait]
        narrowed = {**state["limits"], trait: [low, low + (value > low) - 1, 1]}
        if narrowed[trait][1] < low:  # the value is the lowest: raise the floor past it
            narrowed[trait] = [value + 1, value + 2, 1]
        got = node("render", {**state, "limits": narrowed})
        assert f"{trait} must be a whole number from {narrowed[trait][0]} to" in got["text"], (
            trait,
            got["text"],
        )
    got = node("render", {**state, "limits": {}})  # a state without them draws nothing
    assert "has no range to check it against" in got["text"]


# What the drawings write, in Node on the stand-in DOM: their words and text alternatives.

HYPHEN_MINUS = re.compile(r"-\d")  # "-7", "-1.00": a hyphen where a minus sign belongs


@pytest.mark.parametrize("name", DRAWINGS)
def test_no_drawing_writes_a_hyphen_for_a_minus(drawings, name):
    node, state, _ = drawings[name]
    got = node("render", state)
    for text in [got["text"], *got["labels"]]:
        assert not HYPHEN_MINUS.search(text), text


def test_unfold_drawing_writes_negative_weights_in_parentheses(drawings):
    node, state, _ = drawings["UnfoldMatrix"]
    weights = [-1.0, -1.0, -1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]  # the top edge
    image = [(i % 7) / 7 for i in range(25)]  # column 0: 0.00, 0.14, 0.29, 0.71, ...
    got = node("render", {**state, "weights": weights, "image": image, "column": 0})
    assert (
        "weights · column 0 = (−1.00)×0.00 + (−1.00)×0.14 + (−1.00)×0.29 + 0.00×0.71"
        in (got["text"])
    )
    # the matrix's columns are numbered from 0, and its text alternative reads the chosen one
    assert any(
        label.startswith("The unfolded matrix, 9 rows by 9 columns") and "column 0, framed" in label
        for label in got["labels"]
    )
    one = node("render", {**state, "image": [0.5] * 9, "height": 3, "width": 3, "column": 0})
    assert "(1·3·3, 1) = (9, 1): 1 window of 9 numbers" in one["text"]


def test_channels_drawing_writes_a_weighted_sum(drawings):
    node, state, _ = drawings["ChannelMaps"]
    got = node("render", {**state, "mode": 1, "mix": [1.0, 0.0, -1.0]})
    assert "= 1.00·red + 0.00·green − 1.00·blue" in got["text"]
    assert "−1.00 × blue" in got["text"]  # the blue part's caption
    got = node("render", {**state, "mode": 1, "mix": [0.299, 0.587, 0.114]})
    assert "= 0.299·red + 0.587·green + 0.114·blue" in got["text"]  # as the boxes hold them


def test_pool_drawing_counts_one_pixel_as_one(drawings):
    node, state, _ = drawings["PoolView"]
    image = [0.1 * i for i in range(9)]  # 3×3 in 2×2 windows with ceil_mode: 2×2 of them
    base = {**state, "image": image, "height": 3, "width": 3, "kernel_size": 2, "stride": 2}
    corner = node("render", {**base, "ceil_mode": True, "row": 1, "col": 1})
    assert "it covers only 1 pixel of its 2×2 = 4." in corner["text"]
    edge = node("render", {**base, "ceil_mode": True, "mode": 1, "row": 0, "col": 1})
    assert "it covers only 2 pixels of its 2×2 = 4, so its mean divides by 2." in edge["text"]


def test_field_drawing_writes_ranges_with_minus_signs_and_to(drawings):
    node, state, _ = drawings["FieldView"]
    stack = [[3, 2, 1, 1]] * 3  # lesson 6's: the corner unit's field overhangs by 7
    got = node("render", {**state, "layers": stack, "level": 3, "row": 0, "col": 0})
    assert (
        "has a 15×15 field: rows −7 to 7, columns −7 to 7. Cut at the border (the rest is "
        "padding), it sees input rows 0 to 7, columns 0 to 7." in got["text"]
    )
    assert "–" not in got["text"]  # no en dash: "to" throughout
    # the blue ring named, in the key and in the input's text alternative
    assert "layer 1's padding: zeros around the input" in got["text"]
    assert any("in a pale blue ring of 1 pixel: layer 1's padding" in t for t in got["labels"])
    assert "0 (input)" in got["text"]  # the input is layer 0, as in receptive_field


def test_network_drawing_names_each_layer_with_its_module(drawings):
    node, state, _ = drawings["NetworkExplorer"]
    got = node("render", state)
    for caption in [
        "layer 1 (model[0]): 4 maps of 14×14",
        "layer 2 (model[1]): 8 maps of 7×7",
        "layer 4 (model[3]): 16 maps of 2×2",
        "layer 5 (model[4]): the 10 scores",
    ]:
        assert caption in got["text"]
    assert any(
        t.startswith(
            "The output of layer 5 (model[4]): the 10 scores, numbered from 0 (the "
            "scores of classes 0 to 9)"
        )
        for t in got["labels"]
    )


@pytest.fixture(scope="module")
def field_js(tmp_path_factory):
    from coursecode.widgets import FIELD_MATH_PATH

    node = Node(FIELD_MATH_PATH, tmp_path_factory.mktemp("field_js"))
    yield node
    node.close()


@pytest.mark.parametrize(
    "fn, args",
    [
        ("layerSizes", ([{"k": 3, "s": 1, "p": 1, "d": 1}], 10**9)),  # a side of 10⁹
        ("feeders", ([{"k": 3, "s": 1, "p": 1, "d": 1}], 10**9, 1, 5)),  # would allocate 1 GB
        ("feeders", ([{"k": 10**9, "s": 1, "p": 10**9, "d": 1}], 5, 1, 0)),  # a kernel of 10⁹ taps
        ("fieldTable", ([{"k": 3, "s": 0, "p": 1, "d": 1}],)),
        ("fieldTable", ([{"k": 3, "s": "Infinity", "p": 1, "d": 1}],)),
    ],
)
def test_field_arithmetic_answers_null_for_nonsense(field_js, fn, args):
    assert field_js(fn, *args) is None
