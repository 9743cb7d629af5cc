"""The exercise checkers: right answers pass, wrong ones get a reason, odd input gets advice."""

import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from coursecode import edge_kernels
from coursecode import top_edge
from coursecode.checks import CHECKS
from coursecode.checks import Feedback
from coursecode.checks import check_bottom_edge
from coursecode.checks import check_channels_last_stride
from coursecode.checks import check_conv_params
from coursecode.checks import check_conv_shape
from coursecode.checks import check_dilated_span
from coursecode.checks import check_layer_shape
from coursecode.checks import check_map_size
from coursecode.checks import check_matmul_conv
from coursecode.checks import check_mixer_params
from coursecode.checks import check_output_size
from coursecode.checks import check_pool_field
from coursecode.checks import check_rgb_params
from coursecode.checks import check_rgb_weight_shape
from coursecode.checks import check_same_padding
from coursecode.checks import check_separable_params
from coursecode.checks import check_stack_params
from coursecode.checks import check_stride2_field
from coursecode.checks import check_stride2_size
from coursecode.checks import check_unfold_bytes
from coursecode.checks import check_unfold_shape
from coursecode.checks import verdict


def test_feedback_reads_as_a_verdict():
    assert bool(Feedback(True, "fine")) and repr(Feedback(True, "fine")) == "✓ fine"
    assert not Feedback(False, "no") and repr(Feedback(False, "no")) == "✗ no"
    long = repr(Feedback(False, "word " * 40))
    assert all(len(line) <= 78 for line in long.splitlines()) and len(long.splitlines()) > 1


@pytest.mark.parametrize("answer", [24, (24, 24), [24, 24], torch.Size([24, 24])])
def test_map_size_right(answer):
    assert check_map_size(answer)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (26, "3×3 kernel"),
        ((23, 23), "count the first place, column 0, too"),
        (28, "smaller than the image"),
        (20, "is not it"),
        ("twenty-four", "a number or a pair"),
        (True, "a number or a pair"),
        (24.0, "a number"),
        ((24, 24, 24), "not (24, 24, 24)"),
        (-24, "never negative"),
    ],
)
def test_map_size_wrong(answer, hint):
    feedback = check_map_size(answer)
    assert not feedback and hint in feedback.message


def test_map_size_answer_is_true():
    # The checker's answer is what PyTorch computes.
    assert check_map_size(
        tuple(F.conv2d(torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 5, 5)).shape[-2:])
    )


def test_bottom_edge_right():
    assert check_bottom_edge(-top_edge)
    assert check_bottom_edge([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])  # nested lists
    assert check_bottom_edge("[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]")  # typed in a box
    assert check_bottom_edge("0.5 0.5 0.5; 0 0 0; -0.5 -0.5 -0.5")
    assert check_bottom_edge(-2 * top_edge)
    assert check_bottom_edge(torch.tensor([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]))  # Sobel, ints


@pytest.mark.parametrize(
    "kernel, hint",
    [
        (top_edge, "positive answer where bright pixels sit above dark"),
        (torch.ones(3, 3), "sum to 0"),
        (-top_edge.T, "positive answer"),  # a right-edge kernel ignores horizontal edges
        (torch.tensor([[1.0, 1, 1], [0, 0, 0], [0, -1, -2.0]]), "vertical edge"),
        (torch.zeros(3, 3), "positive answer"),
        (torch.zeros(5, 5), "should be 3×3"),
        ("1 1 1 0 0 0", "should be 3×3"),
        ({"a": 1}, "should be 3×3: nine numbers"),
    ],
)
def test_bottom_edge_wrong(kernel, hint):
    feedback = check_bottom_edge(kernel)
    assert not feedback and hint in feedback.message


