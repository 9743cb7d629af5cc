"""The third-party files the book serves itself (book/vendored: require.js, the widgets'
html-manager, anywidget's front end, Font Awesome's icon fonts): each is the file
scripts/fetch_vendored.py fetched, byte for byte, with its full licence beside it; the folder
holds nothing of the course's own and is marked vendored for tools; and no widget module can
come from a CDN."""

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import fetch_vendored  # scripts/: on pytest's pythonpath
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "book" / "vendored"
OWN_STATIC = ROOT / "book" / "_static"  # the course's own files under _static/

MANIFEST = VENDORED / fetch_vendored.MANIFEST
ENTRIES = json.loads(MANIFEST.read_text())["files"] if MANIFEST.exists() else []
# The only files in book/vendored that the manifest does not list: the manifest itself and the
# folder's README (which says where the files come from). Nothing there is the course's own.
NOT_LISTED = {"README.md", fetch_vendored.MANIFEST.as_posix()}
LICENCES = sorted(VENDORED.rglob("LICENSE-*.txt"))
# What each licence's full text says, and must say, beyond its name.
LICENCE_TEXTS = {
    "MIT": ["Permission is hereby granted, free of charge", 'THE SOFTWARE IS PROVIDED "AS IS"'],
    "BSD-3-Clause": [
        "Redistribution and use in source and binary forms",
        "Neither the name of the copyright holder",
        "DISCLAIMED",
    ],
    "Apache-2.0": [
        "Apache License",
        "Version 2.0, January 2004",
        "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
        "Disclaimer of Warranty",
        "Limitation of Liability",
    ],
    "OFL-1.1": [
        "SIL OPEN FONT LICENSE",
        "Version 1.1",
        "PERMISSION & CONDITIONS",
        "TERMINATION",
        "DISCLAIMER",
    ],
}
CDN_HOSTS = re.compile(
    r"jsdelivr|unpkg|cdnjs|esm\.sh|skypack|jspm|googleapis|cloudflare", re.IGNORECASE
)


def vendored_files() -> set:
    return {p.relative_to(VENDORED).as_posix() for p in VENDORED.rglob("*") if p.is_file()}


