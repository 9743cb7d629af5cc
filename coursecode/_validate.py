"""Argument checks shared by the public functions (private: not part of the API)."""

import numbers

import torch

__all__ = ["as_pair", "check_tensor", "check_int"]


def check_int(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def as_pair(value, name: str, minimum: int) -> tuple[int, int]:
    """Return ``value`` (an int or a pair of ints) as a ``(height, width)`` pair.

    Each entry must be an integer >= ``minimum``; the message names the argument.
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise TypeError(
                f"{name} must be an int or a pair (height, width), "
                f"got {len(value)} values: {value!r}"
            )
        return (
            check_int(value[0], f"{name}[0]", minimum),
            check_int(value[1], f"{name}[1]", minimum),
        )
    if isinstance(value, torch.Size):
        return as_pair(tuple(value), name, minimum)
    value = check_int(value, name, minimum)
    return (value, value)


def check_tensor(x, name: str, ndims: tuple[int, ...], what: str) -> torch.Tensor:
    """Check that ``x`` is a tensor with one of the allowed numbers of dimensions.

    ``what`` describes the expected layout, e.g. ``"(N, C, H, W) or (C, H, W)"``.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {what}, got {type(x).__name__}")
    if x.dim() not in ndims:
        raise ValueError(
            f"{name} must have shape {what} ({' or '.join(map(str, ndims))} dimensions), "
            f"got shape {tuple(x.shape)}"
        )
    return x
