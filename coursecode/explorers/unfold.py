"""The unfold explorer of lesson 02: every window of a small image as a column."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_tensor
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import Control
from coursecode.explorers._base import check_image
from coursecode.explorers._base import controls
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_css
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import linked_sliders
from coursecode.explorers._base import rounded
from coursecode.kernels import top_edge

UNFOLD_CONTROLS = controls(
    Control("stride", "stride", 1, 3, default=1),
    Control("padding", "padding", 0, 2, default=0),
)
"""The unfold explorer's stride and padding sliders (the window's slider has a range that
depends on them)."""
_MAX_UNFOLD_SIDE = 8  # the unfold explorer prints every number of its image
_MAX_UNFOLD_WINDOWS = (_MAX_UNFOLD_SIDE + 2 * UNFOLD_CONTROLS["padding"].high) ** 2


class UnfoldMatrix(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`UnfoldExplorer`: input, unfolded matrix, weights × one column.

    Its JavaScript (``unfold.js`` after ``conv_math.js``)
    unfolds the input itself, so jslinked sliders reshape the matrix without Python.
    """

    _esm = esm_module("unfold.js")
    _css = explorer_css("unfold.css")
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=_MAX_UNFOLD_SIDE).tag(sync=True)
    width = traitlets.Int(1, min=1, max=_MAX_UNFOLD_SIDE).tag(sync=True)
    kernel_size = traitlets.Int(3, min=1, max=_MAX_UNFOLD_SIDE).tag(sync=True)
    weights = traitlets.List(traitlets.Float()).tag(sync=True)
    stride = UNFOLD_CONTROLS["stride"].trait()
    padding = UNFOLD_CONTROLS["padding"].trait()
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
        windows = self._windows(
            UNFOLD_CONTROLS["stride"].default, UNFOLD_CONTROLS["padding"].default
        )
        self.map = UnfoldMatrix(
            image=rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            kernel_size=kernel.shape[0],
            weights=rounded(self.kernel),
            last_column=windows - 1,
        )
        defaults = {name: control.default for name, control in UNFOLD_CONTROLS.items()}
        self.sliders, self.links = linked_sliders(UNFOLD_CONTROLS, defaults, self.map)
        self.sliders["window"] = widgets.IntSlider(
            value=0,
            min=0,
            max=windows - 1,
            description="window (column)",
            style={"description_width": "initial"},
        )
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
