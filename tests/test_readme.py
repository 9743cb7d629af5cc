"""The README's layout table matches the tree: every path it names is there, and every
top-level entry of the repository (and every folder of the package) is named in it."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Named elsewhere, or what every repository has.
NOT_IN_TABLE = {".gitattributes", ".gitignore", "LICENSE", "README.md"}


def layout_rows() -> list[tuple[str, str]]:
    section = README[README.index("\n## Layout\n") :]
    section = section[: section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]  # past the head
    return [tuple(cell.strip() for cell in row.strip("|").split(" | ", 1)) for row in rows]


def named(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def exists(name: str) -> bool:
    """``name`` as the table writes it (``lessons/NN_topic.md``, ``.ipynb``, ``binder/``)."""
    return any(ROOT.glob(name.rstrip("/").replace("NN_topic", "[0-9][0-9]_*")))


def test_every_path_the_layout_table_names_is_in_the_tree():
    rows = layout_rows()
    assert len(rows) >= 10
    paths = [p for first, _ in rows for p in named(first) if p != ".ipynb"]
    # and the paths from the root that the second column names (``coursecode/bundled/``, not
    # ``vendored/`` within ``book/``)
    paths += [p for _, rest in rows for p in named(rest) if (ROOT / p.split("/")[0]).is_dir()]
    assert "coursecode/explorers/" in paths
    missing = [p for p in paths if not exists(p)]
    assert not missing, f"the README's layout table names paths that are not there: {missing}"


def test_every_top_level_entry_and_package_folder_is_in_the_layout_table():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    top = {path.split("/")[0] for path in tracked} - NOT_IN_TABLE
    table = " ".join(first + " " + rest for first, rest in layout_rows())
    first_column = {p.rstrip("/").split("/")[0] for first, _ in layout_rows() for p in named(first)}
    unnamed = sorted(entry for entry in top if entry not in first_column)
    assert not unnamed, f"top-level entries the README's layout table does not name: {unnamed}"
    folders = sorted(
        {
            path.split("/")[1]
            for path in tracked
            if path.startswith("coursecode/") and path.count("/") > 1
        }
    )
    assert folders
    unnamed = [f for f in folders if f"`coursecode/{f}/`" not in table]
    assert not unnamed, f"folders of the package the README's layout table does not name: {unnamed}"
