"""How fast the explorer redraws in a browser, and what the widget pages ship.

    python benchmarks/bench_widgets.py [--presses 40]

Builds the book into a temporary folder, serves it on 127.0.0.1 (outside
requests blocked) and opens lesson 03 in headless Chromium (Debian's
``chromium``). It presses the stride slider's arrow keys and times, inside the
page, from each key press to the redrawn output (goal: under 50 ms). Then it
prints, for every page with widgets, the size of the widget state embedded in
the HTML and of the widget JavaScript it loads. Figures vary by machine.
"""

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import LocalSite  # noqa: E402
from browser import build_book  # noqa: E402
from browser import launch  # noqa: E402
from browser import open_page  # noqa: E402

STATE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
SCRIPT = re.compile(r'<script[^>]*src="([^"]*_static/widgets/[^"?]*)')

# In the page: note the time of each key press, and of the first redraw after it.
TIMER = """() => {
  window.__redraws = [];
  let start = null;
  document.addEventListener("keydown", () => { start = performance.now(); }, true);
  new MutationObserver(() => {
    if (start !== null) { window.__redraws.push(performance.now() - start); start = null; }
  }).observe(document.querySelector(".conv-explorer"), { childList: true, subtree: true });
}"""


def redraw_times(html: Path, presses: int) -> list:
    from playwright.sync_api import sync_playwright

    with LocalSite(html) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page, log = open_page(browser, url, "lessons/03_padding_stride.html")
        page.wait_for_selector(".conv-explorer-size", timeout=15_000)
        page.evaluate(TIMER)
        handle = page.locator(".widget-slider", has_text="stride s").locator(".noUi-handle")
        handle.focus()
        for i in range(presses):
            handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            page.wait_for_function(f"window.__redraws.length > {i}", timeout=5_000)
        times = page.evaluate("window.__redraws")
        browser.close()
    if log.problems():
        print("page problems:", log.problems())
    return times


def page_weights(html: Path) -> list:
    rows = []
    for page in sorted(html.rglob("*.html")):
        text = page.read_text()
        state = STATE.search(text)
        if not state:
            continue
        scripts = [(page.parent / src).resolve() for src in SCRIPT.findall(text)]
        js = sum(p.stat().st_size for p in scripts if p.exists())
        rows.append((page.relative_to(html).as_posix(), len(state.group(1).encode()), js))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="explorer redraw time and widget page weight")
    parser.add_argument("--presses", type=int, default=40, help="slider key presses to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        html, _ = build_book(Path(tmp))
        times = redraw_times(html, args.presses)
        weights = page_weights(html)
    print(f"slider key press -> redrawn explorer, {len(times)} presses (goal < 50 ms):")
    print(f"  median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    print()
    print(f"{'page with widgets':<36} {'widget state':>13} {'widget JS':>11}")
    for name, state, js in weights:
        print(f"{name:<36} {state / 1024:>10.1f} KB {js / 1024:>8.0f} KB")


if __name__ == "__main__":
    main()
