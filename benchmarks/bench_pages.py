"""Page weight of the built site: each page's HTML and images, what a first visit transfers.

    python -m benchmarks.bench_pages [_build/html]

Reads a built book (default: _build/html; build it first with the README's command).
Goal: every page under 1.5 MB with its images. Widget JavaScript is listed on its own:
it is loaded only by pages with widgets, and cached by the browser after the first.
Then, when Debian's chromium is installed, it opens every page with an empty cache and
adds up every response: the bytes a first visit transfers, as served here and
gzip-compressed (GitHub Pages compresses HTML, scripts, styles and JSON). Last, when
axe-core is installed too (`npm ci`), it counts each page's accessibility violations by
impact (critical, serious, moderate, minor) and names the rules broken; the tests fail on
any critical or serious one (tests/test_accessibility.py).
"""

import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5 * 1024 * 1024
IMG = re.compile(r'<img[^>]*src="([^"]+)"')
WIDGET_JS = re.compile(r'<script[^>]*src="([^"]*_static/widgets/[^"?]*)')


def local_size(page: Path, src: str) -> int:
    if src.startswith(("http:", "https:", "data:")):
        return 0
    path = (page.parent / src.split("?")[0]).resolve()
    return path.stat().st_size if path.exists() else 0


def main() -> None:
    html = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        sys.exit(f"no built book in {html}: run `jupyter-book build .` first")
    print(
        f"{'page':<36} {'HTML':>9} {'images':>9} {'n img':>6} {'page+img':>9} "
        f"{'widget JS':>10}  goal"
    )
    for page in sorted(html.rglob("*.html")):
        if page.name in ("genindex.html", "search.html") or "_static" in page.parts:
            continue
        text = page.read_text()
        images = [local_size(page, src) for src in IMG.findall(text)]
        js = sum(local_size(page, src) for src in WIDGET_JS.findall(text))
        total = len(text.encode()) + sum(images)
        verdict = "ok" if total < GOAL else "OVER"
        print(
            f"{page.relative_to(html).as_posix():<36} {len(text.encode()) / 1024:>7.0f}KB "
            f"{sum(images) / 1024:>7.0f}KB {len(images):>6} {total / 1024:>7.0f}KB "
            f"{js / 1024:>8.0f}KB  {verdict}"
        )
    site = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
    print(
        f"\nwhole site: {site / 1024 / 1024:.1f} MB in "
        f"{sum(1 for f in html.rglob('*') if f.is_file())} files"
    )
    first_visits(html)
    accessibility(html)


COMPRESSED = ("text/", "javascript", "json", "svg", "css")


def first_visits(html: Path) -> None:
    """Every page opened with an empty cache: requests, bytes, and bytes once gzipped."""
    try:
        from coursedev.serve import LocalServer
        from coursedev.site import chromium_available
        from coursedev.site import launch
    except ModuleNotFoundError as error:  # run as a file: coursedev is not on the path
        raise SystemExit(
            "run it from the repository's root folder: python -m benchmarks.bench_pages"
        ) from error

    if not chromium_available():
        print("\n(first-visit bytes need Debian's chromium: apt-get install chromium)")
        return
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    print(f"\n{'first visit (empty cache)':<36} {'requests':>8} {'bytes':>10} {'gzipped':>10}")
    pages = [
        p
        for p in sorted(html.rglob("*.html"))
        if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts
    ]
    with LocalServer(html) as server, sync_playwright() as playwright:
        url = server.url
        browser = launch(playwright)
        for page_path in pages:
            name = page_path.relative_to(html).as_posix()
            sizes = []

            def record(response, sizes=sizes):
                try:
                    body = response.body()
                except PlaywrightError:  # a redirect or an aborted request has no body
                    return
                kind = response.headers.get("content-type", "")
                packed = (
                    len(gzip.compress(body, 6)) if any(k in kind for k in COMPRESSED) else len(body)
                )
                sizes.append((len(body), packed))

            page = browser.new_page()  # a new context: an empty cache
            page.on("response", record)
            page.goto(f"{url}/{name}", wait_until="networkidle")
            page.close()
            print(
                f"{name:<36} {len(sizes):>8} {sum(a for a, _ in sizes) / 1024:>8.0f}KB "
                f"{sum(b for _, b in sizes) / 1024:>8.0f}KB"
            )
        browser.close()


def accessibility(html: Path) -> None:
    """axe-core's violations on every page, offline, once its widgets are drawn: counted by
    impact, with the rules broken."""
    from coursedev.axe import IMPACTS
    from coursedev.axe import axe_available
    from coursedev.axe import counts
    from coursedev.axe import run_axe
    from coursedev.axe import site_pages
    from coursedev.axe import wait_for_widgets
    from coursedev.serve import LocalServer
    from coursedev.site import chromium_available
    from coursedev.site import launch
    from coursedev.site import open_page

    if not (chromium_available() and axe_available()):
        print("\n(accessibility counts need Debian's chromium and axe-core: npm ci)")
        return
    from playwright.sync_api import sync_playwright

    print(f"\n{'axe-core violations (elements)':<36} " + " ".join(f"{i:>8}" for i in IMPACTS))
    total = {impact: 0 for impact in IMPACTS}
    with LocalServer(html) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        for name in site_pages(html):
            page, _ = open_page(browser, server.url, name)
            wait_for_widgets(page)
            violations = run_axe(page)
            page.close()
            found = counts(violations)
            for impact in IMPACTS:
                total[impact] += found[impact]
            rules = ", ".join(f"{v['id']} ({v['impact']})" for v in violations)
            print(f"{name:<36} " + " ".join(f"{found[i]:>8}" for i in IMPACTS) + f"  {rules}")
        browser.close()
    print(f"{'all pages':<36} " + " ".join(f"{total[i]:>8}" for i in IMPACTS))


if __name__ == "__main__":
    main()
