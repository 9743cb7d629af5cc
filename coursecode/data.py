"""Data for the course: MNIST digits (a bundled sample, or the full set on request) and photos.

The download of the full set is :mod:`coursecode.download`'s (what touches the network).
"""

import gzip
import os
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from matplotlib import cbook
from PIL import Image
from PIL import UnidentifiedImageError

from coursecode._validate import check_int
from coursecode.download import MNIST_URL
from coursecode.download import check_base_url
from coursecode.download import check_data_dir
from coursecode.download import check_progressbar
from coursecode.download import download_checked

__all__ = [
    "load_image",
    "load_mnist",
    "read_idx",
    "stratified_split",
]

_TRAIN_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
_N_TRAIN_FILE = 60_000  # digits in MNIST's training file
_N_FULL_TRAIN = 50_000  # the classic split (mnist.pkl.gz): the rest is the valid set

_SAMPLE_FILE = "mnist_sample.npz"
_SOURCES = ("sample", "full")

SAMPLE_IMAGES = {"grace_hopper": "grace_hopper.jpg"}
"""Photos bundled with matplotlib that ``load_image`` knows by name."""


def load_mnist(
    source: str = "sample",
    *,
    data_dir: str | os.PathLike | None = None,
    base_url: str = MNIST_URL,
    progressbar: bool = True,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Load MNIST digits as ``(x_train, y_train, x_valid, y_valid)``.

    Parameters
    ----------
    source
        ``"sample"`` (default, offline): 10,000 real MNIST digits bundled with
        the package, split (stratified, fixed seed) into 8,000 train and 2,000
        valid. ``"full"``: the classic 50,000 / 10,000 split (the first 50,000
        digits of MNIST's training file, then the last 10,000), downloaded once
        into ``data_dir`` and checked against published checksums.
    data_dir
        Where ``"full"`` keeps its files (in its ``mnist`` subfolder). Default:
        ``$COURSECODE_DATA``, else the operating system's cache folder (see
        :func:`coursecode.download.mnist_cache_dir`); a relative path is taken
        from the current folder.
    base_url
        The mirror to download from, an ``http://`` or ``https://`` URL (``"full"`` only).
    progressbar
        Show a progress bar while downloading (``"full"`` only).

    The download is bounded: see :func:`coursecode.download.download_mnist` for its
    deadline, its size limits and what it does with a corrupt or half-written cache.

    Returns
    -------
    x_train, y_train, x_valid, y_valid
        ``x`` is float32 in [0, 1] with shape (n, 784), one flattened 28×28
        digit per row; ``y`` is int64 with shape (n,).

    Examples
    --------
    >>> x_train, y_train, x_valid, y_valid = load_mnist()
    >>> x_train.shape, y_train.shape, x_valid.shape
    (torch.Size([8000, 784]), torch.Size([8000]), torch.Size([2000, 784]))
    >>> x_train.dtype, y_train.dtype, float(x_train.max())
    (torch.float32, torch.int64, 1.0)
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be one of {_SOURCES}, got {type(source).__name__}")
    check_data_dir(data_dir)
    base_url = check_base_url(base_url)
    progressbar = check_progressbar(progressbar)
    if source == "sample":
        with resources.files("coursecode").joinpath("bundled", _SAMPLE_FILE).open("rb") as f:
            arrays = np.load(f)
            parts = [arrays[k] for k in ("x_train", "y_train", "x_valid", "y_valid")]
        x_train, y_train, x_valid, y_valid = parts
    elif source == "full":
        # Checked above: hand the clean values to the download itself.
        images_path, labels_path = download_checked(
            data_dir, base_url, progressbar, _TRAIN_FILES, timeout=None
        )
        images = _read_idx(images_path)  # files the download has just checked (md5)
        labels = _read_idx(labels_path)
        if images.shape != (_N_TRAIN_FILE, 28, 28) or labels.shape != (_N_TRAIN_FILE,):
            raise ValueError(
                f"expected {_N_TRAIN_FILE:,} digits of 28×28 in MNIST's training files, got images "
                f"{images.shape} and labels {labels.shape} in {Path(images_path).parent}"
            )
        x_train, x_valid = images[:_N_FULL_TRAIN], images[_N_FULL_TRAIN:]
        y_train, y_valid = labels[:_N_FULL_TRAIN], labels[_N_FULL_TRAIN:]
    else:
        raise ValueError(f"source must be one of {_SOURCES}, got {source!r}")
    return (
        _images_to_tensor(x_train),
        _labels_to_tensor(y_train),
        _images_to_tensor(x_valid),
        _labels_to_tensor(y_valid),
    )


def _images_to_tensor(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255)


def _labels_to_tensor(labels: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(labels.astype(np.int64))


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (the format of the MNIST files), gzipped or not, as a uint8 array.

    The header is two zero bytes, a type code (0x08 for unsigned bytes), the
    number of dimensions, then each dimension as a big-endian 32-bit int.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a file path (a str or a pathlib.Path), got {type(path).__name__}"
        )
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must name an existing file, got {str(path)!r}")
    return _read_idx(path)


def _read_idx(path: Path) -> np.ndarray:
    """:func:`read_idx` of a path known to name a file."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (EOFError, gzip.BadGzipFile) as err:
        raise ValueError(f"{path} is not a complete gzip file: {err}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (bad header {data[:4]!r})")
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise ValueError(
            f"{path} is truncated or padded: the header promises shape {shape} "
            f"({expected:,} bytes) but the file holds {len(data):,} bytes"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def stratified_split(labels, n_valid: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Split indices into train and valid so that every class keeps its share.

    Each class gets ``n_valid * class_count / total`` valid places, rounded by
    largest remainder so the total is exactly ``n_valid``; which members of a
    class are picked, and the final order, are fixed by ``seed``.

    Examples
    --------
    >>> labels = np.array([0] * 8 + [1] * 2)
    >>> train, valid = stratified_split(labels, n_valid=5)
    >>> len(train), len(valid)
    (5, 5)
    >>> np.bincount(labels[valid]).tolist()      # 4 of the 8 zeros, 1 of the 2 ones
    [4, 1]
    """
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    if isinstance(labels, (str, bytes)) or labels is None or np.ndim(labels) == 0:
        raise TypeError(
            f"labels must be a 1-D sequence of class labels (a tensor, an array "
            f"or a list), got {type(labels).__name__}"
        )
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {labels.shape}")
    if labels.dtype.kind not in "biu":
        raise ValueError(f"labels must hold whole numbers (class labels), got dtype {labels.dtype}")
    n_valid = check_int(n_valid, "n_valid", 0)
    if n_valid > len(labels):
        raise ValueError(f"n_valid must be between 0 and len(labels)={len(labels)}, got {n_valid}")
    seed = check_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    quota = counts * n_valid / len(labels)
    n_per_class = np.floor(quota).astype(int)
    leftover = n_valid - n_per_class.sum()
    n_per_class[np.argsort(-(quota - n_per_class), kind="stable")[:leftover]] += 1
    train, valid = [], []
    for cls, n in zip(classes, n_per_class):
        members = rng.permutation(np.flatnonzero(labels == cls))
        valid.append(members[:n])
        train.append(members[n:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(valid))


def load_image(name_or_path: str | os.PathLike = "grace_hopper") -> torch.Tensor:
    """Load a photo as a uint8 tensor of shape (3, H, W), like ``torchvision.io.read_image``.

    Parameters
    ----------
    name_or_path
        A name from :data:`SAMPLE_IMAGES` (default: ``"grace_hopper"``, the
        portrait of Grace Hopper that matplotlib ships) or a path to any image
        file Pillow can read. Greyscale and RGBA images are converted to RGB.

    Examples
    --------
    >>> im = load_image()
    >>> im.shape, im.dtype
    (torch.Size([3, 600, 512]), torch.uint8)
    """
    if isinstance(name_or_path, str) and name_or_path in SAMPLE_IMAGES:
        path = Path(cbook.get_sample_data(SAMPLE_IMAGES[name_or_path], asfileobj=False))
    elif isinstance(name_or_path, (str, os.PathLike)):
        path = Path(name_or_path)
        if not path.is_file():
            raise ValueError(
                f"name_or_path={str(name_or_path)!r} is neither a known image name "
                f"({', '.join(SAMPLE_IMAGES)}) nor an existing file"
            )
    else:
        raise TypeError(
            f"name_or_path must be an image name or a path, got {type(name_or_path).__name__}"
        )
    try:
        with Image.open(path) as im:
            rgb = np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError(f"{path} is not an image file Pillow can read ({err})") from None
    return torch.from_numpy(rgb.copy()).permute(2, 0, 1).contiguous()
