"""The MNIST download client, what touches the network: ``download_mnist`` and its cache.

``load_mnist("full")`` (in :mod:`coursecode.data`) calls it; the client owns the mirror's
URL, the files' checksums and sizes, the deadline, the cache folder and its temporary files.
"""

import contextlib
import errno
import hashlib
import math
import numbers
import os
import re
import secrets
import threading
import time
import urllib.parse
import warnings
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pooch
import requests
import urllib3
from tqdm import tqdm

__all__ = [
    "DOWNLOAD_TIMEOUT",
    "MNIST_FILES",
    "MNIST_SIZES",
    "MNIST_URL",
    "CacheError",
    "DownloadError",
    "download_mnist",
    "mnist_cache_dir",
]

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
"""The mirror torchvision downloads MNIST from."""

MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
}
"""The four standard MNIST files and their published md5 checksums."""

MNIST_SIZES = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
"""The sizes in bytes of the files of :data:`MNIST_FILES`: a download may not go more than
1 % (at least 4 KiB) over them."""

DOWNLOAD_TIMEOUT = 600.0
"""Seconds that :func:`download_mnist` allows for the whole download, by default."""

_CAP_SLACK = 4096  # bytes a download may go over its file's size, at least (see _cap)
_CHUNK = 1 << 16  # bytes per read
_GRACE = 0.5  # seconds the caller waits past the deadline for the worker to stop itself
_STALE_AFTER = 24 * 3600  # a temp file untouched this long is abandoned, whoever wrote it
_POOCH_STALE_AFTER = 3600  # pooch's "tmpXXXXXXXX" files, left by earlier versions
_TEMP_PATTERN = re.compile(r"\.(?P<name>.+)\.part-(?P<pid>[0-9]+)-[0-9a-f]+")
_POOCH_TEMP_PATTERN = re.compile(r"tmp[a-z0-9_]{8}")
_IN_FLIGHT: set[str] = set()  # this process's temp files being written now


class DownloadError(OSError):
    """A data file could not be downloaded (offline, server error, connection cut, too big or
    too slow)."""


class CacheError(OSError, ValueError):
    """The folder for downloaded data cannot be used (a file, read-only, full, a name taken)."""


def mnist_cache_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the folder that holds the downloaded MNIST files, as an absolute path.

    ``data_dir`` if given, else ``$COURSECODE_DATA``, else the operating
    system's cache folder for ``coursecode``; then ``mnist`` inside it. A
    relative ``data_dir`` or ``$COURSECODE_DATA`` is taken relative to the
    current folder at the time of the call, and ``~`` is expanded. To use
    MNIST without a network, copy the four ``.gz`` files of
    :data:`MNIST_FILES` there.
    """
    check_data_dir(data_dir)
    return _cache_dir(data_dir)


def check_data_dir(data_dir) -> None:
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(
            "data_dir must be a folder (a str or os.PathLike) or None, "
            f"got {type(data_dir).__name__}"
        )


def check_progressbar(progressbar) -> bool:
    if not isinstance(progressbar, (bool, np.bool_, int)):
        raise TypeError(f"progressbar must be True or False, got {type(progressbar).__name__}")
    return bool(progressbar)


def _cache_dir(data_dir: str | os.PathLike | None) -> Path:
    """:func:`mnist_cache_dir` of a ``data_dir`` whose type is checked already."""
    if data_dir is None:
        data_dir = os.environ.get("COURSECODE_DATA") or pooch.os_cache("coursecode")
    elif not str(os.fspath(data_dir)).strip():
        raise ValueError(f"data_dir must be a folder or None, got the empty path {data_dir!r}")
    return Path(os.path.abspath(os.path.expanduser(os.fspath(data_dir)))) / "mnist"


def download_mnist(
    data_dir: str | os.PathLike | None = None,
    *,
    base_url: str = MNIST_URL,
    progressbar: bool = True,
    names: tuple[str, ...] = tuple(MNIST_FILES),
    timeout: float | None = None,
) -> list[Path]:
    """Download MNIST files (all four by default) unless the cache already holds them.

    Each file is streamed into a temporary file in the cache folder (named
    ``.<file>.part-<pid>-<random>``), checked against its md5 in
    :data:`MNIST_FILES`, and only then renamed into place: a failed, corrupt or
    interrupted download never leaves a file under its final name, and the
    temporary files of a process that was killed are removed on the next call.
    A server may send no more than a little over each file's size in
    :data:`MNIST_SIZES` (counted after any ``Content-Encoding`` is decoded), and
    the whole call must finish within ``timeout`` seconds. A cached file that
    does not match its checksum is moved aside to ``<file>.corrupt`` and
    downloaded again.

    Parameters
    ----------
    data_dir
        See :func:`mnist_cache_dir`.
    base_url
        The mirror, an ``http://`` or ``https://`` URL of the folder that holds the files.
    progressbar
        Show a progress bar per file.
    names
        Which of the files of :data:`MNIST_FILES` to fetch.
    timeout
        Seconds allowed for the whole call, all files together (default:
        :data:`DOWNLOAD_TIMEOUT`, 10 minutes). Raise it on a slow connection.

    Returns
    -------
    list of Path
        The local paths, in the order of ``names``.

    Raises
    ------
    DownloadError
        Offline, unreachable mirror, HTTP error, a connection cut mid-file, a
        server sending more than the file's size, or the deadline passed.
    CacheError
        The cache folder cannot be used: it is a file, it is read-only, or
        one of the files' names there is taken by a folder.
    ValueError
        A downloaded file does not match its published checksum, or a bad argument.
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise TypeError(
            f"names must be a tuple of file names among {list(MNIST_FILES)}, got {names!r}"
        )
    names = tuple(names)
    unknown = [name for name in names if not isinstance(name, str) or name not in MNIST_FILES]
    if unknown:
        raise ValueError(f"names must be among {list(MNIST_FILES)}, got unknown {unknown}")
    base_url = check_base_url(base_url)
    progressbar = check_progressbar(progressbar)
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real):
            raise TypeError(f"timeout must be a number of seconds > 0, got {timeout!r}")
        if not 0 < timeout < math.inf:
            raise ValueError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    check_data_dir(data_dir)
    return download_checked(data_dir, base_url, progressbar, names, timeout)


