"""The notebooks a launch opens (notebooks/NN_topic.ipynb, made by coursedev/launch.py): made
from the lessons and current; plain Markdown + LaTeX with the glued numbers filled in; a setup
cell that installs coursecode where it is missing and does nothing where it is present; the
page's hidden cells hidden in JupyterLab and Colab; and a learner's save that the check
describes in words. The JupyterHub link maker's JavaScript (book/_static/launch.js) in Node.
"""

import copy
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlencode

import jupytext
import nbformat
import pytest
from make_notebooks import make  # scripts/: on pytest's pythonpath
from myst_nb.core.variables import format_plain_text
from node import Node

from coursecode import __version__
from coursedev.launch import BUILD_RUN
from coursedev.launch import BUILD_RUN_NOTE
from coursedev.launch import HIDDEN_TAGS
from coursedev.launch import MYST_ONLY
from coursedev.launch import NOT_AS_SAID
from coursedev.launch import differences
from coursedev.launch import glued_values
from coursedev.launch import launched_notebook
from coursedev.launch import lesson_files
from coursedev.launch import myst_constructs
from coursedev.launch import problems
from coursedev.launch import read_lessons
from coursedev.launch import setup_source
from coursedev.launch import soften_asserts
from coursedev.site import ROOT

LESSONS = lesson_files(ROOT)
IDS = [md.stem for md in LESSONS]


def launched(md: Path) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / f"{md.stem}.ipynb", as_version=4)


def test_every_lesson_has_a_launched_notebook_and_nothing_else_is_there():
    assert LESSONS, "no lessons in _toc.yml"
    assert sorted(p.name for p in (ROOT / "notebooks").iterdir()) == sorted(
        f"{md.stem}.ipynb" for md in LESSONS
    )


def test_every_launched_notebook_is_what_its_lesson_makes():
    """Changed a lesson, or coursecode's version? Run scripts/execute_lessons.py (or, for the
    version alone, scripts/make_notebooks.py) and commit notebooks/."""
    said = make(LESSONS, check=True)
    assert said == [], "\n".join(said)


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_a_launched_notebook_is_a_lesson_that_reads_like_the_page(md):
    notebook = launched(md)
    assert problems(notebook, __version__) == []
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert myst_constructs(markdown) == []
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in notebook.cells
        if c.cell_type == "code"
    ), "a launched notebook is saved without outputs"
    assert set(notebook.metadata) == {"kernelspec", "language_info"}


def test_the_counter_finds_what_the_lessons_write():
    """The lessons' own markdown is full of MyST (that is why the launched notebooks exist):
    the counter that finds 0 in the launched notebooks finds it there."""
    found = []
    for md in LESSONS:
        found += [
            kind.split(":")[0]
            for cell in jupytext.read(md).cells
            if cell.cell_type == "markdown"
            for kind in myst_constructs(cell.source)
        ]
    assert len(found) >= 90 and {"role", "target", "equation label"} <= set(found)


@pytest.mark.parametrize(
    "kind, text",
    [
        ("role", "read {glue:text}`valid_pct:.1f`% of digits"),
        ("role", "Equation {eq}`out-size` says"),
        ("directive", "```{code-cell} ipython3\nx = 1\n```"),
        ("directive", ":::{admonition} Note\nhi\n:::"),
        ("target", "(pooling)=\n## Pooling"),
        ("equation label", "$$\nn - k + 1\n$$ (valid-size)"),
        ("comment", "% a MyST comment"),
        ("block break", "+++\nnext"),
        ("substitution", "the {{ version }} here"),
        ("footnote", "a claim[^1]"),
    ],
)
def test_the_counter_finds_each_kind_of_myst_markup(kind, text):
    assert kind in MYST_ONLY
    assert [found.split(":")[0] for found in myst_constructs(text)] == [kind]


