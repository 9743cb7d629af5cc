"""The course's explorers, by the name the lessons import them from: everything here is
:mod:`coursecode.explorers`' (one module per explorer), whose ``__all__`` this shares."""

from coursecode.explorers import *  # noqa: F403 (the names of coursecode.explorers.__all__)
from coursecode.explorers import JS_DIR as JS_DIR
from coursecode.explorers import __all__ as __all__
from coursecode.explorers import without_comments as without_comments
