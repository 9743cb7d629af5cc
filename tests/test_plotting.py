"""Plots: show_image accepts every layout the course uses; show_images; show_pixels tables;
the kernel-on-channels diagram writes the number F.conv2d computes."""

import re

import matplotlib.axes
import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from coursecode import edge_kernels
from coursecode import load_image
from coursecode import named_edge_kernels
from coursecode import plot_history
from coursecode import plot_timings
from coursecode import show_image
from coursecode import show_images
from coursecode import show_pixels
from coursecode import show_unfold
from coursecode import show_windows
from coursecode import top_edge


def shown(ax):
    return np.asarray(ax.images[-1].get_array())  # the latest image drawn


@pytest.mark.parametrize(
    "image, shape",
    [
        (torch.rand(28, 28), (28, 28)),
        (torch.rand(1, 28, 28), (28, 28)),
        (torch.rand(3, 10, 12), (10, 12, 3)),
        (torch.rand(10, 12, 3), (10, 12, 3)),
        (np.random.default_rng(0).random((6, 7)), (6, 7)),
        (torch.randint(0, 256, (3, 5, 4), dtype=torch.uint8), (5, 4, 3)),
    ],
)
def test_show_image_layouts(image, shape):
    ax = show_image(image)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert shown(ax).shape == shape


def test_show_image_grey_uses_gray_and_values_survive():
    image = torch.rand(5, 5)
    ax = show_image(image, title="digit")
    assert ax.images[0].get_cmap().name == "gray"
    assert np.allclose(shown(ax), image.numpy())
    assert ax.get_title() == "digit" and not ax.axison


def test_show_image_kernel_with_frame():
    ax = show_image(top_edge, noframe=False, cmap="Reds")
    assert ax.axison and list(ax.get_xticks()) == [0, 1, 2]
    assert ax.images[0].get_cmap().name == "Reds"


def test_show_image_photo_and_float_rgb_rescaled():
    photo = load_image()
    assert shown(show_image(photo)).dtype == np.uint8
    # A float RGB feature map outside [0, 1] is rescaled (matplotlib would clip and warn).
    arr = shown(show_image(torch.randn(3, 8, 8) * 5))
    assert arr.min() >= 0 and arr.max() <= 1


def test_show_image_on_given_axes():
    axs = show_images([torch.zeros(3, 3)] * 2)
    ax = show_image(torch.ones(4, 4), ax=axs[1])
    assert ax is axs[1] and shown(ax).shape == (4, 4)


@pytest.mark.parametrize(
    "image, error, match",
    [
        (torch.rand(2, 5, 5), ValueError, r"got \(2, 5, 5\)"),
        (torch.rand(784), ValueError, r"image must have shape \(H, W\)"),
        (torch.rand(1, 1, 28, 28), ValueError, r"got \(1, 1, 28, 28\)"),
        ("digit.png", TypeError, "image must be a tensor"),
    ],
)
def test_show_image_bad_input(image, error, match):
    with pytest.raises(error, match=match):
        show_image(image)


def test_show_images_grid():
    labels = [label for label, _ in named_edge_kernels]
    axs = show_images(edge_kernels, titles=labels, ncols=3)
    assert len(axs) == 6
    assert [ax.get_title() for ax in axs[:4]] == ["top", "left", "top-left", "top-right"]
    assert [len(ax.images) for ax in axs] == [1, 1, 1, 1, 0, 0]
    assert len(show_images(torch.rand(5, 28, 28), nrows=1)) == 5
    with pytest.raises(ValueError, match="one entry per image: 4 images, 2 titles"):
        show_images(edge_kernels, titles=["a", "b"])
    with pytest.raises(ValueError, match="at least one image"):
        show_images([])
    with pytest.raises(ValueError, match="cannot hold 4"):
        show_images(edge_kernels, nrows=1, ncols=2)


def test_show_pixels():
    image = torch.arange(28 * 28, dtype=torch.float32).view(28, 28) / 1000
    styler = show_pixels(image, rows=slice(3, 6), cols=range(10, 14))
    assert isinstance(styler, pd.io.formats.style.Styler)
    assert styler.data.shape == (3, 4)
    assert styler.data.index.tolist() == [3, 4, 5] and styler.data.columns.tolist() == [
        10,
        11,
        12,
        13,
    ]
    html = styler.to_html()
    assert "0.10" in html and "background-color" in html  # 100/1000, shaded
    assert show_pixels(torch.zeros(1, 4, 4)).data.shape == (4, 4)


