"""book/PATCHES.md: every patch to another project names the version it was written for, which
is the one installed (a Python tool) or vendored (an npm package), and the file that holds it
says so (a Python patch calls patches.require for its tool)."""

import importlib.metadata
import re

import pytest
from fetch_vendored import PACKAGES  # scripts/, on pytest's pythonpath
from patches import require  # book/_ext, on pytest's pythonpath
from patches import rows
from patches import written_for

from coursedev.site import ROOT

ROWS = rows()
VENDORED = {name: version for name, version, _ in PACKAGES}


def test_the_table_lists_the_patches():
    tools = {row["tool"] for row in ROWS}
    assert {"nbval", "myst-nb", "@jupyter-widgets/html-manager", "ipywidgets"} <= tools
    assert all(len(row["cells"]) == 4 and all(row["cells"]) for row in ROWS), ROWS


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['tool']}-{row['cells'][0][:30]}")
def test_each_patch_is_for_the_version_in_use_and_says_so_where_it_lives(row):
    tool, version = row["tool"], row["version"]
    in_use = VENDORED[tool] if tool in VENDORED else importlib.metadata.version(tool)
    assert in_use == version, (
        f"{tool} {in_use} is in use, its patch was written for {version}: read the upstream "
        f"issue in book/PATCHES.md, then drop or update the patch and the table"
    )
    where = ROOT / re.search(r"`([^`]+)`", row["cells"][0]).group(1)
    assert where.exists(), where
    if where.is_dir():
        text = "\n".join(p.read_text() for p in sorted(where.iterdir()) if p.is_file())
    else:
        text = where.read_text()
    if where.suffix == ".py" and tool not in VENDORED and tool != "ipywidgets":
        assert re.search(rf"require\(\s*\"{re.escape(tool)}\"|\"{re.escape(tool)}\"", text), where
    else:
        assert "PATCHES.md" in text or tool in text, where


def test_a_new_version_stops_the_patch_with_a_reason(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0")
    with pytest.raises(RuntimeError, match=r"conftest.py patches nbval 0\.11\.0, but nbval 99\.0"):
        require("nbval", "conftest.py")
    assert written_for("nbval") == "0.11.0"


def test_two_versions_of_one_tool_are_refused(tmp_path):
    table = tmp_path / "PATCHES.md"
    table.write_text("| `x` | 1.0 | `a.py` | a | b | c |\n| `x` | 2.0 | `b.py` | a | b | c |\n")
    with pytest.raises(RuntimeError, match="one version of x"):
        written_for("x", table)
