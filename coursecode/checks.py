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

import math
import numbers
import re
import textwrap
import unicodedata
from dataclasses import dataclass

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
#             "shape" (`length` numbers; `leading_ones` lets a batch of one in front),
#             or "kernel" (3×3 numbers, checked on `probes`);
#   units     for a length in pixels: the unit words read after a number ("2 px", "2 pixels",
#             any case); counts (of weights, bytes, rows) have none;
#   ask       what to type, said when an answer cannot be read;
#   answer    the right answer, and `right`, what to say then;
#   wrong     [answer, hint] for each common wrong answer;
#   parts     for shapes: [positions, hint, [[values, hint], ...]] — the hint for those
#             positions when they are wrong (a specific one for the listed values);
#   otherwise what to say to any other wrong answer ("{answer}" is replaced by it).
# A hint says why an answer is wrong and points at the method; it never states the right
# answer, nor a step that leaves nothing to work out (tests/test_checks.py reads them all).

_PIXELS = ["pixels", "pixel", "px"]
_BRIGHT_TOP = [[1.0] * 7] * 3 + [[0.0] * 7] * 4  # a bottom edge: bright rows above dark
_PROBE_IMAGES = {
    "flat": [[1.0] * 7 for _ in range(7)],
    "bright above dark": _BRIGHT_TOP,
    "dark above bright": [[1.0 - v for v in row] for row in _BRIGHT_TOP],
    "bright left of dark": [list(column) for column in zip(*_BRIGHT_TOP)],
}

