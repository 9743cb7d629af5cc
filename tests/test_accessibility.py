"""Every page for every reader: axe-core finds no serious or critical violation on any page,
every explorer's control has a name that says what it changes and works from the keyboard
alone, every drawing describes itself in words that follow its state, and nothing moves for a
reader who asks for reduced motion.

axe-core comes from npm (package.json; `npm ci`), for the tests only: missing, these tests
are skipped (they fail in CI)."""

import re

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_site import LESSONS
from test_site import PAGES

from coursedev.axe import FAILING
from coursedev.axe import counts
from coursedev.axe import describe
from coursedev.axe import run_axe
from coursedev.axe import wait_for_widgets
from coursedev.site import open_page

pytestmark = pytest.mark.browser


DESKTOP, PHONE = (1300, 900), (400, 800)
# Every page as on a desktop; two at a phone's width too, where the theme folds its sidebars
# into drawers and the widgets wrap.
AXE_CASES = [(name, DESKTOP) for name in [*PAGES, "search", "genindex"]] + [
    (name, PHONE) for name in ["book/intro", "lessons/03_padding_stride"]
]


@pytest.mark.parametrize("name, viewport", AXE_CASES, ids=[f"{n}-{w}px" for n, (w, _) in AXE_CASES])
def test_axe_finds_no_serious_violation(site, browser, needs_axe, name, viewport):
    page, log = open_page(browser, site, f"{name}.html", viewport=viewport)
    wait_for_widgets(page)
    violations = run_axe(page)
    found = counts(violations)
    print(f"{name}, {viewport[0]} px wide: " + ", ".join(f"{n} {i}" for i, n in found.items()))
    if violations:
        print(describe(violations))
    failing = [v for v in violations if v["impact"] in FAILING]
    assert failing == [], f"{name}, {viewport[0]} px wide:\n{describe(failing)}"
    assert log.problems() == [], log
    page.close()


# The description of an explorer's state a screen reader can reach: its drawings' text and
# text alternatives, without the controls themselves (whose own value always changes).
DESCRIPTION = """box => {
    const copy = box.cloneNode(true);
    copy.querySelectorAll('.widget-slider, .widget-text, .widget-dropdown, .widget-checkbox,'
        + ' .widget-toggle-buttons, input, select, button').forEach(e => e.remove());
    const labels = Array.from(copy.querySelectorAll('[aria-label]'),
                              e => e.getAttribute('aria-label'));
    return [copy.textContent.replace(/\\s+/g, ' '), ...labels].join(' | ');
}"""

# Number the explorer's controls that can take the focus (shown, enabled): Tab must reach each.
MARK_CONTROLS = """box => {
    const all = box.querySelectorAll('input, select, button, [tabindex], [contenteditable]');
    const shown = Array.from(all).filter(e => e.offsetParent !== null && e.tabIndex >= 0
                                          && !e.disabled);
    shown.forEach((e, i) => e.dataset.controlIndex = i);
    return shown.length;
}"""

# What the focused element is, to operate it: its role and state.
FOCUSED = """() => {
    const e = document.activeElement;
    const slider = e.closest('.widget-slider');
    const handle = slider && slider.querySelector('[role=slider]');
    return {
        tag: e.tagName.toLowerCase(), type: e.type || '', role: e.getAttribute('role') || '',
        pressed: e.classList.contains('mod-active') || e.getAttribute('aria-pressed') === 'true',
        keys: e.getAttribute('aria-keyshortcuts') || '',
        now: handle ? Number(handle.getAttribute('aria-valuenow')) : null,
        min: handle ? Number(handle.getAttribute('aria-valuemin')) : null,
        max: handle ? Number(handle.getAttribute('aria-valuemax')) : null,
        last: e.tagName === 'SELECT' ? e.selectedIndex === e.options.length - 1 : null,
        outline: getComputedStyle(e).outlineStyle,
    };
}"""


def tab_through(page, box, limit: int = 150):
    """Focus the element just before ``box``, then press Tab while the focus stays in it:
    yields at each of its focus stops."""
    box.evaluate(
        "b => { const s = document.createElement('span'); s.tabIndex = 0; b.before(s); s.focus(); }"
    )
    for _ in range(limit):
        page.keyboard.press("Tab")
        if not box.evaluate("b => b.contains(document.activeElement)"):
            return
        yield
    pytest.fail(f"Tab never left the explorer after {limit} presses")


