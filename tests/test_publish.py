"""Where the book is published: the address behind its launch, GitHub and issue buttons, the
launch menu of every lesson (Binder, Colab, Kaggle, SageMaker Studio Lab, a JupyterHub), the
intro's words about them (shown only where the buttons are), and the workflows that publish
the site."""

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

# book/_ext and scripts/ are on pytest's pythonpath (pyproject.toml)
from course_repository import LAUNCHERS
from course_repository import _configure
from course_repository import launch_links
from course_repository import launch_tags
from course_repository import repository_address
from set_repository import set_repository

from coursedev.site import ROOT
from coursedev.site import build_book

FORK = "https://github.com/someone/course-fork"
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]_*.md"))
LINK = re.compile(
    r'href="(https://(?:mybinder\.org|colab\.research\.google\.com|www\.kaggle\.com'
    r'|studiolab\.sagemaker\.aws|github\.com)[^"]*)"'
)
LAUNCH = {
    "binderhub_url": "https://mybinder.org",
    "colab_url": "https://colab.research.google.com",
    "kaggle_url": "https://www.kaggle.com",
    "studiolab_url": "https://studiolab.sagemaker.aws",
}


def copy_book(folder: Path) -> Path:
    """The book's sources (config, table of contents, pages, lessons and their launched
    notebooks) copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "book", folder / "book")
    for name in ("lessons", "notebooks"):
        shutil.copytree(
            ROOT / name,
            folder / name,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    return folder


def links(html: Path) -> dict:
    """Every lesson page's launch, GitHub and issue links: those of the buttons in the page's
    header, before its article (whose references may link to other GitHub repositories)."""
    found = {}
    for lesson in LESSONS:
        page = (html / "lessons" / f"{lesson}.html").read_text()
        header = page.split('<article class="bd-article"', 1)
        assert len(header) == 2, f"{lesson}.html has no article: has the theme changed?"
        found[lesson] = set(LINK.findall(header[0]))
    return found


@pytest.mark.parametrize(
    "given, expected",
    [
        ("someone/course-fork", FORK),
        (FORK, FORK),
        (FORK + ".git", FORK),
        (FORK + "/", FORK),
    ],
)
def test_the_address_comes_from_course_repository(given, expected):
    assert repository_address({"COURSE_REPOSITORY": given}, "https://github.com/a/b") == expected


def test_without_course_repository_the_config_names_it_or_nothing():
    assert repository_address({}, "https://github.com/a/b") == "https://github.com/a/b"
    assert repository_address({}, "") == ""
    assert repository_address({"COURSE_REPOSITORY": "  "}, "") == ""
    from sphinx.errors import ConfigError

    with pytest.raises(ConfigError, match="owner/name"):
        repository_address({"COURSE_REPOSITORY": "not a repository"})


class FakeConfig:
    def __init__(self, launch=None):
        self.html_theme_options = {
            "repository_url": "",
            "repository_branch": "main",
            "use_repository_button": True,
            "use_issues_button": True,
            "launch_buttons": dict(LAUNCH if launch is None else launch),
        }


class FakeApp:
    def __init__(self, srcdir, tags=()):
        from sphinx.util.tags import Tags

        self.srcdir = srcdir
        self.tags = Tags(list(tags))
        self.config = FakeConfig()


def test_every_launcher_is_offered_where_the_repository_is_known(tmp_path, monkeypatch):
    """The theme's own launch menu is switched off (it would open the MyST lessons/*.ipynb);
    the course's menu offers every launcher the config names, and the JupyterHub route."""
    monkeypatch.setenv("COURSE_REPOSITORY", "someone/course-fork")
    app = FakeApp(tmp_path)
    _configure(app, app.config)
    options = app.config.html_theme_options
    assert options["repository_url"] == FORK and options["use_issues_button"]
    assert options["launch_buttons"] == {}
    assert app.config.course_launch == {"url": FORK, "branch": "main", "launch": LAUNCH}
    assert set(app.tags) == {
        "course_launch",
        "course_binder",
        "course_colab",
        "course_kaggle",
        "course_studiolab",
        "course_jupyterhub",
    }
    monkeypatch.delenv("COURSE_REPOSITORY")
    app = FakeApp(tmp_path, tags=["html", "course_launch", "course_colab"])  # e.g. given with -t
    _configure(app, app.config)  # _config.yml is not read here: none
    options = app.config.html_theme_options
    assert not options["use_repository_button"] and not options["use_issues_button"]
    assert options["launch_buttons"] == {} and app.config.course_launch["url"] == ""
    assert set(app.tags) == {"html"}, "no button, so no page may promise one"


