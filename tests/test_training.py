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
    assert (
        isinstance(moved, dict)
        and isinstance(moved["pair"], tuple)
        and isinstance(moved["pair"][1], list)
    )
    assert moved["pair"][1][1:] == ["label", 3]
    assert all(t.device.type == "cpu" for t in (moved["x"], moved["pair"][0], moved["pair"][1][0]))


def test_collate_device():
    xb, yb = collate_device(
        [(torch.zeros(1, 4, 4), torch.tensor(1)), (torch.ones(1, 4, 4), torch.tensor(2))]
    )
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
    history = fit(
        3, model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.5), train_dl, valid_dl
    )
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
        runs.append(
            fit(
                2,
                model,
                F.cross_entropy,
                optim.SGD(model.parameters(), lr=0.1),
                *dls,
                progress=False,
            )
        )
    pd.testing.assert_frame_equal(runs[0], runs[1])
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_fit_simple_cnn_on_the_sample():
    """The lesson-04 recipe learns MNIST from the bundled sample (one epoch is enough to show
    it)."""
    set_seed(0)
    x_train, y_train, x_valid, y_valid = load_mnist()
    train_ds = Dataset(x_train.view(-1, 1, 28, 28), y_train)
    valid_ds = Dataset(x_valid.view(-1, 1, 28, 28), y_valid)
    model = simple_cnn()
    dls = get_dls(train_ds, valid_ds, bs=64)
    history = fit(
        1,
        model,
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
        *dls,
        progress=False,
    )
    assert history["valid_accuracy"].iloc[-1] > 0.7


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"epochs": 0}, ValueError, "epochs must be an integer >= 1"),
        ({"model": "cnn"}, TypeError, "model must be an nn.Module"),
        ({"loss_func": 3}, TypeError, "loss_func must be callable"),
        ({"opt": "sgd"}, TypeError, "opt must be a torch.optim.Optimizer"),
        ({"valid_dl": []}, ValueError, r"valid_dl must yield at least one batch, got none$"),
    ],
)
def test_fit_bad_arguments(change, error, match):
    model = nn.Linear(2, 2)
    args = {
        "epochs": 1,
        "model": model,
        "loss_func": F.cross_entropy,
        "opt": optim.SGD(model.parameters(), lr=0.1),
        "train_dl": [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))],
        "valid_dl": [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))],
        **change,
    }
    with pytest.raises(error, match=match):
        fit(**args, progress=False)


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"train_dl": []}, ValueError, r"train_dl must yield at least one batch, got none$"),
        (
            {"train_dl": iter([])},
            ValueError,
            "train_dl must yield at least one batch, got none .*used up",
        ),
        ({"train_dl": 3}, TypeError, "train_dl must be a DataLoader .*got int"),
        ({"valid_dl": "batches"}, TypeError, "valid_dl must be a DataLoader .*got str"),
        (
            {"train_dl": [torch.zeros(2, 4, 2)]},
            ValueError,
            r"train_dl must yield \(xb, yb\) pairs .*got a tensor of shape \(2, 4, 2\)",
        ),
        (
            {"valid_dl": [(torch.zeros(4, 2),)]},
            ValueError,
            r"valid_dl must yield \(xb, yb\) pairs .*got a tuple of 1 items",
        ),
        (
            {"opt": optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)},
            ValueError,
            "opt holds none of model's parameters",
        ),
        (
            {"loss_func": lambda p, t: F.cross_entropy(p, t, reduction="none")},
            ValueError,
            r"loss_func must return one number .*got shape \(4,\)",
        ),
        ({"progress": "no"}, TypeError, "progress must be True or False"),
    ],
)
def test_fit_names_the_bad_argument(change, error, match):
    model = nn.Linear(2, 2)
    args = {
        "epochs": 1,
        "model": model,
        "loss_func": F.cross_entropy,
        "opt": optim.SGD(model.parameters(), lr=0.1),
        "train_dl": [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))],
        "valid_dl": [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))],
        "progress": False,
        **change,
    }
    with pytest.raises(error, match=match):
        fit(**args)


