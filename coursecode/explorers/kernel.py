"""The kernel explorer of lesson 03: a kernel on a digit at the stride, padding and dilation
you choose."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_tensor
from coursecode.arithmetic import conv_out_size
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import MAX_PIXELS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import Control
from coursecode.explorers._base import check_image
from coursecode.explorers._base import controls
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_css
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import linked_sliders
from coursecode.explorers._base import rounded

KERNEL_CONTROLS = controls(
    Control("stride", "stride", 1, 4, default=1),
    Control("padding", "padding", 0, 4, default=0),
    Control("dilation", "dilation", 1, 3, default=1),
)
"""The kernel explorer's sliders, in order."""


class FeatureMap(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`KernelExplorer`: an image, a kernel, and the map they make.

    Its JavaScript (``kernel.js`` after ``conv_math.js``) computes
    the convolution itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = esm_module("kernel.js")
    _css = explorer_css("kernel.css")
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    kernel = traitlets.List(traitlets.Float()).tag(sync=True)
    kh = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    kw = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    stride = KERNEL_CONTROLS["stride"].trait()
    padding = KERNEL_CONTROLS["padding"].trait()
    dilation = KERNEL_CONTROLS["dilation"].trait()

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
        The starting values, within their ranges in :data:`KERNEL_CONTROLS`.

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
        given = {"stride": stride, "padding": padding, "dilation": dilation}
        values = {name: control.check(given[name]) for name, control in KERNEL_CONTROLS.items()}
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
        self.sliders, self.links = linked_sliders(KERNEL_CONTROLS, values, self.map)
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