@pytest.mark.parametrize(
    "url, launch, expected",
    [
        ("", LAUNCH, set()),
        (FORK, {"binderhub_url": "https://mybinder.org", "colab_url": ""}, {"binder"}),
        (FORK, {"binderhub_url": "", "colab_url": "https://colab.research.google.com"}, {"colab"}),
        (FORK, LAUNCH, {"binder", "colab", "kaggle", "studiolab"}),
        (FORK, {"jupyterhub_url": "https://hub.example.org"}, set()),
        (FORK, {"binderhub_url": " ", "colab_url": ""}, set()),
    ],
)
def test_the_launch_tags_name_the_buttons_the_lessons_show(url, launch, expected):
    tags = launch_tags(url, launch)
    assert ("course_launch" in tags) == bool(url)
    assert ("course_jupyterhub" in tags) == bool(url), "the hub route comes with every menu"
    for name in ("binder", "colab", "kaggle", "studiolab"):
        assert (f"course_{name}" in tags) == (name in expected), name


def expected_links(url: str, lesson: str) -> set:
    """The launch links of ``lesson``'s page, written out as each service documents them."""
    slug = url.removeprefix("https://github.com/")
    notebook = f"notebooks/{lesson}.ipynb"
    return {
        f"https://mybinder.org/v2/gh/{slug}/main?urlpath=lab/tree/{notebook}",
        f"https://colab.research.google.com/github/{slug}/blob/main/{notebook}",
        f"https://www.kaggle.com/kernels/welcome?src={url}/blob/main/{notebook}",
        f"https://studiolab.sagemaker.aws/import/github/{slug}/blob/main/{notebook}",
    }


def test_the_launch_links_open_the_launched_notebook():
    links = launch_links(FORK, "main", "notebooks/03_padding_stride.ipynb", LAUNCH)
    assert set(links) == set(LAUNCHERS)
    assert set(links.values()) == expected_links(FORK, "03_padding_stride")
    trailing = {key: value + "/" for key, value in LAUNCH.items()}
    assert launch_links(FORK, "main", "notebooks/03_padding_stride.ipynb", trailing) == links
    assert launch_links(FORK, "main", "n.ipynb", {"colab_url": ""}) == {}


def test_set_repository_writes_the_config(tmp_path):
    book = copy_book(tmp_path)
    assert set_repository("someone/course-fork", book) == FORK
    assert f'url: "{FORK}"' in (book / "_config.yml").read_text()
    assert set_repository("", book) == ""
    assert (book / "_config.yml").read_text() == (ROOT / "_config.yml").read_text()


def test_set_repository_checks_before_it_writes(tmp_path):
    """A config without the `repository:` block stops it with the file's name, and leaves the
    file as it was, with no temporary file behind; so does a bad address."""
    book = copy_book(tmp_path)
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("repository:\n  url:", "repository:\n  uri:"))
    before = config.read_bytes()
    with pytest.raises(SystemExit, match="_config.yml: no `repository:` block"):
        set_repository("someone/course-fork", book)
    from sphinx.errors import ConfigError

    with pytest.raises(ConfigError, match="owner/name"):
        set_repository("not a repository", book)
    assert config.read_bytes() == before
    assert sorted(p.name for p in book.iterdir() if p.name.startswith(".")) == []


