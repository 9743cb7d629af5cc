"""Re-sync every lesson's .ipynb from its .md and execute it, keeping the outputs.

    python scripts/execute_lessons.py                 # all lessons
    python scripts/execute_lessons.py lessons/01_kernels.md

Run it after changing a lesson or `coursecode`, then commit the three files: the
.md is the source of truth; the .ipynb carries the outputs that `pytest --nbval`
re-checks; notebooks/NN_topic.ipynb, made from both by scripts/make_notebooks.py
(which this runs), is the notebook that a launch opens. Each lesson's run time is printed.

Once a lesson has run, its .md is rewritten as jupytext writes it for the new
notebook (the same text, but for layout jupytext chooses, such as how a long alt
text in a cell's metadata wraps), so that the pair is in sync as JupyterLab sees
it. A lesson that fails leaves both files as they were.
"""

import argparse
import sys
import time
from pathlib import Path

import jupytext
import make_notebooks  # scripts/, beside this file
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"


def sync_and_execute(md: Path, timeout: int = 120) -> float:
    """Rebuild ``md``'s paired notebook from the .md, run it in ``lessons/``, write it; return
    seconds."""
    nb = jupytext.read(md)
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,md:myst"
    _keep_cell_ids(nb, md.with_suffix(".ipynb"))
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(md.parent)}},
        record_timing=False,  # no timestamps: the committed notebook only changes when outputs do
        store_widget_state=True,  # slider states, so widgets render without a kernel
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if not _has_widgets(nb):
        nb.metadata.pop("widgets", None)  # an empty widget state is noise in the diff
    nbformat.write(nb, md.with_suffix(".ipynb"))
    paired = jupytext.writes(jupytext.read(md.with_suffix(".ipynb")), fmt="md:myst")
    if paired != md.read_text(encoding="utf-8"):
        md.write_text(paired, encoding="utf-8")
        print(f"{md.name}: rewritten in jupytext's layout")
    return seconds


def _keep_cell_ids(nb, ipynb: Path) -> None:
    """Give cells the ids they had in the committed notebook (by position), so that a diff
    shows the changed cells, not a new random id on every cell."""
    if not ipynb.exists():
        return
    old = nbformat.read(ipynb, as_version=4).cells
    for new_cell, old_cell in zip(nb.cells, old):
        if new_cell.cell_type == old_cell.cell_type and "id" in old_cell:
            new_cell["id"] = old_cell["id"]


def _has_widgets(nb) -> bool:
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return bool(state.get("state"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", type=Path, help="lesson .md files (default: all)")
    args = parser.parse_args()
    lessons = args.lessons or sorted(LESSONS.glob("[0-9][0-9]_*.md"))
    for md in lessons:
        seconds = sync_and_execute(md.resolve())
        print(f"{md.name:<32} executed in {seconds:5.1f} s -> {md.with_suffix('.ipynb').name}")
    make_notebooks.make([md.resolve() for md in lessons])
    print(f"launched notebooks written: notebooks/ ({len(lessons)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
