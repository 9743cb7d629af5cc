"""Hand values computed in a lesson to its page: myst-nb's ``glue``, without myst-nb.

The book's pages quote numbers from the run (``{glue:text}`name```) instead of
typing them; this is how a cell names such a number. It writes the same output
as ``myst_nb.glue`` (a test checks that), without importing myst-nb, which is
slow to import (about 1.5 s) and missing where the lessons also run (Colab).
Outside a notebook there is no page to fill in, and it does nothing.
"""

import re

import numpy as np
import torch

__all__ = ["glue"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# myst-nb (like papermill's scrapbook before it) finds glued values under this prefix
_GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = False, *, varies: bool = False) -> None:
    """Record ``value`` under ``name`` for the page's ``{glue:text}`name``` roles.

    Parameters
    ----------
    name : str
        A Python-style identifier, unique within the lesson.
    value : object
        What the prose shows: its plain-text form, formatted by the role
        (e.g. ``{glue:text}`loop_ms:.1f```).
    display : bool
        Also show the value as the cell's output.
    varies : bool
        The value comes from this run and differs on another machine (a timing, a
        result of training). Its cell is tagged ``nbval-ignore-output``, and the
        launched notebook (coursedev/launch.py) marks it as the build's value, so
        that a learner knows their run gives its own. Recorded in the output's
        metadata as ``{"course": {"varies": true}}``, which myst-nb ignores.

    NumPy and PyTorch scalars are glued as plain Python numbers: their text
    (``np.float64(95.7)``, ``tensor(0.5)``) would not take a format such as ``:.1f``.

    Examples
    --------
    >>> glue("answer", 42)          # outside a notebook: nothing happens
    >>> glue("two words", 42)
    Traceback (most recent call last):
    ...
    ValueError: name must be an identifier such as 'loop_ms', got 'two words'
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a str, an identifier such as 'loop_ms', got {type(name).__name__}"
        )
    if not _NAME.fullmatch(name):
        raise ValueError(f"name must be an identifier such as 'loop_ms', got {name!r}")
    if not isinstance(display, bool):
        raise TypeError(f"display must be True or False, got {display!r}")
    if not isinstance(varies, bool):
        raise TypeError(f"varies must be True or False, got {varies!r}")
    value = _plain_number(value)
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display as ipython_display
    except ImportError:  # no IPython, so no notebook
        return
    if get_ipython() is None:
        return
    mimebundle, metadata = format_display_data(value)
    prefix = "" if display else _GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    if varies:
        metadata["course"] = {"varies": True}
    ipython_display({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)


def _plain_number(value):
    """A NumPy scalar or one-element tensor as a Python number; anything else unchanged."""
    if isinstance(value, np.generic) or (isinstance(value, torch.Tensor) and value.numel() == 1):
        return value.item()
    return value
