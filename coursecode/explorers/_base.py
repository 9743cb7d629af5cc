"""What every explorer shares: where their JavaScript lives and how it travels (one ES module
per widget, without comments), the checked traits, the outer box's class and style, the
checks of an image, and the text a notebook keeps for an explorer.

A private module with public names: the explorers import them (tests/test_package.py).
"""

import numbers
import re
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import torch
import traitlets

from coursecode._validate import check_tensor

JS_DIR = Path(__file__).parent
"""The explorers' folder: each explorer's JavaScript lies beside its Python module
(``pool.py``, ``pool.js``, ``pool_math.js``), the shared files beside ``_base.py``."""
MATH_PATH = JS_DIR / "conv_math.js"
"""The explorers' arithmetic (output size, convolution), a DOM-free ES module Node can import."""
JS_PATH = JS_DIR / "conv.js"
"""The ConvExplorer's drawing code."""


def without_comments(code: str) -> str:
    """JavaScript without its comments (``// ...`` lines, ``/** ... */`` blocks, and a
    ``  // ...`` after code, unless a string is open there), blank lines or indentation: every
    widget's code travels in each page's widget state, once per widget."""
    code = re.sub(r"(?m)^[ \t]*/\*\*.*?\*/[ \t]*\n", "", code, flags=re.S)
    lines = []
    for line in code.splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        at = line.find("  // ")
        if at > 0 and all(line[:at].count(quote) % 2 == 0 for quote in "'\"`"):
            line = line[:at]
        lines.append(line)
    return "\n".join(lines) + "\n"


LOCAL_IMPORT = re.compile(
    r'^import\s*\{(?P<names>[^}]*)\}\s*from\s*"\./(?P<file>[\w.-]+\.js)";[ \t]*\n', re.M
)
"""An ES module's import of another file beside it: ``import { a, b } from "./drawing.js";``."""


def bundle(paths) -> str:
    """The files at ``paths`` (ES modules, each after the ones it imports from) as one module:
    their imports of one another dropped, since they now share one scope, and their comments
    too. An import of a file that is not in the bundle, or not before the importer, is an
    error: the page would miss the names."""
    texts, seen = [], set()
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        for match in LOCAL_IMPORT.finditer(text):
            if match["file"] not in seen:
                raise ValueError(
                    f"{Path(path).name} imports from {match['file']}, which the bundle does not "
                    f"put before it ({', '.join(sorted(seen)) or 'nothing'})"
                )
        texts.append(LOCAL_IMPORT.sub("", text))
        seen.add(Path(path).name)
    return without_comments("\n".join(texts))


def esm_module(drawing: str, *maths: str, shared_math: bool = True) -> str:
    """A widget's JavaScript as one ES module (:func:`bundle`): the shared arithmetic, the
    widget's own arithmetic modules (``maths``), the shared drawing helpers, then its drawing
    code, which imports what it uses from them.

    ``shared_math=False`` leaves the shared arithmetic (``conv_math.js``) out, for a widget
    that uses none of it: every widget carries its code in the page's state.
    """
    parts = ((MATH_PATH,) if shared_math else ()) + (
        *(JS_DIR / name for name in maths),
        JS_DIR / "drawing.js",
        JS_DIR / drawing,
    )
    return bundle(parts)


def explorer_repr(self) -> str:
    """The text a notebook keeps for an explorer: what shows where it cannot be drawn (a
    notebook opened before running, a viewer without widgets). Short, and the same on
    every machine, since nbval compares it."""
    return f"{type(self).__name__}: an explorer. Run this cell in Jupyter to use it."


