"""The test set-up holds: the fixes that the root conftest.py makes to nbval (nbval runs every
lesson), and no test or benchmark edits sys.path to import a helper."""

import ast
import gc
import re
import tomllib
import warnings
from pathlib import Path

from nbval.kernel import RunningKernel


def test_nbval_kernel_leaves_no_open_devnull():
    # Unfixed, nbval's kernel start leaks an open os.devnull; the garbage collector then
    # warns, and with filterwarnings = error a whole test session can fail at random.
    kernel = RunningKernel("python3")
    kernel.stop()
    del kernel
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    leaks = [
        str(w.message)
        for w in caught
        if issubclass(w.category, ResourceWarning) and "/dev/null" in str(w.message)
    ]
    assert not leaks, leaks


# --- the developer tools import without sys.path edits ------------------------------------

ROOT = Path(__file__).resolve().parents[1]
PATH_EDITS = {"insert", "append", "extend", "remove", "pop", "clear"}


def sys_path_edits(source: str) -> list[int]:
    """Line numbers where ``source`` changes the running interpreter's sys.path (a call of
    ``sys.path.insert``/``append``/..., an assignment to ``sys.path`` or ``site.addsitedir``).
    Code in a string, run by another process, is not this interpreter's."""

    def is_sys_path(node) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        )

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            edits_path = node.func.attr in PATH_EDITS and is_sys_path(node.func.value)
            adds_site = (
                node.func.attr == "addsitedir"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "site"
            )
            if edits_path or adds_site:
                lines.append(node.lineno)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if is_sys_path(target) or (
                    isinstance(target, ast.Subscript) and is_sys_path(target.value)
                ):
                    lines.append(node.lineno)
    return sorted(lines)


def test_the_sys_path_check_finds_edits_and_ignores_strings():
    assert sys_path_edits("import sys\nsys.path.insert(0, 'x')\n") == [2]
    assert sys_path_edits("import sys\nx = 1\nsys.path.append('x')\n") == [3]
    assert sys_path_edits("import sys\nsys.path = ['x']\nsys.path[0:0] = ['y']\n") == [2, 3]
    assert sys_path_edits("import sys\nsys.path += ['x']\n") == [2]
    assert sys_path_edits("import site\nsite.addsitedir('x')\n") == [2]
    assert sys_path_edits("code = 'import sys; sys.path.insert(0, \"x\")'\n") == []
    assert sys_path_edits("import sys\nprint(sys.path[0])\n") == []


def test_no_test_or_benchmark_edits_sys_path():
    """coursedev/, book/_ext and scripts/ are on pytest's pythonpath (pyproject.toml), and the
    benchmarks run as ``python -m benchmarks.NAME`` from the root: no file needs to reach
    into another folder by editing sys.path."""
    files = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
    assert len(files) > 10
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for path in files
        if (lines := sys_path_edits(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"sys.path edited at {found}"


def test_the_developer_tools_are_not_shipped_in_the_wheel():
    """coursedev/ is for this repository's tests and benchmarks; learners install only
    coursecode (pyproject.toml's packages.find)."""
    import tomllib

    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = find_packages(str(ROOT), include=include)
    assert "coursecode" in shipped and "coursedev" in find_packages(str(ROOT))
    assert [name for name in shipped if name.split(".")[0] != "coursecode"] == []


def test_ci_builds_the_book_once_and_tests_that_very_book():
    """.ci/run: one strict build, its log kept where the workflow picks it up, handed to the
    tests (COURSE_BUILT_HTML, and COURSE_BUILD_STATUS, which they wait for) and run beside
    them; nbval always runs; a failed build fails the run."""
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    builds = [i for i, line in enumerate(lines) if "jupyter-book build" in line]
    assert len(builds) == 1, [lines[i] for i in builds]
    build = lines[builds[0]]
    assert "-W -n --keep-going --all" in build and "> _build/build.log 2>&1" in build, build
    assert "set -euo pipefail" in lines[: builds[0]]
    handed = [i for i, line in enumerate(lines) if line.startswith("export COURSE_BUILT_HTML=")]
    assert len(handed) == 1 and 'COURSE_BUILD_STATUS="$PWD/_build/build.status"' in lines[handed[0]]
    tests = [i for i, line in enumerate(lines) if line.startswith("pytest ")]
    assert len(tests) == 1 and "--nbval" in lines[tests[0]].split(), tests
    assert builds[0] < handed[0] < tests[0]
    after = lines[tests[0] :]
    assert 'wait "$build"' in after and 'if [ "$built" != 0 ]; then' in after
    assert after[after.index('if [ "$built" != 0 ]; then') + 2] == "exit 1"


def test_ci_lints_with_the_pinned_ruff_before_the_tests():
    """.ci/run checks the formatting and the lint rules of pyproject.toml with the ruff that
    requirements.txt pins, before the slow steps (a style slip fails in seconds)."""
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert "ruff format --check ." in lines and "ruff check ." in lines
    install = lines.index("pip install -r requirements.txt")
    build = next(i for i, line in enumerate(lines) if "jupyter-book build" in line)
    assert install < lines.index("ruff format --check .") < build
    assert install < lines.index("ruff check .") < build
    pins = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^ruff==\d+\.\d+\.\d+", pins, re.MULTILINE), "pin ruff in requirements.txt"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert config["line-length"] == 100 and "book/vendored" in config["extend-exclude"]
