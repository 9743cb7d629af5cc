"""The course's explorers, by the name the lessons import them from: everything here is
:mod:`coursecode.explorers`' (one module per explorer)."""

from coursecode.explorers import CHANNEL_PRESETS
from coursecode.explorers import CUSTOM
from coursecode.explorers import EXPLORER_CLASS
from coursecode.explorers import FIELD_MATH_PATH
from coursecode.explorers import FIELD_RANGES
from coursecode.explorers import FIELD_STACKS
from coursecode.explorers import FOCUS_CSS
from coursecode.explorers import JS_PATH
from coursecode.explorers import KERNEL_SLIDER_RANGES
from coursecode.explorers import MATH_PATH
from coursecode.explorers import NETWORK_MATH_PATH
from coursecode.explorers import POOL_MATH_PATH
from coursecode.explorers import POOL_MODES
from coursecode.explorers import POOL_RANGES
from coursecode.explorers import SHARED_CSS
from coursecode.explorers import SLIDER_RANGES
from coursecode.explorers import STATIC as STATIC
from coursecode.explorers import UNFOLD_SLIDER_RANGES
from coursecode.explorers import WINDOW_PRESETS
from coursecode.explorers import ChannelMaps
from coursecode.explorers import ChannelsExplorer
from coursecode.explorers import ConvExplorer
from coursecode.explorers import ConvGrid
from coursecode.explorers import FeatureMap
from coursecode.explorers import FieldExplorer
from coursecode.explorers import FieldView
from coursecode.explorers import KernelExplorer
from coursecode.explorers import NetworkExplorer
from coursecode.explorers import PoolExplorer
from coursecode.explorers import PoolView
from coursecode.explorers import SlidingWindow
from coursecode.explorers import UnfoldExplorer
from coursecode.explorers import UnfoldMatrix
from coursecode.explorers import WindowExplorer
from coursecode.explorers import kernel_explorer
from coursecode.explorers import without_comments as without_comments

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
    "KERNEL_SLIDER_RANGES",
    "KernelExplorer",
    "MATH_PATH",
    "NETWORK_MATH_PATH",
    "NetworkExplorer",
    "POOL_MATH_PATH",
    "POOL_MODES",
    "POOL_RANGES",
    "PoolExplorer",
    "PoolView",
    "SHARED_CSS",
    "SLIDER_RANGES",
    "SlidingWindow",
    "UNFOLD_SLIDER_RANGES",
    "UnfoldExplorer",
    "UnfoldMatrix",
    "WINDOW_PRESETS",
    "WindowExplorer",
    "kernel_explorer",
]
