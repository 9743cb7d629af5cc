"""The built book in a real browser (headless Chromium), served on 127.0.0.1 with the network
cut."""

import json

import pytest
import torch
import torch.nn.functional as F

from coursedev.site import open_page

pytestmark = pytest.mark.browser


def press(page, label: str, key: str, times: int = 1):
    handle = page.locator(".widget-slider", has_text=label).locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def test_explorer_moves_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/03_padding_stride.html")
    size = page.locator(".conv-explorer-size")
    size.wait_for(timeout=15_000)
    assert size.inner_text() == "output 5×5"
    assert page.locator(".conv-explorer svg rect.out").count() == 25

    press(page, "stride s", "ArrowRight")  # stride 1 -> 2
    page.wait_for_function(
        "document.querySelector('.conv-explorer-size').textContent === 'output 3×3'", timeout=5_000
    )
    assert page.locator(".conv-explorer svg rect.out").count() == 9
    assert "/ 2⌋ + 1 = 3" in page.locator(".conv-explorer-formula").inner_text()

    press(page, "kernel size k", "ArrowRight", times=4)  # kernel 3 -> 7
    press(page, "padding p", "ArrowLeft")  # padding 1 -> 0
    invalid = page.locator(".conv-explorer-invalid")
    invalid.wait_for(timeout=5_000)
    assert invalid.inner_text().startswith("no output: the kernel spans 7 pixels")
    assert page.locator(".conv-explorer svg").count() == 0  # a message in place of the grid

    assert log.problems() == [], log


def number(text: str) -> float:
    """A number as the explorers write it: a true minus sign (U+2212), maybe in parentheses."""
    return float(text.strip().strip("()").replace("−", "-"))


def readable(colours) -> bool:
    """Every (text colour, background) pair is black or white text as the book's tables choose
    it (coursecode.plotting), at least 4.5:1 (WCAG AA for small text)."""
    from coursecode._drawing import contrast_ratio as _contrast_ratio
    from coursecode._drawing import readable_text_color as _readable_text_color

    def hexa(rgb):
        return "#{:02x}{:02x}{:02x}".format(*rgb)

    return all(
        hexa(text) == _readable_text_color(hexa(back))
        and _contrast_ratio(hexa(text), hexa(back)) >= 4.5
        for text, back in colours
    )


# The text colour and background of each element, as [[r, g, b], [r, g, b]].
TEXT_COLOURS = """cells => cells.map(e => [getComputedStyle(e).color,
    getComputedStyle(e).backgroundColor].map(c => c.match(/\\d+/g).slice(0, 3).map(Number)))"""


def widget_state(page, anywidget_id: str) -> dict:
    """The state of the first anywidget of that class in the page's embedded widget state."""
    states = page.evaluate(
        "Array.from(document.querySelectorAll("
        "'script[type=\"application/vnd.jupyter.widget-state+json\"]')).map(s => s.textContent)"
    )
    for text in states:
        for model in json.loads(text)["state"].values():
            if model["state"].get("_anywidget_id") == anywidget_id:
                return model["state"]
    raise AssertionError(f"no {anywidget_id} in the page's widget state")


def feature_map_state(page) -> dict:
    """The kernel explorer's image and kernel, as the page's embedded widget state holds them."""
    return widget_state(page, "coursecode.explorers.kernel.FeatureMap")


def canvas_levels(page, selector: str) -> torch.Tensor:
    """The grey level at the centre of every cell of a canvas that carries data-height/width."""
    levels = page.evaluate(
        """(selector) => {
        const canvas = document.querySelector(selector);
        const [h, w] = [Number(canvas.dataset.height), Number(canvas.dataset.width)];
        const scale = canvas.width / w;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const levels = [];
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
            const x = Math.floor((j + 0.5) * scale), y = Math.floor((i + 0.5) * scale);
            levels.push(pixels[4 * (y * canvas.width + x)]);
        }
        return {h, w, levels};
    }""",
        selector,
    )
    return torch.tensor(levels["levels"], dtype=torch.float64).view(levels["h"], levels["w"])


def canvas_colours(page, selector: str) -> torch.Tensor:
    """The colour (r, g, b) at the centre of every cell of a canvas that carries
    data-height/width: (h, w, 3)."""
    found = page.evaluate(
        """(selector) => {
        const canvas = document.querySelector(selector);
        const [h, w] = [Number(canvas.dataset.height), Number(canvas.dataset.width)];
        const scale = canvas.width / w;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = [];
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
            const x = Math.floor((j + 0.5) * scale), y = Math.floor((i + 0.5) * scale);
            const at = 4 * (y * canvas.width + x);
            colours.push(...pixels.slice(at, at + 3));
        }
        return {h, w, colours};
    }""",
        selector,
    )
    return torch.tensor(found["colours"], dtype=torch.float64).view(found["h"], found["w"], 3)


def course_scale(*maps: torch.Tensor, pixels: bool = False) -> tuple[str, float, float]:
    """The book's convention (coursecode.plotting), written here from its description: pixels
    in [0, 1] grey from 0 (black) to 1 (white); a map grey from 0 to its largest value when no
    value is negative, else blue-white-red symmetric about 0. Several maps share one scale."""
    low = min(m.min().item() for m in maps)
    high = max(m.max().item() for m in maps)
    if pixels and low >= 0 and high <= 1:
        return "gray", 0.0, 1.0
    if low >= 0:
        return "gray", 0.0, high if high > 0 else 1.0
    top = max(-low, high)
    return "bwr", -top, top


def course_colours(values: torch.Tensor, scale: tuple[str, float, float]) -> torch.Tensor:
    """The colours matplotlib draws ``values`` in on that scale, as the book's figures do."""
    import matplotlib
    from matplotlib.colors import Normalize

    cmap, low, high = scale
    rgba = matplotlib.colormaps[cmap](Normalize(low, high, clip=True)(values.numpy()))
    return torch.tensor(rgba[..., :3] * 255, dtype=torch.float64)


def colours_match(shown: torch.Tensor, values: torch.Tensor, scale) -> bool:
    """Within one step of matplotlib's 256-colour map (2 levels for bwr), and rounding."""
    step = 2 if scale[0] == "bwr" else 1
    return (shown - course_colours(values, scale)).abs().max().item() <= step + 0.5


def legend_of(box) -> tuple[float, float, list[str]]:
    """A colour bar's scale (its ends) and the numbers it prints."""
    low = float(box.get_attribute("data-low"))
    high = float(box.get_attribute("data-high"))
    return low, high, box.locator(".course-legend-labels span").all_inner_texts()


def pytorch_map(state, stride, padding, dilation) -> torch.Tensor:
    """PyTorch's feature map for those settings."""
    image = torch.tensor(state["image"], dtype=torch.float64).view(state["height"], state["width"])
    kernel = torch.tensor(state["kernel"], dtype=torch.float64).view(state["kh"], state["kw"])
    return F.conv2d(
        image[None, None], kernel[None, None], stride=stride, padding=padding, dilation=dilation
    )[0, 0]