def test_conv_shape():
    assert check_conv_shape((64, 8, 24, 24))
    assert check_conv_shape(F.conv2d(torch.zeros(64, 1, 28, 28), torch.zeros(8, 1, 5, 5)).shape)
    wrong = check_conv_shape((64, 1, 24, 24))
    assert not wrong and "one output channel" in wrong.message and "batch" not in wrong.message
    wrong = check_conv_shape((8, 64, 26, 26))
    assert all(h in wrong.message for h in ("batch size", "one output channel", "5-wide window"))
    assert "four numbers" in check_conv_shape((64, 8)).message


def test_a_shape_in_another_order_says_so():
    assert "(N, C, H, W)" in check_conv_shape((64, 24, 24, 8)).message
    assert "(N, C, H, W)" in check_layer_shape("(8, 112, 112, 16)").message
    assert "axes differently" in check_rgb_weight_shape((3, 16, 5, 5)).message
    assert "the 1×1 layer first" in check_mixer_params((147456, 16384)).message
    assert "the three 3×3 layers first" in check_stack_params("(50176, 27648)").message
    # the same numbers, none repeated out of place: not a matter of order
    assert "another order" not in check_conv_shape((64, 8, 24, 25)).message


def test_unfold_shape():
    right = tuple(F.unfold(torch.zeros(1, 28, 28), 5, stride=2, padding=2).shape)
    assert check_unfold_shape(right) and check_unfold_shape("25x196")
    assert check_unfold_shape("torch.Size([25, 196])")
    # digit[None] is one image (C, H, W): no batch axis comes out, so a third number is wrong
    batched = tuple(F.unfold(torch.zeros(1, 1, 28, 28), 5, stride=2, padding=2).shape)
    assert batched == (1, *right) and not check_unfold_shape(batched)
    assert "no batch axis" in check_unfold_shape("torch.Size([1, 25, 196])").message
    assert "stride 1" in check_unfold_shape((25, 784)).message
    assert "forgets the padding" in check_unfold_shape((25, 144)).message
    assert "the pixels of one window" in check_unfold_shape((9, 196)).message
    assert "another order" in check_unfold_shape((196, 25)).message


def test_unfold_bytes():
    cols = F.unfold(torch.zeros(64, 1, 28, 28), 3)
    assert check_unfold_bytes(cols.nelement() * cols.element_size())
    assert "4 bytes" in check_unfold_bytes(cols.nelement()).message
    assert "size of the input" in check_unfold_bytes(64 * 784 * 4).message
    assert not check_unfold_bytes(1.5e6)


def test_matmul_conv_on_one_digit():
    digit = torch.rand(28, 28, generator=torch.Generator().manual_seed(0))
    cols = F.unfold(digit[None], 3)
    assert check_matmul_conv(edge_kernels.view(4, 9) @ cols, digit)
    assert check_matmul_conv((edge_kernels.view(4, 9) @ cols).view(4, 26, 26), digit)
    assert check_matmul_conv(edge_kernels.view(4, 9) @ cols, digit[None])
    assert check_matmul_conv((edge_kernels.view(4, 9) @ cols)[None], digit[None, None])
    assert (
        "kernels should be the rows"
        in check_matmul_conv((edge_kernels.view(4, 9) @ cols).T, digit).message
    )
    assert (
        "values differ"
        in check_matmul_conv(edge_kernels.transpose(2, 3).reshape(4, 9) @ cols, digit).message
    )
    assert (
        "expected 2,704 numbers, as (4, 676) or (4, 26, 26)"
        in check_matmul_conv(top_edge.view(1, 9) @ cols, digit).message
    )


