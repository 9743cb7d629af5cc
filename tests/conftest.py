"""Shared test settings: a headless matplotlib, hypothesis profiles, figures closed after each test."""

import os

import matplotlib
import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck
from hypothesis import settings

# Headless figures for this process only. (Setting MPLBACKEND instead would leak into the
# kernels nbval starts, and the lessons' figures would vanish from their outputs.)
matplotlib.use("Agg")

# PyTorch's first call is slow (lazy initialisation): time limits per example would flake.
settings.register_profile(
    "default", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