def test_show_pixels_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        show_pixels(torch.rand(3, 4, 4))
    with pytest.raises(TypeError, match="rows must be a slice or a range"):
        show_pixels(torch.rand(4, 4), rows=[1, 2])
    with pytest.raises(ValueError, match="select no pixel"):
        show_pixels(torch.rand(4, 4), cols=slice(10, 20))


def test_show_windows_outlines_each_window():
    from matplotlib.patches import Rectangle

    ax = show_windows(torch.rand(28, 28), [(1, 1), (26, 26)], labels=["first", "last"], grid=True)
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    # Window centred on (1, 1) covers pixels 0..2: from -0.5 to 2.5 in imshow coordinates.
    assert [(b.get_x(), b.get_y(), b.get_width()) for b in boxes] == [
        (-0.5, -0.5, 3),
        (24.5, 24.5, 3),
    ]
    assert [t.get_text() for t in ax.texts] == ["first", "last"]
    assert len(ax.collections) == 2  # the grid's vertical and horizontal lines


def test_show_windows_bad_arguments():
    with pytest.raises(ValueError, match="kernel_size must be an odd integer"):
        show_windows(torch.rand(5, 5), [(2, 2)], kernel_size=2)
    with pytest.raises(ValueError, match=r"centers must be \(row, col\) pairs"):
        show_windows(torch.rand(5, 5), [(2, 2, 2)])
    with pytest.raises(ValueError, match="one entry per window"):
        show_windows(torch.rand(5, 5), [(2, 2)], labels=["a", "b"])


def test_show_unfold_columns_are_the_windows():
    image = torch.rand(8, 8)
    axs = show_unfold(image, [(1, 1), (4, 6)])
    shown_cols = np.asarray(axs[1].images[0].get_array())
    assert shown_cols.shape == (9, 2)
    unfolded = torch.nn.functional.unfold(image[None], 3)  # (9, 36): columns 0 and 3*6 + 5
    assert np.allclose(shown_cols, unfolded[:, [0, 23]].numpy())
    assert [t.get_text() for t in axs[1].get_xticklabels()] == ["0", "23"]


def test_plot_timings_labels_ratios():
    ax = plot_timings({"loop": 2e-2, "im2col": 2e-4, "F.conv2d": 1e-5}, reference="F.conv2d")
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["10 µs  (reference)", "200 µs  (20× slower)", "20.00 ms  (2,000× slower)"]
    assert ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="reference='torch' is not one of"):
        plot_timings({"loop": 1.0}, reference="torch")


def test_plot_history_joins_runs():
    first = pd.DataFrame(
        {"train_loss": [1.0, 0.5], "valid_loss": [0.9, 0.6], "valid_accuracy": [0.7, 0.8]},
        index=pd.Index([1, 2], name="epoch"),
    )
    second = first.assign(valid_accuracy=[0.85, 0.9])
    loss_ax, acc_ax = plot_history(first, second)
    assert list(acc_ax.lines[0].get_xdata()) == [1, 2, 3, 4]
    assert list(acc_ax.lines[0].get_ydata()) == [0.7, 0.8, 0.85, 0.9]
    assert len(loss_ax.get_legend().get_texts()) == 2
    with pytest.raises(ValueError, match="at least one history"):
        plot_history()


def test_show_channels():
    from coursecode import show_channels

    image = torch.randint(0, 256, (3, 6, 5), dtype=torch.uint8)
    axs = show_channels(image)
    assert [ax.get_title() for ax in axs] == [
        "channel 0: red",
        "channel 1: green",
        "channel 2: blue",
    ]
    assert [ax.images[0].get_cmap().name for ax in axs] == [
        "black-red",
        "black-green",
        "black-blue",
    ]
    assert np.array_equal(np.asarray(axs[1].images[0].get_array()), image[1].numpy())
    with pytest.raises(ValueError, match=r"image must have shape \(3, H, W\)"):
        show_channels(torch.rand(6, 5))


def output_written(axs) -> float:
    (text,) = [t for t in axs[-1].texts if t.get_gid() == "output"]
    return float(text.get_text())


