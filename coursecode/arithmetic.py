"""Convolution arithmetic: output sizes, "same" padding, receptive fields, per-layer shapes.

``conv_out_size`` and ``same_padding`` are introduced in lessons/03_padding_stride,
``layer_shapes`` in lessons/04_cnn, ``receptive_field`` in lessons/06_receptive_fields.
"""

from collections import Counter
from collections.abc import Sequence

import pandas as pd
import torch
from torch import nn

from coursecode._validate import as_pair

__all__ = ["conv_out_size", "layer_shapes", "receptive_field", "same_padding"]


def _effective_kernel(k: int, d: int) -> int:
    # A dilated kernel skips d - 1 pixels between taps: it spans d*(k-1) + 1 pixels.
    return d * (k - 1) + 1


def _unpair(pair: tuple, as_int: bool):
    return pair[0] if as_int else pair


def _out_size_1d(n: int, k: int, s: int, p: int, d: int, axis: str) -> int:
    span = _effective_kernel(k, d)
    if span > n + 2 * p:
        spans = f" (spans {span} with dilation {d})" if d > 1 else ""
        raise ValueError(
            f"kernel_size={k}{spans} is larger than the padded input{axis} "
            f"({n} + 2*{p} = {n + 2 * p})"
        )
    return (n + 2 * p - span) // s + 1


def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Output size of a convolution or pooling layer: ``⌊(n + 2p − d(k−1) − 1) / s⌋ + 1``.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation
        Each an int, or a pair ``(height, width)``. ``size`` and ``kernel_size``
        must be >= 1, ``stride`` and ``dilation`` >= 1, ``padding`` >= 0.

    Returns
    -------
    int or tuple of int
        An int when every argument is an int, else a pair ``(height, width)``.

    Examples
    --------
    >>> conv_out_size(28, 3)
    26
    >>> conv_out_size(28, 3, stride=2, padding=1)
    14
    >>> conv_out_size((28, 20), (3, 5), padding=(1, 2))
    (28, 20)
    """
    as_int = not any(isinstance(a, (tuple, list, torch.Size))
                     for a in (size, kernel_size, stride, padding, dilation))
    n = as_pair(size, "size", 1)
    k = as_pair(kernel_size, "kernel_size", 1)
    s = as_pair(stride, "stride", 1)
    p = as_pair(padding, "padding", 0)
    d = as_pair(dilation, "dilation", 1)
    axes = ("", "") if as_int else (" height", " width")
    out = tuple(_out_size_1d(n[i], k[i], s[i], p[i], d[i], axes[i]) for i in range(2))
    return _unpair(out, as_int)


def same_padding(kernel_size, dilation=1):
    """Padding that keeps a stride-1 convolution's output the size of its input.

    That is ``d(k − 1) / 2`` on each side, which needs an odd (effective)
    kernel: an even kernel has no centre pixel, so no symmetric padding works.

    Examples
    --------
    >>> same_padding(3), same_padding(5), same_padding(3, dilation=2)
    (1, 2, 2)
    >>> same_padding((3, 7))
    (1, 3)
    """
    as_int = not any(isinstance(a, (tuple, list, torch.Size)) for a in (kernel_size, dilation))
    k = as_pair(kernel_size, "kernel_size", 1)
    d = as_pair(dilation, "dilation", 1)
    pads = []
    for ki, di in zip(k, d):
        total = di * (ki - 1)
        if total % 2:
            raise ValueError(
                f"kernel_size={ki} with dilation={di} spans an even {total + 1} pixels: it has no "
                f"centre, so no symmetric padding keeps the size (pad {total // 2} on one side and "
                f"{total - total // 2} on the other with F.pad, or use an odd kernel)"
            )
        pads.append(total // 2)
    return _unpair(tuple(pads), as_int)


# Layers that act on each position separately: they leave the receptive field alone.
_POINTWISE = (
    nn.Identity, nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU,
    nn.SiLU, nn.Mish, nn.Sigmoid, nn.Tanh, nn.Hardtanh, nn.Hardswish, nn.Hardsigmoid,
    nn.Softplus, nn.Softmax, nn.Softmax2d, nn.LogSoftmax,
    nn.modules.batchnorm._BatchNorm, nn.modules.instancenorm._InstanceNorm, nn.GroupNorm,
    nn.LocalResponseNorm, nn.modules.dropout._DropoutNd,
)
# Layers after which there is no spatial map left: the walk stops there.
_END_OF_SPATIAL = (nn.Flatten, nn.Linear, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
_SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)


def _layer_params(module: nn.Module) -> tuple:
    k = as_pair(module.kernel_size, "kernel_size", 1)
    s = as_pair(module.stride, "stride", 1)
    d = as_pair(getattr(module, "dilation", 1), "dilation", 1)
    padding = module.padding
    if padding == "valid":
        padding = 0
    elif padding == "same":
        # PyTorch puts the smaller half of an odd total on the top/left side.
        padding = tuple(di * (ki - 1) // 2 for ki, di in zip(k, d))
    return k, s, as_pair(padding, "padding", 0), d


def _spatial_layers(layers) -> list[tuple[str, tuple]]:
    """Turn a module or a list of tuples into ``[(name, (k, s, p, d)), ...]`` of pairs."""
    if isinstance(layers, nn.Module):
        found, seen = [], Counter()
        # remove_duplicate=False: a layer that a Sequential holds twice runs twice, and
        # widens the field twice.
        for name, module in layers.named_modules(remove_duplicate=False):
            if list(module.children()):
                continue  # a container: its leaves come next
            if isinstance(module, _END_OF_SPATIAL):
                break
            if isinstance(module, _SPATIAL):
                # "Conv2d 2": the second Conv2d of the walk, however Sequentials nest it.
                kind = type(module).__name__
                seen[kind] += 1
                found.append((f"{kind} {seen[kind]}", _layer_params(module)))
            elif not isinstance(module, _POINTWISE):
                raise ValueError(
                    f"receptive_field does not know how {type(module).__name__} (layer {name!r}) "
                    f"changes the field; it walks Conv2d, MaxPool2d and AvgPool2d and skips "
                    f"pointwise layers. Pass a list of (kernel, stride, padding[, dilation]) instead."
                )
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
        found.append((
            f"layer {i + 1}",
            (as_pair(k, f"layers[{i}] kernel", 1), as_pair(s, f"layers[{i}] stride", 1),
             as_pair(p, f"layers[{i}] padding", 0), as_pair(d[0] if d else 1, f"layers[{i}] dilation", 1)),
        ))
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
        walked in order, pointwise layers such as ReLU or BatchNorm skipped,
        and the walk ends at a Flatten, Linear or adaptive pooling layer), or a
        list of ``(kernel, stride, padding)`` or ``(kernel, stride, padding,
        dilation)`` tuples, each value an int or a pair.
    input_size
        Optional input height/width (int or pair): adds each layer's output size.

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
        list the rows are ``layer 1``, ``layer 2``, ... in list order.

    Examples
    --------
    >>> receptive_field([(3, 2, 1), (3, 2, 1)])[["layer", "size", "jump", "start"]]
         layer  size  jump  start
    0  layer 1     3     2      0
    1  layer 2     7     4      0

    Sequentials inside a model do not change the names:

    >>> block = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU())
    >>> model = nn.Sequential(block, nn.MaxPool2d(2), nn.Sequential(nn.Conv2d(1, 1, 3)))
    >>> receptive_field(model)[["layer", "kernel", "stride", "size", "jump"]]
             layer  kernel  stride  size  jump
    0     Conv2d 1       3       1     3     1
    1  MaxPool2d 1       2       2     4     2
    2     Conv2d 2       3       1     8     2
    """
    spatial = _spatial_layers(layers)
    size = as_pair(input_size, "input_size", 1) if input_size is not None else None
    r, j, start = (1, 1), (1, 1), (0.0, 0.0)
    rows = []
    for name, (k, s, p, d) in spatial:
        span = tuple(_effective_kernel(k[i], d[i]) for i in range(2))
        start = tuple(start[i] + ((span[i] - 1) / 2 - p[i]) * j[i] for i in range(2))
        r = tuple(r[i] + (span[i] - 1) * j[i] for i in range(2))
        j = tuple(j[i] * s[i] for i in range(2))
        row = {"layer": name, "kernel": _show(k), "stride": _show(s), "padding": _show(p),
               "dilation": _show(d), "size": _show(r), "jump": _show(j), "start": _show(start)}
        if size is not None:
            size = conv_out_size(size, k, s, p, d)
            row["output"] = _show(size)
        rows.append(row)
    columns = ["layer", "kernel", "stride", "padding", "dilation", "size", "jump", "start"]
    return pd.DataFrame(rows, columns=columns + (["output"] if size is not None else []))


