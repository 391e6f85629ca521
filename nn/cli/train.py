"""``backprop train``: train an MLP on a built-in data set, with options; save and load it."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

import nn
from autograd_core import no_grad

from .common import (
    ACTIVATION_NAMES,
    LOSSES,
    CLIError,
    add_command,
    check_loss_fits_output,
    check_memory,
    fraction,
    positive_float,
    positive_int,
    seed,
    sizes,
    steps,
)


@dataclass(frozen=True)
class Recipe:
    """The defaults ``backprop train`` uses for one data set."""

    hidden_sizes: tuple[int, ...]
    hidden: str
    output: str
    init: str
    optimizer: str
    lr: float
    epochs: int
    batch_size: int | None  # None: full batch
    test_fraction: float


RECIPES: dict[str, Recipe] = {
    # the course's set-up (Wichmann's section 6): W = 0.01 randn, gradient descent, lr 1.2
    "flower": Recipe((4,), "tanh", "sigmoid", "normal", "sgd", 1.2, 10_000, None, 0.0),
    "xor": Recipe((4,), "tanh", "sigmoid", "xavier", "sgd", 0.5, 1_000, None, 0.0),
    "moons": Recipe((8,), "tanh", "sigmoid", "xavier", "sgd", 0.5, 2_000, None, 0.0),
    "spirals": Recipe((16, 16), "tanh", "sigmoid", "xavier", "adam", 0.01, 2_000, None, 0.0),
    "digits": Recipe((32,), "tanh", "identity", "xavier", "adam", 0.01, 20, 64, 0.2),
}

DEFAULT_LOSS = {"sigmoid": "binary_cross_entropy", "identity": "cross_entropy"}
"""Output activation -> default loss (any other output: mse)."""


def batch_size(text: str) -> int | None:
    """A positive integer, or ``full`` (one batch of every example)."""
    if text.strip().lower() == "full":
        return None
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer or 'full', got {text!r}") from None


def npz_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".npz":
        raise argparse.ArgumentTypeError(f"{text!r}: the file name must end in .npz")
    return path


def _recipe_table() -> str:
    rows = [f"  {'--data':<8} {'sizes':<6} {'hidden':<6} {'output':<8} {'init':<6} "
            f"{'optimizer':<9} {'epochs':>6} {'batch':<5} test"]
    for name, r in RECIPES.items():
        rows.append(
            f"  {name:<8} {','.join(map(str, r.hidden_sizes)):<6} {r.hidden:<6} "
            f"{r.output:<8} {r.init:<6} {r.optimizer + ' ' + format(r.lr, 'g'):<9} "
            f"{r.epochs:>6} {r.batch_size or 'full'!s:<5} {r.test_fraction:g}")
    return "\n".join(rows)


def add_train(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "train", "train an MLP on a built-in data set; save and load it",
        "Train an MLP on a built-in data set; print the final loss and accuracy.\n\n"
        "--sizes lists the widths of the HIDDEN layers only: the input width and the output "
        "width\ncome from the data (flower --sizes 4 trains a [2, 4, 1] network). Every option "
        "left out\ntakes the data set's default:\n\n" + _recipe_table() + "\n\n"
        "The loss follows the output layer unless --loss says otherwise: sigmoid -> "
        "binary_cross_entropy,\nidentity -> cross_entropy on the logits (one output per class), "
        "any other -> mse.\ndigits needs scikit-learn: pip install 'autograd-core[digits]'.",
        """
        backprop train --data flower
        backprop train --data moons --sizes 16,16 --hidden relu --optimizer adam --lr 0.01
        backprop train --data digits --epochs 10 --save digits.npz
        backprop train --data digits --load digits.npz --epochs 0
        """,
    )
    parser.add_argument("--data", choices=tuple(RECIPES), default="flower",
                        help="built-in data set: %(choices)s (default: %(default)s)")
    parser.add_argument("--sizes", type=sizes, metavar="N1,N2,...",
                        help="widths of the hidden layers (input and output come from the data)")
    parser.add_argument("--hidden", choices=ACTIVATION_NAMES, metavar="ACT",
                        help="activation of the hidden layers, one of %(choices)s")
    parser.add_argument("--output", choices=ACTIVATION_NAMES, metavar="ACT",
                        help="activation of the output layer")
    parser.add_argument("--loss", choices=tuple(LOSSES), metavar="LOSS",
                        help="cost J, one of %(choices)s (default: follows --output, see above)")
    parser.add_argument("--init", choices=nn.INITS,
                        help="weight initialisation: %(choices)s (normal: 0.01 randn)")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), help="sgd or adam")
    parser.add_argument("--lr", type=positive_float,
                        help="learning rate (default: the data set's, or 0.1 for sgd and 0.01 "
                             "for adam when --optimizer changes the optimizer)")
    parser.add_argument("--momentum", type=fraction,
                        help="momentum of sgd, in [0, 1) (default: 0)")
    parser.add_argument("--epochs", type=steps,
                        help="passes over the training set; 0 only evaluates (with --load)")
    parser.add_argument("--batch-size", type=batch_size, metavar="B",
                        help="examples per step, or 'full' for full-batch gradient descent")
    parser.add_argument("--test-fraction", type=fraction, metavar="F",
                        help="fraction of the examples held out for testing, in [0, 1)")
    parser.add_argument("--seed", type=seed, default=2,
                        help="seed of the weights (np.random.seed style: the course's is 2), "
                             "the shuffling and the test split (default: %(default)s)")
    parser.add_argument("--load", type=Path, metavar="PATH.npz",
                        help="load the parameters from this file (nn.save's .npz) before "
                             "training")
    parser.add_argument("--save", type=npz_path, metavar="PATH.npz",
                        help="save the trained parameters to this file")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--compile", action="store_true",
                        help="record the forward pass once and replay it as flat NumPy "
                             "(autograd_core.compile): the same numbers, faster")
    parser.set_defaults(run=run_train, parser=parser,
                        memory_hint="use smaller --sizes or --batch-size")


def load_data(name: str) -> tuple[np.ndarray, np.ndarray, int]:
    """``X (n_0, m)``, integer labels ``(m,)`` and the number of classes of data set ``name``."""
    try:
        X, Y = nn.DATASETS[name]()
    except ImportError as error:  # digits without scikit-learn
        raise CLIError(f"--data {name}: {error}") from None
    labels = Y.argmax(axis=0) if Y.shape[0] > 1 else Y[0]
    return X, labels.astype(np.int64), max(Y.shape[0], 2)


def targets(labels: np.ndarray, classes: int, loss: str) -> np.ndarray:
    """Targets for ``loss``: labels ``(m,)`` for cross-entropy; ``(1, m)`` of 0/1 for binary
    data; one-hot ``(C, m)`` for more classes."""
    if loss == "cross_entropy":
        return labels
    if classes == 2:
        return labels[np.newaxis, :].astype(np.float64)
    return nn.one_hot(labels, classes)


def check_writable(path: Path) -> None:
    """A ``CLIError`` unless ``path``'s folder exists and takes new files."""
    folder = path.parent
    if not folder.is_dir():
        raise CLIError(f"cannot save to {str(path)!r}: the folder {str(folder)!r} does not "
                       f"exist; create it, or give another --save path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CLIError(f"cannot save to {str(path)!r}: no permission to write in the folder "
                       f"{str(folder)!r}; give another --save path")