@pytest.mark.parametrize(
    "channels, side, bias",
    [(3, 3, 0.7), (3, 3, None), (1, 3, -2.0), (4, 5, 0.0), (3, 1, None), (2, 2, 1.5)],
)
def test_show_kernel_on_channels_writes_conv2d_output(channels, side, bias):
    from coursecode.plotting import show_kernel_on_channels

    gen = torch.Generator().manual_seed(channels * 10 + side)
    x = torch.rand(1, channels, 10, 9, generator=gen)
    weight = torch.randn(2, channels, side, side, generator=gen)
    row, col = 4, 3
    patch = x[0, :, row : row + side, col : col + side]
    axs = show_kernel_on_channels(
        patch, weight[1], bias=None if bias is None else torch.tensor(bias)
    )
    assert len(axs) == channels * 4 + 1
    # Each row: the patch slice, the kernel slice and their product, as numbers.
    for c in range(channels):
        patch_ax, kernel_ax, product_ax, _ = axs[4 * c : 4 * c + 4]
        assert np.allclose(shown(patch_ax), patch[c].numpy())
        assert np.allclose(shown(kernel_ax), weight[1, c].numpy())
        assert np.allclose(shown(product_ax), (patch[c] * weight[1, c]).numpy(), atol=1e-6)
        assert len(product_ax.texts) == side * side
    biases = None if bias is None else torch.tensor([0.0, bias])
    expected = F.conv2d(x, weight, biases)[0, 1, row, col].item()
    assert output_written(axs) == pytest.approx(expected, abs=0.005 + 1e-6)
    written_sums = [float(ax.texts[0].get_text().split()[-1]) for ax in axs[3:-1:4]]
    assert written_sums == pytest.approx((patch * weight[1]).sum((1, 2)).tolist(), abs=0.005 + 1e-6)


def test_show_kernel_on_channels_names_and_decimals():
    from coursecode.plotting import show_kernel_on_channels

    axs = show_kernel_on_channels(
        torch.full((3, 3, 3), 0.5), torch.ones(3, 3, 3), bias=-0.25, decimals=3
    )
    assert [ax.get_ylabel() for ax in axs[0:12:4]] == ["red", "green", "blue"]
    assert [ax.get_title() for ax in axs[:4]] == [
        "image patch",
        "kernel slice",
        "product",
        "its sum",
    ]
    assert output_written(axs) == 13.25
    assert axs[-1].texts[0].get_text().startswith("red + green + blue + bias:")
    assert "4.500 + 4.500 + 4.500 + (-0.250)" in axs[-1].texts[0].get_text()
    axs = show_kernel_on_channels(np.zeros((2, 3, 3)), -np.ones((2, 3, 3)), names=["x", "y"])
    assert [ax.get_ylabel() for ax in axs[0:8:4]] == ["x", "y"]
    assert output_written(axs) == 0 and axs[-1].texts[-1].get_text() == "0.00"  # never "-0.00"
    assert {t.get_text() for t in axs[2].texts} == {"0.00"}  # the products, 0 × -1


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (
            ("patch", torch.ones(3, 3, 3)),
            {},
            TypeError,
            "patch must be a tensor or an array of real",
        ),
        (
            (torch.ones(3, 3, 3), torch.ones(3, 3, 3, dtype=torch.bool)),
            {},
            TypeError,
            "kernel must",
        ),
        (
            (torch.ones(3, 3, 3), torch.ones(3, 3, 3)),
            {"bias": "b"},
            TypeError,
            "bias must be a tensor",
        ),
        (
            (torch.ones(3, 3), torch.ones(3, 3)),
            {},
            ValueError,
            r"patch must have shape \(C, k, k\)",
        ),
        (
            (torch.ones(3, 3, 3), torch.ones(1, 3, 3, 3)),
            {},
            ValueError,
            r"kernel must have shape \(C, k, k\).*got \(1, 3, 3, 3\)",
        ),
        (
            (torch.ones(3, 3, 3), torch.ones(3, 2, 2)),
            {},
            ValueError,
            r"same shape.*patch \(3, 3, 3\) and kernel \(3, 2, 2\)",
        ),
        ((torch.ones(3, 7, 7), torch.ones(3, 7, 7)), {}, ValueError, "sides of 1 to 5"),
        (
            (torch.ones(3, 3, 3), torch.ones(3, 3, 3)),
            {"bias": torch.ones(2)},
            ValueError,
            r"bias must be one number.*got shape \(2,\)",
        ),
        (
            (torch.ones(3, 3, 3), torch.ones(3, 3, 3)),
            {"names": ["r", "g"]},
            ValueError,
            "3 channels, 2 names",
        ),
        (
            (torch.ones(3, 3, 3), torch.ones(3, 3, 3)),
            {"decimals": 2.0},
            ValueError,
            "decimals must be an integer",
        ),
        (
            (torch.full((3, 3, 3), float("nan")), torch.ones(3, 3, 3)),
            {},
            ValueError,
            "patch must hold finite numbers",
        ),
    ],
)
def test_show_kernel_on_channels_bad_input(args, kwargs, error, match):
    from coursecode.plotting import show_kernel_on_channels

    with pytest.raises(error, match=match):
        show_kernel_on_channels(*args, **kwargs)


