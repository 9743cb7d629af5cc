"""Kernels: the four edge kernels and their labels, apply_kernel at one position, conv2d_loop."""

import pytest
import torch
import torch.nn.functional as F

from coursecode import apply_kernel
from coursecode import conv2d_loop
from coursecode import edge_kernels
from coursecode import left_edge
from coursecode import named_edge_kernels
from coursecode import top_edge
from coursecode import top_left_edge
from coursecode import top_right_edge


def test_kernel_shapes_and_stack():
    for k in (top_edge, left_edge, top_left_edge, top_right_edge):
        assert k.shape == (3, 3) and k.dtype == torch.float32
        assert k.sum() == 0  # flat regions give zero response
    assert edge_kernels.shape == (4, 1, 3, 3)
    assert torch.equal(edge_kernels[0, 0], top_edge) and torch.equal(edge_kernels[1, 0], left_edge)
    assert torch.equal(left_edge, top_edge.T)


def test_top_edge_finds_a_top_edge():
    image = torch.zeros(6, 6)
    image[3:] = 1.0  # dark above, bright below
    out = conv2d_loop(image, top_edge)
    assert out[1:3].eq(3).all() and out[0].eq(0).all() and out[3].eq(0).all()
    assert conv2d_loop(image, left_edge).eq(0).all()


def test_apply_kernel_by_hand():
    image = torch.arange(25.0).view(5, 5)
    expected = sum(image[1 + i, 2 + j] * top_edge[i, j] for i in range(3) for j in range(3))
    assert apply_kernel(image, 2, 3, top_edge) == expected


@pytest.mark.parametrize("row, col", [(1, 1), (1, 26), (26, 1), (26, 26), (13, 7)])
def test_apply_kernel_matches_loop_map(row, col):
    image = torch.rand(28, 28, generator=torch.Generator().manual_seed(0))
    assert torch.isclose(
        apply_kernel(image, row, col, left_edge), conv2d_loop(image, left_edge)[row - 1, col - 1]
    )


@pytest.mark.parametrize("row, col", [(0, 5), (5, 0), (27, 5), (5, 27), (40, 40)])
def test_apply_kernel_window_outside(row, col):
    with pytest.raises(ValueError, match=r"leaves the 28×28 image: row must be in \[1, 26\]"):
        apply_kernel(torch.zeros(28, 28), row, col, top_edge)


def test_apply_kernel_bad_arguments():
    with pytest.raises(ValueError, match="odd height and width"):
        apply_kernel(torch.zeros(8, 8), 3, 3, torch.ones(2, 2))
    with pytest.raises(ValueError, match=r"image must have shape \(H, W\)"):
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
    image, k = torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)
    out = conv2d_loop(image, k)
    assert out.shape == (h - kh + 1, w - kw + 1)
    torch.testing.assert_close(
        out, F.conv2d(image[None, None], k[None, None])[0, 0], atol=1e-5, rtol=1e-5
    )


def test_conv2d_loop_bad_arguments():
    with pytest.raises(ValueError, match="larger than the image"):
        conv2d_loop(torch.zeros(2, 5), top_edge)
    with pytest.raises(ValueError, match=r"kernel must have shape \(kH, kW\)"):
        conv2d_loop(torch.zeros(5, 5), edge_kernels)


def test_diagonal_kernels_find_their_diagonals():
    rows, cols = torch.meshgrid(torch.arange(9), torch.arange(9), indexing="ij")
    below_anti = (rows + cols > 8).float()  # bright below the bottom-left→top-right diagonal
    below_main = (rows > cols).float()  # bright below the top-left→bottom-right diagonal
    assert (
        conv2d_loop(below_anti, top_left_edge).max()
        > conv2d_loop(below_anti, top_right_edge).abs().max()
    )
    assert (
        conv2d_loop(below_main, top_right_edge).max()
        > conv2d_loop(below_main, top_left_edge).abs().max()
    )


