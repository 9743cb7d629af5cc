"""The convolution explorer of lesson 03: the input, padding, kernel and output grids for the
size n, kernel k, padding p, stride s and dilation d you choose."""

import anywidget
import ipywidgets as widgets

from coursecode.arithmetic import conv_out_size
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import Control
from coursecode.explorers._base import controls
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_css
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import linked_sliders

CONV_CONTROLS = controls(
    Control("size", "input size n", 1, 12, default=5),
    Control("kernel_size", "kernel size k", 1, 7, default=3),
    Control("padding", "padding p", 0, 3, default=1),
    Control("stride", "stride s", 1, 4, default=1),
    Control("dilation", "dilation d", 1, 3, default=1),
)
"""The convolution explorer's sliders, in order: each named as :func:`conv_out_size` names its
argument, labelled with the letter the formula uses."""


class ConvGrid(CheckedTraits, anywidget.AnyWidget):
    """The drawing: padded input grid, the kernel's first positions, the output grid, the formula.

    Its JavaScript (``conv.js``) recomputes the output size itself, so the drawing follows
    jslinked sliders without Python.
    """

    _esm = esm_module("conv.js")
    _css = explorer_css("conv.css")
    size = CONV_CONTROLS["size"].trait()
    kernel_size = CONV_CONTROLS["kernel_size"].trait()
    padding = CONV_CONTROLS["padding"].trait()
    stride = CONV_CONTROLS["stride"].trait()
    dilation = CONV_CONTROLS["dilation"].trait()


class ConvExplorer(widgets.VBox):
    """Sliders for input size, kernel size, padding, stride and dilation, and the drawing they move.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation
        The starting input size (n in the formula), kernel size (k), padding (p), stride (s)
        and dilation (d), each within its range in :data:`CONV_CONTROLS`; named as
        :func:`conv_out_size` names them.

    Examples
    --------
    >>> explorer = ConvExplorer(size=5, kernel_size=3, padding=1, stride=2)
    >>> explorer.output_size
    3
    >>> explorer.sliders["stride"].value = 1
    >>> explorer.output_size
    5
    """

    __repr__ = explorer_repr

    def __init__(
        self,
        size: int = 5,
        kernel_size: int = 3,
        padding: int = 1,
        stride: int = 1,
        dilation: int = 1,
    ):
        given = dict(
            size=size, kernel_size=kernel_size, padding=padding, stride=stride, dilation=dilation
        )
        values = {name: control.check(given[name]) for name, control in CONV_CONTROLS.items()}
        self.grid = ConvGrid(**values)
        self.sliders, self.links = linked_sliders(
            CONV_CONTROLS,
            values,
            self.grid,
            style={"description_width": "7em"},  # tracks line up
        )
        super().__init__([widgets.VBox(list(self.sliders.values())), self.grid])
        self.add_class("conv-explorer-box")
        self.add_class(EXPLORER_CLASS)

    @property
    def output_size(self) -> int | None:
        """The output's side for the current slider values, or None when the kernel does not fit.

        Read from the sliders, whose values reach Python whenever they move in the browser.
        """
        try:
            return conv_out_size(**{name: slider.value for name, slider in self.sliders.items()})
        except ValueError:
            return None