# Bad input: a clear error that names the argument, never a wrong picture or a hang (issue 16).


def test_show_image_refuses_nan_rather_than_drawing_black():
    image = torch.rand(3, 8, 8)
    image[0, 2, 3] = float("nan")
    with pytest.raises(ValueError, match=r"image must hold finite numbers, got 1 NaN"):
        show_image(image)
    with pytest.raises(ValueError, match=r"images\[1\] must hold finite numbers"):
        show_images([torch.rand(4, 4), torch.full((4, 4), float("inf"))])
    with pytest.raises(ValueError, match="image must hold finite numbers"):
        show_pixels(torch.tensor([[0.0, float("nan")]]))
    with pytest.raises(ValueError, match="image must hold finite numbers"):
        show_windows(torch.full((5, 5), float("nan")), [(2, 2)])
    with pytest.raises(ValueError, match="image must hold finite numbers"):
        show_unfold(torch.full((5, 5), float("-inf")), [(2, 2)])
    from coursecode import show_channels

    with pytest.raises(ValueError, match="image must hold finite numbers"):
        show_channels(image)
    with pytest.raises(ValueError, match="image must have at least one pixel"):
        show_image(torch.rand(0, 5))


def test_show_images_refuses_absurd_grids_before_drawing():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with pytest.raises(ValueError, match=r"nrows × ncols must be at most 256 axes.*60×60 = 3600"):
        show_images([torch.rand(4, 4)], nrows=60, ncols=60)
    with pytest.raises(ValueError, match="4 empty axes for 5 images"):
        show_images(torch.rand(5, 4, 4), nrows=3, ncols=3)
    with pytest.raises(ValueError, match="images must hold at most 256 images"):
        show_images(torch.zeros(300, 1, 2, 2))
    assert plt.get_fignums() == before  # nothing was drawn
    with pytest.raises(TypeError, match="nrows must be an integer"):
        show_images([torch.rand(4, 4)], nrows=1.5)
    with pytest.raises(ValueError, match="ncols must be an integer >= 1"):
        show_images([torch.rand(4, 4)], ncols=0)
    with pytest.raises(ValueError, match=r"figsize must be a pair .* from 0 to 100 inches"):
        show_images([torch.rand(4, 4)], figsize=(1e6, 2))
    with pytest.raises(TypeError, match="images must be a list of images"):
        show_images(3)
    with pytest.raises(ValueError, match=r"images must be .* got shape \(28, 28\)"):
        show_images(torch.rand(28, 28))
    assert len(show_images([torch.rand(4, 4)], nrows=np.int64(1), ncols=np.int64(2))) == 2


def test_show_windows_refuses_windows_outside_the_image():
    with pytest.raises(
        ValueError,
        match=r"centers\[1\] = \(0, 2\) puts a 3×3 window outside "
        r"the 5×6 image: centers must have rows from 1 to 3",
    ):
        show_windows(torch.rand(5, 6), [(2, 2), (0, 2)])
    with pytest.raises(ValueError, match=r"outside the 5×5 image"):
        show_windows(torch.rand(5, 5), [(2, 2)], kernel_size=7)
    with pytest.raises(TypeError, match=r"centers\[0\]\[1\] \(a column\) must be an integer"):
        show_windows(torch.rand(5, 5), [(2, 2.5)])
    with pytest.raises(TypeError, match="centers must be a list of"):
        show_windows(torch.rand(5, 5), 3)
    with pytest.raises(TypeError, match="kernel_size must be an odd integer"):
        show_windows(torch.rand(5, 5), [(2, 2)], kernel_size="3")


def test_show_windows_accepts_numpy_integers():
    ax = show_windows(torch.rand(7, 7), [(np.int64(3), np.int32(2))], kernel_size=np.int64(3))
    assert [(p.get_x(), p.get_y(), p.get_width()) for p in ax.patches] == [(0.5, 1.5, 3)]
    ax = show_windows(torch.rand(7, 7), np.array([[1, 1], [5, 5]]))
    assert len(ax.patches) == 2


def test_show_windows_names_too_few_colors():
    with pytest.raises(
        ValueError, match="colors must have one color per window: 2 windows, 1 colors"
    ):
        show_windows(torch.rand(5, 5), [(1, 1), (3, 3)], colors=["red"])
    with pytest.raises(ValueError, match=r"colors\[0\] must be a matplotlib color"):
        show_windows(torch.rand(5, 5), [(1, 1)], colors=["not-a-colour"])