def check_buttons(html: Path, url: str):
    """Every lesson page of the book in ``html`` links its launch menu (to the lesson's
    launched notebook), GitHub and issue buttons to ``url``, or shows none when ``url`` is ""."""
    for lesson, found in links(html).items():
        if not url:
            assert found == set(), (lesson, found)
            assert "btn-launch-jupyterhub" not in (html / "lessons" / f"{lesson}.html").read_text()
            continue
        launch = expected_links(url, lesson)
        assert launch <= found, (lesson, launch - found)
        assert url in found and any(link.startswith(f"{url}/issues/new") for link in found)
        assert found - launch - {url} == {
            link for link in found if link.startswith(f"{url}/issues/new")
        }, found
        page = (html / "lessons" / f"{lesson}.html").read_text()
        assert f'<meta name="course-repository" content="{url}">' in page
        assert f'<meta name="course-notebook" content="notebooks/{lesson}.ipynb">' in page
        assert "btn-launch-jupyterhub" in page and "_static/launch.js" in page


def check_downloads(html: Path):
    """The download button's .ipynb is the launched notebook, whatever the repository."""
    for lesson in LESSONS:
        page = (html / "lessons" / f"{lesson}.html").read_text()
        assert f'href="../_sources/../notebooks/{lesson}.ipynb"' in page, lesson
        given = (html / "notebooks" / f"{lesson}.ipynb").read_bytes()
        assert given == (ROOT / "notebooks" / f"{lesson}.ipynb").read_bytes(), lesson


LAUNCH_WORDS = "the rocket button at the top of each lesson"
NO_LAUNCH_WORDS = "this copy of the site has no buttons that open a lesson"


class _Text(HTMLParser):
    """The text of an HTML fragment, without its scripts and styles."""

    def __init__(self):
        super().__init__()
        self.hidden, self.words = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.words += data.split()


def page_text(html: Path, page: str) -> str:
    """The visible text of a built page's <main> element, its words separated by single
    spaces."""
    source = (html / page).read_text()
    main = source[source.index("<main") : source.index("</main>")]
    parser = _Text()
    parser.feed(main)
    return " ".join(parser.words)


def check_intro(html: Path, launch: bool):
    """The intro and the "Teach with it" page promise the launch menu and the hub link maker
    exactly when the lessons show them, and otherwise say there are none; the search index
    holds only the words the pages show."""
    text = page_text(html, "book/intro.html")
    assert (LAUNCH_WORDS in text) == launch, text
    assert (NO_LAUNCH_WORDS in text) == (not launch), text
    for words in ("on Binder , with everything installed", "in Colab", "on Kaggle"):
        assert (words in text) == launch, (words, text)
    assert ("on SageMaker Studio Lab" in text) == launch, text
    assert ("on a JupyterHub you name" in text) == launch, text
    assert "On your machine" in text and "Teach with it" in text
    teach = (html / "book" / "teach.html").read_text()
    assert ('class="course-link-maker"' in teach) == launch
    assert ("_static/launch.js" in teach) == launch
    index = (html / "searchindex.js").read_text()
    assert ('"rocket"' in index) == launch, "the search index holds words the page hides"


