"""The bad-input sweep (issue 16): every public function and class of ``coursecode``, every
kind of bad input, in one table.

Each row of ``ROWS`` is one call:

- a *bad* row names the exception class the call must raise (``TypeError`` for a wrong
  type, ``ValueError`` for a wrong value; the traitlets-only widgets raise ``TraitError``)
  and a case-sensitive piece of text its message must contain: the argument's name, as
  the package's messages already do (see ``coursecode/_validate.py``);
- a *good* row is a valid but unusual call (NumPy integers for sizes, tuples, a batch of
  one, ...) that must work, its answer checked against PyTorch where there is one.

Rows marked ``guard`` could allocate many GiB or hang if the package did not refuse them:
they run in a forked child with a memory cap and a time limit, so a regression fails the
row instead of the machine. ``test_table_is_complete`` fails when a public callable (any
name in ``coursecode.__all__`` or a submodule's ``__all__``) has no row, so the sweep stays
complete when someone adds a function.
"""

import collections
import gzip
import importlib
import os
import pickle
import pkgutil
import resource
import select
import shutil
import signal
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
import traitlets
from torch import nn

import coursecode
from coursecode import checks
from coursecode import data
from coursecode import download
from coursecode import exercises
from coursecode import kernels
from coursecode import models
from coursecode import widgets as cw

GUARD_SECONDS = 4.0  # a guarded row's child is killed after this long
GUARD_MEMORY = 2 << 30  # ... and may allocate this much more than the parent holds
ROW_SECONDS = 10.0  # any other row is interrupted (SIGALRM) after this long


# --- the rows -----------------------------------------------------------------------------


@dataclass
class Row:
    fn: str  # the public name the row exercises
    label: str  # what is special about the call
    call: Callable[[], Any]
    raises: Any = None  # exception class(es) a bad row must raise
    names: tuple = ()  # the message must contain one of these
    check: Callable[[Any], None] | None = None  # a good row's check of the result
    guard: bool = False  # run in a forked child, capped in memory and time
    module: str = field(default="")

    @property
    def id(self) -> str:
        return f"{self.fn}-{self.label}"


ROWS: list[Row] = []
_MODULE = [""]  # the module the rows being added belong to (for the report)


def section(module: str) -> None:
    _MODULE[0] = module


def bad(fn, label, call, raises, name, guard=False):
    names = name if isinstance(name, tuple) else (name,)
    ROWS.append(Row(fn, label, call, raises=raises, names=names, guard=guard, module=_MODULE[0]))


def good(fn, label, call, check=None, guard=False):
    ROWS.append(Row(fn, label, call, check=check, guard=guard, module=_MODULE[0]))


def gen(*items):
    """A one-shot generator (an odd container)."""
    return (item for item in items)


def close(a, b, atol=1e-5):
    a, b = torch.as_tensor(a).double(), torch.as_tensor(b).double()
    assert a.shape == b.shape, f"shape {tuple(a.shape)} != {tuple(b.shape)}"
    assert torch.allclose(a, b, atol=atol), f"{a} != {b}"


def _refused_or(call, names, check, raises=ValueError):
    """A call that may be refused (``raises``, naming one of ``names``) or answered right:
    for odd but sensible inputs (a NumPy array for a pair), and for huge ones that the
    package may answer without allocating (the guard caps the memory)."""
    try:
        result = call()
    except raises as err:
        assert any(n in str(err) for n in names), f"the message does not name {names}: {err}"
        return
    check(result)


def rand(*shape, seed=0):
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed))


torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # warm PyTorch's lazy imports up once

