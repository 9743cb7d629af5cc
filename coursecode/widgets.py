"""Explorers that work on the static book page: the sliding window, unfold, padding and
stride, a kernel on a digit, pooling, a trained network you draw for, colour channels,
receptive fields.

Introduced in lessons 01 to 06. Each explorer is an anywidget whose JavaScript
(``static/``) does all its arithmetic in the browser, with its controls
``jslink``-ed to it, so it stays interactive on the static book page, with no
kernel. The arithmetic is ``static/conv_math.js`` (and ``pool_math.js``,
``network_math.js``, ``field_math.js``), put in front of each widget's drawing code; the tests
run it in Node against PyTorch.
"""

import base64
import copy
import numbers
import re
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F
import traitlets
from torch import nn

from coursecode._validate import check_int
from coursecode._validate import check_tensor
from coursecode.arithmetic import conv_out_size
from coursecode.inspection import receptive_field
from coursecode.inspection import spatial_layers
from coursecode.kernels import left_edge
from coursecode.kernels import top_edge
from coursecode.kernels import top_left_edge
from coursecode.kernels import top_right_edge

__all__ = [
    "CHANNEL_PRESETS",
    "CUSTOM",
    "ChannelMaps",
    "ChannelsExplorer",
    "ConvExplorer",
    "ConvGrid",
    "EXPLORER_CLASS",
    "FIELD_MATH_PATH",
    "FIELD_RANGES",
    "FIELD_STACKS",
    "FOCUS_CSS",
    "FeatureMap",
    "FieldExplorer",
    "FieldView",
    "JS_PATH",
    "KERNEL_SLIDER_RANGES",
    "KernelExplorer",
    "MATH_PATH",
    "NETWORK_MATH_PATH",
    "NetworkExplorer",
    "POOL_MATH_PATH",
    "POOL_MODES",
    "POOL_RANGES",
    "PoolExplorer",
    "PoolView",
    "SHARED_CSS",
    "SLIDER_RANGES",
    "SlidingWindow",
    "UNFOLD_SLIDER_RANGES",
    "UnfoldExplorer",
    "UnfoldMatrix",
    "WINDOW_PRESETS",
    "WindowExplorer",
    "kernel_explorer",
]

STATIC = Path(__file__).parent / "static"
MATH_PATH = STATIC / "conv_math.js"
"""The explorers' arithmetic (output size, convolution), a DOM-free ES module Node can import."""
JS_PATH = STATIC / "conv_explorer.js"
"""The ConvExplorer's drawing code, shipped with the package."""


def without_comments(code: str) -> str:
    """JavaScript without its comments (``// ...`` lines, ``/** ... */`` blocks, and a
    ``  // ...`` after code, unless a string is open there), blank lines or indentation: every
    widget's code travels in each page's widget state, once per widget."""
    code = re.sub(r"(?m)^[ \t]*/\*\*.*?\*/[ \t]*\n", "", code, flags=re.S)
    lines = []
    for line in code.splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        at = line.find("  // ")
        if at > 0 and all(line[:at].count(quote) % 2 == 0 for quote in "'\"`"):
            line = line[:at]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _module(drawing: str, *maths: str, shared_math: bool = True) -> str:
    """A widget's JavaScript as one ES module: the shared arithmetic, the widget's own
    arithmetic modules (``maths``), the shared drawing helpers, then its drawing code.

    ``shared_math=False`` leaves the shared arithmetic (``conv_math.js``) out, for a widget
    that uses none of it: every widget carries its code in the page's state.
    """
    parts = ((MATH_PATH,) if shared_math else ()) + (
        *(STATIC / name for name in maths),
        STATIC / "drawing.js",
        STATIC / drawing,
    )
    return without_comments("\n".join(path.read_text(encoding="utf-8") for path in parts))


def _explorer_repr(self) -> str:
    """The text a notebook keeps for an explorer: what shows where it cannot be drawn (a
    notebook opened before running, a viewer without widgets). Short, and the same on
    every machine, since nbval compares it."""
    return f"{type(self).__name__}: an explorer. Run this cell in Jupyter to use it."


class _CheckedTraits:
    """Mixed into each explorer's drawing (before ``anywidget.AnyWidget``): the drawing's
    integer traits are checked when it is made as the package checks arguments, with a
    TypeError or ValueError that names the trait and its range (traitlets' own TraitError is
    neither), NumPy integers accepted; then its ``image`` against ``height`` × ``width``.

    Every integer trait has the range its slider or menu has (``traitlets.Int(min=, max=)``),
    so a later assignment out of range is refused too (with traitlets' TraitError); the
    JavaScript checks the same ranges again, for values that come from the page.
    """

    _image_channels = 1  # numbers per pixel in ``image``

    def __init__(self, **kwargs):
        traits = self.class_traits()
        for name, value in kwargs.items():
            trait = traits.get(name)
            if type(trait) is traitlets.Int:
                allowed = (
                    f"an integer from {trait.min} to {trait.max}"
                    if trait.max is not None
                    else f"an integer >= {trait.min}"
                )
                if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                    raise TypeError(f"{name} must be {allowed}, got {value!r}")
                if (trait.min is not None and value < trait.min) or (
                    trait.max is not None and value > trait.max
                ):
                    raise ValueError(f"{name} must be {allowed}, got {value}")
                kwargs[name] = int(value)
        try:
            super().__init__(**kwargs)
        except traitlets.TraitError as err:
            raise ValueError(str(err)) from None
        if "image" in traits and "height" in kwargs:
            expected = self._image_channels * self.height * self.width
            if self.height * self.width > _MAX_PIXELS:
                raise ValueError(
                    f"height × width must be at most {_MAX_PIXELS} pixels, got "
                    f"{self.height}×{self.width}"
                )
            if len(self.image) != expected:
                raise ValueError(
                    f"image must hold {expected} numbers ({self._image_channels} × "
                    f"height {self.height} × width {self.width}), got "
                    f"{len(self.image)}"
                )
            if not all(np.isfinite(self.image)):
                raise ValueError("image must hold finite numbers (no NaN or inf)")
        for name in ("preset", "stack"):  # an index into the menu's entries
            entries = kwargs.get(f"{name}s") if name in traits else None
            if entries is not None and getattr(self, name) >= len(entries):
                raise ValueError(
                    f"{name} must be an index into {name}s (0 to "
                    f"{len(entries) - 1}), got {getattr(self, name)}"
                )


EXPLORER_CLASS = "course-explorer"
"""The class of every explorer's outermost box: its drawing's JavaScript names the controls in
it for screen readers (``nameControls`` in ``static/drawing.js``), and the tests find the
explorers on a page by it."""

FOCUS_CSS = f"""
.{EXPLORER_CLASS} :focus-visible,
.{EXPLORER_CLASS} .widget-inline-hbox :is(input, select):focus-visible {{
  outline: 2px solid #1f77b4 !important; outline-offset: 1px; }}
"""
"""Every explorer's controls show where the keyboard's focus is: ipywidgets' own cue is a
faint border, or none (its menus and text boxes drop the browser's outline with
``outline: none !important``, which the second, more specific selector overrides). A patch
to ipywidgets' style, listed in book/PATCHES.md with the version it was written for."""

SHARED_CSS = """
.course-explorer figcaption, .course-explorer caption { color: inherit; }
.course-legend { width: 120px; margin-top: 3px; font-size: 11px; }
.course-legend-bar { height: 8px; border: 1px solid #999; }
.course-legend-labels { display: flex; justify-content: space-between; font-family: monospace; }
.course-box-note { font-weight: bold; margin: 4px 0; }
"""
"""What every explorer's drawing shares, after :data:`FOCUS_CSS`: captions in the text's own
colour (the theme greys them, too faint on the light box its dark mode puts widgets in), the
colour bar under a map (``legend`` in ``static/drawing.js``: its end values, and 0 in the
middle of a blue-white-red one) and the note that says a number box is empty and which value
the drawing still uses (``guardNumberBoxes``)."""

CUSTOM = "custom"
"""The last entry of every explorer's preset menu: the page points the menu at it when a hand
edit leaves the settings unlike every preset (and back at a preset the edit matches)."""

# A control's hover text: `tooltip` in ipywidgets 8, `description_tooltip` in the 7.7 that
# Colab ships (coursecode accepts both, so that installing it there keeps Colab's widgets).
_TOOLTIP = "tooltip" if widgets.Text().has_trait("tooltip") else "description_tooltip"
_MAX_PIXELS = 64 * 64  # the image travels in the page's widget state: keep it light


SLIDER_RANGES = {
    "n": ("input size n", 1, 12),
    "k": ("kernel size k", 1, 7),
    "p": ("padding p", 0, 3),
    "s": ("stride s", 1, 4),
    "d": ("dilation d", 1, 3),
}
"""Each explorer slider: its label, minimum and maximum."""


