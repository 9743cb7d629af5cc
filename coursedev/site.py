"""Build the book, and open its pages in headless Chromium, offline.

Shared by the browser tests (tests/conftest.py) and the benchmarks. Every request that
does not go to the local server (coursedev.serve.LocalServer) is blocked and recorded:
the site must not need a third party.
"""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_book(output: Path, source: Path = ROOT, env: dict | None = None) -> tuple[Path, str]:
    """Build the book in ``source`` strictly into ``output``; return the HTML folder and the
    build log. ``env`` adds environment variables (e.g. COURSE_REPOSITORY).

    Raises RuntimeError on any warning or failing cell.
    """
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(source),
            "--path-output",
            str(output),
            "-W",
            "-n",
            "--keep-going",
            "--all",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the book did not build:\n{(done.stdout + done.stderr)[-4000:]}")
    return Path(output) / "_build" / "html", done.stdout + done.stderr


@dataclass
class PageLog:
    """What a page did besides rendering: requests refused, errors, failed loads."""

    blocked: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def problems(self) -> list:
        return self.blocked + self.console_errors + self.page_errors + self.failed


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def must_run_in_ci() -> bool:
    """In CI (``CI`` set) a missing Chromium fails the tests instead of skipping them."""
    return bool(os.environ.get("CI"))


def launch(playwright):
    """Debian's Chromium, headless, through playwright (never ``playwright install``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_page(browser, base_url: str, path: str, viewport=(1300, 900), touch: bool = False):
    """Open ``base_url/path`` with every outside request blocked; return the page and its log.

    ``touch``: as a phone opens it (a touch screen, the mobile viewport's rules)."""
    log = PageLog()
    size = {"width": viewport[0], "height": viewport[1]}
    if touch:
        page = browser.new_context(viewport=size, has_touch=True, is_mobile=True).new_page()
    else:
        page = browser.new_page(viewport=size)

    def route(request_route):
        url = request_route.request.url
        if url.startswith((base_url, "data:", "blob:")):
            request_route.continue_()
        else:
            log.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on(
        "response", lambda r: log.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(f"{base_url}/{path}", wait_until="networkidle")
    return page, log
