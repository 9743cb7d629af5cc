"""Model inspection: receptive fields and per-layer shapes (coursecode.inspection)."""

import importlib

import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from coursecode import layer_shapes
from coursecode import receptive_field
from coursecode import simple_cnn

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
        nn.Conv2d(3, 8, 3, padding="same"),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.Dropout2d(0.1),
        nn.MaxPool2d(2),
        nn.Sequential(nn.Conv2d(8, 8, (3, 5), stride=(1, 2), dilation=2)),
        nn.AvgPool2d(2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(8, 10),
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
    assert names == [
        "Conv2d 1",
        "MaxPool2d 1",
        "Conv2d 2",
        "MaxPool2d 2",
        "AvgPool2d 1",
        "Conv2d 3",
    ]
    # A bare layer is a model of one layer.
    assert receptive_field(nn.MaxPool2d(3))["layer"].tolist() == ["MaxPool2d 1"]
    # A ModuleList holds its layers in list order.
    listed = nn.ModuleList([nn.Conv2d(1, 1, 3), nn.MaxPool2d(2), nn.Conv2d(1, 1, 3)])
    assert receptive_field(listed)["size"].tolist() == [3, 4, 8]
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
    return draw(
        st.lists(
            st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2)),
            min_size=1,
            max_size=4,
        )
    )


