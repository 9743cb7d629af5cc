"""What book/_ext/course_html.py does to the HTML (no browser): hidden cells' toggles named by
their words, empty header cells of output tables written as data cells; and the book's
template overrides (book/_templates/) still match the theme they were copied from."""

import io
import json
import re
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from course_html import EmptyHeaderCells
from course_html import empty_headers_to_data_cells
from course_html import visit_hidden_cell
from docutils import frontend
from docutils import nodes
from docutils import utils
from docutils.parsers.rst import Parser
from myst_nb.sphinx_ import HideCodeCellNode
from myst_nb.sphinx_ import visit_HideCellInput
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "book" / "_templates"


class _Cells(HTMLParser):
    """The cells of an HTML fragment's tables, in order: (tag, attributes, text)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.cells, self._cell = [], None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._cell = [tag, dict(attrs), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.cells.append((self._cell[0], self._cell[1], self._cell[2].strip()))
            self._cell = None


def _frame(index_name=None, columns=None):
    frame = pd.DataFrame({"pixels": [784, 784], "seconds": [0.5, 0.25]}, index=["loop", "im2col"])
    frame.index.name = index_name
    if columns is not None:
        frame.columns = columns
    return frame


PANDAS_TABLES = {
    "DataFrame": _frame()._repr_html_(),
    "DataFrame, named index": _frame("method")._repr_html_(),
    "DataFrame, two column levels": _frame(
        "method", pd.MultiIndex.from_tuples([("size", "pixels"), ("time", "seconds")])
    )._repr_html_(),
    "Styler": _frame().style.format(precision=2).to_html(),
    "Styler, named index": _frame("method").style.to_html(),
}


@pytest.mark.parametrize("html", PANDAS_TABLES.values(), ids=PANDAS_TABLES.keys())
def test_pandas_tables_keep_every_cell_and_lose_their_empty_headers(html):
    before = _Cells(html).cells
    after = _Cells(empty_headers_to_data_cells(html)).cells
    # pandas does write empty header cells in every one of these tables
    assert any(tag == "th" and not text for tag, _, text in before)
    assert not any(tag == "th" and not text for tag, _, text in after)
    assert len(after) == len(before)
    for (tag, attributes, text), (new_tag, new_attributes, new_text) in zip(before, after):
        # the same cell, text and attributes: only an empty header cell changed its tag
        assert (new_attributes, new_text) == (attributes, text)
        assert new_tag == ("td" if tag == "th" and not text else tag)


def test_only_empty_header_cells_of_tables_change():
    html = (
        "<p>a <th></th> outside any table stays</p>"
        '<table class="x"><thead><tr><th class="blank" >&nbsp;</th><th> </th>'
        '<th><img alt="logo"></th><TH>Name</TH><th colspan="2">\n</th></tr></thead>'
        "<tbody><tr><th>row</th><td></td></tr></tbody></table>"
    )
    assert empty_headers_to_data_cells(html) == (
        "<p>a <th></th> outside any table stays</p>"
        '<table class="x"><thead><tr><td class="blank" >&nbsp;</td><td> </td>'
        '<th><img alt="logo"></th><TH>Name</TH><td colspan="2">\n</td></tr></thead>'
        "<tbody><tr><th>row</th><td></td></tr></tbody></table>"
    )
    no_tables = "<div><p>Nothing to do</p><thead></thead></div>"
    assert empty_headers_to_data_cells(no_tables) == no_tables


def _document(*children):
    settings = frontend.get_default_settings(Parser)
    document = utils.new_document("<test>", settings)
    document.extend(children)
    return document


def test_the_post_transform_rewrites_notebook_outputs_only():
    table = PANDAS_TABLES["DataFrame, named index"]
    output = nodes.raw("", table, format="html", classes=["output", "text_html"])
    prose = nodes.raw("", table, format="html")  # raw HTML written in a lesson's text
    latex = nodes.raw("", table, format="latex", classes=["output", "text_html"])
    document = _document(output, prose, latex)

    EmptyHeaderCells(document).run()

    assert output.astext() == empty_headers_to_data_cells(table) != table
    assert prose.astext() == table
    assert latex.astext() == table
    assert EmptyHeaderCells.formats == ("html",)


class _Translator:
    def __init__(self):
        self.body = []


def _hidden_cell(kind="source"):
    node = HideCodeCellNode(
        prompt_show=f"Show code cell {kind}", prompt_hide=f"Hide code cell {kind}"
    )
    node["classes"].append("above-input")
    return node


@pytest.mark.parametrize("kind", ["source", "content", "outputs"])
def test_a_hidden_cell_toggle_is_named_by_its_words(kind):
    mine, theirs = _Translator(), _Translator()
    visit_hidden_cell(mine, _hidden_cell(kind))
    visit_HideCellInput(theirs, _hidden_cell(kind))
    html = "".join(mine.body)

    assert "aria-label" not in html
    summary = re.search(r"<summary>\s*(.*?)</summary>", html, re.DOTALL).group(1)
    assert f'<p class="collapsed admonition-title">Show code cell {kind}</p>' in summary
    assert f'<p class="expanded admonition-title">Hide code cell {kind}</p>' in summary
    # myst-nb's own markup (the CSS that shows one of the two words relies on it), less the
    # label: if myst-nb changes how it writes the toggle, this says so.
    assert "aria-label" in "".join(theirs.body)
    assert html == re.sub(r'(<summary) aria-label="[^"]*"', r"\1", "".join(theirs.body))


def _widget(name: str, **state) -> dict:
    """A saved widget model, as nbclient stores it."""
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}


# Saved widgets: a box shown by a cell holds a slider (and its layout), a jslink refers to the
# slider, and a progress bar, closed before the notebook was saved, is shown by no cell.
WIDGET_STATE = {
    "box": _widget("VBoxModel", children=["IPY_MODEL_slider"]),
    "slider": _widget("IntSliderModel", value=3, layout="IPY_MODEL_layout"),
    "layout": _widget("LayoutModel"),
    "link": _widget("LinkModel", source=["IPY_MODEL_slider", "value"]),
    "bar": _widget("FloatProgressModel", value=1.0, layout="IPY_MODEL_bar_layout"),
    "bar_layout": _widget("LayoutModel"),
}


def test_a_sphinx_build_uses_both_fixes(tmp_path):
    """A tiny book (myst-nb, course_html, Sphinx's basic theme) with a notebook whose
    hidden cell prints a DataFrame and whose next cell shows a widget: its page has a named
    toggle, no empty header cell, and the state of the widgets the page needs, not of a
    progress bar no cell shows, whichever of the two extensions Sphinx loads first."""
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# A page"]},
            {
                "cell_type": "code",
                "id": "frame",
                "execution_count": 1,
                "metadata": {"tags": ["hide-input"]},
                "outputs": [
                    {
                        "data": {
                            "text/html": PANDAS_TABLES["DataFrame, named index"],
                            "text/plain": "a frame",
                        },
                        "execution_count": 1,
                        "metadata": {},
                        "output_type": "execute_result",
                    }
                ],
                "source": ["frame"],
            },
            {
                "cell_type": "code",
                "id": "widget",
                "execution_count": 2,
                "metadata": {},
                "outputs": [
                    {
                        "data": {
                            "application/vnd.jupyter.widget-view+json": {
                                "version_major": 2,
                                "version_minor": 0,
                                "model_id": "box",
                            },
                            "text/plain": "VBox()",
                        },
                        "execution_count": 2,
                        "metadata": {},
                        "output_type": "execute_result",
                    }
                ],
                "source": ["box"],
            },
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
            "widgets": {
                "application/vnd.jupyter.widget-state+json": {
                    "version_major": 2,
                    "version_minor": 0,
                    "state": WIDGET_STATE,
                }
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    pages = {}
    for order in (["myst_nb", "course_html"], ["course_html", "myst_nb"]):
        src, out = tmp_path / "-".join(order), tmp_path / ("html-" + "-".join(order))
        src.mkdir()
        (src / "conf.py").write_text(
            f"extensions = {order!r}\nnb_execution_mode = 'off'\nhtml_theme = 'basic'\n"
        )
        (src / "index.ipynb").write_text(json.dumps(notebook))
        warnings = io.StringIO()
        with docutils_namespace():  # each app registers its nodes afresh, as in its own process
            app = Sphinx(src, src, out, out / ".doctrees", "html", status=None, warning=warnings)
            app.build()
        assert warnings.getvalue() == ""
        pages[tuple(order)] = (out / "index.html").read_text()

    for page in pages.values():
        assert "Toggle hidden content" not in page
        assert re.search(r"<summary>\s*<p class=\"collapsed admonition-title\">", page)
        cells = _Cells(page).cells
        assert ("th", {}, "method") in cells
        assert not any(tag == "th" and not text for tag, _, text in cells)
        state = re.search(
            r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>',
            page,
            re.DOTALL,
        )
        assert sorted(json.loads(state.group(1))["state"]) == ["box", "layout", "link", "slider"]


def test_the_template_overrides_name_the_theme_they_were_copied_from():
    """Each override says what it changes, from which theme version: when the theme is
    upgraded, compare the copy with the new original (and update the version here)."""
    theme = version("pydata-sphinx-theme")
    overrides = sorted(TEMPLATES.glob("*.html"))
    assert [p.name for p in overrides] == [
        "navbar-logo.html",
        "search-button-field.html",
        "theme-switcher.html",
    ]
    for template in overrides:
        header = template.read_text().split("-#}", 1)[0]
        assert header.startswith("{#-"), template.name
        assert f"pydata-sphinx-theme {theme}" in header, (template.name, theme)
        assert "axe-core" in header, template.name
