"""Training plumbing: devices, a tiny Dataset, DataLoaders, accuracy, seeds and ``fit``.

Introduced in lessons/04_cnn.
"""

import contextlib
import numbers
import random
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader
from torch.utils.data import default_collate
from tqdm.auto import tqdm

from coursecode._validate import check_int

__all__ = [
    "Dataset",
    "accuracy",
    "collate_device",
    "def_device",
    "fit",
    "get_dls",
    "set_seed",
    "to_device",
]


def _default_device() -> str:
    if torch.backends.mps.is_available():
        return "mps"
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


def_device = _default_device()
"""The fastest device here: ``"mps"`` (Apple GPU), else ``"cuda"``, else ``"cpu"``."""


def _check_device(device) -> torch.device:
    """``device`` as a torch.device, or a clear error if it is not one this machine has."""
    if isinstance(device, bool) or not isinstance(device, (str, torch.device, numbers.Integral)):
        raise TypeError(
            f"device must be a device name such as 'cpu' or 'cuda:0', or a "
            f"torch.device, got {type(device).__name__}: {device!r}"
        )
    try:
        parsed = torch.device(device)
    except RuntimeError as err:
        raise ValueError(
            f"device must be a device name such as 'cpu', 'cuda', 'cuda:0' or 'mps', "
            f"got {device!r} ({err})"
        ) from None
    hint = f"def_device picks the fastest device this machine has, here {def_device!r}"
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device {device!r}: no CUDA GPU is available here "
                f"(torch.cuda.is_available() is False); {hint}"
            )
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"device {device!r}: this machine has {torch.cuda.device_count()} "
                f"CUDA GPU(s), numbered from 0; {hint}"
            )
    elif parsed.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(f"device {device!r}: no Apple GPU (MPS) is available here; {hint}")
    elif parsed.type not in ("cpu", "meta"):
        backend = getattr(torch, parsed.type, None)
        if backend is not None and hasattr(backend, "is_available") and not backend.is_available():
            raise ValueError(
                f"device {device!r}: no {parsed.type} device is available here; {hint}"
            )
    return parsed


def to_device(x, device=def_device):
    """Move a tensor, or every tensor inside a dict, list, tuple (named ones too) or set, to
    ``device``.

    Anything that is not a tensor (a label string, an int) is returned as is. ``device``
    must be one this machine has: ``def_device`` is the fastest of them.

    Examples
    --------
    >>> xb, yb = to_device((torch.zeros(2, 3), torch.ones(2)), "cpu")
    >>> xb.device, yb.device
    (device(type='cpu'), device(type='cpu'))
    """
    return _move(x, _check_device(device))


