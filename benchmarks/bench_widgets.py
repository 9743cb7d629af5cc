"""How fast each explorer redraws in a browser, and what the widget pages ship.

    python -m benchmarks.bench_widgets [--presses 40] [--html _build/html]

Builds the book into a temporary folder (or, with ``--html``, reads a book you built
with the README's strict command), serves it on 127.0.0.1 (outside
requests blocked) and opens each explorer's lesson in headless Chromium
(Debian's ``chromium``). For each explorer it presses one control's arrow keys
and times, inside the page, from each key press to the redrawn drawing; for the
network explorer's drawing pad, from each move of the pen. Goals:
median at most 16 ms (one frame), 95th percentile at most 33 ms. Then it prints,
for every page with widgets, the size of the widget state embedded in the HTML
(goal: at most 150 KB) and of the widget JavaScript it loads. Figures vary by
machine; nothing here is asserted.
"""

import argparse
import math
import re
import statistics
import tempfile
from pathlib import Path

try:
    from coursedev.serve import LocalServer
    from coursedev.site import build_book
    from coursedev.site import launch
    from coursedev.site import open_page
except ModuleNotFoundError as error:  # run as a file: coursedev is not on the path
    raise SystemExit(
        "run it from the repository's root folder: python -m benchmarks.bench_widgets"
    ) from error

STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S
)
SCRIPT = re.compile(r'<script[^>]*src="([^"]*_static/widgets/[^"?]*)')

# (name, page, the drawing to watch, the control to press, the keys that move it back and forth)
EXPLORERS = [
    (
        "WindowExplorer (window slider)",
        "lessons/01_kernels.html",
        ".window-explorer",
        ".window-explorer-box .widget-slider .noUi-handle",
        ("ArrowRight", "ArrowLeft"),
    ),
    (
        "UnfoldExplorer (padding slider)",
        "lessons/02_unfold.html",
        ".unfold-explorer",
        ".unfold-explorer-box .widget-slider:has-text('padding') .noUi-handle",
        ("ArrowRight", "ArrowLeft"),
    ),
    (
        "ConvExplorer (stride slider)",
        "lessons/03_padding_stride.html",
        ".conv-explorer",
        ".conv-explorer-box .widget-slider:has-text('stride s') .noUi-handle",
        ("ArrowRight", "ArrowLeft"),
    ),
    (
        "kernel_explorer (stride slider)",
        "lessons/03_padding_stride.html",
        ".feature-map",
        ".kernel-explorer .widget-slider:has-text('stride') .noUi-handle",
        ("ArrowRight", "ArrowLeft"),
    ),
    # Pooling the input again, the output and the chosen window's numbers redrawn.
    (
        "PoolExplorer (stride slider)",
        "lessons/03_padding_stride.html",
        ".pool-explorer",
        ".pool-explorer-box .widget-slider:has-text('stride') .noUi-handle",
        ("ArrowRight", "ArrowLeft"),
    ),
    (
        "ChannelsExplorer (kernel menu)",
        "lessons/05_color_channels.html",
        ".channels-explorer",
        ".channels-explorer-box select",
        ("ArrowDown", "ArrowUp"),
    ),
    # A new digit: the whole forward pass, every feature map and the bars redrawn.
    (
        "NetworkExplorer (misclassified menu)",
        "lessons/04_cnn.html",
        ".network-explorer",
        ".network-explorer select.network-wrong",
        ("ArrowDown", "ArrowUp"),
    ),
    (
        "FieldExplorer (arrows on layer 3)",
        "lessons/06_receptive_fields.html",
        ".field-explorer",
        ".field-explorer canvas.field-level-3",
        ("ArrowRight", "ArrowLeft"),
    ),
]

# Before timing: put the control where both keys change something.
SETUP = {
    "NetworkExplorer (misclassified menu)": lambda control: control.select_option(index=1),
    "PoolExplorer (stride slider)": lambda control: (
        control.press("ArrowLeft")
        if control.get_attribute("aria-valuenow") == control.get_attribute("aria-valuemax")
        else None
    ),
}