CHECKS = {
    # lesson 01: kernels and feature maps
    "check_map_size": {
        "lesson": "01",
        "kind": "side",
        "units": _PIXELS,
        "question": "the feature map of a 5×5 kernel slid over a 28×28 image (no padding)",
        "ask": "answer with a number or a pair of numbers such as (26, 26)",
        "answer": [24, 24],
        "right": "24×24: a 5-wide window has 28 − 5 + 1 = 24 places to start in each row.",
        "wrong": [
            [
                [26, 26],
                "26 is the answer for a 3×3 kernel. A 5×5 window is wider: count where "
                "its left column can start.",
            ],
            [
                [23, 23],
                "28 − 5 = 23 counts how far the window can move, not the places where it "
                "can stand: count the first place, column 0, too.",
            ],
            [
                [28, 28],
                "the map is smaller than the image: the window cannot hang over the "
                "edge, so it has fewer places to go than there are pixels.",
            ],
        ],
        "otherwise": "{answer} is not it. The window's left column can go from 0 up to the last "
        "column where the whole window still fits.",
    },
    "check_bottom_edge": {
        "lesson": "01",
        "kind": "kernel",
        "question": "a 3×3 kernel that responds to bottom edges (bright above, dark below)",
        "ask": "the kernel should be 3×3: nine numbers, row by row, such as "
        "[[0, 0, 0], [1, 1, 1], [0, 0, 0]]",
        "images": _PROBE_IMAGES,
        "probes": [  # [image, what its map must do, the hint when it does not]
            [
                "flat",
                "zero",
                "on a flat, evenly lit patch it should answer 0: make the weights sum to 0.",
            ],
            [
                "bright above dark",
                "positive",
                "it should give a positive answer where bright pixels sit above dark ones: "
                "which rows of the window should count bright pixels as plus, and which as "
                "minus?",
            ],
            [
                "dark above bright",
                "not positive",
                "it also fires on top edges (dark above "
                "bright): a bottom-edge kernel should answer "
                "those with a negative number.",
            ],
            [
                "bright left of dark",
                "zero",
                "it responds to a vertical edge too: keep each row's weights equal.",
            ],
        ],
        "right": "it fires where bright pixels sit above dark ones, and nowhere else.",
    },
    "check_conv_shape": {
        "lesson": "01",
        "kind": "shape",
        "length": 4,
        "question": "F.conv2d's output shape for 64 digits (64, 1, 28, 28) and 8 kernels of 5×5",
        "ask": "answer with four numbers (N, C, H, W), e.g. (16, 4, 26, 26)",
        "answer": [64, 8, 24, 24],
        "right": "(64, 8, 24, 24): one 24×24 map per kernel, for each of the 64 digits.",
        "parts": [
            [[0], "the batch size N does not change: one output per input image", []],
            [[1], "each kernel makes one output channel", []],
            [[2, 3], "count the places a 5-wide window fits along 28 pixels (exercise 1)", []],
        ],
    },
    # lesson 02: unfold and im2col
    "check_unfold_shape": {
        "lesson": "02",
        "kind": "shape",
        "length": 2,
        "leading_ones": True,
        "question": "the shape of F.unfold(digit[None], 5, stride=2, padding=2) for one "
        "28×28 digit",
        "ask": "answer with the shape as a pair (rows, columns), e.g. (9, 676)",
        "answer": [25, 196],
        "right": "(25, 196): 5×5 = 25 pixels per window, and 14×14 = 196 windows because "
        "(28 + 2·2 − 5) // 2 + 1 = 14.",
        "parts": [
            [[0], "each column holds the pixels of one window, one per row", []],
            [
                [1],
                "count the windows along one side with (n + 2p − k) // s + 1, then square it",
                [
                    [
                        [784],
                        "784 = 28×28 is the count with stride 1; stride 2 skips every other "
                        "position",
                    ],
                    [
                        [144],
                        "144 = 12×12 forgets the padding: 2 pixels on each side make the input "
                        "32 wide",
                    ],
                ],
            ],
        ],
    },
    "check_unfold_bytes": {
        "lesson": "02",
        "kind": "number",
        "question": "the bytes of F.unfold for 64 digits (64, 1, 28, 28), 3×3, float32",
        "ask": "answer with a whole number of bytes",
        "answer": 64 * 9 * 676 * 4,
        "right": f"{64 * 9 * 676 * 4:,} bytes: 64 × 9 × 676 numbers of 4 bytes each, about 7.8 "
        "times the 200,704 bytes of the digits themselves.",
        "wrong": [
            [64 * 9 * 676, "that counts numbers, not bytes: a float32 takes 4 bytes."],
            [
                64 * 784 * 4,
                "that is the size of the input. The unfolded matrix repeats each "
                "pixel in up to 9 windows.",
            ],
        ],
        "otherwise": "work out the shape of the unfolded tensor, multiply its sizes together, "
        "then multiply by the bytes of one number (x.element_size()).",
    },
    "check_rgb_unfold_rows": {
        "lesson": "02",
        "kind": "number",
        "question": "the rows of the unfolded matrix of a 3-channel image for a 5×5 kernel",
        "ask": "answer with a whole number of rows",
        "answer": 75,
        "right": "75 = 3 × 5 × 5: each column holds a 5×5 window from each of the 3 channels, "
        "and the kernel needs one weight for each of those numbers.",
        "wrong": [
            [
                25,
                "that is one channel's window; a column holds the window of every channel.",
            ],
            [15, "3 × 5 counts one row of the window per channel; the window has 5 rows."],
            [9, "that is a 3×3 window; this kernel is 5×5, in 3 channels."],
        ],
        "otherwise": "a column holds C·k·k numbers: every pixel of the window, in every channel.",
    },
    "check_matrix_zeros": {
        "lesson": "02",
        "kind": "number",
        "question": "the zeros in the weight matrix of a 3×3 kernel (no zero weight) on a 6×6 "
        "input, no padding",
        "ask": "answer with a whole number of zeros",
        "answer": 16 * 36 - 16 * 9,
        "right": "432: the output is 4×4, so the matrix is (16, 36), 576 numbers. Each of its "
        "16 rows holds the 9 weights and 27 zeros: 16 × 27 = 432, three quarters of it.",
        "wrong": [
            [
                16 * 36,
                "that counts every number of the (16, 36) matrix; the 9 weights in each "
                "row are not zero.",
            ],
            [
                16 * 9,
                "that counts the weights, the numbers that are not zero: 9 in each of the "
                "16 rows. The zeros are all the others.",
            ],
            [27, "that is the zeros of one row; the matrix has one row per output pixel."],
            [
                9 * 27,
                "that gives the matrix 9 rows, as for a 3×3 output: count how many times a "
                "3×3 kernel fits along a side of 6 without padding.",
            ],
            [
                36 * 27,
                "that gives the matrix a row per input pixel. It has a row per output pixel, "
                "and without padding the output is smaller than the input.",
            ],
        ],
        "otherwise": "the matrix has one row per output pixel and one column per input pixel; "
        "each row holds the 9 weights and zeros everywhere else.",
    },
    # lesson 03: padding and stride
    "check_output_size": {
        "lesson": "03",
        "kind": "side",
        "units": _PIXELS,
        "question": "the output side for n = 32, k = 5, p = 2, s = 2 (no dilation)",
        "ask": "answer with a number (the side of the output) or a pair",
        "answer": [16, 16],
        "right": "16: ⌊(32 + 2·2 − 5) / 2⌋ + 1 = ⌊31 / 2⌋ + 1 = 15 + 1.",
        "wrong": [
            [
                [32, 32],
                "32 is what padding 2 keeps with stride 1; stride 2 takes every other position.",
            ],
            [[14, 14], "that forgets the padding: n + 2p = 36, not 32."],
            [
                [15, 15],
                "⌊31 / 2⌋ = 15 counts the steps between windows; the formula's + 1 counts the "
                "first window.",
            ],
        ],
        "otherwise": "use ⌊(n + 2p − k) / s⌋ + 1 with n = 32, k = 5, p = 2, s = 2.",
    },
    "check_pool_size": {
        "lesson": "03",
        "kind": "side",
        "units": _PIXELS,
        "question": "the output of nn.MaxPool2d(2, ceil_mode=True) on a 7×7 map",
        "ask": "answer with a number or a pair of numbers such as (5, 5)",
        "answer": [4, 4],
        "right": "4×4: ⌈(7 − 2) / 2⌉ + 1 = 4; the last window starts at row 6 and covers "
        "only one row.",
        "wrong": [
            [
                [3, 3],
                "3 is the answer without ceil_mode: (7 − 2) // 2 + 1 = 3. ceil_mode "
                "rounds up, keeping a last window that hangs over the edge.",
            ],
            [
                [6, 6],
                "a MaxPool2d's stride is its kernel size unless you say otherwise: here 2, not 1.",
            ],
            [[7, 7], "pooling with stride 2 halves the map; it does not keep its size."],
        ],
        "otherwise": "the size formula is the convolution's, (n − k) / s + 1, rounded up "
        "when ceil_mode=True.",
    },
    "check_same_padding": {
        "lesson": "03",
        "kind": "number",
        "units": _PIXELS,
        "question": "the padding that keeps the size for a 7×7 kernel, stride 1",
        "ask": "answer with a whole number",
        "answer": 3,
        "right": "3 = 7 // 2: the kernel's centre can then sit on every pixel, border ones "
        "included.",
        "wrong": [
            [6, "6 is the total over both sides; padding is per side."],
            [7, "too much: the output would grow by 2·7 − 6 = 8 pixels."],
        ],
        "otherwise": "with padding p, stride 1, the output is n + 2p − k + 1 wide: find the p "
        "that makes it n.",
    },
    "check_dilated_span": {
        "lesson": "03",
        "kind": "number",
        "units": _PIXELS,
        "question": "the pixels spanned by a 3×3 kernel with dilation 3",
        "ask": "answer with a whole number",
        "answer": 7,
        "right": "7 = 3·(3 − 1) + 1: taps at 0, 3 and 6, with two skipped pixels between "
        "neighbours.",
        "wrong": [
            [9, "3 × 3 counts the taps; the span is from the first tap to the last."],
            [
                8,
                "the taps sit at pixels 0, 3 and 6: count every pixel from the first tap to "
                "the last, both included.",
            ],
        ],
        "otherwise": "the span is d·(k − 1) + 1.",
    },
    "check_unread_column": {
        "lesson": "03",
        "kind": "number",
        "question": "the input column (counting from 0) that no window reads for n = 6, k = 3, "
        "p = 0, s = 2",
        "ask": "answer with a column number, counting from 0",
        "answer": 5,
        "right": "column 5: the windows start at columns 0 and 2 and cover 0–2 and 2–4. A third "
        "window would start at 4 and need columns 4–6, but there is no column 6.",
        "wrong": [
            [6, "count from 0, as the code does: a 6-wide input has no column 6."],
            [4, "column 4 is the last one the second window (columns 2–4) reads."],
            [0, "the first window starts at column 0 and reads it."],
            [2, "column 2 is read twice: by the first window (0–2) and the second (2–4)."],
        ],
        "otherwise": "the windows start at columns 0 and 2: list the columns each one covers.",
    },
    # lesson 04: a CNN for MNIST
    "check_stride2_size": {
        "lesson": "04",
        "kind": "side",
        "units": _PIXELS,
        "question": "the map size after conv(1, 4), conv(4, 8), conv(8, 16) on a 28×28 digit",
        "ask": "answer with a number (the side of the map) or a pair",
        "answer": [4, 4],
        "right": "4×4: 28 → 14 → 7 → 4. The last step rounds up, because padding 1 gives "
        "(7 + 2 − 3) // 2 + 1 = 4.",
        "wrong": [
            [
                [3, 3],
                "halving 28 three times and rounding down gives 3, but a layer does not "
                "halve: it computes (n + 2p − k) // s + 1. Apply that to each layer in turn, "
                "with k = 3, p = 1, s = 2.",
            ],
        ],
        "otherwise": "apply (n + 2·1 − 3) // 2 + 1 three times, starting from n = 28.",
    },
    "check_conv_params": {
        "lesson": "04",
        "kind": "number",
        "question": "the number of parameters (weights and biases) of conv(8, 16)",
        "ask": "answer with a whole number",
        "answer": 8 * 16 * 9 + 16,
        "right": "1,168: 16 kernels of shape (8, 3, 3) = 1,152 weights, plus 16 biases.",
        "wrong": [
            [8 * 16 * 9, "that counts the weights; each of the 16 kernels also has a bias."],
            [16 * 9 + 16, "each kernel reads all 8 input channels, so it is (8, 3, 3), not 3×3."],
            [16 * 9, "each kernel reads all 8 input channels, so it is (8, 3, 3), not 3×3."],
        ],
        "otherwise": "weights: out × in × k × k; biases: one per output channel.",
    },
    "check_mlp_params": {
        "lesson": "04",
        "kind": "number",
        "question": "the number of parameters (weights and biases) of simple_mlp(hidden=64): "
        "Flatten, Linear(784, 64), ReLU, Linear(64, 10)",
        "ask": "answer with a whole number",
        "answer": 784 * 64 + 64 + 64 * 10 + 10,
        "right": "50,890: 784 × 64 weights and 64 biases (50,240), then 64 × 10 weights and "
        "10 biases (650).",
        "wrong": [
            [
                784 * 64 + 64 * 10,
                "that counts the weights; each Linear also has one bias per output.",
            ],
            [
                784 * 64 + 64,
                "that is the first layer only; the second, Linear(64, 10), has weights and "
                "biases too.",
            ],
            [
                784 * 64,
                "that counts the first layer's weights only: a Linear also has biases, and "
                "the model has a second Linear.",
            ],
        ],
        "otherwise": "a Linear(n_in, n_out) has n_in × n_out weights and n_out biases; "
        "Flatten and ReLU have none.",
    },
    "check_stride_shift": {
        "lesson": "04",
        "kind": "number",
        "units": _PIXELS,
        "question": "how many pixels a digit must move right for the 14×14 map of conv(1, 4) "
        "(stride 2) to move by exactly one position",
        "ask": "answer with a whole number of pixels",
        "answer": 2,
        "right": "2: one step of the map is one stride, 2 pixels. After a 1-pixel move every "
        "window lands between two old ones, and the map changes.",
        "wrong": [
            [
                1,
                "after a 1-pixel move each window lands between two old ones and reads "
                "columns that no old window read together, so the map changes instead of "
                "moving.",
            ],
            [
                4,
                "4 pixels move this map by more than one position: neighbouring positions "
                "of the map are one stride of the input apart.",
            ],
        ],
        "otherwise": "the map's column j reads input columns 2j − 1 to 2j + 1: how far must "
        "the digit move for column j to read what column j − 1 read?",
    },
    "check_layer_shape": {
        "lesson": "04",
        "kind": "shape",
        "length": 4,
        "question": "the output shape of nn.Conv2d(3, 16, 3, stride=2, padding=1) on a batch "
        "(8, 3, 224, 224)",
        "ask": "answer with four numbers (N, C, H, W)",
        "answer": [8, 16, 112, 112],
        "right": "(8, 16, 112, 112): 8 images, 16 kernels, and (224 + 2 − 3) // 2 + 1 = 112.",
        "parts": [
            [[0], "the batch size does not change", []],
            [[1], "each kernel makes one output channel", []],
            [[2, 3], "apply (n + 2p − k) // s + 1 to each side", []],
        ],
    },
    # lesson 05: colour channels
    "check_rgb_weight_shape": {
        "lesson": "05",
        "kind": "shape",
        "length": 4,
        "question": "the weight shape of nn.Conv2d(3, 16, 5)",
        "ask": "answer with four numbers (out, in, kH, kW)",
        "answer": [16, 3, 5, 5],
        "right": "(16, 3, 5, 5): 16 kernels, each with one 5×5 slice per input channel.",
        "wrong": [
            [
                [3, 16, 5, 5],
                "the numbers are right but PyTorch orders a weight's axes differently: print "
                "nn.Conv2d(1, 2, 3).weight.shape, whose numbers all differ, and compare.",
            ],
        ],
        "otherwise": "a convolution's weight has an axis for the output channels, one for the "
        "input channels and two for the window: print nn.Conv2d(1, 2, 3).weight.shape to see "
        "PyTorch's order.",
    },
    "check_rgb_params": {
        "lesson": "05",
        "kind": "number",
        "question": "the parameters (weights and biases) of nn.Conv2d(3, 16, 5)",
        "ask": "answer with a whole number",
        "answer": 16 * 3 * 25 + 16,
        "right": "1,216: 16 × 3 × 5 × 5 = 1,200 weights and 16 biases.",
        "wrong": [
            [16 * 3 * 25, "that is the weights; add one bias per output channel."],
            [16 * 25 + 16, "each kernel has a 5×5 slice for each of the 3 input channels."],
        ],
        "otherwise": "out × in × k × k weights, plus out biases.",
    },
    "check_channels_last_stride": {
        "lesson": "05",
        "kind": "shape",
        "length": 4,
        "question": "torch.zeros(1, 3, 4, 5).contiguous(memory_format=torch.channels_last)"
        ".stride()",
        "ask": "answer with four numbers, one stride per axis (N, C, H, W)",
        "answer": [60, 1, 15, 3],
        "right": "(60, 1, 15, 3): channels are neighbours (1), a pixel is 3 numbers, a row 5 "
        "pixels = 15, an image 60.",
        "wrong": [
            [
                [60, 20, 5, 1],
                "that is the usual NCHW layout; in channels-last the channel axis moves fastest.",
            ],
        ],
        "otherwise": "in channels-last memory the order is N, H, W, C: an axis's stride is "
        "the product of the sizes of the axes after it in that order.",
    },
    "check_mixer_params": {
        "lesson": "05",
        "kind": "shape",
        "length": 2,
        "question": "the weights of a 1×1 and of a 3×3 convolution from 256 channels to 64",
        "ask": "answer with a pair: (the 1×1 layer's weights, the 3×3 layer's)",
        "answer": [256 * 64, 256 * 64 * 9],
        "right": "(16,384, 147,456): 64 × 256 weights for the 1×1 layer, 9 times as many for "
        "the 3×3 one. The 1×1 layer only mixes the 256 numbers of each pixel.",
        "wrong": [
            [[256 * 64 * 9, 256 * 64], "the pair is the other way round: the 1×1 layer first."],
            [[256 * 64 + 64, 256 * 64 * 9 + 64], "count the weights only, not the biases."],
            [[256 * 64, 256 * 64 * 3], "a 3×3 kernel has 9 weights per channel pair, not 3."],
        ],
        "otherwise": "a k×k convolution from C_in to C_out channels has k·k·C_in·C_out weights.",
    },
    "check_separable_params": {
        "lesson": "05",
        "kind": "number",
        "question": "the weights (no biases) of a depthwise-separable block from 64 channels to "
        "128: a depthwise 3×3 convolution (groups=64), then a 1×1 convolution to 128 channels",
        "ask": "answer with a whole number of weights",
        "answer": 64 * 9 + 128 * 64,
        "right": "8,768: the depthwise layer has one 3×3 filter per channel, 64 × 9 = 576 "
        "weights, and the 1×1 layer 128 × 64 = 8,192. A full 3×3 convolution from 64 to 128 "
        "channels has 73,728, 8.4 times as many.",
        "wrong": [
            [
                64 * 128 * 9,
                "that is a full 3×3 convolution from 64 to 128 channels. With groups=64 each "
                "filter of the depthwise layer reads one channel, and the 1×1 layer does the "
                "mixing.",
            ],
            [64 * 9, "that is the depthwise layer alone; the 1×1 layer has weights too."],
            [128 * 64, "that is the 1×1 layer alone; the depthwise layer has weights too."],
            [
                64 * 64 * 9,
                "that counts the depthwise layer as a full 3×3 convolution from 64 channels to "
                "64, and leaves out the 1×1 layer. With groups=64 each filter reads one channel.",
            ],
            [
                64 * 64 * 9 + 128 * 64,
                "that counts the depthwise layer as a full 3×3 convolution from 64 channels to "
                "64. With groups=64 each filter reads one channel: its weight is "
                "(64, 1, 3, 3).",
            ],
            [64 * 9 + 64 + 128 * 64 + 128, "count the weights only, not the biases."],
            [
                64 * 9 * 128 * 64,
                "that multiplies the two layers' counts; a block's weights are the sum of its "
                "layers' weights.",
            ],
            [
                128 * 9 + 128 * 64,
                "the depthwise layer keeps the 64 channels: one 3×3 filter per input channel. "
                "The 1×1 layer makes the 128.",
            ],
            [
                9 + 128 * 64,
                "the depthwise layer has a 3×3 filter of its own for each of the 64 channels, "
                "not one shared filter.",
            ],
        ],
        "otherwise": "a convolution with groups=g from C_in to C_out channels has "
        "C_out · (C_in / g) · k · k weights: count each of the two layers that way, then add "
        "them.",
    },
    # lesson 06: receptive fields
    "check_stride2_field": {
        "lesson": "06",
        "kind": "side",
        "units": _PIXELS,
        "question": "the receptive field after three stride-2 3×3 convolutions",
        "ask": "answer with the side of the field, a number",
        "answer": [15, 15],
        "right": "15×15: 1 + 2·1 + 2·2 + 2·4 = 15; each layer adds (k − 1) times the jump so far.",
        "wrong": [
            [
                [7, 7],
                "7 is the field after two layers; add the third with r ← r + (k − 1)·j, "
                "where j is the jump after two stride-2 layers.",
            ],
            [
                [9, 9],
                "3 + 2 + 2 adds 2 per layer, which holds only at stride 1: after a stride-2 "
                "layer, one step of the next layer covers more input pixels. Use "
                "r ← r + (k − 1)·j, then j ← j·s.",
            ],
        ],
        "otherwise": "use r ← r + (k − 1)·j, then j ← j·s, three times from r = 1, j = 1.",
    },
    "check_pool_field": {
        "lesson": "06",
        "kind": "side",
        "units": _PIXELS,
        "question": "the field after two 3×3 stride-1 convolutions and a 2×2 stride-2 max-pool",
        "ask": "answer with the side of the field, a number",
        "answer": [6, 6],
        "right": "6×6: 3, then 5, then the pool adds (2 − 1)·1 = 1.",
        "wrong": [
            [
                [10, 10],
                "the pool's stride only matters for the layers after it: it adds "
                "(k − 1)·j with the jump *before* it, which is 1.",
            ],
        ],
        "otherwise": "a pooling layer counts like a convolution: r ← r + (k − 1)·j.",
    },
    "check_stack_params": {
        "lesson": "06",
        "kind": "shape",
        "length": 2,
        "question": "the weights of three 3×3 convolutions and of one 7×7, with C = 32 "
        "channels, no bias",
        "ask": "answer with a pair: (three 3×3 layers, one 7×7 layer)",
        "answer": [3 * 9 * 32 * 32, 49 * 32 * 32],
        "right": "(27,648, 50,176): 27·C² against 49·C², the same 7×7 field for about half "
        "the weights (and two more ReLUs).",
        "wrong": [
            [[9 * 32 * 32, 49 * 32 * 32], "that counts one 3×3 layer; there are three."],
        ],
        "otherwise": "a k×k convolution from C to C channels has k·k·C·C weights.",
    },
}
"""Every table-driven checker, by name: what it asks, the right answer, the hints."""

