"""The notebooks a launch opens: ``notebooks/NN_topic.ipynb``, made from the lessons.

A lesson is written once, as MyST markdown (``lessons/NN_topic.md``); the book reads it, and
``scripts/execute_lessons.py`` runs it into its paired ``lessons/NN_topic.ipynb``, which
nbval re-checks. Those two speak MyST: glued numbers (``{glue:text}``), numbered equations
(``{eq}``, ``$$ ... $$ (label)``), cross-references (``{ref}``, ``(label)=``). JupyterLab,
Colab, Kaggle and GitHub render plain Markdown and LaTeX only, and would show that markup as
text. So the notebook that the launch buttons open, and that the page's download button
gives, is made from the lesson by :func:`launched_notebook`:

- the glued numbers are filled in, as the page shows them; those that come from the build's
  own run (timings, training: glued with ``varies=True``) carry a dagger, which the first cell
  explains: the reader's run gives its own;
- equations carry their number (``\\tag{3.1}``, as on the page) and references to them read
  "(3.1)"; a reference to a section reads as its title (and its lesson, when it is another);
- links to other lessons lead to their launched notebooks, links to the book's other pages
  keep only their words;
- a setup cell comes first: it installs ``coursecode==<the version the lesson ran with>``
  where the package is missing (Colab, Kaggle, Studio Lab, a class hub) and does nothing
  where it is present (Binder, a laptop set up from ``requirements.txt``);
- every cell whose code the page hides is hidden here too: collapsed in JupyterLab
  (``jupyter.source_hidden``) and a form with a title in Colab (``cellView: "form"`` and a
  first line ``# @title ...``);
- no outputs: the launched lesson is the one the reader runs.

``notebooks/`` is committed, so that every launch finds it in the repository; a test
(tests/test_launch.py) makes every notebook again and requires the committed one to be the
same. ``python scripts/make_notebooks.py`` writes them (``scripts/execute_lessons.py`` does it
after a run); ``--check`` says, cell by cell, what differs, e.g. what a learner's save in
JupyterLab changed.
"""

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml

from coursedev.site import ROOT

LESSONS = "lessons"
LAUNCHED = "notebooks"
SETUP_ID = "course-setup"
BUILD_RUN = "†"
BUILD_RUN_NOTE = (
    f"*Numbers marked {BUILD_RUN} come from the run that built the course (timings, results of "
    "training): your own run prints its own, which may differ.*"
)

MYST_ONLY = {
    "role": re.compile(r"\{[A-Za-z][\w:+.-]*\}`"),
    "directive": re.compile(r"^[ \t]*(?:`{3,}|~{3,}|:{3,})[ \t]*\{", re.M),
    "target": re.compile(r"^[ \t]*\([\w.:-]+\)=[ \t]*$", re.M),
    "equation label": re.compile(r"^[ \t]*\$\$[ \t]*\([\w.:-]+\)[ \t]*$", re.M),
    "comment": re.compile(r"^%", re.M),
    "block break": re.compile(r"^\+\+\+", re.M),
    "substitution": re.compile(r"\{\{[^}]*\}\}"),
    "footnote": re.compile(r"\[\^[\w-]+\]"),
}
"""MyST markup that a plain Markdown renderer (JupyterLab, Colab, GitHub) shows as text."""

NOT_AS_SAID = "On this machine, a claim of the text (from the run that built it) differs:"
"""What a hidden check prints, in a launched notebook, where the lesson asserts."""

HIDDEN_TAGS = {"remove-cell", "hide-cell", "remove-input", "hide-input"}
"""The tags with which the page hides a cell's code."""

_ROLE = re.compile(
    r"\{(?P<role>[a-z:]+)\}`(?P<text>[^`]*)`(?P<unit>%|[ \u00a0](?:µs|ms|s|KB|MB|GB)\b|)"
)
_EQUATION = re.compile(
    r"^\$\$\n(?P<body>(?:[^$]|\$(?!\$))*?)\n\$\$[ \t]*\((?P<label>[\w.:-]+)\)[ \t]*$", re.M
)
_TARGET = re.compile(r"^\((?P<label>[\w.:-]+)\)=[ \t]*\n(?P<heading>#+[ \t]+(?P<title>.+))$", re.M)
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
_LESSON_LINK = re.compile(r"^(?:\.\./lessons/|\./)?(?P<stem>\d\d_[\w-]+)\.(?:md|ipynb)(?:#.*)?$")


