"""Shared pieces of the ``backprop`` command: the user-error type, argparse value types, the
network and batch a subcommand builds from its options, and the lazy imports of optional parts.

Every value an option takes is checked here, through argparse ``type=`` functions or
``choices=``, so a bad value is answered by argparse (``usage: ...``, exit status 2), never by a
traceback from the library.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import nn

PROG = "backprop"

LOSSES: dict[str, Callable[..., Any]] = {
    "binary_cross_entropy": nn.binary_cross_entropy,
    "mse": nn.mse,
    "cross_entropy": nn.cross_entropy,
}
"""Loss name (as in ``nn.closed_form.LOSSES``) -> the ``nn`` loss function."""

ACTIVATION_NAMES = tuple(nn.ACTIVATIONS)
RANKDIRS = ("LR", "TB", "RL", "BT")
DRAWING_SUFFIXES = (".svg", ".png", ".pdf")
PROBABILITY_OUTPUTS = ("sigmoid", "softmax")


class CLIError(Exception):
    """A user or environment error, reported as ``backprop: error: <message>`` (exit status 2)."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples; wider option column."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def add_command(subparsers: Any, name: str, summary: str, description: str,
                examples: str) -> argparse.ArgumentParser:
    """A subcommand listed as ``summary`` whose ``--help`` shows ``description`` and
    ``examples`` (one command per line).

    The description's paragraphs (separated by blank lines) are refilled to 78 columns, except
    those that start with two spaces (tables), which are kept as written.
    """
    paragraphs = [part if part.startswith("  ") else textwrap.fill(" ".join(part.split()), 78,
                                                                  break_on_hyphens=False)
                  for part in description.split("\n\n")]
    return subparsers.add_parser(
        name, help=summary, description="\n\n".join(paragraphs), formatter_class=HelpFormatter,
        epilog="examples:\n" + "\n".join(f"  {line.strip()}"
                                          for line in examples.strip().splitlines()),
    )


# --------------------------------------------------------------------------- argparse types


def sizes(text: str) -> list[int]:
    """``"2,4,1"`` -> ``[2, 4, 1]``: comma-separated positive integers."""
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = []
    if not values or any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 2,4,1, got {text!r}")
    return values


def positive_int(text: str) -> int:
    return _number(text, int, "a positive integer", lambda value: value >= 1)


def nonnegative_int(text: str) -> int:
    return _number(text, int, "an integer >= 0", lambda value: value >= 0)


def positive_float(text: str) -> float:
    return _number(text, float, "a positive number", lambda value: 0 < value < np.inf)


def nonnegative_float(text: str) -> float:
    return _number(text, float, "a number >= 0", lambda value: 0 <= value < np.inf)


def fraction(text: str) -> float:
    return _number(text, float, "a number in [0, 1)", lambda value: 0 <= value < 1)


def _number(text: str, kind: type, what: str, valid: Callable[[Any], bool]) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not valid(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def drawing_path(text: str) -> Path:
    """A file name ending in ``.svg``, ``.png`` or ``.pdf`` (the drawing's format)."""
    path = Path(text)
    if path.suffix.lower() not in DRAWING_SUFFIXES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the file name must end in {', '.join(DRAWING_SUFFIXES)} "
            f"(the suffix picks the format)")
    return path


def add_network_options(parser: argparse.ArgumentParser, *, m: int) -> None:
    """``--sizes --hidden --output --loss --m --seed``: a random network and batch."""
    group = parser.add_argument_group("network and batch")
    group.add_argument("--sizes", type=sizes, default=[2, 4, 1], metavar="N0,N1,...,NL",
                       help="layer widths from the input to the output (default: 2,4,1)")
    group.add_argument("--hidden", choices=ACTIVATION_NAMES, default="tanh", metavar="ACT",
                       help="activation of the hidden layers, one of %(choices)s "
                            "(default: %(default)s)")
    group.add_argument("--output", choices=ACTIVATION_NAMES, default="sigmoid", metavar="ACT",
                       help="activation of the output layer (default: %(default)s)")
    group.add_argument("--loss", choices=tuple(LOSSES), default="binary_cross_entropy",
                       metavar="LOSS",
                       help="cost J, one of %(choices)s; binary_cross_entropy needs --output "
                            "sigmoid or softmax; cross_entropy takes the output as logits "
                            "(default: %(default)s)")
    group.add_argument("--m", type=positive_int, default=m, metavar="M",
                       help="number of examples (columns of X) (default: %(default)s)")
    group.add_argument("--seed", type=int, default=0,
                       help="seed of the weights (xavier init) and of X and T "
                            "(default: %(default)s)")


def check_network_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What ``type=`` cannot check alone: two widths at least, a loss that fits the output."""
    if len(args.sizes) < 2:
        parser.error(f"--sizes needs at least two layer widths (input and output), "
                     f"got {','.join(map(str, args.sizes))}")
    check_loss_fits_output(parser, args.loss, args.output)


def check_loss_fits_output(parser: argparse.ArgumentParser, loss: str, output: str) -> None:
    """Refuse binary cross-entropy on outputs that are not probabilities (argparse error)."""
    if loss == "binary_cross_entropy" and output not in PROBABILITY_OUTPUTS:
        parser.error(f"--loss binary_cross_entropy needs probabilities from the output layer: "
                     f"use --output {' or '.join(PROBABILITY_OUTPUTS)} (got --output {output}), "
                     f"or another --loss")


# --------------------------------------------------------------------------- network and batch


def random_network(args: argparse.Namespace) -> tuple[nn.MLP, np.ndarray, np.ndarray]:
    """``MLP(args.sizes)`` and a batch ``X (n_0, m)``, ``T (n_L, m)`` suited to ``args.loss``.

    ``X`` is standard normal; ``T`` is 0/1 labels for binary cross-entropy, standard normal for
    mse, and one-hot columns of random classes for cross-entropy. One seed draws everything.
    """
    model = nn.MLP(args.sizes, hidden=args.hidden, output=args.output, rng=args.seed)
    rng = np.random.default_rng(args.seed)
    n_0, n_L, m = args.sizes[0], args.sizes[-1], args.m
    X = rng.standard_normal((n_0, m))
    if args.loss == "mse":
        T = rng.standard_normal((n_L, m))
    elif args.loss == "binary_cross_entropy":
        T = rng.integers(0, 2, (n_L, m)).astype(np.float64)
    else:
        T = nn.one_hot(rng.integers(0, n_L, m), n_L)
    return model, X, T


def describe_network(args: argparse.Namespace) -> str:
    return (f"MLP {args.sizes}, hidden {args.hidden}, output {args.output}, loss {args.loss}, "
            f"m = {args.m}, seed {args.seed}")


# --------------------------------------------------------------------------- optional parts


def render_graph(root: Any, path: Path, **options: Any) -> Path:
    """Draw the graph of ``root`` into ``path`` with ``autograd_core.viz.render``."""
    try:
        from autograd_core.viz import render
    except ImportError as error:
        raise CLIError(f"cannot draw graphs: autograd_core.viz is not available ({error}); "
                       f"it needs the packages graphviz and pygraphviz, which "
                       f"'pip install autograd-core' installs") from None
    try:
        render(root, path, **options)
    except (OSError, RuntimeError, ValueError, ImportError) as error:
        raise CLIError(f"could not write {path}: {error}") from None
    return path


def make_folder(path: Path) -> Path:
    """Create the output folder ``path`` (and parents) if needed; a ``CLIError`` if it can't."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CLIError(f"cannot create the output folder {str(path)!r}: {error}") from None
    return path
