"""Every page of the published site, as a reader opens it: offline, complete, linked, searchable."""

from pathlib import Path
from urllib.parse import urldefrag

import nbformat
import pytest
import yaml

from coursedev.site import ROOT
from coursedev.site import open_page

pytestmark = pytest.mark.browser

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]]
LESSONS = [p for p in PAGES if p.startswith("lessons/")]
SCREENSHOTS = ROOT / "_build" / "screenshots"


@pytest.fixture(scope="module")
def opened(site, browser):
    """Each page opened once: (page, log), with a full-page screenshot left for reviewers."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name in PAGES:
        page, log = open_page(browser, site, f"{name}.html")
        page.wait_for_timeout(300)  # let late scripts (widgets) report their errors
        page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '_')}.png"), full_page=True)
        pages[name] = (page, log)
    yield pages
    for page, _ in pages.values():
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_clean_and_self_contained(opened, name):
    _, log = opened[name]
    assert log.blocked == [], f"{name} asked a third party for: {log.blocked}"
    assert log.console_errors == [] and log.page_errors == [], log
    assert log.failed == [], log


@pytest.mark.parametrize("name", PAGES)
def test_images_load_and_have_alt_text(opened, name):
    page, _ = opened[name]
    images = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src.slice(-60), alt: i.getAttribute('alt'),"
        " width: i.naturalWidth}))"
    )
    assert [i for i in images if not i["width"]] == [], "images that did not load"
    assert [i for i in images if not says_what_it_shows(i["alt"])] == [], (
        "images whose alt text is empty, a file name or a generic word"
    )


GENERIC_ALT = {"image", "figure", "plot", "picture", "graph", "chart", "png", "output"}


def says_what_it_shows(alt) -> bool:
    """Alt text a screen reader can use: a few words, not a file name nor a generic label."""
    alt = (alt or "").strip()
    words = alt.lower().replace(".", " ").split()
    return (
        len(words) >= 4
        and not set(words) <= GENERIC_ALT
        and not any(part in alt for part in ("_images/", ".png", ".svg", ".jpg"))
    )


@pytest.mark.parametrize("name", PAGES)
def test_internal_links_resolve(opened, site, name):
    page, _ = opened[name]
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    internal = sorted({urldefrag(h)[0] for h in hrefs if h.startswith(site)})
    assert internal, f"{name} links nowhere inside the site"
    broken = [url for url in internal if page.request.get(url).status != 200]
    assert broken == []
    if name != PAGES[0]:
        assert page.locator("a.prev-next-prev, .prev-next-area a.left-prev").count() == 1


@pytest.mark.parametrize("name", LESSONS)
def test_every_output_is_on_the_page(opened, name):
    notebook = nbformat.read(ROOT / f"{name}.ipynb", as_version=4)

    def visible(output):  # a value glued with display=False is quoted by the prose, not shown
        return not output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix")

    with_output = [
        c
        for c in notebook.cells
        if c.cell_type == "code"
        and any(map(visible, c.outputs))
        and not {"remove-cell", "remove-output"} & set(c.metadata.get("tags", []))
    ]
    page, _ = opened[name]
    shown = page.locator("div.cell:has(div.cell_output)").count()
    assert shown == len(with_output)


def test_search_finds_im2col(site, browser):
    page, log = open_page(browser, site, "search.html?q=im2col")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=15_000)
    titles = results.all_inner_texts()
    assert any("Unfold and im2col" in t for t in titles), titles
    assert log.problems() == [], log


def test_screenshots_are_left_for_reviewers(opened):
    assert sorted(p.name for p in SCREENSHOTS.glob("*.png")) == sorted(
        f"{name.replace('/', '_')}.png" for name in PAGES
    )
    assert all(Path(p).stat().st_size > 10_000 for p in SCREENSHOTS.glob("*.png"))


@pytest.mark.parametrize("name", LESSONS)
def test_maths_is_typeset_by_this_sites_mathjax(opened, name):
    """Every formula ($...$ and numbered $$...$$) is typeset, by the MathJax served here."""
    page, log = opened[name]
    scripts = page.eval_on_selector_all("script[src*='mathjax']", "s => s.map(e => e.src)")
    maths = page.locator(".math").count()
    if not maths:
        assert not scripts, f"{name} loads MathJax but has no maths"
        return
    assert scripts and all(s.startswith(page.url.split("/lessons/")[0]) for s in scripts), scripts
    page.evaluate("() => MathJax.startup.promise")
    typeset = page.locator(".math mjx-container").count()
    assert typeset == maths, f"{name}: {typeset} of {maths} formulas typeset"
    assert page.locator("mjx-merror").count() == 0, f"{name}: MathJax reports a TeX error"
    assert log.problems() == [], log
