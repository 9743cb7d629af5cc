"""Layer geometry shared inside the package: a dilated kernel's span and the output size along
one axis, as PyTorch computes them (:mod:`coursecode.arithmetic` checks the arguments and
exposes them to learners as ``conv_out_size``; :mod:`coursecode.im2col` and
:mod:`coursecode.inspection` call these on arguments they have checked already).

A private module with public names: what the package's modules share is named here once,
and no module reaches into another's private names (tests/test_package.py).
"""

__all__ = ["AXES", "effective_kernel", "out_size", "out_size_1d"]


def effective_kernel(k: int, d: int) -> int:
    # A dilated kernel skips d - 1 pixels between taps: it spans d*(k-1) + 1 pixels.
    return d * (k - 1) + 1


def out_size_1d(
    n: int,
    k: int,
    s: int,
    p: int,
    d: int,
    axis: str,
    p_end: int | None = None,
    ceil_mode: bool = False,
) -> int:
    """One axis of a layer's output size, as PyTorch computes it.

    ``p`` pads the start (top/left), ``p_end`` the end (bottom/right; ``p`` when None):
    they differ for ``padding="same"`` with an even kernel. ``ceil_mode`` is pooling's.
    """
    p_end = p if p_end is None else p_end
    span = effective_kernel(k, d)
    padded = n + p + p_end
    if ceil_mode:
        # PyTorch's pooling_output_shape: round up, but the last window must start
        # inside the input or the start padding.
        out = (padded - span + s - 1) // s + 1
        if (out - 1) * s >= n + p:
            out -= 1
    else:
        out = (padded - span) // s + 1 if span <= padded else 0
    if out < 1:
        spans = f" (spans {span} with dilation {d})" if d > 1 else ""
        pads = f"2*{p}" if p == p_end else f"{p} + {p_end}"
        raise ValueError(
            f"kernel_size={k}{spans} is larger than the padded input{axis} "
            f"({n} + {pads} = {padded})"
        )
    return out


AXES = (" height", " width")


def out_size(n: tuple, k: tuple, s: tuple, p: tuple, d: tuple, axes=AXES) -> tuple[int, int]:
    """:func:`conv_out_size` of checked ``(height, width)`` pairs, without checking them again
    (for callers that have checked their arguments already)."""
    return tuple(out_size_1d(n[i], k[i], s[i], p[i], d[i], axes[i]) for i in range(2))