def test_plain_markdown_passes_the_counter():
    plain = (
        "50% of $x$, *emphasis*, `code`, [a link](02_unfold.ipynb), <details><summary>"
        "Solution</summary>\n\n```python\nx = 1\n```\n\n</details>\n\n$$\nn\n\\tag{3.1}\n$$"
    )
    assert myst_constructs(plain) == []


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_the_glued_numbers_are_filled_in_and_the_runs_own_are_marked(md):
    """Each {glue:text} becomes the value as myst-nb formats it on the page; one the build's
    run produced (glued with varies=True) carries the dagger (after its unit: 95.9%†, 9 s†),
    and the first cell says what the dagger means."""
    glued = glued_values(nbformat.read(md.with_suffix(".ipynb"), as_version=4))
    lesson = [c for c in jupytext.read(md).cells]
    cells = [c for c in launched(md).cells if c.id != "course-setup"]
    assert len(cells) == len(lesson)
    seen = marked = 0
    for source, made in zip(lesson, cells):
        units = r"(%|[ \u00a0](?:µs|ms|s|KB|MB|GB)\b|)"  # a unit goes before the dagger
        for role, unit in re.findall(r"\{glue:text\}`([^`]+)`" + units, source.source):
            name, _, spec = role.partition(":")
            value, varies = glued[name]
            text = re.sub(r"([\\`*_\[\]<>$|])", r"\\\1", format_plain_text(value, spec)) + unit
            pattern = re.escape(text) + (re.escape(BUILD_RUN) if varies else f"(?!{BUILD_RUN})")
            assert re.search(pattern, made.source), (md.name, role, made.source[:300])
            seen += 1
            marked += varies
    assert seen == sum(
        len(re.findall(r"\{glue:text\}`", c.source)) for c in lesson if c.cell_type == "markdown"
    )
    daggers = sum(c.source.count(BUILD_RUN) for c in cells if c.cell_type == "markdown")
    assert daggers == marked + (1 if marked else 0), "the note's own dagger, once"
    notes = [i for i, c in enumerate(cells) if BUILD_RUN_NOTE in c.source]
    assert notes == ([0] if marked else [])


def test_a_value_that_varies_is_glued_in_a_cell_whose_output_nbval_ignores():
    """A value of this run only (varies=True) would fail nbval on another machine unless its
    cell's output is ignored; and the lessons do mark the timings and training results."""
    marked = 0
    for md in LESSONS:
        for cell in nbformat.read(md.with_suffix(".ipynb"), as_version=4).cells:
            for output in cell.get("outputs", []):
                if output.get("metadata", {}).get("course", {}).get("varies"):
                    marked += 1
                    assert "nbval-ignore-output" in cell.metadata.get("tags", []), cell.source
    assert marked >= 40


def test_equations_and_references_read_as_the_page_numbers_them():
    lessons = read_lessons(ROOT)
    assert lessons["03_padding_stride"].equations == {"out-size": "3.1", "same-padding": "3.2"}
    lesson3 = "\n".join(c.source for c in launched(LESSONS[2]).cells)
    assert "\\tag{3.1}" in lesson3 and "\\tag{3.2}" in lesson3
    assert "Equation (3.1) is `conv_out_size`" in lesson3
    lesson4 = "\n".join(c.source for c in launched(LESSONS[3]).cells)
    assert "lesson 3's formula (3.1)" in lesson4, "a reference to another lesson's equation"
    pooling = "[*Pooling: one number per window, by a fixed rule*](03_padding_stride.ipynb)"
    assert f"(lesson 3, {pooling})" in lesson4, "another lesson's section: a link to it"
    memory = "[NCHW against NHWC](05_color_channels.ipynb)"  # the lesson's own words
    assert f"(Lesson 5 shows how\nsuch a tensor lies in memory: {memory}.)" in lesson4
    lesson6 = "\n".join(c.source for c in launched(LESSONS[5]).cells)
    assert "*Theoretical and effective fields* below measures" in lesson6, "its own: the title"
    assert "(see [lesson 3's section on pooling](03_padding_stride.ipynb))" in lesson6


