"""What the course's pictures share (coursecode.plotting, coursecode.figures): arrays from
tensors, the checks of their arguments, the colours, the scales and the colour bars, and
:func:`show_image`, which both offer and every picture builds on.

A private module with public names: the package's modules use them through
``from coursecode import _drawing as draw``; no module reaches into another's private names.
"""

import numbers
import operator

import matplotlib.axes
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import to_rgb


def to_numpy(image) -> np.ndarray:
    if isinstance(image, torch.Tensor):
        return image.detach().cpu().numpy()
    return np.asarray(image)  # NumPy arrays, PIL images, nested lists


# Signed values (kernels, their products with a patch) are shaded blue (negative) through
# white (zero) to red (positive): a diverging map that red/green colour-blind readers can read
# too, never a red/green one (RdYlGn, PiYG, PRGn).
SIGNED_CMAP = "bwr"

# Windows drawn on a digit: the bright colours of Okabe and Ito's palette, which colour-blind
# readers can tell apart, and each at least 4.5:1 against the digit's black background
# (matplotlib's default blue is 4.4:1 there). Orange, sky blue, yellow, bluish green,
# reddish purple, vermillion.
WINDOW_COLORS = ("#E69F00", "#56B4E9", "#F0E442", "#009E73", "#CC79A7", "#D55E00")

BLACK = "#000000"
WHITE = "#ffffff"


def relative_luminance(color) -> float:
    """The relative luminance of a matplotlib color, from 0 (black) to 1 (white), as WCAG 2.x
    defines it: each sRGB channel linearised, then weighted 0.2126 R + 0.7152 G + 0.0722 B.
    Alpha is ignored (the color is taken as opaque)."""
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground, background) -> float:
    """The WCAG 2.x contrast ratio of two matplotlib colors, from 1 (the same) to 21 (black on
    white); the order does not matter. Small text needs at least 4.5 (WCAG AA).

    >>> round(contrast_ratio("black", "white"), 2)
    21.0
    >>> round(contrast_ratio("#777777", "#ffffff"), 2)  # just short of AA
    4.48
    """
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_color(background) -> str:
    """Black or white, whichever contrasts more with ``background`` (any matplotlib color): the
    text color for a number written on a shaded cell. The worse of the two best choices, on a
    background of relative luminance about 0.18, still reaches about 4.58:1, above the 4.5:1
    that WCAG AA asks of small text.

    >>> readable_text_color("#808080"), readable_text_color("#595959")
    ('#000000', '#ffffff')
    """
    if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background):
        return BLACK
    return WHITE


MAX_AXES = 256  # axes in one figure: each costs time to make and draw
MAX_PIXELS = 4096 * 4096  # pixels in one image: more takes minutes to draw
MAX_FIGURE_INCHES = 100  # a side of a figure
MAX_TABLE_CELLS = 10_000  # cells of a show_pixels table (HTML, styled cell by cell)
MAX_WINDOWS = 64  # windows outlined by show_windows / columns drawn by show_unfold


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise a ValueError naming ``name`` if ``arr`` holds NaN or infinity (they would turn a
    rescale, a colour scale or a log axis into a silently wrong picture)."""
    if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
        nans = int(np.isnan(arr).sum())
        infs = int(np.isinf(arr).sum())
        raise ValueError(
            f"{name} must hold finite numbers, got {nans} NaN and {infs} infinite "
            f"values (of {arr.size}); replace them first, e.g. with "
            f"torch.nan_to_num"
        )


def check_ax(ax, name: str = "ax") -> None:
    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}")


def check_figsize(figsize, name: str = "figsize"):
    """``figsize`` as a (width, height) pair of inches, or None; a clear error otherwise."""
    if figsize is None:
        return None
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or len(figsize) != 2:
        raise TypeError(f"{name} must be a pair (width, height) in inches, got {figsize!r}")
    sides = []
    for side in figsize:
        if isinstance(side, bool) or not isinstance(side, numbers.Real):
            raise TypeError(f"{name} must be a pair (width, height) in inches, got {figsize!r}")
        if not (0 < side <= MAX_FIGURE_INCHES):  # NaN fails too
            raise ValueError(
                f"{name} must be a pair (width, height) of sides from 0 to "
                f"{MAX_FIGURE_INCHES} inches, got {figsize!r}"
            )
        sides.append(float(side))
    return tuple(sides)


def index(value, name: str) -> int:
    """An integer (Python, NumPy or a 0-d integer tensor) as an int; a TypeError otherwise."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None


def odd_kernel_size(kernel_size) -> int:
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, numbers.Integral):
        raise TypeError(f"kernel_size must be an odd integer >= 1, got {kernel_size!r}")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be an odd integer >= 1, got {kernel_size!r}")
    return int(kernel_size)


