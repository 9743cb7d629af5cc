"""Name the repository the course lives in: the buttons' address and the Colab setup cells.

    python scripts/set_repository.py owner/name      # or https://github.com/owner/name
    python scripts/set_repository.py ""              # no repository: no buttons

Writes `repository.url` in `_config.yml`, and the first code cell of every lesson (the
.md and its paired .ipynb, whose outputs stay as they are), which in Colab installs
`coursecode` from that repository. Commit the changed files. The publish workflow sets
the buttons from GITHUB_REPOSITORY by itself; the Colab button appears only when the
setup cells name the same repository (book/_ext/course_repository.py).
"""

import argparse
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
    none)."""
    url = repository_address({"COURSE_REPOSITORY": address}) if address else ""
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^(repository:\n  url: ).*$", lambda m: f'{m.group(1)}"{url}"', text)
    if count != 1:
        raise SystemExit(f"{config}: no `repository:` block with `url:` as its first line")
    config.write_text(text, encoding="utf-8")
    cell = f"{HIDDEN_CELL}{setup_cell(url)}\n```\n"
    for md in sorted((root / "lessons").glob("[0-9][0-9]_*.md")):
        source = md.read_text(encoding="utf-8")
        if not CELL.search(source):
            raise SystemExit(
                f"{md}: no Colab setup cell (a hidden remove-cell code cell "
                f"that starts with {SETUP_FIRST_LINE!r})"
            )
        md.write_text(CELL.sub(lambda m: cell, source, count=1), encoding="utf-8")
        notebook = md.with_suffix(".ipynb")
        data = nbformat.read(notebook, as_version=4)
        first = next(c for c in data.cells if c.cell_type == "code")
        first.source = setup_cell(url)
        nbformat.write(data, notebook)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help='owner/name, https://github.com/owner/name, or "" for none')
    url = set_repository(parser.parse_args().address)
    print(f"repository: {url or '(none)'}; now commit _config.yml and lessons/")


if __name__ == "__main__":
    main()
