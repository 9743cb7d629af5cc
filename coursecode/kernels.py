"""Hand-made 3×3 edge kernels, and a convolution written with plain Python loops.

Introduced in lessons/01_kernels.
"""

import torch

from coursecode._validate import check_int
from coursecode._validate import check_tensor

__all__ = [
    "apply_kernel",
    "conv2d_loop",
    "diag1_edge",
    "diag2_edge",
    "edge_kernels",
    "left_edge",
    "top_edge",
]

top_edge = torch.tensor([[-1.0, -1.0, -1.0],
                         [0.0, 0.0, 0.0],
                         [1.0, 1.0, 1.0]])
"""Responds where dark pixels sit above bright ones (a top edge)."""

left_edge = torch.tensor([[-1.0, 0.0, 1.0],
                          [-1.0, 0.0, 1.0],
                          [-1.0, 0.0, 1.0]])
"""Responds where dark pixels sit left of bright ones (a left edge)."""

diag1_edge = torch.tensor([[-1.0, -1.0, 0.0],
                           [-1.0, 0.0, 1.0],
                           [0.0, 1.0, 1.0]])
"""Dark top-left, bright bottom-right: an edge running from bottom-left to top-right."""

diag2_edge = torch.tensor([[0.0, -1.0, -1.0],
                           [1.0, 0.0, -1.0],
                           [1.0, 1.0, 0.0]])
"""Dark top-right, bright bottom-left: an edge running from top-left to bottom-right."""

edge_kernels = torch.stack([top_edge, left_edge, diag1_edge, diag2_edge])[:, None]
"""The four kernels above as one conv2d weight of shape (out=4, in=1, 3, 3)."""


def apply_kernel(im: torch.Tensor, row: int, col: int, kernel: torch.Tensor) -> torch.Tensor:
    """Multiply ``kernel`` with the window of ``im`` centred on ``(row, col)``, and sum.

    Parameters
    ----------
    im
        A 2-D image (H, W).
    row, col
        The centre of the window. The whole window must lie inside the image.
    kernel
        A 2-D kernel with odd height and width (so that it has a centre).

    Returns
    -------
    torch.Tensor
        A 0-d tensor: the kernel's response at that position.

    Examples
    --------
    >>> im = torch.zeros(5, 5)
    >>> im[3:] = 1.0                        # bright bottom rows: a top edge
    >>> apply_kernel(im, 2, 2, top_edge)
    tensor(3.)
    """
    check_tensor(im, "im", (2,), "(H, W)")
    check_tensor(kernel, "kernel", (2,), "(kH, kW)")
    kh, kw = kernel.shape
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(
            f"kernel must have odd height and width to have a centre, got shape {tuple(kernel.shape)}"
        )
    row = check_int(row, "row", 0)
    col = check_int(col, "col", 0)
    h, w = im.shape
    rh, rw = kh // 2, kw // 2
    if not (rh <= row < h - rh and rw <= col < w - rw):
        raise ValueError(
            f"a {kh}×{kw} window centred at (row={row}, col={col}) leaves the {h}×{w} image: "
            f"row must be in [{rh}, {h - rh - 1}] and col in [{rw}, {w - rw - 1}]"
        )
    return (im[row - rh: row + rh + 1, col - rw: col + rw + 1] * kernel).sum()


def conv2d_loop(im: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Slide ``kernel`` over every position of ``im`` with Python loops (the slow reference).

    This is a "valid" cross-correlation, what deep-learning libraries call a
    convolution: no padding, stride 1, so an H×W image and a kH×kW kernel give
    an (H − kH + 1) × (W − kW + 1) map.

    Examples
    --------
    >>> conv2d_loop(torch.ones(28, 28), top_edge).shape
    torch.Size([26, 26])
    """
    check_tensor(im, "im", (2,), "(H, W)")
    check_tensor(kernel, "kernel", (2,), "(kH, kW)")
    h, w = im.shape
    kh, kw = kernel.shape
    if kh > h or kw > w:
        raise ValueError(f"kernel of shape {(kh, kw)} is larger than the image of shape {(h, w)}")
    out = torch.empty(h - kh + 1, w - kw + 1, dtype=torch.result_type(im, kernel), device=im.device)
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[i, j] = (im[i: i + kh, j: j + kw] * kernel).sum()
    return out