def test_kernel_explorer_computes_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/03_padding_stride.html")
    explorer = page.locator(".kernel-explorer")
    caption = explorer.locator(".feature-map-caption")
    caption.wait_for(timeout=15_000)
    state = feature_map_state(page)
    steps = [  # (slider, key, presses) then the settings the page must show
        (None, None, 0, (1, 0, 1)),
        ("stride", "ArrowRight", 1, (2, 0, 1)),
        ("padding", "ArrowRight", 1, (2, 1, 1)),
        ("dilation", "ArrowRight", 2, (2, 1, 3)),
        ("stride", "ArrowLeft", 1, (1, 1, 3)),
    ]
    for slider, key, times, (stride, padding, dilation) in steps:
        if slider:
            handle = explorer.locator(".widget-slider", has_text=slider).locator(".noUi-handle")
            handle.focus()
            for _ in range(times):
                handle.press(key)
        expected = pytorch_map(state, stride, padding, dilation)
        h, w = expected.shape
        text = f"stride {stride}, padding {padding}, dilation {dilation}: output {h}×{w}"
        page.wait_for_function(
            "text => document.querySelector('.kernel-explorer .feature-map-caption')"
            ".textContent.startsWith(text)",
            arg=text,
            timeout=5_000,
        )
        # The map blue-white-red about 0 (the top-edge map has both signs), its colour bar
        # giving the ends; the digit grey, 0 black and 1 white.
        shown = canvas_colours(page, ".kernel-explorer canvas.feature-map-output")
        scale = course_scale(expected)
        assert scale[0] == "bwr" and shown.shape[:2] == expected.shape
        assert colours_match(shown, expected, scale), slider
        low, high, printed = legend_of(explorer.locator(".course-legend"))
        assert (low, high) == pytest.approx(scale[1:]) and printed[1] == "0"
        label = explorer.locator("canvas.feature-map-output").get_attribute("aria-label")
        assert label.startswith(f"The {h}×{w} feature map for stride {stride}, padding {padding}")
        assert "blue for negative values" in label and "white for 0" in label
        if padding == 0:
            image = torch.tensor(state["image"], dtype=torch.float64).view(
                state["height"], state["width"]
            )
            digit = canvas_colours(page, ".kernel-explorer canvas.feature-map-input")
            assert colours_match(digit, image, ("gray", 0.0, 1.0))
    assert log.problems() == [], log


def test_window_explorer_slides_and_recomputes_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/01_kernels.html")
    state = widget_state(page, "coursecode.explorers.window.SlidingWindow")
    h, w = state["height"], state["width"]
    image = torch.tensor(state["image"], dtype=torch.float64).view(h, w)
    box = page.locator(".window-explorer-box")
    caption = box.locator(".window-caption")
    caption.wait_for(timeout=15_000)
    menu = box.locator("select")

    def check(kernel: torch.Tensor, position: int):
        """Window ``position`` (from 0, row by row) makes map[row, col]: the page shows it,
        and the map so far on the course's scale, with its colour bar."""
        fmap = F.conv2d(image[None, None], kernel.double()[None, None])[0, 0]
        row, col = divmod(position, w - 2)
        value = fmap[row, col].item()
        page.wait_for_function(
            "text => document.querySelector('.window-caption').textContent.startsWith(text)",
            arg=f"window {position} of {(h - 2) * (w - 2)}: centred on pixel ({row + 1}, "
            f"{col + 1}) → map[{row}, {col}] = ",
            timeout=5_000,
        )
        shown = number(box.locator(".window-sum").inner_text().split("=")[1])
        assert shown == pytest.approx(value, abs=0.006)
        pixels = [number(t) for t in box.locator(".window-pixels td").all_inner_texts()]
        assert pixels == pytest.approx(
            image[row : row + 3, col : col + 3].flatten().tolist(), abs=0.006
        )
        products = [number(t) for t in box.locator(".window-products td").all_inner_texts()]
        assert sum(products) == pytest.approx(value, abs=0.05)
        colours = canvas_colours(page, ".window-explorer canvas.window-map").view(-1, 3)
        scale = course_scale(fmap)
        done = position + 1  # the cells filled in so far, row by row
        assert colours_match(colours[:done], fmap.flatten()[:done], scale)
        assert legend_of(box.locator(".window-figure .course-legend"))[:2] == pytest.approx(
            scale[1:]
        )
        digit = canvas_colours(page, ".window-explorer canvas.window-image")
        assert colours_match(digit, image, ("gray", 0.0, 1.0))  # 0 black, 1 white

    top = torch.tensor(state["presets"][state["preset"]][1]).view(3, 3)
    start = state["position"]
    check(top, start)
    assert course_scale(F.conv2d(image[None, None], top.double()[None, None]))[0] == "bwr"
    handle = box.locator(".widget-slider .noUi-handle")  # the window slider
    handle.focus()
    handle.press("Home")  # the first window is window 0: map[0, 0]
    check(top, 0)
    handle.press("End")
    check(top, (h - 2) * (w - 2) - 1)
    for _ in range((h - 2) * (w - 2) - 1 - start):
        handle.press("ArrowLeft")
    handle.press("ArrowRight")
    handle.press("ArrowRight")
    check(top, start + 2)
    box.get_by_role("button", name="next window").click()  # the step button
    check(top, start + 3)

    menu.select_option("left edge")  # a preset
    left = torch.tensor(dict(state["presets"])["left edge"]).view(3, 3)
    page.wait_for_function(
        "() => document.querySelector('.window-weights td').textContent === '−1.00'"  # U+2212
    )
    check(left, start + 3)

    centre = box.get_by_label("kernel weight row 1 column 1")  # counted from 0: the centre
    assert box.locator(".widget-text input").nth(4).get_attribute("aria-label") == (
        "kernel weight row 1 column 1"
    )
    centre.fill("2")
    centre.press("Enter")
    edited = left.clone()
    edited[1, 1] = 2.0
    page.wait_for_function(
        "() => document.querySelectorAll('.window-weights td')[4].textContent === '2.00'"
    )
    check(edited, start + 3)
    assert menu.input_value() == "custom"  # the menu no longer names a preset ...
    menu.select_option("left edge")  # ... and choosing the preset again sets it
    page.wait_for_function(
        "() => document.querySelectorAll('.window-weights td')[4].textContent === '0.00'"
    )
    check(left, start + 3)
    assert menu.input_value() == "left edge"
    centre.fill("2")
    centre.press("Enter")
    check(edited, start + 3)
    centre.fill("0")  # typing the preset's weights back: the menu names it again
    centre.press("Enter")
    check(left, start + 3)
    assert menu.input_value() == "left edge"

    # An emptied box: the page says what the drawing still uses, then puts it back.
    note = box.locator(".course-box-note")
    centre.fill("")
    note.wait_for(timeout=5_000)
    assert note.inner_text() == (
        'The box "kernel weight row 1 column 1" is empty: the drawing still uses 0. '
        "Type a number, or leave the box to put 0 back."
    )
    check(left, start + 3)
    centre.press("Tab")
    assert centre.input_value() == "0" and note.is_hidden()
    check(left, start + 3)

    box.get_by_role("button", name="play: slide the window").click()
    page.wait_for_function(
        "text => !document.querySelector('.window-caption').textContent.startsWith(text)",
        arg=f"window {start + 3} ",
        timeout=5_000,
    )
    box.get_by_role("button", name="pause the window").click()
    now = int(box.locator(".window-caption").inner_text().split()[1])
    assert now > start + 3
    check(left, now)
    assert log.problems() == [], log


