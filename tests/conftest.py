"""Shared test settings: a headless matplotlib, hypothesis profiles, figures closed after each
test; the fixtures of the built book, Chromium and Binder's environment; how pytest-xdist
shares the tests out."""

import os
import shutil
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck
from hypothesis import settings

# Headless figures for this process only. (Setting MPLBACKEND instead would leak into the
# kernels nbval starts, and the lessons' figures would vanish from their outputs.)
matplotlib.use("Agg")

# PyTorch's first call is slow (lazy initialisation): time limits per example would flake.
settings.register_profile(
    "default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# How pytest-xdist shares the tests out (`pytest -n 2`; --dist=loadgroup in pyproject.toml):
# each module, or notebook, goes to one process as a whole (nbval runs a notebook's cells in
# order, in one kernel; module-scoped fixtures are made once), but for these modules, which
# can go test by test (their JupyterLab is made once per process).
ONE_BY_ONE = {"tests/test_browser.py", "tests/test_jupyterlab.py"}
# It makes Binder's environment, which test_jupyterlab.py's tests then use: it starts first.
MAKES_BINDER = "tests/test_binder.py"


def _path(item, config) -> str:
    if item.path.is_relative_to(config.rootpath):
        return item.path.relative_to(config.rootpath).as_posix()
    return item.path.as_posix()


def _group(item) -> str:
    mark = item.get_closest_marker("xdist_group")
    return (mark.args[0] if mark.args else mark.kwargs.get("name", "")) if mark else ""


def _first(item, config) -> int:
    """Under pytest-xdist, what starts first: Binder's environment (the longest chain, as
    every lesson then runs in JupyterLab there), the notebooks, the other slow tests, the
    quick ones; the tests of the built book last, as .ci/run builds it meanwhile."""
    if _path(item, config) == MAKES_BINDER:
        return 0
    if {"built_html", "site"} & set(getattr(item, "fixturenames", ())):
        return 4
    if item.path.suffix == ".ipynb":
        return 1
    return 2 if item.get_closest_marker("slow") else 3


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        # A test that needs the built book waits for a strict build (a minute): it is never
        # part of the fast loop, `pytest -m "not browser and not slow"`, even without its
        # own marker.
        if "built_html" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "browser"
        ):
            item.add_marker(pytest.mark.slow)
        if not _group(item):
            path = _path(item, config)
            item.add_marker(pytest.mark.xdist_group(item.nodeid if path in ONE_BY_ONE else path))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: _first(item, config))  # stable: each group keeps its order


def once(tmp_path_factory, name: str, make) -> Path:
    """A folder ``name`` filled by ``make(folder)`` once per test run, even when pytest-xdist's
    processes ask for it at the same time: they share one folder, and a lock."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder every worker's folder is in
    folder = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / f"{name}.ready").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a half-made one, from a failed try
            folder.mkdir()
            make(folder)
            (shared / f"{name}.ready").write_text("")
    return folder


def _missing(message: str):
    """A tool the test needs is not installed: skip it here, fail it in CI (``CI`` set), where
    .ci/run installs every tool."""
    from coursedev.site import must_run_in_ci

    if must_run_in_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def needs_chromium():
    """Skip (fail in CI) a test that needs Debian's chromium when it is not installed."""
    from coursedev.site import chromium_available

    if not chromium_available():
        _missing("Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def needs_axe():
    """Skip (fail in CI) a test that needs axe-core (npm, test-only) when it is not installed."""
    from coursedev.axe import axe_available

    if not axe_available():
        _missing("axe-core is not installed: run `npm ci` in the repository's root")


@pytest.fixture(scope="session")
def built_html(tmp_path_factory):
    """The book, built strictly (every warning an error, every lesson executed).

    ``COURSE_BUILT_HTML`` names a book built that way already, which is then used as it is:
    while you work, ``COURSE_BUILT_HTML=_build/html pytest -m browser`` reuses the book you
    built. .ci/run builds the book once, strictly, while the tests run, and also sets
    ``COURSE_BUILD_STATUS``: the file where the build's exit status appears when it is
    done, which is waited for. Without them, the book is built into a temporary folder,
    once per test run.
    """
    from coursedev.site import build_book

    given = os.environ.get("COURSE_BUILT_HTML")
    status = os.environ.get("COURSE_BUILD_STATUS")
    if given and status:
        deadline = time.monotonic() + 30 * 60
        while not Path(status).exists():
            if time.monotonic() > deadline:
                pytest.fail(f"no build status in {status} after 30 minutes")
            time.sleep(1)
        code = Path(status).read_text().strip()
        if code != "0":
            pytest.fail(
                f"the strict build failed (exit status {code}): its log is "
                f"{Path(status).with_name('build.log')}"
            )
    if given:
        html = Path(given).resolve()
        if not (html / "index.html").is_file():
            pytest.fail(f"COURSE_BUILT_HTML={given!r} holds no built book (no index.html)")
        return html
    return once(tmp_path_factory, "book", build_book) / "_build" / "html"


@pytest.fixture(scope="session")
def binder_env(tmp_path_factory):
    """Binder's environment (coursedev.binder.make_binder_env), made once per run: (bin
    folder, environment variables, its folder)."""
    from coursedev.binder import binder_env_vars
    from coursedev.binder import make_binder_env

    home = once(tmp_path_factory, "binder", make_binder_env)
    bin_dir, env = binder_env_vars(home)
    return bin_dir, env, home


@pytest.fixture(scope="session")
def site(needs_chromium, built_html):
    """The built book served on 127.0.0.1: its base URL."""
    from coursedev.serve import LocalServer

    with LocalServer(built_html) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser(needs_chromium):
    """Headless Debian Chromium, driven by playwright."""
    from playwright.sync_api import sync_playwright

    from coursedev.site import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