def test_matmul_conv_on_a_batch():
    from coursecode import im2col

    xb = torch.rand(32, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    kernels = edge_kernels.reshape(4, 9)
    cols = im2col(xb, 3)
    assert cols.shape == (32, 9, 676)
    right = check_matmul_conv(kernels @ cols, xb)  # the (4, 9) matrix broadcasts
    assert right and "all 32 digits" in right.message
    assert check_matmul_conv((kernels @ cols).view(32, 4, 26, 26), xb)
    assert check_matmul_conv(F.conv2d(xb, edge_kernels), xb)
    one = check_matmul_conv(kernels @ cols[0], xb)  # the first digit only
    assert not one and "(4, 676) holds the four maps of one digit only" in one.message
    turned = check_matmul_conv(cols.transpose(1, 2) @ kernels.T, xb)  # (32, 676, 4)
    assert not turned and "wrong way round: in (32, 676, 4)" in turned.message
    assert "kernels should be the rows" in turned.message
    first = check_matmul_conv((kernels @ cols).transpose(0, 1), xb)  # (4, 32, 676)
    assert not first and "the digits first" in first.message
    assert "values differ" in check_matmul_conv(kernels @ cols.flip(0), xb).message
    assert "expected 86,528 numbers" in check_matmul_conv(kernels @ cols[:2], xb).message
    assert "images is one digit" in check_matmul_conv(kernels @ cols, xb[0, 0]).message
    assert not check_matmul_conv((kernels @ cols).tolist(), xb)


def test_stride2_size():
    from coursecode import conv

    x = torch.zeros(1, 1, 50, 50)
    side = conv(8, 16)(conv(4, 8)(conv(1, 4)(x))).shape[-1]
    assert check_stride2_size(side) and check_stride2_size((7, 7))
    assert "rounds an odd size up" in check_stride2_size(6).message  # the lesson's first guess
    assert "after the first layer" in check_stride2_size(25).message
    assert "after two of the three layers" in check_stride2_size(13).message
    assert "lesson's 28×28 digit" in check_stride2_size(4).message
    assert "no padding at stride 1" in check_stride2_size(44).message
    assert not check_stride2_size(3)


def test_conv_params():
    from coursecode import conv

    assert check_conv_params(sum(p.numel() for p in conv(16, 32).parameters()))
    assert "bias" in check_conv_params(32 * 16 * 9).message
    assert "one bias per output channel" in check_conv_params(32 * 16 * 9 + 16).message
    assert "all 16 input channels" in check_conv_params(32 * 9 + 32).message
    assert "3×3 window" in check_conv_params(16 * 32).message
    table = sum(p.numel() for p in conv(8, 16).parameters())
    assert "conv(8, 16), in the lesson's table" in check_conv_params(table).message
    assert check_conv_params("4640") and check_conv_params("4,640")
    assert not check_conv_params("4,6,40")


def test_layer_shape():
    layer = torch.nn.Conv2d(3, 16, 3, stride=2, padding=1, device="meta")
    assert check_layer_shape(layer(torch.empty(8, 3, 224, 224, device="meta")).shape)
    wrong = check_layer_shape((8, 16, 111, 111))
    assert "to each side" in wrong.message and "batch" not in wrong.message
    assert "one output channel" in check_layer_shape((8, 3, 112, 112)).message
    assert not check_layer_shape((16, 112, 112))


def test_output_size():
    from coursecode import conv_out_size

    assert check_output_size(conv_out_size(32, 5, stride=2, padding=2))
    assert check_output_size((16, 16))
    assert "forgets the padding" in check_output_size(14).message
    assert "+ 1 counts the first window" in check_output_size(15).message
    assert check_output_size("16") and not check_output_size("16.0")


def test_same_padding():
    from coursecode import same_padding

    pad = same_padding(5, dilation=2)
    assert check_same_padding(pad) and check_same_padding("4 px")
    image = torch.zeros(1, 1, 28, 28)
    assert F.conv2d(image, torch.zeros(1, 1, 5, 5), dilation=2, padding=pad).shape[-1] == 28
    assert "without dilation" in check_same_padding(2).message
    assert "the span of the dilated kernel" in check_same_padding(9).message
    assert "both sides together" in check_same_padding(8).message
    assert not check_same_padding(4.0)


def test_pool_size():
    from coursecode.checks import check_pool_size

    x = torch.zeros(1, 1, 10, 10)
    ceil = torch.nn.MaxPool2d(3, stride=2, ceil_mode=True)(x).shape[-2:]
    floor = torch.nn.MaxPool2d(3, stride=2)(x).shape[-2:]
    assert check_pool_size(ceil) and check_pool_size("5x5 px")
    assert "floor mode" in check_pool_size(floor).message
    default = torch.nn.MaxPool2d(3)(x).shape[-2:]  # stride 3, floor mode
    assert "the stride to be the kernel size" in check_pool_size(default).message
    assert "forgets the kernel" in check_pool_size(6).message
    assert "at stride 1" in check_pool_size(8).message


def test_dilated_span():
    # The span is the size of the smallest input the dilated kernel fits.
    x = torch.zeros(1, 1, 9, 9)
    kernel = torch.zeros(1, 1, 5, 5)
    assert F.conv2d(x, kernel, dilation=2).shape[-1] == 1
    with pytest.raises(RuntimeError):  # one pixel fewer and it does not fit
        F.conv2d(x[..., :8, :8], kernel, dilation=2)
    assert check_dilated_span(9)
    assert "a gap after every tap" in check_dilated_span(10).message
    assert "its offset" in check_dilated_span(8).message
    assert "counts the taps" in check_dilated_span(5).message
    assert "4 taps 2 apart" in check_dilated_span(7).message
    assert not check_dilated_span(None)


def test_rgb_weight_shape_and_params():
    layer = torch.nn.Conv2d(3, 16, 5)
    assert check_rgb_weight_shape(layer.weight.shape)
    assert "orders a weight's axes differently" in check_rgb_weight_shape((3, 16, 5, 5)).message
    assert check_rgb_params(sum(p.numel() for p in layer.parameters()))
    assert "add one bias" in check_rgb_params(1200).message
    assert "each of the 3 input channels" in check_rgb_params(416).message
    assert check_rgb_params("1216") and not check_rgb_params("1216 + 0")


def test_channels_last_stride():
    x = torch.zeros(1, 3, 4, 5)
    assert check_channels_last_stride(x.contiguous(memory_format=torch.channels_last).stride())
    assert "usual NCHW" in check_channels_last_stride(x.stride()).message
    assert not check_channels_last_stride((1, 2))


def test_receptive_field_checkers():
    from coursecode import receptive_field

    assert check_stride2_field(receptive_field([(5, 2, 2)] * 3)["size"].iloc[-1])
    assert receptive_field([(3, 2, 1)] * 3)["size"].iloc[-1] == 15
    assert "lesson's three stride-2 3×3 layers" in check_stride2_field(15).message
    two = receptive_field([(5, 2, 2)] * 2)["size"].iloc[-1]
    assert two == receptive_field([(5, 1, 2)] * 3)["size"].iloc[-1] == 13
    assert "after two of these layers" in check_stride2_field(two).message
    assert "multiplies the kernel sizes" in check_stride2_field(125).message
    assert "as two stride-1 layers do" in check_stride2_field(9).message  # the first guess
    assert "jump *before* it" in check_stride2_field(57).message
    assert check_pool_field(receptive_field([(3, 1, 1), (3, 1, 1), (2, 2, 0)])["size"].iloc[-1])
    assert "jump *before* it" in check_pool_field(10).message
    three = sum(torch.nn.Conv2d(32, 32, 3, bias=False).weight.numel() for _ in range(3))
    one = torch.nn.Conv2d(32, 32, 7, bias=False).weight.numel()
    assert check_stack_params((three, one))
    assert "counts one 3×3 layer" in check_stack_params((9216, one)).message
    assert not check_stack_params(27648)
    assert check_stack_params("(27,648, 50,176)")  # as the solution prints it
    assert check_stack_params("27648, 50176") and check_stack_params("27648 50176")


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "kernel",
    [
        torch.full((3, 3), NAN),
        -top_edge * torch.tensor([[1.0, 1, 1], [1, 1, 1], [1, 1, NAN]]),  # one NaN weight
        [[1, 1, 1], [0, 0, 0], [-1, -1, -INF]],
        torch.tensor([[1.0, 1, 1], [0, 0, 0], [-1, -1, -1]], dtype=torch.float16) * INF,
        "1e999 1e999 1e999; 0 0 0; -1e999 -1e999 -1e999",  # reads as inf
        "1e308 1e308 1e308; 0 0 0; -1e308 -1e308 -1e308",  # finite, but its sums overflow
    ],
)
def test_bottom_edge_refuses_numbers_that_are_not_finite(kernel):
    feedback = check_bottom_edge(kernel)
    assert not feedback and "must be finite: no inf or nan" in feedback.message


