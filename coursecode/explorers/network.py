"""The network explorer of lesson 04: the network you trained reads the digit you draw."""

import base64
import copy

import anywidget
import numpy as np
import torch
import torch.nn.functional as F
import traitlets
from torch import nn

from coursecode._validate import check_int
from coursecode._validate import check_tensor
from coursecode.explorers._base import EXPLORER_CLASS
from coursecode.explorers._base import JS_DIR
from coursecode.explorers._base import esm_module
from coursecode.explorers._base import explorer_css

NETWORK_MATH_PATH = JS_DIR / "network_math.js"
"""The network explorer's arithmetic (forward pass, drawing pad), a DOM-free ES module."""

_MAX_PARAMETERS = 100_000  # the weights travel in the page: 4 bytes each, in base64
_LAYER_TYPES = "Conv2d, ReLU, Flatten and Linear"


def _leaves(module: nn.Module, path: tuple = ()) -> list[tuple[tuple, nn.Module]]:
    """The layers of ``module`` in the order an ``nn.Sequential`` runs them, nesting undone,
    each with its index path: ``model[0][1]`` is ``(0, 1)``."""
    if isinstance(module, nn.Sequential):
        return [leaf for i, child in enumerate(module) for leaf in _leaves(child, (*path, i))]
    return [(path, module)]


def _stage_names(paths: list[tuple], types: list[str], name: str) -> list[str]:
    """The module each stage of the page's forward pass is, as code indexes it: a stage ends
    after every layer that is not a Flatten and is not followed by a ReLU (``forward`` in
    ``network_math.js``), so a convolution and its ReLU make one stage. A stage that
    is all of one module is named by it (``model[0]``); consecutive modules of one Sequential
    by a slice (``model[0:2]``); else its layers are listed."""
    groups, group = [], []
    for i, (path, kind) in enumerate(zip(paths, types, strict=True)):
        group.append(path)
        following = types[i + 1] if i + 1 < len(types) else None
        if kind != "flatten" and following != "relu":
            groups.append(group)
            group = []

    def index(path):
        return name + "".join(f"[{i}]" for i in path)

    names = []
    for group in groups:
        named = None
        for depth in range(1, len(group[0]) + 1):  # the outermost module of exactly these
            prefix = group[0][:depth]
            if [p for p in paths if p[:depth] == prefix] == group:
                named = index(prefix)
                break
        if named is None:  # consecutive modules of one Sequential: a slice of it
            common = 0  # (two layers or more, none a prefix of another)
            while all(p[common] == group[0][common] for p in group):
                common += 1
            parent = group[0][:common]
            first, last = group[0][common], group[-1][common]
            under = [
                p
                for p in paths
                if len(p) > common and p[:common] == parent and first <= p[common] <= last
            ]
            if under == group:
                named = f"{index(parent)}[{first}:{last + 1}]"
        names.append(named or ", ".join(index(p) for p in group))
    return names


