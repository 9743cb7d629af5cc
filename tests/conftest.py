"""Shared test settings: a headless matplotlib, hypothesis profiles, figures closed after each test."""

import os
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


@pytest.fixture(scope="session")
def built_html(tmp_path_factory):
    """The book, built strictly once per test session into a temporary folder.

    ``COURSE_BUILT_HTML=_build/html`` reuses a book you built yourself instead (quicker
    while working on a browser test; CI always builds afresh).
    """
    from browser import build_book
    from browser import chromium_available
    from browser import must_run_in_ci

    if not chromium_available():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if must_run_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    if os.environ.get("COURSE_BUILT_HTML") and not must_run_in_ci():
        return Path(os.environ["COURSE_BUILT_HTML"]).resolve()
    html, _ = build_book(tmp_path_factory.mktemp("book"))
    return html


@pytest.fixture(scope="session")
def site(built_html):
    """The built book served on 127.0.0.1: its base URL."""
    from browser import LocalSite

    with LocalSite(built_html) as url:
        yield url


@pytest.fixture(scope="session")
def browser(site):
    """Headless Debian Chromium, driven by playwright."""
    from playwright.sync_api import sync_playwright

    from browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