def test_the_manifest_lists_every_vendored_file_and_only_those():
    assert ENTRIES, f"no {MANIFEST.relative_to(ROOT)}: run scripts/fetch_vendored.py"
    listed = [e["file"] for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    present = vendored_files() - NOT_LISTED
    assert not set(listed) - present, f"listed but missing: {sorted(set(listed) - present)}"
    assert not present - set(listed), (
        f"in book/vendored but not in the manifest: {sorted(present - set(listed))} "
        "(scripts/fetch_vendored.py writes it; a file of the course's own goes in book/_static)"
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_each_vendored_file_is_the_one_fetched(entry):
    data = (VENDORED / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], (
        f"{entry['file']} is not the file {entry['source']} gave: restore it, or re-run "
        "scripts/fetch_vendored.py if the version changed"
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_each_entry_says_where_it_came_from_at_the_pinned_version(entry):
    pins = {name: version for name, version, _ in fetch_vendored.PACKAGES}
    pins[fetch_vendored.FONT_PACKAGE[0]] = fetch_vendored.FONT_PACKAGE[1]
    pins[fetch_vendored.MATHJAX[0]] = fetch_vendored.MATHJAX[1]
    assert entry["package"] in pins, entry
    assert entry["version"] == pins[entry["package"]], (
        f"{entry['file']} is {entry['package']} {entry['version']}, the script pins "
        f"{pins[entry['package']]}: re-run scripts/fetch_vendored.py"
    )
    assert entry["source"].startswith(("npm:", "https://")), entry
    assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), entry
    if not Path(entry["file"]).name.startswith("LICENSE-"):
        assert entry.get("licence") in {e["file"] for e in ENTRIES}, (
            f"{entry['file']} names no licence file of the manifest"
        )


def test_every_package_and_the_fonts_have_a_licence_file():
    named = {Path(e["licence"]).name for e in ENTRIES if "licence" in e}
    assert named == {p.name for p in LICENCES}, (named, [p.name for p in LICENCES])
    assert "LICENSE-fontawesome-free.txt" in named


@pytest.mark.parametrize("licence", LICENCES, ids=lambda p: p.name)
def test_each_licence_file_is_the_full_text_and_names_its_source(licence):
    text = licence.read_text()
    head = text.split("\n\n", 1)[0]
    spdx = re.search(r"^Licence \(SPDX\): (\S+)", head, re.MULTILINE)
    assert spdx and spdx.group(1) in LICENCE_TEXTS, (
        f"{licence.name}: no known SPDX licence in\n{head}"
    )
    sources = re.findall(r"^Source: (.*)$", head, re.MULTILINE)
    assert sources and all(re.match(r"(npm:\S+|https://\S+)", s) for s in sources), (
        f"{licence.name} does not say where its text came from: {sources}"
    )
    for phrase in LICENCE_TEXTS[spdx.group(1)]:
        assert phrase in text, f"{licence.name} lacks {phrase!r}: not the full {spdx.group(1)} text"
    assert len(text.splitlines()) > 20, f"{licence.name} is a header, not a licence text"
    assert re.search(r"Copyright", text), f"{licence.name} has no copyright notice"


# The widgets' CDN. The html-manager (embed-amd.js) loads a widget module that is not bundled
# and not known to require.js from `data-jupyter-widgets-cdn`, or from jsDelivr when that
# attribute is absent or empty; the module comes with no integrity check. The book sets it to
# a folder of its own site that does not exist, so a module missing from the site fails visibly
# (an error widget on the page, a 404 in the browser tests) instead.


@pytest.fixture(scope="module")
def sphinx_config():
    """The Sphinx configuration Jupyter Book makes of _config.yml (what a build uses)."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml", sourcedir=ROOT, cli_config={"latex_individualpages": False}
    )
    return config


def strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def test_the_html_manager_falls_back_to_jsdelivr_without_the_attribute():
    """Why the attribute must be set, and not just removed: the bundle's own default."""
    bundle = (VENDORED / "_static" / "widgets" / "embed-amd.js").read_text()
    assert '"https://cdn.jsdelivr.net/npm/"' in bundle
    assert 'getAttribute("data-jupyter-widgets-cdn")||' in bundle


def test_the_built_config_names_no_cdn(sphinx_config):
    found = [s for s in strings(sphinx_config) if CDN_HOSTS.search(s)]
    assert not found, f"the book's configuration names a CDN: {found}"
    raw = yaml.safe_load((ROOT / "_config.yml").read_text())
    found = [s for s in strings(raw) if CDN_HOSTS.search(s)]
    assert not found, f"_config.yml names a CDN: {found}"


def test_maths_is_typeset_by_the_vendored_mathjax(sphinx_config):
    """Sphinx loads MathJax from jsDelivr unless told otherwise, on every page with maths."""
    path = sphinx_config.get("mathjax_path", "")
    assert path and "://" not in path and not path.startswith("/"), (
        f"mathjax_path must be a file served by this site, got {path!r}"
    )
    served = VENDORED / "_static" / path
    assert served.is_file(), f"mathjax_path {path!r} is not in book/vendored/_static/"
    assert served.relative_to(VENDORED).as_posix() in {e["file"] for e in ENTRIES}
    # tex-chtml.js asks for its fonts beside itself; every font of the package is here.
    fonts = served.parent / "output" / "chtml" / "fonts" / "woff-v2"
    assert len(list(fonts.glob("MathJax_*.woff"))) >= 20


def static_folders(config) -> list:
    """The source folders whose files the site serves under _static/: each html_extra_path
    folder's _static/ (copied as is) and each html_static_path folder."""
    return [ROOT / extra / "_static" for extra in config["html_extra_path"]] + [
        ROOT / folder for folder in config["html_static_path"]
    ]


def test_the_vendored_folder_is_the_extra_path_and_the_course_own_script_is_not_in_it(
    sphinx_config,
):
    assert [ROOT / extra for extra in sphinx_config["html_extra_path"]] == [VENDORED]
    assert ROOT / "book" / "_static" in [ROOT / f for f in sphinx_config["html_static_path"]]
    assert (OWN_STATIC / "widgets" / "local-modules.js").is_file()
    assert not (VENDORED / "_static" / "widgets" / "local-modules.js").exists()
    listed = {e["file"] for e in ENTRIES}
    for path in sphinx_config["nb_ipywidgets_js"]:
        vendored = VENDORED / "_static" / path
        assert not vendored.is_file() or vendored.relative_to(VENDORED).as_posix() in listed, (
            f"{path} is in book/vendored but not fetched by scripts/fetch_vendored.py"
        )
    # Jupyter Book adds every .js of a _static/ folder at the book's root to every page.
    assert not (ROOT / "_static").exists()


def git_attributes(paths: list, *names: str) -> dict:
    """{path: {attribute: value}} as git reads the repository's .gitattributes."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("git and a git checkout are needed to read .gitattributes as git does")
    # A checkout owned by another user (a CI container) is refused unless named safe.
    done = subprocess.run(
        [git, "-c", f"safe.directory={ROOT}", "check-attr", "--stdin", *names],
        cwd=ROOT,
        input="\n".join(paths) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    found = {}
    for line in done.stdout.splitlines():
        path, name, value = line.rsplit(": ", 2)
        found.setdefault(path, {})[name] = value
    return found


def test_gitattributes_marks_every_vendored_file_and_only_those():
    vendored = sorted((VENDORED.relative_to(ROOT) / f).as_posix() for f in vendored_files())
    assert len(vendored) >= len(ENTRIES) > 0
    own = sorted(
        p.relative_to(ROOT).as_posix()
        for folder in (OWN_STATIC, ROOT / "coursecode", ROOT / "scripts")
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert own
    found = git_attributes(vendored + own, "linguist-vendored", "diff")
    assert set(found) == set(vendored + own), "git did not answer for every file"
    unmarked = [p for p in vendored if found[p]["linguist-vendored"] != "set"]
    assert not unmarked, f"not marked linguist-vendored in .gitattributes: {unmarked}"
    marked = [p for p in own if found[p]["linguist-vendored"] != "unspecified"]
    assert not marked, f"the course's own files are marked vendored: {marked}"
    hidden = [p for p in vendored if found[p]["diff"] == "unset"]
    assert not hidden, f"-diff hides changes to vendored files from review: {hidden}"


def test_the_vendored_folder_says_where_its_files_come_from_and_linters_skip_it():
    import tomllib

    readme = (VENDORED / "README.md").read_text()
    assert "python scripts/fetch_vendored.py" in readme
    for package, _, _ in fetch_vendored.PACKAGES:
        assert f"`{package}`" in readme, f"book/vendored/README.md does not name {package}"
    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert "book/vendored" in ruff.get("extend-exclude", []), "ruff lints the vendored files"


def test_widget_scripts_are_served_here_and_a_missing_module_fails_on_this_site(sphinx_config):
    scripts = sphinx_config["nb_ipywidgets_js"]
    assert scripts, "no widget scripts configured: myst-nb would load its CDN defaults"
    for path, attributes in scripts.items():
        assert "//" not in path and not path.startswith("/"), path
        served = [
            folder / path for folder in static_folders(sphinx_config) if (folder / path).is_file()
        ]
        assert len(served) == 1, f"{path} is served from {served}, not from exactly one folder"
        for name, value in attributes.items():
            assert "//" not in value and ":" not in value, (
                f"{path}: {name}={value!r} leaves the site"
            )
    embed = next(a for p, a in scripts.items() if p.endswith("embed-amd.js"))
    cdn = embed.get("data-jupyter-widgets-cdn", "")
    assert cdn, "without data-jupyter-widgets-cdn the html-manager falls back to jsDelivr"
    assert "data-jupyter-widgets-cdn-only" not in embed
    assert not cdn.startswith("/"), "an absolute path would leave a site served under a sub-path"
    assert not any((VENDORED / folder / cdn).exists() for folder in ("", "lessons", "book")), (
        f"{cdn} exists on the site: a module missing from it would not fail"
    )
    assert not (ROOT / "lessons" / cdn).exists() and not (ROOT / cdn).exists()


def test_no_extension_sets_a_widget_cdn():
    for source in (ROOT / "book" / "_ext").glob("*.py"):
        text = source.read_text()
        assert not CDN_HOSTS.search(text), f"{source.name} names a CDN"
        assert "ipywidgets_js" not in text and "widgets-cdn" not in text, (
            f"{source.name} changes the widget scripts: test them here"
        )