def focused_name(page) -> tuple[str, str]:
    """The focused element's role and accessible name, as assistive technology computes them
    (Playwright's ARIA snapshot)."""
    snapshot = page.locator("*:focus").aria_snapshot()
    first = yaml.safe_load(snapshot)[0]  # 'role "name"', or {'role "name"': value or children}
    entry = next(iter(first)) if isinstance(first, dict) else first
    match = re.fullmatch(r'(\w+)(?: "(.*)")?(?: \[.*\])?', entry, flags=re.S)
    assert match, snapshot
    return match[1], (match[2] or "").replace('\\"', '"')


def operate(control: dict) -> list[list[str]]:
    """Key presses that should change what the focused control changes, to try in turn."""
    if control["role"] == "slider":
        return [["ArrowLeft"] if control["now"] >= control["max"] else ["ArrowRight"]]
    if control["role"] == "textbox" and control["now"] is not None:  # a slider's readout
        value = control["now"] - 1 if control["now"] > control["min"] else control["now"] + 1
        return [["Control+A", *str(int(value)), "Enter"]]
    if control["tag"] == "select":
        return [["ArrowUp"] if control["last"] else ["ArrowDown"]]
    if control["type"] == "number":
        return [["ArrowUp", "Enter"], ["ArrowDown", "ArrowDown", "Enter"]]
    if control["type"] == "checkbox":
        return [["Space"]]
    if control["tag"] == "button":
        return [["Enter"], ["Enter"]]  # twice: a random pick may land on the same digit
    if control["keys"]:
        return [[key] for key in control["keys"].split()]
    return []


@pytest.mark.parametrize("name", LESSONS)
def test_every_explorer_works_from_the_keyboard_alone(site, browser, needs_axe, name):
    """Tab through each explorer from the element before it: every control is reached, shows
    its focus, has a name of its own, and changes the explorer's described state when
    operated with keys."""
    page, log = open_page(browser, site, f"{name}.html")
    wait_for_widgets(page)
    explorers = page.locator(".course-explorer")
    assert explorers.count() >= 1, f"{name} has no explorer"
    for i in range(explorers.count()):
        box = explorers.nth(i)
        # First, Tab alone reaches every control (operating some redraws others).
        controls = box.evaluate(MARK_CONTROLS)
        reached = set()
        for _ in tab_through(page, box):
            reached.add(page.evaluate("() => document.activeElement.dataset.controlIndex"))
        assert {str(c) for c in range(controls)} <= reached, f"{name}, {i}: controls Tab misses"
        # Then each control, in Tab's order, is named and operated.
        names = []
        for _ in tab_through(page, box):
            role, label = focused_name(page)
            control = page.evaluate(FOCUSED)
            names.append(label)
            assert label.strip(), f"{name}, explorer {i}: a {role} with no name"
            assert control["outline"] != "none", f"{name}: {role} {label!r} hides its focus"
            if control["pressed"]:
                continue  # the option already chosen: choosing it again changes nothing
            before = box.evaluate(DESCRIPTION)
            for keys in operate(control):
                for key in keys:
                    page.keyboard.press(key)
                try:
                    page.wait_for_function(
                        f"([b, before]) => ({DESCRIPTION})(b) !== before",
                        arg=[box.element_handle(), before],
                        timeout=3_000,
                    )
                    break
                except PlaywrightTimeout:  # try the next keys
                    continue
            else:
                pytest.fail(f"{name}, explorer {i}: {role} {label!r} changed nothing from the keys")
            if label == "pause the window":  # the play button, now playing: stop it
                page.keyboard.press("Enter")
        assert names, f"{name}, explorer {i}: Tab reaches none of its controls"
        drawings = box.evaluate(
            "b => Array.from(b.querySelectorAll('canvas, svg'), e => e.getAttribute('role')"
            " === 'img' ? e.getAttribute('aria-label') : null)"
        )
        assert all(d and len(d) > 10 for d in drawings), f"undescribed drawings: {drawings}"
        assert len(set(names)) == len(names), f"two controls share a name: {names}"
        # what the keys drew is accessible too
        box.evaluate("b => b.setAttribute('data-axe-here', '')")
        found = run_axe(page, within="[data-axe-here]")
        box.evaluate("b => b.removeAttribute('data-axe-here')")
        assert [v for v in found if v["impact"] in FAILING] == [], describe(found)
    assert log.problems() == [], log
    page.close()