def myst_constructs(markdown: str) -> list[str]:
    """The MyST-only constructs in ``markdown``, each as "kind: text"."""
    found = []
    for kind, pattern in MYST_ONLY.items():
        found += [f"{kind}: {m.group(0).strip()}" for m in pattern.finditer(markdown)]
    return found


def setup_source(version: str) -> str:
    """The launched notebook's first code cell: install ``coursecode==version`` where it is
    missing; nothing where it is present."""
    return f"""# @title Setup: install the course's package, coursecode, where it is missing
# Colab, Kaggle, SageMaker Studio Lab or a class JupyterHub may not have it: this cell
# installs the version these lessons were run with. Where it is installed, it does nothing.
import importlib.metadata
import importlib.util
import site
import subprocess
import sys
from pathlib import Path

VERSION = "{version}"
COURSECODE = f"coursecode=={{VERSION}}"
if sys.version_info < (3, 10):
    raise RuntimeError(f"coursecode needs Python 3.10 or newer, not {{sys.version.split()[0]}}")
CHECKOUT = Path.cwd().parent  # a copy of the course's repository holds this notebook
if importlib.util.find_spec("coursecode") is None:
    print(f"Installing {{COURSECODE}} (and PyTorch, if it is missing: minutes) ...")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--retries", "1",
                           "--timeout", "20", COURSECODE], capture_output=True, text=True)
    if done.returncode == 0:
        if site.ENABLE_USER_SITE and site.getusersitepackages() not in sys.path:
            site.addsitedir(site.getusersitepackages())  # pip installed it for this user only
        importlib.invalidate_caches()
        print(f"Installed {{COURSECODE}}.")
    elif (CHECKOUT / "coursecode" / "__init__.py").exists():
        sys.path.insert(0, str(CHECKOUT))  # no network: the package in the copy beside
        print(f"pip could not install {{COURSECODE}}: using the copy in {{CHECKOUT}}.")
    else:
        raise RuntimeError(f"pip could not install {{COURSECODE}} (on Kaggle, turn on "
                           f"Internet in the notebook's settings):\\n{{done.stderr[-2000:]}}")
elif importlib.metadata.version("coursecode") != VERSION:
    print(f"coursecode {{importlib.metadata.version('coursecode')}} is installed; these lessons "
          f"were run with {{VERSION}}: `pip install {{COURSECODE}}` gives their results.")"""


@dataclass
class Lesson:
    """What one lesson lends the others: its number, its equations and its sections."""

    number: int
    stem: str
    equations: dict  # label -> "3.1"
    sections: dict  # label -> title


def lesson_files(root: Path = ROOT) -> list[Path]:
    """The lessons' .md files in the book's order (the numbered part of ``_toc.yml``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [
        chapter["file"]
        for part in toc.get("parts", [])
        if part.get("numbered")
        for chapter in part["chapters"]
    ]
    return [root / f"{file}.md" for file in files if file.startswith(f"{LESSONS}/")]


def read_lessons(root: Path = ROOT) -> dict:
    """Every lesson's number, equation numbers and section titles, by stem."""
    lessons = {}
    for number, md in enumerate(lesson_files(root), start=1):
        text = md.read_text(encoding="utf-8")
        equations = {
            m.group("label"): f"{number}.{i}" for i, m in enumerate(_EQUATION.finditer(text), 1)
        }
        sections = {m.group("label"): m.group("title").strip() for m in _TARGET.finditer(text)}
        lessons[md.stem] = Lesson(number, md.stem, equations, sections)
    return lessons


def glued_values(executed: nbformat.NotebookNode) -> dict:
    """``name -> (text/plain, from the build's run)`` for every value the executed lesson glued.

    A value glued with ``varies=True`` (coursecode.glue) comes from the run and differs on
    another machine: a timing, a result of training. The reader's run gives its own."""
    values = {}
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                data = output["data"]
                text = data.get(record["mime_prefix"] + "text/plain", data.get("text/plain"))
                varies = output["metadata"].get("course", {}).get("varies", False)
                values[record["name"]] = (text, varies)
    return values


