"""The built book in a real browser (headless Chromium), served on 127.0.0.1 with the network cut."""

import pytest

from browser import open_page

pytestmark = pytest.mark.browser


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
    picture = page.locator(".widget-html img").last
    picture.wait_for(timeout=15_000)
    assert page.evaluate("(img) => img.naturalWidth", picture.element_handle()) > 0
    assert "output 26×26" in page.locator(".widget-html", has_text="stride 1, padding 0").inner_text()
    assert log.problems() == [], log
