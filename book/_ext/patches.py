"""The versions of third-party tools that the course's patches were written for.

Every patch to another project's behaviour (a monkeypatch, a rewritten piece of its HTML, an
overridden template, a script or a style that works around it) is listed in
``book/PATCHES.md``, in one table: the tool, the version the patch was written for, where the
patch lives, the upstream issue, and when it can go. This module reads that table, so that
each version is written once, and each patch calls :func:`require` for its tool where it is
applied: a new version of the tool fails loudly (the build, or the test run) until someone
looks at the upstream issue and updates the patch and the table. ``tests/test_patches.py``
checks every row against what is installed and what is vendored.
"""

import importlib.metadata
import re
from pathlib import Path

PATCHES = Path(__file__).resolve().parents[1] / "PATCHES.md"
_ROW = re.compile(r"^\|\s*`(?P<tool>[^`]+)`\s*\|\s*(?P<version>[^\s|]+)\s*\|(?P<rest>.*)\|\s*$")


def rows(path: Path = PATCHES) -> list[dict]:
    """The table's rows: ``tool``, ``version``, then the other cells as ``cells``."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            cells = [cell.strip() for cell in match.group("rest").split("|")]
            found.append({"tool": match["tool"], "version": match["version"], "cells": cells})
    return found


def written_for(tool: str, path: Path = PATCHES) -> str:
    """The version of ``tool`` that the course's patches to it were written for."""
    versions = {row["version"] for row in rows(path) if row["tool"] == tool}
    if len(versions) != 1:
        raise RuntimeError(f"{path.name} should name one version of {tool}, not {versions}")
    return versions.pop()


def require(tool: str, where: str) -> None:
    """Stop unless the installed ``tool`` (a Python distribution) is the version ``where``'s
    patch was written for."""
    expected = written_for(tool)
    installed = importlib.metadata.version(tool)
    if installed != expected:
        raise RuntimeError(
            f"{where} patches {tool} {expected}, but {tool} {installed} is installed: see "
            f"book/PATCHES.md for the upstream issue; if it is fixed, drop the patch, else "
            f"check that it still works, and write the new version in the table"
        )