def test_unfold_explorer_matches_f_unfold_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/02_unfold.html")
    state = widget_state(page, "coursecode.explorers.unfold.UnfoldMatrix")
    image = torch.tensor(state["image"], dtype=torch.float64).view(state["height"], state["width"])
    weights = torch.tensor(state["weights"], dtype=torch.float64)
    box = page.locator(".unfold-explorer-box")
    box.locator(".unfold-caption").wait_for(timeout=15_000)

    def check(stride, padding, column):
        """Column ``column`` (from 0, as F.unfold's last index) is chosen and shown."""
        matrix = F.unfold(image[None, None], state["kernel_size"], stride=stride, padding=padding)[
            0
        ]
        rows, cols = matrix.shape
        page.wait_for_function(
            "text => document.querySelector('.unfold-caption').textContent.startsWith(text)",
            arg=f"stride {stride}, padding {padding}: unfolded matrix (C·k·k, L) = "
            f"(1·3·3, {cols}) = ({rows}, {cols})",
            timeout=5_000,
        )
        columns = box.locator(".unfold-matrix .unfold-col")
        assert columns.count() == cols
        assert columns.first.locator(".unfold-cell").count() == rows
        # numbered from 0 above each column
        assert box.locator(".unfold-head").all_inner_texts() == [str(c) for c in range(cols)]
        chosen = box.locator(".unfold-col.unfold-chosen .unfold-cell")
        shown = [number(t) for t in chosen.all_inner_texts()]
        assert shown == pytest.approx(matrix[:, column].tolist(), abs=0.006)
        assert (
            box.locator(".unfold-matrix-caption")
            .inner_text()
            .startswith(f"unfolded {rows}×{cols}: column {column} is the framed window")
        )
        assert box.locator(".unfold-input td.unfold-window").count() == 9
        product = box.locator(".unfold-product").inner_text()
        assert product.startswith(f"weights · column {column} = ")
        value = number(product.split(" = ")[-2])
        assert value == pytest.approx((weights @ matrix[:, column]).item(), abs=0.01)
        # each term weight×number, a negative factor in parentheses with a minus sign
        terms = product.split(" = ")[1].split(" + ")
        assert len(terms) == rows
        for term, w, v in zip(terms, weights.tolist(), matrix[:, column].tolist(), strict=True):
            a, b = term.split("×")
            assert (number(a), number(b)) == pytest.approx((w, v), abs=0.006), term
            for text, x in ((a, w), (b, v)):
                assert text.startswith("(−") == (x <= -0.005) and "-" not in text, term
        # the slider's maximum follows the number of windows
        slider = box.locator(".widget-slider", has_text="window")
        assert slider.locator(".widget-readout").inner_text() == str(column)
        assert float(slider.get_by_role("slider").get_attribute("aria-valuemax")) == cols - 1
        # Every cell of the matrix shaded on the one grey scale, 0 black and 1 white, the
        # chosen column's too (issue 25: its numbers stood on white whatever their value).
        backgrounds = box.locator(".unfold-cell").evaluate_all(
            "cells => cells.map(e => getComputedStyle(e).backgroundColor.match(/\\d+/g)"
            ".slice(0, 3).map(Number))"
        )
        assert colours_match(  # column by column
            torch.tensor(backgrounds, dtype=torch.float64), matrix.T.flatten(), ("gray", 0.0, 1.0)
        )
        # and the input's numbers on the same scale (the padding pale blue)
        inside = box.locator(".unfold-input td:not(.unfold-pad)")
        backgrounds = inside.evaluate_all(
            "cells => cells.map(e => getComputedStyle(e).backgroundColor.match(/\\d+/g)"
            ".slice(0, 3).map(Number))"
        )
        assert colours_match(
            torch.tensor(backgrounds, dtype=torch.float64), image.flatten(), ("gray", 0.0, 1.0)
        )
        # their numbers black or white, whichever reads better
        assert readable(chosen.evaluate_all(TEXT_COLOURS))
        assert readable(inside.evaluate_all(TEXT_COLOURS))
        # Every input column equally wide, the padding's too; the matrix's columns at least 16
        # pixels wide, to click, and all of them inside the explorer: a wide matrix wraps.
        widths = (
            box.locator(".unfold-input tr")
            .first.locator("td")
            .evaluate_all("cells => cells.map(td => td.getBoundingClientRect().width)")
        )
        assert max(widths) - min(widths) < 0.5, widths
        inner = box.locator(".unfold-cell").evaluate_all("cells => cells.map(e => e.clientWidth)")
        assert min(inner) >= 16
        right = box.evaluate("b => b.getBoundingClientRect().right")
        ends = columns.evaluate_all("cs => cs.map(c => c.getBoundingClientRect().right)")
        assert max(ends) <= right + 0.5

    assert image.min() >= 0 and image.max() <= 1  # pixels
    check(1, 0, 0)
    window = box.locator(".widget-slider", has_text="window").locator(".noUi-handle")
    window.focus()
    for _ in range(4):
        window.press("ArrowRight")
    check(1, 0, 4)
    padding = box.locator(".widget-slider", has_text="padding").locator(".noUi-handle")
    padding.focus()
    padding.press("ArrowRight")
    check(1, 1, 4)
    box.locator(".unfold-matrix .unfold-col").nth(20).click()  # a column, by mouse
    check(1, 1, 20)
    padding.press("ArrowRight")  # 49 columns: more than fit beside the input, or in one row
    check(1, 2, 20)
    tops = box.locator(".unfold-col").evaluate_all(
        "cs => cs.map(c => Math.round(c.getBoundingClientRect().top))"
    )
    assert len(set(tops)) >= 2  # wrapped into bands of columns
    padding.press("ArrowLeft")
    check(1, 1, 20)
    stride = box.locator(".widget-slider", has_text="stride").locator(".noUi-handle")
    stride.focus()
    stride.press("ArrowRight")
    check(2, 1, 8)  # 9 windows left: the chosen column is clamped to the last, column 8
    box.locator(".unfold-input td.unfold-corner").first.click()  # a window, by mouse
    check(2, 1, 0)
    # The bright pixels (0.9 and up: the digit's ink) are drawn near-white, as in every
    # figure of the book (they were dark once).
    bright = box.locator(".unfold-cell").evaluate_all(
        "cells => cells.filter(e => Number(e.title.split(': ')[1].replace('−', '-')) >= 0.9)"
        ".map(e => getComputedStyle(e).backgroundColor.match(/\\d+/g).map(Number))"
    )
    assert bright and min(min(colour) for colour in bright) >= 229
    assert log.problems() == [], log


def test_unfold_explorer_fits_a_phone(site, browser):
    """At a phone's 400 pixels a wide matrix sits below the input and wraps into bands of
    columns, each still 16 pixels wide: nothing runs off the explorer."""
    page, log = open_page(browser, site, "lessons/02_unfold.html", viewport=(400, 800))
    box = page.locator(".unfold-explorer-box")
    box.locator(".unfold-caption").wait_for(timeout=15_000)
    handle = box.locator(".widget-slider", has_text="padding").locator(".noUi-handle")
    for padding, cols in ((0, 9), (1, 25), (2, 49)):
        if padding:
            handle.focus()
            handle.press("ArrowRight")
        page.wait_for_function(
            "n => document.querySelectorAll('.unfold-col').length === n", arg=cols, timeout=5_000
        )
        found = box.evaluate(
            """b => {
            const right = b.getBoundingClientRect().right;
            const cols = Array.from(b.querySelectorAll('.unfold-col'));
            const input = b.querySelector('.unfold-input').getBoundingClientRect();
            const matrix = b.querySelector('.unfold-matrix').getBoundingClientRect();
            return {
                over: Math.max(...cols.map(c => c.getBoundingClientRect().right)) - right,
                inner: Math.min(...Array.from(b.querySelectorAll('.unfold-cell'),
                                              e => e.clientWidth)),
                bands: new Set(cols.map(c => Math.round(c.getBoundingClientRect().top))).size,
                below: matrix.top >= input.bottom,
            };
        }"""
        )
        assert found["over"] <= 0.5 and found["inner"] >= 16, found
        if cols > 20:  # too wide for a phone: below the input, in bands
            assert found["below"] and found["bands"] >= 2, found
    assert log.problems() == [], log


def assert_one_row(box):
    """photo → part + part + part = output, all on one row on a desktop (issue 25: the output
    wrapped under the photo, leaving a bare "="); a sign always sits beside its map."""
    rows = box.locator(".channels-row").evaluate(
        """row => {
        const box = (e) => e.getBoundingClientRect();
        const middle = (e) => (box(e).top + box(e).bottom) / 2;
        const photo = box(row.querySelector('canvas.channels-photo'));
        return {
            photo: [photo.top, photo.bottom],
            middles: Array.from(row.querySelectorAll('canvas.channels-map, canvas.channels-output'),
                                middle),
            signs: Array.from(row.querySelectorAll('.channels-sign'), (s) => [s.textContent,
                middle(s), box(s).right, box(s.nextElementSibling).left]),
        };
    }"""
    )
    assert len(rows["middles"]) == 4
    assert all(rows["photo"][0] < m < rows["photo"][1] for m in rows["middles"]), rows
    assert [sign for sign, *_ in rows["signs"]] == ["→", "+", "+", "="]
    assert all(0 <= left - right < 20 for _, _, right, left in rows["signs"]), rows