# In the page: note the time of each key press, and of the first change to the drawing after it.
TIMER = """(drawing) => {
  window.__redraws = [];
  let start = null;
  document.addEventListener("keydown", () => { start = performance.now(); }, true);
  new MutationObserver(() => {
    if (start !== null) { window.__redraws.push(performance.now() - start); start = null; }
  }).observe(document.querySelector(drawing), { childList: true, subtree: true });
}"""


def redraw_times(html: Path, presses: int) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    results = {}
    with LocalServer(html) as server, sync_playwright() as playwright:
        url = server.url
        browser = launch(playwright)
        for name, path, drawing, control, keys in EXPLORERS:
            page, log = open_page(browser, url, path)
            try:
                page.wait_for_selector(drawing, timeout=15_000)
            except PlaywrightTimeout:
                print(f"{name}: not on {path}, skipped")
                page.close()
                continue
            page.wait_for_timeout(200)
            handle = page.locator(control).first
            if name in SETUP:
                SETUP[name](handle)
                page.wait_for_timeout(100)
            page.evaluate(TIMER, drawing)
            handle.focus()
            for i in range(presses):
                handle.press(keys[i % 2])
                page.wait_for_function(f"window.__redraws.length > {i}", timeout=5_000)
            results[name] = page.evaluate("window.__redraws")
            if log.problems():
                print(f"{name}: page problems: {log.problems()}")
            page.close()
        results["NetworkExplorer (drawing: pen move)"] = pen_times(browser, url, presses)
        browser.close()
    return results


# In the page: the time from each move of the pen to the drawing it redraws (the pad reads
# its ink once per animation frame, so this includes the wait for the next frame).
PEN_TIMER = """() => {
  window.__redraws = [];
  let start = null;
  document.querySelector("canvas.network-pad").addEventListener("pointermove", () => {
    if (start === null) start = performance.now();
  }, true);
  new MutationObserver(() => {
    if (start !== null) { window.__redraws.push(performance.now() - start); start = null; }
  }).observe(document.querySelector(".network-explorer"), { childList: true, subtree: true });
}"""


def pen_times(browser, url: str, moves: int) -> list:
    page, log = open_page(browser, url, "lessons/04_cnn.html")
    pad = page.locator("canvas.network-pad")
    pad.wait_for(timeout=15_000)
    pad.evaluate("c => c.scrollIntoView({block: 'center'})")
    page.evaluate(PEN_TIMER)
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    for i in range(moves):
        # a zigzag down the pad: every move adds ink
        page.mouse.move(box["x"] + 40 + 80 * (i % 2), box["y"] + 40 + 90 * i / moves)
        page.wait_for_function(f"window.__redraws.length > {i}", timeout=5_000)
    page.mouse.up()
    if log.problems():
        print(f"drawing pad: page problems: {log.problems()}")
    times = page.evaluate("window.__redraws")
    page.close()
    return times


def percentile(values: list, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


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
    parser = argparse.ArgumentParser(description="explorer redraw times and widget page weight")
    parser.add_argument("--presses", type=int, default=40, help="key presses to time per explorer")
    parser.add_argument(
        "--html",
        type=Path,
        help="a strictly built book's HTML folder to use instead of building one",
    )
    args = parser.parse_args()
    if args.html is not None and not (args.html / "index.html").is_file():
        parser.error(f"--html {args.html}: no built book there (no index.html)")
    with tempfile.TemporaryDirectory() as tmp:
        html = args.html if args.html is not None else build_book(Path(tmp))[0]
        times = redraw_times(html, args.presses)
        weights = page_weights(html)
    print(
        f"key press -> redrawn explorer, {args.presses} presses each "
        "(goals: median <= 16 ms, 95th percentile <= 33 ms):"
    )
    for name, values in times.items():
        print(
            f"  {name:<38} median {statistics.median(values):5.1f} ms   "
            f"p95 {percentile(values, 0.95):5.1f} ms   max {max(values):5.1f} ms"
        )
    print()
    print(
        f"{'page with widgets':<36} {'widget state':>13} {'widget JS':>11}"
        "   (goal: state <= 150 KB)"
    )
    for name, state, js in weights:
        print(f"{name:<36} {state / 1024:>10.1f} KB {js / 1024:>8.0f} KB")


if __name__ == "__main__":
    main()