def _escape(text: str) -> str:
    """``text`` shown as itself in Markdown (no emphasis, link, code or maths)."""
    return re.sub(r"([\\`*_\[\]<>$|])", r"\\\1", text)


def plain_markdown(source: str, stem: str, lessons: dict, glued: dict) -> str:
    """A lesson's markdown cell in plain Markdown + LaTeX (see the module's docstring)."""
    from myst_nb.core.variables import format_plain_text

    here = lessons[stem]
    equations = {label: n for lesson in lessons.values() for label, n in lesson.equations.items()}
    sections = {
        label: (lesson, title)
        for lesson in lessons.values()
        for label, title in lesson.sections.items()
    }

    def role(match):
        """The plain form of one role, and the unit that follows it (95.9%†, 7.8 µs†)."""
        shown, unit = plain_role(match), match.group("unit")
        return shown.replace(BUILD_RUN, unit + BUILD_RUN) if BUILD_RUN in shown else shown + unit

    def plain_role(match):
        kind, text = match.group("role"), match.group("text")
        if kind == "glue:text":
            name, _, spec = text.partition(":")
            if name not in glued:
                raise ValueError(f"{stem}: {{glue:text}}`{text}` names no value the lesson glued")
            value, varies = glued[name]
            shown = _escape(format_plain_text(value, spec))
            if not varies:
                return shown
            return shown + BUILD_RUN
        if kind == "eq":
            if text not in equations:
                raise ValueError(f"{stem}: {{eq}}`{text}` names no numbered equation")
            return f"({equations[text]})"
        if kind == "ref":
            explicit = re.fullmatch(r"(?P<words>.+?)\s*<(?P<label>[\w.:-]+)>", text)
            label = explicit.group("label") if explicit else text
            if label not in sections:
                raise ValueError(f"{stem}: {{ref}}`{text}` names no section target")
            lesson, title = sections[label]
            words = explicit.group("words") if explicit else f"*{title}*"
            if lesson.stem == stem:
                return words
            before = source[max(0, match.start() - 60) : match.start()] + words
            if f"lesson {lesson.number}" not in before.lower():
                words += f" in lesson {lesson.number}"
            return f"[{words}]({lesson.stem}.ipynb)"
        raise ValueError(f"{stem}: no plain form for the MyST role {{{kind}}}`{text}`")

    def equation(match):
        number = here.equations[match.group("label")]
        return f"$$\n{match.group('body')}\n\\tag{{{number}}}\n$$"

    def link(match):
        text, target = match.group("text"), match.group("target")
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        lesson = _LESSON_LINK.match(target)
        if lesson and lesson.group("stem") in lessons:
            return f"[{text}]({lesson.group('stem')}.ipynb)"
        return text  # a page of the book that is not a notebook: its words

    text = _EQUATION.sub(equation, source)
    text = _TARGET.sub(lambda m: m.group("heading"), text)
    text = _ROLE.sub(role, text)
    text = _LINK.sub(link, text)
    left = myst_constructs(text)
    if left:
        raise ValueError(f"{stem}: MyST markup with no plain form: {left}")
    return text


def _title(source: str, draws: bool) -> str:
    """A Colab form's title for a cell the page hides: its opening comment's first sentence
    (a check of the text's claims says so), or what the cell is (``draws``: its output is a
    figure)."""
    comment = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    words = " ".join(comment).strip()
    if words:
        sentence = re.match(r"(.+?[.!?])(?:\s|$)", words)
        words = sentence.group(1) if sentence else words
        words = re.sub(r"^(?:For )?[Tt]he prose(?:, |: )", "Check: ", words)
        words = re.sub(r"^The prose (?=calls|names|says)", "Check: the text ", words)
        words = re.sub(r"\bprose\b", "text", words)  # the lessons' word for their text
        if len(words) > 100:
            cut = max(words.rfind(mark, 0, 99) for mark in (";", " (", ", "))
            words = words[:cut] if cut > 40 else words[: words.rfind(" ", 0, 99)]
            words = words.rstrip(" ,;:") + "…"
        if words.count("(") > words.count(")"):  # a bracket the cut left open
            words = words[: words.rfind("(")].rstrip(" ,;:") + "…"
        first = words.split()[0]
        return words[0].upper() + words[1:] if first.islower() else words  # not "OneDNN"
    if "answer_box(" in source:
        return "The answer box for the exercise above"
    if draws:
        return "The code that draws the figure below"
    if "glue(" in source:
        return "The numbers the text quotes"
    return "The code behind the output below"