def test_a_long_typed_answer_is_read_quickly():
    # the decimal pattern used to backtrack: 8,000 digits took seconds, 100,000 for ever
    assert "not" in check_bottom_edge("1" * 100_000 + "a").message
    assert "got 1 numbers" in check_bottom_edge("1" * 100_000).message


def test_matmul_conv_names_bad_images():
    result = torch.zeros(4, 676)
    with pytest.raises(TypeError, match=r"images must be a tensor: one digit .*got list"):
        check_matmul_conv(result, [[0.0] * 28] * 28)
    with pytest.raises(ValueError, match=r"at least 3×3, got shape \(2, 2\)"):
        check_matmul_conv(result, torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"or a batch \(N, 1, H, W\).*got shape \(2, 28, 28\)"):
        check_matmul_conv(result, torch.zeros(2, 28, 28))  # two digits with no channel axis?
    with pytest.raises(ValueError, match=r"got shape \(32, 3, 28, 28\)"):
        check_matmul_conv(result, torch.zeros(32, 3, 28, 28))
    with pytest.raises(ValueError, match=r"got shape \(0, 1, 28, 28\)"):
        check_matmul_conv(result, torch.zeros(0, 1, 28, 28))
    assert check_matmul_conv(result, torch.ones(1, 28, 28))  # a flat digit: no edges anywhere
    assert "values differ" in check_matmul_conv(result, torch.eye(28)[None]).message
    assert check_matmul_conv(torch.zeros(4, 16), torch.ones(6, 6))  # any size from 3×3


