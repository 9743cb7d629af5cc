"""Build the course's package for PyPI, and check it: what .github/workflows/release.yml runs.

    python scripts/build_release.py                   # dist/: the sdist and the wheel
    python scripts/build_release.py --tag v0.2.0      # ... refusing a tag that is not the version
    python scripts/build_release.py --no-isolation    # build with the setuptools installed here

The version is written once, as ``coursecode.__version__``; a release tag must be ``v`` and that
version. Both files must hold the bundled MNIST sample and the explorers' JavaScript (without
them `load_mnist()` and every explorer fail on a learner's machine), the wheel's metadata must
name that version, and `twine check --strict` must pass. Needs `build` and `twine`
(``pip install build twine``). Exits non-zero, saying why, on any failure.
"""

import argparse
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a learner's install cannot do without: (what, a pattern of the paths that hold it).
MUST_HOLD = [
    ("the bundled MNIST sample", r"coursecode/bundled/[^/]+\.npz"),
    ("the explorers' JavaScript", r"coursecode/explorers/[^/]+\.js"),
    ("the explorers' style", r"coursecode/explorers/[^/]+\.css"),
    ("the answer boxes' JavaScript", r"coursecode/static/[^/]+\.js"),
    ("the exercises' answer table", r"coursecode/static/answers\.json"),
    ("what the checkers share (spaces, words)", r"coursecode/static/answer_text\.json"),
]


def package_version(root: Path = ROOT) -> str:
    """``coursecode.__version__`` as written in ``coursecode/__init__.py`` (read, not imported:
    no PyTorch needed)."""
    text = (root / "coursecode" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not found:
        raise SystemExit('coursecode/__init__.py: no line __version__ = "X.Y.Z"')
    return found[1]


def check_tag(tag: str, version: str) -> None:
    """Refuse a release tag that does not name the package's version."""
    if tag != f"v{version}":
        raise SystemExit(
            f"the tag {tag!r} does not match coursecode.__version__ {version!r}: tag the "
            f"release v{version}, or change __version__ in coursecode/__init__.py first"
        )


def check_contents(names: list[str], what: str) -> None:
    """Every file a learner's install needs is among ``names`` (paths in the archive)."""
    for needed, pattern in MUST_HOLD:
        if not any(re.search(pattern, name) for name in names):
            raise SystemExit(f"{what} does not hold {needed} ({pattern})")


def check_dist(out: Path, version: str) -> list[Path]:
    """The sdist and the wheel in ``out``: one of each, of ``version``, holding what they
    must, and passing `twine check --strict`. Returns their paths."""
    wheels = sorted(out.glob(f"coursecode-{version}-*.whl"))
    sdists = sorted(out.glob(f"coursecode-{version}.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        found = sorted(p.name for p in out.iterdir())
        raise SystemExit(f"{out}: expected one wheel and one sdist of {version}, found {found}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        check_contents(names, wheels[0].name)
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(wheel.read(metadata).decode("utf-8"))
    if meta["Version"] != version or meta["Name"] != "coursecode":
        raise SystemExit(f"{wheels[0].name}: metadata names {meta['Name']} {meta['Version']}")
    with tarfile.open(sdists[0]) as sdist:
        check_contents(sdist.getnames(), sdists[0].name)
    files = [*sdists, *wheels]
    subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)], check=True
    )
    return files


def build(out: Path, isolation: bool = True, root: Path = ROOT) -> list[Path]:
    """Build the sdist and the wheel into ``out`` (emptied of old ones first) and check them."""
    version = package_version(root)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("coursecode-*.whl"), *out.glob("coursecode-*.tar.gz")]:
        old.unlink()
    # No --sdist/--wheel: the wheel is built from the sdist, as pip would on a learner's
    # machine, in a temporary folder (nothing lands in the checkout but coursecode.egg-info).
    command = [sys.executable, "-m", "build", "--outdir", str(out)]
    subprocess.run([*command, *([] if isolation else ["--no-isolation"]), str(root)], check=True)
    return check_dist(out, version)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tag", help="the release tag (vX.Y.Z): refused unless it names the version"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where to put them (dist/)")
    parser.add_argument(
        "--no-isolation",
        action="store_true",
        help="build with the setuptools installed here (offline), not a fresh one",
    )
    args = parser.parse_args()
    if args.tag is not None:
        check_tag(args.tag, package_version())
    files = build(args.out, isolation=not args.no_isolation)
    print("built and checked: " + ", ".join(p.name for p in files))


if __name__ == "__main__":
    main()