@pytest.mark.slow
def test_the_equation_numbers_are_the_pages(built_html):
    """The numbers the launched notebooks give the equations are those of the built pages."""
    for md in LESSONS:
        page = (built_html / "lessons" / f"{md.stem}.html").read_text()
        on_page = re.findall(r'<span class="eqno">\(([\d.]+)\)', page)
        text = "\n".join(c.source for c in launched(md).cells if c.cell_type == "markdown")
        assert re.findall(r"\\tag\{([\d.]+)\}", text) == on_page, md.name


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_links_lead_to_launched_notebooks_or_out_of_the_repository(md):
    for cell in launched(md).cells:
        if cell.cell_type != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            assert (ROOT / "notebooks" / target).exists(), (md.name, target)


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_the_pages_hidden_cells_are_hidden_in_jupyterlab_and_colab(md):
    """A cell whose code the page hides is collapsed in JupyterLab and a titled form in Colab;
    every other cell shows its code."""
    made = [c for c in launched(md).cells if c.id != "course-setup"]
    for source, cell in zip(jupytext.read(md).cells, made):
        if cell.cell_type != "code":
            continue
        hidden = bool(HIDDEN_TAGS & set(source.metadata.get("tags", [])))
        title = cell.source.split("\n", 1)[0]
        assert (cell.metadata.get("cellView") == "form") == hidden, cell.source[:80]
        assert cell.metadata.get("jupyter", {}).get("source_hidden", False) == hidden
        assert title.startswith("# @title ") == hidden
        if hidden:
            assert len(title) <= 110 and not re.search(r"prose", title, re.I), title
            code = source.source
            if "remove-cell" in source.metadata["tags"]:
                code = soften_asserts(code)
            assert cell.source.split("\n", 1)[1] == code


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_the_setup_cell_comes_first_and_pins_this_version(md):
    notebook = launched(md)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].id == "course-setup" and code[0].source == setup_source(__version__)
    assert code[0].metadata["cellView"] == "form"
    assert code[0].metadata["jupyter"] == {"source_hidden": True}, "its outputs (errors) show"
    assert code[1].source == next(
        c.source for c in jupytext.read(md).cells if c.cell_type == "code"
    )


def test_a_hidden_check_prints_where_the_lesson_asserts():
    """A check the page hides runs on the reader's machine (another PyTorch, a GPU): where the
    text's claim does not hold, it says so and "Run all" goes on; everything else in the cell
    runs as in the lesson."""
    source = (
        "# The prose: a claim.\n"
        "x = 3\n"
        "assert x > 5, ('x is', x)\n"
        "for y in (1, 2):\n"
        "    assert y < 2\n"
        "assert (x ==\n"
        "        3)\n"
        "z = x + 1\n"
        "assert z == 4  # a comment stays\n"
    )
    softened = soften_asserts(source)
    assert "assert" not in softened and "if not (z == 4):  # a comment stays" in softened
    scope, printed = {}, []
    exec(softened, {"print": lambda *args: printed.append(args)}, scope)
    assert scope["z"] == 4
    assert printed == [(NOT_AS_SAID, ("x is", 3)), (NOT_AS_SAID, "y < 2")]
    assert soften_asserts("x = 1; assert x") == "x = 1; assert x", "sharing a line: as it is"
    assert soften_asserts("%time x = 1") == "%time x = 1"


@pytest.mark.parametrize("md", LESSONS, ids=IDS)
def test_no_hidden_check_of_a_launched_notebook_can_stop_run_all(md):
    for cell in launched(md).cells:
        if "remove-cell" in cell.metadata.get("tags", []) and cell.id != "course-setup":
            assert not re.search(r"^\s*assert\b", cell.source, re.M), cell.source[:200]