def test_a_generator_is_used_up_after_one_epoch():
    model = nn.Linear(2, 2)
    batches = ((torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)) for _ in range(2))
    with pytest.raises(
        ValueError, match="train_dl must yield at least one batch, got none .*used up"
    ):
        fit(
            2,
            model,
            F.cross_entropy,
            optim.SGD(model.parameters(), lr=0.1),
            batches,
            [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))],
            progress=False,
        )


def test_accuracy_refuses_an_empty_batch_and_nan_scores():
    with pytest.raises(ValueError, match=r"preds must hold at least one row .*got shape \(0, 10\)"):
        accuracy(torch.zeros(0, 10), torch.zeros(0, dtype=torch.long))
    with pytest.raises(
        ValueError, match=r"preds must hold at least one row and one class.*\(3, 0\)"
    ):
        accuracy(torch.zeros(3, 0), torch.zeros(3, dtype=torch.long))
    preds = torch.tensor([[0.1, 0.9], [float("nan"), 0.2], [0.3, float("nan")]])
    with pytest.raises(
        ValueError, match="preds holds NaN scores in 2 of its 3 rows .*first is row 1"
    ):
        accuracy(preds, torch.tensor([1, 0, 0]))
    with pytest.raises(TypeError, match="preds must be a tensor of shape .*got list"):
        accuracy([[0.1, 0.9]], torch.tensor([1]))
    with pytest.raises(TypeError, match="preds must hold real-valued scores, got torch.bool"):
        accuracy(torch.ones(2, 2, dtype=torch.bool), torch.tensor([1, 0]))
    # infinities are scores like any other, and integer scores work too
    assert (
        accuracy(torch.tensor([[0.0, float("inf")], [1.0, float("-inf")]]), torch.tensor([1, 0]))
        == 1.0
    )
    assert accuracy(torch.tensor([[0, 3], [2, 1]]), torch.tensor([1, 1])) == 0.5


def test_to_device_keeps_every_kind_of_container():
    from collections import OrderedDict
    from collections import defaultdict
    from collections import namedtuple

    Batch = namedtuple("Batch", "x y")
    t = torch.zeros(2)
    moved = to_device(Batch(t, [t, "label"]), "cpu")
    assert isinstance(moved, Batch) and moved.y[1] == "label" and torch.equal(moved.x, t)
    counts = defaultdict(list, {"x": t})
    moved = to_device(counts, "cpu")
    assert (
        isinstance(moved, defaultdict)
        and moved.default_factory is list
        and torch.equal(moved["x"], t)
    )
    assert moved["new"] == []
    assert isinstance(to_device(OrderedDict(x=t), "cpu"), OrderedDict)
    moved = to_device({t, 3}, "cpu")
    assert (
        isinstance(moved, set)
        and 3 in moved
        and sum(isinstance(v, torch.Tensor) for v in moved) == 1
    )
    assert isinstance(to_device(frozenset([t]), "cpu"), frozenset)
    assert to_device("label", "cpu") == "label" and to_device(None, "cpu") is None


def test_to_device_moves_what_is_inside_a_set(monkeypatch):
    seen = []
    monkeypatch.setattr(torch.Tensor, "to", lambda self, device: seen.append(device) or self)
    to_device({torch.zeros(1), torch.ones(1)}, torch.device("cpu"))
    to_device(frozenset([torch.zeros(1)]), "cpu")
    assert seen == [torch.device("cpu")] * 3


@pytest.mark.parametrize(
    "device, error, match",
    [
        (
            "gpu",
            ValueError,
            r"device must be a device name such as 'cpu', 'cuda', 'cuda:0' or 'mps', got 'gpu'",
        ),
        ("cuda:x", ValueError, "got 'cuda:x'"),
        (1.5, TypeError, "device must be a device name .*got float"),
        (None, TypeError, "device must be a device name .*got NoneType"),
        (True, TypeError, "device must be a device name .*got bool"),
    ],
)
def test_to_device_names_a_bad_device(device, error, match):
    with pytest.raises(error, match=match):
        to_device(torch.zeros(1), device)


def test_to_device_says_when_there_is_no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    for device in ("cuda", "cuda:0", torch.device("cuda")):
        with pytest.raises(ValueError, match=r"no CUDA GPU is available here .*def_device picks"):
            to_device(torch.zeros(1), device)
    with pytest.raises(
        ValueError, match=r"device 'mps': no Apple GPU \(MPS\) is available here; def_device"
    ):
        to_device([torch.zeros(1)], "mps")
    assert to_device(torch.zeros(1), "cpu").device.type == "cpu"


