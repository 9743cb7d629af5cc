"""Building blocks for small CNNs: the ``conv`` helper and the lesson-04 MNIST network.

Written out in lessons/04_cnn, where a hidden cell checks that the lesson's ``conv`` and
``simple_cnn`` build the same layers, with the same weights from the same seed, as these.
Later lessons import them from here.
"""

import numpy as np
import torch
from torch import nn

from coursecode._validate import check_int

# conv refuses a layer whose weights alone would need more than this.
_MAX_WEIGHT_BYTES = 2**30

__all__ = ["conv", "simple_cnn"]


def conv(ni: int, nf: int, ks: int = 3, stride: int = 2, act: bool = True) -> nn.Module:
    """A Conv2d with padding ``ks // 2`` (so stride 1 keeps the size), then a ReLU if ``act``.

    Parameters
    ----------
    ni
        Input channels.
    nf
        Output channels (number of filters).
    ks
        Kernel size (odd, so the padding centres it).
    stride
        Stride: the default 2 halves the height and width (rounding up).
    act
        Follow the convolution with a ReLU (``True`` or ``False``).

    A layer whose weights would need more than 1 GiB (``ni·nf·ks²`` numbers) is
    refused with a ValueError rather than allocated.

    Examples
    --------
    >>> conv(1, 4)
    Sequential(
      (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
      (1): ReLU()
    )
    """
    ni = check_int(ni, "ni", 1)
    nf = check_int(nf, "nf", 1)
    ks = check_int(ks, "ks", 1)
    stride = check_int(stride, "stride", 1)
    if ks % 2 == 0:
        raise ValueError(f"ks must be odd so that padding ks//2 centres the kernel, got ks={ks}")
    if not isinstance(act, (bool, np.bool_)):
        raise TypeError(f"act must be True or False, got {act!r}")
    numbers = nf * ni * ks * ks + nf  # weight and bias
    need = numbers * torch.get_default_dtype().itemsize
    if need > _MAX_WEIGHT_BYTES:
        raise ValueError(
            f"conv(ni={ni}, nf={nf}, ks={ks}) would need {need / 2**30:.1f} GiB for its "
            f"{nf}×{ni}×{ks}×{ks} weights; ni, nf and ks must keep them under "
            f"{_MAX_WEIGHT_BYTES / 2**30:.0f} GiB (ni·nf·ks² up to about "
            f"{_MAX_WEIGHT_BYTES // torch.get_default_dtype().itemsize:,})"
        )
    layer = nn.Conv2d(ni, nf, kernel_size=ks, stride=stride, padding=ks // 2)
    if act:
        return nn.Sequential(layer, nn.ReLU())
    return layer


def simple_cnn() -> nn.Sequential:
    """The 5-layer stride-2 CNN for 28×28 MNIST digits: 28→14→7→4→2→1, then 10 logits.

    Channels grow 1→4→8→16→16→10; the last convolution has no ReLU because
    its ten outputs are the class scores (logits), flattened to (N, 10).
    It expects input of shape (N, 1, 28, 28).
    """
    return nn.Sequential(
        conv(1, 4),  # 14×14
        conv(4, 8),  # 7×7
        conv(8, 16),  # 4×4
        conv(16, 16),  # 2×2
        conv(16, 10, act=False),  # 1×1
        nn.Flatten(),
    )
