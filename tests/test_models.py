"""Models: the conv helper and the 5-layer stride-2 MNIST CNN."""

import numpy as np
import pytest
import torch
from torch import nn

from coursecode import conv
from coursecode import simple_cnn


def test_conv_block():
    block = conv(3, 8, ks=5, stride=1)
    assert isinstance(block, nn.Sequential) and isinstance(block[1], nn.ReLU)
    layer = block[0]
    assert (layer.in_channels, layer.out_channels) == (3, 8)
    assert layer.kernel_size == (5, 5) and layer.stride == (1, 1) and layer.padding == (2, 2)
    assert block(torch.randn(2, 3, 11, 11)).shape == (2, 8, 11, 11)  # stride 1 keeps the size
    assert block(torch.randn(2, 3, 11, 11)).min() >= 0


def test_conv_without_activation_and_default_stride():
    layer = conv(1, 4, act=False)
    assert isinstance(layer, nn.Conv2d) and layer.stride == (2, 2)
    assert layer(torch.randn(1, 1, 28, 28)).shape == (1, 4, 14, 14)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"ks": 4}, ValueError, "ks must be odd"),
        ({"stride": 0}, ValueError, "stride must be an integer >= 1"),
        ({"ni": 0}, ValueError, "ni must be an integer >= 1"),
        ({"nf": 2.0}, TypeError, "nf must be an integer"),
        ({"act": "no"}, TypeError, "act must be True or False, got 'no'"),
        ({"act": 0}, TypeError, "act must be True or False, got 0"),
        ({"act": None}, TypeError, "act must be True or False, got None"),
        # Refused before anything is allocated, with the amount.
        (
            {"ni": 10**5, "nf": 10**5},
            ValueError,
            r"conv\(ni=100000, nf=100000, ks=3\) would need 335\.3 GiB .* under 1 GiB",
        ),
        (
            {"ni": 1, "nf": 1, "ks": 60001},
            ValueError,
            r"conv\(ni=1, nf=1, ks=60001\) would need 13\.4 GiB",
        ),
    ],
)
def test_conv_bad_arguments(kwargs, error, match):
    args = {"ni": 1, "nf": 4, **kwargs}
    with pytest.raises(error, match=match):
        conv(**args)


def test_conv_act_flags_and_largest_allowed():
    assert isinstance(conv(1, 4, act=np.bool_(False)), nn.Conv2d)
    assert isinstance(conv(1, 4, act=np.bool_(True)), nn.Sequential)
    assert isinstance(conv(512, 512, ks=3), nn.Sequential)  # VGG's widest: 9 MiB


def test_simple_cnn_shapes():
    model = simple_cnn()
    x = torch.randn(5, 1, 28, 28)
    sizes = []
    for block in model:
        x = block(x)
        sizes.append(tuple(x.shape[1:]))
    assert sizes == [(4, 14, 14), (8, 7, 7), (16, 4, 4), (16, 2, 2), (10, 1, 1), (10,)]
    assert sum(p.numel() for p in model.parameters()) == 40 + 296 + 1168 + 2320 + 1450


def test_simple_cnn_last_layer_has_no_relu():
    model = simple_cnn()
    assert isinstance(model[4], nn.Conv2d)
    assert (model(torch.randn(64, 1, 28, 28)) < 0).any()  # logits can be negative
