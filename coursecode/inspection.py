"""Model inspection, what runs a model: receptive fields and per-layer shapes.

The pure formulas (output sizes, "same" padding) are in :mod:`coursecode.arithmetic`.
``layer_shapes`` is introduced in lessons/04_cnn, ``receptive_field`` in
lessons/06_receptive_fields.
"""

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager

import pandas as pd
import torch
from torch import nn
from torch.func import functional_call

from coursecode._geometry import effective_kernel
from coursecode._geometry import out_size_1d
from coursecode._validate import as_pair
from coursecode._validate import check_int

__all__ = ["layer_shapes", "receptive_field"]


# Layers that act on each position separately: they leave the receptive field alone.
_POINTWISE = (
    nn.Identity,
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.PReLU,
    nn.ELU,
    nn.SELU,
    nn.CELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Sigmoid,
    nn.Tanh,
    nn.Hardtanh,
    nn.Hardswish,
    nn.Hardsigmoid,
    nn.Softplus,
    nn.Softmax,
    nn.Softmax2d,
    nn.LogSoftmax,
    nn.modules.batchnorm._BatchNorm,
    nn.modules.instancenorm._InstanceNorm,
    nn.GroupNorm,
    nn.LocalResponseNorm,
    nn.modules.dropout._DropoutNd,
)
# Layers after which there is no spatial map left: the walk stops there.
_END_OF_SPATIAL = (nn.Flatten, nn.Linear, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
_SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)


# A layer's geometry: kernel, stride, padding at the start (top/left), dilation, padding at
# the end (bottom/right) and ceil_mode, each a (height, width) pair but the last.
_Geometry = tuple


