"""coursecode.glue writes exactly what myst_nb.glue writes, without importing myst-nb."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from IPython.core.interactiveshell import InteractiveShell

from coursecode.book import glue


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def _captured(monkeypatch, module, attribute):
    calls = []
    monkeypatch.setattr(module, attribute, lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


@pytest.mark.parametrize("value", [3.25, 1359.957248398452, "aten::mkldnn_convolution", (16, 10)])
@pytest.mark.parametrize("display", [False, True])
def test_glue_writes_what_myst_nb_writes(shell, monkeypatch, value, display):
    import IPython.display
    import myst_nb.ext.glue

    ours = _captured(monkeypatch, IPython.display, "display")
    glue("a_name", value, display=display)
    theirs = _captured(monkeypatch, myst_nb.ext.glue, "ipy_display")
    myst_nb.ext.glue.glue("a_name", value, display=display)
    assert ours == theirs and len(ours) == 1


def test_glue_outside_a_notebook_does_nothing(monkeypatch):
    import IPython.display

    calls = _captured(monkeypatch, IPython.display, "display")
    glue("a_name", 1.0)
    assert calls == []


@pytest.mark.parametrize("name", ["", "two words", "1st", "loop-ms"])
def test_glue_names_must_be_identifiers(name):
    with pytest.raises(ValueError, match="name must be an identifier"):
        glue(name, 1.0)


@pytest.mark.parametrize("name", [None, 3, b"loop_ms", ["loop_ms"]])
def test_glue_names_must_be_strings(name):
    with pytest.raises(TypeError, match="name must be a str, an identifier such as 'loop_ms', got"):
        glue(name, 1.0)


@pytest.mark.parametrize("display", [1, "yes", None])
def test_glue_display_must_be_a_bool(display):
    with pytest.raises(TypeError, match="display must be True or False, got"):
        glue("a_name", 1.0, display=display)


@pytest.mark.parametrize("varies", [1, "yes", None])
def test_glue_varies_must_be_a_bool(varies):
    with pytest.raises(TypeError, match="varies must be True or False, got"):
        glue("a_name", 1.0, varies=varies)


@pytest.mark.parametrize("display", [False, True])
def test_a_value_that_varies_is_what_myst_nb_writes_with_one_more_metadata_key(
    shell, monkeypatch, display
):
    """myst-nb reads the output as any other glued value; coursedev.launch reads the key."""
    import IPython.display
    import myst_nb.ext.glue

    ours = _captured(monkeypatch, IPython.display, "display")
    glue("a_name", 3.25, display=display, varies=True)
    theirs = _captured(monkeypatch, myst_nb.ext.glue, "ipy_display")
    myst_nb.ext.glue.glue("a_name", 3.25, display=display)
    [(args, kwargs)] = ours
    assert kwargs["metadata"].pop("course") == {"varies": True}
    assert ours == theirs


def test_importing_coursecode_does_not_import_myst_nb():
    # myst-nb takes over a second to import; the lessons must not pay for it
    code = "import sys, coursecode; coursecode.glue('x', 1); print('myst_nb' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    "scalar, plain",
    [
        (np.float64(95.75), "95.75"),
        (np.int64(3), "3"),
        (torch.tensor(0.5), "0.5"),
        (torch.tensor([7]), "7"),
        (np.float32(0.25), "0.25"),
    ],
)
def test_numpy_and_torch_scalars_are_glued_as_numbers(shell, monkeypatch, scalar, plain):
    import IPython.display

    calls = _captured(monkeypatch, IPython.display, "display")
    glue("a_name", scalar)
    (bundle,), _ = calls[0]
    assert bundle["application/papermill.record/text/plain"] == plain


def test_arrays_and_tensors_are_glued_as_they_are(shell, monkeypatch):
    import IPython.display

    calls = _captured(monkeypatch, IPython.display, "display")
    glue("a_name", torch.tensor([1.0, 2.0]))
    (bundle,), _ = calls[0]
    assert bundle["application/papermill.record/text/plain"] == "tensor([1., 2.])"
