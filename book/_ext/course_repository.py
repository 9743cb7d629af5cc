"""Where the course is published: the address behind the launch, GitHub and issue buttons.

The address is, in order: the environment variable ``COURSE_REPOSITORY`` (``owner/name``
or ``https://github.com/owner/name``; the publish workflow sets it from
``GITHUB_REPOSITORY``, so a fork publishes working buttons without editing a file), else
``repository.url`` in ``_config.yml``. With neither, the pages show no repository, issue
or launch button: a button must never lead to a placeholder.

Every launch opens the lesson's launched notebook, ``notebooks/NN_topic.ipynb`` (plain
Markdown, made by coursedev/launch.py; its first cell installs ``coursecode`` from PyPI where
it is missing), never the MyST ``lessons/NN_topic.ipynb``. The launchers are those that
``launch_buttons`` in _config.yml names (Binder, Colab, Kaggle, SageMaker Studio Lab), and a
JupyterHub route: an nbgitpuller link to the hub that ``launch_buttons.jupyterhub_url`` names
(a teacher's fork) or that the reader types, remembered in their browser
(book/_static/launch.js). The page's download button gives the launched notebook too.

The pages' text follows the buttons: the build gets the Sphinx tag ``course_launch`` when the
lessons show a launch menu, and one tag per launcher (``course_binder``, ``course_colab``,
``course_kaggle``, ``course_studiolab``, ``course_jupyterhub``), so that a page can promise a
button only where it is (``{only} course_launch``, as the intro does).
"""

import html
import json
import os
import re
import shutil
from pathlib import Path

from patches import require  # book/_ext, beside this file
from sphinx.errors import ConfigError
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
GITHUB = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def repository_address(environ=os.environ, configured: str = "") -> str:
    """The repository's https://github.com/owner/name address, or "" when none is known."""
    given = environ.get("COURSE_REPOSITORY", "").strip()
    if given:
        url = given if given.startswith("https://") else f"https://github.com/{given}"
        url = url.removesuffix("/").removesuffix(".git")
        if not GITHUB.fullmatch(url):
            raise ConfigError(
                f"COURSE_REPOSITORY must be owner/name or "
                f"https://github.com/owner/name, got {given!r}"
            )
        return url
    configured = (configured or "").strip().removesuffix("/").removesuffix(".git")
    return configured if GITHUB.fullmatch(configured) else ""


LAUNCHERS = {
    "binderhub_url": ("Binder", "_static/images/logo_binder.svg", "course_binder"),
    "colab_url": ("Colab", "_static/images/logo_colab.png", "course_colab"),
    "kaggle_url": ("Kaggle", "fab fa-kaggle", "course_kaggle"),
    "studiolab_url": ("SageMaker Studio Lab", "fab fa-aws", "course_studiolab"),
}
"""The launchers a lesson page may offer, by their ``launch_buttons`` key in _config.yml: the
button's words, its icon, and the Sphinx tag a build gets when it shows that button."""
HUB_TAG = "course_jupyterhub"
"""The JupyterHub route (nbgitpuller) is offered with every launch menu: its hub is the one
``launch_buttons.jupyterhub_url`` names (a teacher's fork), or one the reader types."""
TEACH_PAGE = "book/teach"
NOTEBOOKS = "notebooks"
"""Where the notebooks a launch opens live (coursedev/launch.py makes them)."""


def launch_links(url: str, branch: str, notebook: str, launch: dict) -> dict:
    """The launch buttons' addresses for ``notebook`` (a path in the repository at ``url``,
    on ``branch``), by the ``launch_buttons`` key of each launcher that ``launch`` names."""
    slug = url.removeprefix("https://github.com/")
    blob = f"{slug}/blob/{branch}/{notebook}"
    make = {
        "binderhub_url": lambda base: f"{base}/v2/gh/{slug}/{branch}?urlpath=lab/tree/{notebook}",
        "colab_url": lambda base: f"{base}/github/{blob}",
        "kaggle_url": lambda base: f"{base}/kernels/welcome?src=https://github.com/{blob}",
        "studiolab_url": lambda base: f"{base}/import/github/{blob}",
    }
    return {
        key: make[key](launch[key].strip().rstrip("/"))
        for key in LAUNCHERS
        if (launch.get(key) or "").strip()
    }


def launch_tags(url: str, launch: dict) -> set:
    """The tags a build with these buttons gets: one per launcher shown, the JupyterHub
    route's, and ``course_launch``. No repository address, no launch button."""
    if not url:
        return set()
    tags = {tag for key, (_, _, tag) in LAUNCHERS.items() if (launch.get(key) or "").strip()}
    return tags | {HUB_TAG, "course_launch"}


