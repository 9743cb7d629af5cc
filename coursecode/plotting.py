"""Pictures of images, kernels and feature maps: one, a grid, or the pixels as a table."""

import hashlib
import math
import numbers
import operator
from collections.abc import Mapping

import matplotlib.axes
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib import patheffects
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.colors import Normalize
from matplotlib.colors import is_color_like
from matplotlib.colors import rgb2hex
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from pandas.io.formats.style import Styler

from coursecode._validate import check_int

__all__ = [
    "plot_history",
    "plot_timings",
    "show_channels",
    "show_image",
    "show_images",
    "show_kernel_on_channels",
    "show_pixels",
    "show_unfold",
    "show_windows",
]


def _to_numpy(image) -> np.ndarray:
    if isinstance(image, torch.Tensor):
        return image.detach().cpu().numpy()
    return np.asarray(image)  # NumPy arrays, PIL images, nested lists


# Signed values (kernels, their products with a patch) are shaded blue (negative) through
# white (zero) to red (positive): a diverging map that red/green colour-blind readers can read
# too, never a red/green one (RdYlGn, PiYG, PRGn).
_SIGNED_CMAP = "bwr"

# Windows drawn on a digit: the bright colours of Okabe and Ito's palette, which colour-blind
# readers can tell apart, and each at least 4.5:1 against the digit's black background
# (matplotlib's default blue is 4.4:1 there). Orange, sky blue, yellow, bluish green,
# reddish purple, vermillion.
_WINDOW_COLORS = ("#E69F00", "#56B4E9", "#F0E442", "#009E73", "#CC79A7", "#D55E00")

_BLACK = "#000000"
_WHITE = "#ffffff"


