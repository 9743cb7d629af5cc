"""The convolution explorer of lesson 03: the input, padding, kernel and output grids for the
size n, kernel k, padding p, stride s and dilation d you choose."""

import anywidget
import ipywidgets as widgets
import traitlets

from coursecode._validate import check_int
from coursecode.arithmetic import conv_out_size
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import FOCUS_CSS
from coursecode.explorers._base import SHARED_CSS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_repr

SLIDER_RANGES = {
    "n": ("input size n", 1, 12),
    "k": ("kernel size k", 1, 7),
    "p": ("padding p", 0, 3),
    "s": ("stride s", 1, 4),
    "d": ("dilation d", 1, 3),
}
"""Each explorer slider: its label, minimum and maximum."""


class ConvGrid(CheckedTraits, anywidget.AnyWidget):
    """The drawing: padded input grid, the kernel's first positions, the output grid, the formula.

    Its JavaScript (``static/conv.js``) recomputes the output size
    itself, so the drawing follows jslinked sliders without Python.
    """

    _esm = esm_module("conv.js")
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

    __repr__ = explorer_repr

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
