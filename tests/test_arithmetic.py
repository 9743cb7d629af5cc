"""Conv arithmetic: output size, same padding, receptive fields, per-layer shapes."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from coursecode import conv_out_size
from coursecode import layer_shapes
from coursecode import receptive_field
from coursecode import same_padding
from coursecode import simple_cnn
from strategies import both
from strategies import conv_settings


@given(settings=conv_settings(max_size=40))
def test_conv_out_size_matches_pytorch(settings):
    size, kernel, stride, padding, dilation = settings
    out = F.conv2d(torch.zeros(1, 1, *both(size)), torch.zeros(1, 1, *both(kernel)),
                   stride=stride, padding=padding, dilation=dilation)
    got = conv_out_size(size, kernel, stride, padding, dilation)
    assert both(got) == tuple(out.shape[-2:])
    all_ints = not any(isinstance(a, tuple) for a in settings)
    assert isinstance(got, int) == all_ints


@pytest.mark.parametrize("args, kwargs, expected", [
    ((28, 3), {}, 26),
    ((28, 3), {"padding": 1}, 28),
    ((28, 3), {"stride": 2, "padding": 1}, 14),
    ((7, 3), {"stride": 2, "padding": 1}, 4),
    ((5, 3), {"dilation": 2}, 1),
    ((512, 5), {"stride": 2}, 254),
    (((28, 20), (3, 5)), {"padding": (1, 2)}, (28, 20)),
    (((28, 28), 3), {}, (26, 26)),
])
def test_conv_out_size_cases(args, kwargs, expected):
    assert conv_out_size(*args, **kwargs) == expected


@pytest.mark.parametrize("kwargs, error, match", [
    ({"size": 5, "kernel_size": 7}, ValueError, r"kernel_size=7 is larger than the padded input \(5 \+ 2\*0 = 5\)"),
    ({"size": 5, "kernel_size": 3, "stride": 0}, ValueError, "stride must be an integer >= 1, got 0"),
    ({"size": 5, "kernel_size": 3, "padding": -2}, ValueError, "padding must be an integer >= 0"),
    ({"size": 0, "kernel_size": 3}, ValueError, "size must be an integer >= 1"),
    ({"size": 5, "kernel_size": 3, "dilation": 0}, ValueError, "dilation must be an integer >= 1"),
    ({"size": 5.5, "kernel_size": 3}, TypeError, "size must be an integer"),
    ({"size": 5, "kernel_size": "3"}, TypeError, "kernel_size must be an integer"),
    ({"size": (5, 4), "kernel_size": (3, 5)}, ValueError, r"larger than the padded input width \(4 \+ 2\*0 = 4\)"),
])
def test_conv_out_size_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        conv_out_size(**kwargs)


@given(n=st.integers(1, 30), k=st.sampled_from([1, 3, 5, 7]), d=st.integers(1, 3))
def test_same_padding_keeps_size(n, k, d):
    p = same_padding(k, d)
    if d * (k - 1) + 1 <= n + 2 * p:
        assert conv_out_size(n, k, 1, p, d) == n


def test_same_padding_cases_and_errors():
    assert same_padding(3) == 1 and same_padding(7) == 3 and same_padding((1, 5)) == (0, 2)
    assert same_padding(2, dilation=2) == 1  # a dilated even kernel spans an odd 3 pixels
    with pytest.raises(ValueError, match="kernel_size=4 with dilation=1 spans an even 4 pixels"):
        same_padding(4)
    with pytest.raises(ValueError, match="kernel_size must be an integer >= 1"):
        same_padding(0)


# --- receptive fields --------------------------------------------------------------------

def fields(layers, **kwargs):
    table = receptive_field(layers, **kwargs)
    return list(zip(table["size"], table["jump"], table["start"]))


def test_receptive_field_hand_derived():
    # Two stride-2 3×3 convolutions see 7×7.
    assert fields([(3, 2, 1), (3, 2, 1)]) == [(3, 2, 0), (7, 4, 0)]
    # Three stride-1 3×3 convolutions see 7×7 as well; without padding the first centre moves in.
    assert fields([(3, 1, 0)] * 3) == [(3, 1, 1), (5, 1, 2), (7, 1, 3)]
    # A dilated 3×3 spans 5 pixels.
    assert fields([(3, 1, 0, 2)]) == [(5, 1, 2)]
    # 2×2 max-pool, then a 3×3 conv: centres fall between pixels.
    assert fields([(2, 2, 0), (3, 1, 0)]) == [(2, 2, 0.5), (6, 2, 2.5)]
    # AlexNet's first conv and pool: 11×11 stride 4 padding 2, then 3×3 stride 2.
    assert fields([(11, 4, 2), (3, 2, 0)]) == [(11, 4, 3), (19, 8, 7)]


def test_receptive_field_of_simple_cnn():
    table = receptive_field(simple_cnn(), input_size=28)
    assert table["size"].tolist() == [3, 7, 15, 31, 63]
    assert table["jump"].tolist() == [2, 4, 8, 16, 32]
    assert table["output"].tolist() == [14, 7, 4, 2, 1]
    # Its layers sit inside five Sequentials: the names count Conv2d layers, not paths.
    assert table["layer"].tolist() == [f"Conv2d {i}" for i in range(1, 6)]


def test_receptive_field_walks_modules():
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding="same"), nn.BatchNorm2d(8), nn.ReLU(), nn.Dropout2d(0.1),
        nn.MaxPool2d(2), nn.Sequential(nn.Conv2d(8, 8, (3, 5), stride=(1, 2), dilation=2)),
        nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10),
    )
    table = receptive_field(model)
    assert table["layer"].tolist() == ["Conv2d 1", "MaxPool2d 1", "Conv2d 2", "AvgPool2d 1"]
    assert table["kernel"].tolist()[2] == (3, 5)
    assert table["size"].tolist() == [3, 4, (12, 20), (14, 24)]
    assert fields(model) == fields([(3, 1, 1), (2, 2, 0), ((3, 5), (1, 2), 0, 2), (2, 2, 0)])


def test_receptive_field_layer_names():
    # One number per class, in the order of the walk, however deep the nesting.
    deep = nn.Sequential(
        nn.Sequential(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU()), nn.MaxPool2d(2)),
        nn.Conv2d(2, 2, 3),
        nn.Sequential(nn.MaxPool2d(2), nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(2, 2, 1))),
    )
    names = receptive_field(deep)["layer"].tolist()
    assert names == ["Conv2d 1", "MaxPool2d 1", "Conv2d 2", "MaxPool2d 2", "AvgPool2d 1",
                     "Conv2d 3"]
    # A bare layer is a model of one layer.
    assert receptive_field(nn.MaxPool2d(3))["layer"].tolist() == ["MaxPool2d 1"]
    # A list of tuples: layer 1, layer 2, ...
    assert receptive_field([(3, 1, 1)] * 3)["layer"].tolist() == ["layer 1", "layer 2", "layer 3"]


def test_receptive_field_counts_a_reused_layer_each_time():
    # The same Conv2d twice in a Sequential runs twice: 3×3 then 5×5, like two layers.
    conv = nn.Conv2d(1, 1, 3)
    with torch.no_grad():
        conv.weight.fill_(0.1)  # positive: no path cancels another
    table = receptive_field(nn.Sequential(conv, nn.ReLU(), conv))
    assert table["layer"].tolist() == ["Conv2d 1", "Conv2d 2"]
    assert fields(nn.Sequential(conv, nn.ReLU(), conv)) == fields([(3, 1, 0)] * 2)
    x = torch.zeros(1, 1, 9, 9, requires_grad=True)
    nn.Sequential(conv, conv)(x)[0, 0, 2, 2].backward()
    assert torch.nonzero(x.grad[0, 0].sum(1)).flatten().tolist() == list(range(2, 7))


def test_receptive_field_errors():
    with pytest.raises(ValueError, match="does not know how Upsample"):
        receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.Upsample(scale_factor=2)))
    with pytest.raises(TypeError, match="layers must be an nn.Module or a list"):
        receptive_field("vgg16")
    with pytest.raises(TypeError, match=r"layers\[1\] must be a tuple"):
        receptive_field([(3, 1, 1), 3])
    with pytest.raises(ValueError, match=r"layers\[0\] stride must be an integer >= 1"):
        receptive_field([(3, 0, 1)])
    with pytest.raises(ValueError, match="larger than the padded input"):
        receptive_field([(3, 2, 0)] * 3, input_size=8)


@st.composite
def layer_stacks(draw):
    return draw(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
                                   st.integers(1, 2)), min_size=1, max_size=4))


@given(layers=layer_stacks(), which=st.sampled_from(["first", "middle", "last"]))
def test_receptive_field_matches_gradient(layers, which):
    """The input pixels with a non-zero gradient span exactly the computed field.

    All weights are positive, so nothing cancels. A field that reaches past the image
    edge is clipped (and padding in between may cut it further): then the pixels found
    must still lie inside the computed field.
    """
    n = 64
    table = receptive_field(layers)
    x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, p, d in layers:
        if d * (k - 1) + 1 > y.shape[-1] + 2 * p:
            return  # the input shrank too much for this stack: nothing to check
        y = F.conv2d(y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, padding=p, dilation=d)
    i = {"first": 0, "middle": y.shape[-1] // 2, "last": y.shape[-1] - 1}[which]
    y[0, 0, i, i].backward()
    rows = torch.nonzero(x.grad[0, 0].sum(1)).flatten().tolist()
    cols = torch.nonzero(x.grad[0, 0].sum(0)).flatten().tolist()
    assert rows == cols  # square layers: the same along both axes
    centre = table["start"].iloc[-1] + i * table["jump"].iloc[-1]
    half = (table["size"].iloc[-1] - 1) / 2
    first, last = centre - half, centre + half
    if 0 <= first and last <= n - 1:
        assert (rows[0], rows[-1]) == (first, last)
    else:
        assert all(first <= r <= last for r in rows)


# --- layer shapes ------------------------------------------------------------------------

def test_layer_shapes_of_simple_cnn():
    table = layer_shapes(simple_cnn(), (1, 1, 28, 28))
    assert table["output shape"].tolist() == [
        (1, 4, 14, 14), (1, 8, 7, 7), (1, 16, 4, 4), (1, 16, 2, 2), (1, 10, 1, 1), (1, 10)]
    assert table["parameters"].tolist() == [40, 296, 1168, 2320, 1450, 0]
    assert table["layer"].iloc[0] == "Conv2d(1→4, k=3, s=2, p=1) + ReLU"


def test_layer_shapes_single_module_and_errors():
    assert layer_shapes(nn.Conv2d(3, 2, 5), (4, 3, 9, 9))["output shape"].tolist() == [(4, 2, 5, 5)]
    with pytest.raises(ValueError, match=r"cannot take an input of shape \(1, 3, 28, 28\)"):
        layer_shapes(simple_cnn(), (1, 3, 28, 28))
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        layer_shapes("cnn", (1, 1, 28, 28))
    with pytest.raises(TypeError, match="input_shape must be a tuple of ints"):
        layer_shapes(simple_cnn(), 28)
    with pytest.raises(ValueError, match=r"input_shape\[0\] must be an integer >= 1"):
        layer_shapes(simple_cnn(), (0, 1, 28, 28))
