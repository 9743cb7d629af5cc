"""The answer boxes: the page's checkers (coursecode/static/checks.js, run in Node) say exactly
what the Python checkers say, for every checker and every kind of answer a learner types."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from node import Node

from coursecode import checks
from coursecode.checks import CHECKS
from coursecode.checks import verdict
from coursecode.exercises import CHECKS_JS_PATH
from coursecode.exercises import AnswerBox
from coursecode.exercises import answer_box

CASES = settings(max_examples=max(250, settings().max_examples))
NAMES = sorted(CHECKS)
MALFORMED = [
    "3x3",
    "",
    "   ",
    "-1",
    "1e9",
    "1.5",
    "abc",
    "٢٤",
    "12345678901234567",
    "(",
    ")",
    "torch.Size([])",
    "−5",
    "0",
    "+7",
    "1,2,3,4,5",
    "[[1, 2], [3]]",
    "NaN",
    "∞",
    "24 24 24",
    "1 168",  # one number with a space in it, or two: ambiguous
    "1 234 567",
    "0 168",
    "24 px",
    "2 pixels",
    "24 pixelz",
    "px",
    "\ufeff",
    "\x1c24\x85",
    "24\u200b",  # a zero-width space is not a space
    "column 5",  # a leading word, read only where the question is a column's number
    "Col5",
    "columns 5",
    "5 column",
    "16 384, 147 456",  # a pair whose numbers have spaced thousands: ambiguous
    "(16 384, 147456)",
    "16 384 × 147 456",
    "1 168, 1 168",
    "8, 16, 112, 1 112",
    "16 384, 147 456, 1",
]
# Spaces that Python and JavaScript disagree about: each side must read them as the other does.
ODD_SPACES = ["\ufeff", "\x1c", "\x1f", "\x85", "\u2028", "\u3000", "\u202f"]


HELPERS = """
const HELPERS = {
  spaces: () => math.SPACES,
  constant: (name) => math[name],  // an exported constant
  // every code point that JavaScript's own \\s calls a space
  regexSpaces: () => {
    const found = [];
    for (let c = 0; c < 0x110000; c++) if (/\\s/.test(String.fromCodePoint(c))) found.push(c);
    return found;
  },
  // how long the page takes to judge `text` (ms)
  timed: (spec, text) => {
    const start = performance.now();
    math.verdict(spec, text);
    return performance.now() - start;
  },
  repeat: (text, times) => text.repeat(times),
};
"""


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = Node(CHECKS_JS_PATH, tmp_path_factory.mktemp("js"), helpers=HELPERS)
    yield node
    node.close()


def same(js, name, text):
    """The page's verdict on ``text`` equals Python's, message and all; returns it."""
    expected = verdict(name, text)
    got = js("verdict", CHECKS[name], text)
    assert (got["ok"], got["message"]) == (expected.ok, expected.message), (name, text)
    return expected


def typed(spec, value) -> list[str]:
    """The ways a learner types ``value`` for this kind of answer."""
    units = spec.get("units", [])
    units = [f"{value} {units[-1]}", f"{value}{units[0].capitalize()}"] if units else []
    words = spec.get("words", [])
    words = [f"{words[0]} {value}", f"{words[-1].upper()}{value}"] if words else []
    if spec["kind"] == "number":
        return [str(value), f"{value:,}", f" {value} ", *units, *words]
    if spec["kind"] == "side":
        units = (
            [f"{value[0]} pixels", f"{value[0]} px × {value[1]} PX"] if spec.get("units") else []
        )
        return [
            str(value[0]),
            f"({value[0]}, {value[1]})",
            f"{value[0]}×{value[1]}",
            f"{value[0]}x{value[1]}",
            *units,
        ]
    joined = ", ".join(map(str, value))
    return [
        f"({joined})",
        f"[{joined}]",
        f"torch.Size([{joined}])",
        " ".join(map(str, value)),
        "(" + ", ".join(f"{v:,}" for v in value) + ")",
    ]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


KERNELS = {  # for the kernel checker: typed kernels, and what the checker must say
    "[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]": "fires where bright pixels sit above dark",
    "1 1 1; 0 0 0; -1 -1 -1": "fires where bright pixels sit above dark",
    "torch.tensor([[1., 2, 1], [0, 0, 0], [-1, -2, -1]])": "fires where",
    ".5 .5 .5 0 0 0 -.5 -.5 -.5": "fires where",
    "0.1 0.1 0.1; 0.2 0.2 0.2; -0.3 -0.3 -0.3": "fires where",  # its flat sum is 5.6e-17
    "-1 -1 -1; 0 0 0; 1 1 1": "positive answer",  # top_edge
    "1 1 1; 1 1 1; 1 1 1": "sum to 0",
    "1 1 1; 0 0 0; 0 -1 -2": "vertical edge",
    "0 0 0 0 0 0 0 0 0": "positive answer",
    "1 1 1; 0 0 0": "got 6 numbers",
    "１ １ １; ０ ０ ０; -１ -１ -１": "fires where",  # full-width digits
    "1e999 1e999 1e999; 0 0 0; -1e999 -1e999 -1e999": checks.NOT_FINITE,  # reads as inf
    "1 1 1; 0 0 0; -1 -1 -1e400": checks.NOT_FINITE,
    "1e308 1e308 1e308; 0 0 0; -1e308 -1e308 -1e308": checks.NOT_FINITE,  # its sums overflow
    "1e308 0 0; 1e308 0 0; 0 0 0": checks.NOT_FINITE,  # so do these
}


def cases(name) -> dict:
    """What a learner might type for this checker, and a piece of what the checker must say
    (None for the odd inputs: Python and the page must only agree)."""
    spec = CHECKS[name]
    if spec["kind"] == "kernel":
        return {**dict.fromkeys(MALFORMED), **KERNELS}
    found = dict.fromkeys(MALFORMED)
    for text in typed(spec, spec["answer"]):
        found[text] = spec["right"]
    found[full_width(typed(spec, spec["answer"])[0])] = spec["right"]  # "２４"
    for space in ODD_SPACES:
        found[f"{space}{typed(spec, spec['answer'])[0]}{space}"] = spec["right"]
    for wrong, hint in spec.get("wrong", []):
        for text in typed(spec, wrong):
            found[text] = hint
    for positions, hint, specific in spec.get("parts", []):
        for values, part_hint in [*specific, [[spec["answer"][i] + 1 for i in positions], hint]]:
            answer = list(spec["answer"])
            for i, v in zip(positions, values):
                answer[i] = v
            found[typed(spec, answer)[0]] = part_hint[1:]  # capitalised when it comes first
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_checker_says_the_same_on_the_page(js, name):
    right = CHECKS[name]["right"]
    for text, expected in cases(name).items():
        feedback = same(js, name, text)
        if expected is not None:
            assert expected in feedback.message, (text, feedback)
            assert feedback.ok == (expected in right), (text, feedback)


ALPHABET = "0123456789 ,()[]×x-+.−２４٣abepilsPXcomnuC\t\ufeff\x1c\x85\u2028\u202f\u200b"


@CASES
@given(st.sampled_from(NAMES), st.text(alphabet=ALPHABET, max_size=24))
def test_any_typed_text_gets_the_same_verdict_on_the_page(js, name, text):
    same(js, name, text)


@CASES
@given(
    st.sampled_from([n for n in NAMES if CHECKS[n]["kind"] != "kernel"]),
    st.lists(st.integers(-3, 300_000), min_size=1, max_size=5),
    st.sampled_from([", ", " ", "×"]),
)
def test_any_numbers_get_the_same_verdict_on_the_page(js, name, values, separator):
    same(js, name, "(" + separator.join(map(str, values)) + ")")


def test_the_page_refuses_what_python_refuses_with_the_same_words(js, tmp_path):
    assert js("constant", "NOT_FINITE") == checks.NOT_FINITE  # both read one file for them
    for text in ["1" * 20_000 + "a", "1" * 20_000, "0 0 0 0 0 0 0 0 1e999"]:
        same(js, "check_bottom_edge", text)


@CASES
@given(
    st.lists(
        st.sampled_from(
            ["0", "1", "-1", "1e308", "-1e308", "1e999", "-1e999", "5e307", ".5", "1e-320"]
        ),
        min_size=9,
        max_size=9,
    )
)
def test_any_kernel_of_huge_numbers_gets_the_same_verdict_on_the_page(js, tokens):
    same(js, "check_bottom_edge", " ".join(tokens))


def test_python_and_the_page_agree_on_what_a_space_is(js):
    python = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    javascript = {chr(c) for c in js("regexSpaces")}
    assert python != javascript  # why one definition is needed: U+FEFF, U+001C–U+001F, U+0085
    assert set(checks.SPACES) == python | javascript
    assert js("spaces") == checks.SPACES
    assert len(set(checks.SPACES)) == len(checks.SPACES)
    for c in [*checks.SPACES, "\u200b", "\u180e", "\u2060"]:  # the last three: not spaces
        for name in ["check_conv_params", "check_map_size", "check_stack_params"]:
            for text in [c, f"{c}1168{c}", f"27648{c}50176", f"24{c}×{c}24", f"1{c}168"]:
                same(js, name, text)
        same(js, "check_bottom_edge", f"{c}1{c}1 1;0 0 0;-1{c}-1 -1{c}")


@pytest.mark.parametrize(
    "text, times",
    [
        ("1 ", 100_000),
        (" ", 200_000),
        ("1px", 100_000),
        ("1,", 100_000),
        ("1 111", 50_000),
        ("\ufeff", 200_000),
        ("torch.Size(", 50_000),
    ],
)
def test_the_page_reads_a_long_answer_in_linear_time(js, text, times):
    # a pattern that backtracked would take minutes on these; they take milliseconds
    for name in ["check_conv_params", "check_map_size", "check_layer_shape", "check_bottom_edge"]:
        for long in [js("repeat", text, times) + "a", "1" + js("repeat", text, times)]:
            assert js("timed", CHECKS[name], long) < 5_000, (name, text)


def test_what_the_checkers_share_is_written_once_and_travels_as_data(js):
    # answer_text.json: the spaces and the refusals' words; checks.py and checks.js read it
    text = json.loads((CHECKS_JS_PATH.parent / "answer_text.json").read_text(encoding="utf-8"))
    assert (checks.SPACES, checks.NEGATIVE, checks.NOT_FINITE) == (
        text["spaces"],
        text["negative"],
        text["not_finite"],
    )
    assert [js("constant", name) for name in ("SPACES", "NEGATIVE", "NOT_FINITE")] == [
        text["spaces"],
        text["negative"],
        text["not_finite"],
    ]
    for source in (CHECKS_JS_PATH, Path(checks.__file__)):  # no copy of the words in the code
        code = source.read_text(encoding="utf-8")
        assert text["negative"] not in code and text["not_finite"][:40] not in code
        assert "\\u2028" not in code and "\\x1c" not in code
    # the page's module holds the data itself: the page has no answer_text.json to import
    source = answer_box("check_map_size").code.source
    assert "answer_text.json" not in source
    assert f"const TEXT = {json.dumps(text, separators=(',', ':'))};" in source


def test_the_table_travels_to_the_page_as_json():
    assert json.loads(json.dumps(CHECKS)) == CHECKS
    for name, spec in CHECKS.items():
        assert getattr(checks, name).__doc__.startswith(f"Lesson {spec['lesson']}: ")
        assert name in checks.__all__


def test_an_answer_box_carries_its_checker():
    box = answer_box(checks.check_map_size)
    assert box.spec == CHECKS["check_map_size"] and box.name == "check_map_size"
    assert repr(box).startswith("AnswerBox(check_map_size): an answer box.")
    assert "export function verdict" in box.code.source
    # One copy of the code, however many boxes: each box's own module only loads it.
    other = answer_box("check_conv_params")
    assert other.code is box.code
    assert len(box.get_state()["_esm"]) < 1_000
    # ... and one copy of the style too, which the first box puts in the page.
    assert not box.get_state().get("_css") and ".answer-box {" in box.code.css
    own = {k: v for k, v in box.get_state().items() if k != "spec"}  # all but its table entry
    assert len(json.dumps(own)) < 1_500, own
    assert other.get_state()["code"] == box.get_state()["code"] == f"IPY_MODEL_{box.code.model_id}"
    with pytest.raises(ValueError, match="check_matmul_conv"):  # a code exercise: no box
        answer_box(checks.check_matmul_conv)
    with pytest.raises(TypeError, match="checker's name"):
        AnswerBox(3)