def _describe(module: nn.Module) -> str:
    if isinstance(module, nn.Sequential):
        return " + ".join(_describe(m) for m in module)
    if isinstance(module, nn.Conv2d):
        k = _show(module.kernel_size)
        s = _show(module.stride)
        p = module.padding if isinstance(module.padding, str) else _show(module.padding)
        return f"Conv2d({module.in_channels}→{module.out_channels}, k={k}, s={s}, p={p})"
    return type(module).__name__


def layer_shapes(model: nn.Module, input_shape) -> pd.DataFrame:
    """Run a zero input through ``model`` and list each layer's output shape and parameters.

    The layers are the model's direct children (for ``simple_cnn``, its five
    conv blocks and the flatten), in the order they run.

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
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(f"input_shape must be a tuple of ints such as (1, 1, 28, 28), got {input_shape!r}")
    input_shape = tuple(as_pair(n, f"input_shape[{i}]", 1)[0] for i, n in enumerate(input_shape))
    children = list(model.named_children()) or [("model", model)]
    rows = []

    def record(name, module):
        def hook(_module, _inputs, output):
            shape = tuple(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
            rows.append({"name": name, "layer": _describe(module), "output shape": shape,
                         "parameters": sum(p.numel() for p in module.parameters())})
        return hook

    handles = [module.register_forward_hook(record(name, module)) for name, module in children]
    first = next(model.parameters(), None)
    x = torch.zeros(input_shape, device=first.device if first is not None else "cpu",
                    dtype=first.dtype if first is not None else torch.float32)
    try:
        with torch.no_grad():
            model(x)
    except RuntimeError as err:
        raise ValueError(f"model cannot take an input of shape {input_shape}: {err}") from None
    finally:
        for handle in handles:
            handle.remove()
    return pd.DataFrame(rows).set_index("name")