def _layer_params(module: nn.Module, name: str) -> _Geometry:
    kind = type(module).__name__
    where = f"{kind} {name!r} in layers" if name else f"{kind} layers"
    k = as_pair(module.kernel_size, f"{where} kernel_size", 1)
    s = as_pair(module.stride, f"{where} stride", 1)
    d = as_pair(getattr(module, "dilation", 1), f"{where} dilation", 1)
    padding = module.padding
    if padding == "valid":
        start = end = (0, 0)
    elif padding == "same":
        # PyTorch puts the smaller half of an odd total on the top/left side.
        total = tuple(di * (ki - 1) for ki, di in zip(k, d))
        start = tuple(t // 2 for t in total)
        end = tuple(t - t // 2 for t in total)
    else:
        start = end = as_pair(padding, f"{where} padding", 0)
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        for i in range(2):
            half = k[i] // 2  # of the kernel, not of its dilated span
            if start[i] > half:
                raise ValueError(
                    f"{where} has padding={module.padding}, but a pooling layer's padding must "
                    f"be at most half its kernel ({half}); PyTorch refuses to run it"
                )
    return k, s, start, d, end, bool(getattr(module, "ceil_mode", False))


class _StopWalk(Exception):
    """Raised by a hook at a layer after which there is no spatial map left."""


class _UnknownLayer(ValueError):
    """A layer whose effect on the field receptive_field does not know."""


def _classify(module: nn.Module, name: str) -> str:
    """'spatial', 'pointwise' or 'end' for a leaf layer; raise for one we cannot handle."""
    if isinstance(module, _END_OF_SPATIAL):
        return "end"
    if isinstance(module, _SPATIAL):
        return "spatial"
    if isinstance(module, _POINTWISE):
        return "pointwise"
    where = f"layer {name!r} of layers" if name else "layers itself"
    raise _UnknownLayer(
        f"receptive_field does not know how {type(module).__name__} ({where}) "
        f"changes the field; it walks Conv2d, MaxPool2d and AvgPool2d and skips "
        f"pointwise layers. Pass layers as a list of (kernel, stride, padding[, dilation]) instead."
    )


def _runs_in_registration_order(model: nn.Module) -> bool:
    """Whether the leaves run in the order they were registered: a tree of Sequentials
    (or ModuleLists, which hold layers in the order of a list)."""
    return all(
        type(m).forward is nn.Sequential.forward or type(m) is nn.ModuleList
        for m in model.modules()
        if next(m.children(), None) is not None
    )


@contextmanager
def _inspecting(model: nn.Module):
    """Eval mode while inspecting ``model`` (no BatchNorm update), then each flag as it was."""
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode


def _meta_state(model: nn.Module) -> dict:
    """Shape-only stand-ins for the parameters and buffers: a forward on them costs nothing."""
    return {
        name: torch.empty_like(t, device="meta")
        for name, t in itertools.chain(model.named_parameters(), model.named_buffers())
    }


def _trace_order(model: nn.Module, input_size, geometry: dict) -> list[tuple[str, nn.Module]]:
    """The spatial layers in the order ``model.forward`` calls them (a reused one each time).

    Runs the model on the meta device (shapes only, no memory, the model untouched) with a
    hook on every leaf layer; the hook at a Flatten, Linear or adaptive pooling ends the run.
    Fills ``geometry`` with every spatial layer's :func:`_layer_params`, which sizes the inputs
    tried (the caller reuses them).
    """
    names = {}
    for name, module in model.named_modules():
        names.setdefault(module, name)
    leaves = [m for m in names if next(m.children(), None) is None]
    order = []

    def hook(module, _args):
        kind = _classify(module, names[module])
        if kind == "end":
            raise _StopWalk
        if kind == "spatial":
            order.append((names[module], module))

    # Inputs to try: the model's own size first, then one large enough for its layers run
    # once each in any order, then a huge one (a layer may run many times): on the meta
    # device size costs nothing. And the channel counts its first layers may expect.
    for m in leaves:
        if isinstance(m, _SPATIAL):
            geometry[m] = _layer_params(m, names[m])
    reach = 1 + sum(effective_kernel(max(k), max(d)) for k, _, _, d, _, _ in geometry.values())
    strides = math.prod(max(s) for _, s, _, _, _, _ in geometry.values())
    sizes = [] if input_size is None else [input_size]
    sizes += [(n, n) for n in dict.fromkeys([min(2 * reach * strides + 64, 2**20), 2**20])]
    channels = [m.in_channels for m in leaves if isinstance(m, nn.Conv2d)]
    channels += [
        m.num_features
        for m in leaves
        if isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)) and m.num_features
    ]
    channels = list(dict.fromkeys(channels + [1, 3]))
    first = next(itertools.chain(model.parameters(), model.buffers()), None)
    dtype = first.dtype if first is not None and first.is_floating_point() else torch.float32

    handles = [m.register_forward_pre_hook(hook) for m in leaves]
    errors = []
    try:
        with _inspecting(model), torch.no_grad():
            state = _meta_state(model)
            for size, c in itertools.product(sizes, channels):
                order.clear()
                x = torch.zeros(1, c, *size, dtype=dtype, device="meta")
                try:
                    functional_call(model, state, (x,))
                except _StopWalk:
                    return order
                except _UnknownLayer:
                    raise
                except Exception as err:
                    errors.append(f"{type(err).__name__}: {err}")
                else:
                    return order
    finally:
        for handle in handles:
            handle.remove()
    raise ValueError(
        f"receptive_field must run layers (a {type(model).__name__}, whose forward is its own) "
        f"to see the order its layers run in, but it failed on every input tried "
        f"({errors[0]}). Pass input_size= the (height, width) the model takes, or a list of "
        f"(kernel, stride, padding[, dilation]) tuples."
    ) from None


def _module_walk(model: nn.Module, input_size, geometry: dict) -> list[tuple[str, nn.Module]]:
    """The spatial layers of ``model`` in the order they run, each as ``(path, layer)``
    (a traced walk fills ``geometry``: see :func:`_trace_order`)."""
    if not _runs_in_registration_order(model):
        return _trace_order(model, input_size, geometry)
    # Sequentials run their layers in the order they hold them: walk the tree.
    # remove_duplicate=False: a layer that a Sequential holds twice runs twice, and
    # widens the field twice.
    walk = []
    for name, module in model.named_modules(remove_duplicate=False):
        if next(module.children(), None) is not None:
            continue  # a container: its leaves come next
        kind = _classify(module, name)
        if kind == "end":
            break
        if kind == "spatial":
            walk.append((name, module))
    return walk


