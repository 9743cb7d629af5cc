"""Kernels: the four edge kernels, apply_kernel at one position, conv2d_loop everywhere."""

import pytest
import torch
import torch.nn.functional as F

from coursecode import apply_kernel
from coursecode import conv2d_loop
from coursecode import diag1_edge
from coursecode import diag2_edge
from coursecode import edge_kernels
from coursecode import left_edge
from coursecode import top_edge


def test_kernel_shapes_and_stack():
    for k in (top_edge, left_edge, diag1_edge, diag2_edge):
        assert k.shape == (3, 3) and k.dtype == torch.float32
        assert k.sum() == 0  # flat regions give zero response
    assert edge_kernels.shape == (4, 1, 3, 3)
    assert torch.equal(edge_kernels[0, 0], top_edge) and torch.equal(edge_kernels[1, 0], left_edge)
    assert torch.equal(left_edge, top_edge.T)


def test_top_edge_finds_a_top_edge():
    im = torch.zeros(6, 6)
    im[3:] = 1.0  # dark above, bright below
    out = conv2d_loop(im, top_edge)
    assert out[1:3].eq(3).all() and out[0].eq(0).all() and out[3].eq(0).all()
    assert conv2d_loop(im, left_edge).eq(0).all()


def test_apply_kernel_by_hand():
    im = torch.arange(25.0).view(5, 5)
    expected = sum(im[1 + i, 2 + j] * top_edge[i, j] for i in range(3) for j in range(3))
    assert apply_kernel(im, 2, 3, top_edge) == expected


@pytest.mark.parametrize("row, col", [(1, 1), (1, 26), (26, 1), (26, 26), (13, 7)])
def test_apply_kernel_matches_loop_map(row, col):
    im = torch.rand(28, 28, generator=torch.Generator().manual_seed(0))
    assert torch.isclose(apply_kernel(im, row, col, left_edge), conv2d_loop(im, left_edge)[row - 1, col - 1])


@pytest.mark.parametrize("row, col", [(0, 5), (5, 0), (27, 5), (5, 27), (40, 40)])
def test_apply_kernel_window_outside(row, col):
    with pytest.raises(ValueError, match=r"leaves the 28×28 image: row must be in \[1, 26\]"):
        apply_kernel(torch.zeros(28, 28), row, col, top_edge)


def test_apply_kernel_bad_arguments():
    with pytest.raises(ValueError, match="odd height and width"):
        apply_kernel(torch.zeros(8, 8), 3, 3, torch.ones(2, 2))
    with pytest.raises(ValueError, match=r"im must have shape \(H, W\)"):
        apply_kernel(torch.zeros(1, 8, 8), 3, 3, top_edge)
    with pytest.raises(TypeError, match="kernel must be a torch.Tensor"):
        apply_kernel(torch.zeros(8, 8), 3, 3, [[1, 0, -1]])
    with pytest.raises(TypeError, match="row must be an integer"):
        apply_kernel(torch.zeros(8, 8), 3.5, 3, top_edge)
    with pytest.raises(ValueError, match="col must be an integer >= 0"):
        apply_kernel(torch.zeros(8, 8), 3, -1, top_edge)


@pytest.mark.parametrize("h, w, kh, kw", [(28, 28, 3, 3), (7, 5, 2, 3), (4, 4, 4, 4), (6, 9, 1, 5)])
def test_conv2d_loop_equals_conv2d(h, w, kh, kw):
    g = torch.Generator().manual_seed(h * w + kh)
    im, k = torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)
    out = conv2d_loop(im, k)
    assert out.shape == (h - kh + 1, w - kw + 1)
    torch.testing.assert_close(out, F.conv2d(im[None, None], k[None, None])[0, 0], atol=1e-5, rtol=1e-5)


def test_conv2d_loop_bad_arguments():
    with pytest.raises(ValueError, match="larger than the image"):
        conv2d_loop(torch.zeros(2, 5), top_edge)
    with pytest.raises(ValueError, match=r"kernel must have shape \(kH, kW\)"):
        conv2d_loop(torch.zeros(5, 5), edge_kernels)


