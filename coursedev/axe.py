"""axe-core, the accessibility engine most audits use, run on a page opened in Chromium.

axe-core comes from npm for the tests only (package.json at the repository's root:
``npm ci``); it is never part of the site. Shared by tests/test_accessibility.py and
benchmarks/bench_pages.py.
"""

from collections import Counter
from pathlib import Path

from coursedev.site import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = ("critical", "serious")
"""The impacts that fail the tests; moderate and minor ones are printed (goal: none either)."""


def axe_available() -> bool:
    return AXE.exists()


def wait_for_widgets(page, timeout_ms: int = 15_000) -> None:
    """Wait until every widget on the page is drawn: each widget view the page embeds has
    been rendered, and the widgets' markup has stopped changing for a moment (anywidgets
    draw after their box)."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll(
                 'script[type="application/vnd.jupyter.widget-view+json"]'))
               .every(s => s.parentElement.querySelector('.widget-subarea'))""",
        timeout=timeout_ms,
    )
    size = -1
    for _ in range(timeout_ms // 200):
        now = page.evaluate(
            "() => Array.from(document.querySelectorAll('.widget-subarea'))"
            ".reduce((n, w) => n + w.getElementsByTagName('*').length, 0)"
        )
        if now == size:
            return
        size = now
        page.wait_for_timeout(200)


def run_axe(page, within: str = "") -> list[dict]:
    """axe-core's violations on ``page`` as it is now (or in the element that the CSS selector
    ``within`` names): for each rule broken, its id, impact (critical, serious, moderate,
    minor), help text, and the elements that break it (selector, HTML, what to fix)."""
    if not axe_available():
        raise FileNotFoundError(f"axe-core is not installed ({AXE}): run `npm ci`")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, not a <script>: no CSP issue
    return page.evaluate(
        """async (within) => {
            const context = within ? document.querySelector(within) : document;
            const result = await axe.run(context, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "),
                    html: n.html.slice(0, 300),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        within,
    )


def counts(violations: list[dict]) -> Counter:
    """How many elements break a rule, by impact."""
    found = Counter({impact: 0 for impact in IMPACTS})
    for violation in violations:
        found[violation["impact"]] += len(violation["nodes"])
    return found


def describe(violations: list[dict], nodes: int = 3) -> str:
    """The violations as lines a person can act on: rule, impact, help, a few elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({len(v['nodes'])}×): {v['help']}")
        for node in v["nodes"][:nodes]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
    return "\n".join(lines)


def site_pages(html: Path) -> list[str]:
    """Every page of a built book, as paths relative to its root (the redirecting index.html
    and the theme's files left out)."""
    pages = []
    for path in html.rglob("*.html"):
        relative = path.relative_to(html)
        if relative.as_posix() != "index.html" and not relative.parts[0].startswith(("_", "@")):
            pages.append(relative.as_posix())
    return sorted(pages)
