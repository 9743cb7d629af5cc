"""Checkers for the lessons' exercises: call one with your answer, read what it says.

Each returns a :class:`Feedback`, which shows as one line ("✓ ..." or "✗ ...")
and is truthy only when the answer is right. The checkers explain a wrong
answer instead of only rejecting it.

Every checker but :func:`check_matmul_conv` (which runs your code) is one entry of
:data:`CHECKS`, a table of data: the kind of answer, the right one, a hint for
each common wrong one. The same table drives the answer boxes on the book's
pages, whose JavaScript (``static/checks.js``) reads it exactly as
:func:`verdict` does here, so a box and its checker always say the same thing.
An answer may be a Python value (a number, a tuple, a ``torch.Size``, a tensor)
or the text a learner would type in a box (``"24"``, ``"(8, 16, 112, 112)"``).
"""

import json
import math
import numbers
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "CHECKS",
    "Feedback",
    "check_bottom_edge",
    "check_channels_last_stride",
    "check_conv_params",
    "check_conv_shape",
    "check_dilated_span",
    "check_layer_shape",
    "check_map_size",
    "check_matmul_conv",
    "check_matrix_zeros",
    "check_mixer_params",
    "check_mlp_params",
    "check_output_size",
    "check_pool_field",
    "check_pool_size",
    "check_rgb_params",
    "check_rgb_unfold_rows",
    "check_rgb_weight_shape",
    "check_same_padding",
    "check_separable_params",
    "check_stack_params",
    "check_stride2_field",
    "check_stride2_size",
    "check_stride_shift",
    "check_unfold_bytes",
    "check_unfold_shape",
    "check_unread_column",
    "verdict",
]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``ok`` and a message that says why."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        mark = "✓ " if self.ok else "✗ "
        return textwrap.fill(mark + self.message, width=78, subsequent_indent="  ")


# --- the table ------------------------------------------------------------------------------
#
# Each entry: the lesson, what the exercise asks (`question`), and
#   kind      "number" (a whole number), "side" (a number n, read as n×n, or a pair),
#             "shape" (`length` numbers),
#             or "kernel" (3×3 numbers, checked on `probes`);
#   units     the unit words read after a number, in any case: "2 px", "2 pixels" for a
#             length in pixels; a count takes the words of what it counts ("1557504 bytes",
#             "75 rows", "4640 parameters"), never "px";
#   words     words read before the number, in any case ("column 5", "Col 5");
#   ask       what to type, said when an answer cannot be read;
#   answer    the right answer, and `right`, what to say then;
#   wrong     [answer, hint] for each common wrong answer;
#   order     for shapes: what to say when the answer holds the right numbers in another
#             order ("(64, 24, 24, 8)" for (64, 8, 24, 24));
#   parts     for shapes: [positions, hint, [[values, hint], ...]] — the hint for those
#             positions when they are wrong (a specific one for the listed values);
#   otherwise what to say to any other wrong answer ("{answer}" is replaced by it).
# A hint says why an answer is wrong and points at the method; it never states the right
# answer, nor a step that leaves nothing to work out (tests/test_checks.py reads them all).

ANSWERS_PATH = Path(__file__).parent / "static" / "answers.json"
CHECKS = json.loads(ANSWERS_PATH.read_text(encoding="utf-8"))
"""Every table-driven checker, by name: what it asks, the right answer, the hints. Data, in
``static/answers.json``, which the page's answer boxes get too (one entry each)."""

_TEXT = json.loads((ANSWERS_PATH.parent / "answer_text.json").read_text(encoding="utf-8"))
NEGATIVE = _TEXT["negative"]
"""The words of a refusal of a negative size or count."""
NOT_FINITE = _TEXT["not_finite"]
"""The words of a refusal of a kernel with a number that is not finite."""
SPACES = _TEXT["spaces"]
"""What counts as a space in an answer, for the checkers and the page alike: both read it from
``static/answer_text.json``. It is every character that Python's ``str.isspace`` or
JavaScript's ``/\\s/`` calls a space. They differ: only Python's has U+001C–U+001F and U+0085,
only JavaScript's U+FEFF."""
_SP = "".join(f"\\u{ord(c):04x}" for c in SPACES)  # SPACES inside a [...] of a pattern
_NUMBER = re.compile(r"[+-]?[0-9]{1,15}")
# One way to match each text (no nested choices): a long run of digits cannot make it backtrack.
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(f"[{_SP},×xX*]+")
_ITEM_SEPARATORS = re.compile("[,×xX*]")  # what sets numbers apart, spaces aside