def test_channels_explorer_sums_three_channels_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/05_color_channels.html")
    state = widget_state(page, "coursecode.explorers.channels.ChannelMaps")
    image = torch.tensor(state["image"], dtype=torch.float64).view(
        3, state["height"], state["width"]
    )
    presets = {
        name: (mode, torch.tensor(w, dtype=torch.float64))
        for name, mode, w in state["presets"]
        if w is not None  # not "custom"
    }
    box = page.locator(".channels-explorer-box")
    box.locator(".channels-caption").wait_for(timeout=15_000)

    menu = box.locator("select")

    def check(weight: torch.Tensor, caption_start: str):
        """The three parts and their sum (the output), on one shared scale with one colour
        bar, as PyTorch computes them."""
        k = 1 if weight.numel() == 3 else 3
        slices = weight.view(3, k, k)
        parts = [F.conv2d(image[None, c : c + 1], slices[c][None, None])[0, 0] for c in range(3)]
        expected = F.conv2d(image[None], weight.view(1, 3, k, k))[0, 0]
        scale = course_scale(*parts, expected)
        page.wait_for_function(
            "text => document.querySelector('.channels-caption').textContent.startsWith(text)",
            arg=caption_start,
            timeout=5_000,
        )
        for _ in range(50):  # a weight edit changes the picture, not the caption: poll
            shown = canvas_colours(page, ".channels-explorer canvas.channels-output")
            if shown.shape[:2] == expected.shape and colours_match(shown, expected, scale):
                break
            page.wait_for_timeout(100)
        assert shown.shape[:2] == expected.shape
        assert colours_match(shown, expected, scale)
        for c, part in enumerate(parts):
            shown = canvas_colours(page, f".channels-explorer canvas.channels-map-{c}")
            assert colours_match(shown, part, scale), c
        assert box.locator(".course-legend").count() == 1
        assert legend_of(box.locator(".course-legend"))[:2] == pytest.approx(scale[1:])
        return scale

    three = "one 3×3×3 kernel: output (1, 48, 41)"
    assert check(presets["top edge in every channel"][1], three)[0] == "bwr"
    assert_one_row(box)
    menu.select_option("top edge in red only")
    check(presets["top edge in red only"][1], three)
    # edit a weight of the green slice with the keyboard: rows and columns count from 0
    green = box.get_by_label("green slice weight row 2 column 1")
    green.fill("2")
    green.press("Enter")
    edited = presets["top edge in red only"][1].clone()
    edited[9 + 7] = 2.0
    check(edited, three)
    assert menu.input_value() == "custom"  # the menu no longer names a preset
    # An emptied box puts the value in force back, and says so while it is empty.
    green.fill("")
    note = box.locator(".course-box-note")
    note.wait_for(timeout=5_000)
    assert 'The box "green slice weight row 2 column 1" is empty: the drawing still uses 2.' in (
        note.inner_text()
    )
    green.press("Enter")
    assert green.input_value() == "2" and note.is_hidden()
    check(edited, three)
    menu.select_option("1×1: grey")
    check(
        presets["1×1: grey"][1],
        "1×1 convolution: output (1, 50, 43) = 0.299·red + 0.587·green + 0.114·blue",
    )
    assert box.get_by_label("1×1 weight of red").is_visible()
    # every weight box shows its whole number (issue 25: "0.29…")
    boxes = box.locator(".channels-weights input").evaluate_all(
        "inputs => inputs.filter(i => i.offsetParent).map(i => [i.value, i.scrollWidth,"
        " i.clientWidth])"
    )
    assert [value for value, *_ in boxes] == ["0.299", "0.587", "0.114"]
    assert all(scroll <= client for _, scroll, client in boxes), boxes
    menu.select_option("1×1: red minus blue")  # a negative weight: a minus, not "+ -1.00"
    check(
        presets["1×1: red minus blue"][1],
        "1×1 convolution: output (1, 50, 43) = 1.00·red + 0.00·green − 1.00·blue",
    )
    assert_one_row(box)  # the uncropped maps of the 1×1 mode too
    menu.select_option("1×1: grey")
    assert not green.is_visible()
    box.get_by_role("button", name="3×3×3 kernel").click()  # back to the 27 weights
    check(edited, three)
    assert green.is_visible()
    assert menu.input_value() == "custom"  # the 27 weights are still the edited ones
    menu.select_option("top edge in red only")  # choosing the preset again sets it
    check(presets["top edge in red only"][1], three)
    assert menu.input_value() == "top edge in red only"
    assert log.problems() == [], log


def shown_probabilities(box) -> list[float]:
    return [
        float(v)
        for v in box.locator(".network-probs li").evaluate_all(
            "items => items.map(li => li.dataset.probability)"
        )
    ]


def stage_outputs(model, x: torch.Tensor) -> list[tuple[torch.Tensor, bool]]:
    """What the page draws for input ``x`` (1, 1, 28, 28): the output of every layer that no
    ReLU follows (the flatten aside), and whether a ReLU made it."""
    from test_network_math import leaves

    layers = leaves(model)
    stages = []
    with torch.no_grad():
        for i, layer in enumerate(layers):
            x = layer(x)
            following = layers[i + 1] if i + 1 < len(layers) else None
            if not isinstance(layer, torch.nn.Flatten) and not isinstance(following, torch.nn.ReLU):
                stages.append((x[0].double(), isinstance(layer, torch.nn.ReLU)))
    return stages


def check_stages(box, model, x: torch.Tensor):
    """Each layer's maps: a colour bar on the layer's scale (grey from 0 after a ReLU, the scores
    blue-white-red), and the all-black maps named as such, as PyTorch computes them."""
    figures = box.locator(".network-stages figure")
    stages = stage_outputs(model, x)
    assert figures.count() == len(stages)
    for i, (out, relu) in enumerate(stages):
        figure = figures.nth(i)
        scale = course_scale(out)
        assert legend_of(figure.locator(".course-legend"))[:2] == pytest.approx(scale[1:], rel=1e-5)
        if relu:
            assert scale[0] == "gray"  # after a ReLU, no value is negative
        zero = [m for m in range(out.shape[0]) if relu and not out[m].any()]
        words = (
            ""
            if not zero
            else f"map {zero[0]} is all black: every value 0, cut by the ReLU"
            if len(zero) == 1
            else f"maps {', '.join(map(str, zero))} are all black: every value 0, cut by the ReLU"
        )
        assert figure.locator(".network-zero").inner_text() == words, i
        label = figure.locator("canvas").get_attribute("aria-label")
        assert "numbered from 0" in label and ("white for 0" in label or "(black)" in label)


