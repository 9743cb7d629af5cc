"""The channels explorer of lesson 05: a 3×3×3 kernel, or a 1×1 mix, over a colour photo."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_tensor
from coursecode.explorers._base import CUSTOM
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import MAX_PIXELS
from coursecode.explorers._base import TOOLTIP
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import check_image
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_css
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import rounded
from coursecode.kernels import top_edge

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


class ChannelMaps(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`ChannelsExplorer`: photo, three per-channel maps, their sum.

    Its JavaScript (``channels.js`` after ``conv_math.js``)
    convolves each channel itself, so the jslinked menu and mode work without Python.
    """

    _esm = esm_module("channels.js")
    _css = explorer_css("channels.css")
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
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

    __repr__ = explorer_repr

    def __init__(self, image: torch.Tensor):
        check_tensor(image, "image", (3,), "(3, H, W)")
        if image.shape[0] != 3:
            raise ValueError(
                f"image must have 3 channels (R, G, B) first, got shape {tuple(image.shape)}"
            )
        check_image(image[0], "image")
        if not torch.isfinite(image).all():
            raise ValueError("image must hold finite numbers (no NaN or inf)")
        if min(image.shape[1:]) < 3:
            raise ValueError(f"image must be at least 3×3, got {tuple(image.shape)}")
        # Three decimals (a photo has 256 levels per channel) keep the page's state small.
        pixels = [round(v, 3) for v in image.detach().float().flatten().tolist()]
        self.image = torch.tensor(pixels).view(image.shape)
        presets = [
            [name, int(k.shape[-1] == 1), rounded(k)] for name, k in CHANNEL_PRESETS.items()
        ] + [[CUSTOM, None, None]]
        first = CHANNEL_PRESETS["top edge in every channel"]
        self.map = ChannelMaps(
            image=pixels,
            height=image.shape[1],
            width=image.shape[2],
            mode=0,
            kernel=rounded(first),
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
            options=list(CHANNEL_MODES), index=0, description="mode", **{TOOLTIP: "kernel mode"}
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
