"""Sliders that make padding, stride and dilation tangible.

Introduced in lessons/03_padding_stride. ``ConvExplorer`` draws in the browser
(an anywidget) and its sliders are ``jslink``-ed to the drawing, so it stays
interactive on the static book page, with no kernel. ``kernel_explorer`` runs
a real ``F.conv2d`` in Python, so it needs a live kernel.
"""

import base64
import html
import io
from pathlib import Path

import anywidget
import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
import traitlets

from coursecode._validate import check_int
from coursecode._validate import check_tensor
from coursecode.arithmetic import conv_out_size
from coursecode.plotting import show_image

__all__ = ["ConvExplorer", "ConvGrid", "JS_PATH", "SLIDER_RANGES", "kernel_explorer"]

JS_PATH = Path(__file__).parent / "static" / "conv_explorer.js"
"""The explorer's drawing code, shipped with the package (the formula's JavaScript twin)."""

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

    _esm = JS_PATH
    _css = """
    .conv-explorer { font-family: sans-serif; font-size: 14px; margin-top: 6px; }
    .conv-explorer-formula { font-family: monospace; margin-bottom: 2px; }
    .conv-explorer-size { font-weight: bold; margin-bottom: 6px; }
    .conv-explorer-invalid { color: #b00020; }
    """
    n = traitlets.Int(5).tag(sync=True)
    k = traitlets.Int(3).tag(sync=True)
    p = traitlets.Int(1).tag(sync=True)
    s = traitlets.Int(1).tag(sync=True)
    d = traitlets.Int(1).tag(sync=True)


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


def kernel_explorer(image: torch.Tensor, kernel: torch.Tensor) -> widgets.VBox:
    """Sliders for stride and padding that show ``F.conv2d(image, kernel)`` and its shape.

    The feature map is computed in Python, so the sliders only respond in a
    live kernel (Jupyter, Binder, Colab); a static page shows the first state.

    Parameters
    ----------
    image
        A 2-D image (H, W), e.g. an MNIST digit viewed as 28×28.
    kernel
        A 2-D kernel (kH, kW).
    """
    check_tensor(image, "image", (2,), "(H, W)")
    check_tensor(kernel, "kernel", (2,), "(kH, kW)")
    image = image.detach().float().cpu()
    kernel = kernel.detach().float().cpu()
    stride = widgets.IntSlider(value=1, min=1, max=4, description="stride")
    padding = widgets.IntSlider(value=0, min=0, max=4, description="padding")
    # The picture is an <img> inside an HTML widget rather than an Output area: it is plain
    # widget state (shown the same in Jupyter, under nbval and on the static page), and it
    # can carry alt text.
    picture = widgets.HTML()
    caption = widgets.HTML()

    def update(change=None):
        s, p = stride.value, padding.value
        try:
            conv_out_size(tuple(image.shape), tuple(kernel.shape), s, p)
        except ValueError as err:
            caption.value = f"<b>no output:</b> {html.escape(str(err))}"
            return
        fmap = F.conv2d(image[None, None], kernel[None, None], stride=s, padding=p)[0, 0]
        fig, axs = plt.subplots(1, 2, figsize=(5, 2.6))
        show_image(image, ax=axs[0], title=f"input {tuple(image.shape)}")
        show_image(fmap, ax=axs[1], title=f"output {tuple(fmap.shape)}")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        plt.close(fig)
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        picture.value = (f'<img src="data:image/png;base64,{png}" alt="The input image and its '
                         f'{fmap.shape[0]}×{fmap.shape[1]} feature map for stride {s}, padding {p}">')
        caption.value = (f"stride {s}, padding {p}: output <b>{fmap.shape[0]}×{fmap.shape[1]}</b> "
                         f"= ⌊({image.shape[0]} + 2·{p} − {kernel.shape[0]}) / {s}⌋ + 1")

    stride.observe(update, "value")
    padding.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([stride, padding]), caption, picture])
