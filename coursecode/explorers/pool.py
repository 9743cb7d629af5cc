"""The pooling explorer of lesson 03: max and average pooling of a feature map."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import JS_DIR
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

POOL_MATH_PATH = JS_DIR / "pool_math.js"
"""The pool explorer's arithmetic (output size, max and average pooling), a DOM-free ES module."""

POOL_CONTROLS = controls(
    Control("kernel_size", "window size", 1, 4, default=2),
    Control("stride", "stride", 1, 4, default=2),
)
"""The pool explorer's sliders, in order."""

POOL_MODES = ("max", "average")
"""The pool explorer's modes: ``F.max_pool2d`` and ``F.avg_pool2d``, in the toggle's order."""


class PoolView(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`PoolExplorer`: the input, the pooled output, one window's numbers.

    Its JavaScript (``pool.js`` after ``pool_math.js``, without
    ``conv_math.js``, which it does not use) pools the input itself, so the jslinked
    controls, clicks and arrow keys work without Python.
    ``mode`` is an index into :data:`POOL_MODES`; ``row`` and ``col`` are the output cell
    whose window is highlighted.
    """

    _esm = esm_module("pool.js", "pool_math.js", shared_math=False)
    _css = explorer_css("pool.css")
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    kernel_size = POOL_CONTROLS["kernel_size"].trait()
    stride = POOL_CONTROLS["stride"].trait()
    mode = traitlets.Int(0, min=0, max=len(POOL_MODES) - 1).tag(sync=True)
    ceil_mode = traitlets.Bool(False).tag(sync=True)
    row = traitlets.Int(0, min=0, max=MAX_PIXELS).tag(sync=True)
    col = traitlets.Int(0, min=0, max=MAX_PIXELS).tag(sync=True)


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
    4, :data:`POOL_CONTROLS`), a checkbox ``ceil_mode``. The caption gives the sizes
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

    __repr__ = explorer_repr

    def __init__(
        self,
        image: torch.Tensor,
        kernel_size: int = 2,
        stride: int = 2,
        mode: str = "max",
        ceil_mode: bool = False,
    ):
        image = check_image(image)
        if image.numel() == 0:
            raise ValueError(f"image must not be empty, got shape {tuple(image.shape)}")
        given = {"kernel_size": kernel_size, "stride": stride}
        values = {name: control.check(given[name]) for name, control in POOL_CONTROLS.items()}
        if not isinstance(mode, str):
            raise TypeError(f"mode must be 'max' or 'average', got {mode!r}")
        if mode not in POOL_MODES:
            raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")
        if not isinstance(ceil_mode, bool):
            raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
        self.image = torch.tensor(rounded(image)).view(image.shape)
        first = _pool(self.image, values["kernel_size"], values["stride"], mode, ceil_mode)
        row, col = (0, 0) if first is None else _start_cell(first)
        self.view = PoolView(
            image=rounded(self.image),
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
        self.sliders, slider_links = linked_sliders(
            POOL_CONTROLS,
            values,
            self.view,
            style={"description_width": "7em"},  # one width: the tracks line up
        )
        self.ceil_mode = widgets.Checkbox(
            value=ceil_mode,
            description="ceil_mode (keep windows that hang off the edge)",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        # jslink, not observe: the browser keeps the controls and the drawing in step.
        self.links = [
            widgets.jslink((self.mode, "index"), (self.view, "mode")),
            *slider_links,
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
