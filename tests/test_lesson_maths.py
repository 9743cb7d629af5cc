"""The lessons' formulas are maths, not code: numbered display equations with a label,
``$$ ... $$ (label)``, referred to with ``{eq}`label```, and inline ``$...$`` for the rest.
A formula typed as Unicode inside a code span (`⌊(n + 2p − k) / s⌋ + 1`) renders as
code, cannot be numbered or linked, and reads badly to a screen reader."""

import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.md"))

# Characters that only a formula uses: minus sign, floor/ceiling, arrows, dot operator.
MATHS = re.compile("[−⌊⌋⌈⌉←→·√∑]")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
LABEL = re.compile(r"^\$\$[ \t]*\(([A-Za-z0-9_-]+)\)[ \t]*$", re.M)
REFERENCE = re.compile(r"\{eq\}`([^`]+)`")


def prose(md: Path) -> str:
    """The lesson's markdown cells, joined (code cells are code)."""
    return "\n\n".join(c.source for c in jupytext.read(md).cells if c.cell_type == "markdown")


def all_prose() -> str:
    return "\n\n".join(prose(md) for md in LESSONS)


@pytest.mark.parametrize("md", LESSONS, ids=lambda p: p.name)
def test_no_formula_is_typed_into_a_code_span(md):
    # Solutions' ```python fences are code; strip them before looking at inline spans.
    text = re.sub(r"^```.*?^```", "", prose(md), flags=re.S | re.M)
    offenders = [span for _, span in CODE_SPAN.findall(text) if MATHS.search(span)]
    assert not offenders, (
        f"{md.name}: write these as maths ($...$, or a numbered $$...$$ (label)): {offenders}"
    )


def test_every_numbered_equation_is_referred_to_and_every_reference_exists():
    text = all_prose()
    labels = LABEL.findall(text)
    assert labels, "no numbered equation found: the lessons' formulas are numbered maths"
    assert len(labels) == len(set(labels)), f"a label is used twice: {sorted(labels)}"
    references = set(REFERENCE.findall(text))
    assert not set(labels) - references, (
        f"numbered but never referred to with {{eq}}: {sorted(set(labels) - references)}"
    )
    assert not references - set(labels), (
        f"{{eq}} refers to no equation: {sorted(references - set(labels))}"
    )


def test_the_output_size_formula_is_lesson_3s_and_lesson_4_refers_back_to_it():
    lesson_3 = prose(ROOT / "lessons" / "03_padding_stride.md")
    lesson_4 = prose(ROOT / "lessons" / "04_cnn.md")
    assert "out-size" in LABEL.findall(lesson_3)
    assert "{eq}`out-size`" in lesson_4
