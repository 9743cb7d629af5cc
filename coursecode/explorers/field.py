"""The receptive-field explorer of lesson 06: click a unit and see the pixels it sees."""

import anywidget
import ipywidgets as widgets
import torch
import torch.nn.functional as F
import traitlets

from coursecode.arithmetic import conv_out_size
from coursecode.explorers._base import CUSTOM
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import JS_DIR
from coursecode.explorers._base import MAX_PIXELS
from coursecode.explorers._base import CheckedTraits
from coursecode.explorers._base import check_image
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_css
from coursecode.explorers._base import explorer_repr
from coursecode.explorers._base import rounded
from coursecode.inspection import receptive_field
from coursecode.inspection import spatial_layers

FIELD_MATH_PATH = JS_DIR / "field_math.js"
"""The field explorer's arithmetic (sizes, the recurrence, which units feed a unit)."""

FIELD_STACKS = {
    "lesson 4's first three layers (3×3, stride 2)": [(3, 2, 1, 1)] * 3,
    "lesson 4's five layers (3×3, stride 2)": [(3, 2, 1, 1)] * 5,
    "three 3×3 layers, stride 1": [(3, 1, 1, 1)] * 3,
    "one 7×7 layer": [(7, 1, 3, 1)],
    "dilated 3×3 layers (dilation 1, 2, 4)": [(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)],
    "VGG-16's first two blocks (3×3 convs, 2×2 pools)": [(3, 1, 1, 1)] * 2
    + [(2, 2, 0, 1)]
    + [(3, 1, 1, 1)] * 2
    + [(2, 2, 0, 1)],
    "AlexNet's conv1, pool1, conv2": [(11, 4, 2, 1), (3, 2, 0, 1), (5, 1, 2, 1)],
}
"""The field explorer's menu: stacks of (kernel, stride, padding, dilation), as lesson 6 lists
them."""

FIELD_RANGES = {"kernel": (1, 11), "stride": (1, 4), "padding": (0, 5), "dilation": (1, 4)}
"""What the field explorer's boxes accept for each layer: minimum and maximum."""

_MAX_FIELD_LAYERS = 8


def _field_stack(layers) -> list[list[int]]:
    """Layers as [[k, s, p, d], ...] of square, in-range values, from a module or a list."""
    found = spatial_layers(layers)
    if not 1 <= len(found) <= _MAX_FIELD_LAYERS:
        raise ValueError(
            f"layers must hold 1 to {_MAX_FIELD_LAYERS} spatial layers, got {len(found)}"
        )
    stack = []
    for name, values in found:
        row = []
        for (what, (low, high)), pair in zip(FIELD_RANGES.items(), values):
            if pair[0] != pair[1]:
                raise ValueError(f"{name}: the explorer draws square layers; its {what} is {pair}")
            if not low <= pair[0] <= high:
                raise ValueError(f"{name}: {what} must be between {low} and {high}, got {pair[0]}")
            row.append(int(pair[0]))
        stack.append(row)
    return stack


class FieldView(CheckedTraits, anywidget.AnyWidget):
    """The drawing of :class:`FieldExplorer`: the input, every layer's grid, the field table.

    Its JavaScript (``field.js`` after ``field_math.js``) walks
    the layers itself, so clicks, the arrow keys, the layer boxes and the jslinked
    menu work without Python.
    """

    _esm = esm_module("field.js", "field_math.js", shared_math=False)
    _css = explorer_css("field.css")
    image = traitlets.List(traitlets.Float()).tag(sync=True)
    height = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    width = traitlets.Int(1, min=1, max=MAX_PIXELS).tag(sync=True)
    layers = traitlets.List(traitlets.List(traitlets.Int())).tag(sync=True)
    ranges = traitlets.Dict().tag(sync=True)
    stacks = traitlets.List().tag(sync=True)
    # "your layers", the stacks, "custom"
    stack = traitlets.Int(0, min=0, max=len(FIELD_STACKS) + 1).tag(sync=True)
    level = traitlets.Int(1, min=1, max=_MAX_FIELD_LAYERS).tag(sync=True)
    row = traitlets.Int(0, min=0, max=MAX_PIXELS).tag(sync=True)
    col = traitlets.Int(0, min=0, max=MAX_PIXELS).tag(sync=True)

    @traitlets.validate("layers")
    def _valid_layers(self, proposal):
        layers = proposal["value"]
        if not 1 <= len(layers) <= _MAX_FIELD_LAYERS:
            raise traitlets.TraitError(
                f"layers must hold 1 to {_MAX_FIELD_LAYERS} layers, got {len(layers)}"
            )
        for i, layer in enumerate(layers):
            if len(layer) != 4 or not all(
                low <= v <= high for v, (low, high) in zip(layer, FIELD_RANGES.values())
            ):
                ranges = ", ".join(
                    f"{name} {low}–{high}" for name, (low, high) in FIELD_RANGES.items()
                )
                raise traitlets.TraitError(
                    f"layers[{i}] must be [kernel, stride, padding, "
                    f"dilation] within {ranges}, got {layer}"
                )
        return layers


