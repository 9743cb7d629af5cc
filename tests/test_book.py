"""The book's structure, read from its files (no build): each lesson a MyST notebook in
lessons/NN_topic.md, paired with an executed, in-sync .ipynb; listed in order in _toc.yml;
shaped like every other lesson (a title, "In this lesson you will:", a "Check yourself"
section of at least three exercises, each with a collapsed solution, a "Summary", its
"References", a link to the next lesson; at least one "Predict first." prompt right before
the cell that reveals its answer; no promise of a launch button, which a page may not
show); code lines that fit the page; measured numbers glued from the run, never typed;
hidden cells collapsed and saying why; figures with alt text; no machine path or stale
output in a notebook; a config that builds offline from the .md files and names the
repository only where it should; and Binder set up to open the lessons with CPU PyTorch."""

import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.md"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def test_there_are_lessons():
    assert LESSONS, "no lessons/NN_topic.md found"


def cells(nb):
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_notebook_matches_its_markdown(md):
    """Someone edited one of the pair without syncing: run scripts/execute_lessons.py."""
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no paired {ipynb.name}: run scripts/execute_lessons.py"
    from_md = cells(jupytext.read(md))
    from_ipynb = cells(nbformat.read(ipynb, as_version=4))
    for i, (a, b) in enumerate(zip(from_md, from_ipynb)):
        assert a == b, (
            f"cell {i} of {md.name} and {ipynb.name} differ: run scripts/execute_lessons.py"
        )
    assert len(from_md) == len(from_ipynb), f"{md.name} and {ipynb.name} have different cell counts"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_notebook_is_executed(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), (
        f"{md.name}: notebook not fully executed"
    )
    assert not any(
        o.output_type == "error"
        for c in code
        for o in c.outputs
        if "raises-exception" not in c.metadata.get("tags", [])
    )


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_markdown_is_a_runnable_myst_notebook(md):
    header = yaml.safe_load(md.read_text().split("---")[1])
    # Without the jupytext header myst-nb renders the code but never runs it.
    assert header["jupytext"]["text_representation"]["format_name"] == "myst"
    assert header["jupytext"]["formats"] == "ipynb,md:myst"
    assert header["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_lesson_anatomy(md):
    text = md.read_text()
    assert re.search(r"^# ", text, re.M), "a title"
    assert "**In this lesson you will:**" in text
    for section in ("## Check yourself", "## Summary"):
        assert section in text, f"{md.name} lacks '{section}'"
    exercises = text.split("## Check yourself")[1].split("## Summary")[0]
    n_exercises = len(re.findall(r"^\*\*Exercise \d+\.\*\*", exercises, re.M))
    # Solutions are <details> blocks: collapsed on the page and in JupyterLab, Notebook, Colab.
    n_solutions = len(
        re.findall(r'^<details class="solution">\n<summary>Solution</summary>\n\n', exercises, re.M)
    )
    assert n_exercises >= 3 and n_solutions == n_exercises, (
        "every exercise has a collapsed solution"
    )
    assert exercises.count("</details>") == n_solutions and ":::" not in exercises
    # Lessons import the installed package; they never set up their own environment (the
    # launched notebook's setup cell does that where the package is missing: test_launch.py).
    assert text.count("google.colab") == 0
    assert not re.search(r"os\.chdir|os\.system|pip install|sys\.path", text)


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_lesson_ends_with_its_references(md):
    """Summary, then References (the papers and chapters the lesson draws on), then the link on:
    each reference a list item that names its year."""
    text = md.read_text()
    assert "## References" in text, f"{md.name} has no '## References' section"
    assert text.index("## Summary") < text.index("## References"), "References follow the Summary"
    references = text.split("## References")[1].split("**Next:**")[0]
    items = re.findall(r"^- .*\n(?:  .*\n)*", references, re.M)
    assert len(items) >= 2, f"{md.name}: the References list has {len(items)} items"
    for item in items:
        assert re.search(r"\b(19|20)\d\d\b", item), f"{md.name}: a reference without a year: {item}"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_lesson_asks_the_learner_to_predict_before_a_cell_reveals(md):
    """At least one '**Predict first.**' paragraph, each followed directly by the code cell that
    reveals the answer (nothing between but a blank line)."""
    text = md.read_text()
    prompts = [m.end() for m in re.finditer(r"^\*\*Predict first\.\*\* ", text, re.M)]
    assert prompts, f"{md.name} never asks the learner to predict before a cell reveals"
    for end in prompts:
        after = text[end:].split("\n\n", 1)[1]
        assert after.startswith("```{code-cell}"), (
            f"{md.name}: a 'Predict first.' paragraph must be followed by the cell that reveals "
            f"the answer, not by: {after[:60]!r}"
        )


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_lesson_promises_no_launch_button(md):
    """A site that names no repository shows no launch button: a lesson that promises one
    ("the rocket button at the top") would send the learner looking for nothing. The intro says,
    in the build that has them, where the buttons are."""
    text = md.read_text().lower()
    for promise in ("rocket", "button at the top", "launch button"):
        assert promise not in text, f"{md.name} promises a launch button ({promise!r})"


def toc_files():
    return [chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]]