def _configure(app, config):
    options = config.html_theme_options
    url = repository_address(configured=options.get("repository_url", ""))
    launch = dict(options.get("launch_buttons", {}))
    if not url:
        options.update(
            repository_url="",
            use_repository_button=False,
            use_issues_button=False,
            use_edit_page_button=False,
        )
        LOGGER.info(
            "course_repository: no repository address (set COURSE_REPOSITORY or "
            "repository.url): no launch, GitHub or issue buttons"
        )
    else:
        options.update(repository_url=url, use_repository_button=True, use_issues_button=True)
    app.config.course_launch = {
        "url": url,
        "branch": options.get("repository_branch") or "main",
        "launch": launch,
    }
    # The theme's own launch menu would open lessons/NN_topic.ipynb (MyST); ours opens the
    # launched notebook (notebooks/NN_topic.ipynb) and offers Kaggle, Studio Lab and a hub.
    options["launch_buttons"] = {}
    shown = launch_tags(url, launch)
    for tag in ("course_launch", HUB_TAG, *(tag for _, _, tag in LAUNCHERS.values())):
        if tag in shown:
            app.tags.add(tag)
        else:
            app.tags.remove(tag)  # a tag given on the command line must not promise a button


def _launched(app, pagename: str) -> Path | None:
    """The launched notebook of the page ``pagename``, if it is a lesson that has one."""
    if not pagename.startswith("lessons/"):
        return None
    notebook = Path(app.srcdir) / NOTEBOOKS / f"{Path(pagename).name}.ipynb"
    return notebook if notebook.exists() else None


def _meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{html.escape(content, quote=True)}">\n'


def _site_metas(app) -> str:
    """The <meta> tags from which book/_static/launch.js makes nbgitpuller links."""
    settings = app.config.course_launch
    return "".join(
        [
            _meta("course-repository", settings["url"]),
            _meta("course-branch", settings["branch"]),
            _meta("course-hub", (settings["launch"].get("jupyterhub_url") or "").strip()),
        ]
    )


def _launch_scripts(app, context, metas: str) -> None:
    context["metatags"] = context.get("metatags", "") + metas
    app.add_js_file("launch.js", type="module")
    app.add_css_file("launch.css")


def _launch_menu(app, pagename, templatename, context, doctree):
    """On a lesson page: the download button gives the launched notebook, and the launch menu
    opens it on Binder, Colab, Kaggle, Studio Lab or a JupyterHub (nbgitpuller: the reader
    names the hub in a dialog, book/_static/launch.js). On the "Teach with it" page: what
    its nbgitpuller link maker needs."""
    settings = app.config.course_launch
    url = settings["url"]
    notebook = _launched(app, pagename)
    if notebook is None:
        if pagename == TEACH_PAGE and url:
            lessons = [
                {"title": app.env.titles[doc].astext(), "notebook": f"{NOTEBOOKS}/{path.name}"}
                for doc in sorted(app.env.found_docs)
                if (path := _launched(app, doc)) is not None
            ]
            metas = _site_metas(app) + _meta("course-lessons", json.dumps(lessons))
            _launch_scripts(app, context, metas)
        return
    # The download button's .ipynb: the theme links {_sources}/<ipynb_source>. Not in
    # _sources/ itself, where Sphinx copies a page's own source after this event (a build
    # from lessons/*.ipynb would overwrite it).
    served = Path(app.outdir) / NOTEBOOKS / notebook.name
    served.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, served)
    context["ipynb_source"] = f"../{NOTEBOOKS}/{notebook.name}"
    if not url:
        return
    path = f"{NOTEBOOKS}/{notebook.name}"
    links = launch_links(url, settings["branch"], path, settings["launch"])
    buttons = [
        {
            "type": "link",
            "text": LAUNCHERS[key][0],
            "tooltip": f"Open this lesson on {LAUNCHERS[key][0]}",
            "icon": LAUNCHERS[key][1],
            "url": link,
            "label": f"launch-{key.removesuffix('_url')}",
        }
        for key, link in links.items()
    ]
    buttons.append(
        {
            "type": "link",
            "text": "JupyterHub…",
            "tooltip": "Open this lesson on a JupyterHub you name (nbgitpuller)",
            "icon": "_static/images/logo_jupyterhub.svg",
            "url": context["pathto"](TEACH_PAGE) + "#a-class-jupyterhub",
            "label": "launch-jupyterhub",
        }
    )
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Open this lesson as a notebook",
            "icon": "fas fa-rocket",
            "buttons": buttons,
            "label": "launch-buttons",
        }
    )
    _launch_scripts(app, context, _site_metas(app) + _meta("course-notebook", path))


def setup(app):
    require("sphinx-book-theme", "book/_ext/course_repository.py")  # book/PATCHES.md
    app.add_config_value("course_launch", {}, "html")
    app.connect("config-inited", _configure, priority=900)
    # After the theme makes the page's header-button list (priority 500), before it draws
    # the download menu from ipynb_source (501).
    app.connect("html-page-context", _launch_menu, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