def saved_by_a_learner(notebook: dict) -> dict:
    """``notebook`` as JupyterLab saves it after a run: outputs, execution counts, widget
    state, and the collapsed outputs' flag dropped."""
    saved = copy.deepcopy(notebook)
    for i, cell in enumerate(saved["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = i
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}]
            cell["metadata"].get("jupyter", {}).pop("outputs_hidden", None)
    saved["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    saved["metadata"]["language_info"]["version"] = "3.11.9"
    return saved


def test_a_learners_save_is_still_a_lesson_and_the_check_says_what_changed():
    made = json.loads((ROOT / "notebooks" / f"{LESSONS[2].stem}.ipynb").read_text())
    saved = saved_by_a_learner(made)
    assert problems(saved, __version__) == [], "a run and a save keep it a valid lesson"
    said = differences(made, saved)
    assert "the notebook's metadata holds widget state (saved after a run)" in said
    assert 'the notebook\'s metadata language_info.version: added ("3.11.9")' in said
    assert "cell 1 (code): holds the outputs of a run" in said
    assert "cell 1 (code): has an execution count" in said
    edited = copy.deepcopy(made)
    edited["cells"][4]["source"] = "my own notes"
    edited["cells"][5]["metadata"].pop("cellView", None)
    said = differences(made, edited)
    assert said[0] == "cell 4 (markdown): its text was edited" or "cell 4" in said[0]
    assert differences(made, made) == []


def test_the_check_names_a_launched_notebook_that_lost_what_makes_it_one():
    made = json.loads((ROOT / "notebooks" / f"{LESSONS[0].stem}.ipynb").read_text())
    broken = copy.deepcopy(made)
    hidden = next(
        i
        for i, c in enumerate(broken["cells"])
        if c["cell_type"] == "code" and c["metadata"].get("cellView") and i > 1
    )
    broken["cells"][hidden]["metadata"].pop("cellView")
    broken["cells"][hidden]["metadata"]["jupyter"]["source_hidden"] = False
    broken["cells"][0]["source"] = "Read {glue:text}`x` here"
    said = problems(broken, __version__)
    assert f"cell {hidden} (code): its code shows in Colab (a form with a title)" in said
    assert f"cell {hidden} (code): its code shows in JupyterLab (source_hidden)" in said
    assert "cell 0 (markdown): role: {glue:text}`" in said
    assert problems(made, "9.9.9") == [
        "the first code cell does not install coursecode==9.9.9 where missing"
    ]


def test_make_notebooks_check_says_what_a_save_changed(tmp_path, monkeypatch):
    """scripts/make_notebooks.py --check on a learner's saved copy: exit 1, and the words."""
    import make_notebooks

    root = tmp_path / "course"
    for name in ("_toc.yml", "lessons", "notebooks"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            root.mkdir(exist_ok=True)
            shutil.copy(source, root / name)
    path = root / "notebooks" / f"{LESSONS[2].stem}.ipynb"
    path.write_text(json.dumps(saved_by_a_learner(json.loads(path.read_text()))))
    monkeypatch.setattr(make_notebooks, "ROOT", root)
    said = make_notebooks.make([root / "lessons" / md.name for md in LESSONS], check=True)
    assert said and all(line.startswith(f"notebooks/{LESSONS[2].stem}.ipynb: ") for line in said)
    assert f"notebooks/{LESSONS[2].stem}.ipynb: cell 1 (code): holds the outputs of a run" in said


def test_a_lesson_whose_run_is_stale_is_not_made_into_a_notebook(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(ROOT / "lessons", root / "lessons")
    shutil.copy(ROOT / "_toc.yml", root / "_toc.yml")
    md = root / "lessons" / LESSONS[0].name
    md.write_text(md.read_text().replace("# Kernels and feature maps", "# Kernels, edited", 1))
    with pytest.raises(ValueError, match="is not 01_kernels.md as last run"):
        launched_notebook(md, __version__, root)


def test_a_role_with_no_plain_form_stops_the_making():
    from coursedev.launch import plain_markdown

    lessons = read_lessons(ROOT)
    with pytest.raises(ValueError, match="no plain form for the MyST role"):
        plain_markdown("see {numref}`fig-1`", "01_kernels", lessons, {})
    with pytest.raises(ValueError, match="names no value the lesson glued"):
        plain_markdown("{glue:text}`nothing:.1f`", "01_kernels", lessons, {})


# The setup cell, run as a learner runs it where coursecode is missing: a fresh virtual
# environment, and a package index on 127.0.0.1 that serves the wheel built from this checkout.


class _Index(http.server.SimpleHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        _Index.requests.append(self.path)


@pytest.fixture(scope="module")
def local_index(tmp_path_factory):
    """A PEP 503 index at http://127.0.0.1:PORT/simple/ holding the wheel built from this
    checkout (as the release builds it, offline); yields (index URL, wheel)."""
    folder = tmp_path_factory.mktemp("index")
    source = folder / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "coursecode", source / "coursecode", ignore=shutil.ignore_patterns("__pycache__")
    )
    wheels = folder / "simple" / "coursecode"
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [wheel] = wheels.glob("coursecode-*.whl")
    (wheels / "index.html").write_text(f'<a href="{wheel.name}">{wheel.name}</a>\n')
    (folder / "simple" / "index.html").write_text('<a href="coursecode/">coursecode</a>\n')
    handler = lambda *args, **kwargs: _Index(*args, directory=str(folder), **kwargs)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple/", wheel
    server.shutdown()
    server.server_close()


def run_setup_then_next_cell(python: Path, md: Path, env: dict, cwd: Path):
    """Run the launched notebook's setup cell, then its next code cell, in ``python``."""
    notebook = launched(md)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    script = (
        "import sys\n"
        f"exec(compile({code[0]!r}, 'setup cell', 'exec'))\n"
        "print('after setup, coursecode is', __import__('coursecode').__file__)\n"
        f"exec(compile({code[1]!r}, 'next cell', 'exec'))\n"
        "print('next cell ran')\n"
    )
    return subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )


@pytest.mark.slow
def test_the_setup_cell_installs_coursecode_where_missing_and_nothing_where_present(
    local_index, tmp_path
):
    """A fresh venv without coursecode (its other packages borrowed from this environment
    through a .pth file, so that only coursecode comes from the index): the setup cell
    installs coursecode==__version__ from the index on 127.0.0.1, and the lesson's next
    cell imports it. Run again, with it installed: no request to the index, no output."""
    import os
    import site
    import venv

    index, wheel = local_index
    assert wheel.name.startswith(f"coursecode-{__version__}-")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This environment's packages, but not coursecode, which is installed here in editable
    # mode: its metadata (which pip would take for an installed coursecode) and its finder
    # are left out of a folder of links to everything else.
    borrowed = tmp_path / "borrowed"
    borrowed.mkdir()
    for folder in map(Path, site.getsitepackages()):
        for entry in folder.iterdir():
            if "coursecode" not in entry.name.lower() and not entry.name.endswith(".pth"):
                (borrowed / entry.name).symlink_to(entry)
    (Path(purelib) / "borrowed.pth").write_text(f"{borrowed}\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(PIP_INDEX_URL=index, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1")
    work = tmp_path / "work"  # not the checkout: its coursecode/ folder would be imported
    work.mkdir()
    missing = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('coursecode'))"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    assert missing.stdout.strip() == "None", missing.stdout + missing.stderr
    _Index.requests.clear()
    first = run_setup_then_next_cell(python, LESSONS[0], env, work)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert f"Installing coursecode=={__version__}" in first.stdout
    assert f"after setup, coursecode is {purelib}/coursecode/__init__.py" in first.stdout
    assert "next cell ran" in first.stdout
    assert any(wheel.name in request for request in _Index.requests), _Index.requests
    _Index.requests.clear()
    again = run_setup_then_next_cell(python, LESSONS[0], env, work)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.splitlines()[0].startswith("after setup"), "it installed nothing"
    assert _Index.requests == []


def test_the_setup_cell_says_what_went_wrong_when_pip_cannot_install(tmp_path):
    """No network (Kaggle with Internet off): a RuntimeError that says so, with pip's words."""
    import os

    fake = tmp_path / "fake"
    fake.mkdir()
    # A Python whose `import coursecode` finds nothing: a site without it, pip pointed at a
    # closed port.
    script = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = (\n"
        "    lambda name, *a: None if name == 'coursecode' else real(name, *a))\n"
        f"exec(compile({setup_source('0.0.0.dev0')!r}, 'setup cell', 'exec'))\n"
    )
    env = {
        **os.environ,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple/",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
        "PIP_TARGET": str(fake),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode != 0
    assert "RuntimeError: pip could not install coursecode==0.0.0.dev0 (on Kaggle, turn on" in (
        done.stderr
    )
    assert list(fake.iterdir()) == []


def test_without_a_network_the_setup_cell_uses_the_package_in_the_copy_beside(tmp_path):
    """On a class hub without internet, nbgitpuller's copy of the repository holds the package:
    the notebook (in notebooks/) imports it from there."""
    import os

    checkout = tmp_path / "course"
    (checkout / "coursecode").mkdir(parents=True)
    (checkout / "coursecode" / "__init__.py").write_text("WHERE = 'the copy beside'\n")
    (checkout / "notebooks").mkdir()
    script = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = (\n"
        "    lambda name, *a: None if name == 'coursecode' else real(name, *a))\n"
        f"exec(compile({setup_source('0.0.0.dev0')!r}, 'setup cell', 'exec'))\n"
        "import coursecode\n"
        "print(coursecode.WHERE)\n"
    )
    env = {
        **os.environ,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple/",
        "PIP_TARGET": str(tmp_path / "target"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=checkout / "notebooks",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"using the copy in {checkout}" in done.stdout
    assert done.stdout.strip().endswith("the copy beside")


# The JupyterHub route's JavaScript (book/_static/launch.js), in Node.


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    node = Node(ROOT / "book" / "_static" / "launch.js", tmp_path_factory.mktemp("node"))
    yield node
    node.close()


@pytest.mark.parametrize(
    "typed, hub_url",
    [
        ("hub.example.edu", "https://hub.example.edu"),
        ("  https://hub.example.edu/  ", "https://hub.example.edu"),
        ("https://hub.example.edu/hub/home", "https://hub.example.edu"),
        ("https://hub.example.edu/hub/login?next=%2F", "https://hub.example.edu"),
        ("https://example.edu/jupyter/hub/", "https://example.edu/jupyter"),
        ("https://example.edu/jupyter/user/ada/lab/tree", "https://example.edu/jupyter"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("HTTPS://Hub.Example.EDU", "https://hub.example.edu"),
    ],
)
def test_a_typed_hub_address_becomes_the_hubs_base_url(hub, typed, hub_url):
    assert hub("hubAddress", typed) == {"hub": hub_url}


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "Type your JupyterHub's address"),
        ("   ", "Type your JupyterHub's address"),
        ("hub example edu", "no spaces"),
        ("javascript:alert(1)", "starts with https://"),
        ("ftp://hub.example.edu", "starts with https://"),
        ("myhub", "not a full host name"),
        ("https://", "is not a web address"),
    ],
)
def test_a_wrong_hub_address_is_refused_with_a_reason(hub, typed, words):
    result = hub("hubAddress", typed)
    assert set(result) == {"error"} and words in result["error"], result


@pytest.mark.parametrize(
    "branch, notebook",
    [("main", "notebooks/01_kernels.ipynb"), ("gh pages&x", "notebooks/06 fields.ipynb")],
)
def test_the_nbgitpuller_link_is_nbgitpullers_format(hub, branch, notebook):
    """nbgitpuller's documented link: /hub/user-redirect/git-pull with repo, urlpath (JupyterLab,
    the repository's folder, the notebook) and branch, each URL-encoded."""
    repository = "https://github.com/someone/course-fork"
    query = urlencode(
        {"repo": repository, "urlpath": f"lab/tree/course-fork/{notebook}", "branch": branch},
        quote_via=lambda text, *args: quote(text, safe="-_.!~*'()"),  # encodeURIComponent's
    )
    expected = f"https://hub.example.edu/hub/user-redirect/git-pull?{query}"
    assert (
        hub("nbgitpullerLink", "https://hub.example.edu", repository, branch, notebook) == expected
    )