def soften_asserts(source: str) -> str:
    """``source`` with each ``assert`` made a printed note: a hidden check of the text's
    claims, run on the reader's machine (another PyTorch, a GPU), must not stop "Run all".
    Everything else runs as before (the same draws from the random generator)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines()
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    for node in sorted(asserts, key=lambda node: node.lineno, reverse=True):
        start, end = node.lineno - 1, node.end_lineno - 1
        indent = lines[start][: node.col_offset]
        after = lines[end][node.end_col_offset :].strip()
        if indent.strip() or (after and not after.startswith("#")):
            return source  # an assert that shares its lines: left as the lesson has it
        said = ast.unparse(node.msg) if node.msg else repr(ast.unparse(node.test))
        lines[start : end + 1] = [
            f"{indent}if not ({ast.unparse(node.test)}):{'  ' + after if after else ''}",
            f"{indent}    print({NOT_AS_SAID!r}, {said})",
        ]
    return "\n".join(lines)


def _hidden_cell(cell: nbformat.NotebookNode, draws: bool) -> None:
    """Hide ``cell``'s code as the page does: collapsed in JupyterLab, a form in Colab."""
    cell.source = f"# @title {_title(cell.source, draws)}\n{cell.source}"
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    cell.metadata["cellView"] = "form"


def launched_notebook(md: Path, version: str, root: Path = ROOT) -> nbformat.NotebookNode:
    """The notebook a launch opens for the lesson ``md``, made from it and from its executed
    notebook beside it (the glued values); the setup cell installs ``coursecode==version``."""
    lessons = read_lessons(root)
    if md.stem not in lessons:
        raise ValueError(f"{md}: not a lesson of _toc.yml's numbered part")
    source = jupytext.read(md)
    executed_path = md.with_suffix(".ipynb")
    if not executed_path.exists():
        raise ValueError(f"{executed_path}: missing; run scripts/execute_lessons.py {md}")
    executed = nbformat.read(executed_path, as_version=4)
    if [c.source for c in executed.cells] != [c.source for c in source.cells]:
        raise ValueError(
            f"{executed_path.name} is not {md.name} as last run: run scripts/execute_lessons.py"
        )
    glued = glued_values(executed)
    cells = []
    for cell, run in zip(source.cells, executed.cells):
        metadata = {k: v for k, v in cell.metadata.items() if k in ("tags", "jupyter")}
        if cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(
                plain_markdown(cell.source, md.stem, lessons, glued), metadata=metadata
            )
        else:
            tags = set(metadata.get("tags", []))
            code = soften_asserts(cell.source) if "remove-cell" in tags else cell.source
            new = nbformat.v4.new_code_cell(code, metadata=metadata)
            if HIDDEN_TAGS & tags:
                draws = any("image/png" in o.get("data", {}) for o in run.get("outputs", []))
                _hidden_cell(new, draws)
        new["id"] = run.get("id", new["id"])
        cells.append(new)
    if any(BUILD_RUN in c.source for c in cells if c.cell_type == "markdown"):
        first = next(c for c in cells if c.cell_type == "markdown")
        first.source = f"{first.source.rstrip()}\n\n{BUILD_RUN_NOTE}"
    first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    setup = nbformat.v4.new_code_cell(setup_source(version), metadata={"tags": ["remove-cell"]})
    setup.metadata["jupyter"] = {"source_hidden": True}
    setup.metadata["cellView"] = "form"
    setup["id"] = SETUP_ID
    cells.insert(first_code, setup)
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    return notebook


