"""Pictures of images, kernels and feature maps: one, a grid, or the pixels as a table."""

import hashlib
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib import patheffects
from matplotlib.colors import Normalize
from matplotlib.colors import is_color_like
from matplotlib.colors import rgb2hex
from matplotlib.patches import Rectangle
from pandas.io.formats.style import Styler

from coursecode import _drawing as draw
from coursecode._drawing import show_image
from coursecode._validate import check_int
from coursecode.figures import plot_history
from coursecode.figures import plot_timings
from coursecode.figures import show_channels
from coursecode.figures import show_kernel_on_channels

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
    if n > draw.MAX_AXES:
        raise ValueError(
            f"images must hold at most {draw.MAX_AXES} images to draw in one figure, "
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
    figsize = draw.check_figsize(figsize)
    colorbar = draw.check_colorbar(colorbar)
    # Every image checked before any drawing, and drawn as checked (not checked again).
    arrays = [draw.as_hw_or_hwc(image, f"images[{i}]") for i, image in enumerate(images)]
    settings, maps = draw.grid_scales(arrays, kwargs, stacked)
    if ncols is None:
        ncols = math.ceil(n / nrows) if nrows else math.ceil(math.sqrt(n))
    if nrows is None:
        nrows = math.ceil(n / ncols)
    if nrows * ncols < n:
        raise ValueError(
            f"nrows × ncols must be at least the number of images: a "
            f"{nrows}×{ncols} grid (nrows={nrows}, ncols={ncols}) cannot hold {n}"
        )
    if nrows * ncols > draw.MAX_AXES:
        raise ValueError(
            f"nrows × ncols must be at most {draw.MAX_AXES} axes in one figure, got "
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
        scale = min(1.0, 0.4 * draw.MAX_FIGURE_INCHES / (1.5 * max(nrows, ncols)))
        figsize = (1.5 * ncols * scale, 1.5 * nrows * scale)
    _, axs = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    axs = axs.flatten()
    for i, ax in enumerate(axs):
        if i < n:
            title = None if titles is None else titles[i]
            draw.draw_image(arrays[i], ax, title=title, **{**kwargs, **settings[i]})
            if i in maps:
                draw.frame_map(ax, kwargs.get("noframe", True))
        else:
            ax.axis("off")
    scaled = maps or [i for i in range(n) if arrays[i].ndim == 2]
    if (bool(maps) if colorbar is None else colorbar) and scaled:
        draw.add_colorbar(axs[scaled[0]].images[-1], list(axs[:n]))
    return axs


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
    arr = draw.as_hw_or_hwc(image)
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
    if len(row_ids) * len(col_ids) > draw.MAX_TABLE_CELLS:
        raise ValueError(
            f"rows and cols must select at most {draw.MAX_TABLE_CELLS} pixels for a "
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
    if draw.is_byte_image(arr) and arr.max() > 1:
        lo, hi = 0.0, 255.0
    elif values.min() >= 0 and values.max() <= 1:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = values.min(), values.max()
    shades = plt.get_cmap("gray")(Normalize(lo, hi)(values))
    hexes = [rgb2hex(rgba) for rgba in shades.reshape(-1, 4)]
    # One CSS text per shade (at most 256 greys), its text color worked out from the very
    # color the page shows.
    styles = {h: f"background-color: {h};color: {draw.readable_text_color(h)};" for h in set(hexes)}
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
    kernel_size = draw.odd_kernel_size(kernel_size)
    arr = draw.as_hw_or_hwc(image)
    centers = draw.window_centers(centers, kernel_size, arr.shape)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
            raise TypeError(f"labels must be a list of one text per window, got {labels!r}")
        if len(labels) != len(centers):
            raise ValueError(
                f"labels must have one entry per window: {len(centers)} windows, "
                f"{len(labels)} labels"
            )
    if colors is None:
        colors = [draw.WINDOW_COLORS[i % len(draw.WINDOW_COLORS)] for i in range(len(centers))]
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
    draw.check_ax(ax)  # then what show_image would check, once
    figsize = draw.check_figsize(kwargs.pop("figsize", None))
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
        kwargs = {**kwargs, **draw.shared_scale([arr], kwargs)[0]}
    ax = draw.draw_image(arr, ax, figsize, **kwargs)
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
    arr = torch.as_tensor(draw.as_hw_or_hwc(image)).float()
    if arr.dim() != 2:
        raise ValueError(f"image must be a 2-D (greyscale) image, got shape {tuple(arr.shape)}")
    k = draw.odd_kernel_size(kernel_size)
    if k > min(arr.shape):
        raise ValueError(
            f"kernel_size must fit in the {arr.shape[0]}×{arr.shape[1]} image, got {k}"
        )
    # A window that sticks out of the image has no column: it would be drawn cut short and
    # numbered past the last column.
    centers = draw.window_centers(centers, k, tuple(arr.shape), at_least=1)
    figsize = draw.check_figsize(figsize)
    if figsize is None:
        raise TypeError("figsize must be a pair (width, height) in inches, got None")
    out_w = arr.shape[1] - k + 1
    # Written without F.unfold so the picture does not depend on what it illustrates.
    columns = [
        arr[r - k // 2 : r + k // 2 + 1, c - k // 2 : c + k // 2 + 1].reshape(-1)
        for r, c in centers
    ]
    indices = [(r - k // 2) * out_w + (c - k // 2) for r, c in centers]
    colors = [draw.WINDOW_COLORS[i % len(draw.WINDOW_COLORS)] for i in range(len(centers))]
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
