"""Fetch the third-party JavaScript the static book pages load, so no page needs a CDN:
what shows the widgets, and MathJax, which typesets the lessons' maths.

    python scripts/fetch_vendored.py   # needs npm, the npm registry and raw.githubusercontent.com

Downloads the pinned npm packages below with ``npm pack`` and copies what the
pages load into ``book/vendored/_static/widgets/`` (``book/vendored/`` is the
``html_extra_path``, laid out as the site serves it), the html-manager's icon fonts
(Font Awesome) into ``book/vendored/lessons/``, and each package's full licence text beside them,
with a header that names where the text came from. MathJax's TeX-to-HTML bundle and
its fonts go into ``book/vendored/_static/mathjax/`` (``_config.yml``'s
``mathjax_path`` loads it from there; it finds its fonts beside itself). The packages that ship no
licence file (requirejs, @jupyter-widgets/html-manager) get their repository's
LICENSE at the released tag or commit, checked against the SHA-256 pinned below.

It then writes ``book/vendored/_static/widgets/MANIFEST.json``: every file it wrote
(paths relative to ``book/vendored``) with its package, version, source and SHA-256.
``tests/test_vendored.py`` checks the committed files against it, so a changed,
missing or unlisted file fails the tests. Change a version here and re-run to
update (a new licence text needs its new SHA-256 here); ``_config.yml``'s
``nb_ipywidgets_js`` loads the files. Only this script writes into ``book/vendored/``:
the course's own files go elsewhere (``book/_static/widgets/local-modules.js``).
"""

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "book" / "vendored"
WIDGETS = Path("_static") / "widgets"  # relative to book/vendored, as in the manifest
MANIFEST = WIDGETS / "MANIFEST.json"
# The html-manager's stylesheets ask for its icon fonts relative to the page, under the
# require.js name of whichever bundled module loads first: @jupyter-widgets/html-manager/dist/
# or @jupyter-widgets/ (it varies from load to load). Widget pages live in lessons/.
FONT_DIRS = [
    Path("lessons") / "@jupyter-widgets" / "html-manager" / "dist",
    Path("lessons") / "@jupyter-widgets",
]

# package, version, {file in the package: name it is served under}
PACKAGES = [
    ("requirejs", "2.3.8", {"require.js": "require.js"}),
    # The 1.0.x line is the html-manager of ipywidgets 8 (0.20.x is for ipywidgets 7).
    (
        "@jupyter-widgets/html-manager",
        "1.0.15",
        {
            "dist/embed-amd.js": "embed-amd.js",
            "dist/embed.js.LICENSE.txt": "embed-amd.js.LICENSE.txt",
        },
    ),
    # The front end of the Python anywidget package pinned in requirements.txt.
    ("anywidget", "0.11.0", {"dist/index.js": "anywidget.js"}),
]
# The html-manager bundles Font Awesome Free's webfonts: each .woff2 it ships must be
# byte for byte one of this package's, whose licence it then carries.
FONT_PACKAGE = ("@fortawesome/fontawesome-free", "5.15.4")
# The SIL Open Font License 1.1, in full (Font Awesome's LICENSE.txt only names it), from
# the SPDX License List as packaged on npm (CC0).
SPDX_PACKAGE = ("spdx-license-list", "6.12.0")

# MathJax 3 (Sphinx's default major version): tex-chtml.js reads TeX and writes HTML+CSS,
# with the menu and assistive MathML built in; it loads its fonts from
# output/chtml/fonts/woff-v2/ beside itself, and nothing else for the macros the lessons use.
MATHJAX = ("mathjax", "3.2.2")
MATHJAX_DIR = Path("_static") / "mathjax"  # relative to book/vendored
MATHJAX_FONTS = "es5/output/chtml/fonts/woff-v2"

