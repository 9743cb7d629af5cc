"""Name the repository the course lives in: the buttons' address and the Colab setup cells.

    python scripts/set_repository.py owner/name      # or https://github.com/owner/name
    python scripts/set_repository.py ""              # no repository: no buttons

Writes `repository.url` in `_config.yml`, and the first code cell of every lesson (the
.md and its paired .ipynb, whose outputs stay as they are), which in Colab installs
`coursecode` from that repository. Everything is checked before anything is written.
Commit the changed files. The publish workflow sets
the buttons from GITHUB_REPOSITORY by itself; the Colab button appears only when the
setup cells name the same repository (book/_ext/course_repository.py).
"""

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from course_repository import HIDDEN_CELL  # noqa: E402
from course_repository import SETUP_FIRST_LINE  # noqa: E402
from course_repository import repository_address  # noqa: E402
from course_repository import setup_cell  # noqa: E402

CELL = re.compile(re.escape(HIDDEN_CELL) + re.escape(SETUP_FIRST_LINE) + r"\n.*?\n```\n", re.S)


def set_repository(address: str, root: Path = ROOT) -> str:
    """Write ``address`` into ``root``'s config and lessons; return the URL written ("" for
    none).

    Everything is read and checked first: the config's ``repository:`` block, and every
    lesson's setup cell in its ``.md`` and its ``.ipynb`` (the first code cell; a notebook
    saved in JupyterLab keeps it). Only when all of them are there is anything written, each
    file whole (a temporary file renamed over it), so a failure leaves every file as it was.
    """
    url = repository_address({"COURSE_REPOSITORY": address}) if address else ""
    config = root / "_config.yml"
    text, count = re.subn(
        r"(?m)^(repository:\n  url: ).*$",
        lambda m: f'{m.group(1)}"{url}"',
        config.read_text(encoding="utf-8"),
    )
    if count != 1:
        raise SystemExit(f"{config}: no `repository:` block with `url:` as its first line")
    writes = {config: text}
    cell = f"{HIDDEN_CELL}{setup_cell(url)}\n```\n"
    lessons = sorted((root / "lessons").glob("[0-9][0-9]_*.md"))
    if not lessons:
        raise SystemExit(f"{root / 'lessons'}: no lesson (NN_name.md) to write the setup cell in")
    for md in lessons:
        source = md.read_text(encoding="utf-8")
        if not CELL.search(source):
            raise SystemExit(
                f"{md}: no Colab setup cell (a hidden remove-cell code cell "
                f"that starts with {SETUP_FIRST_LINE!r}); nothing was written"
            )
        writes[md] = CELL.sub(lambda m: cell, source, count=1)
        notebook = md.with_suffix(".ipynb")
        if not notebook.exists():
            raise SystemExit(
                f"{notebook}: missing (the .md's paired notebook); nothing was written"
            )
        data = nbformat.read(notebook, as_version=4)
        first = next((c for c in data.cells if c.cell_type == "code"), None)
        if first is None or not first.source.startswith(SETUP_FIRST_LINE):
            raise SystemExit(
                f"{notebook}: its first code cell is not the setup cell (it should start with "
                f"{SETUP_FIRST_LINE!r}); nothing was written"
            )
        first.source = setup_cell(url)
        written = nbformat.writes(data)  # as nbformat.write writes it: ending in a newline
        writes[notebook] = written if written.endswith("\n") else written + "\n"
    for path, content in writes.items():
        _write_whole(path, content)
    return url


def _write_whole(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` through a temporary file beside it, renamed over it:
    a reader never sees it half-written."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help='owner/name, https://github.com/owner/name, or "" for none')
    url = set_repository(parser.parse_args().address)
    print(f"repository: {url or '(none)'}; now commit _config.yml and lessons/")


if __name__ == "__main__":
    main()
