"""Checkers for the lessons' exercises: call one with your answer, read what it says.

Each returns a :class:`Feedback`, which shows as one line ("✓ ..." or "✗ ...")
and is truthy only when the answer is right. The checkers explain a wrong
answer instead of only rejecting it.
"""

import textwrap
from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "Feedback",
    "check_bottom_edge",
    "check_conv_shape",
    "check_map_size",
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


def _as_shape(answer) -> tuple | None:
    """Read an answer given as an int, a tuple/list of ints or a torch.Size; None if it is not one."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return (answer,)
    if isinstance(answer, (tuple, list, torch.Size)) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in answer
    ):
        return tuple(answer)
    return None


# --- lesson 01: kernels and feature maps -------------------------------------------------

def check_map_size(answer) -> Feedback:
    """Lesson 01: the feature map of a 5×5 kernel slid over a 28×28 image (no padding)."""
    shape = _as_shape(answer)
    if shape is None:
        return Feedback(False, f"answer with a number or a pair of numbers such as (26, 26), "
                               f"not {type(answer).__name__}")
    if shape in ((24,), (24, 24)):
        return Feedback(True, "24×24: a 5-wide window has 28 − 5 + 1 = 24 places to start in each row.")
    if shape in ((26,), (26, 26)):
        return Feedback(False, "26 is the answer for a 3×3 kernel. A 5×5 window is wider: "
                               "count where its left column can start.")
    if shape in ((23,), (23, 23)):
        return Feedback(False, "28 − 5 = 23 forgets the first position: the window can start at "
                               "column 0 and at column 23, which is 24 places.")
    if shape in ((28,), (28, 28)):
        return Feedback(False, "the map is smaller than the image: the window cannot hang over "
                               "the edge, so it has fewer places to go than there are pixels.")
    return Feedback(False, f"{shape} is not it. The window's left column can go from 0 up to the "
                           "last column where the whole window still fits.")


def check_bottom_edge(kernel) -> Feedback:
    """Lesson 01: a 3×3 kernel that responds to bottom edges (bright above, dark below)."""
    if not isinstance(kernel, torch.Tensor):
        return Feedback(False, f"the kernel should be a tensor, e.g. torch.tensor([[...], [...], [...]]), "
                               f"not {type(kernel).__name__}")
    if kernel.shape != (3, 3):
        return Feedback(False, f"the kernel should be 3×3, got shape {tuple(kernel.shape)}")
    k = kernel.detach().float().cpu()
    bright_top = torch.zeros(7, 7)
    bright_top[:3] = 1.0   # a bottom edge: bright rows above dark ones
    dark_top = 1.0 - bright_top
    flat = torch.ones(7, 7)

    def response(im):
        return F.conv2d(im[None, None], k[None, None])[0, 0]

    if response(flat).abs().max() > 1e-6:
        return Feedback(False, "on a flat, evenly lit patch it should answer 0: make the weights sum to 0.")
    if response(bright_top).max() <= 0:
        return Feedback(False, "it should give a positive answer where bright pixels sit above dark "
                               "ones. Try flipping the signs of top_edge.")
    if response(dark_top).max() > 0:
        return Feedback(False, "it also fires on top edges (dark above bright): a bottom-edge kernel "
                               "should answer those with a negative number.")
    if response(bright_top.T).abs().max() > 1e-6:
        return Feedback(False, "it responds to a vertical edge too: keep each row's weights equal.")
    return Feedback(True, "it fires where bright pixels sit above dark ones, and nowhere else.")


def check_conv_shape(answer) -> Feedback:
    """Lesson 01: F.conv2d's output shape for 64 digits (64, 1, 28, 28) and 8 kernels of 5×5."""
    shape = _as_shape(answer)
    if shape is None or len(shape) != 4:
        return Feedback(False, "answer with four numbers (N, C, H, W), e.g. (16, 4, 26, 26).")
    if shape == (64, 8, 24, 24):
        return Feedback(True, "(64, 8, 24, 24): one 24×24 map per kernel, for each of the 64 digits.")
    n, c, h, w = shape
    hints = []
    if n != 64:
        hints.append("the batch size N does not change: one output per input image")
    if c != 8:
        hints.append("each of the 8 kernels makes one output channel, so C = 8")
    if (h, w) != (24, 24):
        hints.append("a 5×5 kernel fits 28 − 5 + 1 = 24 times along each side")
    message = "; ".join(hints)
    return Feedback(False, message[0].upper() + message[1:] + ".")