def build_from_the_notebooks(book: Path, output: Path, env: dict) -> Path:
    """Build ``book`` strictly, its lessons read from their committed .ipynb files and not
    executed: the pages carry the committed outputs, which nbval proves equal to a fresh
    run's, and no lesson runs a second time for a test about buttons. Returns the HTML folder."""
    import yaml

    config = yaml.safe_load((book / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "cache"
    assert "lessons/*.ipynb" in config["exclude_patterns"]
    config["execute"]["execute_notebooks"] = "off"
    config["exclude_patterns"] = [
        pattern.replace("lessons/*.ipynb", "lessons/*.md") for pattern in config["exclude_patterns"]
    ]
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    html, log = build_book(output, source=book, env=env)
    assert "Executed notebook" not in log and "Executing notebook" not in log, log[-2000:]
    return html


@pytest.mark.slow
def test_the_built_book_links_its_buttons_to_the_address_it_was_built_for(built_html):
    """The session's book (.ci/run's, in CI) was built in this environment: with neither
    COURSE_REPOSITORY nor repository.url, it shows no launch, GitHub or issue button; in the
    publish workflow, which sets COURSE_REPOSITORY, they all lead to that repository."""
    import os

    import yaml

    configured = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    url = repository_address(os.environ, configured)
    check_buttons(built_html, url)
    check_downloads(built_html)
    check_intro(built_html, launch=bool(url))


@pytest.fixture(scope="module")
def fork_html(tmp_path_factory):
    """The book as a fork's publish workflow builds it (COURSE_REPOSITORY set)."""
    folder = tmp_path_factory.mktemp("fork")
    book = copy_book(folder / "src")
    return build_from_the_notebooks(
        book, folder / "out", env={"COURSE_REPOSITORY": "someone/course-fork"}
    )


@pytest.mark.slow
def test_a_fork_builds_with_every_button_leading_to_it(fork_html):
    """Every launcher of every lesson, the GitHub and the issue buttons lead to the fork."""
    check_buttons(fork_html, FORK)
    check_downloads(fork_html)
    check_intro(fork_html, launch=True)


@pytest.mark.slow
def test_a_book_without_a_repository_shows_and_promises_no_button(tmp_path):
    """Built where no repository is named (COURSE_REPOSITORY and repository.url empty): no
    launch, GitHub or issue button, and the intro says so instead of pointing at a rocket
    button. In CI the session's book is built for the repository: this is the build that shows
    the other case there."""
    book = copy_book(tmp_path / "src")
    set_repository("", book)  # whatever this checkout names, the copy names none
    html = build_from_the_notebooks(book, tmp_path / "out", env={"COURSE_REPOSITORY": ""})
    check_buttons(html, "")
    check_downloads(html)
    check_intro(html, launch=False)


def hub_link(lesson: str, hub: str = "https://hub.example.edu") -> str:
    """nbgitpuller's link for ``lesson`` of the fork, on ``hub`` (its documented format)."""
    from urllib.parse import quote

    fields = {
        "repo": FORK,
        "urlpath": f"lab/tree/course-fork/notebooks/{lesson}.ipynb",
        "branch": "main",
    }
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items())
    return f"{hub}/hub/user-redirect/git-pull?{query}"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 900), (390, 800)], ids=["desktop", "phone"])
def test_the_jupyterhub_entry_asks_for_the_hub_once_and_opens_the_lesson_there(
    fork_html, browser, viewport
):
    """The rocket menu's JupyterHub entry opens a dialog; a wrong address is refused with a
    reason, a right one opens nbgitpuller's link for this lesson and is remembered: the next
    lesson's dialog offers it. The dialog fits a phone's screen."""
    from coursedev.serve import LocalServer
    from coursedev.site import open_page

    with LocalServer(fork_html) as server:
        page, log = open_page(browser, server.url, "lessons/03_padding_stride.html", viewport)
        try:
            page.evaluate("() => { window.open = (url) => { window.openedUrl = url; }; }")
            page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
            page.locator("a.btn-launch-jupyterhub").click()
            dialog = page.get_by_role("dialog", name="Open this lesson on a JupyterHub")
            dialog.wait_for()
            box = dialog.get_by_label("Your JupyterHub's address")
            assert box.input_value() == "" and page.evaluate("() => !window.openedUrl")
            box.fill("my hub")
            dialog.get_by_role("button", name="Open the lesson").click()
            assert "no spaces" in dialog.get_by_role("alert").inner_text()
            assert dialog.is_visible()
            width = dialog.evaluate("d => d.getBoundingClientRect().width")
            assert width <= viewport[0] - 16, width
            box.fill("hub.example.edu/hub/home")
            dialog.get_by_role("button", name="Open the lesson").click()
            assert page.evaluate("() => window.openedUrl") == hub_link("03_padding_stride")
            assert not dialog.is_visible()
            page.goto(f"{server.url}/lessons/04_cnn.html", wait_until="networkidle")
            page.evaluate("() => { window.open = (url) => { window.openedUrl = url; }; }")
            page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
            page.locator("a.btn-launch-jupyterhub").click()
            dialog = page.get_by_role("dialog", name="Open this lesson on a JupyterHub")
            assert dialog.get_by_label("Your JupyterHub's address").input_value() == (
                "https://hub.example.edu"
            )
            box = dialog.get_by_label("Your JupyterHub's address")
            box.press("Enter")
            assert page.evaluate("() => window.openedUrl") == hub_link("04_cnn")
        finally:
            page.close()
        assert log.page_errors == [] and log.console_errors == [], log