def test_show_unfold_refuses_a_window_past_the_last_column():
    # Centre (6, 7) of an 8×8 image: a 3×3 window cut to 6 pixels, once labelled column 36
    # of the 36 columns (0 to 35) that unfold makes.
    with pytest.raises(
        ValueError, match=r"centers\[0\] = \(6, 7\) puts a 3×3 window outside the 8×8"
    ):
        show_unfold(torch.rand(8, 8), [(6, 7)])
    with pytest.raises(ValueError, match="centers must hold at least 1"):
        show_unfold(torch.rand(8, 8), [])
    with pytest.raises(ValueError, match="kernel_size must fit in the 4×4 image"):
        show_unfold(torch.rand(4, 4), [(2, 2)], kernel_size=5)
    # The last window that fits is the last column, 35, on the image's own grey scale.
    image = torch.rand(8, 8) * 5
    axs = show_unfold(image, [(np.int64(6), 6)])
    assert [t.get_text() for t in axs[1].get_xticklabels()] == ["35"]
    assert np.allclose(
        shown(axs[1])[:, 0], torch.nn.functional.unfold(image[None], 3)[:, 35].numpy()
    )
    assert axs[1].images[0].get_clim() == pytest.approx((image.min().item(), image.max().item()))


@pytest.mark.parametrize(
    "times, reference, error, match",
    [
        ([1.0], "a", TypeError, "times must be a dict"),
        ({}, "a", ValueError, "times must hold at least one timing"),
        ({"a": 0.0, "b": 1.0}, "a", ValueError, r"times\['a'\] must be a positive, finite"),
        ({"a": float("nan")}, "a", ValueError, r"times\['a'\] must be a positive"),
        ({"a": 1.0, "b": float("inf")}, "a", ValueError, r"times\['b'\] must be a positive"),
        ({"a": "1 s"}, "a", TypeError, r"times\['a'\] must be a number"),
        ({"a": 1.0}, ["a"], ValueError, "reference=.* is not one of the timed names"),
    ],
)
def test_plot_timings_bad_input(times, reference, error, match):
    with pytest.raises(error, match=match):
        plot_timings(times, reference)


def test_plot_history_bad_input():
    good = pd.DataFrame({"train_loss": [1.0], "valid_loss": [0.9], "valid_accuracy": [0.7]})
    with pytest.raises(TypeError, match=r"histories\[1\] must be a pandas DataFrame"):
        plot_history(good, {"train_loss": [1.0]})
    with pytest.raises(
        ValueError, match=r"histories\[0\] must have the columns.*missing \['valid_accuracy'\]"
    ):
        plot_history(good.drop(columns="valid_accuracy"))
    with pytest.raises(ValueError, match=r"histories\[0\] must hold at least one epoch"):
        plot_history(good.iloc[:0])
    with pytest.raises(
        ValueError, match=r"histories\[0\] must hold finite numbers, got nan in train_loss"
    ):
        plot_history(good.assign(train_loss=[float("nan")]))
    with pytest.raises(ValueError, match="figsize must be a pair"):
        plot_history(good, figsize=(0, 2))


def test_show_channels_and_kernel_diagram_bad_input():
    from coursecode import show_channels
    from coursecode.plotting import show_kernel_on_channels

    with pytest.raises(ValueError, match=r"names\[1\] must be a matplotlib color"):
        show_channels(torch.rand(3, 4, 4), names=["red", "grean", "blue"])
    with pytest.raises(TypeError, match="names must be a list"):
        show_channels(torch.rand(3, 4, 4), names="rgb")
    with pytest.raises(TypeError, match="image must be a tensor"):
        show_channels("photo.png")
    assert len(show_channels(torch.rand(1, 4, 4), names=["red"])) == 1
    axs = show_kernel_on_channels(torch.ones(1, 2, 2), torch.ones(1, 2, 2), decimals=np.int64(1))
    assert output_written(axs) == 4.0
    with pytest.raises(ValueError, match="figsize must be a pair"):
        show_kernel_on_channels(torch.ones(1, 2, 2), torch.ones(1, 2, 2), figsize=(-1, 2))
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        show_image(torch.rand(3, 3), ax="left")


# Readable numbers for every reader (issue 18): each number written on a shaded cell, in a
# pixel table or a diagram, contrasts with its shade by at least 4.5:1 (WCAG AA, small text),
# and signed values are shaded blue/red, never red/green.


