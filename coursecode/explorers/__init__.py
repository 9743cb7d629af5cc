"""Explorers that work on the static book page: the sliding window, unfold, padding and
stride, a kernel on a digit, pooling, a trained network you draw for, colour channels,
receptive fields.

Introduced in lessons 01 to 06. Each explorer is an anywidget whose JavaScript (beside its
module: ``pool.py``, ``pool.js``) does all its arithmetic in the browser, with its controls
``jslink``-ed to it, so it stays interactive on the static book page, with no kernel. The
arithmetic is ``conv_math.js`` (and ``pool_math.js``, ``network_math.js``,
``field_math.js``), put in front of each widget's drawing code; the tests run it in Node
against PyTorch.

One module per explorer (``conv``, ``kernel``, ``pool``, ``window``, ``unfold``,
``channels``, ``network``, ``field``), on what they share (``_base``). The lessons import them
from :mod:`coursecode.widgets`, which offers the same names.
"""

from coursecode.explorers._base import CUSTOM
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import FOCUS_CSS
from coursecode.explorers._base import JS_DIR as JS_DIR
from coursecode.explorers._base import JS_PATH
from coursecode.explorers._base import MATH_PATH
from coursecode.explorers._base import SHARED_CSS
from coursecode.explorers._base import without_comments as without_comments
from coursecode.explorers.channels import CHANNEL_PRESETS
from coursecode.explorers.channels import ChannelMaps
from coursecode.explorers.channels import ChannelsExplorer
from coursecode.explorers.conv import CONV_CONTROLS
from coursecode.explorers.conv import ConvExplorer
from coursecode.explorers.conv import ConvGrid
from coursecode.explorers.field import FIELD_MATH_PATH
from coursecode.explorers.field import FIELD_RANGES
from coursecode.explorers.field import FIELD_STACKS
from coursecode.explorers.field import FieldExplorer
from coursecode.explorers.field import FieldView
from coursecode.explorers.kernel import KERNEL_CONTROLS
from coursecode.explorers.kernel import FeatureMap
from coursecode.explorers.kernel import KernelExplorer
from coursecode.explorers.kernel import kernel_explorer
from coursecode.explorers.network import NETWORK_MATH_PATH
from coursecode.explorers.network import NetworkExplorer
from coursecode.explorers.pool import POOL_CONTROLS
from coursecode.explorers.pool import POOL_MATH_PATH
from coursecode.explorers.pool import POOL_MODES
from coursecode.explorers.pool import PoolExplorer
from coursecode.explorers.pool import PoolView
from coursecode.explorers.unfold import UNFOLD_CONTROLS
from coursecode.explorers.unfold import UnfoldExplorer
from coursecode.explorers.unfold import UnfoldMatrix
from coursecode.explorers.window import WINDOW_PRESETS
from coursecode.explorers.window import SlidingWindow
from coursecode.explorers.window import WindowExplorer

__all__ = [
    "CHANNEL_PRESETS",
    "CUSTOM",
    "ChannelMaps",
    "ChannelsExplorer",
    "ConvExplorer",
    "ConvGrid",
    "EXPLORER_CLASS",
    "FIELD_MATH_PATH",
    "FIELD_RANGES",
    "FIELD_STACKS",
    "FOCUS_CSS",
    "FeatureMap",
    "FieldExplorer",
    "FieldView",
    "JS_PATH",
    "KERNEL_CONTROLS",
    "KernelExplorer",
    "MATH_PATH",
    "NETWORK_MATH_PATH",
    "NetworkExplorer",
    "POOL_MATH_PATH",
    "POOL_MODES",
    "POOL_CONTROLS",
    "PoolExplorer",
    "PoolView",
    "SHARED_CSS",
    "CONV_CONTROLS",
    "SlidingWindow",
    "UNFOLD_CONTROLS",
    "UnfoldExplorer",
    "UnfoldMatrix",
    "WINDOW_PRESETS",
    "WindowExplorer",
    "kernel_explorer",
]
