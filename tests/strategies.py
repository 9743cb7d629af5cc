"""Hypothesis strategies for valid convolution settings."""

from hypothesis import strategies as st


def pair(values):
    """An int, or a (height, width) pair, drawn from ``values``."""
    return st.one_of(values, st.tuples(values, values))


def both(v):
    return v if isinstance(v, tuple) else (v, v)


def fits(size, kernel, padding, dilation):
    """Whether the dilated kernel fits inside the padded input along both axes."""
    return all(
        d * (k - 1) + 1 <= n + 2 * p
        for n, k, p, d in zip(both(size), both(kernel), both(padding), both(dilation))
    )


@st.composite
def conv_settings(draw, max_size=10):
    """(size, kernel, stride, padding, dilation) with the kernel fitting the padded input."""
    size = draw(pair(st.integers(1, max_size)))
    kernel = draw(pair(st.integers(1, 4)))
    stride = draw(pair(st.integers(1, 3)))
    padding = draw(pair(st.integers(0, 2)))
    dilation = draw(pair(st.integers(1, 3)))
    if not fits(size, kernel, padding, dilation):
        # Grow the input until it fits rather than throwing the example away.
        need = [
            d * (k - 1) + 1 - 2 * p for k, p, d in zip(both(kernel), both(padding), both(dilation))
        ]
        size = tuple(max(n, m) for n, m in zip(both(size), need))
    return size, kernel, stride, padding, dilation