class _Unreadable(Exception):
    """The answer cannot be read as the kind of answer the exercise wants (``values``: the
    numbers it holds, when it holds the wrong count of them)."""

    def __init__(self, values=None):
        super().__init__()
        self.values = values


class _Ambiguous(_Unreadable):
    """The answer is digit groups split by spaces ("1 168"): one number with its thousands
    spaced out, or several numbers. ``items``: the digit groups of each number the answer
    sets apart otherwise (by commas: "16 384, 147 456"), one list for "1 168"."""

    def __init__(self, items: list[list[str]]):
        super().__init__()
        self.items = items


def _clean_text(text: str) -> str:
    """What the learner typed, as both the checkers and the page read it: Unicode's
    compatibility forms folded (full-width digits become 0–9), "−" read as "-", no
    ``torch.Size(...)`` or ``torch.tensor(...)`` around it, no brackets, no spaces around."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-").strip(SPACES)
    text = re.sub(r"\Atorch\.(Size|tensor)\((.*)\)\Z", r"\2", text, flags=re.S)
    return re.sub(r"[()\[\]]", " ", text).strip(SPACES)


def _unit_pattern(units: list[str]) -> re.Pattern:
    """A unit word right after a number ("2 px", "2Pixels"), in any case of its ASCII letters.
    Each try starts at one digit and reads a fixed word: no backtracking to speak of."""
    words = sorted(units, key=len, reverse=True)  # "pixels" before "pixel"
    either = "|".join("".join(f"[{c.lower()}{c.upper()}]" for c in word) for word in words)
    return re.compile(f"([0-9])[{_SP}]*(?:{either})(?![A-Za-z])")


def _word_pattern(words: list[str]) -> re.Pattern:
    """A word the answer starts with, right before its number ("column 5", "COL 5", "col5"),
    in any case of its ASCII letters. It is tried once, at the start: no backtracking."""
    words = sorted(words, key=len, reverse=True)  # "column" before "col"
    either = "|".join("".join(f"[{c.lower()}{c.upper()}]" for c in word) for word in words)
    return re.compile(f"\\A(?:{either})[{_SP}]*(?=[+-]?[0-9])")


def _spaced_groups(text: str) -> list[str] | None:
    """The digit groups of "1 168" or "12 345 678": a number whose thousands are set apart by
    spaces, or as many numbers; None for any other text."""
    groups = re.split(f"[{_SP}]+", text)
    if len(groups) < 2 or not all(_DIGITS.fullmatch(g) for g in groups):
        return None
    first, rest = groups[0], groups[1:]
    if not 1 <= len(first) <= 3 or first[0] == "0" or any(len(g) != 3 for g in rest):
        return None
    return groups


def _spaced_items(text: str, spec: dict) -> None:
    """Raise :class:`_Ambiguous` for "16 384, 147 456": as many numbers as the answer has, set
    apart by commas (or ×), one of them digit groups split by spaces."""
    items = [item.strip(SPACES) for item in _ITEM_SEPARATORS.split(text)]
    wanted = (1, 2) if spec["kind"] == "side" else (spec["length"],)
    if len(items) < 2 or len(items) not in wanted:
        return
    spaced = [_spaced_groups(item) for item in items]
    if any(spaced) and all(g is not None or _DIGITS.fullmatch(i) for g, i in zip(spaced, items)):
        raise _Ambiguous([g if g is not None else [i] for g, i in zip(spaced, items)])


def _read_numbers(text: str, spec: dict) -> list[int]:
    """Whole numbers typed as "24", "(8, 16, 112, 112)", "24×24" or "24 x 24"; "2 px" and
    "2 pixels" where the answer is a length (``units``), "column 5" where a word may lead
    (``words``). Commas before three digits group thousands ("1,168") when the answer is one
    number, or when ", " separates the numbers ("(27,648, 50,176)"). "1 168", where one number
    would do, is ambiguous, and so is "16 384, 147 456" where a pair would."""
    text = _clean_text(text)
    if spec.get("words"):
        text = _word_pattern(spec["words"]).sub("", text, count=1)
    if spec.get("units"):
        text = _unit_pattern(spec["units"]).sub(r"\1", text)
    groups = _spaced_groups(text)
    if groups is not None and spec["kind"] in ("number", "side"):
        raise _Ambiguous([groups])
    if spec["kind"] == "number" or re.search(f",[{_SP}]", text):
        text = re.sub(r"([0-9]),(?=[0-9]{3}(?![0-9]))", r"\1", text)
    if spec["kind"] in ("side", "shape"):
        _spaced_items(text, spec)
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts or not all(_NUMBER.fullmatch(p) for p in parts):
        raise _Unreadable
    return [int(p) for p in parts]


def _whole(value) -> int | None:
    """A whole number (Python, NumPy or a 0-d integer tensor) as an int; None for anything else."""
    if isinstance(value, torch.Tensor) and value.dim() == 0 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


def _numbers(answer, spec: dict) -> list[int]:
    """The numbers of an answer given as a number, a sequence of them, or text."""
    if isinstance(answer, str):
        return _read_numbers(answer, spec)
    if _whole(answer) is not None:
        return [_whole(answer)]
    if (
        isinstance(answer, (tuple, list, torch.Size))
        and answer
        and all(_whole(v) is not None for v in answer)
    ):
        return [_whole(v) for v in answer]
    raise _Unreadable


def _normalise(spec: dict, answer):
    """The answer in the table's form: an int (number) or a list of ints (side, shape)."""
    kind = spec["kind"]
    values = _numbers(answer, spec)
    if kind == "number":
        if len(values) != 1:
            raise _Unreadable(values)
        return values[0]
    if kind == "side":
        if len(values) not in (1, 2):
            raise _Unreadable(values)
        return values * 2 if len(values) == 1 else values
    if len(values) != spec["length"]:
        raise _Unreadable(values)
    return values


