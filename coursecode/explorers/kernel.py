"""The kernel explorer of lesson 03: a kernel on a digit at the stride, padding and dilation
you choose."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_int
from coursecode._validate import check_tensor
from coursecode.arithmetic import conv_out_size
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import FOCUS_CSS
from coursecode.explorers._base import MAX_PIXELS
from coursecode.explorers._base import SHARED_CSS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import check_image
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import rounded

KERNEL_SLIDER_RANGES = {
    "stride": (1, 4),
    "padding": (0, 4),
    "dilation": (1, 3),
}
"""Each kernel-explorer slider: its minimum and maximum."""


class FeatureMap(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`KernelExplorer`: an image, a kernel, and the map they make.

    Its JavaScript (``static/kernel.js`` after ``static/conv_math.js``) computes
    the convolution itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = esm_module("kernel.js")
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
    height = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    kernel = traitlets.List(traitlets.Float()).tag(sync=True)
    kh = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    kw = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
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
        if self.kh * self.kw > MAX_PIXELS:
            raise ValueError(f"kh × kw must be at most {MAX_PIXELS}, got {self.kh}×{self.kw}")


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

    __repr__ = explorer_repr

    def __init__(
        self,
        image: torch.Tensor,
        kernel: torch.Tensor,
        stride: int = 1,
        padding: int = 0,
        dilation: int = 1,
    ):
        image = check_image(image)
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
        if kernel.numel() > MAX_PIXELS:
            raise ValueError(
                f"kernel must have at most {MAX_PIXELS} numbers (it is stored "
                f"in the page), got {tuple(kernel.shape)}"
            )
        self.image = torch.tensor(rounded(image)).view(image.shape)
        self.kernel = kernel.detach().float().cpu()
        self.map = FeatureMap(
            image=rounded(self.image),
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
