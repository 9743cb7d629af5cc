"""The built book in a real browser (headless Chromium), served on 127.0.0.1 with the network cut."""

import pytest

from browser import LocalSite
from browser import build_book
from browser import chromium_available
from browser import launch
from browser import must_run_in_ci
from browser import open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    if not chromium_available():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if must_run_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    html = build_book(tmp_path_factory.mktemp("book"))
    with LocalSite(html) as url:
        yield url


@pytest.fixture(scope="session")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def press(page, label: str, key: str, times: int = 1):
    handle = page.locator(".widget-slider", has_text=label).locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def test_explorer_moves_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/03_padding_stride.html")
    size = page.locator(".conv-explorer-size")
    size.wait_for(timeout=15_000)
    assert size.inner_text() == "output 5×5"
    assert page.locator(".conv-explorer svg rect.out").count() == 25

    press(page, "stride s", "ArrowRight")                     # stride 1 -> 2
    page.wait_for_function(
        "document.querySelector('.conv-explorer-size').textContent === 'output 3×3'", timeout=5_000)
    assert page.locator(".conv-explorer svg rect.out").count() == 9
    assert "/ 2⌋ + 1 = 3" in page.locator(".conv-explorer-formula").inner_text()

    press(page, "kernel size k", "ArrowRight", times=4)       # kernel 3 -> 7
    press(page, "padding p", "ArrowLeft")                     # padding 1 -> 0
    invalid = page.locator(".conv-explorer-invalid")
    invalid.wait_for(timeout=5_000)
    assert invalid.inner_text().startswith("no output: the kernel spans 7 pixels")
    assert page.locator(".conv-explorer svg").count() == 0   # a message in place of the grid

    assert log.problems() == [], log


def test_kernel_explorer_shows_its_first_state(site, browser):
    page, log = open_page(browser, site, "lessons/03_padding_stride.html")
    picture = page.locator(".widget-image").last
    picture.wait_for(timeout=15_000)
    assert page.evaluate("(img) => img.naturalWidth", picture.element_handle()) > 0
    assert "output 26×26" in page.locator(".widget-html", has_text="stride 1, padding 0").inner_text()
    assert log.problems() == [], log
