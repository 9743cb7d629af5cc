"""Checkers for the lessons' exercises: call one with your answer, read what it says.

Each returns a :class:`Feedback`, which shows as one line ("✓ ..." or "✗ ...")
and is truthy only when the answer is right. The checkers explain a wrong
answer instead of only rejecting it.
"""

import numbers
import textwrap
from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "Feedback",
    "check_bottom_edge",
    "check_channels_last_stride",
    "check_conv_params",
    "check_conv_shape",
    "check_dilated_span",
    "check_layer_shape",
    "check_map_size",
    "check_matmul_conv",
    "check_output_size",
    "check_pool_field",
    "check_rgb_params",
    "check_rgb_weight_shape",
    "check_same_padding",
    "check_stack_params",
    "check_stride2_field",
    "check_stride2_size",
    "check_unfold_bytes",
    "check_unfold_shape",
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


def _as_int(answer) -> int | None:
    """An answer that is a whole number (Python, NumPy or a 0-d integer tensor) as an int, else None."""
    if isinstance(answer, torch.Tensor) and answer.dim() == 0 and not answer.is_floating_point():
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return None
    return int(answer)


def _as_shape(answer) -> tuple | None:
    """Read an answer given as a whole number or a tuple/list/torch.Size of them; None otherwise."""
    if _as_int(answer) is not None:
        return (_as_int(answer),)
    if isinstance(answer, (tuple, list, torch.Size)) and all(_as_int(v) is not None for v in answer):
        return tuple(_as_int(v) for v in answer)
    return None


def _wrong(hints: list[str]) -> Feedback:
    """A wrong answer's feedback: every hint that applies, as one sentence."""
    message = "; ".join(hints)
    return Feedback(False, message[0].upper() + message[1:] + ".")


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
    return _wrong(hints)


# --- lesson 02: unfold and im2col --------------------------------------------------------

def check_unfold_shape(answer) -> Feedback:
    """Lesson 02: ``F.unfold(digit[None], 5, stride=2, padding=2)`` for one 28×28 digit."""
    shape = _as_shape(answer)
    if shape is None or len(shape) not in (2, 3):
        return Feedback(False, "answer with the shape as a pair (rows, columns), e.g. (9, 676).")
    if shape in ((25, 196), (1, 25, 196)):
        return Feedback(True, "(25, 196): 5×5 = 25 pixels per window, and 14×14 = 196 windows "
                              "because (28 + 2·2 − 5) // 2 + 1 = 14.")
    rows, cols = shape[-2:]
    hints = []
    if rows != 25:
        hints.append("each column holds one window's pixels: 5×5 = 25 of them")
    if cols == 784:
        hints.append("784 = 28×28 is the count with stride 1; stride 2 skips every other position")
    elif cols == 144:
        hints.append("144 = 12×12 forgets the padding: 2 pixels on each side make the input 32 wide")
    elif cols != 196:
        hints.append("count the windows along one side with (n + 2p − k) // s + 1, then square it")
    return _wrong(hints)


def check_unfold_bytes(answer) -> Feedback:
    """Lesson 02: bytes of ``F.unfold`` for 64 digits (64, 1, 28, 28), 3×3, float32."""
    if _as_int(answer) is None:
        return Feedback(False, f"answer with a whole number of bytes, not {type(answer).__name__}")
    answer = _as_int(answer)
    right = 64 * 9 * 676 * 4
    if answer == right:
        return Feedback(True, f"{right:,} bytes: 64 × 9 × 676 numbers of 4 bytes each, about 7.8 times "
                              "the 200,704 bytes of the digits themselves.")
    if answer == right // 4:
        return Feedback(False, "that counts numbers, not bytes: a float32 takes 4 bytes.")
    if answer == 64 * 784 * 4:
        return Feedback(False, "that is the size of the input. The unfolded matrix repeats each pixel "
                               "in up to 9 windows.")
    return Feedback(False, "multiply the shape of the unfolded tensor (64, 9, 676) together, "
                           "then by the bytes per number (x.element_size()).")