T_ = TypeVar("T_")


def pick(value: Any, default: T_) -> T_:
    """The option's value if it was given, else the default."""
    return default if value is None else value


NOT_LINEARLY_SEPARABLE = {"xor": 52.0}
"""Data set -> the training accuracy (%) a linear decision boundary reached with its recipe
(``--hidden identity``, and ``--sizes 1``): chance. The other data sets are learnt in part
by a linear boundary (flower 67.5 %, spirals 67 %, moons 89 %), which the course shows."""


def check_can_learn(parser: argparse.ArgumentParser, data: str, hidden_sizes: list[int],
                    hidden: str, output: str, n_L: int, epochs: int, loaded: bool) -> None:
    """Refuse (argparse error) a network that cannot learn ``data`` whatever its weights, or a
    run that trains nothing: each would otherwise print an accuracy and exit 0."""
    if output == "softmax" and n_L == 1:
        parser.error("--output softmax over a single output unit is always 1 (softmax "
                     "normalises over the units), so it learns nothing: use --output sigmoid "
                     "for two classes, or --loss cross_entropy with --output identity (one "
                     "output per class)")
    if hidden == "softmax" and 1 in hidden_sizes:
        parser.error(f"--hidden softmax over a hidden layer of width 1 is always 1, so the "
                     f"output does not depend on the input: give every hidden layer a width "
                     f"of 2 or more (got --sizes {','.join(map(str, hidden_sizes))}), or "
                     f"another --hidden")
    linear = hidden == "identity" or all(width == 1 for width in hidden_sizes)
    if linear and data in NOT_LINEARLY_SEPARABLE:
        why = ("--hidden identity makes the network linear" if hidden == "identity" else
               f"hidden layers of width 1 (--sizes {','.join(map(str, hidden_sizes))}) pass "
               f"one number on")
        parser.error(f"--data {data} is not linearly separable and {why}, so its decision "
                     f"boundary is a straight line: it cannot learn {data} (about "
                     f"{NOT_LINEARLY_SEPARABLE[data]:g} % accuracy, chance); use a nonlinear "
                     f"--hidden such as tanh or relu, with a width of 2 or more")
    if epochs == 0 and not loaded:
        parser.error("--epochs 0 trains nothing and would only evaluate the random initial "
                     "weights: give --load PATH.npz to evaluate a saved model, or --epochs 1 "
                     "or more")


