"""One throw-away HTTP server on 127.0.0.1: a built book, a few files, or a faulty server.

    with LocalServer(Path("_build/html")) as server:       # a folder, as a static host would
        page.goto(f"{server.url}/index.html")
    with LocalServer(files={"mnist/a.gz": body}, path="mnist/") as server:
        download(server.url + "a.gz")                      # http://127.0.0.1:PORT/mnist/a.gz
    with LocalServer(respond=trickle) as server:           # every request answered by trickle
        ...

The port is chosen by the system; nothing outside this machine can reach the server. It
stops when the ``with`` block ends.
"""

import functools
import http.server
import mimetypes
import sys
import threading
import urllib.parse
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Self

# respond(handler, path, stop): answer one request through ``handler`` (an
# http.server.BaseHTTPRequestHandler); ``path`` is the request's path without its leading
# "/" or query; ``stop`` is a threading.Event set when the server stops, which a responder
# that waits or trickles must watch.
Responder = Callable[[http.server.BaseHTTPRequestHandler, str, threading.Event], None]


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that hangs up early (a page closed mid-load, a download that gave up) is
        # not an error of the server.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _FolderHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Handler(http.server.BaseHTTPRequestHandler):
    files: Mapping = {}
    cut: frozenset = frozenset()
    respond: Responder | None = None
    stop: threading.Event

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        if self.respond is not None:
            try:
                self.respond(self, path, self.stop)
            except OSError:  # the client hung up, as a client that gives up should
                pass
            return
        if path not in self.files:
            self.send_error(404)
            return
        body = self.files[path]
        self.send_response(200)
        self.send_header(
            "Content-Type", mimetypes.guess_type(path)[0] or "application/octet-stream"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # A file named in ``cut`` stops half-way, after announcing its full length.
        self.wfile.write(body[: len(body) // 2] if path in self.cut else body)

    def log_message(self, *args):
        pass


class LocalServer:
    """Serve on 127.0.0.1 until the ``with`` block ends; ``with`` gives the server itself.

    Give exactly one of:

    - ``folder``: a folder's files, as a static web host serves them (``index.html`` for a
      folder, content types from the file names);
    - ``files``: ``{path: bytes}``, each at ``/path``; any other path is a 404. A path in
      ``cut`` is sent half, with the full ``Content-Length`` (a dropped connection);
    - ``respond``: a function ``respond(handler, path, stop)`` that answers every GET
      request itself (a faulty server: slow, silent, endless...). It must give up once
      ``stop`` (a threading.Event, set when the block ends) is set; a client that hangs up
      (OSError) ends the answer quietly.

    ``url`` is ``http://127.0.0.1:PORT`` followed by ``/path`` when ``path`` is given
    (e.g. ``path="mnist/"`` for a download's base address). ``stop`` is the Event above.
    """

    def __init__(
        self,
        folder: Path | str | None = None,
        *,
        files: Mapping[str, bytes] | None = None,
        cut: Iterable[str] = (),
        respond: Responder | None = None,
        path: str = "",
    ):
        given = [
            name
            for name, value in (("folder", folder), ("files", files), ("respond", respond))
            if value is not None
        ]
        if len(given) != 1:
            raise TypeError(
                f"LocalServer takes exactly one of folder, files or respond, "
                f"got {', '.join(given) or 'none'}"
            )
        if not isinstance(path, str) or path.startswith("/"):
            raise ValueError(f"path must be a str without a leading '/', got {path!r}")
        cut = frozenset(cut)
        if cut and files is None:
            raise ValueError("cut names files to send half: it needs files=")
        self.stop = threading.Event()
        if folder is not None:
            if not isinstance(folder, (str, Path)):
                raise TypeError(f"folder must be a path, got {type(folder).__name__}")
            if not Path(folder).is_dir():
                raise ValueError(f"folder={str(folder)!r} is not a folder")
            handler = functools.partial(_FolderHandler, directory=str(folder))
        else:
            if files is not None:
                if not isinstance(files, Mapping):
                    raise TypeError(
                        f"files must be a mapping of path to bytes, got {type(files).__name__}"
                    )
                bad = [
                    name
                    for name, body in files.items()
                    if not isinstance(name, str)
                    or name.startswith("/")
                    or not isinstance(body, (bytes, bytearray))
                ]
                if bad:
                    raise ValueError(
                        f"files must map paths without a leading '/' to bytes; "
                        f"not so for {bad[:3]!r}"
                    )
                if not cut <= set(files):
                    raise ValueError(
                        f"cut names paths that files lacks: {sorted(cut - set(files))!r}"
                    )
            elif not callable(respond):
                raise TypeError(f"respond must be callable, got {type(respond).__name__}")
            handler = type(
                "Handler",
                (_Handler,),
                {
                    "files": dict(files or {}),
                    "cut": cut,
                    "stop": self.stop,
                    "respond": None if respond is None else staticmethod(respond),
                },
            )
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}" + (f"/{path}" if path else "")
        # A short poll: shutdown() waits for serve_forever's next look (0.5 s by default, which
        # each of the tests' many servers would spend again on closing).
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
