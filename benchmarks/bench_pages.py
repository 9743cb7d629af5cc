"""Page weight of the built site: each page's HTML, its images, and the site's total.

    python benchmarks/bench_pages.py [_build/html]

Reads a built book (default: _build/html; build it first with the README's command).
Goal: every page under 1.5 MB with its images. Widget JavaScript is listed on its own:
it is loaded only by pages with widgets, and cached by the browser after the first.
"""

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
    print(f"{'page':<36} {'HTML':>9} {'images':>9} {'n img':>6} {'page+img':>9} {'widget JS':>10}  goal")
    for page in sorted(html.rglob("*.html")):
        if page.name in ("genindex.html", "search.html") or "_static" in page.parts:
            continue
        text = page.read_text()
        images = [local_size(page, src) for src in IMG.findall(text)]
        js = sum(local_size(page, src) for src in WIDGET_JS.findall(text))
        total = len(text.encode()) + sum(images)
        verdict = "ok" if total < GOAL else "OVER"
        print(f"{page.relative_to(html).as_posix():<36} {len(text.encode()) / 1024:>7.0f}KB "
              f"{sum(images) / 1024:>7.0f}KB {len(images):>6} {total / 1024:>7.0f}KB "
              f"{js / 1024:>8.0f}KB  {verdict}")
    site = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
    print(f"\nwhole site: {site / 1024 / 1024:.1f} MB in {sum(1 for f in html.rglob('*') if f.is_file())} files")


if __name__ == "__main__":
    main()