class CheckedTraits:
    """Mixed into each explorer's drawing (before ``anywidget.AnyWidget``): the drawing's
    integer traits are checked when it is made as the package checks arguments, with a
    TypeError or ValueError that names the trait and its range (traitlets' own TraitError is
    neither), NumPy integers accepted; then its ``image`` against ``height`` × ``width``.

    Every integer trait has the range its slider or menu has (``traitlets.Int(min=, max=)``),
    so a later assignment out of range is refused too (with traitlets' TraitError); the
    JavaScript checks the same ranges again, for values that come from the page.
    """

    _image_channels = 1  # numbers per pixel in ``image``

    def __init__(self, **kwargs):
        traits = self.class_traits()
        for name, value in kwargs.items():
            trait = traits.get(name)
            if type(trait) is traitlets.Int:
                allowed = (
                    f"an integer from {trait.min} to {trait.max}"
                    if trait.max is not None
                    else f"an integer >= {trait.min}"
                )
                if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                    raise TypeError(f"{name} must be {allowed}, got {value!r}")
                if (trait.min is not None and value < trait.min) or (
                    trait.max is not None and value > trait.max
                ):
                    raise ValueError(f"{name} must be {allowed}, got {value}")
                kwargs[name] = int(value)
        try:
            super().__init__(**kwargs)
        except traitlets.TraitError as err:
            raise ValueError(str(err)) from None
        if "image" in traits and "height" in kwargs:
            expected = self._image_channels * self.height * self.width
            if self.height * self.width > MAX_PIXELS:
                raise ValueError(
                    f"height × width must be at most {MAX_PIXELS} pixels, got "
                    f"{self.height}×{self.width}"
                )
            if len(self.image) != expected:
                raise ValueError(
                    f"image must hold {expected} numbers ({self._image_channels} × "
                    f"height {self.height} × width {self.width}), got "
                    f"{len(self.image)}"
                )
            if not all(np.isfinite(self.image)):
                raise ValueError("image must hold finite numbers (no NaN or inf)")
        for name in ("preset", "stack"):  # an index into the menu's entries
            entries = kwargs.get(f"{name}s") if name in traits else None
            if entries is not None and getattr(self, name) >= len(entries):
                raise ValueError(
                    f"{name} must be an index into {name}s (0 to "
                    f"{len(entries) - 1}), got {getattr(self, name)}"
                )


EXPLORER_CLASS = "course-explorer"
"""The class of every explorer's outermost box: its drawing's JavaScript names the controls in
it for screen readers (``nameControls`` in ``static/drawing.js``), and the tests find the
explorers on a page by it."""

FOCUS_CSS = f"""
.{EXPLORER_CLASS} :focus-visible,
.{EXPLORER_CLASS} .widget-inline-hbox :is(input, select):focus-visible {{
  outline: 2px solid #1f77b4 !important; outline-offset: 1px; }}
"""
"""Every explorer's controls show where the keyboard's focus is: ipywidgets' own cue is a
faint border, or none (its menus and text boxes drop the browser's outline with
``outline: none !important``, which the second, more specific selector overrides). A patch
to ipywidgets' style, listed in book/PATCHES.md with the version it was written for."""

SHARED_CSS = """
.course-explorer figcaption, .course-explorer caption { color: inherit; }
.course-legend { width: 120px; margin-top: 3px; font-size: 11px; }
.course-legend-bar { height: 8px; border: 1px solid #999; }
.course-legend-labels { display: flex; justify-content: space-between; font-family: monospace; }
.course-box-note { font-weight: bold; margin: 4px 0; }
"""
"""What every explorer's drawing shares, after :data:`FOCUS_CSS`: captions in the text's own
colour (the theme greys them, too faint on the light box its dark mode puts widgets in), the
colour bar under a map (``legend`` in ``static/drawing.js``: its end values, and 0 in the
middle of a blue-white-red one) and the note that says a number box is empty and which value
the drawing still uses (``guardNumberBoxes``)."""

CUSTOM = "custom"
"""The last entry of every explorer's preset menu: the page points the menu at it when a hand
edit leaves the settings unlike every preset (and back at a preset the edit matches)."""

# A control's hover text: `tooltip` in ipywidgets 8, `description_tooltip` in the 7.7 that
# Colab ships (coursecode accepts both, so that installing it there keeps Colab's widgets).
TOOLTIP = "tooltip" if widgets.Text().has_trait("tooltip") else "description_tooltip"
MAX_PIXELS = 64 * 64  # the image travels in the page's widget state: keep it light


def check_image(image, name: str = "image") -> torch.Tensor:
    """A finite 2-D image small enough to travel in the page's widget state, as float32."""
    check_tensor(image, name, (2,), "(H, W)")
    if image.numel() > MAX_PIXELS:
        raise ValueError(
            f"{name} must have at most 64×64 = {MAX_PIXELS} pixels (it is "
            f"stored in the page), got {tuple(image.shape)}"
        )
    if not torch.isfinite(image).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return image.detach().float().cpu()


def rounded(t: torch.Tensor) -> list:
    """The numbers of ``t`` to four decimals: plenty for a picture, and a small page."""
    return [round(v, 4) for v in t.flatten().tolist()]
