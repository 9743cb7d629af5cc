"""What every explorer shares: where their JavaScript lives and how it travels (one ES module
per widget, without comments), the checked traits, the outer box's class and style, the
checks of an image, and the text a notebook keeps for an explorer.

A private module with public names: the explorers import them (tests/test_package.py).
"""

import json
import numbers
import re
from dataclasses import dataclass
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


JSON_IMPORT = re.compile(
    r'^import\s+(?P<name>\w+)\s+from\s*"\./(?P<file>[\w.-]+\.json)"\s*with\s*\{\s*type:\s*"json"\s*\};'
    r"[ \t]*\n",
    re.M,
)
"""An ES module's import of a JSON file beside it:
``import TEXT from "./answer_text.json" with { type: "json" };``."""


def bundle(paths) -> str:
    """The files at ``paths`` (ES modules, each after the ones it imports from; the last is the
    widget's own) as one module: their imports of one another dropped, since they now share
    one scope, an import of a JSON file beside one made a constant holding its data, and only
    what the last file uses, directly or through another, kept (:func:`used_only`), without
    comments. An import of a file that is not in the bundle, or not before the importer, is an
    error: the page would miss the names."""
    texts, seen = [], set()
    for path in paths:
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        for match in LOCAL_IMPORT.finditer(text):
            if match["file"] not in seen:
                raise ValueError(
                    f"{path.name} imports from {match['file']}, which the bundle does not "
                    f"put before it ({', '.join(sorted(seen)) or 'nothing'})"
                )
        text = JSON_IMPORT.sub(
            lambda m, here=path.parent: f"const {m['name']} = {_json_text(here / m['file'])};\n",
            text,
        )
        texts.append(LOCAL_IMPORT.sub("", text))
        seen.add(path.name)
    return without_comments(used_only(texts))


_COMMENTS = re.compile(r"^[ \t]*/\*\*(?:.|\n)*?\*/[ \t]*\n|^[ \t]*//.*\n", re.M)
_STARTS = re.compile(r"^(?![ \t}\])]|$)", re.M)  # a line that begins a top-level statement
_DECLARES = re.compile(
    r"^(?:export\s+)?(?:(?:async\s+)?function\*?\s+(?P<function>[\w$]+)"
    r"|(?:const|let|var|class)\s+(?:(?P<name>[\w$]+)|\{(?P<names>[^}]*)\}))"
)
_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def used_only(texts: list[str]) -> str:
    """The modules ``texts`` joined, with only the top-level declarations that the last one
    uses, directly or through another: the shared files (``drawing.js``, ``conv_math.js``)
    hold helpers that most widgets never call, and every widget's code travels in its page.

    A top-level statement begins at the start of a line (this project's style: ESLint
    checks the files, and a test lints every bundle for undefined names); a statement that
    declares nothing (``export default { render };``) is always kept. A name used only in a
    string keeps its declaration too: more than needed, never less."""
    statements = []  # (declared names, text, is the widget's own)
    for index, text in enumerate(texts):
        text = _COMMENTS.sub("", text)
        starts = [m.start() for m in _STARTS.finditer(text)] + [len(text)]
        for begin, end in zip(starts, starts[1:]):
            piece = text[begin:end]
            if not piece.strip():
                continue
            found = _DECLARES.match(piece)
            names = set()
            if found and found["names"] is not None:  # const { a: A, b } = ...
                names = {part.split(":")[-1].strip() for part in found["names"].split(",")}
            elif found:
                names = {found["function"] or found["name"]}
            statements.append((names - {""}, piece, index == len(texts) - 1))
    declared_by = {name: i for i, (names, _, _) in enumerate(statements) for name in names}
    kept = {i for i, (names, _, own) in enumerate(statements) if own or not names}
    todo = list(kept)
    while todo:
        for word in set(_WORD.findall(statements[todo.pop()][1])):
            i = declared_by.get(word)
            if i is not None and i not in kept:
                kept.add(i)
                todo.append(i)
    return "\n".join(piece for i, (_, piece, _) in enumerate(statements) if i in kept)


def _json_text(path: Path) -> str:
    """A JSON file's data, compact, as a JavaScript expression."""
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), separators=(",", ":"))


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


def check_in_range(value, name: str, low: int, high: int | None) -> int:
    """``value`` as an int, or a TypeError or ValueError that names ``name`` and its range
    (NumPy integers accepted; a bool is not a number here)."""
    allowed = f"an integer from {low} to {high}" if high is not None else f"an integer >= {low}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return int(value)