def check_matmul_conv(result, image) -> Feedback:
    """Lesson 02: the four edge kernels applied to ``image`` (28×28) as one matrix product."""
    from coursecode.kernels import edge_kernels

    if not isinstance(result, torch.Tensor):
        return Feedback(False, f"result should be a tensor, not {type(result).__name__}")
    expected = F.conv2d(image.reshape(1, 1, *image.shape[-2:]).float(), edge_kernels)[0]
    if result.numel() != expected.numel():
        return Feedback(False, f"expected {tuple(expected.shape)} numbers (one 26×26 map per kernel, "
                               f"as (4, 676) or (4, 26, 26)), got shape {tuple(result.shape)}. "
                               "Reshape the kernels to (4, 9) and put them on the left of the product.")
    if result.shape not in ((4, 676), (4, 26, 26)):
        return Feedback(False, f"the numbers are there but the shape {tuple(result.shape)} is not "
                               "(4, 676) or (4, 26, 26): kernels should be the rows.")
    if not torch.allclose(result.reshape(4, 26, 26).float(), expected, atol=1e-5):
        return Feedback(False, "the shape is right but the values differ from F.conv2d: check that "
                               "the kernels are reshaped row by row (edge_kernels.view(4, 9)).")
    return Feedback(True, "the same four maps as F.conv2d, from a single matrix product.")


# --- lesson 04: a CNN for MNIST ----------------------------------------------------------

def check_stride2_size(answer) -> Feedback:
    """Lesson 04: map size after conv(1, 4), conv(4, 8), conv(8, 16) on a 28×28 digit."""
    shape = _as_shape(answer)
    if shape is None:
        return Feedback(False, "answer with a number (the side of the map) or a pair.")
    if shape in ((4,), (4, 4)):
        return Feedback(True, "4×4: 28 → 14 → 7 → 4. The last step rounds up, because padding 1 "
                              "gives (7 + 2 − 3) // 2 + 1 = 4.")
    if shape in ((3,), (3, 3)):
        return Feedback(False, "7 / 2 = 3.5, but the formula (n + 2p − k) // s + 1 gives 4: with padding "
                               "the window still fits a 4th time.")
    return Feedback(False, "apply (n + 2·1 − 3) // 2 + 1 three times, starting from n = 28.")


def check_conv_params(answer) -> Feedback:
    """Lesson 04: the number of parameters (weights and biases) of ``conv(8, 16)``."""
    if _as_int(answer) is None:
        return Feedback(False, f"answer with a whole number, not {type(answer).__name__}")
    answer = _as_int(answer)
    if answer == 8 * 16 * 9 + 16:
        return Feedback(True, "1,168: 16 kernels of shape (8, 3, 3) = 1,152 weights, plus 16 biases.")
    if answer == 8 * 16 * 9:
        return Feedback(False, "that counts the weights; each of the 16 kernels also has a bias.")
    if answer in (16 * 9 + 16, 16 * 9):
        return Feedback(False, "each kernel reads all 8 input channels, so it is (8, 3, 3), not 3×3.")
    return Feedback(False, "weights: out × in × k × k; biases: one per output channel.")


def check_layer_shape(answer) -> Feedback:
    """Lesson 04: ``nn.Conv2d(3, 16, 3, stride=2, padding=1)`` on a batch (8, 3, 224, 224)."""
    shape = _as_shape(answer)
    if shape is None or len(shape) != 4:
        return Feedback(False, "answer with four numbers (N, C, H, W).")
    if shape == (8, 16, 112, 112):
        return Feedback(True, "(8, 16, 112, 112): 8 images, 16 kernels, and (224 + 2 − 3) // 2 + 1 = 112.")
    n, c, h, w = shape
    hints = []
    if n != 8:
        hints.append("the batch stays 8")
    if c != 16:
        hints.append("16 kernels make 16 output channels")
    if (h, w) != (112, 112):
        hints.append("(224 + 2·1 − 3) // 2 + 1 = 112")
    return _wrong(hints)