def _shown(spec: dict, value) -> str:
    """An answer as the messages print it: 24, or (26, 24)."""
    if isinstance(value, int):
        return str(value)
    if spec["kind"] == "side" and value[0] == value[1]:
        return str(value[0])
    return "(" + ", ".join(str(v) for v in value) + ")"


def _sentence(hints: list[str]) -> str:
    """Hints joined into one sentence: capitalised, with a full stop."""
    message = "; ".join(hints)
    return message[0].upper() + message[1:] + "."


def _unreadable(spec: dict, answer, values=None) -> Feedback:
    if values is not None:  # numbers, but not as many as the answer has
        shown = str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"
        return Feedback(False, f"{spec['ask']}, not {shown}")
    if isinstance(answer, str):
        text = answer.strip(SPACES)
        return Feedback(False, f'{spec["ask"]}, not "{text}"' if text else f"{spec['ask']}.")
    return Feedback(False, f"{spec['ask']}, not {type(answer).__name__}")


def _ambiguous(spec: dict, items: list[list[str]]) -> Feedback:
    """What to say to "1 168" or "16 384, 147 456": each could be one number or several, so
    say how to write each."""
    typed = ", ".join(" ".join(groups) for groups in items)
    message = f"{typed}: a space may group thousands or separate numbers. Write "
    if len(items) == 1:
        groups = items[0]
        message += f"{''.join(groups)} or {','.join(groups)} for one number"
        if spec["kind"] == "side" and len(groups) == 2:
            message += f", ({groups[0]}, {groups[1]}) for a pair"
    else:
        plain = ", ".join("".join(groups) for groups in items)
        commas = ", ".join(",".join(groups) for groups in items)
        numbers = "a pair" if len(items) == 2 else f"{len(items)} numbers"
        message += f"({plain}) or ({commas}) for {numbers}"
    return Feedback(False, message + ".")


def _kernel(answer) -> list[list[float]]:
    """A 3×3 kernel from a tensor, nested lists, or text such as "1 1 1; 0 0 0; -1 -1 -1"."""
    if isinstance(answer, str):
        tokens = [t for t in re.split(f"[{_SP},;]+", _clean_text(answer)) if t]
        if not tokens or not all(_DECIMAL.fullmatch(t) for t in tokens):
            raise _Unreadable
        if len(tokens) != 9:
            raise ValueError(f"got {len(tokens)} numbers")
        values = [float(t) for t in tokens]
        return [values[0:3], values[3:6], values[6:9]]
    if isinstance(answer, np.ndarray):
        if answer.dtype.kind not in "iuf":  # numbers only: not bool, complex, text or objects
            raise _Unreadable
        answer = torch.from_numpy(answer.astype(np.float64))
    if isinstance(answer, (list, tuple)):
        try:
            answer = torch.tensor(answer, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError, OverflowError):
            raise _Unreadable from None
    if not isinstance(answer, torch.Tensor) or answer.dtype == torch.bool or answer.is_complex():
        raise _Unreadable
    if tuple(answer.shape) != (3, 3):
        raise ValueError(f"got shape {tuple(answer.shape)}")
    return answer.detach().double().cpu().tolist()


