"""coursecode: the small, tested package behind the convolutions course.

Each module holds what one lesson teaches, so later lessons can import it::

    from coursecode import load_mnist, show_image, top_edge, conv2d_loop
"""

from coursecode import kernels as _kernels
from coursecode.arithmetic import conv_out_size
from coursecode.arithmetic import same_padding
from coursecode.book import glue
from coursecode.data import load_image
from coursecode.data import load_mnist
from coursecode.download import CacheError
from coursecode.download import DownloadError
from coursecode.im2col import conv2d_im2col
from coursecode.im2col import im2col
from coursecode.inspection import layer_shapes
from coursecode.inspection import receptive_field
from coursecode.kernels import apply_kernel
from coursecode.kernels import conv2d_loop
from coursecode.models import conv
from coursecode.models import simple_cnn
from coursecode.plotting import plot_history
from coursecode.plotting import plot_timings
from coursecode.plotting import show_channels
from coursecode.plotting import show_image
from coursecode.plotting import show_images
from coursecode.plotting import show_kernel_on_channels
from coursecode.plotting import show_pixels
from coursecode.plotting import show_unfold
from coursecode.plotting import show_windows
from coursecode.timing import best_time
from coursecode.timing import compare_times
from coursecode.timing import torch_threads
from coursecode.training import Dataset
from coursecode.training import accuracy
from coursecode.training import collate_device
from coursecode.training import def_device
from coursecode.training import fit
from coursecode.training import get_dls
from coursecode.training import set_seed
from coursecode.training import to_device

__version__ = "0.1.0"

__all__ = [
    "accuracy",
    "apply_kernel",
    "best_time",
    "CacheError",
    "collate_device",
    "compare_times",
    "conv",
    "conv2d_im2col",
    "conv2d_loop",
    "conv_out_size",
    "Dataset",
    "def_device",
    "DownloadError",
    "edge_kernels",
    "fit",
    "get_dls",
    "glue",
    "im2col",
    "layer_shapes",
    "left_edge",
    "load_image",
    "load_mnist",
    "named_edge_kernels",
    "plot_history",
    "plot_timings",
    "receptive_field",
    "same_padding",
    "set_seed",
    "show_channels",
    "show_image",
    "show_images",
    "show_kernel_on_channels",
    "show_pixels",
    "show_unfold",
    "show_windows",
    "simple_cnn",
    "to_device",
    "top_edge",
    "top_left_edge",
    "top_right_edge",
    "torch_threads",
]


def __getattr__(name):
    """The edge kernels and ``named_edge_kernels``: a fresh copy on every access, so that a
    learner's in-place edit (``top_edge.mul_(2)``) changes only their own copy (see
    coursecode.kernels)."""
    if name in _kernels._FRESH:
        return getattr(_kernels, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