def spatial_layers(layers, input_size=None) -> list[tuple[str, _Geometry]]:
    """Turn a module or a list of tuples into ``[(name, geometry), ...]``, in running order."""
    if isinstance(layers, nn.Module):
        geometry = {}  # each layer's _layer_params, computed once however often it runs
        try:
            walk = _module_walk(layers, input_size, geometry)
        except _UnknownLayer as err:
            raise ValueError(str(err)) from None
        found, seen = [], Counter()
        for name, module in walk:
            # "Conv2d 2": the second Conv2d of the walk, however Sequentials nest it.
            kind = type(module).__name__
            seen[kind] += 1
            if module not in geometry:
                geometry[module] = _layer_params(module, name)
            found.append((f"{kind} {seen[kind]}", geometry[module]))
        return found
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            "layers must be an nn.Module or a list of (kernel, stride, padding[, dilation]) "
            f"tuples, got {type(layers).__name__}"
        )
    found = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (3, 4):
            raise TypeError(
                f"layers[{i}] must be a tuple (kernel, stride, padding[, dilation]), got {layer!r}"
            )
        k, s, p, *d = layer
        p = as_pair(p, f"layers[{i}] padding", 0)
        found.append(
            (
                f"layer {i + 1}",
                (
                    as_pair(k, f"layers[{i}] kernel", 1),
                    as_pair(s, f"layers[{i}] stride", 1),
                    p,
                    as_pair(d[0] if d else 1, f"layers[{i}] dilation", 1),
                    p,
                    False,
                ),
            )
        )
    return found


def _show(pair):
    """One number when height and width agree, else the pair."""
    pair = tuple(int(v) if float(v).is_integer() else v for v in pair)
    return pair[0] if pair[0] == pair[1] else pair


