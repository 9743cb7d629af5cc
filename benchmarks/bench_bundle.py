"""How much the explorers' JavaScript weighs in a page, bundled as the course bundles it
(``coursecode.explorers._base.bundle``: the files joined, their imports of one another and
their comments dropped) and as esbuild would (``--bundle --minify``), raw and gzipped.

    python -m benchmarks.bench_bundle                      # ours only
    python -m benchmarks.bench_bundle --esbuild PATH       # and esbuild's, for comparison

esbuild is not a dependency of the course: to compare, install it anywhere
(``npm i esbuild@0.25.10`` in a scratch folder) and name its binary. Prints figures only.
"""

import argparse
import gzip
import subprocess
import tempfile
from pathlib import Path

from coursecode import exercises
from coursecode import widgets as cw

DRAWINGS = {
    "ConvGrid": "conv.js",
    "FeatureMap": "kernel.js",
    "SlidingWindow": "window.js",
    "UnfoldMatrix": "unfold.js",
    "ChannelMaps": "channels.js",
    "PoolView": "pool.js",
    "FieldView": "field.js",
    "NetworkExplorer": "network.js",
}


def gzipped(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=9))


def esbuild(binary: str, entry: Path) -> str:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.js"
        subprocess.run(
            [binary, str(entry), "--bundle", "--format=esm", "--minify", f"--outfile={out}"],
            check=True,
            capture_output=True,
        )
        return out.read_text(encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--esbuild", help="the esbuild binary, to compare with its bundles")
    args = parser.parse_args()
    rows = [(name, getattr(cw, name)._esm, cw.JS_DIR / entry) for name, entry in DRAWINGS.items()]
    rows.append(
        (
            "AnswerCode (once a page)",
            exercises.AnswerCode().source,
            exercises.STATIC / "answer_box.js",
        )
    )
    head = f"{'widget':26} {'ours':>8} {'gzip':>7}"
    if args.esbuild:
        head += f" {'esbuild':>8} {'gzip':>7} {'saved (gzip)':>13}"
    print(head)
    totals = [0, 0, 0, 0]
    for name, ours, entry in rows:
        line = f"{name:26} {len(ours):8,} {gzipped(ours):7,}"
        totals[0] += len(ours)
        totals[1] += gzipped(ours)
        if args.esbuild:
            theirs = esbuild(args.esbuild, entry)
            saved = gzipped(ours) - gzipped(theirs)
            line += f" {len(theirs):8,} {gzipped(theirs):7,} {saved:13,}"
            totals[2] += len(theirs)
            totals[3] += gzipped(theirs)
        print(line)
    line = f"{'all of them':26} {totals[0]:8,} {totals[1]:7,}"
    if args.esbuild:
        line += f" {totals[2]:8,} {totals[3]:7,} {totals[1] - totals[3]:13,}"
    print(line)
    print("(bytes; a page carries each widget's code once per explorer it shows, in its state)")


if __name__ == "__main__":
    main()