@pytest.mark.parametrize(
    "image, kernel, error, match",
    [
        (
            torch.rand(5, 5),
            torch.ones(0, 0),
            ValueError,
            r"kernel must be a non-empty kernel .*got shape \(0, 0\)",
        ),
        (
            torch.rand(5, 5),
            torch.ones(3, 0),
            ValueError,
            r"kernel must be a non-empty kernel .*got shape \(3, 0\)",
        ),
        (
            torch.rand(0, 5),
            torch.ones(1, 1),
            ValueError,
            r"image must be a non-empty image .*got shape \(0, 5\)",
        ),
        (
            torch.rand(5),
            torch.ones(1, 1),
            ValueError,
            r"image must have shape \(H, W\).*got shape \(5,\)",
        ),
        (torch.rand(5, 5), [[1.0]], TypeError, "kernel must be a torch.Tensor"),
        (
            torch.zeros(1001, 1001),
            torch.ones(1, 1),
            ValueError,
            r"image of shape \(1001, 1001\) gives 1,002,001 positions.*Use F.conv2d",
        ),
    ],
)
def test_conv2d_loop_refuses_empty_and_huge_inputs(image, kernel, error, match):
    with pytest.raises(error, match=match):
        conv2d_loop(image, kernel)


def test_apply_kernel_refuses_an_empty_kernel_or_image():
    with pytest.raises(ValueError, match="kernel must be a non-empty kernel"):
        apply_kernel(torch.zeros(5, 5), 2, 2, torch.ones(0, 3))
    with pytest.raises(ValueError, match="image must be a non-empty image"):
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
        _ = coursecode.kernels.bottom_edge


def test_the_packages_top_level_kernels_are_fresh_copies_too():
    import coursecode
    from coursecode import edge_kernels as ours
    from coursecode import top_edge as mine

    # First: two imports give two tensors (else the edits below would corrupt the session's).
    assert coursecode.top_edge is not mine and coursecode.edge_kernels is not ours
    mine.mul_(2)
    ours.zero_()
    from coursecode import edge_kernels
    from coursecode import top_edge as again

    assert again[0, 0] == -1.0 and coursecode.top_edge[0, 0] == -1.0
    assert torch.equal(edge_kernels[0, 0], again)


def test_each_edge_kernel_is_named_by_its_dark_side():
    # A 3×3 patch dark (0) on the named side and bright (1) on the opposite one.
    rows, cols = torch.meshgrid(torch.arange(3), torch.arange(3), indexing="ij")
    patches = {
        "top": (rows > 1).float(),  # dark above bright
        "left": (cols > 1).float(),  # dark left of bright
        "top-left": (rows + cols > 2).float(),  # dark top-left, bright bottom-right
        "top-right": (rows > cols).float(),  # dark top-right, bright bottom-left
    }
    kernels = dict(named_edge_kernels)
    assert set(kernels) == set(patches)
    for name, patch in patches.items():
        responses = {other: float((patch * k).sum()) for other, k in kernels.items()}
        assert responses[name] > 0 and max(responses, key=responses.get) == name, responses


def test_named_edge_kernels_are_edge_kernels_in_order_with_unique_labels():
    import coursecode
    import coursecode.kernels

    labels = [label for label, _ in named_edge_kernels]
    assert labels == ["top", "left", "top-left", "top-right"]
    assert len(set(labels)) == len(labels)
    assert all(isinstance(label, str) for label in labels)
    stacked = torch.stack([kernel for _, kernel in named_edge_kernels])[:, None]
    assert torch.equal(stacked, edge_kernels)
    for (_, kernel), named in zip(
        named_edge_kernels, (top_edge, left_edge, top_left_edge, top_right_edge)
    ):
        assert torch.equal(kernel, named) and kernel.dtype == torch.float32
    assert "named_edge_kernels" in coursecode.__all__
    assert "named_edge_kernels" in coursecode.kernels.__all__
    assert "named_edge_kernels" in dir(coursecode.kernels)


def test_named_edge_kernels_are_fresh_on_every_access():
    import coursecode
    import coursecode.kernels

    for module in (coursecode, coursecode.kernels):
        mine = module.named_edge_kernels
        assert mine is not module.named_edge_kernels
        mine[0][1].mul_(2)  # a learner's in-place edit of a kernel...
        mine.append(("extra", torch.zeros(3, 3)))  # ... and of the list
        mine[1] = ("renamed", mine[1][1])
        fresh = module.named_edge_kernels
        assert [label for label, _ in fresh] == ["top", "left", "top-left", "top-right"]
        assert torch.equal(fresh[0][1], module.top_edge)
        assert fresh[0][1] is not module.named_edge_kernels[0][1]