def test_contrast_ratio_and_readable_text_color_match_wcag():
    from coursecode._drawing import contrast_ratio as _contrast_ratio
    from coursecode._drawing import readable_text_color as _readable_text_color

    # Known WCAG 2.x values (WebAIM's contrast checker gives the same).
    assert _contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast_ratio("white", "black") == pytest.approx(21.0)  # the order does not matter
    assert _contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.005)
    assert _contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.005)
    assert _contrast_ratio("#808080", "#ffffff") == pytest.approx(3.95, abs=0.005)
    assert _contrast_ratio("#0000ff", "#ffffff") == pytest.approx(8.59, abs=0.005)
    assert _contrast_ratio("#ff0000", "#000000") == pytest.approx(5.25, abs=0.005)
    assert _contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert _contrast_ratio((0.5, 0.5, 0.5, 0.3), "#808080") == pytest.approx(1.0, abs=0.01)
    # What pandas' background_gradient wrote on the greys axe-core flagged: below 4.5.
    for grey, below in (("#808080", 3.5), ("#888888", 3.14), ("#9a9a9a", 2.49), ("#a8a8a8", 2.11)):
        assert _contrast_ratio("#f1f1f1", grey) == pytest.approx(below, abs=0.01)
        assert _readable_text_color(grey) == "#000000"
    assert _readable_text_color("#000000") == _readable_text_color("#595959") == "#ffffff"
    assert _readable_text_color("white") == _readable_text_color("#ff0000") == "#000000"
    assert _readable_text_color("#0000ff") == "#ffffff"
    # Black or white always reaches about 4.58:1, whatever the background (all 8-bit greys,
    # and random colors).
    greys = [f"#{v:02x}{v:02x}{v:02x}" for v in range(256)]
    colors = [tuple(c) for c in np.random.default_rng(18).random((2000, 3))]
    worst = min(_contrast_ratio(_readable_text_color(c), c) for c in greys + colors)
    assert 4.58 <= worst < 4.6


def cell_contrasts(styler) -> dict[str, float]:
    """Each data cell's text-on-background contrast, read from the Styler's HTML (the CSS rules
    in its <style>, applied to each <td> by id, later declarations winning)."""
    from coursecode._drawing import contrast_ratio as _contrast_ratio

    html = styler.to_html()
    (css,) = re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S)
    props: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = [d.split(":", 1) for d in body.split(";") if d.strip()]
        for selector in selectors.split(","):
            cell = props.setdefault(selector.strip(), {})
            cell.update({name.strip(): value.strip() for name, value in declarations})
    cells = re.findall(r'<td id="([^"]+)" class="data [^"]*"', html)
    assert len(cells) == styler.data.size
    contrasts = {}
    for cell in cells:
        style = props[f"#{cell}"]
        contrasts[cell] = _contrast_ratio(style["color"], style["background-color"])
    return contrasts


@pytest.mark.parametrize(
    "image",
    [
        torch.linspace(0, 1, 256).view(16, 16),  # every grey, finely
        torch.linspace(0, 1, 10_000).view(100, 100),  # the most cells a table may hold
        torch.rand(28, 28, generator=torch.Generator().manual_seed(18)),
        torch.randn(12, 12, generator=torch.Generator().manual_seed(7)) * 3,  # a feature map
        torch.arange(256, dtype=torch.uint8).view(16, 16),  # integers 0..255
        torch.randint(0, 256, (20, 20), generator=torch.Generator().manual_seed(3)),
        torch.zeros(3, 3),
        torch.tensor([[0.0, 0.5], [0.5, 1.0]]),  # mid grey #808080, once light grey text
    ],
)
def test_show_pixels_every_number_meets_wcag_aa(image):
    contrasts = cell_contrasts(show_pixels(image))
    worst = min(contrasts, key=contrasts.get)
    assert contrasts[worst] >= 4.5, f"{worst}: {contrasts[worst]:.2f}:1"


def test_show_pixels_keeps_its_shades_and_its_html_is_the_same_every_run():
    image = torch.linspace(0, 1, 256).view(16, 16) ** 2
    styler = show_pixels(image)
    html = styler.to_html()
    # The shades pandas' background_gradient gave (min black, max white), only the text color
    # chosen anew.
    gradient = pd.DataFrame(image.numpy()).style.background_gradient(cmap="gray", axis=None)
    gradient._compute()
    expected = {
        (r, c): dict(gradient.ctx[r, c])["background-color"] for r in range(16) for c in range(16)
    }
    styler._compute()
    shown_shades = {key: dict(props)["background-color"] for key, props in styler.ctx.items()}
    assert shown_shades == expected
    assert "#000000" in shown_shades.values() and "#ffffff" in shown_shades.values()
    assert "f1f1f1" not in html
    # The same input gives the same HTML (nbval compares the lesson's table).
    assert show_pixels(image.clone()).to_html() == html
    assert html.count("font-size: 7pt") == html.count("background-color")  # one rule per shade
    assert html.count("background-color") <= 256