class ConvGrid(_CheckedTraits, anywidget.AnyWidget):
    """The drawing: padded input grid, the kernel's first positions, the output grid, the formula.

    Its JavaScript (``static/conv_explorer.js``) recomputes the output size
    itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = _module("conv_explorer.js")
    _css = (
        FOCUS_CSS
        + """
    .conv-explorer { font-family: sans-serif; font-size: 14px; margin-top: 6px; }
    .conv-explorer-formula { font-family: monospace; margin-bottom: 2px; }
    .conv-explorer-size { font-weight: bold; margin-bottom: 6px; }
    .conv-explorer-invalid { color: #b00020; }
    """
        + SHARED_CSS
    )
    n = traitlets.Int(5, min=SLIDER_RANGES["n"][1], max=SLIDER_RANGES["n"][2]).tag(sync=True)
    k = traitlets.Int(3, min=SLIDER_RANGES["k"][1], max=SLIDER_RANGES["k"][2]).tag(sync=True)
    p = traitlets.Int(1, min=SLIDER_RANGES["p"][1], max=SLIDER_RANGES["p"][2]).tag(sync=True)
    s = traitlets.Int(1, min=SLIDER_RANGES["s"][1], max=SLIDER_RANGES["s"][2]).tag(sync=True)
    d = traitlets.Int(1, min=SLIDER_RANGES["d"][1], max=SLIDER_RANGES["d"][2]).tag(sync=True)


class ConvExplorer(widgets.VBox):
    """Sliders for input size, kernel size, padding, stride and dilation, and the drawing they move.

    Parameters
    ----------
    n, k, p, s, d
        The starting input size, kernel size, padding, stride and dilation,
        each within :data:`SLIDER_RANGES`.

    Examples
    --------
    >>> explorer = ConvExplorer(n=5, k=3, p=1, s=2)
    >>> explorer.output_size
    3
    >>> explorer.sliders["s"].value = 1
    >>> explorer.output_size
    5
    """

    __repr__ = _explorer_repr

    def __init__(self, n: int = 5, k: int = 3, p: int = 1, s: int = 1, d: int = 1):
        values = {"n": n, "k": k, "p": p, "s": s, "d": d}
        for name, value in values.items():
            label, low, high = SLIDER_RANGES[name]
            value = check_int(value, name, low)
            if value > high:
                raise ValueError(f"{name} ({label}) must be between {low} and {high}, got {value}")
        self.grid = ConvGrid(**values)
        self.sliders = {
            name: widgets.IntSlider(
                value=values[name],
                min=low,
                max=high,
                description=label,
                continuous_update=True,
                style={"description_width": "7em"},  # one width: the tracks line up
            )
            for name, (label, low, high) in SLIDER_RANGES.items()
        }
        # jslink, not observe: the browser keeps slider and drawing in step, kernel or not.
        self.links = [
            widgets.jslink((slider, "value"), (self.grid, name))
            for name, slider in self.sliders.items()
        ]
        super().__init__([widgets.VBox(list(self.sliders.values())), self.grid])
        self.add_class("conv-explorer-box")
        self.add_class(EXPLORER_CLASS)

    @property
    def output_size(self) -> int | None:
        """The output's side for the current slider values, or None when the kernel does not fit.

        Read from the sliders, whose values reach Python whenever they move in the browser.
        """
        v = {name: slider.value for name, slider in self.sliders.items()}
        try:
            return conv_out_size(v["n"], v["k"], v["s"], v["p"], v["d"])
        except ValueError:
            return None


KERNEL_SLIDER_RANGES = {
    "stride": (1, 4),
    "padding": (0, 4),
    "dilation": (1, 3),
}
"""Each kernel-explorer slider: its minimum and maximum."""


class FeatureMap(_CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`KernelExplorer`: an image, a kernel, and the map they make.

    Its JavaScript (``static/feature_map.js`` after ``static/conv_math.js``) computes
    the convolution itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = _module("feature_map.js")
    _css = (
        FOCUS_CSS
        + """
    .feature-map { font-family: sans-serif; font-size: 14px; margin-top: 6px; }
    .feature-map-caption { font-family: monospace; margin-bottom: 6px; }
    .feature-map-invalid { color: #b00020; }
    .feature-map-row { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
    .feature-map-figure { margin: 0; }
    .feature-map-figure canvas { image-rendering: pixelated; border: 1px solid #999; }
    .feature-map-figure figcaption { font-size: 12px; }
    """
        + SHARED_CSS
    )
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    kernel = traitlets.List(traitlets.Float()).tag(sync=True)
    kh = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    kw = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    stride = traitlets.Int(
        1, min=KERNEL_SLIDER_RANGES["stride"][0], max=KERNEL_SLIDER_RANGES["stride"][1]
    ).tag(sync=True)
    padding = traitlets.Int(
        0, min=KERNEL_SLIDER_RANGES["padding"][0], max=KERNEL_SLIDER_RANGES["padding"][1]
    ).tag(sync=True)
    dilation = traitlets.Int(
        1, min=KERNEL_SLIDER_RANGES["dilation"][0], max=KERNEL_SLIDER_RANGES["dilation"][1]
    ).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if "kernel" in kwargs and len(self.kernel) != self.kh * self.kw:
            raise ValueError(
                f"kernel must hold kh × kw = {self.kh * self.kw} numbers, got {len(self.kernel)}"
            )
        if self.kh * self.kw > _MAX_PIXELS:
            raise ValueError(f"kh × kw must be at most {_MAX_PIXELS}, got {self.kh}×{self.kw}")


class KernelExplorer(widgets.VBox):
    """Stride, padding and dilation sliders, and the feature map of ``kernel`` on ``image``.

    The map is computed in the browser (the same arithmetic as ``F.conv2d``,
    checked against it by the tests), so the sliders work on a static page.
    ``feature_map()`` gives PyTorch's map for the sliders' current values.

    Parameters
    ----------
    image
        A 2-D image (H, W) of at most 64×64 pixels, e.g. an MNIST digit viewed as 28×28.
    kernel
        A 2-D kernel (kH, kW).
    stride, padding, dilation
        The starting values, within :data:`KERNEL_SLIDER_RANGES`.

    Examples
    --------
    >>> explorer = KernelExplorer(torch.rand(28, 28), torch.ones(3, 3), stride=2)
    >>> explorer.feature_map().shape
    torch.Size([13, 13])
    """

    __repr__ = _explorer_repr

    def __init__(
        self,
        image: torch.Tensor,
        kernel: torch.Tensor,
        stride: int = 1,
        padding: int = 0,
        dilation: int = 1,
    ):
        image = _check_image(image)
        check_tensor(kernel, "kernel", (2,), "(kH, kW)")
        if kernel.numel() == 0 or image.numel() == 0:
            raise ValueError(
                f"image and kernel must not be empty, got shapes "
                f"{tuple(image.shape)} and {tuple(kernel.shape)}"
            )
        values = {"stride": stride, "padding": padding, "dilation": dilation}
        for name, value in values.items():
            low, high = KERNEL_SLIDER_RANGES[name]
            value = check_int(value, name, low)
            if value > high:
                raise ValueError(f"{name} must be between {low} and {high}, got {value}")
        if not torch.isfinite(kernel).all():
            raise ValueError("kernel must hold finite numbers (no NaN or inf)")
        if kernel.numel() > _MAX_PIXELS:
            raise ValueError(
                f"kernel must have at most {_MAX_PIXELS} numbers (it is stored "
                f"in the page), got {tuple(kernel.shape)}"
            )
        self.image = torch.tensor(_rounded(image)).view(image.shape)
        self.kernel = kernel.detach().float().cpu()
        self.map = FeatureMap(
            image=_rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            kernel=self.kernel.flatten().tolist(),
            kh=kernel.shape[0],
            kw=kernel.shape[1],
            **values,
        )
        self.sliders = {
            name: widgets.IntSlider(
                value=values[name], min=low, max=high, description=name, continuous_update=True
            )
            for name, (low, high) in KERNEL_SLIDER_RANGES.items()
        }
        # jslink, not observe: the browser keeps sliders and map in step, kernel or not.
        self.links = [
            widgets.jslink((slider, "value"), (self.map, name))
            for name, slider in self.sliders.items()
        ]
        super().__init__([widgets.HBox(list(self.sliders.values())), self.map])
        self.add_class("kernel-explorer")
        self.add_class(EXPLORER_CLASS)

    def feature_map(self) -> torch.Tensor | None:
        """PyTorch's map for the sliders' current values, or None when the kernel does not fit."""
        v = {name: slider.value for name, slider in self.sliders.items()}
        try:
            conv_out_size(
                tuple(self.image.shape),
                tuple(self.kernel.shape),
                v["stride"],
                v["padding"],
                v["dilation"],
            )
        except ValueError:
            return None
        return F.conv2d(
            self.image[None, None],
            self.kernel[None, None],
            stride=v["stride"],
            padding=v["padding"],
            dilation=v["dilation"],
        )[0, 0]


def kernel_explorer(image: torch.Tensor, kernel: torch.Tensor) -> KernelExplorer:
    """Sliders for stride, padding and dilation that redraw ``kernel``'s map on ``image``.

    The map is computed in the browser, so the sliders move on the static
    book page as well as in a live notebook. See :class:`KernelExplorer`.
    """
    return KernelExplorer(image, kernel)


POOL_MATH_PATH = STATIC / "pool_math.js"
"""The pool explorer's arithmetic (output size, max and average pooling), a DOM-free ES module."""

POOL_RANGES = {
    "kernel_size": ("window size", 1, 4),
    "stride": ("stride", 1, 4),
}
"""Each pool-explorer slider: its label, minimum and maximum."""

POOL_MODES = ("max", "average")
"""The pool explorer's modes: ``F.max_pool2d`` and ``F.avg_pool2d``, in the toggle's order."""


class PoolView(_CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`PoolExplorer`: the input, the pooled output, one window's numbers.

    Its JavaScript (``static/pool_explorer.js`` after ``static/pool_math.js``, without
    ``conv_math.js``, which it does not use) pools the input itself, so the jslinked
    controls, clicks and arrow keys work without Python.
    ``mode`` is an index into :data:`POOL_MODES`; ``row`` and ``col`` are the output cell
    whose window is highlighted.
    """

    _esm = _module("pool_explorer.js", "pool_math.js", shared_math=False)
    _css = (
        FOCUS_CSS
        + """
    .pool-explorer { font-family: sans-serif; font-size: 13px; margin-top: 6px; }
    .pool-caption { font-family: monospace; font-size: 14px; margin: 6px 0; }
    .pool-window-caption { margin: 6px 0; min-height: 2.6em; max-width: 46em; }
    .pool-window { min-width: 9em; }
    .pool-invalid { color: #b00020; }
    .pool-row { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
    .pool-figure { margin: 0; }
    .pool-figure canvas { image-rendering: pixelated; border: 1px solid #999; }
    canvas.pool-output { cursor: pointer; }
    canvas.pool-output:focus { outline: 3px solid #1f77b4; outline-offset: 2px; }
    .pool-figure figcaption { font-size: 12px; max-width: 220px; }
    .pool-numbers { border-collapse: collapse; font-family: monospace; font-size: 12px; }
    .pool-numbers caption { font-family: sans-serif; font-size: 12px; text-align: left; }
    .pool-numbers td { border: 1px solid #bbb; padding: 2px 5px; text-align: right; }
    .pool-numbers td.pool-off { background: repeating-linear-gradient(45deg, #eee, #eee 3px,
                                #fff 3px, #fff 6px); color: #888; text-align: center; }
    .pool-numbers td.pool-max { background: #ff7f0e; color: #000; font-weight: bold; }
    .pool-value { font-family: monospace; font-weight: bold; margin-top: 6px; }
    """
        + SHARED_CSS
    )
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    kernel_size = traitlets.Int(
        2, min=POOL_RANGES["kernel_size"][1], max=POOL_RANGES["kernel_size"][2]
    ).tag(sync=True)
    stride = traitlets.Int(2, min=POOL_RANGES["stride"][1], max=POOL_RANGES["stride"][2]).tag(
        sync=True
    )
    mode = traitlets.Int(0, min=0, max=len(POOL_MODES) - 1).tag(sync=True)
    ceil_mode = traitlets.Bool(False).tag(sync=True)
    row = traitlets.Int(0, min=0, max=_MAX_PIXELS).tag(sync=True)
    col = traitlets.Int(0, min=0, max=_MAX_PIXELS).tag(sync=True)


def _pool(
    image: torch.Tensor, kernel_size: int, stride: int, mode: str, ceil_mode: bool
) -> torch.Tensor | None:
    """PyTorch's pooled map of a 2-D image (padding 0), or None when no window fits."""
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    try:
        return pool(image[None, None], kernel_size, stride, ceil_mode=ceil_mode)[0, 0]
    except RuntimeError:  # "Output size is too small": not even one window fits
        return None


def _start_cell(pooled: torch.Tensor) -> tuple[int, int]:
    """The output cell a pool explorer starts on: one with the largest value, so that the
    first window a learner sees holds something (on a digit, the stroke); among equals the
    one nearest the centre, then the first row by row."""
    height, width = pooled.shape
    cells = (pooled == pooled.max()).nonzero().tolist()
    row, col = min(
        cells, key=lambda rc: ((rc[0] - (height - 1) / 2) ** 2 + (rc[1] - (width - 1) / 2) ** 2, rc)
    )
    return row, col


class PoolExplorer(widgets.VBox):
    """Max or average pooling of ``image``: the input and its pooled output side by side.

    A toggle picks max or average pooling, sliders the window size and the stride (1 to
    4, :data:`POOL_RANGES`), a checkbox ``ceil_mode``. The caption gives the sizes
    ("28×28 → max pool 2, stride 2 → 14×14"); clicking an output cell (or moving it with
    the arrow keys) highlights its window on the input and shows the window's numbers and
    their max or mean. With ``ceil_mode`` the last windows may hang off the edge: they are
    drawn clipped, and an average divides by the pixels a window covers, as
    ``F.avg_pool2d`` does with padding 0. It starts on an output cell with the largest value
    (the one nearest the centre among equals), so that its window holds something. All
    computed in the browser, so it works on a static page; ``output()`` gives PyTorch's pooled
    map for the controls' current values.

    Parameters
    ----------
    image
        A 2-D image (H, W) of at most 64×64 pixels, e.g. a 28×28 digit or a feature map.
    kernel_size, stride
        The starting window size and stride, each from 1 to 4.
    mode
        ``"max"`` (``F.max_pool2d``) or ``"average"`` (``F.avg_pool2d``).
    ceil_mode
        Whether to keep the windows that hang off the edge (PyTorch's ``ceil_mode``).

    Examples
    --------
    >>> explorer = PoolExplorer(torch.rand(28, 28))
    >>> explorer.output().shape
    torch.Size([14, 14])
    >>> explorer.sliders["kernel_size"].value = 3
    >>> explorer.output().shape, explorer.ceil_mode.value
    (torch.Size([13, 13]), False)
    >>> explorer.ceil_mode.value = True
    >>> explorer.output().shape
    torch.Size([14, 14])
    """

    __repr__ = _explorer_repr

    def __init__(
        self,
        image: torch.Tensor,
        kernel_size: int = 2,
        stride: int = 2,
        mode: str = "max",
        ceil_mode: bool = False,
    ):
        image = _check_image(image)
        if image.numel() == 0:
            raise ValueError(f"image must not be empty, got shape {tuple(image.shape)}")
        values = {"kernel_size": kernel_size, "stride": stride}
        for name, value in values.items():
            label, low, high = POOL_RANGES[name]
            values[name] = value = check_int(value, name, low)
            if value > high:
                raise ValueError(f"{name} ({label}) must be between {low} and {high}, got {value}")
        if not isinstance(mode, str):
            raise TypeError(f"mode must be 'max' or 'average', got {mode!r}")
        if mode not in POOL_MODES:
            raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")
        if not isinstance(ceil_mode, bool):
            raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
        self.image = torch.tensor(_rounded(image)).view(image.shape)
        first = _pool(self.image, values["kernel_size"], values["stride"], mode, ceil_mode)
        row, col = (0, 0) if first is None else _start_cell(first)
        self.view = PoolView(
            image=_rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            mode=POOL_MODES.index(mode),
            ceil_mode=ceil_mode,
            row=row,
            col=col,
            **values,
        )
        self.mode = widgets.ToggleButtons(
            options=list(POOL_MODES),
            index=POOL_MODES.index(mode),
            description="pooling",
            tooltips=[
                "max pooling: the largest pixel of each window",
                "average pooling: the mean of each window's pixels",
            ],
        )
        self.sliders = {
            name: widgets.IntSlider(
                value=values[name],
                min=low,
                max=high,
                description=label,
                continuous_update=True,
                layout=widgets.Layout(width="17em"),
                style={"description_width": "6em"},  # one width: the tracks line up
            )
            for name, (label, low, high) in POOL_RANGES.items()
        }
        self.ceil_mode = widgets.Checkbox(
            value=ceil_mode,
            description="ceil_mode (keep windows that hang off the edge)",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        # jslink, not observe: the browser keeps the controls and the drawing in step.
        self.links = [
            widgets.jslink((self.mode, "index"), (self.view, "mode")),
            *(
                widgets.jslink((slider, "value"), (self.view, name))
                for name, slider in self.sliders.items()
            ),
            widgets.jslink((self.ceil_mode, "value"), (self.view, "ceil_mode")),
        ]
        # No HBox around the sliders: each widget adds about 1.7 KB (its model and its
        # layout's) to the page's state.
        super().__init__([self.mode, *self.sliders.values(), self.ceil_mode, self.view])
        self.add_class("pool-explorer-box")
        self.add_class(EXPLORER_CLASS)

    def settings(self) -> dict:
        """The controls' current values: kernel_size, stride, mode and ceil_mode."""
        return {
            "kernel_size": self.sliders["kernel_size"].value,
            "stride": self.sliders["stride"].value,
            "mode": POOL_MODES[self.mode.index],
            "ceil_mode": self.ceil_mode.value,
        }

    def output(self) -> torch.Tensor | None:
        """PyTorch's pooled map (``F.max_pool2d`` or ``F.avg_pool2d``, padding 0) for the
        controls' current values, or None when no window fits the image."""
        return _pool(self.image, **self.settings())

    def cell(self) -> tuple[int, int]:
        """The output cell (row, column) whose window the page highlights."""
        return self.view.row, self.view.col


WINDOW_PRESETS = {
    "top edge": top_edge,
    "bottom edge": -top_edge,
    "left edge": left_edge,
    "right edge": -left_edge,
    "top-left edge": top_left_edge,
    "top-right edge": top_right_edge,
    "identity": torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    "blur": torch.full((3, 3), 1 / 9),
}
"""The kernels the window explorer's menu offers (3×3, by name)."""


def _check_image(image, name: str = "image") -> torch.Tensor:
    """A finite 2-D image small enough to travel in the page's widget state, as float32."""
    check_tensor(image, name, (2,), "(H, W)")
    if image.numel() > _MAX_PIXELS:
        raise ValueError(
            f"{name} must have at most 64×64 = {_MAX_PIXELS} pixels (it is "
            f"stored in the page), got {tuple(image.shape)}"
        )
    if not torch.isfinite(image).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return image.detach().float().cpu()


def _rounded(t: torch.Tensor) -> list:
    """The numbers of ``t`` to four decimals: plenty for a picture, and a small page."""
    return [round(v, 4) for v in t.flatten().tolist()]


class SlidingWindow(_CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`WindowExplorer`: digit, window, nine products, their sum, the map.

    Its JavaScript (``static/sliding_window.js`` after ``static/conv_math.js``) does
    the arithmetic, so jslinked controls move it without Python.
    """

    _esm = _module("sliding_window.js")
    _css = (
        FOCUS_CSS
        + """
    .window-explorer { font-family: sans-serif; font-size: 14px; margin-top: 6px; }
    .window-caption { font-family: monospace; margin: 6px 0; }
    .window-row { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
    .window-figure { margin: 0; }
    .window-figure canvas { image-rendering: pixelated; border: 1px solid #999; }
    .window-figure figcaption { font-size: 12px; }
    .window-arithmetic { display: flex; gap: 6px; align-items: center; flex-wrap: wrap;
                         max-width: 420px; }
    .window-grid { border-collapse: collapse; font-family: monospace; font-size: 12px; }
    .window-grid caption { font-family: sans-serif; font-size: 12px; }
    .window-grid td { border: 1px solid #bbb; padding: 1px 4px; text-align: right; }
    .window-sign { font-size: 18px; }
    .window-sum { width: 100%; font-weight: bold; margin-top: 4px; }
    .window-steps button { margin-right: 6px; }
    """
        + SHARED_CSS
    )
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(3, min=3, max=_MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(3, min=3, max=_MAX_PIXELS).tag(sync=True)
    position = traitlets.Int(0, min=0, max=_MAX_PIXELS - 1).tag(sync=True)
    presets = traitlets.List().tag(sync=True)
    # "your kernel", the presets, "custom"
    preset = traitlets.Int(0, min=0, max=len(WINDOW_PRESETS) + 1).tag(sync=True)
    w0 = traitlets.Float(0.0).tag(sync=True)
    w1 = traitlets.Float(0.0).tag(sync=True)
    w2 = traitlets.Float(0.0).tag(sync=True)
    w3 = traitlets.Float(0.0).tag(sync=True)
    w4 = traitlets.Float(0.0).tag(sync=True)
    w5 = traitlets.Float(0.0).tag(sync=True)
    w6 = traitlets.Float(0.0).tag(sync=True)
    w7 = traitlets.Float(0.0).tag(sync=True)
    w8 = traitlets.Float(0.0).tag(sync=True)


class WindowExplorer(widgets.VBox):
    """Slide a 3×3 window over ``image`` and watch the products, their sum and the map fill in.

    A slider, a play button and step buttons move the window (the arrow keys move it by
    one; play respects the reader's reduced-motion setting); a menu picks a kernel from
    :data:`WINDOW_PRESETS`, and nine boxes edit its weights (``w00`` … ``w22``, rows and
    columns from 0); after a hand edit the menu says "custom". Windows count from 0, row by
    row, as the map's cells do: window 0 makes ``map[0, 0]``. The digit is drawn grey (0
    black, 1 white), the map blue-white-red about 0 with a colour bar. Everything is computed
    in the browser, so it all works on a static page.
    ``kernel()``, ``feature_map()`` and ``window_sum()`` give PyTorch's view of the
    current state in a live notebook.

    Parameters
    ----------
    image
        A 2-D image (H, W) of at least 3×3 and at most 64×64 pixels.
    kernel
        A 3×3 kernel to start with (one of the presets, or your own).
    position
        The first window shown, counted from 0 row by row: 0 is the top-left one, and
        window ``position`` makes ``map[position // (W - 2), position % (W - 2)]``.

    Examples
    --------
    >>> explorer = WindowExplorer(torch.rand(28, 28), top_edge, position=142)
    >>> explorer.slider.max, explorer.window_position()
    (675, (5, 12))
    """

    __repr__ = _explorer_repr

    def __init__(self, image: torch.Tensor, kernel: torch.Tensor = top_edge, position: int = 0):
        image = _check_image(image)
        check_tensor(kernel, "kernel", (2,), "(3, 3)")
        if tuple(kernel.shape) != (3, 3):
            raise ValueError(f"kernel must have shape (3, 3), got {tuple(kernel.shape)}")
        if not torch.isfinite(kernel).all():
            raise ValueError("kernel must hold finite numbers (no NaN or inf)")
        if min(image.shape) < 3:
            raise ValueError(
                f"image must be at least 3×3 for a 3×3 window, got {tuple(image.shape)}"
            )
        kernel = kernel.detach().float().cpu()
        self.image = torch.tensor(_rounded(image)).view(image.shape)
        self.windows = (image.shape[0] - 2) * (image.shape[1] - 2)
        position = check_int(position, "position", 0)
        if position >= self.windows:
            raise ValueError(
                f"position must be between 0 and {self.windows - 1} (windows count from 0; "
                f"the image has {self.windows}), got {position}"
            )
        presets = [[name, _rounded(k)] for name, k in WINDOW_PRESETS.items()]
        index = next(
            (i for i, (_, k) in enumerate(WINDOW_PRESETS.items()) if torch.equal(k, kernel)), None
        )
        if index is None:
            presets.insert(0, ["your kernel", _rounded(kernel)])
            index = 0
        presets.append([CUSTOM, None])
        self.window = SlidingWindow(
            image=_rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            position=position,
            presets=presets,
            preset=index,
            **{f"w{i}": v for i, v in enumerate(_rounded(kernel))},
        )
        self.slider = widgets.IntSlider(
            value=position,
            min=0,
            max=self.windows - 1,
            description="window",
            **{_TOOLTIP: "window position"},
            continuous_update=True,
        )
        self.menu = widgets.Dropdown(
            options=[name for name, _ in presets], index=index, description="kernel"
        )
        self.weights = [
            widgets.FloatText(
                value=v,
                step=0.1,
                description=f"w{i // 3}{i % 3}",
                **{_TOOLTIP: f"kernel weight row {i // 3} column {i % 3}"},
                style={"description_width": "2.2em"},
                layout=widgets.Layout(width="6.5em"),
            )
            for i, v in enumerate(_rounded(kernel))
        ]
        # jslink, not observe: the browser keeps every control and the drawing in step.
        self.links = [
            widgets.jslink((self.slider, "value"), (self.window, "position")),
            widgets.jslink((self.menu, "index"), (self.window, "preset")),
            *(
                widgets.jslink((box, "value"), (self.window, f"w{i}"))
                for i, box in enumerate(self.weights)
            ),
        ]
        weights = widgets.GridBox(
            self.weights, layout=widgets.Layout(grid_template_columns="repeat(3, 6.8em)")
        )
        super().__init__([self.slider, widgets.HBox([self.menu, weights]), self.window])
        self.add_class("window-explorer-box")
        self.add_class(EXPLORER_CLASS)

    def kernel(self) -> torch.Tensor:
        """The kernel as the nine weight boxes hold it now."""
        return torch.tensor([box.value for box in self.weights]).view(3, 3)

    def feature_map(self) -> torch.Tensor:
        """PyTorch's map of the current kernel on the image (stride 1, no padding)."""
        return F.conv2d(self.image[None, None], self.kernel()[None, None])[0, 0]

    def window_position(self) -> tuple[int, int]:
        """The map cell (row, column) of the current window: its top-left pixel. Window ``p``
        (counted from 0, row by row) is cell ``divmod(p, W - 2)``.

        Read from the slider, whose value reaches Python whenever it moves in the browser.
        """
        return divmod(self.slider.value, self.image.shape[1] - 2)

    def window_sum(self) -> float:
        """The sum of the current window's nine products: the map's value there."""
        return self.feature_map()[self.window_position()].item()


UNFOLD_SLIDER_RANGES = {"stride": (1, 3), "padding": (0, 2)}
"""The unfold explorer's stride and padding sliders: minimum and maximum."""
_MAX_UNFOLD_SIDE = 8  # the unfold explorer prints every number of its image
_MAX_UNFOLD_WINDOWS = (_MAX_UNFOLD_SIDE + 2 * UNFOLD_SLIDER_RANGES["padding"][1]) ** 2


class UnfoldMatrix(_CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`UnfoldExplorer`: input, unfolded matrix, weights × one column.

    Its JavaScript (``static/unfold_explorer.js`` after ``static/conv_math.js``)
    unfolds the input itself, so jslinked sliders reshape the matrix without Python.
    """

    _esm = _module("unfold_explorer.js")
    _css = (
        FOCUS_CSS
        + """
    .unfold-explorer { font-family: sans-serif; font-size: 13px; margin-top: 6px; }
    .unfold-caption, .unfold-product { font-family: monospace; margin: 6px 0; }
    .unfold-invalid { color: #b00020; }
    .unfold-row { display: flex; gap: 14px; align-items: flex-start; flex-wrap: wrap; }
    .unfold-table { border-collapse: collapse; font-family: monospace; font-size: 11px;
                    margin: 0; }
    .unfold-table caption { font-family: sans-serif; font-size: 12px; }
    .unfold-input td { border: 1px solid #bbb; padding: 1px 2px; text-align: right;
                       width: 2.5em; box-sizing: content-box; }
    .unfold-input td.unfold-pad { background: #c9dcef; color: #333; }
    .unfold-input td.unfold-corner { cursor: pointer; }
    .unfold-input td.unfold-window { outline: 2px solid #ff7f0e; outline-offset: -2px; }
    .unfold-matrix-box { margin: 0; min-width: 0; }
    .unfold-matrix-caption { font-size: 12px; margin-bottom: 2px; }
    .unfold-matrix { display: flex; flex-wrap: wrap; row-gap: 6px; padding-right: 1px; }
    .unfold-col { display: flex; flex-direction: column; cursor: pointer; margin-right: -1px; }
    .unfold-head { font-size: 9px; line-height: 12px; text-align: center; }
    .unfold-cell { box-sizing: border-box; min-width: 18px; height: 17px;
                   border: 1px solid #ccc; margin-bottom: -1px; font-family: monospace;
                   font-size: 11px; line-height: 15px; text-align: right; }
    .unfold-chosen .unfold-cell { padding: 0 1px; }
    .unfold-chosen .unfold-cells { outline: 2px solid #ff7f0e; outline-offset: -1px;
                                   position: relative; }
    """
        + SHARED_CSS
    )
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=_MAX_UNFOLD_SIDE).tag(sync=True)
    width = traitlets.Int(1, min=1, max=_MAX_UNFOLD_SIDE).tag(sync=True)
    k = traitlets.Int(3, min=1, max=_MAX_UNFOLD_SIDE).tag(sync=True)
    weights = traitlets.List(traitlets.Float()).tag(sync=True)
    stride = traitlets.Int(
        1, min=UNFOLD_SLIDER_RANGES["stride"][0], max=UNFOLD_SLIDER_RANGES["stride"][1]
    ).tag(sync=True)
    padding = traitlets.Int(
        0, min=UNFOLD_SLIDER_RANGES["padding"][0], max=UNFOLD_SLIDER_RANGES["padding"][1]
    ).tag(sync=True)
    column = traitlets.Int(0, min=0, max=_MAX_UNFOLD_WINDOWS - 1).tag(sync=True)  # from 0
    last_column = traitlets.Int(0, min=0, max=_MAX_UNFOLD_WINDOWS - 1).tag(sync=True)


class UnfoldExplorer(widgets.VBox):
    """A small input and its unfolded matrix (im2col): a window is a column, and back.

    Sliders choose the stride, the padding and the window (one column of the matrix, counted
    from 0 as ``F.unfold``'s last index is); clicking a matrix column, or a window's top-left
    cell in the input, chooses it too. The matrix is drawn on the course's grey scale (0
    black, 1 white), with a colour bar. The weight row times the chosen column is shown as
    numbers: one output pixel.
    Computed in the browser, so it works on a static page; ``matrix()`` gives
    ``F.unfold`` for the sliders' values in a live notebook.

    Parameters
    ----------
    image
        A small 2-D input (H, W), at most 8×8 (its numbers are printed).
    kernel
        A square k×k kernel, whose flattened weights make the weight row.

    Examples
    --------
    >>> explorer = UnfoldExplorer(torch.rand(5, 5), top_edge)
    >>> explorer.matrix().shape
    torch.Size([9, 9])
    """

    __repr__ = _explorer_repr

    def __init__(self, image: torch.Tensor, kernel: torch.Tensor = top_edge):
        image = _check_image(image)
        if image.shape[0] > 8 or image.shape[1] > 8:
            raise ValueError(
                f"image must be at most 8×8 (its numbers are printed), got {tuple(image.shape)}"
            )
        check_tensor(kernel, "kernel", (2,), "(k, k)")
        if kernel.numel() == 0:
            raise ValueError(f"kernel must not be empty, got shape {tuple(kernel.shape)}")
        if kernel.shape[0] != kernel.shape[1] or kernel.shape[0] > min(image.shape):
            raise ValueError(
                f"kernel must be square and fit the image {tuple(image.shape)}, "
                f"got {tuple(kernel.shape)}"
            )
        if not torch.isfinite(kernel).all():
            raise ValueError("kernel must hold finite numbers (no NaN or inf)")
        self.image = torch.tensor(_rounded(image)).view(image.shape)
        self.kernel = torch.tensor(_rounded(kernel.detach().float())).view(kernel.shape)
        windows = self._windows(1, 0)
        self.map = UnfoldMatrix(
            image=_rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            k=kernel.shape[0],
            weights=_rounded(self.kernel),
            last_column=windows - 1,
        )
        self.sliders = {
            name: widgets.IntSlider(value=low, min=low, max=high, description=name)
            for name, (low, high) in UNFOLD_SLIDER_RANGES.items()
        }
        self.sliders["window"] = widgets.IntSlider(
            value=0,
            min=0,
            max=windows - 1,
            description="window (column)",
            style={"description_width": "initial"},
        )
        # jslink, not observe: the browser keeps sliders and drawing in step, kernel or not.
        self.links = [
            widgets.jslink((self.sliders[name], "value"), (self.map, name))
            for name in UNFOLD_SLIDER_RANGES
        ]
        self.links += [
            widgets.jslink((self.sliders["window"], "value"), (self.map, "column")),
            widgets.jslink((self.map, "last_column"), (self.sliders["window"], "max")),
        ]
        super().__init__([widgets.HBox(list(self.sliders.values())), self.map])
        self.add_class("unfold-explorer-box")
        self.add_class(EXPLORER_CLASS)

    def _windows(self, stride: int, padding: int) -> int:
        k = self.kernel.shape[0]
        return ((self.image.shape[0] + 2 * padding - k) // stride + 1) * (
            (self.image.shape[1] + 2 * padding - k) // stride + 1
        )

    def matrix(self) -> torch.Tensor:
        """``F.unfold`` of the input for the sliders' stride and padding: (k·k, L)."""
        return F.unfold(
            self.image[None, None],
            self.kernel.shape[0],
            stride=self.sliders["stride"].value,
            padding=self.sliders["padding"].value,
        )[0]

    def output_pixel(self) -> float:
        """The weight row times the chosen column (counted from 0): the output pixel it makes."""
        matrix = self.matrix()
        column = matrix[:, min(self.sliders["window"].value, matrix.shape[1] - 1)]
        return (self.kernel.flatten() @ column).item()


_GRAY = (0.299, 0.587, 0.114)  # the usual weights of R, G and B in a grey level (lesson 05)
_ZERO = torch.zeros(3, 3)
_RED_CENTER = torch.zeros(3, 3, 3)
_RED_CENTER[:, 1, 1] = torch.tensor([1.0, -0.5, -0.5])

CHANNEL_PRESETS = {
    "top edge in every channel": torch.stack([top_edge, top_edge, top_edge]),
    "top edge in red only": torch.stack([top_edge, _ZERO, _ZERO]),
    "grey, then top edge": torch.stack([g * top_edge for g in _GRAY]),
    "red detector (centre only)": _RED_CENTER,
    "1×1: grey": torch.tensor(_GRAY).view(3, 1, 1),
    "1×1: red minus blue": torch.tensor([1.0, 0.0, -1.0]).view(3, 1, 1),
}
"""The channel explorer's menu: kernels of shape (3, 3, 3), or (3, 1, 1) for the 1×1 mode."""

CHANNEL_MODES = ("3×3×3 kernel", "1×1 mix")


class ChannelMaps(_CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`ChannelsExplorer`: photo, three per-channel maps, their sum.

    Its JavaScript (``static/channels_explorer.js`` after ``static/conv_math.js``)
    convolves each channel itself, so the jslinked menu and mode work without Python.
    """

    _esm = _module("channels_explorer.js")
    _css = (
        FOCUS_CSS
        + """
    .channels-explorer { font-family: sans-serif; font-size: 13px; margin-top: 6px; }
    .channels-caption { font-family: monospace; margin: 6px 0; }
    .channels-row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .channels-unit { display: flex; gap: 6px; align-items: center; }
    .channels-figure { margin: 0; padding: 0; }
    .channels-figure canvas { image-rendering: pixelated; border: 1px solid #999; }
    .channels-figure figcaption { font-size: 11px; max-width: 150px; padding: 3px 0 0; }
    .channels-figure .course-legend { width: 100px; }
    .channels-sign { font-size: 18px; }
    .channels-weights { margin: 4px 0; }
    .channels-slices { display: flex; gap: 16px; flex-wrap: wrap; }
    .channels-slice { display: grid; grid-template-columns: repeat(3, 5.4em); gap: 2px; }
    .channels-slice > div { grid-column: 1 / 4; font-size: 12px; }
    .channels-weights input { width: 5.4em; box-sizing: border-box; }
    .channels-mix label { margin-right: 12px; }
    """
        + SHARED_CSS
    )
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    mode = traitlets.Int(0, min=0, max=1).tag(sync=True)
    kernel = traitlets.List(traitlets.Float(), minlen=27, maxlen=27).tag(sync=True)
    mix = traitlets.List(traitlets.Float(), minlen=3, maxlen=3).tag(sync=True)
    presets = traitlets.List().tag(sync=True)
    preset = traitlets.Int(0, min=0, max=len(CHANNEL_PRESETS)).tag(sync=True)  # or "custom"
    _image_channels = 3


class ChannelsExplorer(widgets.VBox):
    """One kernel on a colour photo: a slice per channel, three maps, and their sum.

    A menu picks a kernel from :data:`CHANNEL_PRESETS` (27 weights, or the three
    weights of a 1×1 convolution), a switch picks the mode, and boxes edit every
    weight (rows and columns from 0); after a hand edit the menu says "custom". The three
    parts and their sum are drawn on one shared scale (blue-white-red about 0, or grey from 0
    when no value is negative) with one colour bar. Computed in the browser, so it works on a
    static page; ``output()`` gives ``F.conv2d``'s output channel for the current weights in a
    live notebook.

    Parameters
    ----------
    image
        A colour image (3, H, W) with values from 0 to 1, at most 64×64 pixels:
        a small copy of a photo (``x[:, ::12, ::12]``) keeps the page light.

    Examples
    --------
    >>> explorer = ChannelsExplorer(torch.rand(3, 20, 16))
    >>> explorer.output().shape
    torch.Size([18, 14])
    """

    __repr__ = _explorer_repr

    def __init__(self, image: torch.Tensor):
        check_tensor(image, "image", (3,), "(3, H, W)")
        if image.shape[0] != 3:
            raise ValueError(
                f"image must have 3 channels (R, G, B) first, got shape {tuple(image.shape)}"
            )
        _check_image(image[0], "image")
        if not torch.isfinite(image).all():
            raise ValueError("image must hold finite numbers (no NaN or inf)")
        if min(image.shape[1:]) < 3:
            raise ValueError(f"image must be at least 3×3, got {tuple(image.shape)}")
        # Three decimals (a photo has 256 levels per channel) keep the page's state small.
        pixels = [round(v, 3) for v in image.detach().float().flatten().tolist()]
        self.image = torch.tensor(pixels).view(image.shape)
        presets = [
            [name, int(k.shape[-1] == 1), _rounded(k)] for name, k in CHANNEL_PRESETS.items()
        ] + [[CUSTOM, None, None]]
        first = CHANNEL_PRESETS["top edge in every channel"]
        self.map = ChannelMaps(
            image=pixels,
            height=image.shape[1],
            width=image.shape[2],
            mode=0,
            kernel=_rounded(first),
            mix=list(_GRAY),
            presets=presets,
            preset=0,
        )
        self.menu = widgets.Dropdown(
            options=[*CHANNEL_PRESETS, CUSTOM],
            index=0,
            description="kernel",
            layout=widgets.Layout(width="22em"),
        )
        self.mode = widgets.ToggleButtons(
            options=list(CHANNEL_MODES), index=0, description="mode", **{_TOOLTIP: "kernel mode"}
        )
        # jslink, not observe: the browser keeps the controls and the drawing in step.
        self.links = [
            widgets.jslink((self.menu, "index"), (self.map, "preset")),
            widgets.jslink((self.mode, "index"), (self.map, "mode")),
        ]
        super().__init__([self.menu, self.mode, self.map])
        self.add_class("channels-explorer-box")
        self.add_class(EXPLORER_CLASS)

    def weight(self) -> torch.Tensor:
        """The kernel as the drawing holds it: (1, 3, 3, 3), or (1, 3, 1, 1) in the 1×1 mode."""
        if self.map.mode == 1:
            return torch.tensor(self.map.mix).view(1, 3, 1, 1)
        return torch.tensor(self.map.kernel).view(1, 3, 3, 3)

    def output(self) -> torch.Tensor:
        """``F.conv2d``'s single output channel for the current weights."""
        return F.conv2d(self.image[None], self.weight())[0, 0]


NETWORK_MATH_PATH = STATIC / "network_math.js"
"""The network explorer's arithmetic (forward pass, drawing pad), a DOM-free ES module."""

_MAX_PARAMETERS = 100_000  # the weights travel in the page: 4 bytes each, in base64
_LAYER_TYPES = "Conv2d, ReLU, Flatten and Linear"


def _leaves(module: nn.Module, path: tuple = ()) -> list[tuple[tuple, nn.Module]]:
    """The layers of ``module`` in the order an ``nn.Sequential`` runs them, nesting undone,
    each with its index path: ``model[0][1]`` is ``(0, 1)``."""
    if isinstance(module, nn.Sequential):
        return [leaf for i, child in enumerate(module) for leaf in _leaves(child, (*path, i))]
    return [(path, module)]


def _stage_names(paths: list[tuple], types: list[str], name: str) -> list[str]:
    """The module each stage of the page's forward pass is, as code indexes it: a stage ends
    after every layer that is not a Flatten and is not followed by a ReLU (``forward`` in
    ``static/network_math.js``), so a convolution and its ReLU make one stage. A stage that
    is all of one module is named by it (``model[0]``); consecutive modules of one Sequential
    by a slice (``model[0:2]``); else its layers are listed."""
    groups, group = [], []
    for i, (path, kind) in enumerate(zip(paths, types, strict=True)):
        group.append(path)
        following = types[i + 1] if i + 1 < len(types) else None
        if kind != "flatten" and following != "relu":
            groups.append(group)
            group = []

    def index(path):
        return name + "".join(f"[{i}]" for i in path)

    names = []
    for group in groups:
        named = None
        for depth in range(1, len(group[0]) + 1):  # the outermost module of exactly these
            prefix = group[0][:depth]
            if [p for p in paths if p[:depth] == prefix] == group:
                named = index(prefix)
                break
        if named is None:  # consecutive modules of one Sequential: a slice of it
            common = 0  # (two layers or more, none a prefix of another)
            while all(p[common] == group[0][common] for p in group):
                common += 1
            parent = group[0][:common]
            first, last = group[0][common], group[-1][common]
            under = [
                p
                for p in paths
                if len(p) > common and p[:common] == parent and first <= p[common] <= last
            ]
            if under == group:
                named = f"{index(parent)}[{first}:{last + 1}]"
        names.append(named or ", ".join(index(p) for p in group))
    return names


def _network_layers(model: nn.Module) -> tuple[list[dict], torch.Tensor, list[tuple]]:
    """The layers as the page's JavaScript reads them, every parameter in one float32 vector,
    and each layer's index path in ``model``."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"model must be an nn.Sequential of {_LAYER_TYPES} layers, got {type(model).__name__}"
        )
    layers, params, offset = [], [], 0

    def add(tensor):
        nonlocal offset
        if tensor is None:
            return None
        params.append(tensor.detach().float().cpu().flatten())
        start, offset = offset, offset + tensor.numel()
        return start

    leaves = _leaves(model)
    for _, leaf in leaves:
        if isinstance(leaf, nn.Conv2d):
            if isinstance(leaf.padding, str) or leaf.groups != 1 or leaf.padding_mode != "zeros":
                raise ValueError(
                    f"model's Conv2d layers must have numeric zero padding and groups=1, got {leaf}"
                )
            layers.append(
                {
                    "type": "conv",
                    "cin": leaf.in_channels,
                    "cout": leaf.out_channels,
                    "kh": leaf.kernel_size[0],
                    "kw": leaf.kernel_size[1],
                    "stride": list(leaf.stride),
                    "padding": list(leaf.padding),
                    "dilation": list(leaf.dilation),
                    "weight": add(leaf.weight),
                    "bias": add(leaf.bias),
                }
            )
        elif isinstance(leaf, nn.Linear):
            layers.append(
                {
                    "type": "linear",
                    "in": leaf.in_features,
                    "out": leaf.out_features,
                    "weight": add(leaf.weight),
                    "bias": add(leaf.bias),
                }
            )
        elif isinstance(leaf, nn.ReLU):
            layers.append({"type": "relu"})
        elif isinstance(leaf, nn.Flatten):
            if (leaf.start_dim, leaf.end_dim) != (1, -1):
                raise ValueError(
                    f"model's Flatten must flatten everything but the batch, got {leaf}"
                )
            layers.append({"type": "flatten"})
        else:
            raise ValueError(
                f"model may hold only {_LAYER_TYPES} layers (the ones the page's "
                f"JavaScript runs), got {type(leaf).__name__}"
            )
        if offset > _MAX_PARAMETERS:
            raise ValueError(
                f"model must have at most {_MAX_PARAMETERS:,} parameters (its "
                f"weights are stored in the page), got more"
            )
    if not params:
        raise ValueError("model has no weights to run")
    return layers, torch.cat(params), [path for path, _ in leaves]


def _base64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


class NetworkExplorer(anywidget.AnyWidget):
    """A trained digit classifier running in the page: draw a digit, or pick one, and watch it read.

    The model's weights travel in the page, and its forward pass runs in the
    browser (``static/network_math.js``, checked against PyTorch by the tests), so
    the explorer works on the static book page. A drawing pad turns the learner's
    strokes into a 28×28 input as MNIST's digits were made (fitted into 20×20, its centre
    of mass put at the centre), keeping them as paths and drawing them only after fitting,
    with a pen of a normal MNIST stroke's width: a small drawing gives the same input as a
    large one. Buttons pick a random validation digit or one the model gets wrong. Shown:
    the input, every layer's feature maps (numbered from 0, grey from 0 with a colour bar),
    the scores (blue-white-red about 0), and the class probabilities.

    Parameters
    ----------
    model
        An ``nn.Sequential`` of Conv2d, ReLU, Flatten and Linear layers (nested
        Sequentials are fine, e.g. ``simple_cnn()``) that maps ``(N, 1, 28, 28)``
        digits to ``(N, classes)`` scores; at most 100,000 parameters.
    images
        Digits in [0, 1]: ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 1, 28, 28)``.
        The page stores them as bytes (levels 0–255), as MNIST does.
    labels
        Their classes, ``(N,)``.
    n_random
        How many digits (chosen with a fixed seed) the "random digit" button picks from.
    n_wrong
        How many of the digits the model misclassifies to offer: the first ones, in the
        order of ``images`` (as ``(predicted != labels).nonzero()`` lists them).
    name
        What the code calls the model: the page labels each layer with the module that
        makes it, as code indexes it ("layer 1 (model[0]): 4 maps of 14×14").

    Examples
    --------
    >>> from coursecode.models import simple_cnn
    >>> explorer = NetworkExplorer(simple_cnn(), torch.rand(50, 784), torch.randint(0, 10, (50,)))
    >>> explorer.stage_names
    ['model[0]', 'model[1]', 'model[2]', 'model[3]', 'model[4]']
    >>> explorer.input().shape, explorer.probabilities().shape
    (torch.Size([28, 28]), torch.Size([10]))
    """

    _esm = _module("network_explorer.js", "network_math.js", shared_math=False)
    _css = (
        FOCUS_CSS
        + """
    .network-explorer { font-family: sans-serif; font-size: 13px; margin-top: 6px; }
    .network-caption { font-family: monospace; margin: 6px 0; min-height: 1.3em; }
    .network-row { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
    .network-figure { margin: 0; }
    .network-figure canvas { image-rendering: pixelated; border: 1px solid #999; }
    .network-figure figcaption { font-size: 12px; }
    canvas.network-pad { touch-action: none; cursor: crosshair; background: #000;
                         image-rendering: auto; width: 168px; height: 168px; }
    .network-controls { display: flex; flex-direction: column; gap: 6px; width: 150px; }
    .network-controls select { width: 150px; }
    .network-stages { display: flex; gap: 14px; flex-wrap: wrap; align-items: flex-end;
                      margin-top: 8px; }
    .network-probs { list-style: none; padding: 0; margin: 0; font-family: monospace; }
    .network-probs li { display: flex; align-items: center; gap: 6px; height: 18px; }
    .network-bar { display: inline-block; height: 12px; background: #9db4cc; }
    .network-probs li.network-predicted { font-weight: bold; }
    .network-probs li.network-predicted .network-bar { background: #d95f02; }
    .network-zero { font-size: 11px; max-width: 200px; }
    .network-figure .course-legend { width: 112px; }
    .network-note { font-size: 12px; max-width: 46em; margin: 6px 0 0; }
    """
        + SHARED_CSS
    )
    layers = traitlets.List(traitlets.Dict()).tag(sync=True)
    weights = traitlets.Unicode().tag(sync=True)
    digits = traitlets.Unicode().tag(sync=True)
    picks = traitlets.List().tag(sync=True)
    n_random = traitlets.Int(0, min=0).tag(sync=True)
    digit = traitlets.Int(0, min=-1).tag(sync=True)
    drawn = traitlets.List(traitlets.Float()).tag(sync=True)
    strokes = traitlets.List().tag(sync=True)  # the drawing's paths: [[[x, y], ...], ...]
    stage_names = traitlets.List(traitlets.Unicode()).tag(sync=True)  # "model[0]", ...

    def __init__(
        self,
        model: nn.Module,
        images: torch.Tensor,
        labels: torch.Tensor,
        n_random: int = 32,
        n_wrong: int = 8,
        name: str = "model",
    ):
        if not isinstance(name, str):
            raise TypeError(f"name must be a str (what the code calls the model), got {name!r}")
        if not name.isidentifier():
            raise ValueError(f"name must be a Python name, such as 'model', got {name!r}")
        layers, params, paths = _network_layers(model)
        check_tensor(images, "images", (2, 3, 4), "(N, 784), (N, 28, 28) or (N, 1, 28, 28)")
        if images.shape[1:] not in {(784,), (28, 28), (1, 28, 28)}:
            raise ValueError(
                f"images must have shape (N, 784), (N, 28, 28) or (N, 1, 28, 28), "
                f"got {tuple(images.shape)}"
            )
        check_tensor(labels, "labels", (1,), "(N,)")
        if len(images) != len(labels) or len(images) == 0:
            raise ValueError(
                f"images and labels must hold the same number (at least 1) of "
                f"digits, got {len(images)} and {len(labels)}"
            )
        if labels.dtype.is_floating_point or labels.dtype == torch.bool:
            raise TypeError(f"labels must be integer classes, got {labels.dtype}")
        images = images.detach().float().cpu().reshape(-1, 1, 28, 28)
        if not torch.isfinite(images).all() or images.min() < 0 or images.max() > 1:
            raise ValueError("images must hold numbers from 0 to 1 (as load_mnist gives them)")
        n_random = check_int(n_random, "n_random", 1)
        n_wrong = check_int(n_wrong, "n_wrong", 0)
        if n_random + n_wrong > 200:
            raise ValueError(
                f"n_random + n_wrong must be at most 200 (every digit is stored in "
                f"the page), got {n_random + n_wrong}"
            )
        # A copy of the network as the page runs it: on the CPU, in eval mode, and not
        # changed by later training of ``model``.
        self.model = copy.deepcopy(model).cpu().eval()
        levels = (images * 255).round().to(torch.uint8)
        self.all_images = levels.float() / 255
        try:
            with torch.no_grad():
                logits = self.model(self.all_images)
        except RuntimeError as err:
            raise ValueError(f"model cannot read (N, 1, 28, 28) digits: {err}") from None
        if logits.ndim != 2 or not 2 <= logits.shape[1] <= 100:
            raise ValueError(
                f"model must give (N, classes) scores with 2 to 100 classes, "
                f"got shape {tuple(logits.shape)}"
            )
        predictions = logits.argmax(1)
        labels = labels.cpu()
        if labels.min() < 0 or labels.max() >= logits.shape[1]:
            raise ValueError(f"labels must be classes from 0 to {logits.shape[1] - 1}")
        generator = torch.Generator().manual_seed(0)
        chosen = torch.randperm(len(images), generator=generator)[:n_random].tolist()
        # the first misclassified digits, in order, as a lesson lists them: one may also be
        # among the random ones (it is then stored twice, a few hundred bytes)
        wrong = (predictions != labels).nonzero().flatten()[:n_wrong].tolist()
        self.indices = chosen + wrong
        """Each embedded digit's index in ``images``: the random ones, then the misclassified."""
        self.images = self.all_images[self.indices, 0]
        self.labels = labels[self.indices]
        super().__init__(
            layers=layers,
            weights=_base64(params.numpy().astype("<f4")),
            digits=_base64(levels[self.indices].flatten().numpy()),
            picks=[[i, int(labels[i]), int(predictions[i])] for i in self.indices],
            n_random=len(chosen),
            digit=0,
            stage_names=_stage_names(paths, [layer["type"] for layer in layers], name),
        )
        self.add_class(EXPLORER_CLASS)

    @traitlets.validate("digit")
    def _valid_digit(self, proposal):
        digit = proposal["value"]
        if not -1 <= digit < len(self.picks):
            raise traitlets.TraitError(
                f"digit must be -1 (the drawing) or from 0 to "
                f"{len(self.picks) - 1} (a picked digit), got {digit}"
            )
        return digit

    def __repr__(self) -> str:
        # Short and the same on every machine: the notebook stores it as the cell's text.
        n = len(base64.b64decode(self.weights)) // 4
        return (
            f"NetworkExplorer({n:,} parameters, {len(self.picks)} digits): an explorer. "
            f"Run this cell in Jupyter to use it."
        )

    def input(self) -> torch.Tensor:
        """The 28×28 input the page shows now: the picked digit, or the drawing made into one."""
        if self.digit == -1:
            if len(self.drawn) != 784:
                raise ValueError("nothing is drawn yet: draw a digit on the pad first")
            return torch.tensor(self.drawn, dtype=torch.float32).view(28, 28)
        return self.images[self.digit]

    def probabilities(self) -> torch.Tensor:
        """PyTorch's class probabilities for :meth:`input`: what the page's bars show."""
        with torch.no_grad():
            return F.softmax(self.model(self.input()[None, None]), dim=1)[0]


FIELD_MATH_PATH = STATIC / "field_math.js"
"""The field explorer's arithmetic (sizes, the recurrence, which units feed a unit)."""

FIELD_STACKS = {
    "lesson 4's first three layers (3×3, stride 2)": [(3, 2, 1, 1)] * 3,
    "lesson 4's five layers (3×3, stride 2)": [(3, 2, 1, 1)] * 5,
    "three 3×3 layers, stride 1": [(3, 1, 1, 1)] * 3,
    "one 7×7 layer": [(7, 1, 3, 1)],
    "dilated 3×3 layers (dilation 1, 2, 4)": [(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)],
    "VGG-16's first two blocks (3×3 convs, 2×2 pools)": [(3, 1, 1, 1)] * 2
    + [(2, 2, 0, 1)]
    + [(3, 1, 1, 1)] * 2
    + [(2, 2, 0, 1)],
    "AlexNet's conv1, pool1, conv2": [(11, 4, 2, 1), (3, 2, 0, 1), (5, 1, 2, 1)],
}
"""The field explorer's menu: stacks of (kernel, stride, padding, dilation), as lesson 6 lists
them."""

FIELD_RANGES = {"kernel": (1, 11), "stride": (1, 4), "padding": (0, 5), "dilation": (1, 4)}
"""What the field explorer's boxes accept for each layer: minimum and maximum."""

_MAX_FIELD_LAYERS = 8


def _field_stack(layers) -> list[list[int]]:
    """Layers as [[k, s, p, d], ...] of square, in-range values, from a module or a list."""
    found = spatial_layers(layers)
    if not 1 <= len(found) <= _MAX_FIELD_LAYERS:
        raise ValueError(
            f"layers must hold 1 to {_MAX_FIELD_LAYERS} spatial layers, got {len(found)}"
        )
    stack = []
    for name, values in found:
        row = []
        for (what, (low, high)), pair in zip(FIELD_RANGES.items(), values):
            if pair[0] != pair[1]:
                raise ValueError(f"{name}: the explorer draws square layers; its {what} is {pair}")
            if not low <= pair[0] <= high:
                raise ValueError(f"{name}: {what} must be between {low} and {high}, got {pair[0]}")
            row.append(int(pair[0]))
        stack.append(row)
    return stack


class FieldView(_CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`FieldExplorer`: the input, every layer's grid, the field table.

    Its JavaScript (``static/field_explorer.js`` after ``static/field_math.js``) walks
    the layers itself, so clicks, the arrow keys, the layer boxes and the jslinked
    menu work without Python.
    """

    _esm = _module("field_explorer.js", "field_math.js", shared_math=False)
    _css = (
        FOCUS_CSS
        + """
    .field-explorer { font-family: sans-serif; font-size: 13px; margin-top: 6px; }
    .field-caption { font-family: monospace; margin: 6px 0; min-height: 2.6em; }
    .field-invalid { color: #b00020; }
    .field-row { display: flex; gap: 14px; align-items: flex-end; flex-wrap: wrap; }
    .field-figure { margin: 0; }
    .field-figure canvas { image-rendering: pixelated; cursor: pointer; }
    .field-figure canvas:focus { outline: 3px solid #1f77b4; outline-offset: 2px; }
    .field-figure figcaption { font-size: 12px; }
    .field-table-box { overflow-x: auto; max-width: 100%; }
    .field-table { border-collapse: collapse; font-family: monospace; font-size: 12px;
                   margin-top: 8px; }
    .field-table caption { font-family: sans-serif; text-align: left; font-size: 12px; }
    .field-table th, .field-table td { border: 1px solid #bbb; padding: 1px 5px;
                                       text-align: right; }
    .field-table input { width: 3.2em; }
    .field-table tr.field-chosen { background: #fde9d9; }
    .field-buttons button { margin: 4px 6px 0 0; }
    .field-key { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; margin: 6px 0; }
    .field-key-item[hidden] { display: none; }
    .field-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
                    vertical-align: -2px; box-sizing: border-box; }
    .field-swatch-pad { background: #c9dcef; border: 1px solid #8fb2d6; }
    .field-swatch-fed { background: rgb(255, 127, 14); }
    .field-swatch-unit { background: #8c2d04; }
    .field-swatch-field { border: 2px dashed #d95f02; }
    """
        + SHARED_CSS
    )
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=_MAX_PIXELS).tag(sync=True)
    layers = traitlets.List(traitlets.List(traitlets.Int())).tag(sync=True)
    ranges = traitlets.Dict().tag(sync=True)
    stacks = traitlets.List().tag(sync=True)
    # "your layers", the stacks, "custom"
    stack = traitlets.Int(0, min=0, max=len(FIELD_STACKS) + 1).tag(sync=True)
    level = traitlets.Int(1, min=1, max=_MAX_FIELD_LAYERS).tag(sync=True)
    row = traitlets.Int(0, min=0, max=_MAX_PIXELS).tag(sync=True)
    col = traitlets.Int(0, min=0, max=_MAX_PIXELS).tag(sync=True)

    @traitlets.validate("layers")
    def _valid_layers(self, proposal):
        layers = proposal["value"]
        if not 1 <= len(layers) <= _MAX_FIELD_LAYERS:
            raise traitlets.TraitError(
                f"layers must hold 1 to {_MAX_FIELD_LAYERS} layers, got {len(layers)}"
            )
        for i, layer in enumerate(layers):
            if len(layer) != 4 or not all(
                low <= v <= high for v, (low, high) in zip(layer, FIELD_RANGES.values())
            ):
                ranges = ", ".join(
                    f"{name} {low}–{high}" for name, (low, high) in FIELD_RANGES.items()
                )
                raise traitlets.TraitError(
                    f"layers[{i}] must be [kernel, stride, padding, "
                    f"dilation] within {ranges}, got {layer}"
                )
        return layers


class FieldExplorer(widgets.VBox):
    """Click a unit in any layer and see the input pixels it sees: its receptive field.

    A menu picks a stack of layers from :data:`FIELD_STACKS` (or starts from
    yours); boxes edit each layer's kernel, stride, padding and dilation, and add or
    remove layers (after such an edit the menu says "custom", and "reset the layers" goes
    back to the stack last chosen from it). Layers are named from 1, as
    :func:`~coursecode.inspection.receptive_field` names them; units count from 0.
    Clicking a unit (or moving it with the arrow keys) highlights the input pixels it
    depends on, clipped at the border, and the units of every layer in between that feed
    it; a table gives each layer's field size, jump and start by lesson 6's recurrence.
    All computed in the browser, so it works on a static page; ``table()`` and
    ``region()`` give ``receptive_field`` and PyTorch's gradient region for the current
    state in a live notebook.

    Parameters
    ----------
    image
        A 2-D image (H, W) of at most 64×64 pixels, e.g. a 28×28 digit.
    layers
        The stack to start with: an ``nn.Module`` (its Conv2d and pooling layers) or a
        list of ``(kernel, stride, padding[, dilation])``, 1 to 8 layers, square, within
        :data:`FIELD_RANGES`. Default: the first stack of :data:`FIELD_STACKS`.

    Examples
    --------
    >>> explorer = FieldExplorer(torch.rand(28, 28))
    >>> explorer.unit()
    (3, 1, 1)
    >>> explorer.region()
    ((1, 15), (1, 15))
    """

    __repr__ = _explorer_repr

    def __init__(self, image: torch.Tensor, layers=None):
        image = _check_image(image)
        stacks = [[name, [list(layer) for layer in stack]] for name, stack in FIELD_STACKS.items()]
        index = 0
        if layers is not None:
            mine = _field_stack(layers)
            index = next((i for i, (_, s) in enumerate(stacks) if s == mine), None)
            if index is None:
                stacks.insert(0, ["your layers", mine])
                index = 0
        stacks.append([CUSTOM, None])
        self.image = torch.tensor(_rounded(image)).view(image.shape)
        stack = stacks[index][1]
        sizes = [tuple(image.shape)]
        for k, s, p, d in stack:
            try:
                sizes.append(tuple(conv_out_size(n, k, s, p, d) for n in sizes[-1]))
            except ValueError:
                raise ValueError(
                    f"layers do not fit a {tuple(image.shape)} image: layer "
                    f"{len(sizes)} (kernel {k}, stride {s}, padding {p}, dilation "
                    f"{d}) gets a {sizes[-1]} input"
                ) from None
        self.view = FieldView(
            image=_rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            layers=[list(layer) for layer in stack],
            ranges={k: list(v) for k, v in FIELD_RANGES.items()},
            stacks=stacks,
            stack=index,
            level=len(stack),
            row=(sizes[-1][0] - 1) // 2,
            col=(sizes[-1][1] - 1) // 2,
        )
        self.menu = widgets.Dropdown(
            options=[name for name, _ in stacks],
            index=index,
            description="layers",
            layout=widgets.Layout(width="30em"),
        )
        # jslink, not observe: the browser keeps the menu and the drawing in step.
        self.links = [widgets.jslink((self.menu, "index"), (self.view, "stack"))]
        super().__init__([self.menu, self.view])
        self.add_class("field-explorer-box")
        self.add_class(EXPLORER_CLASS)

    def layers(self) -> list[tuple[int, int, int, int]]:
        """The stack as the page holds it now: (kernel, stride, padding, dilation) per layer."""
        return [tuple(layer) for layer in self.view.layers]

    def unit(self) -> tuple[int, int, int]:
        """The chosen unit: (layer, row, column), the layer counted from 1."""
        return self.view.level, self.view.row, self.view.col

    def table(self):
        """``receptive_field`` of the current stack (the page's table), with each layer's output
        size."""
        return receptive_field(self.layers(), input_size=tuple(self.image.shape))

    def region(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The input rows and columns (first, last) where the chosen unit's gradient is not
        zero, through real ``nn.Conv2d`` layers with positive weights (lesson 6's check)."""
        level, row, col = self.unit()
        sizes = receptive_field(self.layers()[:level], input_size=tuple(self.image.shape))
        side = sizes["output"].iloc[-1] if level <= len(self.layers()) else None
        side = side if isinstance(side, tuple) else (side, side)
        if level > len(self.layers()) or not (0 <= row < side[0] and 0 <= col < side[1]):
            raise ValueError(
                f"no unit ({row}, {col}) in layer {level} of {len(self.layers())} "
                f"(choose one on the page, or set view.level, view.row, view.col)"
            )
        x = torch.ones(1, 1, *self.image.shape, dtype=torch.float64, requires_grad=True)
        y = x
        for k, s, p, d in self.layers()[:level]:
            y = F.conv2d(
                y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, padding=p, dilation=d
            )
        y[0, 0, row, col].backward()
        if not x.grad.any():
            raise ValueError(
                f"unit ({row}, {col}) of layer {level} sees only padding: no input pixel at all"
            )
        rows = torch.nonzero(x.grad[0, 0].sum(1)).flatten()
        cols = torch.nonzero(x.grad[0, 0].sum(0)).flatten()
        return (rows.min().item(), rows.max().item()), (cols.min().item(), cols.max().item())
