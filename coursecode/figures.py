"""Charts and channel pictures: run times (lesson 2), a training's history (lesson 4), an
image's colour channels and a kernel read across them (lesson 5). The rest of the course's
pictures are in :mod:`coursecode.plotting`, which also offers these.
"""

import math
import numbers
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.colors import Normalize
from matplotlib.colors import is_color_like
from matplotlib.ticker import MaxNLocator

from coursecode import _drawing as draw

__all__ = ["plot_history", "plot_timings", "show_channels", "show_kernel_on_channels"]


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
    if len(times) > draw.MAX_AXES:
        raise ValueError(
            f"times must hold at most {draw.MAX_AXES} timings to draw, got {len(times)}"
        )
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
    draw.check_ax(ax)
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
    figsize = draw.check_figsize(figsize)
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
    arr = draw.real_array(image, "image", "a tensor or an array of real numbers")
    if arr.ndim != 3 or arr.shape[0] != len(names):
        raise ValueError(
            f"image must have shape ({len(names)}, H, W), one channel per name, "
            f"got {tuple(arr.shape)}"
        )
    if arr.size == 0:
        raise ValueError(f"image must have at least one pixel, got shape {tuple(arr.shape)}")
    draw.check_finite(arr, "image")
    figsize = draw.check_figsize(figsize)
    _, axs = plt.subplots(1, len(names), figsize=figsize, squeeze=False)
    axs = axs[0]
    if draw.is_byte_image(arr) and arr.max() > 1:
        full = {"vmin": 0, "vmax": 255}
    elif arr.min() >= 0 and arr.max() <= 1:
        full = {"vmin": 0, "vmax": 1}
    else:  # other values: the channels share one scale, from the smallest to the largest
        full = {"vmin": float(arr.min()), "vmax": float(arr.max())}
    for i, (channel, ax, name) in enumerate(zip(arr, axs, names)):
        # From black (0) to the full colour (255 for bytes, 1 for values in [0, 1]), the same
        # scale for every channel: bright means more of that colour.
        cmap = LinearSegmentedColormap.from_list(f"black-{name}", ["black", name])
        draw.show_image(
            channel, ax=ax, cmap=cmap, title=f"channel {i}: {name}", colorbar=False, **full
        )
    return axs


def _numbers(value, name: str) -> np.ndarray:
    """``value`` as a float64 array, or a TypeError that names the argument."""
    arr = draw.to_numpy(value)
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
            color=draw.readable_text_color(cmap(norm(value))),
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
    figsize = draw.check_figsize(figsize)
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
    signed = plt.get_cmap(draw.SIGNED_CMAP)  # blue (negative), white (0), red (positive)
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