def test_a_teachers_hub_reaches_the_page(tmp_path, monkeypatch):
    """launch_buttons.jupyterhub_url (a class's fork) is the page's course-hub meta tag, which
    the JupyterHub dialog offers first."""
    from course_repository import _site_metas

    monkeypatch.setenv("COURSE_REPOSITORY", "someone/course-fork")
    app = FakeApp(tmp_path)
    app.config.html_theme_options["launch_buttons"]["jupyterhub_url"] = " https://hub.class.edu "
    _configure(app, app.config)
    metas = _site_metas(app)
    assert f'<meta name="course-repository" content="{FORK}">' in metas
    assert '<meta name="course-hub" content="https://hub.class.edu">' in metas


@pytest.mark.slow
@pytest.mark.browser
def test_the_dialog_offers_the_teachers_hub_first(fork_html, browser):
    """A class's fork names its hub: the dialog offers it, and Enter opens the lesson there."""
    from coursedev.serve import LocalServer

    with LocalServer(fork_html) as server:
        page = browser.new_page()

        def named_hub(route):
            body = (
                route.fetch()
                .text()
                .replace(
                    '<meta name="course-hub" content="">',
                    '<meta name="course-hub" content="https://hub.class.edu">',
                )
            )
            route.fulfill(body=body, content_type="text/html")

        page.route("**/lessons/05_color_channels.html", named_hub)
        page.goto(f"{server.url}/lessons/05_color_channels.html", wait_until="networkidle")
        try:
            page.evaluate("() => { window.open = (url) => { window.openedUrl = url; }; }")
            page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
            page.locator("a.btn-launch-jupyterhub").click()
            box = page.get_by_label("Your JupyterHub's address")
            assert box.input_value() == "https://hub.class.edu"
            box.press("Enter")
            assert page.evaluate("() => window.openedUrl") == hub_link(
                "05_color_channels", "https://hub.class.edu"
            )
        finally:
            page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_teach_page_makes_every_lessons_hub_link(fork_html, browser):
    from coursedev.serve import LocalServer
    from coursedev.site import open_page

    with LocalServer(fork_html) as server:
        page, log = open_page(browser, server.url, "book/teach.html")
        try:
            maker = page.locator("form.course-link-maker")
            assert maker.is_visible()
            assert maker.locator("li").count() == len(LESSONS)
            assert not maker.locator("ol").is_visible(), "no links before a hub is named"
            maker.get_by_label("Your JupyterHub's address").fill("https://hub.example.edu")
            links = maker.locator("li code").all_inner_texts()
            assert links == [hub_link(lesson) for lesson in LESSONS]
            assert "Kernels and feature maps" in maker.locator("li").first.inner_text()
            maker.get_by_label("Your JupyterHub's address").fill("nohub")
            assert "not a full host name" in maker.get_by_role("alert").inner_text()
            assert not maker.locator("ol").is_visible()
        finally:
            page.close()
        assert log.page_errors == [] and log.console_errors == [], log


@pytest.mark.slow
def test_no_built_page_shows_a_machine_path(built_html):
    from test_book import MACHINE_PATH

    for page in built_html.rglob("*.html"):
        assert not MACHINE_PATH.findall(page.read_text(errors="ignore")), page.name


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"
WRITE_SCOPES = {"pages", "id-token"}


def workflow(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text())


def granted(permissions) -> dict:
    """A `permissions:` value as {scope: level}; `write-all`/`read-all` spelled out."""
    if permissions in (None, {}):
        return {}
    if isinstance(permissions, str):
        level = permissions.split("-")[0]
        return {scope: level for scope in ("contents", "pages", "id-token", "actions", "packages")}
    return dict(permissions)


