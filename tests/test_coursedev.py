"""coursedev.serve.LocalServer, the one local HTTP server of the tests and benchmarks: a folder,
a dict of files, or a responder; and it refuses what it cannot serve."""

import http.client
import urllib.error
import urllib.request

import pytest

from coursedev.serve import LocalServer


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def test_a_folder_is_served_as_a_static_host_serves_it(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "lessons" / "a.html").write_text("<p>a</p>")
    with LocalServer(tmp_path) as server:
        assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith("/")
        assert get(f"{server.url}/") == (200, b"<p>home</p>", "text/html")
        assert get(f"{server.url}/lessons/a.html")[:2] == (200, b"<p>a</p>")
        assert get(f"{server.url}/missing.html")[0] == 404
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{server.url}/", timeout=2)  # stopped with the block


def test_files_are_served_at_their_paths_and_cut_ones_half(tmp_path):
    files = {"mnist/a.gz": b"0123456789", "mnist/b.txt": b"bbbb"}
    with LocalServer(files=files, cut=["mnist/a.gz"], path="mnist/") as server:
        assert server.url.endswith("/mnist/")
        assert get(server.url + "b.txt") == (200, b"bbbb", "text/plain")
        assert get(server.url + "b.txt?x=1")[1] == b"bbbb"
        assert get(server.url + "c.txt")[0] == 404
        with pytest.raises(http.client.IncompleteRead, match="5 bytes read, 5 more expected"):
            get(server.url + "a.gz")


def test_a_responder_answers_every_request_and_is_told_to_stop():
    seen = []

    def respond(handler, path, stop):
        seen.append((path, stop.is_set()))
        handler.send_response(203)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    with LocalServer(respond=respond) as server:
        assert get(f"{server.url}/any/where?q=1")[:2] == (203, b"ok")
        stop = server.stop
        assert not stop.is_set()
    assert seen == [("any/where", False)] and stop.is_set()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({}, TypeError, "exactly one of folder, files or respond, got none"),
        ({"folder": ".", "files": {}}, TypeError, "got folder, files"),
        ({"files": {}, "respond": print}, TypeError, "got files, respond"),
        ({"folder": "no/such/folder"}, ValueError, "folder='no/such/folder' is not a folder"),
        ({"folder": 3}, TypeError, "folder must be a path"),
        ({"files": [("a", b"")]}, TypeError, "files must be a mapping"),
        ({"files": {"a": "text"}}, ValueError, "to bytes; not so for \\['a'\\]"),
        ({"files": {"/a": b""}}, ValueError, "without a leading '/'"),
        ({"files": {"a": b""}, "cut": ["b"]}, ValueError, "cut names paths that files lacks"),
        (
            {"folder": ".", "cut": ["a"]},
            ValueError,
            "cut names files to send half: it needs files=",
        ),
        ({"respond": "not callable"}, TypeError, "respond must be callable"),
        ({"files": {}, "path": "/mnist/"}, ValueError, "path must be a str without a leading '/'"),
    ],
)
def test_what_it_cannot_serve_is_refused_by_name(kwargs, error, match):
    with pytest.raises(error, match=match):
        LocalServer(**kwargs)