def download_checked(
    data_dir: str | os.PathLike | None,
    base_url: str,
    progressbar: bool,
    names: tuple[str, ...],
    timeout: float | None,
) -> list[Path]:
    """:func:`download_mnist` of checked arguments (``base_url`` as ``check_base_url``
    returns it), without checking them again; ``timeout=None`` is :data:`DOWNLOAD_TIMEOUT`."""
    timeout = DOWNLOAD_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    folder = _cache_dir(data_dir)
    _make_folder(folder)
    _remove_stale_temp_files(folder)
    paths = []
    for name in names:
        path = folder / name
        corrupt = _check_cached(path, name)
        if corrupt is None:
            paths.append(path)
            continue
        url = base_url + name
        try:
            _download(url, path, name, deadline, timeout, progressbar)
        except DownloadError as err:
            if corrupt:
                raise DownloadError(f"{corrupt}\nDownloading it again failed: {err}") from None
            raise
        except _ChecksumError:
            raise ValueError(
                (f"{corrupt}\n" if corrupt else "")
                + f"{name} downloaded from {url} is corrupt or truncated: its checksum does not "
                f"match the published {MNIST_FILES[name]}. Nothing was kept in {folder}; "
                f"try again, or use another mirror with base_url=."
            ) from None
        if corrupt:
            warnings.warn(
                f"{corrupt} It was downloaded again from {url}.", stacklevel=3
            )  # the caller of download_mnist or load_mnist
        paths.append(path)
    return paths


def check_base_url(base_url) -> str:
    if not isinstance(base_url, str):
        raise TypeError(
            f"base_url must be an http:// or https:// URL (a str), got {type(base_url).__name__}"
        )
    parts = urllib.parse.urlsplit(base_url.strip())
    try:
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
        good = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        good = False
    if not good:
        raise ValueError(
            f"base_url must be an http:// or https:// URL with a host, such as {MNIST_URL!r}, "
            f"got {base_url!r}"
        )
    base_url = base_url.strip()
    return base_url if base_url.endswith("/") else base_url + "/"