def test_only_the_deploy_job_may_publish():
    """The build job installs packages and runs the tests: it must not hold the Pages or the
    OIDC token permission. The workflow grants nothing; the deploy job, which runs only
    actions/deploy-pages, gets exactly pages and id-token."""
    flow = workflow(PUBLISH)
    assert "permissions" in flow and not WRITE_SCOPES & set(granted(flow["permissions"])), (
        "the workflow's own permissions reach every job: grant pages/id-token to deploy alone"
    )
    assert all(level != "write" for level in granted(flow["permissions"]).values())
    holders = {
        name
        for name, job in flow["jobs"].items()
        if WRITE_SCOPES
        & {s for s, level in granted(job.get("permissions")).items() if level == "write"}
    }
    assert holders == {"deploy"}, holders
    deploy = flow["jobs"]["deploy"]
    assert granted(deploy["permissions"]) == {"pages": "write", "id-token": "write"}
    assert all(
        "run" not in step and step["uses"].startswith("actions/deploy-pages@")
        for step in deploy["steps"]
    ), "the deploy job runs something besides deploy-pages"
    for name, job in flow["jobs"].items():
        assert "permissions" in job, f"job {name} inherits the workflow's permissions: say them"
        if name != "deploy":
            assert all(level != "write" for level in granted(job["permissions"]).values()), name


def test_every_action_is_pinned_to_a_commit_with_its_version_named():
    """A tag can be moved to other code; a full commit SHA cannot. The comment says which
    release it is, for people and for update tools."""
    assert WORKFLOWS
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            found = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)$", line)
            if not found:
                continue
            action, rest = found.groups()
            if action.startswith("./"):
                continue  # an action of this repository
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), (
                f"{path.name}: {action} is not pinned to a full commit SHA"
            )
            assert re.match(r"\s*#\s*v\d+(\.\d+)*\b", rest), (
                f"{path.name}: {action} has no '# vX.Y.Z' comment naming its version"
            )