def _probe(kernel: list, image: list) -> list[float]:
    """The valid (unpadded) convolution of a probe image with a 3×3 kernel, as a list: summed
    in the order the page's JavaScript sums, so both get the same numbers to the last bit."""
    out = []
    for i in range(len(image) - 2):
        for j in range(len(image[0]) - 2):
            total = 0.0
            for a in range(3):
                for b in range(3):
                    total += image[i + a][j + b] * kernel[a][b]
            out.append(total)
    return out


_TINY = 1e-6  # below this a response counts as 0: rounding does not decide a verdict
_TESTS = {
    "zero": lambda values: max(abs(v) for v in values) <= _TINY,
    "positive": lambda values: max(values) > _TINY,
    "not positive": lambda values: max(values) <= _TINY,
}


def _kernel_verdict(spec: dict, answer) -> Feedback:
    try:
        kernel = _kernel(answer)
    except _Unreadable:
        return _unreadable(spec, answer)
    except ValueError as err:
        return Feedback(False, f"the kernel should be 3×3: nine numbers, row by row ({err})")
    if not all(math.isfinite(v) for row in kernel for v in row):
        return Feedback(False, NOT_FINITE)
    responses = [_probe(kernel, spec["images"][image]) for image, _, _ in spec["probes"]]
    if not all(math.isfinite(v) for values in responses for v in values):
        return Feedback(False, NOT_FINITE)
    for (_, test, hint), values in zip(spec["probes"], responses):
        if not _TESTS[test](values):
            return Feedback(False, hint)
    return Feedback(True, spec["right"])


def verdict(name: str, answer) -> Feedback:
    """What the checker ``name`` (a key of :data:`CHECKS`) says to ``answer``."""
    if not isinstance(name, str) or name not in CHECKS:
        raise ValueError(f"name must be one of {sorted(CHECKS)}, got {name!r}")
    return _verdict(CHECKS[name], answer)


def _verdict(spec: dict, answer) -> Feedback:
    """:func:`verdict` of a checker's entry of :data:`CHECKS`."""
    if spec["kind"] == "kernel":
        return _kernel_verdict(spec, answer)
    try:
        value = _normalise(spec, answer)
    except _Ambiguous as err:
        return _ambiguous(spec, err.items)
    except _Unreadable as err:
        return _unreadable(spec, answer, err.values)
    if min(value if isinstance(value, list) else [value]) < 0:
        return Feedback(False, f"{NEGATIVE}: {_shown(spec, value)} cannot be it.")
    if value == spec["answer"]:
        return Feedback(True, spec["right"])
    for wrong, hint in spec.get("wrong", []):
        if value == wrong:
            return Feedback(False, hint)
    if spec.get("order") and sorted(value) == sorted(spec["answer"]):
        return Feedback(False, spec["order"])
    hints = []
    for positions, hint, specific in spec.get("parts", []):
        got = [value[i] for i in positions]
        if got != [spec["answer"][i] for i in positions]:
            hints.append(next((h for values, h in specific if values == got), hint))
    if hints:
        return Feedback(False, _sentence(hints))
    return Feedback(
        False, spec.get("otherwise", "{answer} is not it.").replace("{answer}", _shown(spec, value))
    )


def _checker(name: str):
    spec = CHECKS[name]

    def check(answer) -> Feedback:
        return _verdict(CHECKS[name], answer)  # name is a key of CHECKS: nothing to check

    check.__name__ = check.__qualname__ = name
    check.__doc__ = (
        f"Lesson {spec['lesson']}: {spec['question']}.\n\n"
        f"Returns a :class:`Feedback`. The answer may be a Python value or the "
        f"text you would type in the page's answer box."
    )
    return check


check_map_size = _checker("check_map_size")
check_bottom_edge = _checker("check_bottom_edge")
check_conv_shape = _checker("check_conv_shape")
check_unfold_shape = _checker("check_unfold_shape")
check_unfold_bytes = _checker("check_unfold_bytes")
check_rgb_unfold_rows = _checker("check_rgb_unfold_rows")
check_matrix_zeros = _checker("check_matrix_zeros")
check_output_size = _checker("check_output_size")
check_same_padding = _checker("check_same_padding")
check_dilated_span = _checker("check_dilated_span")
check_unread_column = _checker("check_unread_column")
check_stride2_size = _checker("check_stride2_size")
check_conv_params = _checker("check_conv_params")
check_layer_shape = _checker("check_layer_shape")
check_mlp_params = _checker("check_mlp_params")
check_stride_shift = _checker("check_stride_shift")
check_pool_size = _checker("check_pool_size")
check_rgb_weight_shape = _checker("check_rgb_weight_shape")
check_rgb_params = _checker("check_rgb_params")
check_channels_last_stride = _checker("check_channels_last_stride")
check_mixer_params = _checker("check_mixer_params")
check_separable_params = _checker("check_separable_params")
check_stride2_field = _checker("check_stride2_field")
check_pool_field = _checker("check_pool_field")
check_stack_params = _checker("check_stack_params")