def test_diagonal_kernels_find_their_diagonals():
    rows, cols = torch.meshgrid(torch.arange(9), torch.arange(9), indexing="ij")
    below_anti = (rows + cols > 8).float()  # bright below the bottom-left→top-right diagonal
    below_main = (rows > cols).float()      # bright below the top-left→bottom-right diagonal
    assert conv2d_loop(below_anti, diag1_edge).max() > conv2d_loop(below_anti, diag2_edge).abs().max()
    assert conv2d_loop(below_main, diag2_edge).max() > conv2d_loop(below_main, diag1_edge).abs().max()


@pytest.mark.parametrize("im, kernel, error, match", [
    (torch.rand(5, 5), torch.ones(0, 0), ValueError, r"kernel must be a non-empty kernel .*got shape \(0, 0\)"),
    (torch.rand(5, 5), torch.ones(3, 0), ValueError, r"kernel must be a non-empty kernel .*got shape \(3, 0\)"),
    (torch.rand(0, 5), torch.ones(1, 1), ValueError, r"im must be a non-empty image .*got shape \(0, 5\)"),
    (torch.rand(5), torch.ones(1, 1), ValueError, r"im must have shape \(H, W\).*got shape \(5,\)"),
    (torch.rand(5, 5), [[1.0]], TypeError, "kernel must be a torch.Tensor"),
    (torch.zeros(1001, 1001), torch.ones(1, 1), ValueError,
     r"im of shape \(1001, 1001\) gives 1,002,001 positions.*Use F.conv2d"),
])
def test_conv2d_loop_refuses_empty_and_huge_inputs(im, kernel, error, match):
    with pytest.raises(error, match=match):
        conv2d_loop(im, kernel)


def test_apply_kernel_refuses_an_empty_kernel_or_image():
    with pytest.raises(ValueError, match="kernel must be a non-empty kernel"):
        apply_kernel(torch.zeros(5, 5), 2, 2, torch.ones(0, 3))
    with pytest.raises(ValueError, match="im must be a non-empty image"):
        apply_kernel(torch.zeros(0, 0), 0, 0, torch.ones(1, 1))


def test_a_learners_in_place_edit_changes_only_their_copy():
    import coursecode
    import coursecode.kernels
    from coursecode.kernels import top_edge as mine

    before = coursecode.kernels.top_edge
    mine.mul_(2)
    coursecode.kernels.left_edge[0, 0] = 100.0
    coursecode.kernels.edge_kernels.zero_()
    from coursecode.kernels import top_edge as again
    assert torch.equal(again, before) and torch.equal(coursecode.kernels.top_edge, before)
    assert coursecode.kernels.left_edge[0, 0] == -1.0
    fresh = coursecode.kernels.edge_kernels
    assert torch.equal(fresh[0, 0], coursecode.kernels.top_edge)
    assert torch.equal(fresh[1, 0], coursecode.kernels.left_edge)
    assert coursecode.kernels.top_edge is not coursecode.kernels.top_edge
    assert {"top_edge", "edge_kernels"} <= set(dir(coursecode.kernels))
    with pytest.raises(AttributeError, match="no attribute 'bottom_edge'"):
        coursecode.kernels.bottom_edge


def test_the_packages_top_level_kernels_are_fresh_copies_too():
    import coursecode

    from coursecode import top_edge as mine
    from coursecode import edge_kernels as ours
    # First: two imports give two tensors (else the edits below would corrupt the session's).
    assert coursecode.top_edge is not mine and coursecode.edge_kernels is not ours
    mine.mul_(2)
    ours.zero_()
    from coursecode import top_edge as again
    from coursecode import edge_kernels
    assert again[0, 0] == -1.0 and coursecode.top_edge[0, 0] == -1.0
    assert torch.equal(edge_kernels[0, 0], again)