def _move(x, device: torch.device):
    if isinstance(x, torch.Tensor):
        return x.to(device)
    if isinstance(x, nn.Module):
        raise TypeError(
            f"x must be a tensor or a container of tensors, got a model "
            f"({type(x).__name__}): move a model with model.to(device)"
        )
    if isinstance(x, defaultdict):  # its first argument is the default factory
        return type(x)(x.default_factory, {k: _move(v, device) for k, v in x.items()})
    if isinstance(x, Mapping):
        return _rebuild(x, {k: _move(v, device) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # a namedtuple takes its fields one by one
        return type(x)(*(_move(o, device) for o in x))
    if isinstance(x, (list, tuple, set, frozenset)):
        return _rebuild(x, [_move(o, device) for o in x])
    return x


def _rebuild(x, contents):
    """A container of ``x``'s type holding ``contents``."""
    try:
        return type(x)(contents)
    except TypeError:
        raise TypeError(
            f"x holds a {type(x).__name__}, which to_device cannot rebuild with the "
            "tensors moved: use a dict, list or tuple"
        ) from None


def collate_device(batch):
    """Collate a list of samples into a batch (``default_collate``), on ``def_device``.

    Pass it to a DataLoader as ``collate_fn=collate_device``.
    """
    if not isinstance(batch, (list, tuple)) or not batch:
        raise TypeError(
            f"batch must be a non-empty list of samples, got {type(batch).__name__}: {batch!r}"[
                :200
            ]
        )
    try:
        collated = default_collate(batch)
    except (RuntimeError, TypeError) as err:
        raise ValueError(
            f"batch's samples cannot be stacked into one batch (each sample must be "
            f"alike, e.g. (x, y) with x of one shape): {err}"
        ) from None
    return to_device(collated)


class Dataset:
    """Pairs of inputs and targets, indexed together: ``ds[i] == (x[i], y[i])``.

    Examples
    --------
    >>> ds = Dataset(torch.zeros(5, 1, 28, 28), torch.arange(5))
    >>> len(ds), ds[2][0].shape, ds[2][1]
    (5, torch.Size([1, 28, 28]), tensor(2))
    """

    def __init__(self, x, y):
        for value, name in ((x, "x"), (y, "y")):
            try:
                len(value)
                getattr(value, "__getitem__")  # noqa: B009 (a check: AttributeError if absent)
            except (TypeError, AttributeError):
                raise TypeError(
                    f"{name} must be a sequence of samples with a length (a tensor, "
                    f"array or list), got {type(value).__name__}: {value!r}"[:200]
                ) from None
        if len(x) != len(y):
            raise ValueError(
                f"x and y must have the same length, got len(x)={len(x)} and len(y)={len(y)}"
            )
        self.x = x
        self.y = y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]

    def __repr__(self) -> str:
        return f"Dataset(n={len(self)})"


def get_dls(train_ds, valid_ds, bs: int, **kwargs) -> tuple[DataLoader, DataLoader]:
    """A shuffled training DataLoader and an ordered validation one (batches twice as big).

    Validation needs no gradients, so it can afford batches of ``2 * bs``.
    ``kwargs`` go to both loaders (e.g. ``collate_fn=collate_device``).
    """
    for ds, name in ((train_ds, "train_ds"), (valid_ds, "valid_ds")):
        if isinstance(ds, torch.utils.data.IterableDataset):
            raise TypeError(
                f"{name} must be a dataset that can be indexed and shuffled, such as "
                f"Dataset(x, y); got an IterableDataset ({type(ds).__name__})"
            )
        if not (hasattr(ds, "__len__") and hasattr(ds, "__getitem__")):
            raise TypeError(
                f"{name} must be a dataset with a length and ds[i] samples, such as "
                f"Dataset(x, y), got {type(ds).__name__}"
            )
        if len(ds) == 0:
            raise ValueError(
                f"{name} must hold at least one sample, got an empty {type(ds).__name__}"
            )
    bs = check_int(bs, "bs", 1)
    for key in ("batch_size", "shuffle"):
        if key in kwargs:
            raise TypeError(
                f"get_dls sets {key} itself (from bs; the training loader shuffles), "
                f"so kwargs must not hold it, got {key}={kwargs[key]!r}"
            )
    return (
        DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
        DataLoader(valid_ds, batch_size=bs * 2, **kwargs),
    )


def accuracy(preds: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The fraction of rows of ``preds`` (N, classes) whose highest score is the target.

    Examples
    --------
    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1]))
    tensor(0.5000)
    """
    if not isinstance(preds, torch.Tensor):
        raise TypeError(f"preds must be a tensor of shape (N, classes), got {type(preds).__name__}")
    if preds.dim() != 2:
        raise ValueError(f"preds must be a tensor of shape (N, classes), got {preds.shape!r}")
    if preds.dtype == torch.bool or preds.is_complex():
        raise TypeError(f"preds must hold real-valued scores, got {preds.dtype}")
    if preds.shape[0] == 0 or preds.shape[1] == 0:
        raise ValueError(
            f"preds must hold at least one row and one class (an empty batch has "
            f"no accuracy), got shape {tuple(preds.shape)}"
        )
    if not isinstance(targets, torch.Tensor):
        raise TypeError(
            f"targets must be a tensor of shape ({preds.shape[0]},) to match preds, "
            f"got {type(targets).__name__}"
        )
    if targets.shape != preds.shape[:1]:
        raise ValueError(
            f"targets must be a tensor of shape ({preds.shape[0]},) to match preds, "
            f"got {tuple(getattr(targets, 'shape', ()))}"
        )
    if targets.dtype == torch.bool or targets.is_floating_point() or targets.is_complex():
        raise TypeError(
            f"targets must hold class indices (whole numbers), got {targets.dtype}: "
            "convert them with targets.long()"
        )
    if preds.device != targets.device:
        raise ValueError(
            f"preds is on {preds.device} but targets is on {targets.device}: move one with .to()"
        )
    if targets.min() < 0 or targets.max() >= preds.shape[1]:
        raise ValueError(
            f"targets must be class indices from 0 to {preds.shape[1] - 1} (preds has "
            f"{preds.shape[1]} classes), got values from {targets.min().item()} "
            f"to {targets.max().item()}"
        )
    nan_rows = (
        torch.isnan(preds).any(dim=1).nonzero().flatten() if preds.is_floating_point() else []
    )
    if len(nan_rows):
        raise ValueError(
            f"preds holds NaN scores in {len(nan_rows)} of its {preds.shape[0]} rows "
            f"(the first is row {nan_rows[0].item()}): a NaN row has no highest "
            "score. NaN outputs usually mean training diverged: try a lower "
            "learning rate"
        )
    return (preds.argmax(dim=1) == targets).float().mean()


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python's, NumPy's and PyTorch's random number generators.

    With ``deterministic=True`` PyTorch also refuses algorithms that are not
    bit-for-bit repeatable (some CUDA kernels), at some cost in speed.
    """
    seed = check_int(seed, "seed", 0)
    if seed >= 2**64:
        raise ValueError(f"seed must be an integer >= 0 and < 2**64, got {seed}")
    if not isinstance(deterministic, bool):
        raise TypeError(f"deterministic must be True or False, got {deterministic!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    # Only when it changes: the first call imports half of torch's compiler stack (~1 s).
    if torch.are_deterministic_algorithms_enabled() != deterministic:
        torch.use_deterministic_algorithms(deterministic)


def fit(
    epochs: int,
    model: nn.Module,
    loss_func,
    opt: torch.optim.Optimizer,
    train_dl,
    valid_dl,
    progress: bool = True,
) -> pd.DataFrame:
    """Train ``model`` for ``epochs`` passes over ``train_dl``, validating after each.

    Batches are moved to the model's device. A progress bar (a widget in
    Jupyter, text elsewhere) follows the run, and one line reports each epoch.

    Parameters
    ----------
    epochs
        Passes over the training data (>= 1).
    model, loss_func, opt
        The network, a function ``loss_func(preds, targets)``, and an optimizer
        over the model's parameters.
    train_dl, valid_dl
        DataLoaders yielding ``(xb, yb)`` batches.
    progress
        Show the progress bar and the per-epoch lines.

    Returns
    -------
    pandas.DataFrame
        One row per epoch (index ``epoch``, from 1) with ``train_loss``,
        ``valid_loss`` and ``valid_accuracy``; plot it with ``history.plot()``.
    """
    epochs = check_int(epochs, "epochs", 1)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not callable(loss_func):
        raise TypeError(f"loss_func must be callable, e.g. F.cross_entropy, got {loss_func!r}")
    if not isinstance(opt, torch.optim.Optimizer):
        raise TypeError(f"opt must be a torch.optim.Optimizer, got {type(opt).__name__}")
    params = {id(p) for p in model.parameters()}
    if params and not any(id(p) in params for group in opt.param_groups for p in group["params"]):
        raise ValueError(
            "opt holds none of model's parameters, so training would change nothing: "
            "make it from this model, e.g. optim.SGD(model.parameters(), lr=0.1)"
        )
    for dl, name in ((train_dl, "train_dl"), (valid_dl, "valid_dl")):
        if isinstance(dl, (str, bytes, Mapping)) or not hasattr(dl, "__iter__"):
            raise TypeError(
                f"{name} must be a DataLoader (or another iterable) yielding (xb, yb) "
                f"batches, got {type(dl).__name__}"
            )
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    try:
        total = epochs * len(train_dl)
    except TypeError:  # an iterable without a length
        total = None
    # One bar for the whole run, gone when it ends: the per-epoch lines are what remains.
    with _progress_bar(total, progress) as bar:
        rows = []
        for epoch in range(1, epochs + 1):
            rows.append(
                {
                    "epoch": epoch,
                    **_one_epoch(model, loss_func, opt, train_dl, valid_dl, device, bar),
                }
            )
            if progress:
                tqdm.write(
                    f"epoch {epoch}/{epochs}: train loss {rows[-1]['train_loss']:.3f}, "
                    f"valid loss {rows[-1]['valid_loss']:.3f}, "
                    f"valid accuracy {rows[-1]['valid_accuracy']:.3f}"
                )
    return pd.DataFrame(rows).set_index("epoch")


@contextlib.contextmanager
def _progress_bar(total, progress: bool):
    """tqdm's bar (a widget in Jupyter, text elsewhere) that leaves nothing behind: in a
    notebook its output is emptied at the end, so a saved notebook holds no stale
    "training: 0%" (the text a viewer shows in place of a widget that is gone)."""
    from tqdm.notebook import tqdm_notebook

    notebook = progress and issubclass(tqdm, tqdm_notebook)  # tqdm.auto chose the widget
    if not notebook:
        with tqdm(
            total=total, desc="training", unit="batch", leave=False, disable=not progress
        ) as bar:
            yield bar
        return
    from IPython.display import display

    bar = tqdm(total=total, desc="training", unit="batch", leave=False, display=False)
    handle = display(bar.container, display_id=True)
    try:
        yield bar
    finally:
        bar.close()
        handle.update({"text/html": "", "text/plain": ""}, raw=True)  # shows as nothing


def _none_yielded(dl, name: str) -> ValueError:
    used_up = (
        " (an iterator or generator is used up after one epoch: pass a DataLoader or a list)"
        if iter(dl) is dl
        else ""
    )
    return ValueError(f"{name} must yield at least one batch, got none{used_up}")


def _pair(batch, name: str):
    """The (xb, yb) of one batch, or a clear error naming the loader that yielded it."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        what = (
            f"a tensor of shape {tuple(batch.shape)}"
            if isinstance(batch, torch.Tensor)
            else f"a {type(batch).__name__}"
            + (f" of {len(batch)} items" if isinstance(batch, (tuple, list)) else "")
        )
        raise ValueError(f"{name} must yield (xb, yb) pairs of inputs and targets, got {what}")
    return batch


def _batch_accuracy(preds, yb) -> float:
    """``accuracy`` of one validation batch; NaN where targets are not class indices (a
    regression), and a clear error where the model's outputs are NaN."""
    if not (
        isinstance(preds, torch.Tensor)
        and preds.dim() == 2
        and isinstance(yb, torch.Tensor)
        and yb.dim() == 1
        and not (yb.is_floating_point() or yb.is_complex())
    ):
        return float("nan")
    if preds.is_floating_point() and torch.isnan(preds).any():
        raise ValueError(
            "model's outputs on valid_dl hold NaN: training diverged. Start again "
            "with a fresh model and a lower learning rate (opt's lr)"
        )
    return accuracy(preds, yb).item()


def _one_epoch(model, loss_func, opt, train_dl, valid_dl, device, bar) -> dict:
    """Train on every batch of ``train_dl`` once, then measure on ``valid_dl``."""
    model.train()
    train_loss, n_train = 0.0, 0
    for batch in train_dl:
        xb, yb = to_device(_pair(batch, "train_dl"), device)
        loss = loss_func(model(xb), yb)
        if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
            got = (
                f"shape {tuple(loss.shape)}"
                if isinstance(loss, torch.Tensor)
                else type(loss).__name__
            )
            raise ValueError(
                f"loss_func must return one number (a 0-d tensor) per batch, got {got}: "
                "average the losses (reduction='mean')"
            )
        loss.backward()
        opt.step()
        opt.zero_grad()
        train_loss += loss.item() * len(xb)
        n_train += len(xb)
        bar.update()
    if n_train == 0:
        raise _none_yielded(train_dl, "train_dl")
    model.eval()
    valid_loss, valid_acc, n_valid = 0.0, 0.0, 0
    with torch.no_grad():
        for batch in valid_dl:
            xb, yb = to_device(_pair(batch, "valid_dl"), device)
            preds = model(xb)
            valid_loss += loss_func(preds, yb).item() * len(xb)
            valid_acc += _batch_accuracy(preds, yb) * len(xb)
            n_valid += len(xb)
    if n_valid == 0:
        raise _none_yielded(valid_dl, "valid_dl")
    return {
        "train_loss": train_loss / n_train,
        "valid_loss": valid_loss / n_valid,
        "valid_accuracy": valid_acc / n_valid,
    }
