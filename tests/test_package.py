"""The package as pip sees it: one version, every import declared, the bundled files shipped."""

import ast
import fnmatch
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import coursecode

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coursecode"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _normalise(name: str) -> str:
    """A distribution's name as PyPI compares them (PEP 503): ``Pillow`` is ``pillow``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_version_is_written_once():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "coursecode.__version__"
    }
    # What pip installed (pip install -e . --no-deps after changing it) is coursecode's own.
    assert importlib.metadata.version("coursecode") == coursecode.__version__


def _guards_import_error(node: ast.Try) -> bool:
    """Whether a ``try`` catches ImportError: what it imports is optional."""
    caught = []
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        caught += [kind.id for kind in kinds if isinstance(kind, ast.Name)]
    return bool({"ImportError", "ModuleNotFoundError"} & set(caught))


def _imports(source: str) -> set[str]:
    """The top-level names that ``source`` imports, wherever (in a function too), but those
    in a ``try`` that catches ImportError, and relative imports."""
    found = set()

    def visit(node, optional):
        if isinstance(node, ast.Import) and not optional:
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and not optional:
            found.add(node.module.split(".")[0])
        guarded = optional or (isinstance(node, ast.Try) and _guards_import_error(node))
        for field, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for child in children:
                if isinstance(child, ast.AST):
                    # Only the try's body is guarded; its handlers and else are not.
                    visit(child, guarded if field == "body" else optional)

    visit(ast.parse(source), False)
    return found


def test_the_import_walk_sees_what_it_should():
    source = (
        "import numpy as np\nimport os\nfrom PIL import Image\nfrom . import sibling\n"
        "def f():\n    import pandas.io\n"
        "try:\n    import yaml\nexcept ImportError:\n    import json\n"
        "try:\n    import toml\nexcept (ValueError, ModuleNotFoundError):\n    pass\n"
        "try:\n    import scipy\nexcept ValueError:\n    pass\n"
    )
    assert _imports(source) == {"numpy", "os", "PIL", "pandas", "json", "scipy"}


def _third_party_imports() -> dict[str, list[str]]:
    """``{top-level import name: [files of coursecode that import it]}``, standard library
    and coursecode itself left out."""
    found = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for name in _imports(path.read_text(encoding="utf-8")):
            if name not in sys.stdlib_module_names and name != "coursecode":
                found.setdefault(name, []).append(path.name)
    return found


def _declared() -> set[str]:
    names = set()
    for requirement in PYPROJECT["project"]["dependencies"]:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, f"cannot read a distribution's name in {requirement!r}"
        names.add(_normalise(match[0]))
    return names


def test_every_import_is_a_declared_dependency():
    imports = _third_party_imports()
    assert {"torch", "PIL", "ipywidgets"} <= set(imports)  # the walk found the package's
    # Import name → distribution(s), from what is installed: PIL → pillow.
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    undeclared, used = [], set()
    for name, files in sorted(imports.items()):
        provided_by = {_normalise(d) for d in distributions.get(name, [])}
        assert provided_by, f"{name} (imported by {files}) is not installed: no distribution"
        used |= provided_by & declared
        if not provided_by & declared:
            undeclared.append(
                f"{name} ({' or '.join(sorted(provided_by))}, imported by {', '.join(files)})"
            )
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"
    assert declared <= used, f"declared but imported nowhere: {sorted(declared - used)}"


def test_package_data_ships_every_bundled_file():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["coursecode"]
    files = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert "bundled/mnist_sample.npz" in files
    unshipped = [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert not unshipped, f"files in coursecode/ that a wheel would leave out: {unshipped}"
    empty = [p for p in patterns if not any(fnmatch.fnmatch(f, p) for f in files)]
    assert not empty, f"package-data patterns that match no file: {empty}"


# Versions such as the platforms ship: a CUDA build of PyTorch, and Colab's ipywidgets 7.7.1
# and IPython 7.34, its defaults for years (manzt/anywidget#48, googlecolab/colabtools#3020);
# the others, releases older than requirements.txt's pins. `pip install coursecode` there
# must keep every one.
PLATFORM_VERSIONS = {
    "torch": "2.5.1+cu121",
    "ipywidgets": "7.7.1",
    "ipython": "7.34.0",
    "traitlets": "5.7.1",
    "numpy": "1.26.4",
    "pandas": "2.2.2",
    "matplotlib": "3.8.0",
    "pillow": "11.0.0",
    "requests": "2.32.3",
    "urllib3": "2.2.3",
    "tqdm": "4.66.6",
}


def test_the_dependencies_are_ranges_that_keep_what_the_platforms_have():
    """Only requirements.txt and binder/ pin versions; the package asks for floors, which
    Colab's, Kaggle's and Studio Lab's own packages meet (installing it must not replace
    their CUDA PyTorch, nor Colab's widgets)."""
    from packaging.requirements import Requirement

    for text in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(text)
        assert all(spec.operator == ">=" for spec in requirement.specifier), text
        name = _normalise(requirement.name)
        if name in PLATFORM_VERSIONS:
            assert requirement.specifier.contains(PLATFORM_VERSIONS[name]), text
    assert {_normalise(name) for name in PLATFORM_VERSIONS} <= _declared()


def test_no_module_reaches_into_another_modules_private_names():
    """What the package's modules share is public within the package (the names of the
    private modules _geometry and _drawing, download's check_* functions): an import of
    another module's `_name` would tie the two to a detail one of them may change."""
    import ast

    reaching = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coursecode"):
                reaching += [
                    f"{path.name}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                    and not alias.name.startswith("__")
                    and not (PACKAGE / f"{alias.name}.py").exists()  # a private module: allowed
                ]
    assert reaching == []