@pytest.mark.parametrize("name", LESSONS)
def test_every_explorer_is_readable_in_dark_mode(site, browser, needs_axe, name):
    """The theme's dark mode changes the page around the explorers: axe-core finds no serious
    contrast problem (or any other) in them there either, numbers on shaded cells included."""
    page, log = open_page(browser, site, f"{name}.html")
    wait_for_widgets(page)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    explorers = page.locator(".course-explorer")
    for i in range(explorers.count()):
        box = explorers.nth(i)
        box.evaluate("b => b.setAttribute('data-axe-here', '')")
        found = run_axe(page, within="[data-axe-here]")
        box.evaluate("b => b.removeAttribute('data-axe-here')")
        assert [v for v in found if v["impact"] in FAILING] == [], (
            f"{name}, {i}:\n{describe(found)}"
        )
    assert log.problems() == [], log
    page.close()


# A few names on each page, as a screen reader announces them: each says what it changes.
NAMES = {
    "lessons/01_kernels": [
        ("slider", "window position"),
        ("textbox", "window position: type a value"),
        ("combobox", "kernel"),
        ("spinbutton", "kernel weight row 0 column 1"),  # rows and columns count from 0
        ("spinbutton", "kernel weight row 2 column 2"),
        ("button", "step on: next window"),
    ],
    "lessons/02_unfold": [
        ("slider", "stride"),
        ("slider", "padding"),
        ("slider", "window (column)"),
        ("textbox", "padding: type a value"),
    ],
    "lessons/03_padding_stride": [
        ("slider", "input size n"),
        ("slider", "kernel size k"),
        ("slider", "padding p"),
        ("slider", "stride s"),
        ("slider", "dilation d"),
        ("slider", "dilation"),
        ("slider", "window size"),
        ("group", "pooling"),
        ("checkbox", "ceil_mode (keep windows that hang off the edge)"),
    ],
    "lessons/04_cnn": [("button", "random digit"), ("combobox", "a digit it gets wrong:")],
    "lessons/05_color_channels": [
        ("combobox", "kernel"),
        ("group", "kernel mode"),
        ("spinbutton", "red slice weight row 0 column 1"),
    ],
    "lessons/06_receptive_fields": [
        ("combobox", "layers"),
        ("spinbutton", "layer 1 stride"),
        ("button", "add a layer"),
    ],
}


@pytest.mark.parametrize("name", LESSONS)
def test_explorer_controls_say_what_they_change(site, browser, name):
    page, log = open_page(browser, site, f"{name}.html")
    wait_for_widgets(page)
    explorers = page.locator(".course-explorer")
    missing = [
        (role, label)
        for role, label in NAMES[name]
        if explorers.get_by_role(role, name=label, exact=True).count() == 0
    ]
    assert missing == [], f"{name}: no control named so"
    assert log.problems() == [], log
    page.close()


def test_the_window_explorer_plays_only_for_readers_who_accept_motion(site, browser):
    """The only animation (lesson 1's play button) is gone for a reader whose system asks
    for reduced motion, and comes back, working, when the setting changes."""
    page, log = open_page(browser, site, "lessons/01_kernels.html")
    page.emulate_media(reduced_motion="reduce")
    page.reload(wait_until="networkidle")
    wait_for_widgets(page)
    box = page.locator(".window-explorer-box")
    play = box.get_by_role("button", name="play: slide the window")
    assert play.count() == 0, "a play button despite reduced motion"
    caption = box.locator(".window-caption").inner_text()
    page.wait_for_timeout(500)
    assert box.locator(".window-caption").inner_text() == caption, "the window moved by itself"
    box.get_by_role("button", name="step on: next window").click()
    assert box.locator(".window-caption").inner_text() != caption  # stepping still works

    page.emulate_media(reduced_motion="no-preference")
    play.wait_for(timeout=5_000)
    moved = box.locator(".window-caption").inner_text()
    play.click()
    page.wait_for_function(
        "text => document.querySelector('.window-caption').textContent !== text", arg=moved
    )
    page.emulate_media(reduced_motion="reduce")  # asked mid-play: it stops, and hides
    box.get_by_role("button", name="pause the window").wait_for(state="hidden", timeout=5_000)
    stopped = box.locator(".window-caption").inner_text()
    page.wait_for_timeout(300)
    assert box.locator(".window-caption").inner_text() == stopped
    assert play.count() == 0
    assert log.problems() == [], log
    page.close()
