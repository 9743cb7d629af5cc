"""Answer boxes: the exercises done on the page, with no Python behind it.

Introduced in every lesson's "Check yourself". ``answer_box("check_map_size")``
shows a box under the question: type an answer, press Enter, and read what the
checker of that name says, computed in the browser (``static/checks.js``) from
the same table (:data:`coursecode.checks.CHECKS`) the Python checker reads. A
right answer is remembered in the browser (localStorage; nothing leaves the
machine) until a wrong one replaces it, and judged again on the next visit, where it
counts only if it is still right. The line under the lesson's title says how many of
the page's boxes hold a right answer now, and which of its exercises have no box.

The boxes' JavaScript and style travel once per page, not once per box: they are the
``source`` and ``css`` of one :class:`AnswerCode` widget, which every box refers to, and each
box's own module is a few lines that load them from there.
"""

from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from coursecode.checks import CHECKS
from coursecode.explorers._base import bundle

__all__ = ["CHECKS_JS_PATH", "AnswerBox", "AnswerCode", "answer_box"]

STATIC = Path(__file__).parent / "static"
CHECKS_JS_PATH = STATIC / "checks.js"
"""The checkers' verdicts in JavaScript, a DOM-free ES module Node can import."""


class AnswerCode(anywidget.AnyWidget):
    """The answer boxes' JavaScript (``checks.js`` and ``answer_box.js``) and style, held once.

    It draws nothing. Every :class:`AnswerBox` refers to the one instance
    :func:`_answer_code` keeps, so a page's widget state holds this code once however many
    boxes the page has.
    """

    _esm = "export default {};"
    # Light and dark (the book's dark theme sets data-theme="dark" on <html>): every text at
    # least 4.5:1 against its background (WCAG AA; axe checks both in tests/test_browser.py).
    # In dark mode the theme sets every widget on a light panel; a box draws its own dark one.
    css = traitlets.Unicode(
        """
    .answer-box { font-family: sans-serif; font-size: 14px; margin: 4px 0 8px; padding: 8px 10px;
                  border-left: 4px solid #1f77b4; background: #f4f8fc; color: #1d2430; }
    .answer-box form { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .answer-box input { font-family: monospace; font-size: 14px; padding: 2px 6px;
                        min-width: 14em; }
    .answer-box .answer-feedback { margin: 6px 0 0; }
    .answer-box .answer-right { color: #1b5e20; }
    .answer-box .answer-wrong { color: #8b1a1a; }
    .answer-box .answer-note { font-style: italic; }
    .answer-progress { font-family: sans-serif; font-size: 14px; color: #3b4554; margin-top: -6px; }
    html[data-theme="dark"] .answer-box { background: #1f2733; color: #ced6dd;
                                          border-left-color: #5fa8e8; }
    html[data-theme="dark"] .answer-box .answer-right { color: #8fd19e; }
    html[data-theme="dark"] .answer-box .answer-wrong { color: #f4a3a3; }
    html[data-theme="dark"] .answer-progress { color: #b8c0ca; }
    html[data-theme="dark"] .bd-content div.cell_output .widget-subarea:has(> .answer-box) {
        background: none; padding: 0; }
    """
    ).tag(sync=True)
    """The boxes' style, put in the page once by the first box that draws."""
    source = traitlets.Unicode(bundle([CHECKS_JS_PATH, STATIC / "answer_box.js"])).tag(sync=True)


_shared_code: AnswerCode | None = None


def _answer_code() -> AnswerCode:
    """The kernel's one AnswerCode (made again if someone closed it)."""
    global _shared_code
    if _shared_code is None or _shared_code.comm is None:
        _shared_code = AnswerCode()
    return _shared_code


# Each box's module: fetch the code from the AnswerCode it refers to, import it once per
# page (a Blob URL, as anywidget itself loads modules), and let it draw the box.
_LOADER = """
export default {
  async render({ model, el }) {
    const id = model.get("code").replace(/^IPY_MODEL_/, "");
    const loaded = (globalThis.courseAnswerCode ??= new Map());
    if (!loaded.has(id)) {
      loaded.set(id, model.widget_manager.get_model(id).then((holder) => {
        const blob = new Blob([holder.get("source")], { type: "text/javascript" });
        return import(URL.createObjectURL(blob));
      }));
    }
    const code = await loaded.get(id);
    if (!document.getElementById("course-answer-style")) {
      const holder = await model.widget_manager.get_model(id);
      const style = document.createElement("style");
      style.id = "course-answer-style";
      style.textContent = holder.get("css");
      document.head.appendChild(style);
    }
    return code.default.render({ model, el });
  },
};
"""


class AnswerBox(anywidget.AnyWidget):
    """A box that checks a typed answer on the page, as the checker ``name`` does in Python."""

    _esm = _LOADER
    code = traitlets.Instance(AnswerCode).tag(sync=True, **widgets.widget_serialization)
    """The page's one copy of the boxes' JavaScript."""
    name = traitlets.Unicode().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    answer = traitlets.Unicode("").tag(sync=True)
    """The last answer checked on the page (it reaches Python when a kernel is connected)."""

    def __init__(self, name: str):
        name = _table_checker(name, "name")
        super().__init__(name=name, spec=CHECKS[name], code=_answer_code())

    def __repr__(self) -> str:
        return f"AnswerBox({self.name}): an answer box. Run this cell in Jupyter to use it."


def answer_box(check) -> AnswerBox:
    """An answer box for a checker, given as the function (``check_map_size``) or its name.

    Examples
    --------
    >>> answer_box("check_map_size")
    AnswerBox(check_map_size): an answer box. Run this cell in Jupyter to use it.
    >>> answer_box("check_mapsize")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: check must name one of the table-driven checkers (...), got 'check_mapsize'
    """
    return AnswerBox(_table_checker(check, "check"))


def _table_checker(check, argument: str) -> str:
    """The name of a table-driven checker, given as the function or its name; the errors
    name ``argument``."""
    name = check if isinstance(check, str) else getattr(check, "__name__", None)
    if not isinstance(name, str):
        raise TypeError(
            f"{argument} must be a checker such as check_map_size or its name, "
            f"the checker's name as text ('check_map_size'), got {type(check).__name__}"
        )
    if name not in CHECKS:
        raise ValueError(
            f"{argument} must name one of the table-driven checkers "
            f"({', '.join(sorted(CHECKS))}), got {name!r}"
        )
    return name