@dataclass(frozen=True)
class Control:
    """A slider, declared once: the name it has in Python and in the JavaScript (the drawing's
    trait, the explorer's argument, the key of ``sliders``), its label, range, step and
    starting value. The drawing's trait (:meth:`trait`), the slider (:meth:`slider`), the
    explorer's check of its argument (:meth:`check`) and the JavaScript's limits (the
    drawing's ``limits``, :class:`CheckedTraits`) all come from it."""

    name: str
    label: str
    low: int
    high: int
    default: int
    step: int = 1

    def trait(self) -> traitlets.Int:
        """The drawing's synced trait: refuses a value outside the range."""
        return traitlets.Int(self.default, min=self.low, max=self.high).tag(
            sync=True, step=self.step
        )

    def check(self, value) -> int:
        """An explorer's argument for this control, checked as the package checks arguments."""
        value = check_in_range(value, self.name, self.low, self.high)
        if (value - self.low) % self.step:
            raise ValueError(
                f"{self.name} must be {self.low} plus a multiple of {self.step}, got {value}"
            )
        return value

    def slider(self, value: int, **options) -> widgets.IntSlider:
        """The slider, starting at ``value``; ``options`` for its layout and style."""
        return widgets.IntSlider(
            value=value,
            min=self.low,
            max=self.high,
            step=self.step,
            description=self.label,
            continuous_update=True,
            **options,
        )


def controls(*declared: Control) -> dict[str, Control]:
    """Controls by name, in the order the explorer shows them."""
    return {control.name: control for control in declared}


def linked_sliders(
    declared: dict[str, Control], values: dict[str, int], drawing, **options
) -> tuple[dict[str, widgets.IntSlider], list]:
    """The sliders of ``declared``, starting at ``values``, each ``jslink``-ed to the drawing's
    trait of its name: jslink, not observe, so that the browser keeps slider and drawing in
    step, kernel or not. ``options`` for every slider's layout and style."""
    sliders = {name: control.slider(values[name], **options) for name, control in declared.items()}
    links = [widgets.jslink((slider, "value"), (drawing, name)) for name, slider in sliders.items()]
    return sliders, links


class CheckedTraits(traitlets.HasTraits):
    """Mixed into each explorer's drawing (before ``anywidget.AnyWidget``): the drawing's
    integer traits are checked when it is made as the package checks arguments, with a
    TypeError or ValueError that names the trait and its range (traitlets' own TraitError is
    neither), NumPy integers accepted; then its ``image`` against ``height`` × ``width``.

    Every integer trait has the range its slider or menu has (``traitlets.Int(min=, max=)``,
    from a :class:`Control`), so a later assignment out of range is refused too (with
    traitlets' TraitError). The JavaScript checks the same ranges again, for values that come
    from the page: it reads them from ``limits``, which the drawing fills from its traits
    (``{name: [min, max, step]}``), so that each range is written once.
    """

    _image_channels = 1  # numbers per pixel in ``image``
    limits = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs):
        traits = self.class_traits()
        for name, value in kwargs.items():
            trait = traits.get(name)
            if type(trait) is traitlets.Int:
                kwargs[name] = check_in_range(value, name, trait.min, trait.max)
        kwargs["limits"] = {
            name: [trait.min, trait.max, trait.metadata.get("step", 1)]
            for name, trait in traits.items()
            if type(trait) is traitlets.Int and trait.metadata.get("sync") and trait.max is not None
        }
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
it for screen readers (``nameControls`` in ``drawing.js``), and the tests find the
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
.course-explorer { max-width: 100%; }
.course-explorer .widget-hbox { flex-wrap: wrap; }
.course-explorer .widget-hslider { width: 340px; max-width: 100%; }
.course-explorer .widget-hslider .slider-container { min-width: 120px; }
.course-explorer canvas, .course-explorer svg { max-width: 100%; height: auto; }
.course-explorer .widget-dropdown, .course-explorer .widget-checkbox { max-width: 100%; }
.course-explorer .widget-dropdown > select { min-width: 0; }
.course-explorer .widget-checkbox, .course-explorer .widget-checkbox label { height: auto; }
.course-explorer .widget-checkbox label { white-space: normal; align-items: center; }
.course-explorer select, .course-explorer button { min-height: 24px; }
@media (pointer: coarse) { .course-explorer { --jp-widgets-slider-handle-size: 24px; } }
.course-explorer input[type="checkbox"] { width: 24px; height: 24px; margin: 0 6px 0 0; }
"""
"""What every explorer's drawing shares, after :data:`FOCUS_CSS`: captions in the text's own
colour (the theme greys them, too faint on the light box its dark mode puts widgets in), the
colour bar under a map (``legend`` in ``drawing.js``: its end values, and 0 in the
middle of a blue-white-red one) and the note that says a number box is empty and which value
the drawing still uses (``guardNumberBoxes``); and on a phone (360–400 px, touch), controls that
wrap rather than squeeze (a slider's track at least 120 px), drawings that scale down to fit,
and touch targets of at least 24 × 24 px (WCAG 2.2)."""


def explorer_css(name: str) -> str:
    """An explorer's style: :data:`FOCUS_CSS`, its own file beside its module (``pool.css``),
    then :data:`SHARED_CSS`."""
    return FOCUS_CSS + (JS_DIR / name).read_text(encoding="utf-8") + SHARED_CSS


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
