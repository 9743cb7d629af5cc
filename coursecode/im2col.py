"""im2col: every kernel window as a column, so a convolution becomes one matrix product.

Introduced in lessons/02_unfold.
"""

import torch
import torch.nn.functional as F

from coursecode._geometry import out_size
from coursecode._validate import as_pair
from coursecode._validate import check_tensor

__all__ = ["conv2d_im2col", "im2col"]

_MAX_BYTES = (
    2 * 2**30
)  # refuse to unfold into more than this (the columns repeat each pixel k·k times)


def _check_sizes(x: torch.Tensor, name: str) -> None:
    """Channels, rows and columns must be there (the batch may be empty, as in PyTorch)."""
    if 0 in x.shape[-3:]:
        raise ValueError(
            f"{name} must have at least 1 channel, 1 row and 1 column, got shape {tuple(x.shape)}"
        )


def _check_memory(what: str, numbers: int, x: torch.Tensor) -> None:
    """Refuse before allocating ``numbers`` elements of ``x``'s dtype if that is absurd."""
    need = numbers * x.element_size()
    if need > _MAX_BYTES:
        raise ValueError(
            f"{what} would need {need / 2**30:.1f} GiB, more than the "
            f"{_MAX_BYTES / 2**30:.0f} GiB allowed: use a smaller batch, image, "
            "kernel or padding"
        )


