"""The lessons as a learner gets them after "launch": JupyterLab in Binder's environment
(binder/requirements.txt alone, then binder/postBuild: the ``binder_env`` fixture), on
127.0.0.1, driven in headless Chromium.

Every lesson is opened as every launch opens it, from its launched notebook
(notebooks/NN_topic.ipynb), and run top to bottom: no error, no MyST markup in the rendered
text, solutions and hidden cells collapsed, a screenshot of its "Check yourself" section left
in _build/jupyterlab/ for reviewers. Lesson 3's explorer and an answer box are operated, and
saving it leaves a valid launched lesson, whose differences from the one made from the lesson
the check names as a learner's run (outputs, counts, widget state), not as edits.
"""

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import nbformat
import pytest

from coursecode import __version__
from coursedev.launch import differences
from coursedev.launch import problems
from coursedev.site import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOTS = ROOT / "_build" / "jupyterlab"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(needs_chromium, binder_env, tmp_path_factory):
    """JupyterLab, run by Binder's environment, serving a copy of the launched notebooks;
    yields (base URL, their folder). Its kernels are that environment's Python: every lesson
    runs there, which is what the Binder test would otherwise run them again for."""
    bin_dir, binder, _ = binder_env
    home = tmp_path_factory.mktemp("lab")
    work = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # postBuild's settings (binder_env ran it), copied: the robot's go on top of a copy.
    shutil.copytree(binder["JUPYTER_CONFIG_DIR"], home / "config")
    env = {
        **binder,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    # Settings for the robot, on top of postBuild's: every cell in the page (no windowing,
    # which drops the cells out of view from the DOM), and no news pop-up.
    overrides = home / "config" / "labconfig" / "default_setting_overrides.json"
    settings = json.loads(overrides.read_text())
    settings["@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
    settings["@jupyterlab/apputils-extension:notification"] = {"fetchNews": "false"}
    overrides.write_text(json.dumps(settings))
    port = free_port()
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [
            str(bin_dir / "python"),
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={work}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--allow-root",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                log.close()
                pytest.fail(f"JupyterLab did not start:\n{(home / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield url, work
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's headless Chromium (tests/conftest.py): one playwright per process."""
    return browser


def open_lesson(chromium, url: str, name: str):
    """Open a launched notebook in JupyterLab, run every cell, wait until the kernel is done."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    # A workspace of its own: JupyterLab would otherwise reopen the lessons opened before.
    workspace = name.removesuffix(".ipynb")
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}?reset", timeout=120_000)
    page.wait_for_function(
        "() => window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=120_000
    )
    # Ready: the notebook's kernel connected and idle (the indicator says idle earlier).
    page.wait_for_function(
        "() => { const k = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;"
        " return k && k.connectionStatus === 'connected' && k.status === 'idle'; }",
        timeout=120_000,
        polling=250,
    )
    page.wait_for_selector(".jp-Spinner", state="detached", timeout=120_000)
    # The notebook is the current widget (a click might land on a collapsed cell's "..."
    # and open it).
    page.evaluate(
        "() => window.jupyterapp.shell.activateById(window.jupyterapp.shell.currentWidget.id)"
    )
    page.evaluate(
        "async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
    )
    # Done when every code cell has run (or one failed, which stops the run) and the kernel
    # is idle again.
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " const cells = w.content.widgets.filter(c => c.model.type === 'code');"
        " const failed = cells.some(c => c.model.outputs.toJSON()"
        "   .some(o => o.output_type === 'error'));"
        " return (failed || cells.every(c => c.model.executionCount !== null))"
        "   && w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=300_000,
        polling=500,
    )
    return page


def check_the_notebook_view(page, name: str):
    errors = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".filter(c => c.model.type === 'code')"
        ".flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error')"
        ".map(o => o.ename + ': ' + o.evalue + ' in '"
        " + c.model.sharedModel.getSource().slice(0, 80)))"
    )
    assert errors == [], f"{name}: {errors}"
    solutions = page.locator("details", has=page.locator("summary", has_text="Solution"))
    assert solutions.count() >= 3, name
    assert solutions.evaluate_all("ds => ds.every(d => !d.open)"), f"{name}: a solution is open"
    # The text reads like the page: no MyST markup left for JupyterLab to show as text.
    text = page.locator(".jp-RenderedMarkdown").evaluate_all(
        "els => els.map(e => e.innerText).join('\\n')"
    )
    assert "Check yourself" in text, name
    raw = re.findall(r"\{[a-z][\w:-]*\}|^\([\w.:-]+\)=$|\$\$|\\tag\{", text, re.M)
    assert raw == [], f"{name}: raw markup in the rendered notebook: {raw[:10]}"
    # The hidden cells (setup, assertions, the solutions check, figure code) show collapsed.
    notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    hidden = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
    ]
    shown = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".map((c, i) => [i, c.inputHidden]).filter(([i, h]) => h).map(([i]) => i)"
    )
    assert shown == hidden, f"{name}: collapsed {shown}, hidden on the page {hidden}"
    assert page.locator(".jp-InputPlaceholder").count() >= len(hidden), name


def screenshot_check_yourself(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    heading = page.locator(".jp-RenderedMarkdown h2", has_text="Check yourself")
    heading.scroll_into_view_if_needed()
    page.evaluate("(h) => h.scrollIntoView({block: 'start'})", heading.element_handle())
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}.png"))


@pytest.mark.parametrize("name", [n for n in LESSONS if not n.startswith("03")])
def test_every_lesson_runs_in_jupyterlab_with_its_solutions_collapsed(lab, chromium, name):
    url, _ = lab
    page = open_lesson(chromium, url, name)
    try:
        check_the_notebook_view(page, name)
        screenshot_check_yourself(page, name)
    finally:
        page.close()


def test_lesson_3_in_jupyterlab_explorer_answer_box_and_saving(lab, chromium):
    url, work = lab
    name = "03_padding_stride.ipynb"
    page = open_lesson(chromium, url, name)
    try:
        check_the_notebook_view(page, name)
        # The explorer is drawn, and a slider moves it (live, with the kernel).
        size = page.locator(".conv-explorer-size")
        size.wait_for(timeout=30_000)
        assert size.inner_text() == "output 5×5"
        handle = page.locator(".conv-explorer-box .widget-slider", has_text="stride s").locator(
            ".noUi-handle"
        )
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('.conv-explorer-size').textContent === 'output 3×3'",
            timeout=10_000,
        )
        # An answer box checks an answer here as on the book's page.
        box = page.locator(".answer-box").first
        box.locator("input").fill("16")
        box.locator("input").press("Enter")
        feedback = box.locator(".answer-feedback")
        page.wait_for_function(
            "(f) => f.textContent !== ''", arg=feedback.element_handle(), timeout=10_000
        )
        assert feedback.inner_text().startswith("✓ 16"), feedback.inner_text()
        box.get_by_role("button", name="show solution").click()
        assert page.locator(
            "details", has=page.locator("summary", has_text="Solution")
        ).first.evaluate("d => d.open")
        screenshot_check_yourself(page, name)
        # Save: still a launched lesson; the check names a learner's run, not an edit.
        page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_timeout(3_000)
    finally:
        page.close()
    saved = json.loads((work / name).read_text())
    assert problems(saved, __version__) == []
    made = json.loads((ROOT / "notebooks" / name).read_text())
    said = differences(made, saved)
    run = re.compile(
        r"cell \d+ \(code\): (holds the outputs of a run|has an execution count"
        r"|metadata (jupyter\.outputs_hidden|execution\..*|scrolled|trusted): .*)"
        r"|the notebook's metadata (holds widget state.*|language_info\..*|kernelspec\..*)"
    )
    assert said and [line for line in said if not run.fullmatch(line)] == [], said
    text = (work / name).read_text()
    assert not re.search(r"\bat 0x[0-9a-f]{6,}", text), "an object's address in the notebook"
    from test_book import MACHINE_PATH

    outputs = str([cell.get("outputs", []) for cell in saved["cells"]])
    assert not MACHINE_PATH.findall(outputs)
