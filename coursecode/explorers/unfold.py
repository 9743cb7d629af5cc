"""The unfold explorer of lesson 02: every window of a small image as a column."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_tensor
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import FOCUS_CSS
from coursecode.explorers._base import SHARED_CSS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import check_image
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import rounded
from coursecode.kernels import top_edge

UNFOLD_SLIDER_RANGES = {"stride": (1, 3), "padding": (0, 2)}
"""The unfold explorer's stride and padding sliders: minimum and maximum."""
_MAX_UNFOLD_SIDE = 8  # the unfold explorer prints every number of its image
_MAX_UNFOLD_WINDOWS = (_MAX_UNFOLD_SIDE + 2 * UNFOLD_SLIDER_RANGES["padding"][1]) ** 2


class UnfoldMatrix(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`UnfoldExplorer`: input, unfolded matrix, weights × one column.

    Its JavaScript (``static/unfold.js`` after ``static/conv_math.js``)
    unfolds the input itself, so jslinked sliders reshape the matrix without Python.
    """

    _esm = esm_module("unfold.js")
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

    __repr__ = explorer_repr

    def __init__(self, image: torch.Tensor, kernel: torch.Tensor = top_edge):
        image = check_image(image)
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
        self.image = torch.tensor(rounded(image)).view(image.shape)
        self.kernel = torch.tensor(rounded(kernel.detach().float())).view(kernel.shape)
        windows = self._windows(1, 0)
        self.map = UnfoldMatrix(
            image=rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            k=kernel.shape[0],
            weights=rounded(self.kernel),
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