def _network_layers(model: nn.Module) -> tuple[list[dict], torch.Tensor, list[tuple]]:
    """The layers as the page's JavaScript reads them, every parameter in one float32 vector,
    and each layer's index path in ``model``."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"model must be an nn.Sequential of {_LAYER_TYPES} layers, got {type(model).__name__}"
        )
    layers, params, offset = [], [], 0

    def add(tensor):
        nonlocal offset
        if tensor is None:
            return None
        params.append(tensor.detach().float().cpu().flatten())
        start, offset = offset, offset + tensor.numel()
        return start

    leaves = _leaves(model)
    for _, leaf in leaves:
        if isinstance(leaf, nn.Conv2d):
            if isinstance(leaf.padding, str) or leaf.groups != 1 or leaf.padding_mode != "zeros":
                raise ValueError(
                    f"model's Conv2d layers must have numeric zero padding and groups=1, got {leaf}"
                )
            layers.append(
                {
                    "type": "conv",
                    "cin": leaf.in_channels,
                    "cout": leaf.out_channels,
                    "kh": leaf.kernel_size[0],
                    "kw": leaf.kernel_size[1],
                    "stride": list(leaf.stride),
                    "padding": list(leaf.padding),
                    "dilation": list(leaf.dilation),
                    "weight": add(leaf.weight),
                    "bias": add(leaf.bias),
                }
            )
        elif isinstance(leaf, nn.Linear):
            layers.append(
                {
                    "type": "linear",
                    "in": leaf.in_features,
                    "out": leaf.out_features,
                    "weight": add(leaf.weight),
                    "bias": add(leaf.bias),
                }
            )
        elif isinstance(leaf, nn.ReLU):
            layers.append({"type": "relu"})
        elif isinstance(leaf, nn.Flatten):
            if (leaf.start_dim, leaf.end_dim) != (1, -1):
                raise ValueError(
                    f"model's Flatten must flatten everything but the batch, got {leaf}"
                )
            layers.append({"type": "flatten"})
        else:
            raise ValueError(
                f"model may hold only {_LAYER_TYPES} layers (the ones the page's "
                f"JavaScript runs), got {type(leaf).__name__}"
            )
        if offset > _MAX_PARAMETERS:
            raise ValueError(
                f"model must have at most {_MAX_PARAMETERS:,} parameters (its "
                f"weights are stored in the page), got more"
            )
    if not params:
        raise ValueError("model has no weights to run")
    return layers, torch.cat(params), [path for path, _ in leaves]


def _base64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


class NetworkExplorer(anywidget.AnyWidget):
    """A trained digit classifier running in the page: draw a digit, or pick one, and watch it read.

    The model's weights travel in the page, and its forward pass runs in the
    browser (``network_math.js``, checked against PyTorch by the tests), so
    the explorer works on the static book page. A drawing pad turns the learner's
    strokes into a 28×28 input as MNIST's digits were made (fitted into 20×20, its centre
    of mass put at the centre), keeping them as paths and drawing them only after fitting,
    with a pen of a normal MNIST stroke's width: a small drawing gives the same input as a
    large one. Buttons pick a random validation digit or one the model gets wrong. Shown:
    the input, every layer's feature maps (numbered from 0, grey from 0 with a colour bar),
    the scores (blue-white-red about 0), and the class probabilities.

    Parameters
    ----------
    model
        An ``nn.Sequential`` of Conv2d, ReLU, Flatten and Linear layers (nested
        Sequentials are fine, e.g. ``simple_cnn()``) that maps ``(N, 1, 28, 28)``
        digits to ``(N, classes)`` scores; at most 100,000 parameters.
    images
        Digits in [0, 1]: ``(N, 784)``, ``(N, 28, 28)`` or ``(N, 1, 28, 28)``.
        The page stores them as bytes (levels 0–255), as MNIST does.
    labels
        Their classes, ``(N,)``.
    n_random
        How many digits (chosen with a fixed seed) the "random digit" button picks from.
    n_wrong
        How many of the digits the model misclassifies to offer: the first ones, in the
        order of ``images`` (as ``(predicted != labels).nonzero()`` lists them).
    name
        What the code calls the model: the page labels each layer with the module that
        makes it, as code indexes it ("layer 1 (model[0]): 4 maps of 14×14").

    Examples
    --------
    >>> from coursecode.models import simple_cnn
    >>> explorer = NetworkExplorer(simple_cnn(), torch.rand(50, 784), torch.randint(0, 10, (50,)))
    >>> explorer.stage_names
    ['model[0]', 'model[1]', 'model[2]', 'model[3]', 'model[4]']
    >>> explorer.input().shape, explorer.probabilities().shape
    (torch.Size([28, 28]), torch.Size([10]))
    """

    _esm = esm_module("network.js", "network_math.js", shared_math=False)
    _css = explorer_css("network.css")
    layers = traitlets.List(traitlets.Dict()).tag(sync=True)
    weights = traitlets.Unicode().tag(sync=True)
    digits = traitlets.Unicode().tag(sync=True)
    picks = traitlets.List().tag(sync=True)
    n_random = traitlets.Int(0, min=0).tag(sync=True)
    digit = traitlets.Int(0, min=-1).tag(sync=True)
    drawn = traitlets.List(traitlets.Float()).tag(sync=True)
    strokes = traitlets.List().tag(sync=True)  # the drawing's paths: [[[x, y], ...], ...]
    stage_names = traitlets.List(traitlets.Unicode()).tag(sync=True)  # "model[0]", ...

    def __init__(
        self,
        model: nn.Module,
        images: torch.Tensor,
        labels: torch.Tensor,
        n_random: int = 32,
        n_wrong: int = 8,
        name: str = "model",
    ):
        if not isinstance(name, str):
            raise TypeError(f"name must be a str (what the code calls the model), got {name!r}")
        if not name.isidentifier():
            raise ValueError(f"name must be a Python name, such as 'model', got {name!r}")
        layers, params, paths = _network_layers(model)
        check_tensor(images, "images", (2, 3, 4), "(N, 784), (N, 28, 28) or (N, 1, 28, 28)")
        if images.shape[1:] not in {(784,), (28, 28), (1, 28, 28)}:
            raise ValueError(
                f"images must have shape (N, 784), (N, 28, 28) or (N, 1, 28, 28), "
                f"got {tuple(images.shape)}"
            )
        check_tensor(labels, "labels", (1,), "(N,)")
        if len(images) != len(labels) or len(images) == 0:
            raise ValueError(
                f"images and labels must hold the same number (at least 1) of "
                f"digits, got {len(images)} and {len(labels)}"
            )
        if labels.dtype.is_floating_point or labels.dtype == torch.bool:
            raise TypeError(f"labels must be integer classes, got {labels.dtype}")
        images = images.detach().float().cpu().reshape(-1, 1, 28, 28)
        if not torch.isfinite(images).all() or images.min() < 0 or images.max() > 1:
            raise ValueError("images must hold numbers from 0 to 1 (as load_mnist gives them)")
        n_random = check_int(n_random, "n_random", 1)
        n_wrong = check_int(n_wrong, "n_wrong", 0)
        if n_random + n_wrong > 200:
            raise ValueError(
                f"n_random + n_wrong must be at most 200 (every digit is stored in "
                f"the page), got {n_random + n_wrong}"
            )
        # A copy of the network as the page runs it: on the CPU, in eval mode, and not
        # changed by later training of ``model``.
        self.model = copy.deepcopy(model).cpu().eval()
        levels = (images * 255).round().to(torch.uint8)
        self.all_images = levels.float() / 255
        try:
            with torch.no_grad():
                logits = self.model(self.all_images)
        except RuntimeError as err:
            raise ValueError(f"model cannot read (N, 1, 28, 28) digits: {err}") from None
        if logits.ndim != 2 or not 2 <= logits.shape[1] <= 100:
            raise ValueError(
                f"model must give (N, classes) scores with 2 to 100 classes, "
                f"got shape {tuple(logits.shape)}"
            )
        predictions = logits.argmax(1)
        labels = labels.cpu()
        if labels.min() < 0 or labels.max() >= logits.shape[1]:
            raise ValueError(f"labels must be classes from 0 to {logits.shape[1] - 1}")
        generator = torch.Generator().manual_seed(0)
        chosen = torch.randperm(len(images), generator=generator)[:n_random].tolist()
        # the first misclassified digits, in order, as a lesson lists them: one may also be
        # among the random ones (it is then stored twice, a few hundred bytes)
        wrong = (predictions != labels).nonzero().flatten()[:n_wrong].tolist()
        self.indices = chosen + wrong
        """Each embedded digit's index in ``images``: the random ones, then the misclassified."""
        self.images = self.all_images[self.indices, 0]
        self.labels = labels[self.indices]
        super().__init__(
            layers=layers,
            weights=_base64(params.numpy().astype("<f4")),
            digits=_base64(levels[self.indices].flatten().numpy()),
            picks=[[i, int(labels[i]), int(predictions[i])] for i in self.indices],
            n_random=len(chosen),
            digit=0,
            stage_names=_stage_names(paths, [layer["type"] for layer in layers], name),
        )
        self.add_class(EXPLORER_CLASS)

    @traitlets.validate("digit")
    def _valid_digit(self, proposal):
        digit = proposal["value"]
        if not -1 <= digit < len(self.picks):
            raise traitlets.TraitError(
                f"digit must be -1 (the drawing) or from 0 to "
                f"{len(self.picks) - 1} (a picked digit), got {digit}"
            )
        return digit

    def __repr__(self) -> str:
        # Short and the same on every machine: the notebook stores it as the cell's text.
        n = len(base64.b64decode(self.weights)) // 4
        return (
            f"NetworkExplorer({n:,} parameters, {len(self.picks)} digits): an explorer. "
            f"Run this cell in Jupyter to use it."
        )

    def input(self) -> torch.Tensor:
        """The 28×28 input the page shows now: the picked digit, or the drawing made into one."""
        if self.digit == -1:
            if len(self.drawn) != 784:
                raise ValueError("nothing is drawn yet: draw a digit on the pad first")
            return torch.tensor(self.drawn, dtype=torch.float32).view(28, 28)
        return self.images[self.digit]

    def probabilities(self) -> torch.Tensor:
        """PyTorch's class probabilities for :meth:`input`: what the page's bars show."""
        with torch.no_grad():
            return F.softmax(self.model(self.input()[None, None]), dim=1)[0]