def test_verdict_names_a_bad_checker_name():
    from coursecode.checks import verdict

    with pytest.raises(ValueError, match=r"name must be one of \[.*\], got \['check_map_size'\]"):
        verdict(["check_map_size"], 24)


def test_bottom_edge_reads_a_number_too_big_for_a_float_as_unreadable():
    feedback = check_bottom_edge([[10**400] * 3] * 3)
    assert not feedback and "nine numbers, row by row" in feedback.message


def test_bottom_edge_reads_a_numpy_kernel():
    import numpy as np

    assert check_bottom_edge(np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]]))
    assert check_bottom_edge(-top_edge.numpy())
    assert "must be finite" in check_bottom_edge(np.full((3, 3), np.nan)).message
    assert "nine numbers" in check_bottom_edge(np.ones((3, 3), dtype=complex)).message
    assert "nine numbers" in check_bottom_edge(np.array([["a"] * 3] * 3)).message


# --- units, spaces, ambiguity, and hints that give nothing away -----------------------------

LENGTHS = sorted(name for name, spec in CHECKS.items() if "px" in spec.get("units", []))
COUNTS = {  # a count takes the words of what it counts, never a length's "px"
    "check_conv_params": "parameters",
    "check_matrix_zeros": "zeros",
    "check_mlp_params": "params",
    "check_rgb_params": "weights",
    "check_rgb_unfold_rows": "rows",
    "check_separable_params": "weights",
    "check_unfold_bytes": "bytes",
}


