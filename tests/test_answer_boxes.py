"""The answer boxes: the page's checkers (coursecode/static/checks.js, run in Node) say exactly
what the Python checkers say, for every checker and every kind of answer a learner types."""

import json

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
]


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = Node(CHECKS_JS_PATH, tmp_path_factory.mktemp("js"))
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
    if spec["kind"] == "number":
        return [str(value), f"{value:,}", f" {value} "]
    if spec["kind"] == "side":
        return [
            str(value[0]),
            f"({value[0]}, {value[1]})",
            f"{value[0]}×{value[1]}",
            f"{value[0]}x{value[1]}",
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


ALPHABET = "0123456789 ,()[]×x-+.−２４٣abe\t"


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
    assert f'export const NOT_FINITE = "{checks.NOT_FINITE[:60]}' in CHECKS_JS_PATH.read_text()
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
    assert other.get_state()["code"] == box.get_state()["code"] == f"IPY_MODEL_{box.code.model_id}"
    with pytest.raises(ValueError, match="check_matmul_conv"):  # a code exercise: no box
        answer_box(checks.check_matmul_conv)
    with pytest.raises(TypeError, match="checker's name"):
        AnswerBox(3)
