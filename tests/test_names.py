"""One name per idea (issue 17): the package's public parameters follow one naming rule.

- ``image`` for one picture, ``images`` for a list of pictures, ``x`` for a batch tensor or a
  layer's input: never ``im`` or ``ims``;
- American spelling in the API: ``centers``, ``colors``, ``gray``, never ``centres``,
  ``colours``, ``grey`` (the lessons' prose may stay British).
"""

import importlib
import inspect
import pkgutil
import re

import pytest
import torch

import coursecode
from coursecode import show_unfold
from coursecode import show_windows

# A parameter (or public name) is refused when one of its words, split at "_", is one of these.
FORBIDDEN_WORDS = {"im", "ims", "centre", "centres", "colour", "colours", "grey", "greys"}


def _public_objects() -> dict[str, object]:
    """``{"module.name": object}`` for every name in ``coursecode.__all__`` and each public
    submodule's ``__all__``, with each public class's public methods as ``module.Class.method``."""
    modules = [coursecode] + [
        importlib.import_module(f"coursecode.{m.name}")
        for m in pkgutil.iter_modules(coursecode.__path__)
        if not m.name.startswith("_")
    ]
    found = {}
    for module in modules:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            found[f"{module.__name__}.{name}"] = obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and callable(member):
                        found[f"{module.__name__}.{name}.{attr}"] = member
    return found


def _bad_words(name: str) -> set[str]:
    return {word for word in re.split(r"_+", name.lower()) if word in FORBIDDEN_WORDS}


def _offenders(objects: dict[str, object]) -> list[str]:
    """``"where: name"`` for each public name or parameter that breaks the naming rule."""
    offenders = []
    for where, obj in objects.items():
        if _bad_words(where.rsplit(".", 1)[-1]):
            offenders.append(f"{where}: its own name")
        if not callable(obj):
            continue
        try:
            parameters = inspect.signature(obj).parameters
        except (TypeError, ValueError):  # a builtin without a signature
            continue
        offenders += [f"{where}: parameter {p!r}" for p in parameters if _bad_words(p)]
    return sorted(offenders)


def test_the_check_finds_a_breach():
    def show(im, centres, colour_map=None, grey_level=0, image=None, centers=None): ...

    def top_colour_edge(x): ...

    assert _offenders({"m.show": show, "m.top_colour_edge": top_colour_edge}) == [
        "m.show: parameter 'centres'",
        "m.show: parameter 'colour_map'",
        "m.show: parameter 'grey_level'",
        "m.show: parameter 'im'",
        "m.top_colour_edge: its own name",
    ]


def test_the_sweep_sees_the_whole_api():
    objects = _public_objects()
    for where in (
        "coursecode.show_windows",
        "coursecode.plotting.show_unfold",
        "coursecode.kernels.conv2d_loop",
        "coursecode.widgets.WindowExplorer",
        "coursecode.widgets.PoolExplorer.output",
        "coursecode.checks.check_matmul_conv",
    ):
        assert where in objects, where
    assert len(objects) > 100


def test_no_public_parameter_uses_a_retired_name():
    offenders = _offenders(_public_objects())
    assert not offenders, (
        "rename to image/images/x and American spelling (centers, colors, "
        "gray): " + "; ".join(offenders)
    )


@pytest.mark.parametrize(
    "name, first",
    [
        ("apply_kernel", "image"),
        ("conv2d_loop", "image"),
        ("show_image", "image"),
        ("show_images", "images"),
        ("show_pixels", "image"),
        ("show_windows", "image"),
        ("show_unfold", "image"),
        ("show_channels", "image"),
        ("im2col", "x"),
        ("conv2d_im2col", "x"),
    ],
)
def test_a_picture_argument_is_named_by_what_it_holds(name, first):
    assert next(iter(inspect.signature(getattr(coursecode, name)).parameters)) == first


@pytest.mark.parametrize(
    "name",
    [
        "WindowExplorer",
        "UnfoldExplorer",
        "kernel_explorer",
        "PoolExplorer",
        "ChannelsExplorer",
        "FieldExplorer",
    ],
)
def test_every_explorer_takes_its_picture_as_image(name):
    from coursecode import widgets

    assert next(iter(inspect.signature(getattr(widgets, name)).parameters)) == "image"


def test_windows_are_placed_by_centers_and_colored_by_colors():
    image = torch.rand(8, 8)
    ax = show_windows(image=image, centers=[(1, 1), (5, 5)], colors=["red", "blue"])
    assert len(ax.patches) == 2
    axs = show_unfold(image=image, centers=[(1, 1)])
    assert [t.get_text() for t in axs[1].get_xticklabels()] == ["0"]
    with pytest.raises(TypeError):
        show_windows(image, centres=[(1, 1)])  # the retired spelling is not accepted