def _relative_luminance(color) -> float:
    """The relative luminance of a matplotlib color, from 0 (black) to 1 (white), as WCAG 2.x
    defines it: each sRGB channel linearised, then weighted 0.2126 R + 0.7152 G + 0.0722 B.
    Alpha is ignored (the color is taken as opaque)."""
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast_ratio(foreground, background) -> float:
    """The WCAG 2.x contrast ratio of two matplotlib colors, from 1 (the same) to 21 (black on
    white); the order does not matter. Small text needs at least 4.5 (WCAG AA).

    >>> round(_contrast_ratio("black", "white"), 2)
    21.0
    >>> round(_contrast_ratio("#777777", "#ffffff"), 2)  # just short of AA
    4.48
    """
    lighter, darker = sorted(
        (_relative_luminance(foreground), _relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _readable_text_color(background) -> str:
    """Black or white, whichever contrasts more with ``background`` (any matplotlib color): the
    text color for a number written on a shaded cell. The worse of the two best choices, on a
    background of relative luminance about 0.18, still reaches about 4.58:1, above the 4.5:1
    that WCAG AA asks of small text.

    >>> _readable_text_color("#808080"), _readable_text_color("#595959")
    ('#000000', '#ffffff')
    """
    if _contrast_ratio(_BLACK, background) >= _contrast_ratio(_WHITE, background):
        return _BLACK
    return _WHITE


_MAX_AXES = 256  # axes in one figure: each costs time to make and draw
_MAX_PIXELS = 4096 * 4096  # pixels in one image: more takes minutes to draw
_MAX_FIGURE_INCHES = 100  # a side of a figure
_MAX_TABLE_CELLS = 10_000  # cells of a show_pixels table (HTML, styled cell by cell)
_MAX_WINDOWS = 64  # windows outlined by show_windows / columns drawn by show_unfold


def _check_finite(arr: np.ndarray, name: str) -> None:
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


def _check_ax(ax, name: str = "ax") -> None:
    if ax is not None and not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}")


def _check_figsize(figsize, name: str = "figsize"):
    """``figsize`` as a (width, height) pair of inches, or None; a clear error otherwise."""
    if figsize is None:
        return None
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or len(figsize) != 2:
        raise TypeError(f"{name} must be a pair (width, height) in inches, got {figsize!r}")
    sides = []
    for side in figsize:
        if isinstance(side, bool) or not isinstance(side, numbers.Real):
            raise TypeError(f"{name} must be a pair (width, height) in inches, got {figsize!r}")
        if not (0 < side <= _MAX_FIGURE_INCHES):  # NaN fails too
            raise ValueError(
                f"{name} must be a pair (width, height) of sides from 0 to "
                f"{_MAX_FIGURE_INCHES} inches, got {figsize!r}"
            )
        sides.append(float(side))
    return tuple(sides)


def _index(value, name: str) -> int:
    """An integer (Python, NumPy or a 0-d integer tensor) as an int; a TypeError otherwise."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None


def _odd_kernel_size(kernel_size) -> int:
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, numbers.Integral):
        raise TypeError(f"kernel_size must be an odd integer >= 1, got {kernel_size!r}")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be an odd integer >= 1, got {kernel_size!r}")
    return int(kernel_size)


def _window_centers(centers, kernel_size: int, shape, at_least: int = 0) -> list[tuple[int, int]]:
    """``centers`` as (row, col) int pairs whose windows lie inside an image of ``shape``."""
    if isinstance(centers, (str, bytes)) or not hasattr(centers, "__iter__"):
        raise TypeError(f"centers must be a list of (row, col) pairs, got {centers!r}")
    centers = list(centers)
    if len(centers) < at_least:
        raise ValueError(f"centers must hold at least {at_least} (row, col) pair, got {centers!r}")
    if len(centers) > _MAX_WINDOWS:
        raise ValueError(
            f"centers must hold at most {_MAX_WINDOWS} windows to draw them "
            f"legibly, got {len(centers)}"
        )
    h, w = shape[:2]
    half = kernel_size // 2
    pairs = []
    for i, c in enumerate(centers):
        if isinstance(c, (str, bytes)) or not hasattr(c, "__len__") or len(c) != 2:
            raise ValueError(f"centers must be (row, col) pairs, got centers[{i}] = {c!r}")
        row = _index(c[0], f"centers[{i}][0] (a row)")
        col = _index(c[1], f"centers[{i}][1] (a column)")
        if not (half <= row <= h - 1 - half and half <= col <= w - 1 - half):
            raise ValueError(
                f"centers[{i}] = ({row}, {col}) puts a {kernel_size}×{kernel_size} window outside "
                f"the {h}×{w} image: centers must have rows from {half} to {h - 1 - half} and "
                f"columns from {half} to {w - 1 - half}"
            )
        pairs.append((row, col))
    return pairs


def _real_array(value, name: str, what: str) -> np.ndarray:
    """``value`` as a NumPy array of real numbers (or bools); else a TypeError saying ``what``
    ``name`` must be."""
    try:
        arr = _to_numpy(value)
    except (TypeError, ValueError, RuntimeError):  # ragged lists, odd objects
        arr = np.asarray(None)
    if (
        arr.dtype == object
        or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool)
        or np.iscomplexobj(arr)
    ):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return arr


def _as_hw_or_hwc(image, name: str = "image") -> np.ndarray:
    """Return ``image`` as (H, W) or (H, W, 3), the layouts ``imshow`` understands."""
    arr = _real_array(image, name, "a tensor, a NumPy array or a PIL image of real numbers")
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
    if arr.shape[0] * arr.shape[1] > _MAX_PIXELS:
        raise ValueError(
            f"{name} must have at most {_MAX_PIXELS:,} pixels (4096×4096) to draw, "
            f"got {arr.shape[0]}×{arr.shape[1]}; show a part or a smaller copy"
        )
    _check_finite(arr, name)
    return arr


def _rgb_for_imshow(arr: np.ndarray) -> np.ndarray:
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
    arr = _as_hw_or_hwc(image)
    _check_ax(ax)
    figsize = _check_figsize(figsize)
    colorbar = _check_colorbar(colorbar)
    is_image = True
    if arr.ndim == 2:
        scale, is_image = _scale([arr], kwargs)
        kwargs = {**kwargs, **scale}
        colorbar = not is_image if colorbar is None else colorbar
    ax = _draw_image(arr, ax, figsize, title, noframe, **kwargs)
    if arr.ndim == 2 and not is_image:
        _frame_map(ax, noframe)
    if colorbar and arr.ndim == 2:
        _add_colorbar(ax.images[-1], [ax])
    return ax


def _frame_map(ax, noframe: bool) -> None:
    """A thin grey frame round a map drawn without axes: white means 0 on the signed scale, and
    a map's white border would otherwise melt into the page."""
    if noframe:
        ax.axis("on")
        ax.set_xticks([])
        ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("0.6")
        spine.set_linewidth(0.8)


def _draw_image(arr: np.ndarray, ax=None, figsize=None, title=None, noframe=True, **kwargs):
    """:func:`show_image` of checked arguments: ``arr`` as :func:`_as_hw_or_hwc` returns it."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    if arr.ndim == 3:
        arr = _rgb_for_imshow(arr)
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


def _check_colorbar(colorbar):
    if colorbar is not None and not isinstance(colorbar, (bool, np.bool_)):
        raise TypeError(f"colorbar must be True, False or None (automatic), got {colorbar!r}")
    return None if colorbar is None else bool(colorbar)


def _is_byte_image(arr: np.ndarray) -> bool:
    return np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0 and arr.max() <= 255


def _scale(arrays: list, kwargs: dict) -> tuple[dict, bool]:
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
        if all(_is_byte_image(a) for a in arrays) and hi > 1:
            cmap, vmin, vmax = "gray", 0, 255
        elif lo >= 0 and hi <= 1:
            cmap, vmin, vmax = "gray", 0, 1
        elif lo >= 0:
            cmap, vmin, vmax = "gray", 0, hi
        else:
            top = max(-lo, hi)
            cmap, vmin, vmax = _SIGNED_CMAP, -top, top
    else:
        cmap = "gray" if cmap is None else cmap
        vmin = lo if vmin is None else vmin
        vmax = hi if vmax is None else vmax
    name = cmap if isinstance(cmap, str) else getattr(cmap, "name", None)
    is_image = name == "gray" and vmin == 0 and vmax in (1, 255)
    return {"cmap": cmap, "vmin": vmin, "vmax": vmax}, is_image


def _add_colorbar(mappable, axes) -> None:
    """One colour bar for ``axes``, at their right, as tall as a row of them."""
    fig = axes[0].figure
    rows = len({round(ax.get_position().y0, 3) for ax in axes})
    bar = fig.colorbar(mappable, ax=axes, shrink=min(1.0, 0.9 / rows**0.5), fraction=0.05, pad=0.03)
    bar.ax.tick_params(labelsize=7)


def show_images(images, nrows=None, ncols=None, titles=None, figsize=None, colorbar=None, **kwargs):
    """Show several images in a grid; extra axes are hidden.

    The maps among them share one scale, chosen as :func:`show_image` chooses it (grey from 0,
    or blue-white-red about 0 when some value is negative), with one colour bar for the grid;
    in a list, images with values in [0, 1] stay grey with 0 black and 1 white. The panels of
    one tensor or array (a batch, a stack of maps or kernels) all share one scale, and so do
    all panels when ``cmap``, ``vmin`` or ``vmax`` is given.

    Parameters
    ----------
    images
        A list of images, or a tensor whose first axis indexes them (e.g.
        feature maps (C, H, W), a batch (N, 1, H, W) or kernels (4, 1, 3, 3)).
    nrows, ncols
        Grid shape; by default as square as possible. At most 256 axes, and no
        more empty axes than would fill one row or column.
    titles
        One title per image.
    figsize
        Size of the figure, in inches (default: about 1.5 inches per image).
    colorbar
        One colour bar for the grid: by default (None) when some panel is a map rather than an
        image; True or False to choose.
    **kwargs
        Passed to :func:`show_image` for each image.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The grid's axes, flattened.
    """
    if isinstance(images, (str, bytes)) or not hasattr(images, "__iter__"):
        raise TypeError(
            f"images must be a list of images or a tensor whose first axis indexes "
            f"them, got {type(images).__name__}"
        )
    if isinstance(images, (torch.Tensor, np.ndarray)) and images.ndim < 3:
        raise ValueError(
            f"images must be a list of images or a tensor whose first axis indexes "
            f"them (3 or 4 dimensions), got shape {tuple(images.shape)}; "
            f"show one image with show_image"
        )
    # One tensor or array is one kind of thing (a batch of digits, a stack of maps or of
    # kernels): its panels share one scale. A list may mix images and maps.
    stacked = isinstance(images, (torch.Tensor, np.ndarray))
    images = list(images)
    n = len(images)
    if n == 0:
        raise ValueError("images must hold at least one image")
    if n > _MAX_AXES:
        raise ValueError(
            f"images must hold at most {_MAX_AXES} images to draw in one figure, "
            f"got {n}; show a part, e.g. images[:64]"
        )
    if titles is not None:
        if isinstance(titles, (str, bytes)) or not hasattr(titles, "__len__"):
            raise TypeError(f"titles must be a list of one title per image, got {titles!r}")
        if len(titles) != n:
            raise ValueError(
                f"titles must have one entry per image: {n} images, {len(titles)} titles"
            )
    nrows = None if nrows is None else check_int(nrows, "nrows", 1)
    ncols = None if ncols is None else check_int(ncols, "ncols", 1)
    figsize = _check_figsize(figsize)
    colorbar = _check_colorbar(colorbar)
    # Every image checked before any drawing, and drawn as checked (not checked again).
    arrays = [_as_hw_or_hwc(image, f"images[{i}]") for i, image in enumerate(images)]
    settings, maps = _grid_scales(arrays, kwargs, stacked)
    if ncols is None:
        ncols = math.ceil(n / nrows) if nrows else math.ceil(math.sqrt(n))
    if nrows is None:
        nrows = math.ceil(n / ncols)
    if nrows * ncols < n:
        raise ValueError(
            f"nrows × ncols must be at least the number of images: a "
            f"{nrows}×{ncols} grid (nrows={nrows}, ncols={ncols}) cannot hold {n}"
        )
    if nrows * ncols > _MAX_AXES:
        raise ValueError(
            f"nrows × ncols must be at most {_MAX_AXES} axes in one figure, got "
            f"{nrows}×{ncols} = {nrows * ncols} for {n} images"
        )
    empty = nrows * ncols - n
    if empty >= max(nrows, ncols):
        raise ValueError(
            f"nrows × ncols must not leave more than one row or column empty: "
            f"a {nrows}×{ncols} grid has {empty} empty axes for {n} images; "
            f"leave nrows or ncols out for a grid that fits"
        )
    if figsize is None:  # about 1.5 inches per image, within the cap on a side
        scale = min(1.0, 0.4 * _MAX_FIGURE_INCHES / (1.5 * max(nrows, ncols)))
        figsize = (1.5 * ncols * scale, 1.5 * nrows * scale)
    _, axs = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    axs = axs.flatten()
    for i, ax in enumerate(axs):
        if i < n:
            title = None if titles is None else titles[i]
            _draw_image(arrays[i], ax, title=title, **{**kwargs, **settings[i]})
            if i in maps:
                _frame_map(ax, kwargs.get("noframe", True))
        else:
            ax.axis("off")
    scaled = maps or [i for i in range(n) if arrays[i].ndim == 2]
    if (bool(maps) if colorbar is None else colorbar) and scaled:
        _add_colorbar(axs[scaled[0]].images[-1], list(axs[:n]))
    return axs


def _grid_scales(arrays: list, kwargs: dict, stacked: bool) -> tuple[list[dict], list[int]]:
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
        maps = [i for i in flat if not _scale([arrays[i]], {})[1]]
        for i in set(flat) - set(maps):  # images: 0 black, 1 white (or 255 for bytes)
            settings[i] = _scale([arrays[i]], {})[0]
    if maps:
        shared, is_image = _scale([arrays[i] for i in maps], kwargs)
        for i in maps:
            settings[i] = shared
        if is_image:
            maps = []
    return settings, maps


class _PixelTable(Styler):
    """A Styler whose plain-text form says what it is, with no object address (which would
    change from run to run in a saved notebook)."""

    def __repr__(self) -> str:
        rows, cols = self.data.shape
        return f"<pixel table: {rows} rows × {cols} columns>"


def show_pixels(image, rows=slice(None), cols=slice(None)):
    """The pixels of a 2-D image as a table, each cell shaded by its value.

    Parameters
    ----------
    image
        A 2-D image (H, W) or (1, H, W).
    rows, cols
        Which part to show (slices or ranges), e.g. ``rows=slice(3, 13)``.

    Returns
    -------
    pandas.io.formats.style.Styler
        Displays as a shaded HTML table in Jupyter; row and column labels are
        the pixels' coordinates in the full image.
    """
    arr = _as_hw_or_hwc(image)
    if arr.ndim != 2:
        raise ValueError(f"image must be a 2-D (greyscale) image, got shape {tuple(arr.shape)}")
    for name, value in (("rows", rows), ("cols", cols)):
        if not isinstance(value, (slice, range)):
            raise TypeError(f"{name} must be a slice or a range, e.g. slice(3, 13), got {value!r}")
    rows = rows if isinstance(rows, slice) else slice(rows.start, rows.stop, rows.step)
    cols = cols if isinstance(cols, slice) else slice(cols.start, cols.stop, cols.step)
    try:
        row_ids = np.arange(arr.shape[0])[rows]
        col_ids = np.arange(arr.shape[1])[cols]
    except (TypeError, ValueError) as e:  # a slice of floats or strings, a zero step
        raise ValueError(
            f"rows and cols must be slices of integers, got rows={rows} and cols={cols} ({e})"
        ) from None
    if len(row_ids) == 0 or len(col_ids) == 0:
        raise ValueError(f"rows={rows} and cols={cols} select no pixel of the {arr.shape} image")
    if len(row_ids) * len(col_ids) > _MAX_TABLE_CELLS:
        raise ValueError(
            f"rows and cols must select at most {_MAX_TABLE_CELLS} pixels for a "
            f"table, got {len(row_ids)}×{len(col_ids)} = "
            f"{len(row_ids) * len(col_ids)}; pick a part, e.g. rows=slice(0, 28)"
        )
    df = pd.DataFrame(arr[np.ix_(row_ids, col_ids)], index=row_ids, columns=col_ids)
    precision = 0 if np.issubdtype(arr.dtype, np.integer) else 2
    # pandas names each table's CSS with a random id; one derived from the content keeps the
    # HTML identical from run to run (nbval compares it) and distinct between tables.
    uuid = hashlib.sha1(df.to_numpy().tobytes() + repr((row_ids, col_ids)).encode()).hexdigest()[
        :10
    ]
    # As show_image: pixels in [0, 1] on the course's one grey scale, 0 black and 1 white (bytes
    # 0 to 255); other values from their smallest (black) to their largest (white). Each cell's
    # text is black or white, whichever contrasts more with its shade (pandas'
    # background_gradient leaves light grey text on mid greys, below WCAG AA).
    values = df.to_numpy(dtype=np.float64)
    if _is_byte_image(arr) and arr.max() > 1:
        lo, hi = 0.0, 255.0
    elif values.min() >= 0 and values.max() <= 1:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = values.min(), values.max()
    shades = plt.get_cmap("gray")(Normalize(lo, hi)(values))
    hexes = [rgb2hex(rgba) for rgba in shades.reshape(-1, 4)]
    # One CSS text per shade (at most 256 greys), its text color worked out from the very
    # color the page shows.
    styles = {h: f"background-color: {h};color: {_readable_text_color(h)};" for h in set(hexes)}
    css = pd.DataFrame(
        np.array([styles[h] for h in hexes], dtype=object).reshape(values.shape),
        index=df.index,
        columns=df.columns,
    )
    return (
        _PixelTable(df)
        .set_uuid(f"pixels-{uuid}")
        .format(precision=precision)
        .set_properties(**{"font-size": "7pt", "padding": "1px 3px"})
        .apply(lambda _: css, axis=None)
    )


def show_windows(
    image, centers, kernel_size=3, labels=None, colors=None, grid=False, ax=None, **kwargs
):
    """Show a 2-D image with square kernel windows outlined at the given centers.

    Parameters
    ----------
    image
        The image, any layout :func:`show_image` accepts.
    centers
        A list of ``(row, col)`` window centers (integers, NumPy's too), each
        window inside the image; at most 64.
    kernel_size
        The side of each window (odd).
    labels
        Optional text written beside each window.
    colors
        One matplotlib color per window (default: a qualitative palette).
    grid
        Draw the pixel boundaries, to count rows and columns.
    ax, **kwargs
        As for :func:`show_image`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    kernel_size = _odd_kernel_size(kernel_size)
    arr = _as_hw_or_hwc(image)
    centers = _window_centers(centers, kernel_size, arr.shape)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
            raise TypeError(f"labels must be a list of one text per window, got {labels!r}")
        if len(labels) != len(centers):
            raise ValueError(
                f"labels must have one entry per window: {len(centers)} windows, "
                f"{len(labels)} labels"
            )
    if colors is None:
        colors = [_WINDOW_COLORS[i % len(_WINDOW_COLORS)] for i in range(len(centers))]
    else:
        if isinstance(colors, (str, bytes)) or not hasattr(colors, "__len__"):
            raise TypeError(
                f"colors must be a list of one matplotlib color per window, got {colors!r}"
            )
        if len(colors) < len(centers):
            raise ValueError(
                f"colors must have one color per window: {len(centers)} windows, "
                f"{len(colors)} colors"
            )
        for i, color in enumerate(colors[: len(centers)]):
            if not is_color_like(color):
                raise ValueError(
                    f"colors[{i}] must be a matplotlib color such as 'red', got {color!r}"
                )
    _check_ax(ax)  # then what show_image would check, once
    figsize = _check_figsize(kwargs.pop("figsize", None))
    return _draw_windows(arr, centers, kernel_size, labels, colors, grid, ax, figsize, **kwargs)


def _draw_windows(
    arr: np.ndarray,
    centers,
    kernel_size: int,
    labels,
    colors,
    grid: bool,
    ax,
    figsize=None,
    **kwargs,
):
    """:func:`show_windows` of checked arguments (``colors`` one per window)."""
    if arr.ndim == 2:  # the course's scale (show_image), here without a colour bar
        kwargs = {**kwargs, **_scale([arr], kwargs)[0]}
    ax = _draw_image(arr, ax, figsize, **kwargs)
    if grid:
        h, w = ax.images[-1].get_array().shape[:2]
        ax.vlines(np.arange(w + 1) - 0.5, -0.5, h - 0.5, colors="0.5", linewidth=0.4)
        ax.hlines(np.arange(h + 1) - 0.5, -0.5, w - 0.5, colors="0.5", linewidth=0.4)
    half = kernel_size // 2
    for i, (row, col) in enumerate(centers):
        # Pixel (r, c) covers [c - 0.5, c + 0.5] × [r - 0.5, r + 0.5] in imshow's coordinates.
        ax.add_patch(
            Rectangle(
                (col - half - 0.5, row - half - 0.5),
                kernel_size,
                kernel_size,
                fill=False,
                edgecolor=colors[i],
                linewidth=2,
            )
        )
        if labels is not None:
            ax.annotate(
                labels[i],
                (col + half + 0.5, row - half - 0.5),
                color=colors[i],
                fontsize=9,
                fontweight="bold",
                xytext=(3, 0),
                textcoords="offset points",
                va="top",
                annotation_clip=False,
                # a black outline: the bright label reads on the white stroke and the black
                # background alike
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="black")],
            )
    return ax