NEGATIVE = "sizes and counts are never negative"
NOT_FINITE = (
    "the kernel's numbers must be finite: no inf or nan, and none so large that its sums overflow"
)
SPACES = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What counts as a space in an answer, for the checkers and the page alike (checks.js has the
same string): every character that Python's ``str.isspace`` or JavaScript's ``/\\s/`` calls a
space. They differ: only Python's has U+001C–U+001F and U+0085, only JavaScript's U+FEFF."""
_SP = "".join(f"\\u{ord(c):04x}" for c in SPACES)  # SPACES inside a [...] of a pattern
_NUMBER = re.compile(r"[+-]?[0-9]{1,15}")
# One way to match each text (no nested choices): a long run of digits cannot make it backtrack.
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(f"[{_SP},×xX*]+")


class _Unreadable(Exception):
    """The answer cannot be read as the kind of answer the exercise wants (``values``: the
    numbers it holds, when it holds the wrong count of them)."""

    def __init__(self, values=None):
        super().__init__()
        self.values = values


class _Ambiguous(_Unreadable):
    """The answer is digit groups split by spaces ("1 168"): one number with its thousands
    spaced out, or several numbers (``groups``: the digit groups)."""

    def __init__(self, groups: list[str]):
        super().__init__()
        self.groups = groups


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


def _read_numbers(text: str, spec: dict) -> list[int]:
    """Whole numbers typed as "24", "(8, 16, 112, 112)", "24×24" or "24 x 24"; "2 px" and
    "2 pixels" where the answer is a length (``units``). Commas before three digits group
    thousands ("1,168") when the answer is one number, or when ", " separates the numbers
    ("(27,648, 50,176)"). "1 168", where one number would do, is ambiguous."""
    text = _clean_text(text)
    if spec.get("units"):
        text = _unit_pattern(spec["units"]).sub(r"\1", text)
    groups = _spaced_groups(text)
    if groups is not None and spec["kind"] in ("number", "side"):
        raise _Ambiguous(groups)
    if spec["kind"] == "number" or re.search(f",[{_SP}]", text):
        text = re.sub(r"([0-9]),(?=[0-9]{3}(?![0-9]))", r"\1", text)
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
    length = spec["length"]
    read = values
    while spec.get("leading_ones") and len(values) > length and values[0] == 1:
        values = values[1:]
    if len(values) != length:
        raise _Unreadable(read)
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


def _ambiguous(spec: dict, groups: list[str]) -> Feedback:
    """What to say to "1 168": it could be one number or several, so say how to write each."""
    message = (
        f"{' '.join(groups)}: a space may group thousands or separate numbers. Write "
        f"{''.join(groups)} or {','.join(groups)} for one number"
    )
    if spec["kind"] == "side" and len(groups) == 2:
        message += f", ({groups[0]}, {groups[1]}) for a pair"
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
        return _ambiguous(spec, err.groups)
    except _Unreadable as err:
        return _unreadable(spec, answer, err.values)
    if min(value if isinstance(value, list) else [value]) < 0:
        return Feedback(False, f"{NEGATIVE}: {_shown(spec, value)} cannot be it.")
    if value == spec["answer"]:
        return Feedback(True, spec["right"])
    for wrong, hint in spec.get("wrong", []):
        if value == wrong:
            return Feedback(False, hint)
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


def check_matmul_conv(result, image) -> Feedback:
    """Lesson 02: the four edge kernels applied to ``image`` (28×28) as one matrix product."""
    from coursecode.kernels import edge_kernels

    if not isinstance(image, torch.Tensor):
        raise TypeError(
            f"image must be the 28×28 digit (a tensor) you unfolded, got {type(image).__name__}"
        )
    if image.dim() < 2 or image.shape[-2:] != (28, 28) or image.numel() != 28 * 28:
        raise ValueError(
            f"image must be the 28×28 digit you unfolded, of shape (28, 28) or "
            f"(1, 28, 28), got shape {tuple(image.shape)}"
        )
    if not isinstance(result, torch.Tensor):
        return Feedback(False, f"result should be a tensor, not {type(result).__name__}")
    result = result.detach().cpu()
    expected = F.conv2d(
        image.detach().cpu().reshape(1, 1, *image.shape[-2:]).float(), edge_kernels
    )[0]
    if result.numel() != expected.numel():
        return Feedback(
            False,
            f"expected {tuple(expected.shape)} numbers (one 26×26 map per kernel, "
            f"as (4, 676) or (4, 26, 26)), got shape {tuple(result.shape)}. "
            "Reshape the kernels to (4, 9) and put them on the left of the product.",
        )
    if result.shape not in ((4, 676), (4, 26, 26)):
        return Feedback(
            False,
            f"the numbers are there but the shape {tuple(result.shape)} is not "
            "(4, 676) or (4, 26, 26): kernels should be the rows.",
        )
    if not torch.allclose(result.reshape(4, 26, 26).float(), expected, atol=1e-5):
        return Feedback(
            False,
            "the shape is right but the values differ from F.conv2d: check that "
            "the kernels are reshaped row by row (edge_kernels.view(4, 9)).",
        )
    return Feedback(True, "the same four maps as F.conv2d, from a single matrix product.")