def numbers_and_shades(ax):
    """(text color, the color of the cell it is written on) for each number of a diagram."""
    image = ax.images[0]
    values = np.asarray(image.get_array())
    pairs = []
    for text in ax.texts:
        if text.get_transform() != ax.transData:
            continue  # the "×" or "=" beside the axes
        col, row = (round(v) for v in text.get_position())
        pairs.append((text.get_color(), image.cmap(image.norm(values[row, col]))))
    assert len(pairs) == values.size
    return pairs


@pytest.mark.parametrize("names", [None, ["x", "y", "z"]])  # channel colors; gray
def test_show_kernel_on_channels_numbers_meet_wcag_aa(names):
    from coursecode._drawing import contrast_ratio as _contrast_ratio
    from coursecode.plotting import show_kernel_on_channels

    gen = torch.Generator().manual_seed(18)
    # Patches spanning 0..1 finely; kernels whose values sweep the whole blue-white-red map.
    patch = torch.linspace(0, 1, 3 * 5 * 5).view(3, 5, 5)
    kernel = torch.linspace(-1, 1, 3 * 5 * 5)[torch.randperm(75, generator=gen)].view(3, 5, 5)
    axs = show_kernel_on_channels(patch, kernel, names=names)
    cmaps = set()
    for c in range(3):
        for ax in axs[4 * c : 4 * c + 3]:  # patch, kernel, product
            cmaps.add(ax.images[0].get_cmap().name)
            for text_color, shade in numbers_and_shades(ax):
                assert _contrast_ratio(text_color, shade) >= 4.5, (ax.get_title(), shade)
    assert "bwr" in cmaps and ("gray" in cmaps) == (names is not None)


def test_write_cells_numbers_meet_wcag_aa_on_every_shade():
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    from coursecode._drawing import contrast_ratio as _contrast_ratio
    from coursecode.figures import _write_cells

    values = np.linspace(-1, 1, 401).reshape(1, -1)
    for cmap in ("bwr", "RdBu", "gray"):
        _, ax = plt.subplots()
        _write_cells(ax, values, plt.get_cmap(cmap), Normalize(-1, 1), decimals=2)
        worst = min(_contrast_ratio(text, shade) for text, shade in numbers_and_shades(ax))
        assert worst >= 4.5, cmap
        plt.close(ax.figure)


def test_signed_values_are_shaded_blue_to_red_never_red_green():
    import matplotlib.pyplot as plt

    from coursecode._drawing import SIGNED_CMAP as _SIGNED_CMAP
    from coursecode.plotting import show_kernel_on_channels

    assert _SIGNED_CMAP in ("bwr", "RdBu_r", "seismic", "coolwarm")
    low, middle, high = (plt.get_cmap(_SIGNED_CMAP)(v)[:3] for v in (0.0, 0.5, 1.0))
    assert low[2] > max(low[:2]) and high[0] > max(high[1:])  # negative blue, positive red
    assert min(middle) > 0.85  # zero near white
    axs = show_kernel_on_channels(torch.rand(3, 3, 3), torch.randn(3, 3, 3))
    for c in range(3):
        kernel_ax, product_ax = axs[4 * c + 1 : 4 * c + 3]
        assert kernel_ax.images[0].get_cmap().name == _SIGNED_CMAP
        assert product_ax.images[0].get_cmap().name == _SIGNED_CMAP


# One convention in every figure: an image in [0, 1] is grey, 0 black and 1 white, with no
# colour bar; a map of other values carries a colour bar, grey from 0 when it has no negative
# value and blue-white-red, symmetric about 0, when it has.


def colorbars(fig) -> list:
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def scale_of(ax) -> tuple[str, float, float]:
    image = ax.images[-1]
    return (image.get_cmap().name, *image.get_clim())


def test_an_image_in_0_1_is_grey_from_black_to_white_without_a_bar():
    ax = show_image(torch.full((4, 4), 0.5))  # all mid-grey, not stretched to white
    assert scale_of(ax) == ("gray", 0, 1) and not colorbars(ax.figure)
    bytes_ = torch.tensor([[3, 200]], dtype=torch.uint8)
    ax = show_image(bytes_)
    assert scale_of(ax) == ("gray", 0, 255) and not colorbars(ax.figure)


