"""Fetch the JavaScript that shows widgets on the static book pages, so no page needs a CDN.

    python scripts/fetch_widget_js.py        # needs npm and the npm registry

Downloads the pinned npm packages below with ``npm pack`` and copies what the
pages load into ``book/_extra/_static/widgets/`` (served as-is through
``html_extra_path``), with each package's licence beside it. Change a version
here and re-run to update; ``_config.yml``'s ``nb_ipywidgets_js`` loads them.
"""

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "book" / "_extra" / "_static" / "widgets"
# The html-manager's stylesheets ask for its icon fonts relative to the page, under the
# require.js name of whichever bundled module loads first: @jupyter-widgets/html-manager/dist/
# or @jupyter-widgets/ (it varies from load to load). Widget pages live in lessons/.
FONT_DIRS = [ROOT / "book" / "_extra" / "lessons" / "@jupyter-widgets" / "html-manager" / "dist",
             ROOT / "book" / "_extra" / "lessons" / "@jupyter-widgets"]

# package, version, {file in the package: name it is served under}
PACKAGES = [
    ("requirejs", "2.3.8", {"require.js": "require.js"}),
    # The 1.0.x line is the html-manager of ipywidgets 8 (0.20.x is for ipywidgets 7).
    ("@jupyter-widgets/html-manager", "1.0.15", {"dist/embed-amd.js": "embed-amd.js",
                                                 "dist/embed.js.LICENSE.txt": "embed-amd.js.LICENSE.txt"}),
    # The front end of the Python anywidget package pinned in requirements.txt.
    ("anywidget", "0.11.0", {"dist/index.js": "anywidget.js"}),
]
LICENSE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt")


def unpack(spec: str, workdir: Path) -> Path:
    done = subprocess.run(["npm", "pack", spec, "--json"], cwd=workdir, check=True,
                          capture_output=True, text=True)
    tarball = workdir / json.loads(done.stdout)[0]["filename"]
    target = workdir / tarball.stem
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, files in PACKAGES:
            package = unpack(f"{name}@{version}", Path(tmp))
            for source, served in files.items():
                shutil.copyfile(package / source, OUT / served)
            if name == "@jupyter-widgets/html-manager":
                for folder in FONT_DIRS:
                    folder.mkdir(parents=True, exist_ok=True)
                    for font in (package / "dist").glob("*.woff2"):  # every current browser reads woff2
                        shutil.copyfile(font, folder / font.name)
            licence = next((package / n for n in LICENSE_NAMES if (package / n).exists()), None)
            meta = json.loads((package / "package.json").read_text())
            author = meta.get("author", "")
            author = author.get("name", "") if isinstance(author, dict) else author
            text = (f"{name} {version}\nLicence (SPDX): {meta.get('license', 'see the package')}\n"
                    f"Author: {author or 'see the package'}\nSource: {meta.get('homepage', '')}\n\n")
            if licence is not None:
                text += licence.read_text()
            (OUT / f"LICENSE-{name.replace('/', '-').lstrip('@')}.txt").write_text(text)
            print(f"{name}@{version}: {', '.join(files.values())}")


if __name__ == "__main__":
    main()
