"""Training plumbing: devices, Dataset, DataLoaders, accuracy, seeds, fit."""

import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch import optim

from coursecode import Dataset
from coursecode import accuracy
from coursecode import collate_device
from coursecode import def_device
from coursecode import fit
from coursecode import get_dls
from coursecode import load_mnist
from coursecode import set_seed
from coursecode import simple_cnn
from coursecode import to_device


def test_def_device_is_available():
    assert def_device in ("mps", "cuda", "cpu")
    if def_device == "cpu":
        assert not torch.cuda.is_available()
    torch.zeros(1, device=def_device)


def test_to_device_nested():
    batch = {"x": torch.zeros(2), "pair": (torch.ones(1), [torch.ones(2), "label", 3])}
    moved = to_device(batch, "cpu")
    assert isinstance(moved, dict) and isinstance(moved["pair"], tuple) and isinstance(moved["pair"][1], list)
    assert moved["pair"][1][1:] == ["label", 3]
    assert all(t.device.type == "cpu" for t in (moved["x"], moved["pair"][0], moved["pair"][1][0]))


def test_collate_device():
    xb, yb = collate_device([(torch.zeros(1, 4, 4), torch.tensor(1)), (torch.ones(1, 4, 4), torch.tensor(2))])
    assert xb.shape == (2, 1, 4, 4) and yb.tolist() == [1, 2]
    assert xb.device.type == torch.device(def_device).type


def test_dataset():
    ds = Dataset(torch.arange(10.0), torch.arange(10) * 2)
    assert len(ds) == 10 and ds[3] == (3.0, 6) and repr(ds) == "Dataset(n=10)"
    with pytest.raises(ValueError, match=r"same length, got len\(x\)=3 and len\(y\)=2"):
        Dataset(torch.zeros(3), torch.zeros(2))


def test_get_dls():
    train_ds = Dataset(torch.arange(100.0), torch.arange(100))
    valid_ds = Dataset(torch.arange(50.0), torch.arange(50))
    set_seed(0)
    train_dl, valid_dl = get_dls(train_ds, valid_ds, bs=16)
    first = next(iter(train_dl))[1]
    assert len(first) == 16 and first.tolist() != list(range(16))  # shuffled
    assert [len(b[1]) for b in valid_dl] == [32, 18]  # valid batches are twice as big, in order
    assert torch.cat([b[1] for b in valid_dl]).tolist() == list(range(50))
    with pytest.raises(ValueError, match="bs must be an integer >= 1"):
        get_dls(train_ds, valid_ds, bs=0)


def test_accuracy():
    preds = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert accuracy(preds, torch.tensor([1, 0, 0, 0])).item() == 0.75
    with pytest.raises(ValueError, match=r"targets must be a tensor of shape \(4,\)"):
        accuracy(preds, torch.tensor([1, 0]))
    with pytest.raises(ValueError, match=r"preds must be a tensor of shape \(N, classes\)"):
        accuracy(torch.tensor([1, 0]), torch.tensor([1, 0]))


def test_set_seed_repeats():
    set_seed(42)
    a = (torch.rand(3), nn.Linear(2, 2).weight.detach().clone())
    set_seed(42)
    b = (torch.rand(3), nn.Linear(2, 2).weight.detach().clone())
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        set_seed(-1)


def test_set_seed_turns_deterministic_algorithms_on_and_off():
    try:
        set_seed(0, deterministic=True)
        assert torch.are_deterministic_algorithms_enabled()
        set_seed(0, deterministic=True)
        assert torch.are_deterministic_algorithms_enabled()
    finally:
        set_seed(0)
    assert not torch.are_deterministic_algorithms_enabled()


def separable_problem(n=256):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 2, generator=g)
    return Dataset(x, (x[:, 0] + x[:, 1] > 0).long())


def test_fit_learns_and_reports(capsys):
    set_seed(0)
    model = nn.Linear(2, 2)
    train_dl, valid_dl = get_dls(separable_problem(), separable_problem(128), bs=32)
    history = fit(3, model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.5), train_dl, valid_dl)
    assert isinstance(history, pd.DataFrame) and history.index.name == "epoch"
    assert history.index.tolist() == [1, 2, 3]
    assert history.columns.tolist() == ["train_loss", "valid_loss", "valid_accuracy"]
    assert history["valid_accuracy"].iloc[-1] > 0.9
    assert history["train_loss"].iloc[-1] < history["train_loss"].iloc[0]
    captured = capsys.readouterr()
    assert "epoch 3/3: train loss" in captured.out and "valid accuracy" in captured.out
    # One progress bar for the whole run: 3 epochs × 8 batches.
    assert "training" in captured.err and "/24 " in captured.err


def test_fit_is_repeatable_and_quiet_when_asked(capsys):
    runs = []
    for _ in range(2):
        set_seed(1)
        model = nn.Linear(2, 2)
        dls = get_dls(separable_problem(), separable_problem(64), bs=32)
        runs.append(fit(2, model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), *dls, progress=False))
    pd.testing.assert_frame_equal(runs[0], runs[1])
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_fit_simple_cnn_on_the_sample():
    """The lesson-04 recipe learns MNIST from the bundled sample (one epoch is enough to show it)."""
    set_seed(0)
    x_train, y_train, x_valid, y_valid = load_mnist()
    train_ds = Dataset(x_train.view(-1, 1, 28, 28), y_train)
    valid_ds = Dataset(x_valid.view(-1, 1, 28, 28), y_valid)
    model = simple_cnn()
    dls = get_dls(train_ds, valid_ds, bs=64)
    history = fit(1, model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1, momentum=0.9), *dls,
                  progress=False)
    assert history["valid_accuracy"].iloc[-1] > 0.7


@pytest.mark.parametrize("change, error, match", [
    ({"epochs": 0}, ValueError, "epochs must be an integer >= 1"),
    ({"model": "cnn"}, TypeError, "model must be an nn.Module"),
    ({"loss_func": 3}, TypeError, "loss_func must be callable"),
    ({"opt": "sgd"}, TypeError, "opt must be a torch.optim.Optimizer"),
    ({"valid_dl": []}, ValueError, "must each yield at least one batch"),
])
def test_fit_bad_arguments(change, error, match):
    model = nn.Linear(2, 2)
    args = {"epochs": 1, "model": model, "loss_func": F.cross_entropy,
            "opt": optim.SGD(model.parameters(), lr=0.1),
            "train_dl": [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))],
            "valid_dl": [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))], **change}
    with pytest.raises(error, match=match):
        fit(**args, progress=False)