def test_checkout_keeps_no_credentials():
    for path in WORKFLOWS:
        for job in workflow(path)["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, path.name


# The runs the publish workflow must tell apart: (event, github.ref).
PUSH_TO_MAIN = ("push", "refs/heads/main")
OTHER_RUNS = [
    ("pull_request", "refs/pull/7/merge"),
    ("pull_request", "refs/heads/main"),
    ("push", "refs/heads/feature"),
    ("workflow_dispatch", "refs/heads/main"),
]
EXPRESSION_TOKEN = re.compile(
    r"\s*(github\.event_name|github\.ref|'[^']*'|==|!=|&&|\|\||!|\(|\)"
    r"|failure\(\)|success\(\)|always\(\)|true|false)"
)


def evaluate(condition, event: str, ref: str, failed: bool = False):
    """A workflow `if:` or expression, as GitHub Actions evaluates it for a run of ``event`` on
    ``ref`` whose earlier steps ``failed`` or not. Only the forms this workflow needs (the
    event, the ref, string comparisons, && || !, the status functions); any other form is an
    error here, so a new condition gets a test rather than a guess. Without a status function
    a condition also requires success(), as GitHub's does; strings compare ignoring case."""
    if condition is None:
        return not failed
    if isinstance(condition, bool):
        return condition and not failed
    text = condition.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    words = {
        "github.event_name": repr(event.lower()),
        "github.ref": repr(ref.lower()),
        "==": "==",
        "!=": "!=",
        "&&": " and ",
        "||": " or ",
        "!": " not ",
        "(": "(",
        ")": ")",
        "true": "True",
        "false": "False",
        "failure()": repr(failed),
        "success()": repr(not failed),
        "always()": "True",
    }
    python, position = [], 0
    while position < len(text.rstrip()):
        found = EXPRESSION_TOKEN.match(text, position)
        assert found, f"unsupported expression at {text[position:]!r} in {condition!r}"
        token = found.group(1)
        python.append(repr(token[1:-1].lower()) if token.startswith("'") else words[token])
        position = found.end()
    value = eval(" ".join(python), {"__builtins__": {}})  # only the tokens above
    if not re.search(r"failure\(\)|success\(\)|always\(\)", text):
        value = value and not failed
    return value


def test_the_expression_reader_reads_as_github_does():
    """The reader the workflow tests below rely on."""
    main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert evaluate(main, *PUSH_TO_MAIN) and not evaluate(main, *PUSH_TO_MAIN, failed=True)
    assert not any(evaluate(main, *run) for run in OTHER_RUNS)
    assert evaluate("failure()", *PUSH_TO_MAIN, failed=True)
    assert not evaluate("failure()", *PUSH_TO_MAIN)
    assert evaluate(None, *PUSH_TO_MAIN) and not evaluate(None, *PUSH_TO_MAIN, failed=True)
    assert evaluate("${{ !(github.event_name != 'pull_request') }}", "pull_request", "x")
    assert evaluate("github.ref == 'refs/heads/MAIN'", *PUSH_TO_MAIN)
    with pytest.raises(AssertionError, match="unsupported"):
        evaluate("contains(github.ref, 'main')", *PUSH_TO_MAIN)


def triggers(flow: dict) -> dict:
    # YAML 1.1, which PyYAML reads, takes the key `on` for the boolean true.
    found = flow.get("on", flow.get(True))
    return {name: {} for name in found} if isinstance(found, list) else dict(found)


def steps_using(job: dict, action: str) -> list:
    return [step for step in job["steps"] if step.get("uses", "").startswith(f"{action}@")]


def test_pull_requests_run_the_tests():
    flow = workflow(PUBLISH)
    on = triggers(flow)
    assert "pull_request" in on, "pull requests are not tested"
    assert not (on["pull_request"] or {}).get("branches-ignore"), "some pull requests go untested"
    assert (on["push"] or {}).get("branches") == ["main"]
    build = flow["jobs"]["build"]
    test = next(step for step in build["steps"] if step.get("run", "").strip() == "bash .ci/run")
    for event, ref in [PUSH_TO_MAIN, *OTHER_RUNS]:
        assert evaluate(build.get("if"), event, ref) and evaluate(test.get("if"), event, ref), (
            f"the tests do not run for {event} on {ref}"
        )


def test_only_a_push_to_main_uploads_the_pages_and_deploys():
    """A pull request builds and tests, but never uploads a site and never reaches the deploy
    job, the only one holding the Pages and OIDC token permissions."""
    flow = workflow(PUBLISH)
    deploy = flow["jobs"]["deploy"]
    uploads = [
        step
        for job in flow["jobs"].values()
        for step in steps_using(job, "actions/upload-pages-artifact")
    ]
    assert deploy["needs"] == "build" and len(uploads) == 1
    for name, condition in [
        ("the deploy job", deploy.get("if")),
        ("the pages upload", uploads[0].get("if")),
    ]:
        assert evaluate(condition, *PUSH_TO_MAIN), f"{name} does not run for a push to main"
        for event, ref in OTHER_RUNS:
            assert not evaluate(condition, event, ref), f"{name} runs for {event} on {ref}"


def test_pull_requests_neither_queue_behind_nor_cancel_a_deploy():
    concurrency = workflow(PUBLISH)["concurrency"]
    group = concurrency["group"]

    def group_of(ref):
        return group.replace("${{ github.ref }}", ref)

    assert group_of("refs/pull/7/merge") != group_of(PUSH_TO_MAIN[1]), (
        "a pull request shares the deploy's concurrency group"
    )
    cancel = concurrency["cancel-in-progress"]
    assert not evaluate(cancel, *PUSH_TO_MAIN), "a push to main cancels a deploy in progress"
    assert evaluate(cancel, "pull_request", "refs/pull/7/merge")


def test_a_failed_run_keeps_its_screenshots_and_build_log():
    build = workflow(PUBLISH)["jobs"]["build"]
    uploads = steps_using(build, "actions/upload-artifact")
    assert len(uploads) == 1, "no (or more than one) artifact upload in the build job"
    step = uploads[0]
    assert evaluate(step.get("if"), *PUSH_TO_MAIN, failed=True)
    assert evaluate(step.get("if"), "pull_request", "refs/pull/7/merge", failed=True)
    assert not evaluate(step.get("if"), *PUSH_TO_MAIN, failed=False), "it uploads on success too"
    test = next(
        i for i, s in enumerate(build["steps"]) if s.get("run", "").strip() == "bash .ci/run"
    )
    assert build["steps"].index(step) > test, "the upload runs before the tests"
    paths = {line.strip() for line in step["with"]["path"].splitlines() if line.strip()}
    assert paths == {"_build/build.log", "_build/screenshots/", "_build/jupyterlab/"}, paths
    assert step["with"].get("if-no-files-found") == "ignore", (
        "a run that fails before the browser tests has no screenshots: that must not fail again"
    )