def test_lengths_take_pixels_and_counts_their_own_words():
    assert LENGTHS == [
        "check_dilated_span",
        "check_map_size",
        "check_output_size",
        "check_pool_field",
        "check_pool_size",
        "check_same_padding",
        "check_stride2_field",
        "check_stride2_size",
        "check_stride_shift",
    ]
    assert sorted(n for n, spec in CHECKS.items() if spec.get("units")) == sorted(
        LENGTHS + list(COUNTS)
    )
    for name, word in COUNTS.items():
        right = CHECKS[name]["answer"]
        assert verdict(name, str(right)) and verdict(name, f"{right} {word}"), name
        assert verdict(name, f"{right:,} {word.upper()}"), name
        assert not verdict(name, f"{right} px") and not verdict(name, f"{right} pixels")
        assert "px" in verdict(name, f"{right} px").message  # "answer with ..., not "8768 px""
    # a wrong count with its word gets the wrong count's hint
    assert "4 bytes" in check_unfold_bytes(f"{64 * 9 * 676} bytes").message


@pytest.mark.parametrize("name", LENGTHS)
def test_a_length_may_carry_its_unit(name):
    n = CHECKS[name]["answer"]
    n = n[0] if isinstance(n, list) else n
    for text in [f"{n} pixels", f"{n} px", f"{n} pixel", f"{n}px", f"{n} PIXELS", f"{n} Px"]:
        assert verdict(name, text), text
    assert not verdict(name, f"{n} pixies") and not verdict(name, f"{n} pxl")
    assert not verdict(name, f"pixels {n}")
    if CHECKS[name]["kind"] == "side":
        for text in [f"{n}×{n} pixels", f"{n} px × {n} px", f"({n}, {n}) px", f"{n}x{n}px"]:
            assert verdict(name, text), text
    wrong = CHECKS[name].get("wrong")
    if wrong:  # a wrong length with its unit gets the wrong length's hint
        value, hint = wrong[0]
        value = value[0] if isinstance(value, list) else value
        assert verdict(name, f"{value} pixels").message == hint


def test_a_space_between_digit_groups_is_ambiguous():
    assert check_conv_params("1 168").message == (
        "1 168: a space may group thousands or separate numbers. Write 1168 or 1,168 for one "
        "number."
    )
    assert check_map_size("1 168").message == (
        "1 168: a space may group thousands or separate numbers. Write 1168 or 1,168 for one "
        "number, (1, 168) for a pair."
    )
    assert "Write 1234567 or 1,234,567 for one number." in check_map_size("1 234 567").message
    assert "8768 or 8,768" in check_separable_params("8\u202f768").message  # a narrow space
    assert "ambiguous" not in check_map_size("24 24").message
    assert check_map_size("24 24") and check_map_size("24 px 24 px")
    # not digit groups: read as before
    assert "not (0, 168)" in check_conv_params("0 168").message
    assert "not (1, 16)" in check_conv_params("1 16").message
    assert "not (1, 1680)" in check_conv_params("1 1680").message
    # a shape cannot be one number: its spaces separate numbers
    assert check_layer_shape("8 16 112 112")
    assert "not (27, 648, 50, 176)" in check_stack_params("27 648 50 176").message
    # ... but where commas set the numbers of a pair apart, a space inside one is ambiguous
    assert check_mixer_params("16 384, 147 456").message == (
        "16 384, 147 456: a space may group thousands or separate numbers. Write "
        "(16384, 147456) or (16,384, 147,456) for a pair."
    )
    assert "Write (16384, 147456) or (16,384, 147456) for a pair." in (
        check_mixer_params("(16 384, 147456)").message
    )
    assert "or (27,648, 50,176) for a pair" in check_stack_params("27 648 × 50 176").message
    assert (
        "Write (1168, 1168) or (1,168, 1,168) for a pair" in check_map_size("1 168, 1 168").message
    )
    assert "for 4 numbers" in check_layer_shape("8, 16, 112, 1 112").message
    assert check_mixer_params("16,384, 147,456") and check_mixer_params("16384 147456")
    # not as many numbers as the answer has, or not digit groups: read as before
    assert "not (16, 384, 147, 456, 1)" in check_mixer_params("16 384, 147 456, 1").message
    assert "not (1, 2, 3)" in check_mixer_params("1 2, 3").message
    assert "not (16, 38, 147456)" in check_mixer_params("16 38, 147456").message