def text_of(notebook: nbformat.NotebookNode) -> str:
    """``notebook`` as written to disk (nbformat's layout, ending in a newline)."""
    written = nbformat.writes(notebook)
    return written if written.endswith("\n") else written + "\n"


def launched_path(md: Path, root: Path = ROOT) -> Path:
    return root / LAUNCHED / f"{md.stem}.ipynb"


def _flat(data, prefix="") -> dict:
    if isinstance(data, dict):
        flat = {}
        for key, value in data.items():
            flat.update(_flat(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): data}


def differences(expected: dict, found: dict) -> list[str]:
    """What ``found`` (a launched notebook as saved) changed against ``expected`` (as made
    from the lesson), in words, cell by cell: a learner's save in JupyterLab shows as outputs,
    execution counts and widget state; an edit as changed text."""
    said = []
    exp_meta, found_meta = _flat(expected.get("metadata", {})), _flat(found.get("metadata", {}))
    for key in sorted(set(exp_meta) | set(found_meta)):
        if key.startswith("widgets."):
            continue
        if exp_meta.get(key) != found_meta.get(key):
            said.append(f"the notebook's metadata {key}: {_change(exp_meta, found_meta, key)}")
    if "widgets" in found.get("metadata", {}):
        said.append("the notebook's metadata holds widget state (saved after a run)")
    exp_cells, found_cells = expected.get("cells", []), found.get("cells", [])
    if len(exp_cells) != len(found_cells):
        said.append(f"{len(found_cells)} cells where the lesson has {len(exp_cells)}")
    for i, (want, got) in enumerate(zip(exp_cells, found_cells)):
        name = f"cell {i} ({want['cell_type']})"
        if want["cell_type"] != got.get("cell_type"):
            said.append(f"{name} is now a {got.get('cell_type')} cell")
            continue
        if _joined(want.get("source")) != _joined(got.get("source")):
            said.append(f"{name}: its text was edited")
        if got.get("outputs"):
            said.append(f"{name}: holds the outputs of a run")
        if got.get("execution_count") is not None:
            said.append(f"{name}: has an execution count")
        want_meta, got_meta = _flat(want.get("metadata", {})), _flat(got.get("metadata", {}))
        for key in sorted(set(want_meta) | set(got_meta)):
            if key == "execution" or key.startswith("execution."):
                continue
            if want_meta.get(key) != got_meta.get(key):
                said.append(f"{name}: metadata {key}: {_change(want_meta, got_meta, key)}")
    return said


def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else (source or "")


def _change(before: dict, after: dict, key: str) -> str:
    if key not in after:
        return f"dropped (was {json.dumps(before[key])})"
    if key not in before:
        return f"added ({json.dumps(after[key])})"
    return f"{json.dumps(before[key])} became {json.dumps(after[key])}"


def problems(notebook: dict, version: str) -> list[str]:
    """What keeps ``notebook`` from being a launched lesson that reads like the page: MyST
    markup in its markdown, a hidden cell that shows, no setup cell for ``version``. A
    learner's run and save (outputs, counts, widget state) is none of these."""
    said = []
    try:
        nbformat.validate(nbformat.from_dict(notebook))
    except nbformat.ValidationError as error:
        said.append(f"not a valid notebook: {error.message}")
    cells = notebook.get("cells", [])
    for i, cell in enumerate(cells):
        source = _joined(cell.get("source"))
        if cell.get("cell_type") == "markdown":
            said += [f"cell {i} (markdown): {found}" for found in myst_constructs(source)]
        hidden = HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "code" and hidden:
            meta = cell.get("metadata", {})
            if not meta.get("jupyter", {}).get("source_hidden"):
                said.append(f"cell {i} (code): its code shows in JupyterLab (source_hidden)")
            if meta.get("cellView") != "form" or not source.startswith("# @title "):
                said.append(f"cell {i} (code): its code shows in Colab (a form with a title)")
    code = [c for c in cells if c.get("cell_type") == "code"]
    if not code or f'VERSION = "{version}"' not in _joined(code[0].get("source")):
        said.append(f"the first code cell does not install coursecode=={version} where missing")
    return said