def window_centers(centers, kernel_size: int, shape, at_least: int = 0) -> list[tuple[int, int]]:
    """``centers`` as (row, col) int pairs whose windows lie inside an image of ``shape``."""
    if isinstance(centers, (str, bytes)) or not hasattr(centers, "__iter__"):
        raise TypeError(f"centers must be a list of (row, col) pairs, got {centers!r}")
    centers = list(centers)
    if len(centers) < at_least:
        raise ValueError(f"centers must hold at least {at_least} (row, col) pair, got {centers!r}")
    if len(centers) > MAX_WINDOWS:
        raise ValueError(
            f"centers must hold at most {MAX_WINDOWS} windows to draw them "
            f"legibly, got {len(centers)}"
        )
    h, w = shape[:2]
    half = kernel_size // 2
    pairs = []
    for i, c in enumerate(centers):
        if isinstance(c, (str, bytes)) or not hasattr(c, "__len__") or len(c) != 2:
            raise ValueError(f"centers must be (row, col) pairs, got centers[{i}] = {c!r}")
        row = index(c[0], f"centers[{i}][0] (a row)")
        col = index(c[1], f"centers[{i}][1] (a column)")
        if not (half <= row <= h - 1 - half and half <= col <= w - 1 - half):
            raise ValueError(
                f"centers[{i}] = ({row}, {col}) puts a {kernel_size}×{kernel_size} window outside "
                f"the {h}×{w} image: centers must have rows from {half} to {h - 1 - half} and "
                f"columns from {half} to {w - 1 - half}"
            )
        pairs.append((row, col))
    return pairs


def real_array(value, name: str, what: str) -> np.ndarray:
    """``value`` as a NumPy array of real numbers (or bools); else a TypeError saying ``what``
    ``name`` must be."""
    try:
        arr = to_numpy(value)
    except (TypeError, ValueError, RuntimeError):  # ragged lists, odd objects
        arr = np.asarray(None)
    if (
        arr.dtype == object
        or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool)
        or np.iscomplexobj(arr)
    ):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return arr


def as_hw_or_hwc(image, name: str = "image") -> np.ndarray:
    """Return ``image`` as (H, W) or (H, W, 3), the layouts ``imshow`` understands."""
    arr = real_array(image, name, "a tensor, a NumPy array or a PIL image of real numbers")
    if arr.ndim == 3 and arr.shape[0] in (1, 3):
        arr = arr.transpose(1, 2, 0)  # (C, H, W) -> (H, W, C); PyTorch's layout wins a tie
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[-1] == 3)):
        raise ValueError(
            f"{name} must have shape (H, W), (1, H, W), (3, H, W) or (H, W, 3), "
            f"got {tuple(arr.shape)}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} must have at least one pixel, got shape {tuple(arr.shape)}")
    if arr.shape[0] * arr.shape[1] > MAX_PIXELS:
        raise ValueError(
            f"{name} must have at most {MAX_PIXELS:,} pixels (4096×4096) to draw, "
            f"got {arr.shape[0]}×{arr.shape[1]}; show a part or a smaller copy"
        )
    check_finite(arr, name)
    return arr


def rgb_for_imshow(arr: np.ndarray) -> np.ndarray:
    # imshow wants RGB as uint8 or floats in [0, 1]; rescale other floats rather than clip them.
    if arr.dtype == np.uint8:
        return arr
    arr = arr.astype(np.float32)
    lo, hi = float(arr.min()), float(arr.max())
    if lo >= 0.0 and hi <= 1.0:
        return arr
    if lo >= 0.0 and hi <= 255.0 and np.all(arr == np.round(arr)):
        return arr.astype(np.uint8)
    return (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)


def frame_map(ax, noframe: bool) -> None:
    """A thin grey frame round a map drawn without axes: white means 0 on the signed scale, and
    a map's white border would otherwise melt into the page."""
    if noframe:
        ax.axis("on")
        ax.set_xticks([])
        ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("0.6")
        spine.set_linewidth(0.8)


