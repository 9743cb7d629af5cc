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


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