def test_network_explorer_reads_a_drawing_and_the_validation_digits_as_pytorch(site, browser):
    from test_network_math import model_from_state

    from coursecode import load_mnist

    page, log = open_page(browser, site, "lessons/04_cnn.html")
    state = widget_state(page, "coursecode.explorers.network.NetworkExplorer")
    model = model_from_state(state)
    _, _, x_valid, y_valid = load_mnist()
    box = page.locator(".network-explorer")
    caption = box.locator(".network-caption")
    caption.wait_for(timeout=15_000)

    def check_digit():
        """The digit the caption names: PyTorch's probabilities and prediction are shown."""
        words = caption.inner_text().replace(",", "").split()
        index, label, read = int(words[1]), int(words[3].rstrip(":")), int(words[7])
        assert label == y_valid[index]
        with torch.no_grad():
            expected = F.softmax(model(x_valid[index].view(1, 1, 28, 28)).double(), 1)[0]
        assert read == expected.argmax().item() == int(box.get_attribute("data-prediction"))
        assert shown_probabilities(box) == pytest.approx(expected.tolist(), abs=1e-5)
        shown = canvas_levels(page, ".network-explorer canvas.network-input")
        assert (shown - (x_valid[index].view(28, 28) * 255).round()).abs().max() <= 1
        check_stages(box, model, (x_valid[index].view(1, 1, 28, 28) * 255).round() / 255)
        return index

    assert caption.inner_text().startswith("Digit ")
    assert check_digit() == state["picks"][0][0]  # the first digit it embeds
    # Named from 1, as the lesson names them, with the module as code indexes it (from 0)
    stages = box.locator(".network-stages figcaption").all_inner_texts()
    assert stages == [
        "layer 1 (model[0]): 4 maps of 14×14",
        "layer 2 (model[1]): 8 maps of 7×7",
        "layer 3 (model[2]): 16 maps of 4×4",
        "layer 4 (model[3]): 16 maps of 2×2",
        "layer 5 (model[4]): the 10 scores",
    ]
    labels = box.locator("canvas.network-stage").evaluate_all(
        "cs => cs.map(c => c.getAttribute('aria-label'))"
    )
    assert labels[0].startswith("The output of layer 1 (model[0]): 4 maps of 14×14")
    assert labels[4].startswith("The output of layer 5 (model[4]): the 10 scores")

    # Draw: a stroke with the mouse becomes the input, and the bars follow it.
    before = shown_probabilities(box)
    box.locator("canvas.network-pad").evaluate("c => c.scrollIntoView({block: 'center'})")
    pad = box.locator("canvas.network-pad").bounding_box()
    x0, y0 = pad["x"], pad["y"]
    page.mouse.move(x0 + 50, y0 + 35)
    page.mouse.down()
    for t in range(1, 21):
        page.mouse.move(x0 + 50 + 60 * t / 20, y0 + 35)
    for t in range(1, 21):
        page.mouse.move(x0 + 110 - 35 * t / 20, y0 + 35 + 100 * t / 20)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('.network-caption').textContent.startsWith('Your drawing')",
        timeout=5_000,
    )
    drawn = shown_probabilities(box)
    assert sum(drawn) == pytest.approx(1, abs=1e-9) and drawn != before
    assert max(drawn) == drawn[int(box.get_attribute("data-prediction"))]
    seen = canvas_levels(page, ".network-explorer canvas.network-input")
    rows, cols = torch.nonzero(seen).unbind(1)
    # Fitted into 20×20 (its grey edge, moved by a fraction of a pixel, may touch a 21st)
    assert seen.max() > 200 and max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 in (
        20,
        21,
    )

    # A digit it gets wrong, from the menu; then a finger's stroke; then the same digit again.
    menu = box.locator("select.network-wrong")
    menu.select_option(index=1)
    page.wait_for_function(
        "() => document.querySelector('.network-caption').textContent.startsWith('Digit ')",
        timeout=5_000,
    )
    wrong = check_digit()
    assert state["picks"][state["n_random"]][0] == wrong
    touch = {
        "pointerType": "touch",
        "pointerId": 7,
        "isPrimary": True,
        "button": 0,
        "bubbles": True,
    }
    pad = box.locator("canvas.network-pad")
    x0, y0 = pad.bounding_box()["x"], pad.bounding_box()["y"]
    pad.dispatch_event("pointerdown", {**touch, "clientX": x0 + 80, "clientY": y0 + 30})
    for t in range(1, 11):
        pad.dispatch_event(
            "pointermove", {**touch, "clientX": x0 + 80, "clientY": y0 + 30 + 10 * t}
        )
    pad.dispatch_event("pointerup", {**touch, "clientX": x0 + 80, "clientY": y0 + 130})
    page.wait_for_function(
        "() => document.querySelector('.network-caption').textContent.startsWith('Your drawing')",
        timeout=5_000,
    )
    seen = canvas_levels(page, ".network-explorer canvas.network-input")
    rows, cols = torch.nonzero(seen).unbind(1)
    assert rows.max() - rows.min() + 1 == 20 and cols.max() - cols.min() + 1 < 8  # a "1"
    assert int(box.get_attribute("data-prediction")) == 1
    assert menu.input_value() == ""  # the menu no longer names the digit ...
    menu.select_option(index=1)  # ... so choosing it again shows it again
    page.wait_for_function(
        "text => document.querySelector('.network-caption').textContent.startsWith(text)",
        arg=f"Digit {wrong},",
        timeout=5_000,
    )
    check_digit()

    # A random digit, then a clear pad.
    box.get_by_role("button", name="random digit").click()
    page.wait_for_function(
        "text => !document.querySelector('.network-caption').textContent.startsWith(text)",
        arg=f"Digit {wrong},",
        timeout=5_000,
    )
    assert check_digit() in {i for i, _, _ in state["picks"][: state["n_random"]]}
    box.get_by_role("button", name="clear the pad").click()
    page.wait_for_function(
        "() => document.querySelector('.network-caption').textContent.startsWith('Draw a digit')",
        timeout=5_000,
    )
    assert box.locator(".network-probs li").count() == 0
    assert log.problems() == [], log


def test_network_explorer_reads_a_small_1_as_a_large_one(site, browser):
    """The pad fits the strokes into 20×20 before it draws them, with a pen of MNIST's width:
    a small 1 in a corner of the pad becomes the same input as a large 1, and the network the
    lesson trained reads both as a 1 (not a fat bar read as an 8)."""
    page, log = open_page(browser, site, "lessons/04_cnn.html")
    box = page.locator(".network-explorer")
    box.locator(".network-caption").wait_for(timeout=15_000)
    pad = box.locator("canvas.network-pad")
    pad.evaluate("c => c.scrollIntoView({block: 'center'})")

    def draw_1(x, y, size):
        """A 1 from (x, y) down to the left, ``size`` times as long as the smallest."""
        clear = box.get_by_role("button", name="clear the pad")
        clear.click()
        corner = pad.bounding_box()
        page.mouse.move(corner["x"] + x, corner["y"] + y)
        page.mouse.down()
        for t in range(1, 21):
            page.mouse.move(
                corner["x"] + x - 2 * size * t / 20, corner["y"] + y + 25 * size * t / 20
            )
        page.mouse.up()
        page.wait_for_function(
            "() => document.querySelector('.network-caption').textContent"
            ".startsWith('Your drawing')",
            timeout=5_000,
        )
        return int(box.get_attribute("data-prediction")), canvas_levels(
            page, ".network-explorer canvas.network-input"
        )

    small, small_input = draw_1(20, 12, 1)  # 25 pad pixels: a seventh of the pad
    large, large_input = draw_1(90, 10, 5.6)  # 140 pad pixels
    assert small == large == 1
    assert (small_input - large_input).abs().max() <= 0.15 * 255  # the same input, nearly
    assert (small_input - large_input).abs().mean() <= 0.01 * 255
    assert log.problems() == [], log


def field_colours(page, level: int) -> torch.Tensor:
    """Which cells of a field-explorer grid are lit (orange): the input's pixels (level 0,
    orange blended over the grey image) or a layer's units (plain orange)."""
    lit = page.evaluate(
        """(level) => {
        const canvas = document.querySelector(`.field-explorer canvas.field-level-${level}`);
        const [h, w] = [Number(canvas.dataset.height), Number(canvas.dataset.width)];
        const step = Number(level === 0 ? canvas.dataset.scale : canvas.dataset.cell);
        const margin = level === 0 ? Number(canvas.dataset.margin) : 0;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const lit = [];
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
            const x = Math.floor((j + margin + 0.5) * step);
            const y = Math.floor((i + margin + 0.5) * step);
            const at = 4 * (y * canvas.width + x);
            lit.push(pixels[at] - pixels[at + 2] > 60 ? 1 : 0);
        }
        return {h, w, lit};
    }""",
        level,
    )
    return torch.tensor(lit["lit"], dtype=torch.bool).view(lit["h"], lit["w"])