def test_a_column_may_be_named_as_a_column():
    from coursecode.checks import check_unread_column

    for text in [
        "5",
        "column 5",
        "Column 5",
        "COLUMN 5",
        "col 5",
        "Col5",
        "cOl\u00a05",
        "(column 5)",
    ]:
        assert check_unread_column(text), text
    assert check_unread_column("column 4").message == verdict("check_unread_column", 4).message
    assert "never negative" in check_unread_column("column -1").message
    for text in ["columns 5", "5 column", "column", "column 5 column", "colum 5", "row 5", "c 5"]:
        feedback = check_unread_column(text)
        assert not feedback and feedback.message.endswith(f'not "{text}"'), text
    assert [name for name, spec in CHECKS.items() if spec.get("words")] == ["check_unread_column"]
    assert not check_map_size("column 24") and not check_conv_params("col 4640")


def test_every_space_counts_as_one():
    from coursecode.checks import SPACES

    assert {chr(c) for c in range(0x110000) if chr(c).isspace()} < set(SPACES)
    assert "\ufeff" in SPACES and "\u200b" not in SPACES  # a zero-width space is not a space
    for c in SPACES:
        assert check_conv_params(f"{c}4640{c}"), repr(c)
        assert check_map_size(f"24{c}{c}24"), repr(c)
        assert check_bottom_edge(f"1{c}1{c}1;0{c}0 0;-1 -1{c}-1"), repr(c)
        assert (
            check_map_size(c).message
            == "answer with a number or a pair of numbers such as (26, 26)."
        )
        assert "Write 1168" in check_conv_params(f"1{c}168").message, repr(c)
    assert not check_conv_params("1168\u200b")


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 100_000 + "a",
        "1" + " " * 200_000 + "1",
        "1" + " " * 200_000 + "pixelz",
        "1px" * 100_000,
        "1," * 100_000 + "1",
        "1, " * 100_000,
        "1 111" * 50_000 + " a",
        "\ufeff" * 200_000 + "1",
        "torch.Size(" * 50_000,
    ],
    ids=range(9),
)
def test_a_long_answer_is_read_in_linear_time(text):
    # each would take minutes if a pattern backtracked over the text
    for name in ("check_conv_params", "check_map_size", "check_layer_shape", "check_bottom_edge"):
        assert not verdict(name, text)


def test_separable_params():
    depthwise = torch.nn.Conv2d(64, 64, 3, groups=64, bias=False)
    pointwise = torch.nn.Conv2d(64, 128, 1, bias=False)
    assert check_separable_params(depthwise.weight.numel() + pointwise.weight.numel())
    assert check_separable_params("8,768") and check_separable_params("8768")
    full = torch.nn.Conv2d(64, 128, 3, bias=False).weight.numel()
    assert "full 3×3 convolution" in check_separable_params(full).message
    assert "depthwise layer alone" in check_separable_params(depthwise.weight.numel()).message
    assert "1×1 layer alone" in check_separable_params(pointwise.weight.numel()).message
    assert "from 64 channels to 64" in check_separable_params(64 * 64 * 9).message
    with_bias = sum(
        p.numel()
        for m in (torch.nn.Conv2d(64, 64, 3, groups=64), torch.nn.Conv2d(64, 128, 1))
        for p in m.parameters()
    )
    assert "not the biases" in check_separable_params(with_bias).message
    assert "sum of its layers" in check_separable_params(576 * 8192).message
    assert "C_out · (C_in / g) · k · k" in check_separable_params(9000).message
    assert check_separable_params("8768 weights") and not check_separable_params(8768.0)


