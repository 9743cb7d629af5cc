"""Serve a built book on 127.0.0.1 and open its pages in headless Chromium, offline.

Shared by the browser tests and benchmarks/bench_widgets.py. Every request that
does not go to the local server is blocked and recorded: the site must not
need a third party.
"""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def build_book(output: Path, source: Path = ROOT, env: dict | None = None) -> tuple[Path, str]:
    """Build the book in ``source`` strictly into ``output``; return the HTML folder and the
    build log. ``env`` adds environment variables (e.g. COURSE_REPOSITORY).

    Raises RuntimeError on any warning or failing cell.
    """
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [str(jupyter_book), "build", str(source), "--path-output", str(output),
         "-W", "-n", "--keep-going", "--all"],
        capture_output=True, text=True, env={**os.environ, **(env or {})},
    )
    if done.returncode:
        raise RuntimeError(f"the book did not build:\n{(done.stdout + done.stderr)[-4000:]}")
    return output / "_build" / "html", done.stdout + done.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that closes a connection early (a page closed mid-load) is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LocalSite:
    """``with LocalSite(folder) as url:`` serves ``folder`` at ``url`` until the block ends."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.url

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


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


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_page(browser, base_url: str, path: str, viewport=(1300, 900)):
    """Open ``base_url/path`` with every outside request blocked; return the page and its log."""
    log = PageLog()
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            log.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on("response", lambda r: log.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{base_url}/{path}", wait_until="networkidle")
    return page, log


def must_run_in_ci() -> bool:
    return bool(os.environ.get("CI"))