# --- lesson 03: padding and stride -------------------------------------------------------

def check_output_size(answer) -> Feedback:
    """Lesson 03: output side for n=32, k=5, p=2, s=2 (no dilation)."""
    shape = _as_shape(answer)
    if shape is None:
        return Feedback(False, "answer with a number (the side of the output) or a pair.")
    if shape in ((16,), (16, 16)):
        return Feedback(True, "16: ⌊(32 + 2·2 − 5) / 2⌋ + 1 = ⌊31 / 2⌋ + 1 = 15 + 1.")
    if shape in ((32,), (32, 32)):
        return Feedback(False, "32 is what padding 2 keeps with stride 1; stride 2 takes every "
                               "other position.")
    if shape in ((14,), (14, 14)):
        return Feedback(False, "that forgets the padding: n + 2p = 36, not 32.")
    if shape in ((15,), (15, 15)):
        return Feedback(False, "⌊31 / 2⌋ = 15 counts the steps; add 1 for the first position.")
    return Feedback(False, "use ⌊(n + 2p − k) / s⌋ + 1 with n = 32, k = 5, p = 2, s = 2.")


def check_same_padding(answer) -> Feedback:
    """Lesson 03: padding that keeps the size for a 7×7 kernel, stride 1."""
    if _as_int(answer) is None:
        return Feedback(False, f"answer with a whole number, not {type(answer).__name__}")
    answer = _as_int(answer)
    if answer == 3:
        return Feedback(True, "3 = 7 // 2: the kernel's centre can then sit on every pixel, "
                              "border ones included.")
    if answer == 6:
        return Feedback(False, "6 is the total over both sides; padding is per side.")
    if answer == 7:
        return Feedback(False, "too much: the output would grow by 2·7 − 6 = 8 pixels.")
    return Feedback(False, "the kernel hangs k // 2 pixels past its centre on each side.")


def check_dilated_span(answer) -> Feedback:
    """Lesson 03: pixels spanned by a 3×3 kernel with dilation 3."""
    if _as_int(answer) is None:
        return Feedback(False, f"answer with a whole number, not {type(answer).__name__}")
    answer = _as_int(answer)
    if answer == 7:
        return Feedback(True, "7 = 3·(3 − 1) + 1: taps at 0, 3 and 6, with two skipped pixels "
                              "between neighbours.")
    if answer == 9:
        return Feedback(False, "3 × 3 counts the taps; the span is from the first tap to the last.")
    if answer == 8:
        return Feedback(False, "taps at 0, 3, 6: the last one is pixel 6, so the span is 7 pixels.")
    return Feedback(False, "the span is d·(k − 1) + 1.")


# --- lesson 05: colour channels -----------------------------------------------------------

def check_rgb_weight_shape(answer) -> Feedback:
    """Lesson 05: the weight shape of ``nn.Conv2d(3, 16, 5)``."""
    shape = _as_shape(answer)
    if shape is None or len(shape) != 4:
        return Feedback(False, "answer with four numbers (out, in, kH, kW).")
    if shape == (16, 3, 5, 5):
        return Feedback(True, "(16, 3, 5, 5): 16 kernels, each with one 5×5 slice per input channel.")
    if shape == (3, 16, 5, 5):
        return Feedback(False, "PyTorch puts the output channels first: (out, in, kH, kW).")
    return Feedback(False, "16 output channels, 3 input channels, and a 5×5 window: put them "
                           "in the order (out, in, kH, kW).")