# --- a code exercise: it runs your result, so it has no answer box --------------------------


def check_matmul_conv(result, images) -> Feedback:
    """Lesson 02: the four edge kernels applied to ``images`` as one matrix product.

    ``images`` is one digit, (H, W) or (1, H, W), or a batch (N, 1, H, W) such as the
    32 digits ``xb``. ``result`` is compared with ``F.conv2d(images, edge_kernels)``: for a
    batch of N digits its shape is (N, 4, L), L = H'·W' windows, or (N, 4, H', W'); for one
    digit (4, L) or (4, H', W'). Returns a :class:`Feedback`.
    """
    from coursecode.kernels import edge_kernels

    if not isinstance(images, torch.Tensor):
        raise TypeError(
            "images must be a tensor: one digit (H, W) or (1, H, W), or a batch "
            f"(N, 1, H, W), got {type(images).__name__}"
        )
    one = images.dim() == 2 or (images.dim() == 3 and images.shape[0] == 1)
    batch = images.dim() == 4 and images.shape[1] == 1
    if not (one or batch) or images.numel() == 0 or min(images.shape[-2:]) < 3:
        raise ValueError(
            "images must be one digit (H, W) or (1, H, W), or a batch (N, 1, H, W), each "
            f"at least 3×3, got shape {tuple(images.shape)}"
        )
    x = images.detach().cpu().float().reshape(-1, 1, *images.shape[-2:])
    expected = F.conv2d(x, edge_kernels.float())  # (N, 4, H', W')
    n, _, h, w = expected.shape
    length = h * w
    if one:
        shapes = [(4, length), (4, h, w)]
        shape = f"(4, {length}) or (4, {h}, {w})"
        wanted = f"{shape}: one {h}×{w} map per kernel"
    else:
        shapes = [(n, 4, length), (n, 4, h, w)]
        shape = f"({n}, 4, {length}) or ({n}, 4, {h}, {w})"
        wanted = f"{shape}: one {h}×{w} map per kernel, for each of the {n} digits"
    if not isinstance(result, torch.Tensor):
        return Feedback(
            False, f"result should be a tensor of shape {wanted}, not {type(result).__name__}"
        )
    result = result.detach().cpu()
    got = tuple(result.shape)
    if n == 1:  # one digit, alone or a batch of one: with or without the batch axis
        shapes = [(4, length), (4, h, w), (1, 4, length), (1, 4, h, w)]
    if got in shapes:
        if result.is_complex() or not torch.allclose(
            result.float().reshape(expected.shape), expected, atol=1e-4
        ):
            return Feedback(
                False,
                "the shape is right but the values differ from F.conv2d: check that each "
                "kernel becomes one row of 9 numbers, read row by row "
                "(edge_kernels.reshape(4, 9)), and that the columns are those of the same "
                "images.",
            )
        what = "the digit" if n == 1 else f"all {n} digits"
        return Feedback(
            True, f"the same four maps of {what} as F.conv2d, from a single matrix product."
        )
    if not one and got in [(4, length), (4, h, w)]:
        return Feedback(
            False,
            f"{got} holds the four maps of one digit only; images holds {n}. Use the "
            f"columns of the whole batch, shape ({n}, 9, {length}): @ multiplies a batch of "
            "matrices too.",
        )
    if one and len(got) >= 3 and got[1:] in [(4, length), (4, h, w)]:
        return Feedback(
            False,
            f"{got} holds the maps of {got[0]} digits, but images is one digit: pass the "
            "images whose columns you multiplied.",
        )
    if result.numel() != expected.numel():
        return Feedback(
            False,
            f"expected {expected.numel():,} numbers, as {wanted}; got shape {got}. "
            "Reshape the kernels to (4, 9) and put them on the left of the product.",
        )
    if got[-1] == 4:
        return Feedback(
            False,
            f"the numbers are there, but the product is the wrong way round: in {got} the "
            "kernels are the last axis. The kernels should be the rows: put their (4, 9) "
            f"matrix on the left and the columns on the right, for {shape}.",
        )
    if not one and got in [(4, n, length), (4, n * length), (4, n, h, w)]:
        return Feedback(
            False,
            f"the numbers are there, but in {got} the kernels come first and the digits "
            f"second; the shape should be {shape}, the digits first.",
        )
    return Feedback(
        False,
        f"the numbers are there but the shape {got} is not {shape}: the kernels should be "
        "the rows of each digit's product.",
    )