def _cap(name: str) -> int:
    """The most bytes accepted for ``name``: a little over its known size."""
    size = MNIST_SIZES[name]
    return size + max(_CAP_SLACK, size // 100)


def _cache_error(what: str, path: Path) -> "CacheError":
    return CacheError(
        f"{what}.\nChoose another folder with load_mnist(..., data_dir=...) or the COURSECODE_DATA "
        f"environment variable (the MNIST files go in its 'mnist' subfolder), or fix {path}."
    )


def _make_folder(folder: Path) -> None:
    for parent in (folder, *folder.parents):
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise _cache_error(
                    f"the MNIST cache folder {folder} cannot be created: {parent} is a file, "
                    f"not a folder",
                    parent,
                )
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _cache_error(
            f"the MNIST cache folder {folder} cannot be created ({err.strerror or err})", folder
        ) from None


def _stale(entry: os.DirEntry, now: float) -> bool:
    """Whether ``entry`` is a temporary download file that nobody is writing any more."""
    match = _TEMP_PATTERN.fullmatch(entry.name)
    old_pooch = _POOCH_TEMP_PATTERN.fullmatch(entry.name)
    if not (match or old_pooch):
        return False
    try:
        if not entry.is_file(follow_symlinks=False):
            return False
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if old_pooch:
        return age > _POOCH_STALE_AFTER
    if age > _STALE_AFTER:
        return True
    pid = int(match["pid"])
    if pid == os.getpid():
        return entry.name not in _IN_FLIGHT
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError, ValueError):
        return False  # alive (PermissionError: someone else's process)
    return False


def _remove_stale_temp_files(folder: Path) -> None:
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if _stale(entry, now):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_cached(path: Path, name: str) -> str | None:
    """``None`` if ``path`` holds a good copy of ``name``; ``""`` if it is absent; else what
    was wrong.

    A cached file that does not match its checksum is moved aside to ``<file>.corrupt``.
    """
    if path.is_dir():
        raise _cache_error(
            f"{path} is a folder, but the MNIST file {name} should be there: move or delete "
            f"that folder",
            path,
        )
    if not path.exists() and not path.is_symlink():
        return ""
    expected = MNIST_FILES[name].split(":", 1)[1]
    try:
        size = path.stat().st_size
        if size <= _cap(name) and _file_md5(path) == expected:
            return None
    except OSError as err:
        # A broken symlink or an unreadable file: as good as corrupt.
        why = f"cannot be read ({err.strerror or err})"
    else:
        why = "is corrupt: its checksum does not match the published " + MNIST_FILES[name]
    aside = path.with_name(path.name + ".corrupt")
    try:
        os.replace(path, aside)
    except OSError as err:
        raise _cache_error(
            f"the cached file {path} {why}, and it could not be moved aside to {aside} "
            f"({err.strerror or err}): delete it, then try again",
            path,
        ) from None
    return f"The cached file {path} {why}; it was moved aside to {aside}."


class _ChecksumError(Exception):
    pass


class _Failed(Exception):
    """Why a download failed (the worker's reason, turned into a DownloadError by the caller)."""


def _download(
    url: str, path: Path, name: str, deadline: float, timeout: float, progressbar: bool
) -> None:
    """Fetch ``url`` into ``path`` (atomically), in a worker thread bounded by ``deadline``.

    The worker checks the deadline after every read and stops itself; the
    thread lets the caller return on time even if a server trickles its headers.
    """
    temp = path.with_name(f".{name}.part-{os.getpid()}-{secrets.token_hex(4)}")
    lock = threading.Lock()
    cancel = threading.Event()
    state = {"error": None, "done": False}

    def work():
        try:
            _fetch(url, path, temp, name, deadline, timeout, progressbar, lock, cancel, state)
        except BaseException as err:
            state["error"] = err

    worker = threading.Thread(target=work, daemon=True, name=f"coursecode download {name}")
    worker.start()
    try:
        worker.join(max(0.0, deadline - time.monotonic()) + _GRACE)
    finally:
        with lock:
            if worker.is_alive():
                cancel.set()
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                _IN_FLIGHT.discard(temp.name)
            done = state["done"]
    if done:
        return
    error = state["error"]
    if error is None:  # the worker is still stuck in a read: abandon it
        error = _Failed(_late(timeout))
    hint = (
        f"Without a network, use the bundled sample: load_mnist() (or load_mnist('sample')). "
        f"Or fetch the files {list(MNIST_FILES)} on another machine and put them in "
        f"{path.parent} (set COURSECODE_DATA to choose the folder)."
    )
    if isinstance(error, _Failed):
        raise DownloadError(f"could not download {url}: {error}.\n{hint}") from None
    if isinstance(error, requests.RequestException):
        raise DownloadError(f"could not download {url}: {_reason(error)}.\n{hint}") from None
    raise error


def _late(timeout: float) -> str:
    return (
        f"the download did not finish within its deadline of {timeout:g} s (all files "
        f"together); on a slow connection allow more time: "
        f"coursecode.download.download_mnist(timeout=...), then load_mnist('full')"
    )