def test_toc_lists_every_lesson_in_order():
    lessons = [f"lessons/{md.stem}" for md in LESSONS]
    assert [f for f in toc_files() if f.startswith("lessons/")] == lessons
    assert TOC["root"] == "book/intro" and (ROOT / "book" / "intro.md").exists()
    lessons_part = next(p for p in TOC["parts"] if p["caption"] == "Lessons")
    assert lessons_part.get("numbered") is True


def test_config_builds_offline_from_the_md_files():
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert CONFIG["execute"]["raise_on_error"] is True
    assert CONFIG["only_build_toc_files"] is True
    assert "lessons/*.ipynb" in CONFIG["exclude_patterns"]
    assert "intersphinx_mapping" not in CONFIG.get("sphinx", {}).get("config", {})
    assert "sphinx.ext.intersphinx" not in CONFIG.get("sphinx", {}).get("extra_extensions", [])


def test_repository_address_is_named_in_the_config_only():
    """_config.yml names the repository (or none); no other file names one: the lessons and
    their launched notebooks install coursecode from PyPI, not from a repository (their
    GitHub links are references to other projects)."""
    from course_repository import GITHUB  # book/_ext: on pytest's pythonpath

    url = CONFIG["repository"]["url"]
    assert url == "" or GITHUB.fullmatch(url)
    named = [
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*")
        if p.is_file()
        and p.suffix in {".yml", ".yaml", ".md", ".py", ".toml", ".cfg", ".txt", ".ipynb"}
        and not {"_build", ".venv", ".git", "tests", "vendored", "node_modules"} & set(p.parts)
        and re.search(r"github\.com/(?!owner/name)[\w.-]+/[\w.-]+", p.read_text(errors="ignore"))
    ]
    lessons = [*LESSONS, *(ROOT / "lessons").glob("*.ipynb"), *(ROOT / "notebooks").glob("*")]
    allowed = {"_config.yml", "book/PATCHES.md"}  # PATCHES.md: other projects' issues
    allowed |= {path.relative_to(ROOT).as_posix() for path in lessons}
    assert set(named) <= allowed, set(named) - allowed


def test_binder_opens_markdown_as_notebooks():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "jupytext-config set-default-viewer markdown myst" in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def pins(path) -> dict:
    """The ``name==version`` lines of a requirements file, by name."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[name.strip().lower()] = version.strip()
    return found


def test_binder_installs_the_same_pins_with_cpu_pytorch():
    binder = ROOT / "binder" / "requirements.txt"
    lines = [line.split("#")[0].strip() for line in binder.read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "-r ../requirements.txt" in lines  # one list of pins ...
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    general, own = pins(ROOT / "requirements.txt"), pins(binder)
    assert own == {"torch": general["torch"] + "+cpu"}  # ... with CPU PyTorch
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_code_fits_the_page(md):
    """The book's code column shows about 76 characters; longer lines scroll sideways."""
    long_lines = [
        line
        for cell in jupytext.read(md).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > 76
    ]
    assert not long_lines, f"{md.name}: code lines over 76 characters: {long_lines}"


# {glue}`name`, {glue:text}`name:.1f`, {glue:any}`name` ...
# and ```{glue} name / ```{glue:figure} name
_GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`")
_GLUE_DIRECTIVE = re.compile(r"^```\{glue(?::\w+)?\}\s+(\S+)", re.M)


def glued_in_prose(md) -> set:
    text = md.read_text()
    return {name.strip() for name in _GLUE_ROLE.findall(text) + _GLUE_DIRECTIVE.findall(text)}


def glued_by_cells(md) -> set:
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    return {
        output.get("metadata", {}).get("scrapbook", {}).get("name")
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    } - {None}


def test_glue_patterns_find_roles_and_directives(tmp_path):
    md = tmp_path / "x.md"
    md.write_text("{glue:text}`a_ms:.1f` ms, {glue}`b`, {glue:any}`c`\n```{glue:figure} d\n```\n")
    assert glued_in_prose(md) == {"a_ms", "b", "c", "d"}


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_every_number_the_prose_glues_comes_from_a_cell(md):
    """myst-nb only warns about a missing glue name (the strict build then fails): say which."""
    missing = glued_in_prose(md) - glued_by_cells(md)
    assert not missing, (
        f"{md.name} quotes {sorted(missing)}, which no cell of "
        f"{md.with_suffix('.ipynb').name} glues (run scripts/execute_lessons.py?)"
    )
    unused = glued_by_cells(md) - glued_in_prose(md)
    assert not unused, f"{md.name} glues {sorted(unused)} but its prose never quotes them"


