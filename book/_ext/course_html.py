"""Small fixes to the HTML that Jupyter Book writes (a local Sphinx extension, see _config.yml).

Each works around another project (Sphinx, myst-nb, pandas, nbclient, the theme's templates
in book/_templates/): book/PATCHES.md lists them with the versions they were written for,
which setup() requires."""

import json
import re

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from myst_nb.sphinx_ import depart_HideCellInput
from myst_nb.sphinx_ import visit_HideCellInput
from patches import require  # book/_ext, beside this file
from sphinx.transforms.post_transforms import SphinxPostTransform


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    # sphinx-thebe registers its inline config script twice (once with filename None, once
    # with ""), and the second `const THEBE_JS_URL` is a page error in every browser.
    # Keep one copy of each script.
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (str(getattr(script, "filename", script) or ""), attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


# The lessons' solutions are HTML <details> blocks (collapsed on the page, in JupyterLab,
# classic Notebook and Colab alike): give them the look of the book's dropdowns.
SOLUTION_CSS = """
details.solution { border-left: 4px solid #6c757d; background: #f8f9fa; margin: 0.5em 0 1em;
                   padding: 0.4em 0.9em; border-radius: 3px; }
details.solution > summary { cursor: pointer; font-weight: 600; }
details.solution[open] > summary { margin-bottom: 0.5em; }
html[data-theme="dark"] details.solution { background: #1f2328; }
"""

# On a phone (360 px) a long piece of inline code, such as `torch.zeros(1, 3, 4, 5).contiguous(
# memory_format=torch.channels_last).stride()`, would push the page sideways: it may break. The
# theme centres a display equation and its number in a flex row: on a phone an equation with its
# number did not fit, and spilled past both edges, its start out of reach. Its number goes above
# it when there is no room beside it ("safe" centring starts an equation wider than the screen
# at the left edge), and a wider one scrolls in its own box.
NARROW_CSS = """
article code.literal, article code.literal span.pre { white-space: pre-wrap;
                                                      overflow-wrap: anywhere; }
article div.math { overflow-x: auto; justify-content: safe center; flex-wrap: wrap; }
article div.math > mjx-container[display="true"] { min-width: max-content; }
"""


def _solution_css(app, pagename, templatename, context, doctree):
    context.setdefault("metatags", "")
    context["metatags"] += f"\n<style>{SOLUTION_CSS}{NARROW_CSS}</style>"


# myst-nb writes a hidden cell's toggle as <summary aria-label="Toggle hidden content"> around
# the words it shows ("Show code cell source", "Hide code cell source" once open): the label
# replaced those words for screen readers (axe-core: label-content-name-mismatch). The same
# <summary>, without the label, is named by the words on display instead.
_SUMMARY_LABEL = re.compile(r'(<summary)\s+aria-label="[^"]*"')


def visit_hidden_cell(translator, node):
    """myst-nb's own visitor for a hidden cell's <details> (myst_nb.sphinx_), less the
    aria-label of its <summary>."""
    start = len(translator.body)
    visit_HideCellInput(translator, node)
    translator.body[start:] = [_SUMMARY_LABEL.sub(r"\1", part) for part in translator.body[start:]]


# pandas writes an empty <th> above a DataFrame's index (and in the row of the index's name,
# above each column); its Styler a <th class="blank">&nbsp;</th>. A cell with no text heads
# nothing (axe-core: empty-table-header): in the notebooks' HTML outputs it becomes a <td>,
# with the same attributes. Header cells with text are left as they are.
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_EMPTY_HEADER_CELL = re.compile(
    r"<th(\s[^>]*)?>((?:\s|&nbsp;|&#160;|&#xa0;|\xa0)*)</th\s*>", re.IGNORECASE
)


def empty_headers_to_data_cells(html: str) -> str:
    """``html`` with every empty header cell of its tables written as a data cell.

    >>> empty_headers_to_data_cells('<table><tr><th></th><th>a</th></tr></table>')
    '<table><tr><td></td><th>a</th></tr></table>'
    """

    def table(match):
        return _EMPTY_HEADER_CELL.sub(r"<td\1>\2</td>", match.group(0))

    return _TABLE.sub(table, html)


class EmptyHeaderCells(SphinxPostTransform):
    """Rewrites the empty header cells of the tables in the notebooks' HTML outputs
    (myst-nb's raw ``text_html`` nodes; the lessons' own text is left alone)."""

    default_priority = 500
    formats = ("html",)

    def run(self, **kwargs):
        for node in list(self.document.findall(nodes.raw)):
            if "html" not in node.get("format", "").split() or "text_html" not in node["classes"]:
                continue
            html = node.astext()
            fixed = empty_headers_to_data_cells(html)
            if fixed != html:
                node[:] = [nodes.Text(fixed)]


# nbclient saves the state of every widget a lesson made, whether a cell shows it or not
# (it ignores a widget's closing): lesson 4's training progress bars (tqdm's, 14 models) rode
# along in its page. A page keeps the widgets its cells show, everything they refer to, and
# every widget that refers to one of those (the jslinks between an explorer's controls and its
# drawing refer to both and are shown by nothing).
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_WIDGET_VIEW = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.DOTALL
)
_MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9A-Za-z_-]+)")


def widgets_in_use(state: dict, shown: set) -> set:
    """The ids of the models in ``state`` (model id -> saved model) that a page showing the
    views ``shown`` needs: those, what they refer to ("IPY_MODEL_<id>"), and every model that
    refers to a model kept, with what it refers to, until nothing changes.

    >>> state = {
    ...     "box": {"state": {"children": ["IPY_MODEL_slider"]}},
    ...     "slider": {"state": {"layout": "IPY_MODEL_layout"}},
    ...     "layout": {"state": {}},
    ...     "link": {"state": {"source": ["IPY_MODEL_slider", "value"]}},
    ...     "bar": {"state": {"layout": "IPY_MODEL_bar_layout"}},
    ...     "bar_layout": {"state": {}},
    ... }
    >>> sorted(widgets_in_use(state, {"box"}))
    ['box', 'layout', 'link', 'slider']
    """
    refers = {
        model: set(_MODEL_REFERENCE.findall(json.dumps(saved.get("state", {})))) & state.keys()
        for model, saved in state.items()
    }
    kept = set()
    todo = set(shown) & state.keys()
    while todo:
        kept |= todo
        todo = set().union(*(refers[model] for model in todo)) - kept
        if not todo:  # what refers to something kept (a link) is kept too
            todo = {model for model in state.keys() - kept if refers[model] & kept}
    return kept


def _shown_widgets_only(app, pagename, templatename, context, doctree):
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        if attributes.get("type") != _WIDGET_STATE or "body" not in attributes:
            continue
        saved = json.loads(attributes["body"])  # myst-nb's "<\/script>" is JSON's "</script>"
        shown = {
            json.loads(view).get("model_id")
            for view in _WIDGET_VIEW.findall(context.get("body", ""))
        }
        kept = widgets_in_use(saved["state"], shown)
        saved["state"] = {model: s for model, s in saved["state"].items() if model in kept}
        attributes["body"] = json.dumps(saved).replace("</script>", r"<\/script>")


def setup(app):
    for tool in ("sphinx", "myst-nb", "pandas", "nbclient", "pydata-sphinx-theme"):
        require(tool, "book/_ext/course_html.py")
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _shown_widgets_only, priority=900)
    app.connect("html-page-context", _solution_css)
    # myst-nb first, so that its visitor for hidden cells is the one replaced here.
    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.add_post_transform(EmptyHeaderCells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
