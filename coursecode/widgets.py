"""Explorers that make padding, stride and dilation tangible, on the static page too.

Introduced in lessons/03_padding_stride. Each explorer is an anywidget whose
JavaScript (``static/``) does all its arithmetic in the browser, with sliders
``jslink``-ed to it, so it stays interactive on the static book page, with no
kernel. The arithmetic is ``static/conv_math.js``, put in front of each
widget's drawing code; the tests run it in Node against PyTorch.
"""

from pathlib import Path

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_int
from coursecode._validate import check_tensor
from coursecode.arithmetic import conv_out_size

__all__ = ["ConvExplorer", "ConvGrid", "FeatureMap", "JS_PATH", "KERNEL_SLIDER_RANGES",
           "KernelExplorer", "MATH_PATH", "SLIDER_RANGES", "kernel_explorer"]

STATIC = Path(__file__).parent / "static"
MATH_PATH = STATIC / "conv_math.js"
"""The explorers' arithmetic (output size, convolution), a DOM-free ES module Node can import."""
JS_PATH = STATIC / "conv_explorer.js"
"""The ConvExplorer's drawing code, shipped with the package."""


def _module(drawing: str) -> str:
    """A widget's JavaScript: the shared arithmetic, then its drawing code, as one ES module."""
    return MATH_PATH.read_text(encoding="utf-8") + "\n" + (STATIC / drawing).read_text(encoding="utf-8")


SLIDER_RANGES = {
    "n": ("input size n", 1, 12),
    "k": ("kernel size k", 1, 7),
    "p": ("padding p", 0, 3),
    "s": ("stride s", 1, 4),
    "d": ("dilation d", 1, 3),
}
"""Each explorer slider: its label, minimum and maximum."""