def right_fragments(name: str, message: str) -> list[str]:
    """Every stretch of ``message`` from one number to another (or to itself) that the checker
    reads as its right answer: "4", "4×4", "(4, 4)", "1,168", "16 px" all count. A number
    glued to a one-letter name ("2j", "2p") is a formula's coefficient, not an answer."""
    digit = [c.isdigit() for c in message]
    starts = [i for i, d in enumerate(digit) if d and (i == 0 or not digit[i - 1])]
    ends = [j for j, d in enumerate(digit) if d and (j + 1 == len(message) or not digit[j + 1])]
    found = []
    for i in starts:
        for j in ends:
            if j < i:
                continue
            after = message[j + 1 : j + 3]
            if (
                len(after) >= 1
                and after[0].isalpha()
                and after[0] != "×"
                and not after[1:].isalpha()
            ):
                continue  # "2j − 2": a coefficient
            if verdict(name, message[i : j + 1]).ok:
                found.append(message[i : j + 1])
    return found


def test_right_fragments_finds_an_answer_in_any_form():
    assert right_fragments("check_stride2_size", "it fits a 7th time") == ["7"]
    assert right_fragments("check_stride2_size", "the map is 7×7 then") == ["7", "7×7", "7"]
    assert right_fragments("check_conv_params", "it has 4,640 of them") == ["4,640"]
    assert right_fragments("check_stack_params", "so (27,648, 50,176) it is")
    assert right_fragments("check_stride_shift", "columns 2j − 1 to 2j + 1") == []
    assert right_fragments("check_map_size", "26 is the answer for a 3×3 kernel") == []


def every_hint(name: str) -> list[str]:
    """Every message a checker gives to a wrong answer it knows, with its parts' hints alone and
    together, and to any other answer."""
    spec = CHECKS[name]
    hints = [hint for _, hint in spec.get("wrong", [])]
    hints += [probe[2] for probe in spec.get("probes", [])]
    hints += [spec["otherwise"]] if "otherwise" in spec else []
    hints += [spec["order"]] if "order" in spec else []
    parts = spec.get("parts", [])
    for part in parts:
        hints += [hint for _, hint in part[2]]
    for mask in range(1, 2 ** len(parts)):  # each set of wrong parts, in one message
        answer = list(spec["answer"])
        for k, (positions, _, _) in enumerate(parts):
            if mask >> k & 1:
                for i in positions:
                    answer[i] += 1
        hints.append(verdict(name, answer).message)
    return hints


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_no_hint_gives_the_answer_away(name):
    hints = every_hint(name)
    assert hints
    for hint in hints:
        assert right_fragments(name, hint) == [], hint


FIRST_GUESS = re.compile(r"^(check_\w+)\((.+)\)[ \t]*# a first guess", re.MULTILINE)
LESSONS = Path(__file__).parents[1] / "lessons"


def first_guesses() -> list[tuple[str, str, str]]:
    """Each lesson's "first guess" call, whose printed verdict the page shows: (lesson, checker,
    the argument as written)."""
    return [
        (path.stem, match[1], match[2])
        for path in sorted(LESSONS.glob("*.md"))
        for match in FIRST_GUESS.finditer(path.read_text(encoding="utf-8"))
    ]


def test_every_lesson_with_a_first_guess_is_read():
    lessons = {lesson for lesson, _, _ in first_guesses()}
    assert len(lessons) >= 6, lessons


@pytest.mark.parametrize("lesson, name, argument", first_guesses())
def test_a_first_guess_does_not_give_the_answer_away(lesson, name, argument):
    guess = eval(argument, {"__builtins__": {}})  # a number, a tuple or 784 * 64
    feedback = verdict(name, guess)
    assert not feedback.ok, f"{lesson}: the first guess {argument} is the answer"
    assert right_fragments(name, feedback.message) == [], (lesson, feedback.message)
    assert CHECKS[name]["right"] != feedback.message