def show_unfold(image, centers, kernel_size=3, figsize=(7, 3)):
    """Windows of a 2-D image next to the columns that unfold (im2col) makes of them.

    Left: the image with each window outlined. Right: those windows'
    columns of ``F.unfold(image[None], kernel_size)``, side by side, framed in
    the same colours. Column ``i * out_w + j`` holds the window whose top-left
    pixel is ``(i, j)``, read row by row. Each window must lie inside the image
    (unfold makes no column for one that does not), and both pictures share
    the image's grey scale.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The two axes.
    """
    arr = torch.as_tensor(_as_hw_or_hwc(image)).float()
    if arr.dim() != 2:
        raise ValueError(f"image must be a 2-D (greyscale) image, got shape {tuple(arr.shape)}")
    k = _odd_kernel_size(kernel_size)
    if k > min(arr.shape):
        raise ValueError(
            f"kernel_size must fit in the {arr.shape[0]}×{arr.shape[1]} image, got {k}"
        )
    # A window that sticks out of the image has no column: it would be drawn cut short and
    # numbered past the last column.
    centers = _window_centers(centers, k, tuple(arr.shape), at_least=1)
    figsize = _check_figsize(figsize)
    if figsize is None:
        raise TypeError("figsize must be a pair (width, height) in inches, got None")
    out_w = arr.shape[1] - k + 1
    # Written without F.unfold so the picture does not depend on what it illustrates.
    columns = [
        arr[r - k // 2 : r + k // 2 + 1, c - k // 2 : c + k // 2 + 1].reshape(-1)
        for r, c in centers
    ]
    indices = [(r - k // 2) * out_w + (c - k // 2) for r, c in centers]
    colors = [_WINDOW_COLORS[i % len(_WINDOW_COLORS)] for i in range(len(centers))]
    fig, axs = plt.subplots(1, 2, figsize=figsize, gridspec_kw={"width_ratios": [1, 1]})
    _draw_windows(arr.numpy(), centers, k, None, colors, False, axs[0])  # all checked above
    axs[0].set_title("windows")
    # aspect="auto": a few columns of 9 pixels would otherwise be a thin sliver.
    # On the image's grey scale, as show_image draws it on the left: 0 black and 1 white for
    # pixels in [0, 1], else from the smallest value to the largest.
    lo, hi = float(arr.min()), float(arr.max())
    if lo >= 0 and hi <= 1:
        lo, hi = 0.0, 1.0
    axs[1].imshow(torch.stack(columns, dim=1).numpy(), cmap="gray", vmin=lo, vmax=hi, aspect="auto")
    for i, color in enumerate(colors):
        axs[1].add_patch(
            Rectangle((i - 0.5, -0.5), 1, k * k, fill=False, edgecolor=color, linewidth=3)
        )
    axs[1].set_xticks(range(len(indices)), [str(i) for i in indices])
    axs[1].set_yticks(range(k * k))
    axs[1].set_xlabel("column of the unfolded matrix")
    axs[1].set_ylabel("row = pixel of the window")
    axs[1].set_title("columns")
    fig.tight_layout()
    return axs


def plot_timings(times: dict, reference: str, ax=None, title=None):
    """Horizontal bars of run times on a log axis, each labelled with its ratio to ``reference``.

    Parameters
    ----------
    times
        Method name → seconds (e.g. from :func:`coursecode.timing.compare_times`).
    reference
        The name every bar is compared with (``"F.conv2d"``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(times, Mapping):
        raise TypeError(f"times must be a dict of name → seconds, got {type(times).__name__}")
    if not times:
        raise ValueError("times must hold at least one timing, got an empty dict")
    if len(times) > _MAX_AXES:
        raise ValueError(f"times must hold at most {_MAX_AXES} timings to draw, got {len(times)}")
    for name, t in times.items():
        if isinstance(t, bool) or not isinstance(t, numbers.Real):
            raise TypeError(f"times[{name!r}] must be a number of seconds, got {t!r}")
        if not (0 < t < math.inf):  # NaN fails too; a log axis needs positive times
            raise ValueError(
                f"times[{name!r}] must be a positive, finite number of seconds, got {t!r}"
            )
    try:
        known = reference in times
    except TypeError:  # unhashable
        known = False
    if not known:
        raise ValueError(f"reference={reference!r} is not one of the timed names {list(times)}")
    _check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(times)))
    names = list(times)[::-1]  # the first entry on top
    seconds = [times[n] for n in names]
    ax.barh(
        [str(n) for n in names],
        seconds,
        color=["tab:orange" if n == reference else "tab:blue" for n in names],
    )
    ax.set_xscale("log")
    ax.set_xlim(min(seconds) / 3, max(seconds) * 30)
    for i, (name, t) in enumerate(zip(names, seconds)):
        ratio = t / times[reference]
        label = (
            "reference"
            if name == reference
            else f"{ratio:,.0f}× slower"
            if ratio >= 1.5
            else f"{ratio:.1f}×"
        )
        ax.text(t * 1.15, i, f"{_seconds(t)}  ({label})", va="center", fontsize=9)
    ax.set_xlabel("time per call (log scale)")
    if title:
        ax.set_title(title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _seconds(t: float) -> str:
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.2f} ms"
    return f"{t * 1e6:.0f} µs"


def plot_history(*histories, figsize=(7, 2.6)):
    """Loss and accuracy per epoch from one or more :func:`coursecode.fit` histories, run after run.

    Several histories (e.g. a second ``fit`` with a lower learning rate) are
    joined end to end, their epochs numbered on.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The loss and the accuracy axes.
    """
    if not histories:
        raise ValueError("pass at least one history returned by fit")
    columns = ["train_loss", "valid_loss", "valid_accuracy"]
    for i, h in enumerate(histories):
        if not isinstance(h, pd.DataFrame):
            raise TypeError(
                f"histories[{i}] must be a pandas DataFrame returned by fit, got {type(h).__name__}"
            )
        missing = [c for c in columns if c not in h.columns]
        if missing:
            raise ValueError(
                f"histories[{i}] must have the columns {columns} that fit returns, "
                f"missing {missing}"
            )
        if len(h) == 0:
            raise ValueError(f"histories[{i}] must hold at least one epoch, got an empty table")
        try:
            values = h[columns].to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"histories[{i}] must hold numbers in {columns}") from None
        if not np.all(np.isfinite(values)):
            row, col = np.argwhere(~np.isfinite(values))[0]
            raise ValueError(
                f"histories[{i}] must hold finite numbers, got "
                f"{values[row, col]} in {columns[col]} at its row {row} (did the "
                f"training diverge? try a lower learning rate)"
            )
    figsize = _check_figsize(figsize)
    if figsize is None:
        raise TypeError("figsize must be a pair (width, height) in inches, got None")
    total = sum(len(h) for h in histories)
    if total > 100_000:
        raise ValueError(f"histories must hold at most 100000 epochs in all, got {total}")
    history = pd.concat([h[columns] for h in histories], ignore_index=True)
    history.index = history.index + 1
    fig, axs = plt.subplots(1, 2, figsize=figsize)
    history[["train_loss", "valid_loss"]].plot(ax=axs[0], marker=".")
    axs[0].set_ylabel("loss")
    history[["valid_accuracy"]].plot(ax=axs[1], marker=".", legend=False)
    axs[1].set_ylabel("valid accuracy")
    ends = np.cumsum([len(h) for h in histories])[:-1]
    for ax in axs:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for end in ends:
            ax.axvline(end + 0.5, color="0.6", linestyle=":")
    fig.tight_layout()
    return axs


def show_channels(image, names=("red", "green", "blue"), figsize=(7.5, 3)):
    """Show each channel of a (3, H, W) image on its own, shaded in its own colour.

    Each panel is titled with the channel's index on axis 0 and its name
    (``"channel 0: red"``) and shaded from black (none of that colour) to the
    full colour.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    if isinstance(names, (str, bytes)) or not hasattr(names, "__len__"):
        raise TypeError(
            f"names must be a list of matplotlib colors, one per channel, got {names!r}"
        )
    if not 1 <= len(names) <= 16:
        raise ValueError(f"names must hold 1 to 16 colors, one per channel, got {len(names)}")
    for i, name in enumerate(names):
        if not isinstance(name, str) or not is_color_like(name):
            raise ValueError(
                f"names[{i}] must be a matplotlib color name such as 'red', got {name!r}"
            )
    arr = _real_array(image, "image", "a tensor or an array of real numbers")
    if arr.ndim != 3 or arr.shape[0] != len(names):
        raise ValueError(
            f"image must have shape ({len(names)}, H, W), one channel per name, "
            f"got {tuple(arr.shape)}"
        )
    if arr.size == 0:
        raise ValueError(f"image must have at least one pixel, got shape {tuple(arr.shape)}")
    _check_finite(arr, "image")
    figsize = _check_figsize(figsize)
    _, axs = plt.subplots(1, len(names), figsize=figsize, squeeze=False)
    axs = axs[0]
    if _is_byte_image(arr) and arr.max() > 1:
        full = {"vmin": 0, "vmax": 255}
    elif arr.min() >= 0 and arr.max() <= 1:
        full = {"vmin": 0, "vmax": 1}
    else:  # other values: the channels share one scale, from the smallest to the largest
        full = {"vmin": float(arr.min()), "vmax": float(arr.max())}
    for i, (channel, ax, name) in enumerate(zip(arr, axs, names)):
        # From black (0) to the full colour (255 for bytes, 1 for values in [0, 1]), the same
        # scale for every channel: bright means more of that colour.
        cmap = LinearSegmentedColormap.from_list(f"black-{name}", ["black", name])
        show_image(channel, ax=ax, cmap=cmap, title=f"channel {i}: {name}", colorbar=False, **full)
    return axs


def _numbers(value, name: str) -> np.ndarray:
    """``value`` as a float64 array, or a TypeError that names the argument."""
    arr = _to_numpy(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(
            f"{name} must be a tensor or an array of real numbers, got {type(value).__name__}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers, got NaN or infinity")
    return arr


def _number_text(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return f"{0:.{decimals}f}" if float(text) == 0 else text  # no "-0.00"


def _write_cells(ax, arr: np.ndarray, cmap, norm, decimals: int, fontsize: float = 8) -> None:
    """Shade a small 2-D array and write each cell's value in it, in black or white, whichever
    contrasts more with the cell's shade (at least about 4.58:1, WCAG AA for small text)."""
    ax.imshow(arr, cmap=cmap, norm=norm)
    for (row, col), value in np.ndenumerate(arr):
        ax.text(
            col,
            row,
            _number_text(value, decimals),
            ha="center",
            va="center",
            fontsize=fontsize,
            color=_readable_text_color(cmap(norm(value))),
        )
    ax.set_xticks([])
    ax.set_yticks([])


def show_kernel_on_channels(patch, kernel, bias=None, names=None, decimals: int = 2, figsize=None):
    """One output number of a convolution over C channels, worked out in a diagram.

    One row per input channel: the image patch's slice, times the kernel's
    slice, equals their elementwise product, whose sum is written beside it.
    The bottom line adds the C sums (and the bias) into the one number that
    ``F.conv2d`` outputs at that position.

    Parameters
    ----------
    patch
        The window of the image under the kernel, shape (C, k, k), e.g.
        ``image[:, r:r + 3, c:c + 3]`` of a (3, H, W) ``image``. Its slices are
        shaded from black to the channel's colour, on a 0 to 1 scale.
    kernel
        One kernel, the same shape, e.g. ``weight[0]`` of a ``(out, C, k, k)``
        weight. Kernel slices and products are shaded blue (negative) to red
        (positive).
    bias
        The kernel's bias (a number or a one-element tensor), or None for none.
    names
        One name per channel; by default red, green, blue for three channels
        and ``channel 0``, ``channel 1``... otherwise. A name that is a
        matplotlib colour also colours its row.
    decimals
        Decimals of every number written (they are rounded, so the written
        sums may differ from the written total in the last place).
    figsize
        Size of the figure, in inches (default: 1.4 inches per channel for
        a 3×3 kernel).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The C × 4 grid of axes (patch, kernel, product, sum), flattened row by
        row, then the axes of the bottom line. That line's output number is
        the text whose gid is ``"output"``.
    """
    patch_arr = _numbers(patch, "patch")
    kernel_arr = _numbers(kernel, "kernel")
    for name, arr in (("patch", patch_arr), ("kernel", kernel_arr)):
        if arr.ndim != 3:
            raise ValueError(
                f"{name} must have shape (C, k, k): channels, rows, columns, got {tuple(arr.shape)}"
            )
    if patch_arr.shape != kernel_arr.shape:
        raise ValueError(
            f"patch and kernel must have the same shape (C, k, k), got patch "
            f"{tuple(patch_arr.shape)} and kernel {tuple(kernel_arr.shape)}"
        )
    channels, rows, cols = kernel_arr.shape
    if not 1 <= channels <= 8 or not 1 <= rows <= 5 or not 1 <= cols <= 5:
        raise ValueError(
            f"kernel must have 1 to 8 channels and sides of 1 to 5 to be drawn "
            f"legibly, got shape {tuple(kernel_arr.shape)}"
        )
    if bias is not None:
        bias_arr = _numbers(bias, "bias")
        if bias_arr.size != 1:
            raise ValueError(
                f"bias must be one number (the kernel's own bias), got shape "
                f"{tuple(bias_arr.shape)}"
            )
        bias = float(bias_arr.reshape(()))
    if names is None:
        names = (
            ("red", "green", "blue") if channels == 3 else [f"channel {i}" for i in range(channels)]
        )
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise TypeError(f"names must be a list of one name per channel, got {names!r}")
    names = [str(name) for name in names]
    if len(names) != channels:
        raise ValueError(
            f"names must have one entry per channel: {channels} channels, {len(names)} names"
        )
    if (
        isinstance(decimals, bool)
        or not isinstance(decimals, numbers.Integral)
        or not 0 <= decimals <= 4
    ):
        raise ValueError(f"decimals must be an integer from 0 to 4, got {decimals!r}")
    decimals = int(decimals)
    figsize = _check_figsize(figsize)
    return _draw_kernel_on_channels(patch_arr, kernel_arr, bias, names, decimals, figsize)


def _draw_kernel_on_channels(patch, kernel, bias, names, decimals, figsize):
    channels = len(names)
    products = patch * kernel
    sums = products.sum(axis=(1, 2))
    total = sums.sum() + (bias or 0.0)
    side = max(kernel.shape[1:])
    default_size = (7.5, 1.4 * channels + 0.9) if side <= 3 else (9.5, 1.9 * channels + 0.9)
    fig = plt.figure(figsize=figsize or default_size)
    grid = fig.add_gridspec(
        channels + 1,
        4,
        height_ratios=[1] * channels + [0.55],
        width_ratios=[1, 1, 1, 0.8],
        wspace=0.5,
        hspace=0.25,
        left=0.09,
        right=0.98,
        top=0.93,
        bottom=0.02,
    )
    weight_norm = Normalize(-np.abs(kernel).max() or 1.0, np.abs(kernel).max() or 1.0)
    product_norm = Normalize(-np.abs(products).max() or 1.0, np.abs(products).max() or 1.0)
    signed = plt.get_cmap(_SIGNED_CMAP)  # blue (negative), white (0), red (positive)
    fontsize = 8 if side <= 3 else 7
    axs = []
    for c, name in enumerate(names):
        color = name if is_color_like(name) else "black"
        # From black (none) to the channel's colour, as show_channels shades it.
        shade = (
            LinearSegmentedColormap.from_list(f"black-{name}", ["black", name])
            if is_color_like(name)
            else plt.get_cmap("gray")
        )
        row = [fig.add_subplot(grid[c, j]) for j in range(4)]
        _write_cells(row[0], patch[c], shade, Normalize(0, 1), decimals, fontsize)
        _write_cells(row[1], kernel[c], signed, weight_norm, decimals, fontsize)
        _write_cells(row[2], products[c], signed, product_norm, decimals, fontsize)
        row[0].set_ylabel(name, color=color, fontsize=11, fontweight="bold")
        for ax, sign in ((row[0], "×"), (row[1], "=")):
            ax.text(1.25, 0.5, sign, transform=ax.transAxes, fontsize=16, ha="center", va="center")
        row[3].axis("off")
        row[3].text(
            0.15,
            0.5,
            f"→ {_number_text(sums[c], decimals)}",
            transform=row[3].transAxes,
            fontsize=12,
            va="center",
            color=color,
        )
        axs.extend(row)
    for ax, title in zip(axs, ("image patch", "kernel slice", "product", "its sum")):
        ax.set_title(title, fontsize=10)
    line = fig.add_subplot(grid[channels, :])
    line.axis("off")
    terms = list(sums) + ([] if bias is None else [bias])
    texts = [_number_text(term, decimals) for term in terms]
    # Negative terms in brackets: the line adds, it never subtracts.
    added = " + ".join(f"({t})" if t.startswith("-") else t for t in texts)
    what = " + ".join(names) + ("" if bias is None else " + bias")
    equation = line.text(
        0.0, 0.5, f"{what}:   {added}  =  ", transform=line.transAxes, fontsize=11, va="center"
    )
    line.annotate(
        _number_text(total, decimals),
        xy=(1.0, 0.5),
        xycoords=equation,
        fontsize=12,
        fontweight="bold",
        va="center",
        gid="output",
        bbox={"boxstyle": "round", "facecolor": "#ffe9a8", "edgecolor": "0.4"},
    )
    axs.append(line)
    return np.array(axs, dtype=object)