def _fetch(url, path, temp, name, deadline, timeout, progressbar, lock, cancel, state):
    cap = _cap(name)
    expected = MNIST_FILES[name].split(":", 1)[1]

    def remaining():
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Failed(_late(timeout))
        return left

    def timed_out(reason):  # the socket's timeouts are cut short by the deadline
        return _Failed(_late(timeout) if time.monotonic() > deadline - 0.1 else reason)

    left = remaining()
    try:
        response = requests.get(
            url,
            stream=True,
            headers={"Accept-Encoding": "identity"},
            timeout=(min(10.0, left), min(60.0, left)),
        )
    except requests.Timeout as err:
        raise timed_out(_reason(err)) from None
    with response:
        response.raise_for_status()
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding in ("identity", ""):
            inflater = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            inflater = zlib.decompressobj(47)  # gzip or zlib header, detected
        else:
            raise _Failed(
                f"the server sent it with Content-Encoding {encoding!r}, which is not supported"
            )
        length = response.headers.get("Content-Length", "").strip()
        length = int(length) if length.isdigit() else None
        if length is not None and length > cap:
            raise _Failed(
                f"the server announces {length:,} bytes for {name}, which has "
                f"{MNIST_SIZES[name]:,}: refused (at most {cap:,} are accepted)"
            )
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read
        with lock:
            if cancel.is_set():
                return
            try:
                out = open(temp, "xb")
            except OSError as err:
                raise _write_error(err, temp) from None
            _IN_FLIGHT.add(temp.name)
        bar = tqdm(
            total=MNIST_SIZES[name],
            unit="B",
            unit_scale=True,
            desc=name,
            disable=not progressbar,
            leave=True,
        )
        try:
            with out, bar:
                received = written = 0
                digest = hashlib.md5()

                def write(data):
                    nonlocal written
                    if written + len(data) > cap:
                        raise _Failed(_too_big(name, cap))
                    try:
                        out.write(data)
                    except OSError as err:
                        raise _write_error(err, temp) from None
                    written += len(data)
                    digest.update(data)
                    bar.update(len(data))

                while True:
                    remaining()
                    if cancel.is_set():
                        return
                    try:
                        chunk = read(_CHUNK, decode_content=False)
                    except urllib3.exceptions.ReadTimeoutError:
                        raise timed_out("the server stopped sending (no data in time)") from None
                    except (urllib3.exceptions.HTTPError, OSError) as err:
                        raise _Failed(
                            f"the download was cut short ({type(err).__name__})"
                        ) from None
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > cap:
                        raise _Failed(_too_big(name, cap))
                    if inflater is None:
                        write(chunk)
                    else:
                        try:
                            data = inflater.decompress(chunk, cap + 1 - written)
                        except zlib.error:
                            raise _ChecksumError() from None
                        write(data)  # at most cap + 1 bytes: over the cap raises
                if length is not None and received < length:
                    raise _Failed(
                        f"the download was cut short (got {received:,} of {length:,} bytes)"
                    )
                if inflater is not None:
                    write(inflater.flush())
                    if not inflater.eof:
                        raise _Failed("the download was cut short (incomplete Content-Encoding)")
                try:
                    out.flush()
                    os.fsync(out.fileno())
                except OSError as err:
                    raise _write_error(err, temp) from None
            if digest.hexdigest() != expected:
                raise _ChecksumError()
            with lock:
                if cancel.is_set():
                    return
                try:
                    os.replace(temp, path)
                except OSError as err:
                    raise _write_error(err, path) from None
                state["done"] = True
        finally:
            with lock:
                if not state["done"]:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
                _IN_FLIGHT.discard(temp.name)


def _too_big(name: str, cap: int) -> str:
    return (
        f"the server sent more than {cap:,} bytes for {name}, which has "
        f"{MNIST_SIZES[name]:,}: refused, and nothing was kept"
    )


def _write_error(err: OSError, path: Path) -> "CacheError":
    if isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = f"cannot write in the MNIST cache folder {path.parent}: it is read-only"
    elif err.errno == errno.ENOSPC:
        what = f"cannot write {path}: the disk is full"
    else:
        what = f"cannot write {path} ({err.strerror or err})"
    return _cache_error(what, path.parent)


def _reason(err: requests.RequestException) -> str:
    if isinstance(err, requests.HTTPError) and err.response is not None:
        return f"the server answered HTTP {err.response.status_code}"
    if isinstance(err, requests.ConnectionError) and "IncompleteRead" not in str(err):
        return "no connection to the server (are you offline?)"
    if isinstance(err, requests.Timeout):
        return "the server did not answer in time"
    return f"the download was cut short ({type(err).__name__})"
