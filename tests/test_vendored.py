"""The third-party files the book serves itself (book/_extra: require.js, the widgets'
html-manager, anywidget's front end, Font Awesome's icon fonts): each is the file
scripts/fetch_widget_js.py fetched, byte for byte, with its full licence beside it; and
no widget module can come from a CDN."""

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ROOT / "book" / "_extra"
sys.path.insert(0, str(ROOT / "scripts"))

import fetch_widget_js

MANIFEST = EXTRA / fetch_widget_js.MANIFEST
ENTRIES = json.loads(MANIFEST.read_text())["files"] if MANIFEST.exists() else []
# Files in book/_extra that are the course's own, not fetched: not in the manifest.
OWN = {"_static/widgets/local-modules.js", fetch_widget_js.MANIFEST.as_posix()}
LICENCES = sorted((EXTRA / fetch_widget_js.WIDGETS).glob("LICENSE-*.txt"))
# What each licence's full text says, and must say, beyond its name.
LICENCE_TEXTS = {
    "MIT": ["Permission is hereby granted, free of charge",
            "THE SOFTWARE IS PROVIDED \"AS IS\""],
    "BSD-3-Clause": ["Redistribution and use in source and binary forms",
                     "Neither the name of the copyright holder", "DISCLAIMED"],
    "OFL-1.1": ["SIL OPEN FONT LICENSE", "Version 1.1", "PERMISSION & CONDITIONS",
                "TERMINATION", "DISCLAIMER"],
}
CDN_HOSTS = re.compile(r"jsdelivr|unpkg|cdnjs|esm\.sh|skypack|jspm|googleapis|cloudflare", re.IGNORECASE)


def vendored_files() -> set:
    return {p.relative_to(EXTRA).as_posix() for p in EXTRA.rglob("*") if p.is_file()}


def test_the_manifest_lists_every_vendored_file_and_only_those():
    assert ENTRIES, f"no {MANIFEST.relative_to(ROOT)}: run scripts/fetch_widget_js.py"
    listed = [e["file"] for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    present = vendored_files() - OWN
    assert not set(listed) - present, f"listed but missing: {sorted(set(listed) - present)}"
    assert not present - set(listed), (f"in book/_extra but not in the manifest: "
                                       f"{sorted(present - set(listed))} (scripts/fetch_widget_js.py "
                                       "writes it; a file of the course's own goes in OWN here)")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_each_vendored_file_is_the_one_fetched(entry):
    data = (EXTRA / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], (
        f"{entry['file']} is not the file {entry['source']} gave: restore it, or re-run "
        "scripts/fetch_widget_js.py if the version changed")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_each_entry_says_where_it_came_from_at_the_pinned_version(entry):
    pins = {name: version for name, version, _ in fetch_widget_js.PACKAGES}
    pins[fetch_widget_js.FONT_PACKAGE[0]] = fetch_widget_js.FONT_PACKAGE[1]
    assert entry["package"] in pins, entry
    assert entry["version"] == pins[entry["package"]], (
        f"{entry['file']} is {entry['package']} {entry['version']}, the script pins "
        f"{pins[entry['package']]}: re-run scripts/fetch_widget_js.py")
    assert entry["source"].startswith(("npm:", "https://")), entry
    assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), entry
    if not Path(entry["file"]).name.startswith("LICENSE-"):
        assert entry.get("licence") in {e["file"] for e in ENTRIES}, (
            f"{entry['file']} names no licence file of the manifest")


def test_every_package_and_the_fonts_have_a_licence_file():
    named = {Path(e["licence"]).name for e in ENTRIES if "licence" in e}
    assert named == {p.name for p in LICENCES}, (named, [p.name for p in LICENCES])
    assert "LICENSE-fontawesome-free.txt" in named


@pytest.mark.parametrize("licence", LICENCES, ids=lambda p: p.name)
def test_each_licence_file_is_the_full_text_and_names_its_source(licence):
    text = licence.read_text()
    head = text.split("\n\n", 1)[0]
    spdx = re.search(r"^Licence \(SPDX\): (\S+)", head, re.MULTILINE)
    assert spdx and spdx.group(1) in LICENCE_TEXTS, f"{licence.name}: no known SPDX licence in\n{head}"
    sources = re.findall(r"^Source: (.*)$", head, re.MULTILINE)
    assert sources and all(re.match(r"(npm:\S+|https://\S+)", s) for s in sources), (
        f"{licence.name} does not say where its text came from: {sources}")
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

    config, _ = get_final_config(user_yaml=ROOT / "_config.yml", sourcedir=ROOT,
                                 cli_config={"latex_individualpages": False})
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
    bundle = (EXTRA / "_static" / "widgets" / "embed-amd.js").read_text()
    assert '"https://cdn.jsdelivr.net/npm/"' in bundle
    assert 'getAttribute("data-jupyter-widgets-cdn")||' in bundle


def test_the_built_config_names_no_cdn(sphinx_config):
    found = [s for s in strings(sphinx_config) if CDN_HOSTS.search(s)]
    assert not found, f"the book's configuration names a CDN: {found}"
    raw = yaml.safe_load((ROOT / "_config.yml").read_text())
    found = [s for s in strings(raw) if CDN_HOSTS.search(s)]
    assert not found, f"_config.yml names a CDN: {found}"


def test_widget_scripts_are_served_here_and_a_missing_module_fails_on_this_site(sphinx_config):
    scripts = sphinx_config["nb_ipywidgets_js"]
    assert scripts, "no widget scripts configured: myst-nb would load its CDN defaults"
    for path, attributes in scripts.items():
        assert "//" not in path and not path.startswith("/"), path
        assert (EXTRA / "_static" / path).is_file(), f"{path} is not served from book/_extra/_static"
        for name, value in attributes.items():
            assert "//" not in value and ":" not in value, f"{path}: {name}={value!r} leaves the site"
    embed = next(a for p, a in scripts.items() if p.endswith("embed-amd.js"))
    cdn = embed.get("data-jupyter-widgets-cdn", "")
    assert cdn, "without data-jupyter-widgets-cdn the html-manager falls back to jsDelivr"
    assert "data-jupyter-widgets-cdn-only" not in embed
    assert not cdn.startswith("/"), "an absolute path would leave a site served under a sub-path"
    assert not any((EXTRA / folder / cdn).exists() for folder in ("", "lessons", "book")), (
        f"{cdn} exists on the site: a module missing from it would not fail")
    assert not (ROOT / "lessons" / cdn).exists() and not (ROOT / cdn).exists()


def test_no_extension_sets_a_widget_cdn():
    for source in (ROOT / "book" / "_ext").glob("*.py"):
        text = source.read_text()
        assert not CDN_HOSTS.search(text), f"{source.name} names a CDN"
        assert "ipywidgets_js" not in text and "widgets-cdn" not in text, (
            f"{source.name} changes the widget scripts: test them here")
