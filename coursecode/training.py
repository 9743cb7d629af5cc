"""Training plumbing: devices, a tiny Dataset, DataLoaders, accuracy, seeds and ``fit``.

Introduced in lessons/04_cnn.
"""

import contextlib
import random
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


def to_device(x, device=def_device):
    """Move a tensor, or every tensor inside a dict, list or tuple, to ``device``.

    Anything that is not a tensor (a label string, an int) is returned as is.

    Examples
    --------
    >>> xb, yb = to_device((torch.zeros(2, 3), torch.ones(2)), "cpu")
    >>> xb.device, yb.device
    (device(type='cpu'), device(type='cpu'))
    """
    if isinstance(x, torch.Tensor):
        return x.to(device)
    if isinstance(x, Mapping):
        return type(x)({k: to_device(v, device) for k, v in x.items()})
    if isinstance(x, (list, tuple)):
        return type(x)(to_device(o, device) for o in x)
    return x


def collate_device(batch):
    """Collate a list of samples into a batch (``default_collate``), on ``def_device``.

    Pass it to a DataLoader as ``collate_fn=collate_device``.
    """
    return to_device(default_collate(batch))


class Dataset:
    """Pairs of inputs and targets, indexed together: ``ds[i] == (x[i], y[i])``.

    Examples
    --------
    >>> ds = Dataset(torch.zeros(5, 1, 28, 28), torch.arange(5))
    >>> len(ds), ds[2][0].shape, ds[2][1]
    (5, torch.Size([1, 28, 28]), tensor(2))
    """

    def __init__(self, x, y):
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same length, got len(x)={len(x)} and len(y)={len(y)}")
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
    bs = check_int(bs, "bs", 1)
    return (DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            DataLoader(valid_ds, batch_size=bs * 2, **kwargs))


def accuracy(preds: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The fraction of rows of ``preds`` (N, classes) whose highest score is the target.

    Examples
    --------
    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1]))
    tensor(0.5000)
    """
    if not isinstance(preds, torch.Tensor) or preds.dim() != 2:
        raise ValueError(f"preds must be a tensor of shape (N, classes), got {getattr(preds, 'shape', preds)!r}")
    if not isinstance(targets, torch.Tensor) or targets.shape != preds.shape[:1]:
        raise ValueError(
            f"targets must be a tensor of shape ({preds.shape[0]},) to match preds, "
            f"got {tuple(getattr(targets, 'shape', ()))}"
        )
    return (preds.argmax(dim=1) == targets).float().mean()


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python's, NumPy's and PyTorch's random number generators.

    With ``deterministic=True`` PyTorch also refuses algorithms that are not
    bit-for-bit repeatable (some CUDA kernels), at some cost in speed.
    """
    seed = check_int(seed, "seed", 0)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    # Only when it changes: the first call imports half of torch's compiler stack (~1 s).
    if torch.are_deterministic_algorithms_enabled() != deterministic:
        torch.use_deterministic_algorithms(deterministic)


def fit(epochs: int, model: nn.Module, loss_func, opt: torch.optim.Optimizer,
        train_dl, valid_dl, progress: bool = True) -> pd.DataFrame:
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
            rows.append({"epoch": epoch, **_one_epoch(model, loss_func, opt, train_dl, valid_dl, device, bar)})
            if progress:
                tqdm.write(f"epoch {epoch}/{epochs}: train loss {rows[-1]['train_loss']:.3f}, "
                           f"valid loss {rows[-1]['valid_loss']:.3f}, "
                           f"valid accuracy {rows[-1]['valid_accuracy']:.3f}")
    return pd.DataFrame(rows).set_index("epoch")


@contextlib.contextmanager
def _progress_bar(total, progress: bool):
    """tqdm's bar (a widget in Jupyter, text elsewhere) that leaves nothing behind: in a
    notebook its output is emptied at the end, so a saved notebook holds no stale
    "training: 0%" (the text a viewer shows in place of a widget that is gone)."""
    from tqdm.notebook import tqdm_notebook

    notebook = progress and issubclass(tqdm, tqdm_notebook)   # tqdm.auto chose the widget
    if not notebook:
        with tqdm(total=total, desc="training", unit="batch", leave=False,
                  disable=not progress) as bar:
            yield bar
        return
    from IPython.display import display

    bar = tqdm(total=total, desc="training", unit="batch", leave=False, display=False)
    handle = display(bar.container, display_id=True)
    try:
        yield bar
    finally:
        bar.close()
        handle.update({"text/html": "", "text/plain": ""}, raw=True)   # shows as nothing


def _one_epoch(model, loss_func, opt, train_dl, valid_dl, device, bar) -> dict:
    """Train on every batch of ``train_dl`` once, then measure on ``valid_dl``."""
    model.train()
    train_loss, n_train = 0.0, 0
    for xb, yb in train_dl:
        xb, yb = to_device((xb, yb), device)
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
        train_loss += loss.item() * len(xb)
        n_train += len(xb)
        bar.update()
    model.eval()
    valid_loss, valid_acc, n_valid = 0.0, 0.0, 0
    with torch.no_grad():
        for xb, yb in valid_dl:
            xb, yb = to_device((xb, yb), device)
            preds = model(xb)
            valid_loss += loss_func(preds, yb).item() * len(xb)
            valid_acc += accuracy(preds, yb).item() * len(xb)
            n_valid += len(xb)
    if n_train == 0 or n_valid == 0:
        raise ValueError("train_dl and valid_dl must each yield at least one batch")
    return {"train_loss": train_loss / n_train, "valid_loss": valid_loss / n_valid,
            "valid_accuracy": valid_acc / n_valid}