class FieldExplorer(widgets.VBox):
    """Click a unit in any layer and see the input pixels it sees: its receptive field.

    A menu picks a stack of layers from :data:`FIELD_STACKS` (or starts from
    yours); boxes edit each layer's kernel, stride, padding and dilation, and add or
    remove layers (after such an edit the menu says "custom", and "reset the layers" goes
    back to the stack last chosen from it). Layers are named from 1, as
    :func:`~coursecode.inspection.receptive_field` names them; units count from 0.
    Clicking a unit (or moving it with the arrow keys) highlights the input pixels it
    depends on, clipped at the border, and the units of every layer in between that feed
    it; a table gives each layer's field size, jump and start by lesson 6's recurrence.
    All computed in the browser, so it works on a static page; ``table()`` and
    ``region()`` give ``receptive_field`` and PyTorch's gradient region for the current
    state in a live notebook.

    Parameters
    ----------
    image
        A 2-D image (H, W) of at most 64×64 pixels, e.g. a 28×28 digit.
    layers
        The stack to start with: an ``nn.Module`` (its Conv2d and pooling layers) or a
        list of ``(kernel, stride, padding[, dilation])``, 1 to 8 layers, square, within
        :data:`FIELD_RANGES`. Default: the first stack of :data:`FIELD_STACKS`.

    Examples
    --------
    >>> explorer = FieldExplorer(torch.rand(28, 28))
    >>> explorer.unit()
    (3, 1, 1)
    >>> explorer.region()
    ((1, 15), (1, 15))
    """

    __repr__ = explorer_repr

    def __init__(self, image: torch.Tensor, layers=None):
        image = check_image(image)
        stacks = [[name, [list(layer) for layer in stack]] for name, stack in FIELD_STACKS.items()]
        index = 0
        if layers is not None:
            mine = _field_stack(layers)
            index = next((i for i, (_, s) in enumerate(stacks) if s == mine), None)
            if index is None:
                stacks.insert(0, ["your layers", mine])
                index = 0
        stacks.append([CUSTOM, None])
        self.image = torch.tensor(rounded(image)).view(image.shape)
        stack = stacks[index][1]
        sizes = [tuple(image.shape)]
        for k, s, p, d in stack:
            try:
                sizes.append(tuple(conv_out_size(n, k, s, p, d) for n in sizes[-1]))
            except ValueError:
                raise ValueError(
                    f"layers do not fit a {tuple(image.shape)} image: layer "
                    f"{len(sizes)} (kernel {k}, stride {s}, padding {p}, dilation "
                    f"{d}) gets a {sizes[-1]} input"
                ) from None
        self.view = FieldView(
            image=rounded(self.image),
            height=image.shape[0],
            width=image.shape[1],
            layers=[list(layer) for layer in stack],
            ranges={k: list(v) for k, v in FIELD_RANGES.items()},
            stacks=stacks,
            stack=index,
            level=len(stack),
            row=(sizes[-1][0] - 1) // 2,
            col=(sizes[-1][1] - 1) // 2,
        )
        self.menu = widgets.Dropdown(
            options=[name for name, _ in stacks],
            index=index,
            description="layers",
            layout=widgets.Layout(width="30em"),
        )
        # jslink, not observe: the browser keeps the menu and the drawing in step.
        self.links = [widgets.jslink((self.menu, "index"), (self.view, "stack"))]
        super().__init__([self.menu, self.view])
        self.add_class("field-explorer-box")
        self.add_class(EXPLORER_CLASS)

    def layers(self) -> list[tuple[int, int, int, int]]:
        """The stack as the page holds it now: (kernel, stride, padding, dilation) per layer."""
        return [tuple(layer) for layer in self.view.layers]

    def unit(self) -> tuple[int, int, int]:
        """The chosen unit: (layer, row, column), the layer counted from 1."""
        return self.view.level, self.view.row, self.view.col

    def table(self):
        """``receptive_field`` of the current stack (the page's table), with each layer's output
        size."""
        return receptive_field(self.layers(), input_size=tuple(self.image.shape))

    def region(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The input rows and columns (first, last) where the chosen unit's gradient is not
        zero, through real ``nn.Conv2d`` layers with positive weights (lesson 6's check)."""
        level, row, col = self.unit()
        sizes = receptive_field(self.layers()[:level], input_size=tuple(self.image.shape))
        side = sizes["output"].iloc[-1] if level <= len(self.layers()) else None
        side = side if isinstance(side, tuple) else (side, side)
        if level > len(self.layers()) or not (0 <= row < side[0] and 0 <= col < side[1]):
            raise ValueError(
                f"no unit ({row}, {col}) in layer {level} of {len(self.layers())} "
                f"(choose one on the page, or set view.level, view.row, view.col)"
            )
        x = torch.ones(1, 1, *self.image.shape, dtype=torch.float64, requires_grad=True)
        y = x
        for k, s, p, d in self.layers()[:level]:
            y = F.conv2d(
                y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, padding=p, dilation=d
            )
        y[0, 0, row, col].backward()
        if not x.grad.any():
            raise ValueError(
                f"unit ({row}, {col}) of layer {level} sees only padding: no input pixel at all"
            )
        rows = torch.nonzero(x.grad[0, 0].sum(1)).flatten()
        cols = torch.nonzero(x.grad[0, 0].sum(0)).flatten()
        return (rows.min().item(), rows.max().item()), (cols.min().item(), cols.max().item())
