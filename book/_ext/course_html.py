"""Small fixes to the HTML that Jupyter Book writes (a local Sphinx extension, see _config.yml)."""


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


def _solution_css(app, pagename, templatename, context, doctree):
    context.setdefault("metatags", "")
    context["metatags"] += f"\n<style>{SOLUTION_CSS}</style>"


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _solution_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