def im2col(x: torch.Tensor, kernel_size, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """Unfold every kernel window of ``x`` into a column; the same result as ``F.unfold``.

    Instead of visiting the L windows one by one, we visit the kH·kW kernel
    taps: for tap (i, j) one strided slice of the padded input holds what that
    tap sees in every window at once. Stacking the kH·kW slices gives the
    columns, with rows ordered (channel, kernel row, kernel column) like
    ``F.unfold``.

    Parameters
    ----------
    x
        Input of shape (N, C, H, W), or (C, H, W) for one image.
    kernel_size, stride, padding, dilation
        Each an int or a pair (height, width).

    Returns
    -------
    torch.Tensor
        (N, C·kH·kW, L), or (C·kH·kW, L) for an unbatched input, where
        L = out_h · out_w is the number of windows.

    Examples
    --------
    >>> im2col(torch.zeros(1, 28, 28), 3).shape   # one 28×28 digit, one channel
    torch.Size([9, 676])
    >>> im2col(torch.zeros(64, 3, 32, 32), 5, stride=2, padding=2).shape
    torch.Size([64, 75, 256])
    """
    check_tensor(x, "x", (3, 4), "(N, C, H, W) or (C, H, W)")
    _check_sizes(x, "x")
    unbatched = x.dim() == 3
    if unbatched:
        x = x[None]
    k = as_pair(kernel_size, "kernel_size", 1)
    s, p, d = _check_geometry(stride, padding, dilation)
    out = out_size(tuple(x.shape[-2:]), k, s, p, d)
    cols = _im2col(x, k, s, p, d, out)
    return cols[0] if unbatched else cols


def _check_geometry(stride, padding, dilation) -> tuple[tuple[int, int], ...]:
    """``stride``, ``padding`` and ``dilation`` as checked ``(height, width)`` pairs."""
    return (
        as_pair(stride, "stride", 1),
        as_pair(padding, "padding", 0),
        as_pair(dilation, "dilation", 1),
    )


def _im2col(x: torch.Tensor, k: tuple, s: tuple, p: tuple, d: tuple, out: tuple) -> torch.Tensor:
    """The unfolding of :func:`im2col`, of checked arguments: ``x`` batched (N, C, H, W),
    kernel size, stride, padding and dilation as pairs, and ``out``, the output's
    ``(height, width)`` that they give. Only the memory it would take is checked here."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (out_h, out_w) = k, s, p, d, out
    n, c, h, w = x.shape
    _check_memory(
        f"im2col of x with shape {tuple(x.shape)}, kernel_size {(kh, kw)} and padding {(ph, pw)}",
        n * c * ((h + 2 * ph) * (w + 2 * pw) + kh * kw * out_h * out_w),
        x,
    )

    padded = F.pad(x, (pw, pw, ph, ph))
    taps = []
    for i in range(kh):
        for j in range(kw):
            top, left = i * dh, j * dw
            # What tap (i, j) sees in every window: rows top, top+sh, ...; columns likewise.
            taps.append(
                padded[
                    :,
                    :,
                    top : top + sh * (out_h - 1) + 1 : sh,
                    left : left + sw * (out_w - 1) + 1 : sw,
                ]
            )
    cols = torch.stack(taps, dim=2)  # (N, C, kH*kW, out_h, out_w)
    return cols.reshape(n, c * kh * kw, out_h * out_w)  # (N, C*kH*kW, L)


def conv2d_im2col(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride=1,
    padding=0,
    dilation=1,
) -> torch.Tensor:
    """A 2-D convolution as im2col followed by one matrix product; equals ``F.conv2d``.

    Parameters
    ----------
    x
        Input (N, C_in, H, W), or (C_in, H, W) for one image.
    weight
        Filters (C_out, C_in, kH, kW).
    bias
        Optional (C_out,).
    stride, padding, dilation
        Each an int or a pair (height, width).

    Returns
    -------
    torch.Tensor
        (N, C_out, out_h, out_w), or (C_out, out_h, out_w) for an unbatched input.

    Examples
    --------
    >>> x, w = torch.randn(2, 3, 8, 8), torch.randn(4, 3, 3, 3)
    >>> torch.allclose(conv2d_im2col(x, w, padding=1), F.conv2d(x, w, padding=1), atol=1e-5)
    True
    """
    check_tensor(x, "x", (3, 4), "(N, C_in, H, W) or (C_in, H, W)")
    check_tensor(weight, "weight", (4,), "(C_out, C_in, kH, kW)")
    _check_sizes(x, "x")
    if 0 in weight.shape:
        raise ValueError(
            f"weight must have at least 1 filter, 1 channel, 1 row and 1 column, "
            f"got shape {tuple(weight.shape)}"
        )
    unbatched = x.dim() == 3
    if unbatched:
        x = x[None]
    c_out, c_in, kh, kw = weight.shape
    if x.shape[1] != c_in:
        raise ValueError(
            f"x has {x.shape[1]} channels (shape {tuple(x.shape)}) but weight expects "
            f"C_in={c_in} (shape {tuple(weight.shape)})"
        )
    if bias is not None:
        check_tensor(bias, "bias", (1,), "(C_out,)")
        if bias.shape[0] != c_out:
            raise ValueError(f"bias must have C_out={c_out} values, got shape {tuple(bias.shape)}")
        if bias.device != weight.device:
            raise ValueError(
                f"bias is on {bias.device} but weight is on {weight.device}: move one with .to()"
            )
    if weight.dtype == torch.bool:
        raise TypeError(
            "weight must hold numbers, got torch.bool: convert it (e.g. weight.float())"
        )
    if x.dtype != weight.dtype:
        raise TypeError(
            f"x is {x.dtype} but weight is {weight.dtype}: convert one (e.g. x.float())"
        )
    if x.device != weight.device:
        raise ValueError(
            f"x is on {x.device} but weight is on {weight.device}: move one with .to()"
        )

    s, p, d = _check_geometry(stride, padding, dilation)
    try:
        out_h, out_w = out_size(tuple(x.shape[-2:]), (kh, kw), s, p, d)
    except ValueError as err:  # the kernel does not fit: say that it is weight's
        raise ValueError(
            f"weight of shape {tuple(weight.shape)} does not fit x of shape {tuple(x.shape)}: {err}"
        ) from None
    _check_memory(
        f"conv2d_im2col's output of shape {(x.shape[0], c_out, out_h, out_w)}",
        x.shape[0] * c_out * out_h * out_w,
        x,
    )
    # Checked once, above: the unfolding itself checks nothing but its memory.
    cols = _im2col(x, (kh, kw), s, p, d, (out_h, out_w))  # (N, C_in*kH*kW, L)
    out = weight.reshape(c_out, -1) @ cols  # (N, C_out, L)
    if bias is not None:
        out.add_(bias[:, None])  # in place: the product is a fresh tensor, no second copy
    out = out.reshape(x.shape[0], c_out, out_h, out_w)
    return out[0] if unbatched else out