def check_rgb_params(answer) -> Feedback:
    """Lesson 05: parameters (weights and biases) of ``nn.Conv2d(3, 16, 5)``."""
    if _as_int(answer) is None:
        return Feedback(False, f"answer with a whole number, not {type(answer).__name__}")
    answer = _as_int(answer)
    if answer == 16 * 3 * 25 + 16:
        return Feedback(True, "1,216: 16 × 3 × 5 × 5 = 1,200 weights and 16 biases.")
    if answer == 16 * 3 * 25:
        return Feedback(False, "that is the weights; add one bias per output channel.")
    if answer == 16 * 25 + 16:
        return Feedback(False, "each kernel has a 5×5 slice for each of the 3 input channels.")
    return Feedback(False, "out × in × k × k weights, plus out biases.")


def check_channels_last_stride(answer) -> Feedback:
    """Lesson 05: ``torch.zeros(1, 3, 4, 5).contiguous(memory_format=torch.channels_last).stride()``."""
    shape = _as_shape(answer)
    if shape is None or len(shape) != 4:
        return Feedback(False, "answer with four numbers, one stride per axis (N, C, H, W).")
    if shape == (60, 1, 15, 3):
        return Feedback(True, "(60, 1, 15, 3): channels are neighbours (1), a pixel is 3 numbers, "
                              "a row 5 pixels = 15, an image 60.")
    if shape == (60, 20, 5, 1):
        return Feedback(False, "that is the usual NCHW layout; in channels-last the channel axis "
                               "moves fastest.")
    return Feedback(False, "in memory the order is N, H, W, C: C moves by 1, W by C, H by W·C.")


# --- lesson 06: receptive fields ----------------------------------------------------------

def check_stride2_field(answer) -> Feedback:
    """Lesson 06: the receptive field after three stride-2 3×3 convolutions."""
    shape = _as_shape(answer)
    if shape is None:
        return Feedback(False, "answer with the side of the field, a number.")
    if shape in ((15,), (15, 15)):
        return Feedback(True, "15×15: 1 + 2·1 + 2·2 + 2·4 = 15; each layer adds (k − 1) times the "
                              "jump so far.")
    if shape in ((7,), (7, 7)):
        return Feedback(False, "7 is the field after two layers; the third adds (3 − 1)·4 = 8.")
    if shape in ((9,), (9, 9)):
        return Feedback(False, "stacking 3×3 layers adds 2 each time only at stride 1; after stride "
                               "2 each step counts double.")
    return Feedback(False, "use r ← r + (k − 1)·j, then j ← j·s, three times from r = 1, j = 1.")


def check_pool_field(answer) -> Feedback:
    """Lesson 06: the field after two 3×3 stride-1 convolutions and a 2×2 stride-2 max-pool."""
    shape = _as_shape(answer)
    if shape is None:
        return Feedback(False, "answer with the side of the field, a number.")
    if shape in ((6,), (6, 6)):
        return Feedback(True, "6×6: 3, then 5, then the pool adds (2 − 1)·1 = 1.")
    if shape in ((10,), (10, 10)):
        return Feedback(False, "the pool's stride only matters for the layers after it: it adds "
                               "(k − 1)·j with the jump *before* it, which is 1.")
    return Feedback(False, "a pooling layer counts like a convolution: r ← r + (k − 1)·j.")


def check_stack_params(answer) -> Feedback:
    """Lesson 06: weights of three 3×3 convolutions vs one 7×7, with C = 32 channels, no bias."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Feedback(False, "answer with a pair: (three 3×3 layers, one 7×7 layer).")
    answer = _as_shape(list(answer))
    if answer == (3 * 9 * 32 * 32, 49 * 32 * 32):
        return Feedback(True, "(27,648, 50,176): 27·C² against 49·C², the same 7×7 field for "
                              "about half the weights (and two more ReLUs).")
    if answer == (9 * 32 * 32, 49 * 32 * 32):
        return Feedback(False, "that counts one 3×3 layer; there are three.")
    return Feedback(False, "a k×k convolution from C to C channels has k·k·C·C weights.")