# Licence texts from a repository, for packages whose npm tarball has none: URL, SHA-256.
LICENCE_URLS = {
    # require.js's own header points to this file.
    "requirejs": (
        "https://raw.githubusercontent.com/requirejs/requirejs/2.3.8/LICENSE",
        "4e51314366fce8914fde48ccd4d52255d37f5fcb72e00fe0dccbc6cbb6682bc9",
    ),
    # The ipywidgets repository, at the commit the package was published from (its gitHead).
    "@jupyter-widgets/html-manager": (
        "https://raw.githubusercontent.com/jupyter-widgets/ipywidgets/{gitHead}/LICENSE",
        "e5ac2be30b2bcefe330ee9e5ad7fe5b0d1156fecb3555fcaaa908a8d29f9fded",
    ),
}
LICENSE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt")
MAX_LICENCE_BYTES = 1_000_000


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unpack(spec: str, workdir: Path) -> Path:
    done = subprocess.run(
        ["npm", "pack", spec, "--json"], cwd=workdir, check=True, capture_output=True, text=True
    )
    tarball = workdir / json.loads(done.stdout)[0]["filename"]
    target = workdir / tarball.stem
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def download(url: str, expected: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read(MAX_LICENCE_BYTES + 1)
    if len(data) > MAX_LICENCE_BYTES or sha256(data) != expected:
        sys.exit(
            f"{url}: not the licence text pinned in {Path(__file__).name} "
            f"(SHA-256 {sha256(data)}, expected {expected}): read it and update the pin"
        )
    return data


def licence_file(title: str, spdx: str, package: str, sources: list, texts: list) -> str:
    """A licence file: what it covers, the licence, where each text came from, then the texts."""
    head = [title, f"Licence (SPDX): {spdx}", f"Package: {package}"]
    head += [f"Source: {source}" for source in sources]
    return "\n".join(head) + "\n\n" + "\n".join(t.strip() + "\n" for t in texts)


def npm_page(name: str, version: str) -> str:
    return f"https://www.npmjs.com/package/{name}/v/{version}"


def main(extra: Path = VENDORED, fetch=download) -> list:
    """Write every vendored file and the manifest under ``extra``; return the manifest's entries."""
    entries = []
    old = extra / MANIFEST
    if old.exists():  # files of an older version that this one may not have
        for entry in json.loads(old.read_text())["files"]:
            (extra / entry["file"]).unlink(missing_ok=True)

    def write(path: Path, data: bytes, **fields) -> None:
        (extra / path).parent.mkdir(parents=True, exist_ok=True)
        (extra / path).write_bytes(data)
        entries.append({"file": path.as_posix(), **fields, "sha256": sha256(data)})

    with tempfile.TemporaryDirectory() as tmp:
        fonts = unpack("@".join(FONT_PACKAGE), Path(tmp))
        spdx = unpack("@".join(SPDX_PACKAGE), Path(tmp))
        for name, version, files in PACKAGES:
            package = unpack(f"{name}@{version}", Path(tmp))
            meta = json.loads((package / "package.json").read_text())
            licence_name = WIDGETS / f"LICENSE-{name.replace('/', '-').lstrip('@')}.txt"
            for source, served in files.items():
                write(
                    WIDGETS / served,
                    (package / source).read_bytes(),
                    package=name,
                    version=version,
                    source=f"npm:{name}@{version}/{source}",
                    licence=licence_name.as_posix(),
                )
            if name in LICENCE_URLS:
                url, expected = LICENCE_URLS[name]
                url = url.format(**meta)
                text, origin = fetch(url, expected).decode(), url
            else:
                licence = next(package / n for n in LICENSE_NAMES if (package / n).exists())
                text, origin = licence.read_text(), f"npm:{name}@{version}/{licence.name}"
            write(
                licence_name,
                licence_file(
                    f"{name} {version}: {', '.join(files.values())}",
                    meta["license"],
                    npm_page(name, version),
                    [origin],
                    [text],
                ).encode(),
                package=name,
                version=version,
                source=origin,
            )
            if name == "@jupyter-widgets/html-manager":
                font_files = {sha256(f.read_bytes()): f for f in (fonts / "webfonts").iterdir()}
                font_licence = WIDGETS / "LICENSE-fontawesome-free.txt"
                for font in sorted(
                    (package / "dist").glob("*.woff2")
                ):  # every current browser reads woff2
                    data = font.read_bytes()
                    same = font_files.get(sha256(data))
                    if same is None:
                        sys.exit(
                            f"{font.name} is none of {'@'.join(FONT_PACKAGE)}'s webfonts: "
                            "update FONT_PACKAGE to the Font Awesome the html-manager bundles"
                        )
                    for folder in FONT_DIRS:
                        write(
                            folder / font.name,
                            data,
                            package=name,
                            version=version,
                            source=f"npm:{name}@{version}/dist/{font.name}",
                            same_as=f"npm:{'@'.join(FONT_PACKAGE)}/webfonts/{same.name}",
                            licence=font_licence.as_posix(),
                        )
        name, version = MATHJAX
        package = unpack(f"{name}@{version}", Path(tmp))
        meta = json.loads((package / "package.json").read_text())
        licence_name = MATHJAX_DIR / "LICENSE-mathjax.txt"
        served = {"es5/tex-chtml.js": MATHJAX_DIR / "tex-chtml.js"}
        for font in sorted((package / MATHJAX_FONTS).glob("*.woff")):
            served[f"{MATHJAX_FONTS}/{font.name}"] = (
                MATHJAX_DIR / Path(MATHJAX_FONTS).relative_to("es5") / font.name
            )
        for source, path in served.items():
            write(
                path,
                (package / source).read_bytes(),
                package=name,
                version=version,
                source=f"npm:{name}@{version}/{source}",
                licence=licence_name.as_posix(),
            )
        write(
            licence_name,
            licence_file(
                f"{name} {version}: tex-chtml.js and its fonts (output/chtml/fonts/woff-v2/)",
                meta["license"],
                npm_page(name, version),
                [f"npm:{name}@{version}/LICENSE"],
                [(package / "LICENSE").read_text()],
            ).encode(),
            package=name,
            version=version,
            source=f"npm:{name}@{version}/LICENSE",
        )
        fa_name, fa_version = FONT_PACKAGE
        fa_licence = f"npm:{fa_name}@{fa_version}/LICENSE.txt"
        ofl = f"npm:{'@'.join(SPDX_PACKAGE)}/licenses/OFL-1.1.json (licenseText)"
        ofl_text = json.loads((spdx / "licenses" / "OFL-1.1.json").read_text())["licenseText"]
        notice = (
            f"Font Awesome Free {fa_version} by @fontawesome - https://fontawesome.com\n"
            "Copyright (c) Font Awesome (the fonts' copyright notice)"
        )
        write(
            WIDGETS / "LICENSE-fontawesome-free.txt",
            licence_file(
                f"Font Awesome Free {fa_version}: the icon fonts (*.woff2) under "
                "lessons/@jupyter-widgets/, as bundled by @jupyter-widgets/html-manager",
                "OFL-1.1 (the fonts; Font Awesome Free's icons are CC-BY-4.0 and its code MIT)",
                npm_page(fa_name, fa_version),
                [fa_licence, ofl],
                [
                    notice,
                    (fonts / "LICENSE.txt").read_text(),
                    "The SIL Open Font License 1.1, which covers the fonts, in full:\n\n"
                    + ofl_text,
                ],
            ).encode(),
            package=fa_name,
            version=fa_version,
            source=f"{fa_licence} + {ofl}",
        )
    manifest = {
        "about": "Every file scripts/fetch_vendored.py vendored into book/vendored (paths "
        "relative to it): where it came from and its SHA-256. "
        "Checked by tests/test_vendored.py.",
        "files": sorted(entries, key=lambda e: e["file"]),
    }
    (extra / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    for entry in manifest["files"]:
        print(f"{entry['file']}  {entry['source']}")
    return manifest["files"]


if __name__ == "__main__":
    main()