def draw_image(arr: np.ndarray, ax=None, figsize=None, title=None, noframe=True, **kwargs):
    """:func:`show_image` of checked arguments: ``arr`` as :func:`as_hw_or_hwc` returns it."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    if arr.ndim == 3:
        arr = rgb_for_imshow(arr)
    else:
        kwargs.setdefault("cmap", "gray")
    ax.imshow(arr, **kwargs)
    if title is not None:
        ax.set_title(title)
    if noframe:
        ax.axis("off")
    else:
        ax.set_xticks(range(arr.shape[1]))
        ax.set_yticks(range(arr.shape[0]))
    return ax


def check_colorbar(colorbar):
    if colorbar is not None and not isinstance(colorbar, (bool, np.bool_)):
        raise TypeError(f"colorbar must be True, False or None (automatic), got {colorbar!r}")
    return None if colorbar is None else bool(colorbar)


def is_byte_image(arr: np.ndarray) -> bool:
    return np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0 and arr.max() <= 255


def shared_scale(arrays: list, kwargs: dict) -> tuple[dict, bool]:
    """The ``cmap``, ``vmin`` and ``vmax`` that draw the 2-D ``arrays`` on one shared scale, and
    whether that scale is an image's (grey, 0 black and 1 white, or 0 to 255 for bytes), which
    needs no colour bar. What ``kwargs`` sets (``cmap``, ``vmin``, ``vmax``, ``norm``) is kept;
    the rest comes from the values: [0, 1] an image, other non-negative values grey from 0,
    values of both signs blue-white-red symmetric about 0."""
    if "norm" in kwargs:  # the caller's own normalisation: keep it whole
        return {}, False
    lo = min(float(a.min()) for a in arrays)
    hi = max(float(a.max()) for a in arrays)
    cmap, vmin, vmax = kwargs.get("cmap"), kwargs.get("vmin"), kwargs.get("vmax")
    if cmap is None and vmin is None and vmax is None:
        if all(is_byte_image(a) for a in arrays) and hi > 1:
            cmap, vmin, vmax = "gray", 0, 255
        elif lo >= 0 and hi <= 1:
            cmap, vmin, vmax = "gray", 0, 1
        elif lo >= 0:
            cmap, vmin, vmax = "gray", 0, hi
        else:
            top = max(-lo, hi)
            cmap, vmin, vmax = SIGNED_CMAP, -top, top
    else:
        cmap = "gray" if cmap is None else cmap
        vmin = lo if vmin is None else vmin
        vmax = hi if vmax is None else vmax
    name = cmap if isinstance(cmap, str) else getattr(cmap, "name", None)
    is_image = name == "gray" and vmin == 0 and vmax in (1, 255)
    return {"cmap": cmap, "vmin": vmin, "vmax": vmax}, is_image


def add_colorbar(mappable, axes) -> None:
    """One colour bar for ``axes``, at their right, as tall as a row of them."""
    fig = axes[0].figure
    rows = len({round(ax.get_position().y0, 3) for ax in axes})
    bar = fig.colorbar(mappable, ax=axes, shrink=min(1.0, 0.9 / rows**0.5), fraction=0.05, pad=0.03)
    bar.ax.tick_params(labelsize=7)


def grid_scales(arrays: list, kwargs: dict, stacked: bool) -> tuple[list[dict], list[int]]:
    """Each panel's imshow scale for :func:`show_images`, and the indices of the panels drawn on
    the shared map scale (which a colour bar explains; empty when every panel is an image).
    ``stacked``: the panels came as one tensor or array, and share one scale."""
    flat = [i for i, a in enumerate(arrays) if a.ndim == 2]
    settings = [{} for _ in arrays]
    if not flat:
        return settings, []
    if stacked or any(key in kwargs for key in ("cmap", "vmin", "vmax", "norm")):
        maps = flat
    else:
        maps = [i for i in flat if not shared_scale([arrays[i]], {})[1]]
        for i in set(flat) - set(maps):  # images: 0 black, 1 white (or 255 for bytes)
            settings[i] = shared_scale([arrays[i]], {})[0]
    if maps:
        shared, is_image = shared_scale([arrays[i] for i in maps], kwargs)
        for i in maps:
            settings[i] = shared
        if is_image:
            maps = []
    return settings, maps


def show_image(image, ax=None, figsize=None, title=None, noframe=True, colorbar=None, **kwargs):
    """Show one image, kernel or feature map, greyscale unless it has three colour channels.

    With no ``cmap``, ``vmin`` or ``vmax``, the scale follows the values, as in every figure of
    the course: values in [0, 1] (or bytes from 0 to 255) are an image, drawn grey with 0 black
    and 1 white; other non-negative values are drawn grey from 0 (black) to their largest
    (white), with a colour bar; values of both signs are drawn blue (negative), white (0) and red
    (positive), symmetric about 0, with a colour bar.

    Parameters
    ----------
    image
        A tensor (on any device) or array of shape (H, W), (1, H, W),
        (3, H, W) or (H, W, 3), of finite numbers (NaN or infinity is refused
        with a ValueError: it would spoil the grey or colour scale of every pixel).
    ax
        The matplotlib axes to draw on; a new figure if None.
    figsize
        Size of the new figure, in inches.
    title
        Title above the image.
    noframe
        Hide the axes, ticks and frame (keep them, e.g. to read a kernel's
        rows and columns, with ``noframe=False``).
    colorbar
        Draw a colour bar beside the image: by default (None) whenever the scale is not an
        image's 0-black-1-white grey (a map, a kernel, a chosen ``cmap``); True or False to
        choose. Never for a colour (RGB) image.
    **kwargs
        Passed to ``ax.imshow`` (e.g. ``cmap="Reds"``, ``vmin``, ``vmax``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    arr = as_hw_or_hwc(image)
    check_ax(ax)
    figsize = check_figsize(figsize)
    colorbar = check_colorbar(colorbar)
    is_image = True
    if arr.ndim == 2:
        scale, is_image = shared_scale([arr], kwargs)
        kwargs = {**kwargs, **scale}
        colorbar = not is_image if colorbar is None else colorbar
    ax = draw_image(arr, ax, figsize, title, noframe, **kwargs)
    if arr.ndim == 2 and not is_image:
        frame_map(ax, noframe)
    if colorbar and arr.ndim == 2:
        add_colorbar(ax.images[-1], [ax])
    return ax