IM5 = rand(5, 5)
IM8 = rand(8, 8, seed=1)
IM28 = rand(28, 28, seed=2)
RGB = rand(3, 6, 6, seed=3)
K3 = torch.tensor([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
TOP_EDGE = K3.clone()
NAN_K3 = K3.clone()
NAN_K3[1, 1] = float("nan")
NAN = float("nan")
INF = float("inf")
Pair = collections.namedtuple("Pair", "x y")


def valid_size(n, k, s=1, p=0, d=1):
    """PyTorch's answer for the output side, from a real convolution."""
    return F.conv2d(
        torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d
    ).shape[-1]


# --- arithmetic -----------------------------------------------------------------------------
section("arithmetic")
from coursecode import conv_out_size
from coursecode import layer_shapes
from coursecode import receptive_field
from coursecode import same_padding

bad("conv_out_size", "size str", lambda: conv_out_size("28", 3), TypeError, "size")
bad("conv_out_size", "size None", lambda: conv_out_size(None, 3), TypeError, "size")
bad("conv_out_size", "size float", lambda: conv_out_size(28.0, 3), TypeError, "size")
bad("conv_out_size", "size bool", lambda: conv_out_size(True, 1), TypeError, "size")
bad("conv_out_size", "size NaN", lambda: conv_out_size(NAN, 3), TypeError, "size")
bad("conv_out_size", "size inf", lambda: conv_out_size(INF, 3), TypeError, "size")
bad("conv_out_size", "size dict", lambda: conv_out_size({"h": 28}, 3), TypeError, "size")
bad("conv_out_size", "size set", lambda: conv_out_size({28}, 3), TypeError, "size")
bad("conv_out_size", "size generator", lambda: conv_out_size(gen(28, 28), 3), TypeError, "size")
bad("conv_out_size", "size three values", lambda: conv_out_size((28, 28, 28), 3), TypeError, "size")
bad("conv_out_size", "size zero", lambda: conv_out_size(0, 1), ValueError, "size")
bad("conv_out_size", "size negative", lambda: conv_out_size(-5, 3), ValueError, "size")
bad("conv_out_size", "kernel_size zero", lambda: conv_out_size(28, 0), ValueError, "kernel_size")
bad(
    "conv_out_size",
    "kernel_size list of 3",
    lambda: conv_out_size(28, [3, 3, 3]),
    TypeError,
    "kernel_size",
)
bad(
    "conv_out_size",
    "kernel larger than input",
    lambda: conv_out_size(3, 5),
    ValueError,
    "kernel_size",
)
bad("conv_out_size", "stride zero", lambda: conv_out_size(28, 3, stride=0), ValueError, "stride")
bad("conv_out_size", "stride float", lambda: conv_out_size(28, 3, stride=1.5), TypeError, "stride")
bad(
    "conv_out_size",
    "padding negative",
    lambda: conv_out_size(28, 3, padding=-1),
    ValueError,
    "padding",
)
bad(
    "conv_out_size",
    "padding str",
    lambda: conv_out_size(28, 3, padding="same"),
    TypeError,
    "padding",
)
bad(
    "conv_out_size",
    "dilation zero",
    lambda: conv_out_size(28, 3, dilation=0),
    ValueError,
    "dilation",
)
good(
    "conv_out_size",
    "numpy ints",
    lambda: conv_out_size(np.int64(28), np.int64(3), np.int32(2), np.int8(1)),
    lambda r: (assert_eq(r, valid_size(28, 3, 2, 1)), assert_type(r, int)),
)
good(
    "conv_out_size",
    "tuple pair",
    lambda: conv_out_size((28, 14), (3, 5)),
    lambda r: assert_eq(r, (26, 10)),
)
good(
    "conv_out_size",
    "list pair",
    lambda: conv_out_size([28, 14], [3, 5]),
    lambda r: assert_eq(tuple(r), (26, 10)),
)
good(
    "conv_out_size",
    "torch.Size",
    lambda: conv_out_size(torch.Size([9, 9]), 3, 2),
    lambda r: assert_eq(r, (4, 4)),
)
good(
    "conv_out_size",
    "dilated vs torch",
    lambda: conv_out_size(10, 3, 1, 0, 2),
    lambda r: assert_eq(r, valid_size(10, 3, 1, 0, 2)),
)
good("conv_out_size", "kernel equals input", lambda: conv_out_size(5, 5), lambda r: assert_eq(r, 1))
good(
    "conv_out_size",
    "numpy array pair refused or right",
    lambda: _refused_or(
        lambda: conv_out_size(np.array([28, 14]), 3),
        ("size",),
        lambda r: assert_eq(tuple(r), (26, 12)),
        TypeError,
    ),
)

bad("same_padding", "kernel_size str", lambda: same_padding("3"), TypeError, "kernel_size")
bad("same_padding", "kernel_size None", lambda: same_padding(None), TypeError, "kernel_size")
bad("same_padding", "kernel_size float", lambda: same_padding(3.0), TypeError, "kernel_size")
bad("same_padding", "kernel_size zero", lambda: same_padding(0), ValueError, "kernel_size")
bad("same_padding", "kernel_size negative", lambda: same_padding(-3), ValueError, "kernel_size")
bad("same_padding", "kernel_size even", lambda: same_padding(4), ValueError, "kernel_size")
bad("same_padding", "dilation zero", lambda: same_padding(3, 0), ValueError, "dilation")
bad("same_padding", "dilation bool", lambda: same_padding(3, True), TypeError, "dilation")
good("same_padding", "numpy int", lambda: same_padding(np.int64(5)), lambda r: assert_eq(r, 2))
good(
    "same_padding",
    "numpy dilation",
    lambda: same_padding(3, np.int64(2)),
    lambda r: assert_eq(r, 2),
)
good(
    "same_padding",
    "tuple vs torch",
    lambda: same_padding((3, 5)),
    lambda r: assert_eq(
        tuple(
            F.conv2d(torch.zeros(1, 1, 9, 9), torch.zeros(1, 1, 3, 5), padding=tuple(r)).shape[-2:]
        ),
        (9, 9),
    ),
)

section("inspection")
bad("receptive_field", "layers str", lambda: receptive_field("conv"), TypeError, "layers")
bad("receptive_field", "layers None", lambda: receptive_field(None), TypeError, "layers")
bad("receptive_field", "layers int", lambda: receptive_field(5), TypeError, "layers")
bad("receptive_field", "layers set", lambda: receptive_field({(3, 1, 0)}), TypeError, "layers")
good(
    "receptive_field",
    "numpy array of layers refused or right",
    lambda: _refused_or(
        lambda: receptive_field(np.array([[3, 2, 1], [3, 2, 1]])),
        ("layers",),
        lambda r: assert_eq(list(r["size"]), [3, 7]),
        TypeError,
    ),
)
bad(
    "receptive_field",
    "layer of two values",
    lambda: receptive_field([(3, 1)]),
    TypeError,
    "layers[0]",
)
bad(
    "receptive_field",
    "layer kernel zero",
    lambda: receptive_field([(0, 1, 0)]),
    ValueError,
    "layers[0]",
)
bad(
    "receptive_field",
    "layer stride float",
    lambda: receptive_field([(3, 1.5, 0)]),
    TypeError,
    "layers[0]",
)
bad(
    "receptive_field",
    "layer padding negative",
    lambda: receptive_field([(3, 1, -1)]),
    ValueError,
    "layers[0]",
)
bad(
    "receptive_field",
    "unknown module",
    lambda: receptive_field(nn.Sequential(nn.Upsample(scale_factor=2))),
    ValueError,
    "Upsample",
)
bad(
    "receptive_field",
    "input_size zero",
    lambda: receptive_field([(3, 1, 0)], input_size=0),
    ValueError,
    "input_size",
)
bad(
    "receptive_field",
    "input_size str",
    lambda: receptive_field([(3, 1, 0)], input_size="28"),
    TypeError,
    "input_size",
)
bad(
    "receptive_field",
    "input_size NaN",
    lambda: receptive_field([(3, 1, 0)], input_size=NAN),
    TypeError,
    "input_size",
)
bad(
    "receptive_field",
    "input_size too small",
    lambda: receptive_field([(5, 1, 0)], input_size=3),
    ValueError,
    ("input_size", "kernel_size"),
)
good(
    "receptive_field",
    "MaxPool2d ceil_mode on 5",
    lambda: receptive_field(nn.Sequential(nn.MaxPool2d(2, ceil_mode=True)), input_size=5),
    lambda r: assert_eq(
        r["output"].iloc[-1], nn.MaxPool2d(2, ceil_mode=True)(torch.zeros(1, 1, 5, 5)).shape[-1]
    ),
)
with warnings.catch_warnings():  # PyTorch warns that an even 'same' kernel pads unevenly
    warnings.simplefilter("ignore")
    _SAME_K4_ON_10 = nn.Conv2d(1, 1, 4, padding="same")(torch.zeros(1, 1, 10, 10)).shape[-1]  # 10
good(
    "receptive_field",
    "Conv2d padding same k4 on 10",
    lambda: receptive_field(nn.Sequential(nn.Conv2d(1, 1, 4, padding="same")), input_size=10),
    lambda r: assert_eq(r["output"].iloc[-1], _SAME_K4_ON_10),
)


class _RunsOutOfOrder(nn.Module):
    """Registers a pooling layer first but runs the 5×5 convolution first: field 5 + 1 = 6."""

    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.conv = nn.Conv2d(1, 1, 5)

    def forward(self, x):
        return self.pool(self.conv(x))


good(
    "receptive_field",
    "forward order not registration order",
    lambda: receptive_field(_RunsOutOfOrder()),
    lambda r: assert_eq(r["size"].iloc[-1], 6),
)
good(
    "receptive_field",
    "numpy ints in layers",
    lambda: receptive_field([(np.int64(3), np.int64(2), np.int64(1))] * 2),
    lambda r: assert_eq(list(r["size"]), [3, 7]),
)
good(
    "receptive_field",
    "tuple of lists",
    lambda: receptive_field(([3, 1, 1], [3, 1, 1]), input_size=np.int64(8)),
    lambda r: (assert_eq(list(r["size"]), [3, 5]), assert_eq(r["output"].iloc[-1], 8)),
)

bad("layer_shapes", "model str", lambda: layer_shapes("cnn", (1, 1, 28, 28)), TypeError, "model")
bad("layer_shapes", "model None", lambda: layer_shapes(None, (1, 1, 28, 28)), TypeError, "model")
bad(
    "layer_shapes",
    "input_shape int",
    lambda: layer_shapes(models.simple_cnn(), 28),
    TypeError,
    "input_shape",
)
bad(
    "layer_shapes",
    "input_shape str",
    lambda: layer_shapes(models.simple_cnn(), "1,1,28,28"),
    TypeError,
    "input_shape",
)
bad(
    "layer_shapes",
    "input_shape zero",
    lambda: layer_shapes(models.simple_cnn(), (1, 1, 0, 28)),
    ValueError,
    "input_shape",
)
bad(
    "layer_shapes",
    "input_shape negative",
    lambda: layer_shapes(models.simple_cnn(), (1, 1, -28, 28)),
    ValueError,
    "input_shape",
)
bad(
    "layer_shapes",
    "input_shape float",
    lambda: layer_shapes(models.simple_cnn(), (1, 1, 28.0, 28)),
    TypeError,
    "input_shape",
)
bad(
    "layer_shapes",
    "input_shape NaN",
    lambda: layer_shapes(models.simple_cnn(), (1, 1, NAN, 28)),
    TypeError,
    "input_shape",
)
bad(
    "layer_shapes",
    "input_shape empty",
    lambda: layer_shapes(models.simple_cnn(), ()),
    ValueError,
    "input_shape",
)
good(
    "layer_shapes",
    "numpy array shape refused or right",
    lambda: _refused_or(
        lambda: layer_shapes(models.simple_cnn(), np.array([1, 1, 28, 28])),
        ("input_shape",),
        lambda r: assert_eq(r["output shape"].iloc[-1], (1, 10)),
        TypeError,
    ),
)
bad(
    "layer_shapes",
    "wrong channels",
    lambda: layer_shapes(models.simple_cnn(), (1, 3, 28, 28)),
    ValueError,
    ("input_shape", "model"),
)


good(
    "layer_shapes",
    "huge 64x1x8192x8192 refused or not allocated",
    lambda: _refused_or(
        lambda: layer_shapes(models.simple_cnn(), (64, 1, 8192, 8192)),
        ("input_shape",),
        lambda r: assert_eq(
            r["output shape"].iloc[-1], _meta_shape(models.simple_cnn(), (64, 1, 8192, 8192))
        ),
    ),
    guard=True,
)


def _meta_shape(model, shape):
    """The output's shape, from PyTorch itself on the meta device (nothing allocated)."""
    return tuple(model.to("meta")(torch.zeros(shape, device="meta")).shape)


def _bn_state_kept():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    layer_shapes(model, (4, 1, 8, 8))
    after = model.state_dict()
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    assert not changed, f"layer_shapes changed {changed}"
    assert model.training, "layer_shapes left the model in eval mode"


good("layer_shapes", "BatchNorm state unchanged", _bn_state_kept)
good(
    "layer_shapes",
    "numpy ints",
    lambda: layer_shapes(models.simple_cnn(), tuple(np.int64(v) for v in (1, 1, 28, 28))),
    lambda r: assert_eq(r["output shape"].iloc[-1], (1, 10)),
)
good(
    "layer_shapes",
    "list and batch of one",
    lambda: layer_shapes(models.simple_cnn(), [1, 1, 28, 28]),
    lambda r: assert_eq(
        list(r["output shape"]), [tuple(s) for s in _shapes(models.simple_cnn(), (1, 1, 28, 28))]
    ),
)
good(
    "layer_shapes",
    "torch.Size",
    lambda: layer_shapes(models.simple_cnn(), torch.Size([2, 1, 28, 28])),
    lambda r: assert_eq(r["output shape"].iloc[-1], (2, 10)),
)


def _shapes(model, shape):
    x, out = torch.zeros(shape), []
    for layer in model:
        x = layer(x)
        out.append(x.shape)
    return out


# --- models ---------------------------------------------------------------------------------
section("models")
from coursecode import conv
from coursecode import simple_cnn

bad("conv", "ni str", lambda: conv("1", 4), TypeError, "ni")
bad("conv", "ni None", lambda: conv(None, 4), TypeError, "ni")
bad("conv", "ni float", lambda: conv(1.0, 4), TypeError, "ni")
bad("conv", "ni bool", lambda: conv(True, 4), TypeError, "ni")
bad("conv", "ni zero", lambda: conv(0, 4), ValueError, "ni")
bad("conv", "nf negative", lambda: conv(1, -4), ValueError, "nf")
bad("conv", "nf list", lambda: conv(1, [4]), TypeError, "nf")
bad("conv", "ks even", lambda: conv(1, 4, ks=4), ValueError, "ks")
bad("conv", "ks zero", lambda: conv(1, 4, ks=0), ValueError, "ks")
bad("conv", "stride zero", lambda: conv(1, 4, stride=0), ValueError, "stride")
bad("conv", "stride NaN", lambda: conv(1, 4, stride=NAN), TypeError, "stride")
bad("conv", "act no", lambda: conv(1, 4, act="no"), TypeError, "act")
bad("conv", "act None", lambda: conv(1, 4, act=None), TypeError, "act")
bad("conv", "huge 10**5 x 10**5", lambda: conv(10**5, 10**5), ValueError, ("ni", "nf"), guard=True)
bad("conv", "huge ks 30001", lambda: conv(1, 1, ks=30001), ValueError, "ks", guard=True)
good(
    "conv",
    "numpy ints vs torch",
    lambda: conv(np.int64(1), np.int64(4), np.int64(3), np.int64(2)),
    lambda m: _same_as_conv2d(m, nn.Conv2d(1, 4, 3, stride=2, padding=1), relu=True),
)
good(
    "conv",
    "act False is a bare Conv2d",
    lambda: conv(1, 4, act=False),
    lambda m: (
        assert_type(m, nn.Conv2d),
        _same_as_conv2d(m, nn.Conv2d(1, 4, 3, stride=2, padding=1), relu=False),
    ),
)


def _same_as_conv2d(m, ref, relu):
    convs = [x for x in m.modules() if isinstance(x, nn.Conv2d)]
    assert len(convs) == 1
    c = convs[0]
    assert (c.kernel_size, c.stride, c.padding) == (ref.kernel_size, ref.stride, ref.padding)
    has_relu = any(isinstance(x, nn.ReLU) for x in m.modules())
    assert has_relu == relu, f"ReLU present: {has_relu}, expected {relu}"
    x = rand(1, 1, 7, 7)
    out = F.conv2d(x, c.weight, c.bias, stride=c.stride, padding=c.padding)
    close(m(x), out.relu() if relu else out)


bad("simple_cnn", "an argument", lambda: simple_cnn(1), TypeError, "simple_cnn")
good(
    "simple_cnn",
    "batch of one",
    lambda: simple_cnn()(torch.zeros(1, 1, 28, 28)),
    lambda r: assert_eq(tuple(r.shape), (1, 10)),
)


# --- kernels --------------------------------------------------------------------------------
section("kernels")
from coursecode import apply_kernel
from coursecode import conv2d_loop

bad("apply_kernel", "image list", lambda: apply_kernel(IM5.tolist(), 2, 2, K3), TypeError, "image")
bad("apply_kernel", "image numpy", lambda: apply_kernel(IM5.numpy(), 2, 2, K3), TypeError, "image")
bad("apply_kernel", "image 3-D", lambda: apply_kernel(IM5[None], 2, 2, K3), ValueError, "image")
bad(
    "apply_kernel",
    "image empty",
    lambda: apply_kernel(torch.zeros(0, 0), 0, 0, torch.ones(1, 1)),
    ValueError,
    ("image", "row"),
)
bad("apply_kernel", "kernel None", lambda: apply_kernel(IM5, 2, 2, None), TypeError, "kernel")
bad(
    "apply_kernel",
    "kernel even",
    lambda: apply_kernel(IM5, 2, 2, torch.ones(2, 2)),
    ValueError,
    "kernel",
)
bad(
    "apply_kernel",
    "kernel empty",
    lambda: apply_kernel(IM5, 2, 2, torch.ones(0, 0)),
    ValueError,
    "kernel",
)
bad("apply_kernel", "row negative", lambda: apply_kernel(IM5, -1, 2, K3), ValueError, "row")
bad("apply_kernel", "row str", lambda: apply_kernel(IM5, "2", 2, K3), TypeError, "row")
bad("apply_kernel", "row float", lambda: apply_kernel(IM5, 2.0, 2, K3), TypeError, "row")
bad("apply_kernel", "col bool", lambda: apply_kernel(IM5, 2, True, K3), TypeError, "col")
bad("apply_kernel", "col NaN", lambda: apply_kernel(IM5, 2, NAN, K3), TypeError, "col")
bad("apply_kernel", "window outside", lambda: apply_kernel(IM5, 4, 2, K3), ValueError, "row")
good(
    "apply_kernel",
    "numpy ints vs torch",
    lambda: apply_kernel(IM5, np.int64(1), np.int64(3), K3),
    lambda r: close(r, F.conv2d(IM5[None, None], K3[None, None])[0, 0, 0, 2]),
)
good(
    "apply_kernel",
    "1x1 kernel",
    lambda: apply_kernel(IM5, 0, 4, torch.full((1, 1), 2.0)),
    lambda r: close(r, 2 * IM5[0, 4]),
)

bad("conv2d_loop", "image None", lambda: conv2d_loop(None, K3), TypeError, "image")
bad("conv2d_loop", "image list", lambda: conv2d_loop(IM5.tolist(), K3), TypeError, "image")
bad("conv2d_loop", "image numpy", lambda: conv2d_loop(IM5.numpy(), K3), TypeError, "image")
bad("conv2d_loop", "image 3-D", lambda: conv2d_loop(IM5[None], K3), ValueError, "image")
bad(
    "conv2d_loop",
    "image empty",
    lambda: conv2d_loop(torch.zeros(0, 0), torch.ones(0, 0)),
    ValueError,
    ("image", "kernel"),
)
bad("conv2d_loop", "kernel 1-D", lambda: conv2d_loop(IM5, torch.ones(3)), ValueError, "kernel")
bad("conv2d_loop", "empty kernel", lambda: conv2d_loop(IM5, torch.ones(0, 0)), ValueError, "kernel")
bad("conv2d_loop", "kernel 0x3", lambda: conv2d_loop(IM5, torch.ones(0, 3)), ValueError, "kernel")
bad(
    "conv2d_loop", "kernel larger", lambda: conv2d_loop(IM5, torch.ones(6, 6)), ValueError, "kernel"
)
bad("conv2d_loop", "kernel str", lambda: conv2d_loop(IM5, "top_edge"), TypeError, "kernel")
bad("conv2d_loop", "kernel numpy", lambda: conv2d_loop(IM5, K3.numpy()), TypeError, "kernel")
bad("conv2d_loop", "kernel nested list", lambda: conv2d_loop(IM5, K3.tolist()), TypeError, "kernel")
bad(
    "conv2d_loop",
    "huge image",
    lambda: conv2d_loop(torch.zeros(1).expand(20000, 20000), K3),
    ValueError,
    "image",
    guard=True,
)
good(
    "conv2d_loop",
    "vs torch",
    lambda: conv2d_loop(IM8, K3),
    lambda r: close(r, F.conv2d(IM8[None, None], K3[None, None])[0, 0]),
)
good(
    "conv2d_loop",
    "1x1 kernel",
    lambda: conv2d_loop(IM5, torch.full((1, 1), 3.0)),
    lambda r: close(r, 3 * IM5),
)
good(
    "conv2d_loop",
    "uint8 image",
    lambda: conv2d_loop((IM5 * 255).to(torch.uint8), K3),
    lambda r: close(
        r, F.conv2d((IM5 * 255).to(torch.uint8).float()[None, None], K3[None, None])[0, 0]
    ),
)


def _kernel_edit_does_not_leak():
    import coursecode as cc

    try:
        cc.top_edge.mul_(2)
    except (RuntimeError, ValueError, TypeError):
        pass
    try:
        kernels.edge_kernels.mul_(2)
    except (RuntimeError, ValueError, TypeError):
        pass
    assert torch.equal(kernels.top_edge, TOP_EDGE), "coursecode.kernels.top_edge changed"
    assert torch.equal(cc.top_edge, TOP_EDGE), "coursecode.top_edge changed"
    assert torch.equal(kernels.edge_kernels[0, 0], TOP_EDGE), "edge_kernels[0] changed"
    assert torch.equal(cw.WindowExplorer(IM5).kernel(), TOP_EDGE), (
        "WindowExplorer's default kernel changed"
    )


for _name in ("top_edge", "left_edge", "top_left_edge", "top_right_edge", "edge_kernels"):
    good(_name, "in-place edit does not leak", (lambda n=_name: _edit_does_not_leak(n)), guard=True)


def _edit_does_not_leak(name):
    original = getattr(kernels, name).clone()
    try:
        getattr(coursecode, name).mul_(2)
    except (RuntimeError, ValueError, TypeError):
        pass
    for where, value in (
        ("coursecode.kernels", getattr(kernels, name)),
        ("coursecode", getattr(coursecode, name)),
    ):
        assert torch.equal(value, original), f"{where}.{name} changed after {name}.mul_(2)"
    stacked = torch.stack(
        [kernels.top_edge, kernels.left_edge, kernels.top_left_edge, kernels.top_right_edge]
    )
    assert torch.equal(kernels.edge_kernels[:, 0], stacked), (
        "edge_kernels no longer agrees with the four kernels"
    )


def _named_edit_does_not_leak():
    original = [(label, kernel.clone()) for label, kernel in kernels.named_edge_kernels]
    mine = coursecode.named_edge_kernels
    mine[0][1].mul_(2)
    mine.reverse()
    for where, value in (
        ("coursecode.kernels", kernels.named_edge_kernels),
        ("coursecode", coursecode.named_edge_kernels),
    ):
        assert [label for label, _ in value] == [label for label, _ in original], (
            f"{where} reordered"
        )
        for (_, kernel), (_, before) in zip(value, original):
            assert torch.equal(kernel, before), f"{where}.named_edge_kernels changed after an edit"
    stacked = torch.stack([kernel for _, kernel in kernels.named_edge_kernels])
    assert torch.equal(kernels.edge_kernels[:, 0], stacked), (
        "named_edge_kernels disagrees with edge_kernels"
    )


good("named_edge_kernels", "in-place edit does not leak", _named_edit_does_not_leak, guard=True)


good(
    "top_edge",
    "mul_(2) then WindowExplorer and edge_kernels",
    _kernel_edit_does_not_leak,
    guard=True,
)


# --- im2col ---------------------------------------------------------------------------------
section("im2col")
from coursecode import conv2d_im2col
from coursecode import im2col

X4 = rand(1, 1, 6, 6, seed=4)
W4 = rand(2, 1, 3, 3, seed=5)
bad("im2col", "x list", lambda: im2col(X4.tolist(), 3), TypeError, "x")
bad("im2col", "x None", lambda: im2col(None, 3), TypeError, "x")
bad("im2col", "x 2-D", lambda: im2col(X4[0, 0], 3), ValueError, "x")
bad("im2col", "x numpy", lambda: im2col(X4.numpy(), 3), TypeError, "x")
bad("im2col", "kernel_size set", lambda: im2col(X4, {3}), TypeError, "kernel_size")
bad("im2col", "kernel_size three values", lambda: im2col(X4, (3, 3, 3)), TypeError, "kernel_size")
bad(
    "im2col",
    "x empty",
    lambda: im2col(torch.zeros(1, 1, 0, 0), 1),
    ValueError,
    ("x", "kernel_size"),
)
bad("im2col", "kernel_size zero", lambda: im2col(X4, 0), ValueError, "kernel_size")
bad("im2col", "kernel_size str", lambda: im2col(X4, "3"), TypeError, "kernel_size")
bad("im2col", "kernel_size float", lambda: im2col(X4, 3.0), TypeError, "kernel_size")
bad("im2col", "kernel_size larger", lambda: im2col(X4, 7), ValueError, "kernel_size")
bad("im2col", "stride zero", lambda: im2col(X4, 3, stride=0), ValueError, "stride")
bad("im2col", "padding negative", lambda: im2col(X4, 3, padding=-1), ValueError, "padding")
bad("im2col", "dilation bool", lambda: im2col(X4, 3, dilation=True), TypeError, "dilation")
bad(
    "im2col",
    "huge padding 30000",
    lambda: im2col(rand(1, 1, 28, 28), 3, padding=30000),
    ValueError,
    "padding",
    guard=True,
)
good(
    "im2col",
    "numpy ints vs unfold",
    lambda: im2col(X4, np.int64(3), np.int64(2), np.int64(1)),
    lambda r: close(r, F.unfold(X4, 3, stride=2, padding=1)),
)
good(
    "im2col",
    "tuple kernel and 3-D x",
    lambda: im2col(X4[0], (3, 2)),
    lambda r: close(r.reshape(-1), F.unfold(X4, (3, 2)).reshape(-1)),
)

bad("conv2d_im2col", "x None", lambda: conv2d_im2col(None, W4), TypeError, "x")
bad("conv2d_im2col", "x numpy", lambda: conv2d_im2col(X4.numpy(), W4), TypeError, "x")
bad("conv2d_im2col", "weight 3-D", lambda: conv2d_im2col(X4, W4[0]), ValueError, "weight")
bad("conv2d_im2col", "weight list", lambda: conv2d_im2col(X4, W4.tolist()), TypeError, "weight")
bad(
    "conv2d_im2col",
    "channels differ",
    lambda: conv2d_im2col(X4, rand(2, 3, 3, 3)),
    ValueError,
    "weight",
)
bad(
    "conv2d_im2col",
    "bias wrong size",
    lambda: conv2d_im2col(X4, W4, torch.zeros(3)),
    ValueError,
    "bias",
)
bad("conv2d_im2col", "bias list", lambda: conv2d_im2col(X4, W4, [0.0, 0.0]), TypeError, "bias")
bad(
    "conv2d_im2col",
    "dtypes differ",
    lambda: conv2d_im2col(X4.double(), W4),
    TypeError,
    ("x", "weight"),
)
bad("conv2d_im2col", "stride zero", lambda: conv2d_im2col(X4, W4, stride=0), ValueError, "stride")
bad(
    "conv2d_im2col",
    "empty weight",
    lambda: conv2d_im2col(X4, torch.zeros(0, 1, 3, 3)),
    ValueError,
    "weight",
)
bad(
    "conv2d_im2col",
    "kernel larger",
    lambda: conv2d_im2col(X4, rand(2, 1, 7, 7)),
    ValueError,
    ("weight", "kernel_size"),
)
good(
    "conv2d_im2col",
    "batch of one, numpy ints vs torch",
    lambda: conv2d_im2col(X4, W4, torch.ones(2), np.int64(2), np.int64(1)),
    lambda r: close(r, F.conv2d(X4, W4, torch.ones(2), stride=2, padding=1)),
)
good(
    "conv2d_im2col",
    "unbatched 3-D x",
    lambda: conv2d_im2col(X4[0], W4),
    lambda r: close(r.reshape(-1), F.conv2d(X4, W4).reshape(-1)),
)


# --- training -------------------------------------------------------------------------------
section("training")
from coursecode import Dataset
from coursecode import accuracy
from coursecode import collate_device
from coursecode import fit
from coursecode import get_dls
from coursecode import set_seed
from coursecode import to_device

P = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
T = torch.tensor([1, 1, 1])
bad(
    "accuracy",
    "empty batch",
    lambda: accuracy(torch.zeros(0, 10), torch.zeros(0, dtype=torch.long)),
    ValueError,
    "preds",
)
bad(
    "accuracy",
    "NaN row",
    lambda: accuracy(torch.tensor([[NAN, NAN], [0.1, 0.9]]), torch.tensor([0, 1])),
    ValueError,
    "preds",
)
bad("accuracy", "preds list", lambda: accuracy(P.tolist(), T), TypeError, "preds")
bad("accuracy", "preds None", lambda: accuracy(None, T), TypeError, "preds")
bad("accuracy", "preds 1-D", lambda: accuracy(P[:, 0], T), ValueError, "preds")
bad("accuracy", "targets list", lambda: accuracy(P, [1, 1, 1]), TypeError, "targets")
bad("accuracy", "targets wrong length", lambda: accuracy(P, T[:2]), ValueError, "targets")
bad("accuracy", "targets float", lambda: accuracy(P, T.float() + 0.5), TypeError, "targets")
bad(
    "accuracy",
    "targets out of range",
    lambda: accuracy(P, torch.tensor([1, 1, 7])),
    ValueError,
    "targets",
)
good(
    "accuracy",
    "batch of one",
    lambda: accuracy(P[:1], T[:1]),
    lambda r: close(r, torch.tensor(1.0)),
)
good(
    "accuracy",
    "vs manual",
    lambda: accuracy(P, T),
    lambda r: close(r, (P.argmax(1) == T).float().mean()),
)

bad(
    "to_device",
    "cuda without CUDA",
    lambda: _no_cuda() or to_device(torch.zeros(2), "cuda"),
    ValueError,
    "device",
)
bad("to_device", "device gpu", lambda: to_device(torch.zeros(2), "gpu"), ValueError, "device")
bad("to_device", "device list", lambda: to_device(torch.zeros(2), ["cpu"]), TypeError, "device")
good(
    "to_device",
    "namedtuple",
    lambda: to_device(Pair(torch.zeros(2), torch.ones(2)), "cpu"),
    lambda r: (assert_type(r, Pair), close(r.y, torch.ones(2))),
)
good(
    "to_device",
    "defaultdict",
    lambda: to_device(collections.defaultdict(list, a=torch.zeros(2)), "cpu"),
    lambda r: (
        assert_type(r, collections.defaultdict),
        assert_eq(r.default_factory, list),
        close(r["a"], torch.zeros(2)),
    ),
)
good(
    "to_device",
    "tuple of mixed",
    lambda: to_device((torch.zeros(1), "label", 3), "cpu"),
    lambda r: (assert_type(r, tuple), assert_eq(r[1:], ("label", 3))),
)
good(
    "to_device",
    "torch.device",
    lambda: to_device({"x": [torch.zeros(1)]}, torch.device("cpu")),
    lambda r: assert_eq(r["x"][0].device, torch.device("cpu")),
)


def _set_batch():
    try:
        out = to_device({torch.zeros(1)}, "meta")
    except (TypeError, ValueError) as err:
        assert "set" in str(err), f"the error does not say that sets are not moved: {err}"
        return
    assert all(t.device.type == "meta" for t in out), f"a set was returned unmoved: {out}"


good("to_device", "set moved or refused", _set_batch)


def _no_cuda():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")


bad("collate_device", "empty batch", lambda: collate_device([]), (TypeError, ValueError), "batch")
bad("collate_device", "batch None", lambda: collate_device(None), TypeError, "batch")
bad("collate_device", "batch int", lambda: collate_device(3), TypeError, "batch")
good(
    "collate_device",
    "list of pairs",
    lambda: collate_device([(torch.zeros(2), 1), (torch.ones(2), 0)]),
    lambda r: (
        close(r[0], torch.tensor([[0.0, 0.0], [1.0, 1.0]])),
        close(r[1], torch.tensor([1, 0])),
    ),
)

bad(
    "Dataset", "lengths differ", lambda: Dataset(torch.zeros(5, 2), torch.zeros(4)), ValueError, "y"
)
bad("Dataset", "x None", lambda: Dataset(None, torch.zeros(4)), TypeError, "x")
bad("Dataset", "y int", lambda: Dataset(torch.zeros(4), 4), TypeError, "y")
bad("Dataset", "x generator", lambda: Dataset(gen(1, 2), [1, 2]), TypeError, "x")
bad("Dataset", "x set", lambda: Dataset({1, 2}, [1, 2]), TypeError, "x")
good(
    "Dataset",
    "numpy x and list y",
    lambda: Dataset(np.arange(6).reshape(3, 2), [7, 8, 9]),
    lambda ds: (assert_eq(len(ds), 3), assert_eq(ds[2][1], 9), assert_eq(list(ds[2][0]), [4, 5])),
)

_DS = Dataset(torch.zeros(4, 2), torch.zeros(4))
bad("get_dls", "bs zero", lambda: get_dls(_DS, _DS, 0), ValueError, "bs")
bad("get_dls", "bs str", lambda: get_dls(_DS, _DS, "64"), TypeError, "bs")
bad("get_dls", "bs float", lambda: get_dls(_DS, _DS, 1.5), TypeError, "bs")
bad("get_dls", "bs bool", lambda: get_dls(_DS, _DS, True), TypeError, "bs")
bad("get_dls", "bs negative", lambda: get_dls(_DS, _DS, -2), ValueError, "bs")
bad("get_dls", "train_ds None", lambda: get_dls(None, _DS, 2), TypeError, "train_ds")
bad("get_dls", "valid_ds int", lambda: get_dls(_DS, 3, 2), TypeError, "valid_ds")
bad(
    "get_dls",
    "batch_size in kwargs",
    lambda: get_dls(_DS, _DS, 2, batch_size=3),
    TypeError,
    "batch_size",
)
good(
    "get_dls",
    "numpy bs",
    lambda: get_dls(_DS, _DS, np.int64(2)),
    lambda r: (assert_eq(r[0].batch_size, 2), assert_eq(r[1].batch_size, 4)),
)

bad("set_seed", "negative", lambda: set_seed(-1), ValueError, "seed")
bad("set_seed", "str", lambda: set_seed("1"), TypeError, "seed")
bad("set_seed", "float", lambda: set_seed(1.5), TypeError, "seed")
bad("set_seed", "None", lambda: set_seed(None), TypeError, "seed")
bad("set_seed", "too large", lambda: set_seed(2**64), ValueError, "seed")
bad(
    "set_seed",
    "deterministic str",
    lambda: set_seed(0, deterministic="yes"),
    TypeError,
    "deterministic",
)
good(
    "set_seed",
    "numpy int is reproducible",
    lambda: (set_seed(np.int64(3)), torch.rand(2), set_seed(3), torch.rand(2)),
    lambda r: close(r[1], r[3]),
)


def _fit_args(**change):
    set_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    ds = Dataset(rand(4, 2, 2), torch.tensor([0, 1, 0, 1]))
    train_dl, valid_dl = get_dls(ds, ds, 2)
    args = {
        "epochs": 1,
        "model": model,
        "loss_func": F.cross_entropy,
        "opt": torch.optim.SGD(model.parameters(), lr=0.1),
        "train_dl": train_dl,
        "valid_dl": valid_dl,
        "progress": False,
    }
    args.update(change)
    return args


bad("fit", "epochs zero", lambda: fit(**_fit_args(epochs=0)), ValueError, "epochs")
bad("fit", "epochs float", lambda: fit(**_fit_args(epochs=1.0)), TypeError, "epochs")
bad("fit", "model str", lambda: fit(**_fit_args(model="cnn")), TypeError, "model")
bad("fit", "loss_func None", lambda: fit(**_fit_args(loss_func=None)), TypeError, "loss_func")
bad("fit", "opt None", lambda: fit(**_fit_args(opt=None)), TypeError, "opt")
bad("fit", "train_dl None", lambda: fit(**_fit_args(train_dl=None)), TypeError, "train_dl")
bad("fit", "empty train_dl", lambda: fit(**_fit_args(train_dl=[])), ValueError, "train_dl")
bad("fit", "progress str", lambda: fit(**_fit_args(progress="no")), TypeError, "progress")
good(
    "fit",
    "numpy epochs, lists as loaders",
    lambda: fit(
        **_fit_args(
            epochs=np.int64(1),
            train_dl=[(rand(2, 2, 2), torch.tensor([0, 1]))],
            valid_dl=[(rand(2, 2, 2), torch.tensor([0, 1]))],
        )
    ),
    lambda r: (assert_type(r, pd.DataFrame), assert_eq(len(r), 1)),
)


# --- timing ---------------------------------------------------------------------------------
section("timing")
from coursecode import best_time
from coursecode import compare_times
from coursecode import torch_threads


def _noop():
    return None


bad("best_time", "fn int (median_time(3))", lambda: best_time(3), TypeError, "fn")
bad("best_time", "fn None", lambda: best_time(None), TypeError, "fn")
bad("best_time", "repeat zero", lambda: best_time(_noop, repeat=0), ValueError, "repeat")
bad("best_time", "repeat str", lambda: best_time(_noop, repeat="7"), TypeError, "repeat")
bad("best_time", "number zero", lambda: best_time(_noop, number=0), ValueError, "number")
bad("best_time", "number float", lambda: best_time(_noop, number=1.5), TypeError, "number")
bad("best_time", "warmup negative", lambda: best_time(_noop, warmup=-1), ValueError, "warmup")
bad("best_time", "threads zero", lambda: best_time(_noop, threads=0), ValueError, "threads")
bad(
    "best_time",
    "huge number",
    lambda: best_time(_noop, repeat=10**12, number=10**12),
    ValueError,
    ("repeat", "number"),
    guard=True,
)
good(
    "best_time",
    "numpy ints",
    lambda: best_time(_noop, repeat=np.int64(2), number=np.int64(3), warmup=np.int64(0)),
    lambda r: (assert_type(r, float), assert_true(0 < r < 1)),
)

bad("compare_times", "fns list", lambda: compare_times([_noop]), TypeError, "fns")
bad("compare_times", "fns empty", lambda: compare_times({}), (TypeError, ValueError), "fns")
bad("compare_times", "fns value not callable", lambda: compare_times({"a": 3}), TypeError, "fns")
bad(
    "compare_times",
    "repeat zero",
    lambda: compare_times({"a": _noop}, repeat=0),
    ValueError,
    "repeat",
)
bad(
    "compare_times",
    "repeat bool",
    lambda: compare_times({"a": _noop}, repeat=True),
    TypeError,
    "repeat",
)
bad(
    "compare_times",
    "threads str",
    lambda: compare_times({"a": _noop}, threads="1"),
    TypeError,
    "threads",
)
good(
    "compare_times",
    "numpy ints",
    lambda: compare_times({"a": _noop, "b": _noop}, repeat=np.int64(2), number=np.int64(2)),
    lambda r: assert_eq(sorted(r), ["a", "b"]),
)


def _in_threads(n):
    with torch_threads(n):
        return torch.get_num_threads()


bad("torch_threads", "zero", lambda: _in_threads(0), ValueError, "threads")
bad("torch_threads", "negative", lambda: _in_threads(-1), ValueError, "threads")
bad("torch_threads", "str", lambda: _in_threads("2"), TypeError, "threads")
bad("torch_threads", "float", lambda: _in_threads(1.5), TypeError, "threads")
bad("torch_threads", "bool", lambda: _in_threads(True), TypeError, "threads")
good(
    "torch_threads",
    "numpy int and restored",
    lambda: (_in_threads(np.int64(1)), torch.get_num_threads()),
    lambda r: (assert_eq(r[0], 1), assert_eq(r[1], torch.get_num_threads())),
)
good(
    "torch_threads",
    "None leaves it",
    lambda: _in_threads(None),
    lambda r: assert_eq(r, torch.get_num_threads()),
)


# --- data -----------------------------------------------------------------------------------
section("data")
from coursecode import DownloadError
from coursecode import load_image
from coursecode import load_mnist

_TMP_ROOT = Path(tempfile.mkdtemp(prefix="coursecode-sweep-"))


@pytest.fixture(scope="module", autouse=True)
def _remove_tmp_root():
    yield
    shutil.rmtree(_TMP_ROOT, ignore_errors=True)


def _tmp(name=""):
    """A fresh folder under this module's temporary root (removed at the end), joined with
    ``name``."""
    return Path(tempfile.mkdtemp(prefix="sweep-", dir=_TMP_ROOT)) / name


def _no_network(call):
    """Run ``call`` with every socket connection refused: a row must never reach the network."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the call tried to open a network connection")

    real = socket.socket.connect, socket.getaddrinfo
    socket.socket.connect = socket.getaddrinfo = refuse
    try:
        return call()
    finally:
        socket.socket.connect, socket.getaddrinfo = real


bad("load_mnist", "source int", lambda: load_mnist(3), TypeError, "source")
bad("load_mnist", "source unknown", lambda: load_mnist("Full"), ValueError, "source")
bad("load_mnist", "source None", lambda: load_mnist(None), TypeError, "source")
bad(
    "load_mnist",
    "base_url without scheme",
    lambda: _no_network(
        lambda: load_mnist(
            "full", data_dir=_tmp(), base_url="example.com/mnist/", progressbar=False
        )
    ),
    ValueError,
    "base_url",
)
bad(
    "load_mnist",
    "base_url ftp",
    lambda: _no_network(
        lambda: load_mnist(
            "full", data_dir=_tmp(), base_url="ftp://example.com/mnist/", progressbar=False
        )
    ),
    ValueError,
    "base_url",
)
bad(
    "load_mnist",
    "base_url int",
    lambda: _no_network(lambda: load_mnist("full", data_dir=_tmp(), base_url=3, progressbar=False)),
    TypeError,
    "base_url",
)
bad(
    "load_mnist",
    "data_dir int",
    lambda: _no_network(lambda: load_mnist("full", data_dir=3, progressbar=False)),
    TypeError,
    "data_dir",
)
bad(
    "load_mnist",
    "progressbar str",
    lambda: _no_network(
        lambda: load_mnist(
            "full", data_dir=_tmp(), base_url="http://127.0.0.1:9/", progressbar="no"
        )
    ),
    TypeError,
    "progressbar",
)
good(
    "load_mnist",
    "sample, keyword-only Path data_dir ignored",
    lambda: load_mnist("sample", data_dir=_tmp(), progressbar=False),
    lambda r: (
        assert_eq(len(r), 4),
        assert_eq(tuple(r[0].shape[1:]), (784,)),
        assert_eq(len(r[0]), len(r[1])),
        assert_true(0 <= float(r[0].min()) and float(r[0].max()) <= 1),
    ),
)

section("download")
bad(
    "download_mnist",
    "names unknown",
    lambda: _no_network(
        lambda: download.download_mnist(_tmp(), names=("x.gz",), progressbar=False)
    ),
    ValueError,
    "names",
)
bad(
    "download_mnist",
    "names str",
    lambda: _no_network(
        lambda: download.download_mnist(
            _tmp(), names="train-images-idx3-ubyte.gz", progressbar=False
        )
    ),
    TypeError,
    "names",
)
bad(
    "download_mnist",
    "base_url without scheme",
    lambda: _no_network(
        lambda: download.download_mnist(_tmp(), base_url="example.com/", progressbar=False)
    ),
    ValueError,
    "base_url",
)
bad(
    "download_mnist",
    "data_dir list",
    lambda: _no_network(lambda: download.download_mnist(["/tmp"], progressbar=False)),
    TypeError,
    "data_dir",
)
bad(
    "download_mnist",
    "data_dir is a file",
    lambda: _no_network(
        lambda: download.download_mnist(
            _file("x"), base_url="http://127.0.0.1:9/", progressbar=False
        )
    ),
    (ValueError, OSError),
    "data_dir",
)


def _file(text, name="file.txt"):
    path = _tmp(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


bad("mnist_cache_dir", "data_dir int", lambda: download.mnist_cache_dir(3), TypeError, "data_dir")
bad(
    "mnist_cache_dir",
    "data_dir list",
    lambda: download.mnist_cache_dir(["a"]),
    TypeError,
    "data_dir",
)
good(
    "mnist_cache_dir",
    "Path",
    lambda: download.mnist_cache_dir(Path("/tmp/x")),
    lambda r: assert_eq(r, Path("/tmp/x/mnist")),
)
good(
    "mnist_cache_dir",
    "relative is resolved",
    lambda: download.mnist_cache_dir("rel"),
    lambda r: assert_true(r.is_absolute(), f"{r} is relative"),
)


section("data")


def _idx_file():
    raw = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([7, 8, 9])
    path = _tmp("tiny-idx1-ubyte.gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw))
    return path


bad("read_idx", "path int", lambda: data.read_idx(3), TypeError, "path")
bad("read_idx", "path None", lambda: data.read_idx(None), TypeError, "path")
bad(
    "read_idx",
    "missing file",
    lambda: data.read_idx("/nonexistent/x.gz"),
    (FileNotFoundError, ValueError),
    "/nonexistent/x.gz",
)
bad("read_idx", "not gzip", lambda: data.read_idx(_file("hello")), ValueError, "file.txt")
bad(
    "read_idx",
    "a folder",
    lambda: data.read_idx(_tmp("d").parent),
    (ValueError, IsADirectoryError),
    "sweep-",
)
good(
    "read_idx",
    "tiny idx1 as str path",
    lambda: data.read_idx(str(_idx_file())),
    lambda r: assert_eq(list(r), [7, 8, 9]),
)

LABELS = np.repeat(np.arange(10), 5)
bad(
    "stratified_split",
    "labels 2-D",
    lambda: data.stratified_split(LABELS.reshape(5, 10), 10),
    ValueError,
    "labels",
)
bad("stratified_split", "labels None", lambda: data.stratified_split(None, 10), TypeError, "labels")
bad("stratified_split", "labels str", lambda: data.stratified_split("0123", 2), TypeError, "labels")
bad(
    "stratified_split",
    "labels float NaN",
    lambda: data.stratified_split(np.array([0.0, NAN, 1.0]), 1),
    ValueError,
    "labels",
)
bad(
    "stratified_split",
    "n_valid negative",
    lambda: data.stratified_split(LABELS, -1),
    ValueError,
    "n_valid",
)
bad(
    "stratified_split",
    "n_valid too large",
    lambda: data.stratified_split(LABELS, 51),
    ValueError,
    "n_valid",
)
bad(
    "stratified_split",
    "n_valid str",
    lambda: data.stratified_split(LABELS, "10"),
    TypeError,
    "n_valid",
)
bad(
    "stratified_split",
    "n_valid float",
    lambda: data.stratified_split(LABELS, 10.0),
    TypeError,
    "n_valid",
)
bad(
    "stratified_split",
    "seed str",
    lambda: data.stratified_split(LABELS, 10, seed="0"),
    TypeError,
    "seed",
)
good(
    "stratified_split",
    "list labels, numpy n_valid",
    lambda: data.stratified_split(LABELS.tolist(), np.int64(10)),
    lambda r: (
        assert_eq(len(r[1]), 10),
        assert_eq(sorted(np.asarray(LABELS)[r[1]].tolist()), list(range(10))),
        assert_eq(sorted(np.concatenate(r).tolist()), list(range(50))),
    ),
)
good(
    "stratified_split",
    "tensor labels",
    lambda: data.stratified_split(torch.tensor(LABELS), 0),
    lambda r: assert_eq(len(r[0]), 50),
)

bad("load_image", "int", lambda: load_image(3), TypeError, "name_or_path")
bad("load_image", "None", lambda: load_image(None), TypeError, "name_or_path")
bad("load_image", "unknown name", lambda: load_image("no_such_photo"), ValueError, "no_such_photo")
bad("load_image", "text file", lambda: load_image(_file("not an image")), ValueError, "file.txt")
bad(
    "load_image",
    "a folder",
    lambda: load_image(_tmp("d").parent),
    (ValueError, IsADirectoryError),
    "sweep-",
)
good(
    "load_image",
    "default as Path-free str",
    lambda: load_image("grace_hopper"),
    lambda r: (assert_eq(r.dim(), 3), assert_eq(r.shape[0], 3)),
)

section("download")
good(
    "CacheError",
    "is an OSError and a ValueError",
    lambda: download.CacheError("read-only"),
    lambda r: (assert_type(r, OSError), assert_type(r, ValueError)),
)
good(
    "DownloadError",
    "is an OSError",
    lambda: DownloadError("offline"),
    lambda r: (assert_type(r, OSError), assert_eq(str(r), "offline")),
)


# --- book -----------------------------------------------------------------------------------
section("book")
from coursecode import glue

bad("glue", "name with a space", lambda: glue("two words", 1), ValueError, "name")
bad("glue", "name int", lambda: glue(3, 1), (TypeError, ValueError), "name")
bad("glue", "name None", lambda: glue(None, 1), (TypeError, ValueError), "name")
bad("glue", "name empty", lambda: glue("", 1), ValueError, "name")
bad("glue", "display str", lambda: glue("x", 1, display="yes"), TypeError, "display")
good(
    "glue",
    "numpy and torch scalars",
    lambda: (glue("a", np.float64(1.5)), glue("b", torch.tensor(2.0)), glue("c", np.int64(3))),
)


# --- plotting -------------------------------------------------------------------------------
section("plotting")
from coursecode import plot_history
from coursecode import plot_timings
from coursecode import show_channels
from coursecode import show_image
from coursecode import show_images
from coursecode import show_kernel_on_channels
from coursecode import show_pixels
from coursecode import show_unfold
from coursecode import show_windows

bad("show_image", "image str", lambda: show_image("digit.png"), TypeError, "image")
bad("show_image", "image None", lambda: show_image(None), TypeError, "image")
bad("show_image", "image dict", lambda: show_image({"a": 1}), TypeError, "image")
bad("show_image", "image 1-D", lambda: show_image(torch.zeros(5)), ValueError, "image")
bad("show_image", "image 4-D", lambda: show_image(torch.zeros(1, 1, 5, 5)), ValueError, "image")
bad("show_image", "image empty", lambda: show_image(torch.zeros(0, 0)), ValueError, "image")
bad("show_image", "image 2 channels", lambda: show_image(torch.zeros(2, 5, 5)), ValueError, "image")
bad(
    "show_image",
    "huge image",
    lambda: show_image(np.broadcast_to(np.uint8(0), (100_000, 100_000))),
    ValueError,
    "image",
    guard=True,
)
bad(
    "show_image",
    "figsize str",
    lambda: show_image(IM5, figsize="big"),
    (TypeError, ValueError),
    "figsize",
)


def _rgb_nan_not_black():
    im = rand(3, 6, 6, seed=7) * 0.5 + 0.25
    im[:, 2, 3] = NAN
    try:
        ax = show_image(im)
    except ValueError as err:  # refusing NaN clearly is a fix too
        assert "image" in str(err) and "NaN" in str(err), f"unclear: {err}"
        return
    arr = np.asarray(ax.images[-1].get_array(), dtype=float)
    assert np.nanmax(arr) > 0.2, "the image is drawn all black"
    ok = np.ones((6, 6), bool)
    ok[2, 3] = False
    close(torch.tensor(arr[ok]), im.permute(1, 2, 0).numpy()[ok], atol=1e-2)


good("show_image", "RGB float with one NaN pixel", _rgb_nan_not_black)
good(
    "show_image",
    "(1, H, W) numpy",
    lambda: show_image(IM5[None].numpy()),
    lambda ax: close(ax.images[-1].get_array(), IM5),
)
good(
    "show_image",
    "uint8 HWC",
    lambda: show_image((RGB.permute(1, 2, 0) * 255).to(torch.uint8).numpy()),
    lambda ax: assert_eq(np.asarray(ax.images[-1].get_array()).shape, (6, 6, 3)),
)
good(
    "show_image",
    "bool image",
    lambda: show_image(IM5 > 0.5),
    lambda ax: assert_eq(len(ax.images), 1),
)

bad("show_images", "images empty", lambda: show_images([]), ValueError, "images")
bad("show_images", "images None", lambda: show_images(None), TypeError, "images")
bad("show_images", "images int", lambda: show_images(3), TypeError, "images")
bad("show_images", "images dict", lambda: show_images({"a": IM5}), TypeError, "images")
bad(
    "show_images",
    "images one image not in a list",
    lambda: show_images(IM5),
    (TypeError, ValueError),
    "images",
)
bad(
    "show_images",
    "titles too few",
    lambda: show_images([IM5, IM5], titles=["a"]),
    ValueError,
    "titles",
)
bad("show_images", "nrows zero", lambda: show_images([IM5], nrows=0), ValueError, "nrows")
bad("show_images", "nrows str", lambda: show_images([IM5], nrows="2"), TypeError, "nrows")
bad("show_images", "ncols float", lambda: show_images([IM5], ncols=1.5), TypeError, "ncols")
bad("show_images", "ncols negative", lambda: show_images([IM5], ncols=-1), ValueError, "ncols")
bad(
    "show_images",
    "grid too small",
    lambda: show_images([IM5] * 3, nrows=1, ncols=2),
    ValueError,
    ("nrows", "ncols"),
)
bad(
    "show_images",
    "60x60 grid of one image",
    lambda: show_images([IM5], nrows=60, ncols=60),
    ValueError,
    ("nrows", "ncols"),
    guard=True,
)
# Made here, not in the forked child: a parallel fill after fork can deadlock OpenMP.
TEN_THOUSAND_IMAGES = torch.zeros(10**4, 2, 2)
bad(
    "show_images",
    "10**4 images",
    lambda: show_images(TEN_THOUSAND_IMAGES),
    ValueError,
    "images",
    guard=True,
)
good(
    "show_images",
    "generator of images",
    lambda: show_images(gen(IM5, IM8)),
    lambda axs: (assert_eq(len(axs), 2), close(axs[1].images[-1].get_array(), IM8)),
)
good(
    "show_images",
    "tensor batch (N, 1, H, W)",
    lambda: show_images(torch.stack([IM5[None], IM5[None]])),
    lambda axs: close(axs[0].images[-1].get_array(), IM5),
)
good(
    "show_images",
    "numpy nrows, tuple titles",
    lambda: show_images((IM5, IM5), nrows=np.int64(1), titles=("a", "b")),
    lambda axs: assert_eq([ax.get_title() for ax in axs], ["a", "b"]),
)

bad("show_pixels", "image 3-D", lambda: show_pixels(RGB), ValueError, "image")
bad("show_pixels", "image str", lambda: show_pixels("x"), TypeError, "image")
bad("show_pixels", "rows int", lambda: show_pixels(IM5, rows=3), TypeError, "rows")
bad("show_pixels", "cols list", lambda: show_pixels(IM5, cols=[1, 2]), TypeError, "cols")
bad("show_pixels", "rows outside", lambda: show_pixels(IM5, rows=slice(10, 20)), ValueError, "rows")
bad(
    "show_pixels",
    "huge",
    lambda: show_pixels(np.broadcast_to(np.uint8(0), (20000, 20000))),
    ValueError,
    ("image", "rows"),
    guard=True,
)
good(
    "show_pixels",
    "range and numpy",
    lambda: show_pixels(IM8.numpy(), rows=range(3), cols=slice(np.int64(1), np.int64(4))),
    lambda r: assert_true(r is not None),
)

bad("show_windows", "window outside", lambda: show_windows(IM5, [(0, 0)]), ValueError, "centers")
bad(
    "show_windows",
    "window far outside",
    lambda: show_windows(IM5, [(40, 40)]),
    ValueError,
    "centers",
)
bad(
    "show_windows",
    "kernel_size even",
    lambda: show_windows(IM5, [(2, 2)], kernel_size=4),
    ValueError,
    "kernel_size",
)
bad(
    "show_windows",
    "kernel_size str",
    lambda: show_windows(IM5, [(2, 2)], kernel_size="3"),
    TypeError,
    "kernel_size",
)
bad(
    "show_windows",
    "kernel_size zero",
    lambda: show_windows(IM5, [(2, 2)], kernel_size=0),
    ValueError,
    "kernel_size",
)
bad("show_windows", "centers int", lambda: show_windows(IM5, 5), TypeError, "centers")
bad("show_windows", "centers single", lambda: show_windows(IM5, [(2,)]), ValueError, "centers")
bad("show_windows", "centers float", lambda: show_windows(IM5, [(2.5, 2)]), TypeError, "centers")
bad(
    "show_windows",
    "labels too few",
    lambda: show_windows(IM5, [(2, 2), (2, 2)], labels=["a"]),
    ValueError,
    "labels",
)
bad(
    "show_windows",
    "colors too few",
    lambda: show_windows(IM5, [(1, 1), (2, 2)], colors=["red"]),
    ValueError,
    "colors",
)
good(
    "show_windows",
    "one colour as a string",
    lambda: _refused_or(
        lambda: show_windows(IM5, [(1, 1), (3, 3)], colors="red"),
        ("colors",),
        lambda ax: assert_eq(
            [p.get_edgecolor() for p in ax.patches][-2:], [(1.0, 0.0, 0.0, 1.0)] * 2
        ),
        (TypeError, ValueError),
    ),
)
good(
    "show_windows",
    "numpy kernel_size 3",
    lambda: show_windows(IM5, [(2, 2)], kernel_size=np.int64(3)),
    lambda ax: _window_box(ax, 2, 2, 3),
)
good(
    "show_windows",
    "numpy array of centers",
    lambda: show_windows(IM5, np.array([[1, 1], [3, 3]])),
    lambda ax: _window_box(ax, 3, 3, 3, index=1),
)
good(
    "show_windows",
    "1x1 window in the corner",
    lambda: show_windows(IM5, ((0, 0),), kernel_size=1),
    lambda ax: _window_box(ax, 0, 0, 1),
)


def _window_box(ax, row, col, k, index=0):
    from matplotlib.patches import Rectangle

    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    box = boxes[index]
    assert box.get_xy() == (col - k // 2 - 0.5, row - k // 2 - 0.5), box.get_xy()
    assert (box.get_width(), box.get_height()) == (k, k)


bad("show_unfold", "window outside", lambda: show_unfold(IM8, [(7, 7)]), ValueError, "centers")
bad("show_unfold", "image RGB", lambda: show_unfold(RGB, [(2, 2)]), ValueError, "image")
bad(
    "show_unfold",
    "kernel_size even",
    lambda: show_unfold(IM8, [(2, 2)], kernel_size=2),
    ValueError,
    "kernel_size",
)
bad(
    "show_unfold",
    "kernel_size str",
    lambda: show_unfold(IM8, [(2, 2)], kernel_size="3"),
    TypeError,
    "kernel_size",
)
bad("show_unfold", "centers empty", lambda: show_unfold(IM8, []), ValueError, "centers")
bad("show_unfold", "centers int", lambda: show_unfold(IM8, 3), TypeError, "centers")
good(
    "show_unfold",
    "numpy centers vs F.unfold",
    lambda: show_unfold(IM8, [(np.int64(1), np.int64(1)), (6, 6)], kernel_size=np.int64(3)),
    lambda axs: _unfold_columns(axs, IM8, [(1, 1), (6, 6)], 3),
)


def _unfold_columns(axs, image, centers, k):
    unfolded = F.unfold(image[None, None], k)[0]
    out_w = image.shape[1] - k + 1
    labels = [int(t.get_text()) for t in axs[1].get_xticklabels()]
    expect = [(r - k // 2) * out_w + (c - k // 2) for r, c in centers]
    assert labels == expect, f"columns labelled {labels}, expected {expect}"
    drawn = np.asarray(axs[1].images[-1].get_array())
    close(drawn, unfolded[:, expect])


bad("plot_timings", "times empty", lambda: plot_timings({}, "a"), ValueError, "times")
bad("plot_timings", "times list", lambda: plot_timings([1.0], "a"), TypeError, "times")
bad(
    "plot_timings",
    "times NaN",
    lambda: plot_timings({"a": 1e-3, "b": NAN}, "a"),
    ValueError,
    "times",
)
bad(
    "plot_timings",
    "times negative",
    lambda: plot_timings({"a": 1e-3, "b": -1.0}, "a"),
    ValueError,
    "times",
)
bad(
    "plot_timings",
    "times zero",
    lambda: plot_timings({"a": 1e-3, "b": 0.0}, "a"),
    ValueError,
    "times",
)
bad("plot_timings", "times str value", lambda: plot_timings({"a": "fast"}, "a"), TypeError, "times")
bad(
    "plot_timings",
    "reference missing",
    lambda: plot_timings({"a": 1e-3}, "b"),
    ValueError,
    "reference",
)
bad(
    "plot_timings",
    "reference None",
    lambda: plot_timings({"a": 1e-3}, None),
    (TypeError, ValueError),
    "reference",
)
good(
    "plot_timings",
    "numpy floats",
    lambda: plot_timings({"a": np.float64(1e-3), "b": np.float32(2e-3)}, "a"),
    lambda ax: assert_eq(len(ax.patches), 2),
)

_H = pd.DataFrame(
    {"train_loss": [1.0, 0.5], "valid_loss": [1.1, 0.6], "valid_accuracy": [0.5, 0.7]}
)
bad("plot_history", "no history", lambda: plot_history(), ValueError, ("histories", "history"))
bad("plot_history", "history str", lambda: plot_history("fit"), TypeError, ("histories", "history"))
bad(
    "plot_history",
    "history dict",
    lambda: plot_history({"train_loss": [1]}),
    TypeError,
    ("histories", "history"),
)
bad(
    "plot_history",
    "missing columns",
    lambda: plot_history(pd.DataFrame({"loss": [1.0]})),
    ValueError,
    ("histories", "history"),
)
bad(
    "plot_history",
    "empty history",
    lambda: plot_history(_H.iloc[:0]),
    ValueError,
    ("histories", "history"),
)
bad(
    "plot_history",
    "figsize str",
    lambda: plot_history(_H, figsize="wide"),
    (TypeError, ValueError),
    "figsize",
)
good(
    "plot_history",
    "two runs",
    lambda: plot_history(_H, _H.iloc[:1]),
    lambda axs: assert_eq(len(axs[0].get_lines()[0].get_xdata()), 3),
)

bad("show_channels", "image 2-D", lambda: show_channels(IM5), ValueError, "image")
bad("show_channels", "image str", lambda: show_channels("rgb"), TypeError, "image")
bad(
    "show_channels",
    "image channels last",
    lambda: show_channels(torch.zeros(5, 5, 3)),
    ValueError,
    "image",
)
bad(
    "show_channels",
    "names too few",
    lambda: show_channels(RGB, names=("red", "green")),
    ValueError,
    ("names", "image"),
)
bad("show_channels", "names str", lambda: show_channels(RGB, names="rgb"), TypeError, "names")
bad(
    "show_channels",
    "names not colours",
    lambda: show_channels(RGB, names=("a", "b", "c")),
    ValueError,
    "names",
)
bad(
    "show_channels", "image empty", lambda: show_channels(torch.zeros(3, 0, 0)), ValueError, "image"
)
good(
    "show_channels",
    "numpy image, list names",
    lambda: show_channels(RGB.numpy(), names=["red", "green", "blue"]),
    lambda axs: close(axs[2].images[-1].get_array(), RGB[2]),
)

P3, K33 = rand(2, 3, 3, seed=8), rand(2, 3, 3, seed=9)
bad(
    "show_kernel_on_channels",
    "patch str",
    lambda: show_kernel_on_channels("patch", K33),
    TypeError,
    "patch",
)
bad(
    "show_kernel_on_channels",
    "kernel NaN",
    lambda: show_kernel_on_channels(P3, torch.full((2, 3, 3), NAN)),
    ValueError,
    "kernel",
)
bad(
    "show_kernel_on_channels",
    "patch inf",
    lambda: show_kernel_on_channels(torch.full((2, 3, 3), INF), K33),
    ValueError,
    "patch",
)
bad(
    "show_kernel_on_channels",
    "shapes differ",
    lambda: show_kernel_on_channels(P3, rand(3, 3, 3)),
    ValueError,
    ("patch", "kernel"),
)
bad(
    "show_kernel_on_channels",
    "kernel 2-D",
    lambda: show_kernel_on_channels(P3[0], K33[0]),
    ValueError,
    ("patch", "kernel"),
)
bad(
    "show_kernel_on_channels",
    "kernel too big",
    lambda: show_kernel_on_channels(rand(9, 3, 3), rand(9, 3, 3)),
    ValueError,
    "kernel",
)
bad(
    "show_kernel_on_channels",
    "bias vector",
    lambda: show_kernel_on_channels(P3, K33, bias=torch.zeros(2)),
    ValueError,
    "bias",
)
bad(
    "show_kernel_on_channels",
    "bias str",
    lambda: show_kernel_on_channels(P3, K33, bias="0"),
    TypeError,
    "bias",
)
bad(
    "show_kernel_on_channels",
    "names too few",
    lambda: show_kernel_on_channels(P3, K33, names=["r"]),
    ValueError,
    "names",
)
bad(
    "show_kernel_on_channels",
    "decimals 9",
    lambda: show_kernel_on_channels(P3, K33, decimals=9),
    ValueError,
    "decimals",
)
bad(
    "show_kernel_on_channels",
    "decimals str",
    lambda: show_kernel_on_channels(P3, K33, decimals="2"),
    (TypeError, ValueError),
    "decimals",
)
bad(
    "show_kernel_on_channels",
    "decimals bool",
    lambda: show_kernel_on_channels(P3, K33, decimals=True),
    (TypeError, ValueError),
    "decimals",
)
good(
    "show_kernel_on_channels",
    "numpy decimals, tuple names, float bias",
    lambda: show_kernel_on_channels(
        P3.numpy(), K33.tolist(), bias=0.5, names=("a", "b"), decimals=np.int64(1)
    ),
    lambda r: assert_true(r is not None),
)


# --- checks ---------------------------------------------------------------------------------
section("checks")

_BAD_ANSWERS = {
    "None": None,
    "dict": {"a": 1},
    "set": {24},
    "NaN": NAN,
    "inf": INF,
    "empty text": "",
    "huge int": 10**400,
    "generator": gen(24, 24),
    "negative": -3,
    "bool": True,
    "bytes": b"24",
    "nested junk": [[object()]],
}


def _rejected(answer):
    def check(feedback):
        assert isinstance(feedback, checks.Feedback), (
            f"got {type(feedback).__name__}, not a Feedback"
        )
        assert not feedback.ok, f"{answer!r} was accepted"
        assert feedback.message, "the feedback says nothing"

    return check


def _accepted(feedback):
    assert isinstance(feedback, checks.Feedback), f"got {type(feedback).__name__}"
    assert feedback.ok, f"rejected: {feedback.message}"


for _name in checks.CHECKS:
    _checker = getattr(checks, _name)
    for _label, _answer in _BAD_ANSWERS.items():
        good(
            _name,
            f"answer {_label} is rejected",
            (lambda c=_checker, a=_answer: c(a)),
            _rejected(_answer),
        )
    _spec = checks.CHECKS[_name]
    if _spec["kind"] == "kernel":
        good(
            _name,
            "answer NaN kernel is rejected",
            (lambda c=_checker: c(NAN_K3)),
            _rejected(NAN_K3),
        )
        good(
            _name,
            "answer inf kernel text is rejected",
            (lambda c=_checker: c("inf inf inf; 0 0 0; -inf -inf -inf")),
            _rejected("inf"),
        )
        good(_name, "numpy kernel right", (lambda c=_checker: c(-TOP_EDGE.numpy())), _accepted)
        good(
            _name,
            "tuple kernel right",
            (lambda c=_checker: c(tuple(tuple(r) for r in (-TOP_EDGE).tolist()))),
            _accepted,
        )
    else:
        _right = _spec["answer"]
        _np = [np.int64(v) for v in _right] if isinstance(_right, list) else np.int64(_right)
        good(_name, "numpy ints right", (lambda c=_checker, a=_np: c(a)), _accepted)
        good(
            _name,
            "tuple right",
            (lambda c=_checker, a=_right: c(tuple(a) if isinstance(a, list) else (a,))),
            _accepted,
        )
        good(
            _name,
            "text right",
            (lambda c=_checker, a=_right: c(str(tuple(a)) if isinstance(a, list) else str(a))),
            _accepted,
        )

bad("verdict", "name unknown", lambda: checks.verdict("check_nothing", 1), ValueError, "name")
bad("verdict", "name int", lambda: checks.verdict(3, 1), (TypeError, ValueError), "name")
bad("verdict", "name None", lambda: checks.verdict(None, 1), (TypeError, ValueError), "name")
bad(
    "verdict",
    "name list",
    lambda: checks.verdict(["check_map_size"], 1),
    (TypeError, ValueError),
    "name",
)
good("verdict", "right answer", lambda: checks.verdict("check_map_size", (24, 24)), _accepted)

_IMG = rand(28, 28, seed=10)
_RIGHT = F.conv2d(_IMG[None, None], kernels.edge_kernels.clone())[0].reshape(4, 676)
bad(
    "check_matmul_conv",
    "image str",
    lambda: checks.check_matmul_conv(_RIGHT, "image"),
    TypeError,
    "image",
)
bad(
    "check_matmul_conv",
    "image None",
    lambda: checks.check_matmul_conv(_RIGHT, None),
    TypeError,
    "image",
)
good(
    "check_matmul_conv",
    "result list rejected",
    lambda: checks.check_matmul_conv(_RIGHT.tolist(), _IMG),
    _rejected("list"),
)
good(
    "check_matmul_conv",
    "result NaN rejected",
    lambda: checks.check_matmul_conv(torch.full((4, 676), NAN), _IMG),
    _rejected("NaN"),
)
good(
    "check_matmul_conv",
    "result empty rejected",
    lambda: checks.check_matmul_conv(torch.zeros(0), _IMG),
    _rejected("empty"),
)
good(
    "check_matmul_conv",
    "right (4, 26, 26), image (1, 28, 28)",
    lambda: checks.check_matmul_conv(_RIGHT.view(4, 26, 26), _IMG[None]),
    _accepted,
)

good(
    "Feedback",
    "bool and repr",
    lambda: checks.Feedback(False, "no"),
    lambda r: (assert_eq(bool(r), False), assert_true("no" in repr(r))),
)


# --- exercises ------------------------------------------------------------------------------
section("exercises")

bad("AnswerBox", "name int", lambda: exercises.AnswerBox(3), TypeError, "name")
bad("AnswerBox", "name unknown", lambda: exercises.AnswerBox("check_nothing"), ValueError, "name")
bad(
    "AnswerBox",
    "code exercise",
    lambda: exercises.AnswerBox("check_matmul_conv"),
    ValueError,
    "name",
)
good(
    "AnswerBox",
    "a checker's name",
    lambda: exercises.AnswerBox("check_map_size"),
    lambda r: assert_eq(r.name, "check_map_size"),
)
good(
    "AnswerCode",
    "made",
    lambda: exercises.AnswerCode(),
    lambda r: assert_true("export" in r.source),
)
bad("answer_box", "check int", lambda: exercises.answer_box(3), TypeError, "check")
bad("answer_box", "check None", lambda: exercises.answer_box(None), TypeError, "check")
bad(
    "answer_box",
    "check a lambda",
    lambda: exercises.answer_box(lambda a: True),
    ValueError,
    "check",
)
bad(
    "answer_box",
    "check unknown name",
    lambda: exercises.answer_box("check_nothing"),
    ValueError,
    "check",
)
good(
    "answer_box",
    "checker function",
    lambda: exercises.answer_box(checks.check_map_size),
    lambda r: assert_eq(r.name, "check_map_size"),
)
good(
    "answer_box",
    "checker name",
    lambda: exercises.answer_box("check_map_size"),
    lambda r: assert_eq(r.name, "check_map_size"),
)


# --- widgets --------------------------------------------------------------------------------
section("widgets")
TE = (traitlets.TraitError, TypeError, ValueError)  # the traitlets-only widgets' errors


def trait(name):
    """A trait's name as traitlets ('s') or the package (s must ...) writes it."""
    return (f"'{name}'", f"{name} must")


bad("ConvGrid", "s zero", lambda: cw.ConvGrid(stride=0), TE, trait("stride"))
bad("ConvGrid", "n zero", lambda: cw.ConvGrid(size=0), TE, trait("size"))
bad("ConvGrid", "k str", lambda: cw.ConvGrid(kernel_size="3"), TE, trait("kernel_size"))
bad("ConvGrid", "p negative", lambda: cw.ConvGrid(padding=-1), TE, trait("padding"))
bad("ConvGrid", "d float", lambda: cw.ConvGrid(dilation=1.5), TE, trait("dilation"))
bad("ConvGrid", "n huge", lambda: cw.ConvGrid(size=10**9), TE, trait("size"))
bad(
    "ConvGrid", "s set later to 0", lambda: setattr(cw.ConvGrid(), "stride", 0), TE, trait("stride")
)
good(
    "ConvGrid",
    "values kept",
    lambda: cw.ConvGrid(size=7, kernel_size=3, padding=0, stride=2, dilation=1),
    lambda g: assert_eq((g.size, g.kernel_size, g.padding, g.stride, g.dilation), (7, 3, 0, 2, 1)),
)

bad("ConvExplorer", "n zero", lambda: cw.ConvExplorer(size=0), ValueError, "size")
bad("ConvExplorer", "s str", lambda: cw.ConvExplorer(stride="1"), TypeError, "stride")
bad("ConvExplorer", "k float", lambda: cw.ConvExplorer(kernel_size=3.0), TypeError, "kernel_size")
bad("ConvExplorer", "d bool", lambda: cw.ConvExplorer(dilation=True), TypeError, "dilation")
bad("ConvExplorer", "p huge", lambda: cw.ConvExplorer(padding=10**6), ValueError, "padding")
good(
    "ConvExplorer",
    "numpy ints vs torch",
    lambda: cw.ConvExplorer(
        size=np.int64(7), kernel_size=np.int64(3), padding=np.int64(1), stride=np.int64(2)
    ),
    lambda e: assert_eq(e.output_size, valid_size(7, 3, 2, 1)),
)

bad("FeatureMap", "height zero", lambda: cw.FeatureMap(height=0), TE, trait("height"))
bad("FeatureMap", "stride zero", lambda: cw.FeatureMap(stride=0), TE, trait("stride"))
bad("FeatureMap", "image of str", lambda: cw.FeatureMap(image=["a"]), TE, trait("image"))
good("FeatureMap", "defaults", lambda: cw.FeatureMap(), lambda m: assert_eq(m.stride, 1))

bad("KernelExplorer", "image list", lambda: cw.KernelExplorer(IM5.tolist(), K3), TypeError, "image")
bad("KernelExplorer", "image None", lambda: cw.KernelExplorer(None, K3), TypeError, "image")
bad(
    "KernelExplorer",
    "image empty",
    lambda: cw.KernelExplorer(torch.zeros(0, 5), K3),
    ValueError,
    "image",
)
bad(
    "KernelExplorer",
    "image NaN",
    lambda: cw.KernelExplorer(torch.full((5, 5), NAN), K3),
    ValueError,
    "image",
)
bad("KernelExplorer", "kernel NaN", lambda: cw.KernelExplorer(IM5, NAN_K3), ValueError, "kernel")
bad(
    "KernelExplorer",
    "kernel empty",
    lambda: cw.KernelExplorer(IM5, torch.ones(0, 0)),
    ValueError,
    "kernel",
)
bad("KernelExplorer", "kernel 3-D", lambda: cw.KernelExplorer(IM5, K3[None]), ValueError, "kernel")
bad(
    "KernelExplorer",
    "stride zero",
    lambda: cw.KernelExplorer(IM5, K3, stride=0),
    ValueError,
    "stride",
)
bad(
    "KernelExplorer",
    "padding str",
    lambda: cw.KernelExplorer(IM5, K3, padding="same"),
    TypeError,
    "padding",
)
bad(
    "KernelExplorer",
    "huge image",
    lambda: cw.KernelExplorer(torch.zeros(1).expand(10000, 10000), K3),
    ValueError,
    "image",
    guard=True,
)
good(
    "KernelExplorer",
    "numpy ints vs torch",
    lambda: cw.KernelExplorer(IM8, K3, np.int64(2), np.int64(1), np.int64(1)).feature_map(),
    lambda r: close(
        r, F.conv2d(IM8[None, None], K3[None, None], stride=2, padding=1)[0, 0], atol=1e-2
    ),
)

bad("kernel_explorer", "image None", lambda: cw.kernel_explorer(None, K3), TypeError, "image")
bad(
    "kernel_explorer",
    "kernel list",
    lambda: cw.kernel_explorer(IM5, K3.tolist()),
    TypeError,
    "kernel",
)
good(
    "kernel_explorer",
    "a KernelExplorer",
    lambda: cw.kernel_explorer(IM5, K3),
    lambda r: close(r.feature_map(), F.conv2d(IM5[None, None], K3[None, None])[0, 0], atol=1e-2),
)

bad("PoolView", "kernel_size 5", lambda: cw.PoolView(kernel_size=5), TE, trait("kernel_size"))
bad("PoolView", "mode 9", lambda: cw.PoolView(mode=9), TE, trait("mode"))
good("PoolView", "defaults", lambda: cw.PoolView(), lambda v: assert_eq(v.kernel_size, 2))

bad("PoolExplorer", "mode min", lambda: cw.PoolExplorer(IM8, mode="min"), ValueError, "mode")
bad("PoolExplorer", "mode int", lambda: cw.PoolExplorer(IM8, mode=0), TypeError, "mode")
bad(
    "PoolExplorer",
    "kernel_size zero",
    lambda: cw.PoolExplorer(IM8, kernel_size=0),
    ValueError,
    "kernel_size",
)
bad("PoolExplorer", "stride float", lambda: cw.PoolExplorer(IM8, stride=2.0), TypeError, "stride")
bad(
    "PoolExplorer",
    "ceil_mode str",
    lambda: cw.PoolExplorer(IM8, ceil_mode="yes"),
    TypeError,
    "ceil_mode",
)
bad("PoolExplorer", "image 1-D", lambda: cw.PoolExplorer(torch.zeros(8)), ValueError, "image")
bad("PoolExplorer", "image numpy", lambda: cw.PoolExplorer(IM8.numpy()), TypeError, "image")
bad(
    "PoolExplorer",
    "image inf",
    lambda: cw.PoolExplorer(torch.full((4, 4), INF)),
    ValueError,
    "image",
)
bad(
    "PoolExplorer", "image 70x70", lambda: cw.PoolExplorer(torch.zeros(70, 70)), ValueError, "image"
)
good(
    "PoolExplorer",
    "ceil_mode on 5, numpy ints",
    lambda: cw.PoolExplorer(IM5, np.int64(2), np.int64(2), "max", True).output(),
    lambda r: close(r, F.max_pool2d(IM5[None, None], 2, 2, ceil_mode=True)[0, 0], atol=1e-2),
)

bad("SlidingWindow", "height 2", lambda: cw.SlidingWindow(height=2), TE, trait("height"))
bad("SlidingWindow", "position -1", lambda: cw.SlidingWindow(position=-1), TE, trait("position"))
good("SlidingWindow", "defaults", lambda: cw.SlidingWindow(), lambda w: assert_eq(w.position, 0))

bad("WindowExplorer", "image None", lambda: cw.WindowExplorer(None), TypeError, "image")
bad(
    "WindowExplorer", "image 2x2", lambda: cw.WindowExplorer(torch.zeros(2, 2)), ValueError, "image"
)
bad(
    "WindowExplorer",
    "kernel 5x5",
    lambda: cw.WindowExplorer(IM8, torch.ones(5, 5)),
    ValueError,
    "kernel",
)
bad("WindowExplorer", "kernel NaN", lambda: cw.WindowExplorer(IM8, NAN_K3), ValueError, "kernel")
bad("WindowExplorer", "position -1", lambda: cw.WindowExplorer(IM8, K3, -1), ValueError, "position")
bad(
    "WindowExplorer",
    "position too large",
    lambda: cw.WindowExplorer(IM5, K3, 10),
    ValueError,
    "position",
)
bad(
    "WindowExplorer", "position str", lambda: cw.WindowExplorer(IM5, K3, "1"), TypeError, "position"
)
good(
    "WindowExplorer",
    "numpy position vs torch",
    lambda: cw.WindowExplorer(IM8, K3, np.int64(4)),
    lambda e: close(e.feature_map(), F.conv2d(e.image[None, None], K3[None, None])[0, 0]),
)

bad("UnfoldMatrix", "k zero", lambda: cw.UnfoldMatrix(kernel_size=0), TE, trait("kernel_size"))
bad("UnfoldMatrix", "column -1", lambda: cw.UnfoldMatrix(column=-1), TE, trait("column"))
good("UnfoldMatrix", "defaults", lambda: cw.UnfoldMatrix(), lambda m: assert_eq(m.kernel_size, 3))

bad("UnfoldExplorer", "image 9x9", lambda: cw.UnfoldExplorer(rand(9, 9)), ValueError, "image")
bad("UnfoldExplorer", "image list", lambda: cw.UnfoldExplorer(IM5.tolist()), TypeError, "image")
bad("UnfoldExplorer", "kernel NaN", lambda: cw.UnfoldExplorer(IM5, NAN_K3), ValueError, "kernel")
bad(
    "UnfoldExplorer",
    "kernel not square",
    lambda: cw.UnfoldExplorer(IM5, torch.ones(3, 2)),
    ValueError,
    "kernel",
)
bad(
    "UnfoldExplorer",
    "kernel empty",
    lambda: cw.UnfoldExplorer(IM5, torch.ones(0, 0)),
    ValueError,
    "kernel",
)
bad(
    "UnfoldExplorer",
    "kernel larger than image",
    lambda: cw.UnfoldExplorer(torch.zeros(2, 2), K3),
    ValueError,
    "kernel",
)
good(
    "UnfoldExplorer",
    "vs F.unfold",
    lambda: cw.UnfoldExplorer(IM5, K3).matrix(),
    lambda r: close(r, F.unfold(IM5[None, None], 3)[0], atol=1e-2),
)

bad("ChannelMaps", "kernel of 9", lambda: cw.ChannelMaps(kernel=[0.0] * 9), TE, trait("kernel"))
bad("ChannelMaps", "mode 2", lambda: cw.ChannelMaps(mode=2), TE, trait("mode"))
good(
    "ChannelMaps",
    "made",
    lambda: cw.ChannelMaps(kernel=[0.0] * 27, mix=[1.0, 0.0, 0.0]),
    lambda m: assert_eq(len(m.kernel), 27),
)

bad("ChannelsExplorer", "image 2-D", lambda: cw.ChannelsExplorer(IM5), ValueError, "image")
bad("ChannelsExplorer", "image None", lambda: cw.ChannelsExplorer(None), TypeError, "image")
bad(
    "ChannelsExplorer",
    "image 4 channels",
    lambda: cw.ChannelsExplorer(rand(4, 5, 5)),
    ValueError,
    "image",
)
bad(
    "ChannelsExplorer",
    "image NaN",
    lambda: cw.ChannelsExplorer(torch.full((3, 5, 5), NAN)),
    ValueError,
    "image",
)
bad(
    "ChannelsExplorer", "image 2x2", lambda: cw.ChannelsExplorer(rand(3, 2, 2)), ValueError, "image"
)
good(
    "ChannelsExplorer",
    "output vs torch",
    lambda: cw.ChannelsExplorer(RGB),
    lambda e: close(e.output(), F.conv2d(e.image[None], e.weight())[0, 0]),
)

_DIGITS = (rand(3, 1, 28, 28, seed=11), torch.tensor([1, 2, 3]))
bad("NetworkExplorer", "model str", lambda: cw.NetworkExplorer("cnn", *_DIGITS), TypeError, "model")
bad(
    "NetworkExplorer",
    "images wrong shape",
    lambda: cw.NetworkExplorer(simple_cnn(), torch.zeros(3, 5, 5), _DIGITS[1]),
    ValueError,
    "images",
)
bad(
    "NetworkExplorer",
    "images list",
    lambda: cw.NetworkExplorer(simple_cnn(), _DIGITS[0].tolist(), _DIGITS[1]),
    TypeError,
    "images",
)
bad(
    "NetworkExplorer",
    "labels float",
    lambda: cw.NetworkExplorer(simple_cnn(), _DIGITS[0], _DIGITS[1].float()),
    TypeError,
    "labels",
)
bad(
    "NetworkExplorer",
    "labels too few",
    lambda: cw.NetworkExplorer(simple_cnn(), _DIGITS[0], _DIGITS[1][:2]),
    ValueError,
    "labels",
)
bad(
    "NetworkExplorer",
    "images NaN",
    lambda: cw.NetworkExplorer(simple_cnn(), torch.full((3, 1, 28, 28), NAN), _DIGITS[1]),
    ValueError,
    "images",
)
bad(
    "NetworkExplorer",
    "n_random negative",
    lambda: cw.NetworkExplorer(simple_cnn(), *_DIGITS, n_random=-1),
    ValueError,
    "n_random",
)
bad(
    "NetworkExplorer",
    "n_wrong str",
    lambda: cw.NetworkExplorer(simple_cnn(), *_DIGITS, n_wrong="8"),
    TypeError,
    "n_wrong",
)
bad(
    "NetworkExplorer",
    "n_random huge",
    lambda: cw.NetworkExplorer(simple_cnn(), *_DIGITS, n_random=10**9),
    ValueError,
    "n_random",
)
bad(
    "NetworkExplorer",
    "model too big",
    lambda: cw.NetworkExplorer(
        nn.Sequential(nn.Flatten(), nn.Linear(784, 1300), nn.ReLU(), nn.Linear(1300, 10)), *_DIGITS
    ),
    ValueError,
    "model",
)
bad(
    "NetworkExplorer",
    "model with BatchNorm",
    lambda: cw.NetworkExplorer(
        nn.Sequential(
            nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(2 * 26 * 26, 10)
        ),
        *_DIGITS,
    ),
    ValueError,
    "model",
)
good(
    "NetworkExplorer",
    "batch of one, numpy ints",
    lambda: cw.NetworkExplorer(
        simple_cnn(), _DIGITS[0][:1], _DIGITS[1][:1], n_random=np.int64(1), n_wrong=np.int64(0)
    ),
    lambda e: assert_eq(tuple(e.probabilities().shape)[-1], 10),
)

bad("FieldView", "layers empty", lambda: cw.FieldView(layers=[]), TE, "layers")
bad("FieldView", "layer of two", lambda: cw.FieldView(layers=[[3, 1]]), TE, "layers")
bad("FieldView", "level zero", lambda: cw.FieldView(level=0), TE, trait("level"))
good(
    "FieldView",
    "one layer",
    lambda: cw.FieldView(layers=[[3, 1, 0, 1]]),
    lambda v: assert_eq(v.layers, [[3, 1, 0, 1]]),
)

bad("FieldExplorer", "image None", lambda: cw.FieldExplorer(None), TypeError, "image")
bad(
    "FieldExplorer",
    "image too big",
    lambda: cw.FieldExplorer(torch.zeros(100, 100)),
    ValueError,
    "image",
)
bad("FieldExplorer", "layers str", lambda: cw.FieldExplorer(IM28, "cnn"), TypeError, "layers")
bad("FieldExplorer", "layers empty", lambda: cw.FieldExplorer(IM28, []), ValueError, "layers")
bad(
    "FieldExplorer",
    "layers do not fit",
    lambda: cw.FieldExplorer(IM5, [(7, 1, 0)]),
    ValueError,
    "layers",
)
bad(
    "FieldExplorer",
    "layer kernel zero",
    lambda: cw.FieldExplorer(IM28, [(0, 1, 0)]),
    ValueError,
    "layers",
)
bad(
    "FieldExplorer",
    "unknown layer",
    lambda: cw.FieldExplorer(IM28, nn.Sequential(nn.Upsample(scale_factor=2))),
    ValueError,
    ("layers", "Upsample"),
)
good(
    "FieldExplorer",
    "numpy layers vs receptive_field",
    lambda: cw.FieldExplorer(IM28, [(np.int64(3), np.int64(2), np.int64(1))]),
    lambda e: assert_eq(e.table()["output"].iloc[-1], valid_size(28, 3, 2, 1)),
)


# --- small assertions -------------------------------------------------------------------------


def assert_eq(a, b):
    assert a == b, f"{a!r} != {b!r}"


def assert_type(value, kind):
    assert isinstance(value, kind), f"{type(value).__name__} is not {kind.__name__}"


def assert_true(value, message="false"):
    assert value, message


# --- running a row ----------------------------------------------------------------------------


def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _outcome(call, check):
    """What ``call`` did: ("ok", None, None) or ("raised", [class names of its MRO], message)."""
    try:
        result = call()
    except BaseException as err:
        if isinstance(err, (KeyboardInterrupt, pytest.skip.Exception)):
            raise
        return ("raised", [f"{c.__module__}.{c.__qualname__}" for c in type(err).__mro__], str(err))
    if check is not None:
        try:
            check(result)
        except AssertionError as err:
            return ("wrong", None, str(err))
    return ("ok", None, None)


class RowTimeout(BaseException):  # not an Exception: the package must not catch it
    """An unguarded row ran for more than ROW_SECONDS."""


def _alarm(signum, frame):
    raise RowTimeout(f"still running after {ROW_SECONDS:.0f} s (interrupted)")


def _timed(call, check):
    """``_outcome``, interrupted if it runs for more than ROW_SECONDS."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, ROW_SECONDS)
    try:
        return _outcome(call, check)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _guarded(call, check):
    """``_outcome`` in a forked child with a memory cap and a time limit."""
    read, write = os.pipe()
    limit = _vm_bytes() + GUARD_MEMORY
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                out = _outcome(call, check)
            except BaseException as err:
                out = ("raised", [type(err).__name__], str(err))
            os.write(write, pickle.dumps(out))
        finally:
            os._exit(0)
    os.close(write)
    start, chunks = time.monotonic(), []
    try:
        while True:
            left = GUARD_SECONDS - (time.monotonic() - start)
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return ("hang", None, f"still running after {GUARD_SECONDS:.0f} s (killed)")
            ready, _, _ = select.select([read], [], [], left)
            if ready:
                chunk = os.read(read, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read)
        os.waitpid(pid, 0)
    if not chunks:
        return ("died", None, "the child died without an answer (out of memory?)")
    return pickle.loads(b"".join(chunks))


def _describe(outcome):
    kind, mro, message = outcome
    if kind == "raised":
        return f"{mro[0].split('.')[-1]}: {message}"
    return f"{kind}: {message}"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_row(row):
    try:
        outcome = _guarded(row.call, row.check) if row.guard else _timed(row.call, row.check)
    finally:
        plt.close("all")
    kind, mro, message = outcome
    if row.raises is None:
        assert kind == "ok", f"a valid call failed: {_describe(outcome)}"
        return
    expected = row.raises if isinstance(row.raises, tuple) else (row.raises,)
    wanted = [f"{c.__module__}.{c.__qualname__}" for c in expected]
    assert kind == "raised", (
        f"expected {'/'.join(c.__name__ for c in expected)} naming "
        f"{' or '.join(row.names)}, got {_describe(outcome)}"
    )
    assert any(w in mro for w in wanted), (
        f"expected {'/'.join(c.__name__ for c in expected)}, got {_describe(outcome)}"
    )
    assert any(name in message for name in row.names), (
        f"the message does not name {' or '.join(repr(n) for n in row.names)}: {_describe(outcome)}"
    )


# --- the sweep stays complete ---------------------------------------------------------------


def _public():
    """Every public callable (and tensor, or list of them) of the package: ``{name: object}``."""
    found = {}
    modules = [coursecode] + [
        importlib.import_module(f"coursecode.{m.name}")
        for m in pkgutil.iter_modules(coursecode.__path__)
        if not m.name.startswith("_")
    ]
    for module in modules:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            # tensors: the edge kernels; a list: named_edge_kernels
            if callable(obj) or isinstance(obj, (torch.Tensor, list)):
                found[name] = obj
    return found


def test_table_is_complete():
    covered = {row.fn for row in ROWS}
    missing = sorted(set(_public()) - covered)
    assert not missing, f"public callables with no row in the sweep's table: {missing}"


def test_every_public_callable_has_a_bad_row():
    # Feedback, DownloadError and AnswerCode are plain classes without arguments to check
    # beyond their fields; everything else must be tried with at least one bad input.
    bad_rows = {row.fn for row in ROWS if row.raises is not None}
    exempt = {"DownloadError", "CacheError", "AnswerCode", "Feedback"} | set(checks.CHECKS)
    exempt |= {name for name, obj in _public().items() if isinstance(obj, (torch.Tensor, list))}
    missing = sorted(set(_public()) - bad_rows - exempt)
    assert not missing, f"public callables with no bad-input row: {missing}"


def test_row_ids_are_unique():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