class ConvGrid(anywidget.AnyWidget):
    """The drawing: padded input grid, the kernel's first positions, the output grid, the formula.

    Its JavaScript (``static/conv_explorer.js``) recomputes the output size
    itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = _module("conv_explorer.js")
    _css = """
    .conv-explorer { font-family: sans-serif; font-size: 14px; margin-top: 6px; }
    .conv-explorer-formula { font-family: monospace; margin-bottom: 2px; }
    .conv-explorer-size { font-weight: bold; margin-bottom: 6px; }
    .conv-explorer-invalid { color: #b00020; }
    """
    n = traitlets.Int(5, min=1).tag(sync=True)
    k = traitlets.Int(3, min=1).tag(sync=True)
    p = traitlets.Int(1, min=0).tag(sync=True)
    s = traitlets.Int(1, min=1).tag(sync=True)
    d = traitlets.Int(1, min=1).tag(sync=True)


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

    def __init__(self, n: int = 5, k: int = 3, p: int = 1, s: int = 1, d: int = 1):
        values = {"n": n, "k": k, "p": p, "s": s, "d": d}
        for name, value in values.items():
            label, low, high = SLIDER_RANGES[name]
            value = check_int(value, name, low)
            if value > high:
                raise ValueError(f"{name} ({label}) must be between {low} and {high}, got {value}")
        self.grid = ConvGrid(**values)
        self.sliders = {
            name: widgets.IntSlider(value=values[name], min=low, max=high, description=label,
                                    continuous_update=True,
                                    style={"description_width": "initial"})
            for name, (label, low, high) in SLIDER_RANGES.items()
        }
        # jslink, not observe: the browser keeps slider and drawing in step, kernel or not.
        self.links = [widgets.jslink((slider, "value"), (self.grid, name))
                      for name, slider in self.sliders.items()]
        super().__init__([widgets.VBox(list(self.sliders.values())), self.grid])

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

_MAX_PIXELS = 64 * 64  # the image travels in the page's widget state: keep it light


class FeatureMap(anywidget.AnyWidget):
    """The drawing of :class:`KernelExplorer`: an image, a kernel, and the map they make.

    Its JavaScript (``static/feature_map.js`` after ``static/conv_math.js``) computes
    the convolution itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = _module("feature_map.js")
    _css = """
    .feature-map { font-family: sans-serif; font-size: 14px; margin-top: 6px; }
    .feature-map-caption { font-family: monospace; margin-bottom: 6px; }
    .feature-map-invalid { color: #b00020; }
    .feature-map-row { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
    .feature-map-figure { margin: 0; }
    .feature-map-figure canvas { image-rendering: pixelated; border: 1px solid #999; }
    .feature-map-figure figcaption { font-size: 12px; }
    """
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1).tag(sync=True)
    width = traitlets.Int(1, min=1).tag(sync=True)
    kernel = traitlets.List(traitlets.Float()).tag(sync=True)
    kh = traitlets.Int(1, min=1).tag(sync=True)
    kw = traitlets.Int(1, min=1).tag(sync=True)
    stride = traitlets.Int(1, min=1).tag(sync=True)
    padding = traitlets.Int(0, min=0).tag(sync=True)
    dilation = traitlets.Int(1, min=1).tag(sync=True)


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

    def __init__(self, image: torch.Tensor, kernel: torch.Tensor, stride: int = 1,
                 padding: int = 0, dilation: int = 1):
        check_tensor(image, "image", (2,), "(H, W)")
        check_tensor(kernel, "kernel", (2,), "(kH, kW)")
        if image.numel() > _MAX_PIXELS:
            raise ValueError(f"image must have at most 64×64 = {_MAX_PIXELS} pixels (it is "
                             f"stored in the page), got {tuple(image.shape)}")
        if kernel.numel() == 0 or image.numel() == 0:
            raise ValueError(f"image and kernel must not be empty, got shapes "
                             f"{tuple(image.shape)} and {tuple(kernel.shape)}")
        values = {"stride": stride, "padding": padding, "dilation": dilation}
        for name, value in values.items():
            low, high = KERNEL_SLIDER_RANGES[name]
            value = check_int(value, name, low)
            if value > high:
                raise ValueError(f"{name} must be between {low} and {high}, got {value}")
        for name, t in (("image", image), ("kernel", kernel)):
            if not torch.isfinite(t).all():
                raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
        # Four decimals are plenty for the picture and keep the page's widget state small.
        self.image = image.detach().float().cpu().round(decimals=4)
        self.kernel = kernel.detach().float().cpu()
        self.map = FeatureMap(
            image=[round(v, 4) for v in self.image.flatten().tolist()],
            height=image.shape[0], width=image.shape[1],
            kernel=self.kernel.flatten().tolist(), kh=kernel.shape[0], kw=kernel.shape[1],
            **values)
        self.sliders = {
            name: widgets.IntSlider(value=values[name], min=low, max=high, description=name,
                                    continuous_update=True)
            for name, (low, high) in KERNEL_SLIDER_RANGES.items()
        }
        # jslink, not observe: the browser keeps sliders and map in step, kernel or not.
        self.links = [widgets.jslink((slider, "value"), (self.map, name))
                      for name, slider in self.sliders.items()]
        super().__init__([widgets.HBox(list(self.sliders.values())), self.map])
        self.add_class("kernel-explorer")

    def feature_map(self) -> torch.Tensor | None:
        """PyTorch's map for the sliders' current values, or None when the kernel does not fit."""
        v = {name: slider.value for name, slider in self.sliders.items()}
        try:
            conv_out_size(tuple(self.image.shape), tuple(self.kernel.shape), v["stride"],
                          v["padding"], v["dilation"])
        except ValueError:
            return None
        return F.conv2d(self.image[None, None], self.kernel[None, None], stride=v["stride"],
                        padding=v["padding"], dilation=v["dilation"])[0, 0]


def kernel_explorer(image: torch.Tensor, kernel: torch.Tensor) -> KernelExplorer:
    """Sliders for stride, padding and dilation that redraw ``kernel``'s map on ``image``.

    The map is computed in the browser, so the sliders move on the static
    book page as well as in a live notebook. See :class:`KernelExplorer`.
    """
    return KernelExplorer(image, kernel)
