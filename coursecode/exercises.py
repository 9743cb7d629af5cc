"""Answer boxes: the exercises done on the page, with no Python behind it.

Introduced in every lesson's "Check yourself". ``answer_box("check_map_size")``
shows a box under the question: type an answer, press Enter, and read what the
checker of that name says, computed in the browser (``static/checks.js``) from
the same table (:data:`coursecode.checks.CHECKS`) the Python checker reads. A
right answer is remembered in the browser (localStorage; nothing leaves the
machine), and the lesson's title shows how many of its boxes are answered.
"""

from pathlib import Path

import anywidget
import traitlets

from coursecode.checks import CHECKS
from coursecode.widgets import without_comments

__all__ = ["CHECKS_JS_PATH", "AnswerBox", "answer_box"]

STATIC = Path(__file__).parent / "static"
CHECKS_JS_PATH = STATIC / "checks.js"
"""The checkers' verdicts in JavaScript, a DOM-free ES module Node can import."""


class AnswerBox(anywidget.AnyWidget):
    """A box that checks a typed answer on the page, as the checker ``name`` does in Python."""

    _esm = without_comments("\n".join(path.read_text(encoding="utf-8")
                                      for path in (CHECKS_JS_PATH, STATIC / "answer_box.js")))
    _css = """
    .answer-box { font-family: sans-serif; font-size: 14px; margin: 4px 0 8px; padding: 8px 10px;
                  border-left: 4px solid #1f77b4; background: #f4f8fc; }
    .answer-box form { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .answer-box input { font-family: monospace; font-size: 14px; padding: 2px 6px;
                        min-width: 14em; }
    .answer-box .answer-feedback { margin: 6px 0 0; }
    .answer-box .answer-right { color: #1b5e20; }
    .answer-box .answer-wrong { color: #8b1a1a; }
    .answer-progress { font-family: sans-serif; font-size: 14px; color: #333; margin-top: -6px; }
    """
    name = traitlets.Unicode().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    answer = traitlets.Unicode("").tag(sync=True)
    """The last answer checked on the page (it reaches Python when a kernel is connected)."""

    def __init__(self, name: str):
        if not isinstance(name, str):
            raise TypeError(f"name must be a checker's name such as 'check_map_size', "
                            f"got {type(name).__name__}")
        if name not in CHECKS:
            raise ValueError(f"name must be one of the table-driven checkers {sorted(CHECKS)}, "
                             f"got {name!r}")
        super().__init__(name=name, spec=CHECKS[name])

    def __repr__(self) -> str:
        return f"AnswerBox({self.name}): an answer box. Run this cell in Jupyter to use it."


def answer_box(check) -> AnswerBox:
    """An answer box for a checker, given as the function (``check_map_size``) or its name."""
    name = getattr(check, "__name__", check)
    return AnswerBox(name)
