"""The lessons on a phone: 360 and 400 px wide, with touch. No page scrolls sideways; every
explorer's controls wrap and stay usable (a slider's track at least 120 px wide, every
control at least 24 × 24 px, WCAG 2.2's minimum target size) and inside the screen; its
drawings scale down to fit. A wide table may scroll inside its own box (the field explorer's)."""

import pytest
from test_browser import LESSON_PAGES as LESSONS

from coursedev.site import open_page

pytestmark = pytest.mark.browser

WIDTHS = [360, 400]

# What a phone's reader meets: a page wider than the screen, and in each explorer a control or
# a drawing that is cut off, squeezed or too small to tap.
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const name = (el) => {
    const what = String(el.className).trim().split(/\\s+/).slice(0, 2).join(".");
    const where = el.closest(".course-explorer").className.match(/\\S+-explorer\\S*/);
    return `${el.tagName.toLowerCase()}.${what} in ${where}`;
  };
  const size = (r) => `${Math.round(r.width)}×${Math.round(r.height)}`;
  const found = { wide: document.scrollingElement.scrollWidth - vw, explorers: 0, outside: [],
                  tracks: [], small: [] };
  for (const box of document.querySelectorAll(".course-explorer")) {
    found.explorers += 1;
    for (const el of box.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest(".field-table-box")) continue;  // scrolls in its own box
      if (r.left < -1 || r.right > vw + 1) {
        found.outside.push(`${name(el)} ${Math.round(r.left)}–${Math.round(r.right)}`);
      }
    }
    for (const track of box.querySelectorAll(".widget-hslider .slider-container")) {
      const w = track.getBoundingClientRect().width;
      if (w < 120) found.tracks.push(`${name(track)} ${Math.round(w)} px`);
    }
    for (const el of box.querySelectorAll("button, select, input, .noUi-handle")) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.width < 24 || r.height < 24)) found.small.push(`${name(el)} ${size(r)}`);
    }
  }
  found.outside = [...new Set(found.outside)].slice(0, 10);
  return found;
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.split("/")[1][:2])
def test_a_lesson_fits_a_phone_and_its_explorers_stay_usable(site, browser, path, width):
    page, log = open_page(browser, site, path, (width, 800), touch=True)
    page.locator(".course-explorer").first.wait_for(timeout=15_000)
    page.wait_for_timeout(500)  # every explorer drawn
    found = page.evaluate(MEASURE)
    assert found["explorers"] >= 1
    assert found["wide"] <= 0, f"the page scrolls sideways by {found['wide']} px"
    assert found["outside"] == [], "cut off at the screen's edge"
    assert found["tracks"] == [], "slider tracks under 120 px"
    assert found["small"] == [], "controls under 24 × 24 px"
    assert log.problems() == [], log
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_tap_moves_an_explorer_on_a_phone(site, browser, width):
    page, log = open_page(browser, site, "lessons/01_kernels.html", (width, 800), touch=True)
    caption = page.locator(".window-caption").first
    caption.wait_for(timeout=15_000)
    before = caption.inner_text()
    page.get_by_role("button", name="step on: next window").first.tap()
    page.wait_for_function(
        "before => document.querySelector('.window-caption').innerText !== before", arg=before
    )
    assert caption.inner_text().startswith("window ")
    assert log.problems() == [], log
    page.context.close()


EQUATIONS = """() => [...document.querySelectorAll("div.math")].map((box) => {
  box.scrollLeft = 0;
  const math = box.querySelector("mjx-math")?.getBoundingClientRect();
  const number = box.querySelector(".eqno")?.getBoundingClientRect();
  const edge = box.getBoundingClientRect();
  return {
    id: box.id,
    drawn: Boolean(math),
    // cut off: its start before its box's (out of reach of a scroll), or wider than its box
    // when the box does not scroll
    cut: (Boolean(math) && math.left < edge.left - 1)
      || (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "auto"),
    covered: Boolean(math && number) && number.left < math.right - 1 && number.right > math.left
      && number.top < math.bottom && number.bottom > math.top,
  };
})"""


@pytest.mark.parametrize("width", WIDTHS)
def test_equations_are_whole_and_their_numbers_cover_nothing_on_a_phone(site, browser, width):
    numbered = 0
    for path in LESSONS:
        page, log = open_page(browser, site, path, (width, 800), touch=True)
        if page.locator("div.math").count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.math')].every("
                "(box) => box.querySelector('mjx-math'))",
                timeout=15_000,
            )
        equations = page.evaluate(EQUATIONS)
        numbered += sum(e["id"].startswith("equation-") for e in equations)
        assert [e["id"] for e in equations if e["cut"]] == [], path
        assert [e["id"] for e in equations if e["covered"]] == [], path
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, path
        assert log.problems() == [], log
        page.context.close()
    assert numbered >= 1  # (3.1) among them
