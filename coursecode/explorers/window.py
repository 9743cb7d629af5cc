"""The sliding window of lesson 01: one 3×3 window, its products and its sum."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_int
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
from coursecode.kernels import left_edge
from coursecode.kernels import top_edge
from coursecode.kernels import top_left_edge
from coursecode.kernels import top_right_edge

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


class SlidingWindow(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`WindowExplorer`: digit, window, nine products, their sum, the map.

    Its JavaScript (``window.js`` after ``conv_math.js``) does
    the arithmetic, so jslinked controls move it without Python.
    """

    _esm = esm_module("window.js")
    _css = explorer_css("window.css")
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(3, min=3, max=MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(3, min=3, max=MAX_PIXELS).tag(sync=True)
    position = traitlets.Int(0, min=0, max=MAX_PIXELS - 1).tag(sync=True)
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

    __repr__ = explorer_repr

    def __init__(self, image: torch.Tensor, kernel: torch.Tensor = top_edge, position: int = 0):
        image = check_image(image)
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
        self.image = torch.tensor(rounded(image)).view(image.shape)
        self.windows = (image.shape[0] - 2) * (image.shape[1] - 2)
        position = check_int(position, "position", 0)
        if position >= self.windows:
            raise ValueError(
                f"position must be between 0 and {self.windows - 1} (windows count from 0; "
                f"the image has {self.windows}), got {position}"
            )
        presets = [[name, rounded(k)] for name, k in WINDOW_PRESETS.items()]
        index = next(
            (i for i, (_, k) in enumerate(WINDOW_PRESETS.items()) if torch.equal(k, kernel)), None
        )
        if index is None:
            presets.insert(0, ["your kernel", rounded(kernel)])
            index = 0
        presets.append([CUSTOM, None])
        self.window = SlidingWindow(
            image=rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            position=position,
            presets=presets,
            preset=index,
            **{f"w{i}": v for i, v in enumerate(rounded(kernel))},
        )
        self.slider = widgets.IntSlider(
            value=position,
            min=0,
            max=self.windows - 1,
            description="window",
            **{TOOLTIP: "window position"},
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
                **{TOOLTIP: f"kernel weight row {i // 3} column {i % 3}"},
                style={"description_width": "2.2em"},
                layout=widgets.Layout(width="6.5em"),
            )
            for i, v in enumerate(rounded(kernel))
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
