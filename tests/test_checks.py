"""The exercise checkers: right answers pass, wrong ones get a reason, odd input gets advice."""

import pytest
import torch
import torch.nn.functional as F

from coursecode import edge_kernels
from coursecode import top_edge
from coursecode.checks import Feedback
from coursecode.checks import check_bottom_edge
from coursecode.checks import check_channels_last_stride
from coursecode.checks import check_conv_params
from coursecode.checks import check_conv_shape
from coursecode.checks import check_dilated_span
from coursecode.checks import check_layer_shape
from coursecode.checks import check_map_size
from coursecode.checks import check_matmul_conv
from coursecode.checks import check_output_size
from coursecode.checks import check_pool_field
from coursecode.checks import check_rgb_params
from coursecode.checks import check_rgb_weight_shape
from coursecode.checks import check_same_padding
from coursecode.checks import check_stack_params
from coursecode.checks import check_stride2_field
from coursecode.checks import check_stride2_size
from coursecode.checks import check_unfold_bytes
from coursecode.checks import check_unfold_shape


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
        ((23, 23), "forgets the first position"),
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
    assert not wrong and "C = 8" in wrong.message and "batch size" not in wrong.message
    wrong = check_conv_shape((8, 64, 26, 26))
    assert all(h in wrong.message for h in ("batch size", "C = 8", "28 − 5 + 1"))
    assert "four numbers" in check_conv_shape((64, 8)).message


def test_unfold_shape():
    right = tuple(F.unfold(torch.zeros(1, 28, 28), 5, stride=2, padding=2).shape)
    assert check_unfold_shape(right) and check_unfold_shape((1, *right))
    assert "stride 1" in check_unfold_shape((25, 784)).message
    assert "forgets the padding" in check_unfold_shape((25, 144)).message
    assert "5×5 = 25" in check_unfold_shape((9, 196)).message
    assert check_unfold_shape("25x196") and check_unfold_shape("torch.Size([1, 25, 196])")


def test_unfold_bytes():
    cols = F.unfold(torch.zeros(64, 1, 28, 28), 3)
    assert check_unfold_bytes(cols.nelement() * cols.element_size())
    assert "4 bytes" in check_unfold_bytes(cols.nelement()).message
    assert "size of the input" in check_unfold_bytes(64 * 784 * 4).message
    assert not check_unfold_bytes(1.5e6)


def test_matmul_conv():
    digit = torch.rand(28, 28, generator=torch.Generator().manual_seed(0))
    cols = F.unfold(digit[None], 3)
    assert check_matmul_conv(edge_kernels.view(4, 9) @ cols, digit)
    assert check_matmul_conv((edge_kernels.view(4, 9) @ cols).view(4, 26, 26), digit)
    assert (
        "kernels should be the rows"
        in check_matmul_conv((edge_kernels.view(4, 9) @ cols).T, digit).message
    )
    assert (
        "values differ"
        in check_matmul_conv(edge_kernels.transpose(2, 3).reshape(4, 9) @ cols, digit).message
    )
    assert (
        "expected (4, 26, 26) numbers"
        in check_matmul_conv(top_edge.view(1, 9) @ cols, digit).message
    )


def test_stride2_size():
    from coursecode import conv

    x = torch.zeros(1, 1, 28, 28)
    side = conv(8, 16)(conv(4, 8)(conv(1, 4)(x))).shape[-1]
    assert check_stride2_size(side) and check_stride2_size((4, 4))
    assert "fits a 4th time" in check_stride2_size(3).message
    assert not check_stride2_size(7)


def test_conv_params():
    from coursecode import conv

    assert check_conv_params(sum(p.numel() for p in conv(8, 16).parameters()))
    assert "bias" in check_conv_params(8 * 16 * 9).message
    assert "all 8 input channels" in check_conv_params(160).message
    assert check_conv_params("1168") and check_conv_params("1,168")
    assert not check_conv_params("1,16,8")


def test_layer_shape():
    layer = torch.nn.Conv2d(3, 16, 3, stride=2, padding=1, device="meta")
    assert check_layer_shape(layer(torch.empty(8, 3, 224, 224, device="meta")).shape)
    wrong = check_layer_shape((8, 16, 111, 111))
    assert "= 112" in wrong.message and "batch" not in wrong.message
    assert "16 output channels" in check_layer_shape((8, 3, 112, 112)).message
    assert not check_layer_shape((16, 112, 112))


def test_output_size():
    from coursecode import conv_out_size

    assert check_output_size(conv_out_size(32, 5, stride=2, padding=2))
    assert check_output_size((16, 16))
    assert "forgets the padding" in check_output_size(14).message
    assert "add 1" in check_output_size(15).message
    assert check_output_size("16") and not check_output_size("16.0")


def test_same_padding():
    from coursecode import same_padding

    assert check_same_padding(same_padding(7))
    assert "per side" in check_same_padding(6).message
    assert not check_same_padding(3.0)


def test_dilated_span():
    # The span is the size of the smallest input the dilated kernel fits.
    x = torch.zeros(1, 1, 7, 7)
    assert F.conv2d(x, torch.zeros(1, 1, 3, 3), dilation=3).shape[-1] == 1
    assert check_dilated_span(7)
    assert "counts the taps" in check_dilated_span(9).message
    assert not check_dilated_span(None)


def test_rgb_weight_shape_and_params():
    layer = torch.nn.Conv2d(3, 16, 5)
    assert check_rgb_weight_shape(layer.weight.shape)
    assert "output channels first" in check_rgb_weight_shape((3, 16, 5, 5)).message
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

    assert check_stride2_field(receptive_field([(3, 2, 1)] * 3)["size"].iloc[-1])
    assert "after two layers" in check_stride2_field(7).message
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


def test_matmul_conv_names_a_bad_image():
    result = torch.zeros(4, 676)
    with pytest.raises(TypeError, match="image must be the 28×28 digit .*got list"):
        check_matmul_conv(result, [[0.0] * 28] * 28)
    with pytest.raises(ValueError, match=r"image must be the 28×28 digit .*got shape \(2, 2\)"):
        check_matmul_conv(result, torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"got shape \(2, 28, 28\)"):
        check_matmul_conv(result, torch.zeros(2, 28, 28))
    assert check_matmul_conv(result, torch.ones(1, 28, 28))  # a flat digit: no edges anywhere
    assert "values differ" in check_matmul_conv(result, torch.eye(28)[None]).message


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