def test_a_map_gets_its_scale_and_a_colour_bar():
    relu_map = torch.tensor([[0.0, 2.0], [1.0, 3.5]])
    ax = show_image(relu_map)
    assert scale_of(ax) == ("gray", 0, 3.5) and len(colorbars(ax.figure)) == 1
    signed = torch.tensor([[-1.0, 0.0], [0.5, 3.0]])
    ax = show_image(signed)
    assert scale_of(ax) == ("bwr", -3.0, 3.0) and len(colorbars(ax.figure)) == 1
    ax = show_image(top_edge, cmap="bwr", vmin=-1, vmax=1)  # a chosen scale: explained too
    assert scale_of(ax) == ("bwr", -1, 1) and len(colorbars(ax.figure)) == 1
    assert not colorbars(show_image(signed, colorbar=False).figure)
    assert len(colorbars(show_image(torch.rand(3, 3), colorbar=True).figure)) == 1
    with pytest.raises(TypeError, match="colorbar must be True, False or None"):
        show_image(signed, colorbar="yes")


def test_a_grid_shares_one_scale_for_its_maps_and_keeps_images_grey():
    digit = torch.rand(6, 6)
    maps = [torch.tensor([[-1.0, 0.5]]), torch.tensor([[0.0, 2.0]])]
    axs = show_images([digit, *maps], nrows=1)
    assert scale_of(axs[0]) == ("gray", 0, 1)
    assert scale_of(axs[1]) == scale_of(axs[2]) == ("bwr", -2.0, 2.0)
    assert len(colorbars(axs[0].figure)) == 1
    axs = show_images([digit, digit / 2])  # images only: no bar
    assert not colorbars(axs[0].figure)
    axs = show_images([torch.rand(3, 3), torch.rand(3, 3) * 5], cmap="magma")
    assert scale_of(axs[0])[1:] == scale_of(axs[1])[1:] and len(colorbars(axs[0].figure)) == 1


def test_pixel_tables_and_unfolded_columns_use_the_0_1_grey_scale():
    image = torch.full((3, 3), 0.5)
    image[0, 0] = 0.99
    css = show_pixels(image).to_html()
    assert "background-color: #fcfcfc" in css.lower() or "#fdfdfd" in css.lower()
    assert "background-color: #ffffff" not in css.lower()  # 0.99 is not stretched to white
    axs = show_unfold(image, [(1, 1)])
    assert axs[1].images[0].get_clim() == (0.0, 1.0)


def test_channels_share_one_scale():
    from coursecode import show_channels

    image = torch.zeros(3, 2, 2, dtype=torch.uint8)
    image[0, 0, 0] = 100  # a dim red must not be stretched to full red
    axs = show_channels(image)
    assert [ax.images[0].get_clim() for ax in axs] == [(0, 255)] * 3
    assert not colorbars(axs[0].figure)


def test_a_stack_is_one_kind_of_thing_on_one_scale():
    # Learned kernels, some all positive and under 1: one tensor, so one signed scale for all.
    kernels = torch.stack([torch.full((3, 3), 0.5), torch.tensor([[-1.0, 2.0, 0.0]] * 3)])
    axs = show_images(kernels, nrows=1)
    assert scale_of(axs[0]) == scale_of(axs[1]) == ("bwr", -2.0, 2.0)
    digits = torch.rand(2, 4, 4)  # a batch of images stays an image batch
    axs = show_images(digits, nrows=1)
    assert scale_of(axs[0]) == ("gray", 0, 1) and not colorbars(axs[0].figure)


def test_window_outlines_stand_out_on_black_for_every_reader():
    from coursecode._drawing import contrast_ratio as _contrast_ratio

    axs = show_unfold(torch.zeros(9, 9), [(1, 1), (4, 4), (7, 7)])
    edges = [patch.get_edgecolor() for patch in axs[0].patches]
    assert len(set(map(tuple, edges))) == 3
    ax = show_windows(torch.zeros(9, 9), [(1, 1), (4, 4), (7, 7)], labels=["a", "b", "c"])
    for patch, text in zip(ax.patches, ax.texts):
        assert _contrast_ratio(patch.get_edgecolor(), "black") >= 4.5
        assert _contrast_ratio(text.get_color(), "black") >= 4.5


def test_window_labels_read_on_the_white_stroke_too():
    """Sky blue and yellow are pale on white: each label has a black outline, so it reads on a
    digit's stroke as on its background."""
    from matplotlib.patheffects import withStroke

    ax = show_windows(torch.ones(9, 9), [(1, 1), (4, 4)], labels=["above", "inside"])
    for text in ax.texts:
        (outline,) = text.get_path_effects()
        assert isinstance(outline, withStroke)
        assert outline._gc["foreground"] == "black" and outline._gc["linewidth"] >= 2
