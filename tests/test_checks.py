"""The exercise checkers: right answers pass, wrong ones get a reason, odd input gets advice."""

import pytest
import torch
import torch.nn.functional as F

from coursecode import top_edge
from coursecode.checks import Feedback
from coursecode.checks import check_bottom_edge
from coursecode.checks import check_conv_shape
from coursecode.checks import check_map_size


def test_feedback_reads_as_a_verdict():
    assert bool(Feedback(True, "fine")) and repr(Feedback(True, "fine")) == "✓ fine"
    assert not Feedback(False, "no") and repr(Feedback(False, "no")) == "✗ no"
    long = repr(Feedback(False, "word " * 40))
    assert all(len(line) <= 78 for line in long.splitlines()) and len(long.splitlines()) > 1


@pytest.mark.parametrize("answer", [24, (24, 24), [24, 24], torch.Size([24, 24])])
def test_map_size_right(answer):
    assert check_map_size(answer)


@pytest.mark.parametrize("answer, hint", [
    (26, "3×3 kernel"), ((23, 23), "forgets the first position"), (28, "smaller than the image"),
    (20, "is not it"), ("24", "a number or a pair"), (True, "a number or a pair"), (24.0, "a number"),
])
def test_map_size_wrong(answer, hint):
    feedback = check_map_size(answer)
    assert not feedback and hint in feedback.message


def test_map_size_answer_is_true():
    # The checker's answer is what PyTorch computes.
    assert check_map_size(tuple(F.conv2d(torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 5, 5)).shape[-2:]))


def test_bottom_edge_right():
    assert check_bottom_edge(-top_edge)
    assert check_bottom_edge(-2 * top_edge)
    assert check_bottom_edge(torch.tensor([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]))  # Sobel, ints


@pytest.mark.parametrize("kernel, hint", [
    (top_edge, "positive answer where bright pixels sit above dark"),
    (torch.ones(3, 3), "sum to 0"),
    (-top_edge.T, "positive answer"),  # a right-edge kernel ignores horizontal edges
    (torch.tensor([[1.0, 1, 1], [0, 0, 0], [0, -1, -2.0]]), "vertical edge"),
    (torch.zeros(3, 3), "positive answer"),
    (torch.zeros(5, 5), "should be 3×3"),
    ([[1, 1, 1], [0, 0, 0], [-1, -1, -1]], "should be a tensor"),
])
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
