"""Make the notebooks a launch opens (notebooks/NN_topic.ipynb) from the lessons.

    python scripts/make_notebooks.py            # write every launched notebook
    python scripts/make_notebooks.py --check    # write nothing; say what differs, cell by cell

Each is made from the lesson's .md and the glued values of its executed .ipynb
(coursedev/launch.py says how: plain Markdown + LaTeX, a setup cell that installs
coursecode where it is missing, hidden cells hidden in JupyterLab and Colab, no outputs).
scripts/execute_lessons.py runs this after it runs a lesson; commit notebooks/ with the
lesson. --check exits 1 when a notebook is not what this script writes (a lesson changed
without it, or a learner's run saved over it in JupyterLab), and names what changed.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursecode import __version__  # noqa: E402
from coursedev.launch import differences  # noqa: E402
from coursedev.launch import launched_notebook  # noqa: E402
from coursedev.launch import launched_path  # noqa: E402
from coursedev.launch import lesson_files  # noqa: E402
from coursedev.launch import text_of  # noqa: E402


def make(lessons: list[Path], check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) the launched notebook of each lesson; return what
    differs, one line per difference (empty when every notebook is current)."""
    said = []
    for md in lessons:
        text = text_of(launched_notebook(md, __version__, ROOT))
        path = launched_path(md, ROOT)
        if not check:
            path.parent.mkdir(exist_ok=True)
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(path)
            continue
        name = path.relative_to(ROOT).as_posix()
        if not path.exists():
            said.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            found = json.loads(path.read_text(encoding="utf-8"))
            changes = differences(json.loads(text), found) or ["its layout (same content)"]
            said += [f"{name}: {change}" for change in changes]
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("lessons", nargs="*", type=Path, help="lesson .md files (default: all)")
    args = parser.parse_args()
    lessons = [md.resolve() for md in args.lessons] or lesson_files(ROOT)
    said = make(lessons, check=args.check)
    for line in said:
        print(line)
    if said:
        print(
            "These notebooks are not what the lessons make: run python scripts/make_notebooks.py "
            "(it writes them again from lessons/; a learner's changes in them are lost)."
        )
        return 1
    if not args.check:
        print(f"wrote {len(lessons)} notebook(s) in notebooks/ (coursecode=={__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
