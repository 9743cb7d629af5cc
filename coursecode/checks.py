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

_PIXELS = ["pixels", "pixel", "px"]
_PARAMETERS = ["parameters", "parameter", "params", "param", "weights", "weight"]
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
        "order": "the right numbers in another order: PyTorch's convolutions take and give "
        "(N, C, H, W), the channels second.",
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
        "question": "the shape of F.unfold(digit[None], 5, stride=2, padding=2) for one "
        "28×28 digit",
        "ask": "answer with the shape F.unfold gives for one image (C, H, W), which has no "
        "batch axis: a pair (rows, columns), e.g. (9, 676)",
        "answer": [25, 196],
        "right": "(25, 196): 5×5 = 25 pixels per window, and 14×14 = 196 windows because "
        "(28 + 2·2 − 5) // 2 + 1 = 14.",
        "order": "the right numbers in another order: the unfolded matrix has a row per "
        "number of a window and a column per window.",
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
        "units": ["bytes", "byte"],
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
        "units": ["rows", "row"],
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
        "units": ["zeros", "zeroes", "zero"],
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
        "question": "the output size when nn.MaxPool2d(3, stride=2, ceil_mode=True) pools a "
        "10×10 map",
        "ask": "answer with a number or a pair of numbers such as (12, 12)",
        "answer": [5, 5],
        "right": "5×5: ⌈(10 − 3) / 2⌉ + 1 = ⌈3.5⌉ + 1 = 5. The windows start at rows 0, 2, 4, 6 "
        "and 8; the last one hangs over the edge and pools rows 8 and 9 only.",
        "wrong": [
            [
                [4, 4],
                "that is what floor mode gives (ceil_mode=False), which drops a last window "
                "that does not fit whole. ceil_mode=True keeps such a window when it starts "
                "inside the map.",
            ],
            [
                [6, 6],
                "that forgets the kernel: the formula subtracts its size before dividing by "
                "the stride, (n − k) / s + 1, and ceil_mode rounds that division up.",
            ],
            [
                [3, 3],
                "that takes the stride to be the kernel size, MaxPool2d's default when no "
                "stride is given, and rounds down. Here stride=2 and ceil_mode=True.",
            ],
            [
                [8, 8],
                "that is the count at stride 1, a window at every row where it fits; stride=2 "
                "moves the window two rows at a time.",
            ],
            [[10, 10], "pooling with stride 2 shrinks the map; it does not keep its size."],
        ],
        "otherwise": "the size formula is the convolution's, (n − k) / s + 1, rounded up "
        "when ceil_mode=True.",
    },
    "check_same_padding": {
        "lesson": "03",
        "kind": "number",
        "units": _PIXELS,
        "question": "the padding that keeps the size of a 28×28 image under a 5×5 kernel with "
        "dilation 2 and stride 1",
        "ask": "answer with a whole number",
        "answer": 4,
        "right": "4: the dilated kernel spans 2·(5 − 1) + 1 = 9 pixels, and (9 − 1) / 2 = 4 "
        "pixels on each side keep 28 + 2·4 − 9 + 1 = 28.",
        "wrong": [
            [
                2,
                "5 // 2 is the padding for a 5×5 kernel without dilation. Dilation spreads "
                "the taps apart, so the kernel covers more pixels: work out how many first.",
            ],
            [
                9,
                "that is the span of the dilated kernel, the pixels it covers, not the "
                "padding. Find the p for which n + 2p − span + 1 is n.",
            ],
            [
                8,
                "that pads both sides together; padding p adds p pixels on each side, so "
                "the image grows by 2p.",
            ],
            [
                5,
                "padding 5 makes the output grow: 28 + 2·5 is more than the span needs. "
                "Work out the dilated kernel's span, then the p that keeps the size.",
            ],
        ],
        "otherwise": "with padding p and stride 1 the output is n + 2p − w + 1 wide, where w is "
        "the span of the dilated kernel, d·(k − 1) + 1: find the p that makes it n.",
    },
    "check_dilated_span": {
        "lesson": "03",
        "kind": "number",
        "units": _PIXELS,
        "question": "how many pixels wide a 5×5 kernel with dilation 2 is",
        "ask": "answer with a whole number",
        "answer": 9,
        "right": "9 = 2·(5 − 1) + 1: taps at pixels 0, 2, 4, 6 and 8, with one skipped pixel "
        "between neighbours.",
        "wrong": [
            [
                10,
                "2 × 5 counts a gap after every tap, the last one too; the kernel ends at "
                "its last tap. List the pixels where the taps sit.",
            ],
            [
                8,
                "that is how far the last tap sits from the first, its offset; a width "
                "counts pixels, and the first tap's pixel is one of them.",
            ],
            [
                5,
                "that counts the taps along a side. Dilation 2 leaves a pixel between "
                "neighbouring taps, so the kernel covers more pixels than it has taps.",
            ],
            [
                7,
                "that is the width of 4 taps 2 apart (or of 3 taps 3 apart); a 5×5 kernel "
                "has 5 taps along a side. List the pixels where they sit.",
            ],
        ],
        "otherwise": "the taps sit d pixels apart: find where the first and the last tap sit, "
        "and count the pixels from one to the other, both included.",
    },
    "check_unread_column": {
        "lesson": "03",
        "kind": "number",
        "question": "the input column (counting from 0) that no window reads for n = 6, k = 3, "
        "p = 0, s = 2",
        "words": ["column", "col"],
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
        "question": "the height and width of a 50×50 image after conv(1, 4), conv(4, 8) and "
        "conv(8, 16)",
        "ask": "answer with a number (the side of the map) or a pair",
        "answer": [7, 7],
        "right": "7×7: 50 → 25 → 13 → 7. Each layer computes (n + 2 − 3) // 2 + 1, which "
        "rounds an odd size up: 25 gives 13, and 13 gives 7.",
        "wrong": [
            [
                [6, 6],
                "50 / 8 rounded down assumes each layer halves, but a layer computes "
                "(n + 2p − k) // s + 1, which rounds an odd size up. Apply that to each layer "
                "in turn, with k = 3, p = 1, s = 2.",
            ],
            [[25, 25], "that is the size after the first layer; there are three."],
            [
                [13, 13],
                "that is the size after two of the three layers: apply the formula once more.",
            ],
            [
                [4, 4],
                "that is the size for the lesson's 28×28 digit; this image is 50×50. "
                "Apply (n + 2p − k) // s + 1 to each layer, starting from n = 50.",
            ],
            [
                [48, 48],
                "that is one layer with no padding at stride 1. conv pads each side by 1, "
                "moves its window 2 pixels at a time, and there are three layers.",
            ],
            [
                [44, 44],
                "that is three layers with no padding at stride 1; conv has padding 1 and "
                "stride 2.",
            ],
            [[50, 50], "padding 1 keeps the size at stride 1 only; conv's stride is 2."],
        ],
        "otherwise": "apply (n + 2·1 − 3) // 2 + 1 three times, starting from n = 50.",
    },
    "check_conv_params": {
        "lesson": "04",
        "kind": "number",
        "units": _PARAMETERS,
        "question": "how many parameters (weights and biases) conv(16, 32) has",
        "ask": "answer with a whole number",
        "answer": 32 * 16 * 9 + 32,
        "right": "4,640: 32 kernels of shape (16, 3, 3) = 4,608 weights, plus 32 biases.",
        "wrong": [
            [32 * 16 * 9, "that counts the weights; each of the 32 kernels also has a bias."],
            [
                32 * 16 * 9 + 16,
                "that gives a bias to each input channel; a layer has one bias per output "
                "channel, one per kernel.",
            ],
            [
                32 * 9,
                "32 × 9 forgets the input channels: each kernel reads all 16 of them, so it "
                "is (16, 3, 3), not 3×3.",
            ],
            [
                32 * 9 + 32,
                "each kernel reads all 16 input channels, so it is (16, 3, 3), not 3×3.",
            ],
            [
                16 * 32,
                "16 × 32 counts one weight per pair of channels; each pair has a 3×3 "
                "window of weights, and each kernel a bias.",
            ],
            [
                8 * 16 * 9 + 16,
                "that is conv(8, 16), in the lesson's table; count again for 16 input and "
                "32 output channels.",
            ],
        ],
        "otherwise": "weights: out × in × k × k; biases: one per output channel.",
    },
    "check_mlp_params": {
        "lesson": "04",
        "kind": "number",
        "units": _PARAMETERS,
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
        "order": "the right numbers in another order: PyTorch's convolutions take and give "
        "(N, C, H, W), the channels second.",
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
        "order": "the numbers are right but PyTorch orders a weight's axes differently: print "
        "nn.Conv2d(1, 2, 3).weight.shape, whose numbers all differ, and compare.",
        "otherwise": "a convolution's weight has an axis for the output channels, one for the "
        "input channels and two for the window: print nn.Conv2d(1, 2, 3).weight.shape to see "
        "PyTorch's order.",
    },
    "check_rgb_params": {
        "lesson": "05",
        "kind": "number",
        "units": _PARAMETERS,
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
        "order": "the pair is the other way round: the 1×1 layer first.",
        "right": "(16,384, 147,456): 64 × 256 weights for the 1×1 layer, 9 times as many for "
        "the 3×3 one. The 1×1 layer only mixes the 256 numbers of each pixel.",
        "wrong": [
            [[256 * 64 + 64, 256 * 64 * 9 + 64], "count the weights only, not the biases."],
            [[256 * 64, 256 * 64 * 3], "a 3×3 kernel has 9 weights per channel pair, not 3."],
        ],
        "otherwise": "a k×k convolution from C_in to C_out channels has k·k·C_in·C_out weights.",
    },
    "check_separable_params": {
        "lesson": "05",
        "kind": "number",
        "units": _PARAMETERS,
        "question": "the weights (no biases) of a depthwise-separable block from 64 channels to "
        "128: a depthwise 3×3 convolution (groups=64), then a 1×1 convolution to 128 channels",
        "ask": "answer with a whole number of weights",
        "answer": 64 * 9 + 128 * 64,
        "right": "8,768: the depthwise layer has one kernel per channel, a single 3×3 slice, "
        "64 × 9 = 576 weights, and the 1×1 layer 128 × 64 = 8,192. A full 3×3 convolution "
        "from 64 to 128 channels has 73,728, 8.4 times as many.",
        "wrong": [
            [
                64 * 128 * 9,
                "that is a full 3×3 convolution from 64 to 128 channels. With groups=64 each "
                "kernel of the depthwise layer reads one channel, and the 1×1 layer does the "
                "mixing.",
            ],
            [64 * 9, "that is the depthwise layer alone; the 1×1 layer has weights too."],
            [128 * 64, "that is the 1×1 layer alone; the depthwise layer has weights too."],
            [
                64 * 64 * 9,
                "that counts the depthwise layer as a full 3×3 convolution from 64 channels to "
                "64, and leaves out the 1×1 layer. With groups=64 each kernel reads one channel.",
            ],
            [
                64 * 64 * 9 + 128 * 64,
                "that counts the depthwise layer as a full 3×3 convolution from 64 channels to "
                "64. With groups=64 each kernel reads one channel: its weight is "
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
                "the depthwise layer keeps the 64 channels: one kernel, a single 3×3 slice, "
                "per input channel. The 1×1 layer makes the 128.",
            ],
            [
                9 + 128 * 64,
                "the depthwise layer has a 3×3 kernel of its own for each of the 64 channels, "
                "not one shared kernel.",
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
        "question": "the receptive field after three 5×5 convolutions with stride 2 and padding 2",
        "ask": "answer with the side of the field, a number",
        "answer": [29, 29],
        "right": "29×29: 5, then 5 + 4·2 = 13, then 13 + 4·4 = 29; each layer adds (k − 1) "
        "times the jump so far.",
        "wrong": [
            [
                [15, 15],
                "that is the field of the lesson's three stride-2 3×3 layers (or 5 + 5 + 5). "
                "Here each layer adds (5 − 1)·j, where j is the jump before it.",
            ],
            [
                [13, 13],
                "that is the field after two of these layers, or of three at stride 1 "
                "(5 + 4 + 4). Use r ← r + (k − 1)·j for each of the three layers, then "
                "j ← j·s.",
            ],
            [
                [125, 125],
                "5 × 5 × 5 multiplies the kernel sizes; a field grows by adding: "
                "r ← r + (k − 1)·j, then j ← j·s.",
            ],
            [
                [9, 9],
                "that adds one layer's (5 − 1) to the first layer's 5, as two stride-1 layers "
                "do. There are three layers, and after a stride-2 layer each step of the next "
                "covers more input pixels: r ← r + (k − 1)·j, then j ← j·s.",
            ],
            [
                [57, 57],
                "that multiplies the jump by the stride before adding: a layer adds (k − 1) "
                "times the jump *before* it, then multiplies the jump by its stride.",
            ],
            [
                [21, 21],
                "that keeps the jump at 2 for the third layer; the jump is multiplied by the "
                "stride after every layer.",
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
        "order": "the pair is the other way round: the three 3×3 layers first.",
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