def receptive_field(layers, input_size=None) -> pd.DataFrame:
    """Receptive field of every spatial layer: the input pixels one output unit depends on.

    Walks the layers in order, keeping three numbers per axis (input pixels as the unit):

    - ``size`` r: the side of the field, ``r ← r + (k_eff − 1)·j``;
    - ``jump`` j: the distance between neighbouring units' fields, ``j ← j·s``;
    - ``start``: the centre of the first (top-left) unit's field,
      ``start ← start + ((k_eff − 1)/2 − p)·j``,

    where ``k_eff = d(k − 1) + 1`` is the span of a dilated kernel.

    Parameters
    ----------
    layers
        An ``nn.Module`` (its Conv2d, MaxPool2d and AvgPool2d layers are
        walked in the order they run, pointwise layers such as ReLU or
        BatchNorm skipped, and the walk ends at a Flatten, Linear or adaptive
        pooling layer), or a list of ``(kernel, stride, padding)`` or
        ``(kernel, stride, padding, dilation)`` tuples, each value an int or a
        pair. A tree of Sequentials (or a ModuleList) runs its layers in the
        order it holds them;
        a module with a ``forward`` of its own is run once on the ``meta``
        device (shapes only: no memory, and the model is left as it was) to
        see the order its layers run in. Operations in a ``forward`` that are
        not layers (``F.max_pool2d``, a skip connection's ``+``) are not seen.
    input_size
        Optional input height/width (int or pair): adds each layer's output
        size, computed as PyTorch does (``ceil_mode``, ``padding="same"`` and
        ``"valid"``). For ``padding="same"`` with an even kernel the
        ``padding`` column shows the top/left padding; PyTorch puts the extra
        pixel at the bottom/right.

    Returns
    -------
    pandas.DataFrame
        One row per spatial layer: ``layer, kernel, stride, padding, dilation,
        size, jump, start`` (and ``output`` with ``input_size``). A value is a
        pair only where height and width differ.

        ``layer`` names the row. For a module it is the layer's class and its
        number among the layers of that class, counted in the order of the walk
        from 1: ``Conv2d 1``, ``Conv2d 2``, ``MaxPool2d 1``, ... The numbers do
        not depend on how Sequentials nest the layers, so every name is unique
        (a layer the model holds twice gets two rows and two numbers). For a
        list the rows are ``layer 1``, ``layer 2``, ... in list order. The index, ``l``,
        numbers the spatial layers from 1, as the recurrence does (the input is
        ``l = 0``, one pixel: ``r = 1``, ``j = 1``, ``start = 0``).

    Examples
    --------
    >>> table = receptive_field([(3, 2, 1), (3, 2, 1)])
    >>> table[["layer", "size", "jump", "start"]]  # doctest: +NORMALIZE_WHITESPACE
         layer  size  jump  start
    l
    1  layer 1     3     2      0
    2  layer 2     7     4      0

    Sequentials inside a model do not change the names:

    >>> block = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU())
    >>> model = nn.Sequential(block, nn.MaxPool2d(2), nn.Sequential(nn.Conv2d(1, 1, 3)))
    >>> table = receptive_field(model)
    >>> table[["layer", "kernel", "stride", "size", "jump"]]  # doctest: +NORMALIZE_WHITESPACE
             layer  kernel  stride  size  jump
    l
    1     Conv2d 1       3       1     3     1
    2  MaxPool2d 1       2       2     4     2
    3     Conv2d 2       3       1     8     2
    """
    size = as_pair(input_size, "input_size", 1) if input_size is not None else None
    spatial = spatial_layers(layers, size)
    r, j, start = (1, 1), (1, 1), (0.0, 0.0)
    rows = []
    for name, (k, s, p, d, p_end, ceil_mode) in spatial:
        span = tuple(effective_kernel(k[i], d[i]) for i in range(2))
        start = tuple(start[i] + ((span[i] - 1) / 2 - p[i]) * j[i] for i in range(2))
        r = tuple(r[i] + (span[i] - 1) * j[i] for i in range(2))
        j = tuple(j[i] * s[i] for i in range(2))
        row = {
            "layer": name,
            "kernel": _show(k),
            "stride": _show(s),
            "padding": _show(p),
            "dilation": _show(d),
            "size": _show(r),
            "jump": _show(j),
            "start": _show(start),
        }
        if size is not None:
            try:
                size = tuple(
                    out_size_1d(size[i], k[i], s[i], p[i], d[i], axis, p_end[i], ceil_mode)
                    for i, axis in enumerate((" height", " width"))
                )
            except ValueError as err:
                raise ValueError(
                    f"input_size={input_size!r} is too small for {name}: {err}"
                ) from None
            row["output"] = _show(size)
        rows.append(row)
    columns = ["layer", "kernel", "stride", "padding", "dilation", "size", "jump", "start"]
    table = pd.DataFrame(rows, columns=columns + (["output"] if size is not None else []))
    # Numbered as the recurrence numbers layers (the input is layer 0), not from pandas' 0.
    table.index = pd.RangeIndex(1, len(table) + 1, name="l")
    return table


def _describe(module: nn.Module) -> str:
    if isinstance(module, nn.Sequential):
        return " + ".join(_describe(m) for m in module)
    if isinstance(module, nn.Conv2d):
        k = _show(module.kernel_size)
        s = _show(module.stride)
        p = module.padding if isinstance(module.padding, str) else _show(module.padding)
        return f"Conv2d({module.in_channels}→{module.out_channels}, k={k}, s={s}, p={p})"
    return type(module).__name__


# layer_shapes runs a model for real (fast, exact) only if that needs less than this;
# bigger inputs go through the meta device, which needs no memory at all.
_REAL_RUN_BYTES = 64 * 2**20