# A measured figure typed into the prose: a time, a percentage or a speed-up ("93×", "12 times
# faster"). Products such as "3 × 3" and figures inside code spans or glue roles do not count.
_TYPED_MEASUREMENT = re.compile(
    r"\d+(?:[.,]\d+)*(?:\s?(?:µs|ms|ns|%)|\s(?:s|seconds?|minutes?)\b"
    r"|\s?×(?=\s*(?:faster|slower|more|less|longer|as\b|[.,;)]|$))"
    r"|\s(?:times|x) (?:faster|slower|as long|longer|higher|more|less))",
    re.MULTILINE,
)


def typed_measurements(text: str) -> list:
    prose = re.sub(r"`[^`]*`", "", text)  # code spans, and with them every glue role
    return [m.group(0) for m in _TYPED_MEASUREMENT.finditer(prose)]


def test_typed_measurement_pattern():
    assert typed_measurements("took 41 µs, 93× faster; 96% of digits; 12 times faster; 8 s.") == [
        "41 µs",
        "93×",
        "96%",
        "12 times faster",
        "8 s",
    ]
    assert typed_measurements("a 3 × 3 kernel, 26 × 26 = 676; 7 = 3 × (3 − 1) + 1; 0, s, 2s") == []
    assert typed_measurements("it took {glue:text}`t_ms:.1f` ms, {glue:text}`r:.0f`× faster") == []


@pytest.mark.parametrize("md", LESSONS + [ROOT / "book" / "intro.md"], ids=lambda p: p.name)
def test_prose_types_no_measured_number(md):
    """Times, percentages and speed-ups in the prose come from the run, through glue."""
    prose = re.sub(
        r"^```.*?^```", "", md.read_text(), flags=re.MULTILINE | re.DOTALL
    )  # code blocks
    typed = typed_measurements(prose)
    assert not typed, f"{md.name} types measured figures into its prose: {typed}; glue them"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_hidden_cells_are_collapsed_in_notebooks_and_say_why(md):
    """Cells removed from the page, and the solutions cell, are collapsed in JupyterLab,
    Notebook and Colab too (cell metadata `jupyter`), and open with a comment saying why."""
    notebook = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    hidden = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and {"remove-cell", "hide-cell"} & set(cell.metadata.get("tags", []))
    ]
    assert len(hidden) >= 2
    for cell in hidden:
        assert cell.metadata.get("jupyter") == {"source_hidden": True, "outputs_hidden": True}
        assert cell.source.startswith("# "), cell.source[:80]
    solutions = [cell for cell in hidden if "hide-cell" in cell.metadata["tags"]]
    assert len(solutions) == 1 and "print(" not in solutions[0].source
    assert solutions[0].outputs == []


MACHINE_PATH = re.compile(
    r"(?<![\w:/.-])/(?:home|root|Users|tmp|work|opt|usr|var|private)/[\w.-]+"
    r"|[A-Z]:\\+Users"
)


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_no_machine_path_in_a_committed_notebook(md):
    """Outputs hold no absolute path of the machine that ran them (a traceback's file names,
    a temporary folder): the published page would show the build runner's."""
    notebook = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells])
    assert not MACHINE_PATH.findall(outputs)
    assert not re.search(r"\bat 0x[0-9a-f]{6,}", outputs), "an object's address: run-specific"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_a_notebook_opened_before_running_shows_nothing_stale(md):
    """No progress text left by a training run, and every widget output either drawn from
    the widget state the notebook saves or, where it cannot be, saying what it is."""
    notebook = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    saved = (
        notebook.metadata.get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") + "".join(output.get("data", {}).get("text/plain", ""))
            assert "%|" not in text and "training:" not in text, text[:80]
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                assert view["model_id"] in saved, "a widget the notebook cannot draw"
                assert text.endswith("Run this cell in Jupyter to use it."), text[:80]


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_the_pair_is_in_sync_as_jupytext_sees_it(md):
    """The .md is exactly what jupytext writes for the .ipynb: JupyterLab opens the pair
    (jupytext refuses an .md that differs from a newer .ipynb) and saving it changes nothing."""
    notebook = jupytext.read(md.with_suffix(".ipynb"))
    assert jupytext.writes(notebook, fmt="md:myst") == md.read_text()


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_every_figure_says_what_it_shows(md):
    """Each cell that draws a figure names it for a screen reader (myst-nb's cell metadata
    ``mystnb.image.alt`` becomes the page's alt text), one figure per cell so each alt fits."""
    from test_site import says_what_it_shows

    notebook = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    for cell in notebook.cells:
        figures = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if not figures:
            continue
        first_line = cell.source.splitlines()[0]
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        assert says_what_it_shows(alt), f"{md.name}: the figure of '{first_line}' has no alt text"
        assert len(figures) == 1, f"{md.name}: '{first_line}' draws {len(figures)} figures"


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_next_is_a_link_to_the_next_lesson(md):
    text = md.read_text()
    following = LESSONS[LESSONS.index(md) + 1 :]
    if not following:
        return
    assert re.search(
        rf"^\*\*Next:\*\* \[lesson \d+, \*[^*]+\*\]\({following[0].name}\)", text, re.M
    ), f"{md.name} must end with a '**Next:**' link to {following[0].name}"