def run_train(args: argparse.Namespace) -> int:
    recipe = RECIPES[args.data]
    hidden_sizes = pick(args.sizes, list(recipe.hidden_sizes))
    hidden, output = pick(args.hidden, recipe.hidden), pick(args.output, recipe.output)
    loss = pick(args.loss, DEFAULT_LOSS.get(output, "mse"))
    optimizer_name = pick(args.optimizer, recipe.optimizer)
    lr = pick(args.lr, recipe.lr if optimizer_name == recipe.optimizer else
              {"sgd": 0.1, "adam": 0.01}[optimizer_name])
    epochs = pick(args.epochs, recipe.epochs)
    batch = recipe.batch_size if args.batch_size is None else args.batch_size
    test_fraction = pick(args.test_fraction, recipe.test_fraction)
    check_loss_fits_output(args.parser, loss, output)
    if args.momentum is not None and optimizer_name != "sgd":
        args.parser.error("--momentum applies to --optimizer sgd only")

    X, labels, classes = load_data(args.data)
    T = targets(labels, classes, loss)
    if args.compile and T.ndim == 1:  # a compiled loss cannot read labels: the same as one-hot
        T = nn.one_hot(labels, classes)
    n_L = 1 if T.ndim == 2 and classes == 2 else classes
    m = X.shape[1]
    if test_fraction > 0 and math.ceil(test_fraction * m) >= m:
        args.parser.error(f"--test-fraction {test_fraction:g} leaves none of the {m} examples of "
                          f"{args.data} for training: give a smaller fraction")
    check_can_learn(args.parser, args.data, hidden_sizes, hidden, output, n_L, epochs,
                    args.load is not None)
    sizes_ = [X.shape[0], *hidden_sizes, n_L]
    check_memory(args.parser, sizes_, m, f"--sizes {','.join(map(str, hidden_sizes))} on "
                 f"--data {args.data} ({m} examples)", "use smaller --sizes")
    if args.save is not None:  # before training, not after it
        check_writable(args.save)
    if test_fraction > 0:
        X_train, X_test, T_train, T_test = nn.train_test_split(X, T, test_fraction, seed=args.seed)
    else:
        X_train, T_train, X_test, T_test = X, T, None, None
    model = nn.MLP(sizes_, hidden=hidden, output=output, init=pick(args.init, recipe.init),
                   rng=np.random.RandomState(args.seed), retain_grads=False)  # dW, db suffice
    if args.load is not None:
        try:
            nn.load(model, args.load)
        except OSError as error:  # no such file, a folder, no permission
            raise CLIError(f"{error}: give the --load path of a file nn.save wrote") from None
        except ValueError as error:
            raise CLIError(f"{error}; this network is {sizes_} with {hidden} hidden and "
                           f"{output} output: give the --data, --sizes, --hidden and --output "
                           f"it was saved with") from None
    split = f", {X_test.shape[1]} held out for testing" if X_test is not None else ""
    print(f"data      {args.data}: {X.shape[1]} examples of {X.shape[0]} features, "
          f"{classes} classes{split}")
    print(f"model     {model!r}".replace("\n", "\n          "))
    if args.load is not None:
        print(f"loaded    {args.load}")

    params = model.parameters()
    momentum = args.momentum or 0.0
    optimizer = (nn.optim.SGD(params, lr=lr, momentum=momentum) if optimizer_name == "sgd"
                 else nn.optim.Adam(params, lr=lr))
    batching = "full batch" if batch is None else f"batches of {batch}"
    extra = f", momentum {momentum:g}" if momentum else ""
    if epochs:
        print(f"training  {epochs} epochs of {optimizer_name} (lr {lr:g}{extra}), {batching}, "
              f"loss {loss}")
    else:
        print(f"training  none (--epochs 0): evaluating, loss {loss}")
    loss_fn = LOSSES[loss]
    nn.fit(model, X_train, T_train, loss_fn, optimizer, epochs, batch_size=batch, rng=args.seed,
           progress=not args.no_progress, compile=args.compile)

    for part, X_part, T_part in (("train", X_train, T_train), ("test", X_test, T_test)):
        if X_part is None:
            continue
        with no_grad():
            prediction = model(X_part)
            J = loss_fn(prediction, T_part).item()
        if not np.isfinite(J):  # fit saw finite losses; its last step may still overflow
            raise CLIError(f"the {part} loss after training is {J:g}: the learning rate "
                           f"{lr:g} may be too large: try a smaller --lr")
        hits = nn.accuracy(prediction, T_part)  # type: ignore[arg-type]  # skipped if None
        print(f"{part:<5}     loss {J:.6g}, accuracy {100 * hits:.2f} % "
              f"({round(hits * X_part.shape[1])} of {X_part.shape[1]})")
    if args.save is not None:
        try:
            nn.save(model, args.save)
        except OSError as error:
            raise CLIError(f"cannot save to {str(args.save)!r}: {error}") from None
        print(f"saved     {args.save}")
    return 0