def _real_run_bytes(model: nn.Module, input_shape: tuple, dtype: torch.dtype) -> float:
    """A generous estimate of the memory a no-grad forward of ``input_shape`` needs: the
    input plus an activation with the widest layer's channels, times the growth of every
    upsampling layer."""
    numel = math.prod(input_shape)
    in_channels = input_shape[1] if len(input_shape) > 1 else 1
    widest = max((getattr(m, "out_channels", 0) for m in model.modules()), default=0)
    growth = 1.0
    for m in model.modules():
        if isinstance(m, nn.modules.conv._ConvTransposeNd):
            growth *= math.prod(m.stride)
        elif isinstance(m, nn.Upsample):
            factor = m.scale_factor if m.scale_factor is not None else m.size
            growth *= math.prod(factor) if isinstance(factor, (tuple, list)) else float(factor) ** 2
    return numel * dtype.itemsize * (1 + max(1, widest / in_channels)) * growth


def layer_shapes(model: nn.Module, input_shape) -> pd.DataFrame:
    """Run a zero input through ``model`` and list each layer's output shape and parameters.

    The layers are the model's direct children (for ``simple_cnn``, its five
    conv blocks and the flatten), in the order they run.

    The model is run in eval mode and without gradients, so it is left exactly
    as it was (its weights, a BatchNorm's running statistics, each layer's
    training flag). An input that would need more than 64 MiB goes through the
    ``meta`` device instead, where PyTorch works out every shape without
    computing or storing a number: any input shape costs no memory.

    Parameters
    ----------
    model
        Any ``nn.Module``.
    input_shape
        The input's shape including the batch, e.g. ``(1, 1, 28, 28)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by child name, with columns ``layer`` (a short description),
        ``output shape`` and ``parameters``.

    Examples
    --------
    >>> from coursecode import simple_cnn
    >>> layer_shapes(simple_cnn(), (64, 1, 8192, 8192))["output shape"].iloc[0]
    (64, 4, 4096, 4096)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(
            f"input_shape must be a tuple of ints such as (1, 1, 28, 28), got {input_shape!r}"
        )
    input_shape = tuple(check_int(n, f"input_shape[{i}]", 1) for i, n in enumerate(input_shape))
    if math.prod(input_shape) >= 2**62:
        raise ValueError(
            f"input_shape {input_shape} has {math.prod(input_shape):.3g} elements, more than a "
            f"tensor can hold (2**62)"
        )
    children = list(model.named_children()) or [("model", model)]
    # Counted on the real model (during the meta run its tensors are stand-ins).
    counts = {name: sum(p.numel() for p in module.parameters()) for name, module in children}
    rows = []

    def record(name, module):
        def hook(_module, _inputs, output):
            shape = (
                tuple(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
            )
            rows.append(
                {
                    "name": name,
                    "layer": _describe(module),
                    "output shape": shape,
                    "parameters": counts[name],
                }
            )

        return hook

    first = next(itertools.chain(model.parameters(), model.buffers()), None)
    dtype = first.dtype if first is not None and first.is_floating_point() else torch.float32
    need = _real_run_bytes(model, input_shape, dtype)
    handles = [module.register_forward_hook(record(name, module)) for name, module in children]
    try:
        with _inspecting(model), torch.no_grad():
            if need <= _REAL_RUN_BYTES or (first is not None and first.device.type == "meta"):
                device = first.device if first is not None else "cpu"
                try:
                    model(torch.zeros(input_shape, device=device, dtype=dtype))
                except (RuntimeError, ValueError, TypeError, IndexError) as err:
                    raise ValueError(
                        f"model cannot take an input of shape {input_shape} (check input_shape, "
                        f"(N, C, H, W) for a CNN): {err}"
                    ) from None
            else:
                try:
                    functional_call(
                        model,
                        _meta_state(model),
                        (torch.zeros(input_shape, dtype=dtype, device="meta"),),
                    )
                except Exception as err:
                    raise ValueError(
                        f"model cannot take an input of shape {input_shape} (check input_shape, "
                        f"(N, C, H, W) for a CNN; tried on the meta device, shapes only, since "
                        f"running it for real would need about {need / 2**30:.1f} GiB): "
                        f"{type(err).__name__}: {err}"
                    ) from None
    finally:
        for handle in handles:
            handle.remove()
    columns = ["name", "layer", "output shape", "parameters"]
    return pd.DataFrame(rows, columns=columns).set_index("name")
