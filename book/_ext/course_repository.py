"""Where the course is published: the address behind the launch, GitHub and issue buttons.

The address is, in order: the environment variable ``COURSE_REPOSITORY`` (``owner/name``
or ``https://github.com/owner/name``; the publish workflow sets it from
``GITHUB_REPOSITORY``, so a fork publishes working buttons without editing a file), else
``repository.url`` in ``_config.yml``. With neither, the pages show no repository, issue
or launch button: a button must never lead to a placeholder.

The Colab button also needs the lessons' setup cells to install ``coursecode`` from the
same repository (``scripts/set_repository.py`` writes them); when they name another
address, or none, the Colab button is left out and the build says why.

The pages' text follows the buttons: the build gets the Sphinx tag ``course_launch`` when the
lessons show a launch button, and ``course_binder`` / ``course_colab`` for those two, so that a
page can promise a button only where it is (``{only} course_launch``, as the intro does).
"""

import json
import os
import re
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
GITHUB = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
SETUP_ADDRESS = re.compile(
    r"git\+(https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?[\"'@]"
)


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


SETUP_FIRST_LINE = "# In Colab, install the course's package (elsewhere this does nothing)."
HIDDEN_CELL = (
    "```{code-cell} ipython3\n---\njupyter:\n  outputs_hidden: true\n"
    "  source_hidden: true\ntags: [remove-cell]\n---\n"
)
"""How a lesson's .md opens a cell hidden on the page and collapsed in notebooks."""


def setup_cell(url: str) -> str:
    """The source of the Colab setup cell that every lesson starts with, for ``url``."""
    if url:
        install = f'    %pip install --quiet "coursecode @ git+{url}"'
    else:
        install = (
            '    raise RuntimeError("This copy of the course names no repository "\n'
            '                       "to install coursecode from.")'
        )
    return f'{SETUP_FIRST_LINE}\nimport sys\n\nif "google.colab" in sys.modules:\n{install}'


def setup_addresses(lessons: Path) -> set:
    """The addresses the lessons' Colab setup cells install coursecode from ("" for none)."""
    found = set()
    for notebook in sorted(lessons.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        source = "".join(code[0]["source"]) if code else ""
        match = SETUP_ADDRESS.search(source) if source.startswith(SETUP_FIRST_LINE) else None
        found.add(match.group(1) if match else "")
    return found


LAUNCH_TAGS = {"course_binder": "binderhub_url", "course_colab": "colab_url"}
"""The Sphinx tags set when the lessons show that launch button, and the setting behind it."""
OTHER_LAUNCHERS = ("jupyterhub_url", "deepnote_url")


def launch_tags(url: str, launch: dict) -> set:
    """The tags a build with these buttons gets: one per launch button shown, and
    ``course_launch`` when there is any. No repository address, no launch button."""
    if not url:
        return set()
    tags = {tag for tag, key in LAUNCH_TAGS.items() if launch.get(key)}
    if tags or any(launch.get(key) for key in OTHER_LAUNCHERS):
        tags.add("course_launch")
    return tags


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
        launch.update(binderhub_url="", colab_url="", jupyterhub_url="", deepnote_url="")
        LOGGER.info(
            "course_repository: no repository address (set COURSE_REPOSITORY or "
            "repository.url): no launch, GitHub or issue buttons"
        )
    else:
        options.update(repository_url=url, use_repository_button=True, use_issues_button=True)
        lessons = Path(app.srcdir) / "lessons"
        if setup_addresses(lessons) != {url}:
            launch["colab_url"] = ""
            LOGGER.info(
                f"course_repository: the lessons' Colab setup cells do not install from "
                f"{url} (run scripts/set_repository.py): no Colab button"
            )
    options["launch_buttons"] = launch
    shown = launch_tags(url, launch)
    for tag in ("course_launch", *LAUNCH_TAGS):
        if tag in shown:
            app.tags.add(tag)
        else:
            app.tags.remove(tag)  # a tag given on the command line must not promise a button


def setup(app):
    app.connect("config-inited", _configure, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