@given(layers=layer_stacks(), which=st.sampled_from(["first", "middle", "last"]))
@example(layers=[(1, 1, 1, 1), (1, 1, 2, 1), (1, 1, 2, 1)], which="first")  # padding only
def test_receptive_field_matches_gradient(layers, which):
    """The input pixels with a non-zero gradient span exactly the computed field.

    All weights are positive, so nothing cancels. The input is made large enough that
    some units' computed fields lie wholly inside it (no image border, no padding cuts
    them): for the first, middle or last of those, the gradient's extent must EQUAL the
    field. Every example checks one (the test fails rather than skip).
    """
    table = receptive_field(layers)
    size, jump, start = (table[c].iloc[-1] for c in ("size", "jump", "start"))
    half = (size - 1) / 2
    # Units i whose field [start + i*jump - half, start + i*jump + half] fits in [0, n - 1].
    # Padding moves the first unit's centre left of the image (start < 0): the input is wide
    # enough for a whole field beyond that, and every output unit is a candidate.
    n = int(size + 2 * jump + 2 + 2 * abs(start))
    units = receptive_field(layers, input_size=n)["output"].iloc[-1]
    inside = [
        i for i in range(units) if start + i * jump - half >= 0 and start + i * jump + half <= n - 1
    ]
    assert inside, f"no unit's field fits an input of {n}"
    x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, p, d in layers:
        y = F.conv2d(
            y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, padding=p, dilation=d
        )
    # The table's output sizes are PyTorch's.
    assert receptive_field(layers, input_size=n)["output"].iloc[-1] == y.shape[-1]
    i = {"first": inside[0], "middle": inside[len(inside) // 2], "last": inside[-1]}[which]
    assert i < y.shape[-1]  # a unit whose field fits the input exists
    y[0, 0, i, i].backward()
    rows = torch.nonzero(x.grad[0, 0].sum(1)).flatten().tolist()
    cols = torch.nonzero(x.grad[0, 0].sum(0)).flatten().tolist()
    assert rows == cols  # square layers: the same along both axes
    centre = start + i * jump
    assert (rows[0], rows[-1]) == (centre - half, centre + half)


def test_receptive_field_matches_gradient_at_the_border():
    """A field clipped by the image border: the gradient fills the clipped field exactly."""
    layers = [(3, 1, 1), (3, 2, 1), (3, 1, 1)]
    table = receptive_field(layers)
    size, jump, start = (table[c].iloc[-1] for c in ("size", "jump", "start"))
    assert (size, jump, start) == (9, 2, 0)
    x = torch.ones(1, 1, 16, 16, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, p in layers:
        y = F.conv2d(y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, padding=p)
    y[0, 0, 0, 0].backward()
    rows = torch.nonzero(x.grad[0, 0].sum(1)).flatten().tolist()
    assert rows == list(range(int(start + (size - 1) / 2) + 1))  # -4..4 clipped to 0..4


# --- receptive_field follows PyTorch: output sizes, order of the forward -----------------


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize(
    "layer, n, expected",
    [
        (nn.MaxPool2d(2, ceil_mode=True), 5, 3),
        (nn.MaxPool2d(2, ceil_mode=True), 1, 1),
        (nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), 6, 4),
        (nn.AvgPool2d(3, stride=2, ceil_mode=True), 8, 4),
        (nn.Conv2d(1, 1, 4, padding="same"), 10, 10),
        (nn.Conv2d(1, 1, 4, padding="same", dilation=3), 10, 10),
        (nn.Conv2d(1, 1, (4, 3), padding="same"), (10, 7), (10, 7)),
        (nn.Conv2d(1, 1, 4, padding="valid"), 10, 7),
    ],
)
def test_receptive_field_output_sizes_as_pytorch(layer, n, expected):
    assert receptive_field(layer, input_size=n)["output"].iloc[0] == expected
    shape = n if isinstance(n, tuple) else (n, n)
    out = layer(torch.zeros(1, 1, *shape)).shape[-2:]
    assert tuple(out) == (expected if isinstance(expected, tuple) else (expected,) * 2)


@st.composite
def pytorch_stacks(draw):
    """A Sequential of Conv2d (int, 'same' or 'valid' padding) and pooling layers."""
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "same", "max", "avg"]))
        k = draw(st.integers(1, 4))
        if kind == "conv":
            layers.append(
                nn.Conv2d(
                    1,
                    1,
                    k,
                    stride=draw(st.integers(1, 3)),
                    padding=draw(st.sampled_from([0, 1, 2, "valid"])),
                    dilation=draw(st.integers(1, 2)),
                )
            )
        elif kind == "same":
            layers.append(nn.Conv2d(1, 1, k, padding="same", dilation=draw(st.integers(1, 2))))
        elif kind == "max":
            d = draw(st.integers(1, 2))
            layers.append(
                nn.MaxPool2d(
                    k,
                    stride=draw(st.integers(1, 3)),
                    dilation=d,
                    padding=draw(st.integers(0, k // 2)),
                    ceil_mode=draw(st.booleans()),
                )
            )
        else:
            layers.append(
                nn.AvgPool2d(
                    k,
                    stride=draw(st.integers(1, 3)),
                    padding=draw(st.integers(0, k // 2)),
                    ceil_mode=draw(st.booleans()),
                )
            )
    return nn.Sequential(*layers)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@given(model=pytorch_stacks(), n=st.integers(1, 24))
def test_receptive_field_output_sizes_match_pytorch(model, n):
    x = torch.zeros(1, 1, n, n)
    expected = []
    try:
        for layer in model:
            x = layer(x)
            expected.append(x.shape[-1])
    except RuntimeError:
        with pytest.raises(ValueError, match=rf"input_size={n} is too small for \w+ \d"):
            receptive_field(model, input_size=n)
        return
    assert receptive_field(model, input_size=n)["output"].tolist() == expected


class RunsInOrder(nn.Module):
    """Holds ``layers`` in one order and runs them in another (some twice, some never)."""

    def __init__(self, layers, order):
        super().__init__()
        self.held = nn.ModuleList(layers)
        self.order = order

    def forward(self, x):
        for i in self.order:
            x = self.held[i](x)
        return x


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@given(model=pytorch_stacks(), data=st.data(), n=st.one_of(st.none(), st.integers(1, 24)))
def test_receptive_field_follows_any_forward(model, data, n):
    layers = list(model)
    order = data.draw(st.lists(st.integers(0, len(layers) - 1), min_size=1, max_size=5))
    as_run = nn.Sequential(*(layers[i] for i in order))
    try:
        expected = receptive_field(as_run, input_size=n)
    except ValueError as err:
        with pytest.raises(ValueError, match=r"too small for \w+ \d"):
            receptive_field(RunsInOrder(layers, order), input_size=n)
        assert "too small" in str(err)
        return
    pd.testing.assert_frame_equal(
        receptive_field(RunsInOrder(layers, order), input_size=n), expected
    )


class PoolThenConv(nn.Module):
    """Registers a pool and a 5×5 conv, but runs the conv first: the field is 5 + 1 = 6
    (in registration order it would be 2 + 4·2 = 10)."""

    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.conv = nn.Conv2d(1, 1, 5)
        self.head = nn.Linear(9, 10)  # fixes the input size: 10×10 → 6×6 → 3×3

    def forward(self, x):
        x = self.pool(torch.relu(self.conv(x)))
        return self.head(x.flatten(1))


def test_receptive_field_follows_forward_order():
    model = PoolThenConv()
    table = receptive_field(model)
    assert table["layer"].tolist() == ["Conv2d 1", "MaxPool2d 1"]
    assert table["size"].tolist() == [5, 6]
    # With the input the model takes (10×10 → 6×6 → 3×3 → Linear(9)), and output sizes.
    assert receptive_field(model, input_size=10)["output"].tolist() == [6, 3]
    # The gradient agrees: a unit after the pool depends on 6×6 pixels.
    with torch.no_grad():
        model.conv.weight.fill_(0.1)
        model.conv.bias.fill_(1.0)
    x = torch.ones(1, 1, 10, 10, requires_grad=True)
    F.avg_pool2d(model.conv(x), 2)[0, 0, 1, 1].backward()  # max would pick one pixel
    rows = torch.nonzero(x.grad[0, 0].sum(1)).flatten().tolist()
    assert (rows[0], rows[-1]) == (2, 7)


class ConvTwice(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3)
        self.norm = nn.BatchNorm2d(2)

    def forward(self, x):
        return self.conv(self.norm(self.conv(x)))


def test_receptive_field_counts_each_call_of_a_forward():
    model = ConvTwice()
    model.norm.train()
    model.conv.eval()  # a mix of flags: each must come back as it was
    before = {k: v.clone() for k, v in model.state_dict().items()}
    table = receptive_field(model, input_size=9)
    assert table["layer"].tolist() == ["Conv2d 1", "Conv2d 2"]
    assert table["size"].tolist() == [3, 5] and table["output"].tolist() == [7, 5]
    # Tracing the forward changed nothing: same tensors bit for bit, same flags.
    after = model.state_dict()
    assert before.keys() == after.keys()
    assert all(
        torch.equal(before[k], after[k]) and before[k].dtype == after[k].dtype for k in before
    )
    assert model.norm.training and not model.conv.training and model.training


def test_receptive_field_reads_each_layer_once(monkeypatch):
    # A layer that runs twice, traced or held twice by a Sequential, is checked once.
    inspection = importlib.import_module("coursecode.inspection")
    read = []

    def counting(module, name):
        read.append(name)
        return real(module, name)

    real = inspection._layer_params
    monkeypatch.setattr(inspection, "_layer_params", counting)
    conv = nn.Conv2d(1, 1, 3)
    for model in (ConvTwice(), nn.Sequential(conv, nn.ReLU(), conv)):
        read.clear()
        assert receptive_field(model, input_size=9)["size"].tolist() == [3, 5]
        assert len(read) == 1, read


class Upsampler(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3)
        self.up = nn.Upsample(scale_factor=2)

    def forward(self, x):
        return self.up(self.conv(x))


class NeedsItem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3)

    def forward(self, x):
        return self.conv(x) * x.sum().item()  # data-dependent: cannot run on meta


def test_receptive_field_errors_of_a_forward():
    with pytest.raises(ValueError, match=r"does not know how Upsample \(layer 'up' of layers\)"):
        receptive_field(Upsampler())
    with pytest.raises(ValueError, match=r"receptive_field must run layers .*Pass input_size="):
        receptive_field(NeedsItem())
    with pytest.raises(
        ValueError,
        match=r"MaxPool2d '0' in layers has padding=2, but a pooling "
        r"layer's padding must be at most half its kernel \(1\)",
    ):
        receptive_field(nn.Sequential(nn.MaxPool2d(2, padding=2)))
    with pytest.raises(ValueError, match=r"input_size=3 is too small for Conv2d 1"):
        receptive_field(PoolThenConv(), input_size=3)


# --- layer shapes ------------------------------------------------------------------------


def test_layer_shapes_of_simple_cnn():
    table = layer_shapes(simple_cnn(), (1, 1, 28, 28))
    assert table["output shape"].tolist() == [
        (1, 4, 14, 14),
        (1, 8, 7, 7),
        (1, 16, 4, 4),
        (1, 16, 2, 2),
        (1, 10, 1, 1),
        (1, 10),
    ]
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


def test_layer_shapes_rejects_nested_sizes():
    with pytest.raises(TypeError, match=r"input_shape\[2\] must be an integer >= 1, got \(28, 2"):
        layer_shapes(simple_cnn(), (1, 1, (28, 28), 28))
    with pytest.raises(ValueError, match=r"input_shape \(.*\) has 1e\+40 elements, more than"):
        layer_shapes(simple_cnn(), (10**10,) * 4)


def bn_model():
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Sequential(nn.Dropout(0.5), nn.BatchNorm2d(4)),
        nn.Flatten(),
    )
    model.train()
    model[3].eval()  # a mix of flags: each must come back as it was
    return model


@pytest.mark.parametrize(
    "input_shape", [(8, 1, 12, 12), (64, 1, 8192, 8192)], ids=["run for real", "on the meta device"]
)
def test_layer_shapes_leaves_the_model_unchanged(input_shape):
    model = bn_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    flags = [m.training for m in model.modules()]
    table = layer_shapes(model, input_shape)
    n, _, h, w = input_shape
    assert table["output shape"].tolist()[-1] == (n, 4 * (h - 2) * (w - 2))
    after = model.state_dict()
    assert before.keys() == after.keys()
    for k, value in before.items():  # bit for bit: running stats, num_batches_tracked, weights
        assert value.dtype == after[k].dtype and torch.equal(value, after[k]), k
    assert [m.training for m in model.modules()] == flags


def test_layer_shapes_of_a_huge_input_allocates_nothing():
    resource = pytest.importorskip("resource")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    # The input alone would be 16 GiB, the first layer's output 16 GiB more.
    table = layer_shapes(simple_cnn(), (64, 1, 8192, 8192))
    assert table["output shape"].tolist() == [
        (64, 4, 4096, 4096),
        (64, 8, 2048, 2048),
        (64, 16, 1024, 1024),
        (64, 16, 512, 512),
        (64, 10, 256, 256),
        (64, 10 * 256 * 256),
    ]
    assert table["parameters"].tolist() == [40, 296, 1168, 2320, 1450, 0]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 512 * 1024
    # A wrong shape that big is refused with the amount, not run for real.
    with pytest.raises(
        ValueError,
        match=r"cannot take an input of shape \(64, 3, 8192, 8192\) "
        r"\(check input_shape.*would need about 304\.0 GiB",
    ):
        layer_shapes(simple_cnn(), (64, 3, 8192, 8192))


def test_field_table_numbers_layers_as_the_recurrence_does():
    # The input is layer 0 (r = 1, j = 1); the first layer is row 1, not pandas' row 0.
    table = receptive_field([(3, 2, 1)] * 3)
    assert table.index.name == "l" and table.index.tolist() == [1, 2, 3]
    assert table.loc[1, "size"] == 3 and table.loc[3, "size"] == 15