def gradient_regions(layers, h, w, level, row, col) -> list[torch.Tensor]:
    """Where the gradient of one unit is not zero, through real nn.Conv2d layers with
    positive weights: in the input and in every layer's output up to the unit's."""
    x = torch.ones(1, 1, h, w, dtype=torch.float64, requires_grad=True)
    outputs, y = [x], x
    for k, s, p, d in layers[:level]:
        conv = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d).double()
        torch.nn.init.constant_(conv.weight, 1.0)
        torch.nn.init.constant_(conv.bias, 0.0)
        y = conv(y)
        y.retain_grad()
        outputs.append(y)
    y[0, 0, row, col].backward()
    return [out.grad[0, 0] != 0 for out in outputs]


def test_field_explorer_lights_up_the_gradient_region_on_the_static_page(site, browser):
    from coursecode import receptive_field

    page, log = open_page(browser, site, "lessons/06_receptive_fields.html")
    state = widget_state(page, "coursecode.explorers.field.FieldView")
    h, w = state["height"], state["width"]
    box = page.locator(".field-explorer-box")
    caption = box.locator(".field-caption")
    caption.wait_for(timeout=15_000)

    def check(layers, level, row, col):
        page.wait_for_function(
            "text => document.querySelector('.field-caption').textContent.startsWith(text)",
            arg=f"Unit ({row}, {col}) of layer {level} ",
            timeout=5_000,
        )
        regions = gradient_regions(layers, h, w, level, row, col)
        assert torch.equal(field_colours(page, 0), regions[0]), (layers, level, row, col)
        for k in range(1, level):
            assert torch.equal(field_colours(page, k), regions[k]), k
        table = receptive_field(layers)
        cells = box.locator(".field-table tr").evaluate_all(
            "rows => rows.slice(2).map(r => Array.from(r.querySelectorAll('td')).slice(-3)"
            ".map(td => Number(td.textContent)))"
        )
        assert cells == table[["size", "jump", "start"]].values.tolist()

    def click(level, row, col):
        grid = box.locator(f"canvas.field-level-{level}")
        cell = (
            float(grid.get_attribute("data-cell"))
            * grid.bounding_box()["width"]
            / float(grid.evaluate("c => c.width"))
        )
        grid.click(position={"x": (col + 0.5) * cell, "y": (row + 0.5) * cell})
        check(layers, level, row, col)

    layers = [tuple(layer) for layer in state["layers"]]
    check(layers, state["level"], state["row"], state["col"])
    click(3, 2, 2)  # the middle: the whole 15×15 field
    click(3, 0, 0)  # a corner: cut at the border
    # minus signs and "to" throughout (issue 25: "rows -7 to 7" beside "rows 0–7"), and the
    # blue ring named, in the key under the grids
    assert (
        "has a 15×15 field: rows −7 to 7, columns −7 to 7. Cut at the border (the rest is "
        "padding), it sees input rows 0 to 7, columns 0 to 7." in caption.inner_text()
    )
    key = box.locator(".field-key")
    assert key.is_visible() and "layer 1's padding: zeros around the input" in key.inner_text()
    click(2, 6, 3)
    click(1, 13, 0)
    grid = box.locator("canvas.field-level-2")
    grid.focus()  # the keyboard: arrows move the unit of the focused grid
    grid.press("ArrowLeft")  # focusing another layer's grid starts at its middle unit
    check(layers, 2, 3, 3)
    grid.press("ArrowLeft")
    grid.press("ArrowDown")
    check(layers, 2, 4, 2)

    menu = box.locator("select")
    dilated = "dilated 3×3 layers (dilation 1, 2, 4)"
    menu.select_option(dilated)
    layers = [(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]
    check(layers, 3, 13, 13)
    assert "Dilation leaves gaps" not in caption.inner_text()  # 1, 2, 4: no gaps
    dilation = box.get_by_label("layer 3 dilation")  # edit a layer: dilation 4 -> 3
    dilation.fill("3")
    dilation.press("Tab")
    layers[2] = (3, 1, 4, 3)
    page.wait_for_function(
        "() => document.querySelectorAll('.field-table tr')[4]"
        ".querySelectorAll('td')[4].textContent === '30×30'",
        timeout=5_000,
    )
    check(layers, 3, 13, 13)
    assert menu.input_value() == "custom"  # the menu no longer names the layers
    box.get_by_role("button", name="add a layer").click()
    layers.append((3, 1, 1, 1))
    check(layers, 3, 13, 13)  # the chosen unit stays where it was
    click(4, 0, 29)
    assert menu.input_value() == "custom"
    box.get_by_role("button", name="reset the layers").click()  # back to the menu's stack
    layers = [(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]
    check(layers, 3, 13, 13)
    assert menu.input_value() == dilated
    dilation.fill("3")  # edited, then the menu's stack chosen again: its layers again
    dilation.press("Tab")
    page.wait_for_function(
        "() => document.querySelector('.field-explorer-box select').value === 'custom'",
        timeout=5_000,
    )
    menu.select_option(dilated)
    check(layers, 3, 13, 13)
    assert menu.input_value() == dilated

    # A unit whose window lies wholly in the padding sees no pixel at all.
    padding = box.get_by_label("layer 1 padding")
    box.get_by_role("button", name="remove the last layer").click()
    box.get_by_role("button", name="remove the last layer").click()
    padding.fill("5")
    padding.press("Tab")
    layers = [(3, 1, 5, 1)]
    click(1, 0, 0)
    assert "all of it padding" in caption.inner_text()
    assert not field_colours(page, 0).any()
    padding.fill("")  # an empty box is not a 0: the page says so, and the 5 comes back
    note = box.locator(".course-box-note")
    note.wait_for(timeout=5_000)
    assert note.inner_text().startswith(
        'The box "layer 1 padding" is empty: the drawing still uses 5.'
    )
    padding.press("Tab")
    assert padding.input_value() == "5" and note.is_hidden()
    assert log.problems() == [], log


def set_slider(box, label: str, value: int):
    """Move a slider of ``box`` to ``value`` with the arrow keys."""
    handle = box.get_by_role("slider", name=label)  # named for a screen reader
    handle.focus()
    now = round(float(handle.get_attribute("aria-valuenow")))
    for _ in range(abs(value - now)):
        handle.press("ArrowRight" if value > now else "ArrowLeft")


def test_pool_explorer_pools_as_pytorch_on_the_static_page(site, browser):
    page, log = open_page(browser, site, "lessons/03_padding_stride.html")
    box = page.locator(".pool-explorer-box").first
    box.locator(".pool-caption").wait_for(timeout=15_000)
    state = widget_state(page, "coursecode.explorers.pool.PoolView")
    h, w = state["height"], state["width"]
    image = torch.tensor(state["image"], dtype=torch.float64).view(h, w)
    words = {"max": "max pool", "average": "average pool"}

    def pytorch(k, s, mode, ceil):
        pool = F.max_pool2d if mode == "max" else F.avg_pool2d
        return pool(image[None, None], k, s, ceil_mode=ceil)[0, 0]

    def check(k, s, mode, ceil):
        """The page shows PyTorch's pooled map for these settings, and the chosen cell's
        window and value; returns the chosen cell."""
        out = pytorch(k, s, mode, ceil)
        oh, ow = out.shape
        text = f"{h}×{w} → {words[mode]} {k}, stride {s}{', ceil_mode' if ceil else ''} → {oh}×{ow}"
        page.wait_for_function(
            "text => document.querySelector('.pool-explorer .pool-caption').textContent"
            ".startsWith(text)",
            arg=text,
            timeout=5_000,
        )
        shown = canvas_colours(page, ".pool-explorer canvas.pool-output")
        assert shown.shape[:2] == out.shape
        # on the input's scale: a crop of a digit, grey with 0 black and 1 white
        assert colours_match(shown, out, course_scale(image, pixels=True)), (k, s, mode, ceil)
        output = box.locator("canvas.pool-output")
        row, col = int(output.get_attribute("data-row")), int(output.get_attribute("data-col"))
        value = box.locator(".pool-value")
        assert float(value.get_attribute("data-value")) == pytest.approx(
            out[row, col].item(), abs=1e-9
        )
        top, left = row * s, col * s
        rows, cols = min(k, h - top), min(k, w - left)
        window = box.locator("canvas.pool-input")
        assert [
            int(window.get_attribute(f"data-{name}")) for name in ("top", "left", "rows", "cols")
        ] == [top, left, rows, cols]
        assert int(value.get_attribute("data-count")) == rows * cols
        numbers = box.locator(".pool-numbers td").all_inner_texts()
        pixels = [
            image[top + a, left + b].item() if a < rows and b < cols else None
            for a in range(k)
            for b in range(k)
        ]
        assert [None if t == "·" else number(t) for t in numbers] == pytest.approx(
            pixels, abs=0.006
        )
        off = (
            "hangs off the edge: it covers only" in box.locator(".pool-window-caption").inner_text()
        )
        assert off == (rows * cols < k * k)
        return row, col

    settings = [
        state["kernel_size"],
        state["stride"],
        ("max", "average")[state["mode"]],
        state["ceil_mode"],
    ]
    first = pytorch(*settings)
    # It starts on a window that holds something: an output cell with the largest value (on
    # a 7, the stroke), not the empty middle of the image (issue 25: "max of 4 = 0.00").
    assert check(*settings) == (state["row"], state["col"])
    assert first[state["row"], state["col"]] == first.max() > 0
    box.get_by_role("button", name="average").click()  # the mode, by mouse
    settings[2] = "average"
    check(*settings)
    # A window and stride that leave pixels over at the bottom or right edge.
    k, s = next(
        (k, s)
        for k in (3, 2, 4)
        for s in (2, 3, 4)
        if pytorch(k, s, "max", True).shape != pytorch(k, s, "max", False).shape
    )
    set_slider(box, "window size", k)  # the sliders, by keyboard
    set_slider(box, "stride", s)
    checkbox = box.get_by_role("checkbox", name="ceil_mode")
    if checkbox.is_checked():
        checkbox.press("Space")
        check(k, s, "average", False)
    checkbox.press("Space")  # ceil_mode, by keyboard
    out = pytorch(k, s, "average", True)
    check(k, s, "average", True)

    # A window that hangs off the edge: its mean divides by the pixels it covers. Of those
    # windows, the one with the most ink (a digit's border is black: every mean there is 0).
    oh, ow = out.shape
    clipped = [
        (i, j)
        for i in range(oh)
        for j in range(ow)
        if min(k, h - i * s) * min(k, w - j * s) < k * k
    ]
    row, col = max(
        clipped,
        key=lambda c: image[c[0] * s : c[0] * s + k, c[1] * s : c[1] * s + k].abs().sum().item(),
    )
    output = box.locator("canvas.pool-output")
    cell = (
        float(output.get_attribute("data-cell"))
        * output.bounding_box()["width"]
        / float(output.evaluate("c => c.width"))
    )
    output.click(position={"x": (col + 0.5) * cell, "y": (row + 0.5) * cell})  # by mouse
    assert check(k, s, "average", True) == (row, col)
    pixels = image[row * s : row * s + k, col * s : col * s + k]
    n = pixels.numel()
    assert (
        f"it covers only {n} {'pixel' if n == 1 else 'pixels'} of its {k}×{k} = {k * k}"
        in box.locator(".pool-window-caption").inner_text()
    )
    assert out[row, col].item() == pytest.approx(pixels.mean().item(), abs=1e-9)
    # the corner window: one pixel, said so ("1 pixel", not "1 pixels")
    corner = min(k, h - (oh - 1) * s) * min(k, w - (ow - 1) * s)
    output.click(position={"x": (ow - 0.5) * cell, "y": (oh - 0.5) * cell})
    assert check(k, s, "average", True) == (oh - 1, ow - 1)
    assert (
        f"it covers only {corner} {'pixel' if corner == 1 else 'pixels'} of its {k}×{k}"
        in box.locator(".pool-window-caption").inner_text()
    )
    output.click(position={"x": (col + 0.5) * cell, "y": (row + 0.5) * cell})
    assert check(k, s, "average", True) == (row, col)

    output.focus()  # the arrow keys move the cell
    moves = [
        ("ArrowUp", -1, 0) if row > 0 else ("ArrowDown", 1, 0),
        ("ArrowLeft", 0, -1) if col > 0 else ("ArrowRight", 0, 1),
    ]
    for key, down, right in moves:
        output.press(key)
        row, col = min(oh - 1, row + down), min(ow - 1, col + right)
        assert check(k, s, "average", True) == (row, col)
    box.get_by_role("button", name="max").press("Enter")  # back to max, by keyboard
    assert check(k, s, "max", True) == (row, col)
    assert log.problems() == [], log


LESSON_PAGES = [
    "lessons/01_kernels.html",
    "lessons/02_unfold.html",
    "lessons/03_padding_stride.html",
    "lessons/04_cnn.html",
    "lessons/05_color_channels.html",
    "lessons/06_receptive_fields.html",
]


@pytest.mark.parametrize("path", LESSON_PAGES, ids=lambda p: p.split("/")[1][:2])
def test_answer_boxes_say_what_the_python_checkers_say(site, browser, path):
    from test_answer_boxes import cases

    from coursecode.checks import verdict

    page, log = open_page(browser, site, path)
    boxes = page.locator(".answer-box")
    boxes.first.wait_for(timeout=15_000)
    names = boxes.evaluate_all("boxes => boxes.map(b => b.dataset.check)")
    exercises = page.locator("strong", has_text="Exercise").count()
    assert len(names) >= 3 and exercises - len(names) <= 1, (names, exercises)
    for i, name in enumerate(names):
        box = boxes.nth(i)
        # the right answer typed several ways, every recognised wrong answer and wrong part,
        # and odd input ("3x3", "", "-1", "1e9", "٢٤", full-width digits, ...)
        for text in cases(name):
            box.locator("input").fill(text)
            box.locator("input").press("Enter")
            expected = verdict(name, text)
            shown = box.locator(".answer-feedback").inner_text()
            assert shown == ("✓ " if expected.ok else "✗ ") + expected.message, (name, text)
    assert log.problems() == [], log


def source_exercises(path: str) -> tuple[list[str], list[int]]:
    """A lesson's "Check yourself" exercises as its source writes them: their numbers, and how
    many answer boxes each has."""
    import re
    from pathlib import Path

    source = (Path(__file__).parents[1] / path.replace(".html", ".md")).read_text(encoding="utf-8")
    section = source[source.index("\n## Check yourself") + 1 :]
    section = section[: section.find("\n## ") if "\n## " in section else len(section)]
    pieces = re.split(r"^\*\*Exercise (\d+)\.\*\*", section, flags=re.MULTILINE)
    return pieces[1::2], [body.count("answer_box(") for body in pieces[2::2]]


def expected_progress(path: str, done: int) -> str:
    """What the line under a lesson's title must say with ``done`` boxes answered right."""
    numbers, boxes = source_exercises(path)
    without = [n for n, b in zip(numbers, boxes) if b == 0]
    total = sum(boxes)
    if not without and total == len(numbers):
        return f"Check yourself: {done} of {total} exercises answered right."
    line = f"Check yourself: {done} of {total} answer boxes answered right."
    if without:
        names = without[0] if len(without) == 1 else ", ".join(without[:-1]) + f" and {without[-1]}"
        line += (
            f" Exercise {names} has no box: compare your answer with its solution."
            if len(without) == 1
            else f" Exercises {names} have no box: compare your answers with their solutions."
        )
    return line


def all_boxes_drawn(page, path: str) -> None:
    """Wait until every answer box of the lesson has drawn itself: each does so when its widget
    renders, one after another."""
    page.wait_for_function(
        "n => document.querySelectorAll('.answer-box').length === n",
        arg=sum(source_exercises(path)[1]),
    )


def progress_line(page) -> str:
    page.locator(".answer-box").first.wait_for(timeout=15_000)
    page.wait_for_function("() => document.querySelector('.answer-progress')")
    return page.locator(".answer-progress").inner_text()


@pytest.mark.parametrize("path", LESSON_PAGES, ids=lambda p: p.split("/")[1][:2])
def test_answer_progress_line_counts_the_exercises_the_page_shows(site, browser, path):
    page, log = open_page(browser, site, path)
    # before every box has drawn itself, the line already counts them all
    assert progress_line(page) == expected_progress(path, 0)
    numbers, boxes = source_exercises(path)
    shown = page.locator("article p > strong:first-child", has_text="Exercise").all_inner_texts()
    assert shown == [f"Exercise {n}." for n in numbers]
    page.wait_for_function(
        "n => document.querySelectorAll('.answer-box').length === n", arg=sum(boxes)
    )
    assert page.locator(".answer-progress").inner_text() == expected_progress(path, 0)
    page.locator(".answer-progress a").click()  # "Check yourself" leads to the exercises
    assert page.evaluate("location.hash") == "#check-yourself"
    assert log.problems() == [], log


def test_answer_boxes_remember_right_answers_and_show_the_solution(site, browser):
    path = "lessons/03_padding_stride.html"
    page, log = open_page(browser, site, path)
    boxes = page.locator(".answer-box")
    assert progress_line(page) == expected_progress(path, 0)
    progress = page.locator(".answer-progress")
    first = boxes.first
    first.locator("input").fill("14")  # wrong: not remembered
    first.get_by_role("button", name="check").click()
    assert progress.inner_text() == expected_progress(path, 0)
    first.locator("input").fill("16 px")  # right, with its unit
    first.locator("input").press("Enter")
    assert first.get_attribute("data-verdict") == "right"
    assert progress.inner_text() == expected_progress(path, 1)
    solution = page.locator("details.solution").first
    assert solution.evaluate("d => !d.open")
    first.get_by_role("button", name="show solution").click()
    assert solution.evaluate("d => d.open")
    assert "16" in solution.inner_text()

    page.reload()  # the same browser, later
    assert progress_line(page) == expected_progress(path, 1)
    assert page.locator(".answer-box input").first.input_value() == "16 px"
    assert page.locator(".answer-box").first.get_attribute("data-verdict") == "right"
    other, _ = open_page(browser, site, path)  # another visitor
    assert progress_line(other) == expected_progress(path, 0)
    assert log.problems() == [], log


def test_answer_progress_counts_a_box_only_while_its_latest_answer_is_right(site, browser):
    # A box once answered right, then checked again with a wrong answer, shows ✗: the line no
    # longer counts it, and the browser no longer remembers it as right.
    from test_answer_boxes import typed

    from coursecode.checks import CHECKS
    from coursecode.checks import verdict

    path = "lessons/03_padding_stride.html"
    page, log = open_page(browser, site, path)
    assert progress_line(page) == expected_progress(path, 0)
    progress = page.locator(".answer-progress")
    boxes = page.locator(".answer-box")
    names = boxes.evaluate_all("boxes => boxes.map(b => b.dataset.check)")[:2]
    right = {name: typed(CHECKS[name], CHECKS[name]["answer"])[0] for name in names}
    wrong, unreadable = "0", "abc"
    assert all(verdict(name, right[name]) for name in names)
    assert not any(verdict(name, text) for name in names for text in (wrong, unreadable))

    def check(i, text):
        boxes.nth(i).locator("input").fill(text)
        boxes.nth(i).locator("input").press("Enter")
        return boxes.nth(i).get_attribute("data-verdict")

    def stored(i):
        return page.evaluate(
            "name => localStorage.getItem(`convolutions-course/answered/03/${name}`)", names[i]
        )

    assert check(0, right[names[0]]) == "right" and check(1, right[names[1]]) == "right"
    assert progress.inner_text() == expected_progress(path, 2)
    assert stored(0) == right[names[0]]
    assert check(0, wrong) == "wrong"  # once right, now wrong: no longer counted
    assert boxes.nth(0).get_attribute("data-answered") is None
    assert progress.inner_text() == expected_progress(path, 1)
    assert stored(0) is None and stored(1) == right[names[1]]
    assert check(0, right[names[0]]) == "right"
    assert progress.inner_text() == expected_progress(path, 2)
    assert check(0, unreadable) == "wrong"  # an answer it cannot read is not right either
    assert progress.inner_text() == expected_progress(path, 1) and stored(0) is None

    page.reload()  # later: only the box whose latest answer was right is remembered
    assert progress_line(page) == expected_progress(path, 1)
    all_boxes_drawn(page, path)
    assert page.locator(".answer-box").nth(0).locator("input").input_value() == ""
    assert page.locator(".answer-box").nth(0).get_attribute("data-verdict") is None
    assert page.locator(".answer-box").nth(0).get_attribute("data-stored") is None
    assert page.locator(".answer-box").nth(1).get_attribute("data-verdict") == "right"
    assert log.problems() == [], log


def test_answer_boxes_judge_remembered_answers_again(site, browser):
    # Answers saved on an earlier visit, perhaps to an older version of the question: only one
    # that today's checker judges right counts; the others are dropped, and the box says so.
    path = "lessons/03_padding_stride.html"
    page, log = open_page(browser, site, path)
    saved = {
        "check_output_size": "16",  # right
        "check_same_padding": "6",  # wrong
        "check_dilated_span": '\u0000{"answer": [[7]]} \uffff garbage',  # unreadable
    }
    page.evaluate(
        "saved => { for (const [name, text] of Object.entries(saved))"
        " localStorage.setItem(`convolutions-course/answered/03/${name}`, text); }",
        saved,
    )
    page.reload()
    all_boxes_drawn(page, path)
    assert progress_line(page) == expected_progress(path, 1)
    for name, text in saved.items():
        box = page.locator(f".answer-box[data-check='{name}']")
        feedback = box.locator(".answer-feedback").inner_text()
        if name == "check_output_size":
            assert box.get_attribute("data-answered") == "yes"
            assert box.locator("input").input_value() == text
            assert feedback.startswith("✓ ")
        else:
            assert box.get_attribute("data-answered") is None
            assert box.get_attribute("data-verdict") is None  # neither right nor wrong: dropped
            assert box.get_attribute("data-stored") == "dropped"
            assert box.locator("input").input_value() == ""
            assert feedback.startswith("An answer saved on an earlier visit is not right")
            assert "✓" not in feedback
    stored = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('convolutions-course/'))"
    )
    assert stored == ["convolutions-course/answered/03/check_output_size"]
    page.reload()  # the dropped ones stay dropped: nothing to say any more
    assert progress_line(page) == expected_progress(path, 1)
    all_boxes_drawn(page, path)
    assert page.locator(".answer-box[data-stored='dropped']").count() == 0
    assert log.problems() == [], log


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_answer_boxes_and_progress_line_are_readable_in_light_and_dark(
    site, browser, needs_axe, theme
):
    from coursedev.axe import FAILING
    from coursedev.axe import describe
    from coursedev.axe import run_axe

    path = "lessons/04_cnn.html"
    page, log = open_page(browser, site, path)
    page.evaluate(
        "localStorage.setItem('convolutions-course/answered/04/check_conv_params', '1 168')"
    )
    page.reload()
    progress_line(page)
    all_boxes_drawn(page, path)  # the dropped one among them
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    boxes = page.locator(".answer-box")
    boxes.nth(0).locator("input").fill("3")  # a wrong answer, a right one, a dropped one
    boxes.nth(0).locator("input").press("Enter")
    boxes.nth(2).locator("input").fill("(8, 16, 112, 112)")
    boxes.nth(2).locator("input").press("Enter")
    assert page.locator(".answer-box[data-stored='dropped']").count() == 1
    for where in [".answer-progress", "#check-yourself"]:
        found = run_axe(page, within=where)
        assert [v for v in found if v["impact"] in FAILING] == [], (
            f"{theme}, {where}:\n{describe(found)}"
        )
    assert log.problems() == [], log
