"""Hand-made 3×3 edge kernels, and a convolution written with plain Python loops.

Introduced in lessons/01_kernels.
"""

import torch

from coursecode._validate import check_int
from coursecode._validate import check_tensor

__all__ = [
    "apply_kernel",
    "conv2d_loop",
    "edge_kernels",
    "left_edge",
    "named_edge_kernels",
    "top_edge",
    "top_left_edge",
    "top_right_edge",
]

# The package keeps its own copies; every access hands out a fresh one (``__getattr__``
# below), so that a learner's ``top_edge.mul_(2)`` changes their copy only, not the
# kernel every later lesson, ``edge_kernels`` and the widgets see.
# Each edge kernel is named by its dark side: ``top_edge`` answers dark above bright,
# ``top_left_edge`` dark top-left of bright bottom-right. The order is ``edge_kernels``'s.
_KERNELS = {
    # dark pixels above bright ones (a top edge)
    "top_edge": [[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
    # dark pixels left of bright ones (a left edge)
    "left_edge": [[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]],
    # dark top-left, bright bottom-right: an edge running from bottom-left to top-right
    "top_left_edge": [[-1.0, -1.0, 0.0], [-1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
    # dark top-right, bright bottom-left: an edge running from top-left to bottom-right
    "top_right_edge": [[0.0, -1.0, -1.0], [1.0, 0.0, -1.0], [1.0, 1.0, 0.0]],
}

# The label of each edge kernel in ``named_edge_kernels`` (and in the lessons' figures).
_LABELS = {
    "top_edge": "top",
    "left_edge": "left",
    "top_left_edge": "top-left",
    "top_right_edge": "top-right",
}
# Every name ``__getattr__`` hands out (``coursecode`` hands out the same ones).
_FRESH = (*_KERNELS, "edge_kernels", "named_edge_kernels")


def __getattr__(name: str):
    """``top_edge``, ``left_edge``, ``top_left_edge``, ``top_right_edge`` (each 3×3),
    ``edge_kernels`` (the four as one conv2d weight, (4, 1, 3, 3)) and
    ``named_edge_kernels`` (the four as a list of (label, kernel) pairs, in the order of
    ``edge_kernels``: ``"top"``, ``"left"``, ``"top-left"``, ``"top-right"``): new float32
    tensors (and a new list) on every access, which their user may change in place
    without changing anyone else's."""
    if name in _KERNELS:
        return torch.tensor(_KERNELS[name])
    if name == "edge_kernels":
        return torch.tensor(list(_KERNELS.values()))[:, None]
    if name == "named_edge_kernels":
        return [(_LABELS[k], torch.tensor(v)) for k, v in _KERNELS.items()]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


_MAX_LOOP_POSITIONS = 1_000_000  # about 10 s of conv2d_loop's Python loops


def _check_image_and_kernel(image, kernel) -> None:
    """Both 2-D, neither empty, on one device."""
    check_tensor(image, "image", (2,), "(H, W)")
    check_tensor(kernel, "kernel", (2,), "(kH, kW)")
    for t, name in ((image, "image"), (kernel, "kernel")):
        if t.numel() == 0:
            raise ValueError(
                f"{name} must be a non-empty {name} (at least 1×1), got shape {tuple(t.shape)}"
            )
    if image.device != kernel.device:
        raise ValueError(
            f"image is on {image.device} but kernel is on {kernel.device}: move one with .to()"
        )


def apply_kernel(image: torch.Tensor, row: int, col: int, kernel: torch.Tensor) -> torch.Tensor:
    """Multiply ``kernel`` with the window of ``image`` centred on ``(row, col)``, and sum.

    Parameters
    ----------
    image
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
    >>> image = torch.zeros(5, 5)
    >>> image[3:] = 1.0                     # bright bottom rows: a top edge
    >>> from coursecode import top_edge
    >>> apply_kernel(image, 2, 2, top_edge)
    tensor(3.)
    """
    _check_image_and_kernel(image, kernel)
    kh, kw = kernel.shape
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(
            "kernel must have odd height and width to have a centre, "
            f"got shape {tuple(kernel.shape)}"
        )
    row = check_int(row, "row", 0)
    col = check_int(col, "col", 0)
    h, w = image.shape
    rh, rw = kh // 2, kw // 2
    if not (rh <= row < h - rh and rw <= col < w - rw):
        raise ValueError(
            f"a {kh}×{kw} window centred at (row={row}, col={col}) leaves the {h}×{w} image: "
            f"row must be in [{rh}, {h - rh - 1}] and col in [{rw}, {w - rw - 1}]"
        )
    return (image[row - rh : row + rh + 1, col - rw : col + rw + 1] * kernel).sum()


def conv2d_loop(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Slide ``kernel`` over every position of ``image`` with Python loops (the slow reference).

    This is a "valid" cross-correlation, what deep-learning libraries call a
    convolution: no padding, stride 1, so an H×W image and a kH×kW kernel give
    an (H − kH + 1) × (W − kW + 1) map.

    Examples
    --------
    >>> from coursecode import top_edge
    >>> conv2d_loop(torch.ones(28, 28), top_edge).shape
    torch.Size([26, 26])
    """
    _check_image_and_kernel(image, kernel)
    h, w = image.shape
    kh, kw = kernel.shape
    if kh > h or kw > w:
        raise ValueError(f"kernel of shape {(kh, kw)} is larger than the image of shape {(h, w)}")
    positions = (h - kh + 1) * (w - kw + 1)
    if positions > _MAX_LOOP_POSITIONS:
        raise ValueError(
            f"image of shape {(h, w)} gives {positions:,} positions: more than the "
            f"{_MAX_LOOP_POSITIONS:,} that conv2d_loop's Python loops visit in about ten seconds. "
            "Use F.conv2d for large images"
        )
    out = torch.empty(
        h - kh + 1, w - kw + 1, dtype=torch.result_type(image, kernel), device=image.device
    )
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out
