"""Convolution arithmetic, pure formulas: output sizes and "same" padding.

Nothing here runs a model (that is :mod:`coursecode.inspection`). ``conv_out_size`` and
``same_padding`` are introduced in lessons/03_padding_stride.
"""

import torch

from coursecode._geometry import AXES
from coursecode._geometry import out_size
from coursecode._validate import as_pair

__all__ = ["conv_out_size", "same_padding"]


def _unpair(pair: tuple, as_int: bool):
    return pair[0] if as_int else pair


def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution or pooling layer: ``⌊(n + 2p − d(k−1) − 1) / s⌋ + 1``.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation
        Each an int, or a pair ``(height, width)``. ``size`` and ``kernel_size``
        must be >= 1, ``stride`` and ``dilation`` >= 1, ``padding`` >= 0.

    Returns
    -------
    int or tuple of int
        An int when every argument is an int, else a pair ``(height, width)``.

    Examples
    --------
    >>> conv_out_size(28, 3)
    26
    >>> conv_out_size(28, 3, stride=2, padding=1)
    14
    >>> conv_out_size((28, 20), (3, 5), padding=(1, 2))
    (28, 20)
    """
    as_int = not any(
        isinstance(a, (tuple, list, torch.Size))
        for a in (size, kernel_size, stride, padding, dilation)
    )
    n = as_pair(size, "size", 1)
    k = as_pair(kernel_size, "kernel_size", 1)
    s = as_pair(stride, "stride", 1)
    p = as_pair(padding, "padding", 0)
    d = as_pair(dilation, "dilation", 1)
    return _unpair(out_size(n, k, s, p, d, axes=("", "") if as_int else AXES), as_int)


def same_padding(kernel_size, dilation=1):
    """Padding that keeps a stride-1 convolution's output the size of its input.

    That is ``d(k − 1) / 2`` on each side, which needs an odd (effective)
    kernel: an even kernel has no centre pixel, so no symmetric padding works.

    Examples
    --------
    >>> same_padding(3), same_padding(5), same_padding(3, dilation=2)
    (1, 2, 2)
    >>> same_padding((3, 7))
    (1, 3)
    """
    as_int = not any(isinstance(a, (tuple, list, torch.Size)) for a in (kernel_size, dilation))
    k = as_pair(kernel_size, "kernel_size", 1)
    d = as_pair(dilation, "dilation", 1)
    pads = []
    for ki, di in zip(k, d):
        total = di * (ki - 1)
        if total % 2:
            raise ValueError(
                f"kernel_size={ki} with dilation={di} spans an even {total + 1} pixels: it has no "
                f"centre, so no symmetric padding keeps the size (pad {total // 2} on one side and "
                f"{total - total // 2} on the other with F.pad, or use an odd kernel)"
            )
        pads.append(total // 2)
    return _unpair(tuple(pads), as_int)