def test_to_device_refuses_a_model():
    with pytest.raises(
        TypeError, match=r"x must be a tensor .*got a model \(Linear\): move a model with model.to"
    ):
        to_device(nn.Linear(2, 2), "cpu")


def test_dataset_and_get_dls_name_the_bad_argument():
    with pytest.raises(TypeError, match="x must be a sequence of samples with a length .*got int"):
        Dataset(3, torch.zeros(3))
    with pytest.raises(TypeError, match="y must be a sequence of samples .*got Tensor"):
        Dataset(torch.zeros(3), torch.tensor(3))
    ds = Dataset(torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(TypeError, match="train_ds must be a dataset with a length .*got int"):
        get_dls(5, ds, bs=2)
    with pytest.raises(ValueError, match="valid_ds must hold at least one sample"):
        get_dls(ds, Dataset(torch.zeros(0), torch.zeros(0)), bs=2)

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            yield from ()

    with pytest.raises(
        TypeError, match="train_ds must be a dataset that can be indexed and shuffled"
    ):
        get_dls(Stream(), ds, bs=2)


def test_collate_device_and_set_seed_name_the_bad_argument():
    with pytest.raises(TypeError, match="batch must be a non-empty list of samples, got list"):
        collate_device([])
    with pytest.raises(TypeError, match="batch must be a non-empty list of samples, got int"):
        collate_device(3)
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0 and < 2\*\*64"):
        set_seed(2**64)
    with pytest.raises(TypeError, match="deterministic must be True or False, got 'yes'"):
        set_seed(0, deterministic="yes")


def test_more_bad_arguments_are_named():
    with pytest.raises(
        TypeError, match=r"targets must be a tensor of shape \(2,\) to match preds, got list"
    ):
        accuracy(torch.ones(2, 2), [0, 1])
    ds = Dataset(torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(TypeError, match="kwargs must not hold it, got batch_size=3"):
        get_dls(ds, ds, 2, batch_size=3)
    with pytest.raises(TypeError, match="got shuffle=False"):
        get_dls(ds, ds, 2, shuffle=False)
    with pytest.raises(ValueError, match="batch's samples cannot be stacked into one batch"):
        collate_device([(torch.zeros(2), 1), (torch.zeros(3), 1)])


def test_accuracy_wants_class_indices_in_range():
    preds = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    with pytest.raises(
        TypeError, match="targets must hold class indices .*got torch.float32: .*targets.long()"
    ):
        accuracy(preds, torch.tensor([1.0, 0.0, 1.0]))
    with pytest.raises(TypeError, match="targets must hold class indices .*got torch.bool"):
        accuracy(preds, torch.tensor([True, False, True]))
    with pytest.raises(
        ValueError, match="targets must be class indices from 0 to 1 .*got values from 1 to 7"
    ):
        accuracy(preds, torch.tensor([1, 1, 7]))
    with pytest.raises(ValueError, match="got values from -1 to 1"):
        accuracy(preds, torch.tensor([1, -1, 1]))
    assert accuracy(preds, torch.tensor([1, 0, 1], dtype=torch.uint8)) == 1.0


def test_fit_stops_with_a_clear_error_when_training_diverges():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.fill_(float("nan"))
    batches = [(torch.ones(4, 2), torch.zeros(4, dtype=torch.long))]
    with pytest.raises(ValueError, match="model's outputs on valid_dl hold NaN: training diverged"):
        fit(
            1,
            model,
            F.cross_entropy,
            optim.SGD(model.parameters(), lr=0.1),
            batches,
            batches,
            progress=False,
        )


def test_fit_reports_no_accuracy_for_a_regression():
    model = nn.Linear(2, 1)
    batches = [(torch.ones(4, 2), torch.ones(4, 1))]
    history = fit(
        1,
        model,
        F.mse_loss,
        optim.SGD(model.parameters(), lr=0.1),
        batches,
        batches,
        progress=False,
    )
    assert history["valid_loss"].notna().all() and history["valid_accuracy"].isna().all()
