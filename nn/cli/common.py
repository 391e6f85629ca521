"""Shared pieces of the ``backprop`` command: the user-error type, argparse value types, the
network and batch a subcommand builds from its options, and the lazy imports of optional parts.

Every value an option takes is checked here, through argparse ``type=`` functions or
``choices=``, so a bad value is answered by argparse (``usage: ...``, exit status 2), never by a
traceback from the library. Upper bounds keep a run within memory and time: a seed within
NumPy's range, widths and batches within ``MAX_VALUES`` (checked together by
``check_memory``), at most ``MAX_LAYERS`` layers and ``MAX_STEPS`` steps.
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

OK, FAILURE, USAGE, DISAGREE, NOTHING_COMPARED = 0, 1, 2, 3, 4
"""Exit statuses: success; a failure (a file, memory, a non-finite loss, a missing package);
a usage error (argparse's own status); a closed-form formulation that disagrees with autodiff;
``check`` found no requested formulation that applies, so nothing was compared."""

MAX_SEED = 2**32 - 1  # np.random.RandomState's range (default_rng takes more): one rule for all
MAX_LAYERS = 1_000  # 1,000 layers draw in 8 s, 3,000 in over a minute; the documents' have 2-4
MAX_STEPS = 100_000_000  # even the smallest network would train for hours
MAX_VALUES = 50_000_000
"""The most weights plus activation values one run may hold. A run keeps about eight copies
of them (gradients, the formulations' own, temporaries: 64 bytes a value, measured with
``/usr/bin/time -f %M``), so the limit is about 3.2 GB of memory."""
BYTES_PER_VALUE = 64

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
    """A failure the user can fix, reported as ``backprop: error: <message>`` (exit status 1
    unless ``status`` says otherwise): a file that cannot be read or written, a missing
    optional package. The message says what to do."""

    def __init__(self, message: str, status: int = FAILURE) -> None:
        super().__init__(message)
        self.status = status


def exit_statuses(disagree: bool = False, who: str = "") -> str:
    """The ``exit status:`` section of a ``--help`` epilog; ``disagree``: the command compares
    formulations with autodiff (``check``, ``demo``), ``who`` names them in the row."""
    rows = [(OK, "success"),
            (FAILURE, "failure: a file that cannot be read or written, out of memory, a "
                      "non-finite or\n      diverging loss, a missing optional package (one "
                      "line says what to do)"),
            (USAGE, "usage error: a bad option or combination of options")]
    if disagree:
        rows.append((DISAGREE, f"{who}an applicable closed-form formulation disagrees with "
                               f"autodiff"))
        rows.append((NOTHING_COMPARED, "check: no requested formulation applies to the "
                                       "network and loss: nothing was compared"))
    rows.append((130, "interrupted (Ctrl-C)"))
    return "exit status:\n" + "\n".join(f"  {code:<3} {text}" for code, text in rows)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples; wider option column."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def add_command(subparsers: Any, name: str, summary: str, description: str,
                examples: str, *, disagree: bool = False) -> argparse.ArgumentParser:
    """A subcommand listed as ``summary`` whose ``--help`` shows ``description``, ``examples``
    (one command per line) and the exit statuses (``disagree``: see ``exit_statuses``).

    The description's paragraphs (separated by blank lines) are refilled to 78 columns, except
    those that start with two spaces (tables), which are kept as written.
    """
    paragraphs = [part if part.startswith("  ") else textwrap.fill(" ".join(part.split()), 78,
                                                                  break_on_hyphens=False)
                  for part in description.split("\n\n")]
    return subparsers.add_parser(
        name, help=summary, description="\n\n".join(paragraphs), formatter_class=HelpFormatter,
        epilog="examples:\n" + "\n".join(f"  {line.strip()}"
                                          for line in examples.strip().splitlines())
               + "\n\n" + exit_statuses(disagree),
    )


# --------------------------------------------------------------------------- argparse types


def sizes(text: str) -> list[int]:
    """``"2,4,1"`` -> ``[2, 4, 1]``: at most ``MAX_LAYERS`` comma-separated positive integers,
    each at most ``MAX_VALUES``."""
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = []
    if not values or any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 2,4,1, got {text!r}")
    if len(values) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(
            f"expected at most {MAX_LAYERS:,} widths, got {len(values):,} (a deeper network's "
            f"graph takes minutes to draw)")
    widest = max(values)
    if widest > MAX_VALUES:
        raise argparse.ArgumentTypeError(
            f"expected widths of at most {MAX_VALUES:,}, got {widest:,}: {_WHY_MAX_VALUES}")
    return values


_WHY_MAX_VALUES = (f"a run may hold at most {MAX_VALUES:,} weights and activation values, "
                   f"about {MAX_VALUES * BYTES_PER_VALUE / 1e9:.1f} GB of memory")


def positive_int(text: str) -> int:
    return _number(text, int, "a positive integer", lambda value: value >= 1)


def int_in(lo: int, hi: int, why: str) -> Callable[[str], int]:
    """An argparse type: an integer from ``lo`` to ``hi``; ``why`` explains the bound."""
    def parse(text: str) -> int:
        return _number(text, int, f"an integer from {lo:,} to {hi:,} ({why})",
                       lambda value: lo <= value <= hi)
    return parse


def seed(text: str) -> int:
    """A seed NumPy takes: an integer from 0 to ``MAX_SEED``."""
    return _number(text, int, f"an integer from 0 to {MAX_SEED} (NumPy's seeds)",
                   lambda value: 0 <= value <= MAX_SEED)


def steps(text: str) -> int:
    """A number of steps or epochs: an integer from 0 to ``MAX_STEPS``."""
    return _number(text, int, f"an integer from 0 to {MAX_STEPS:,} (more would run for hours "
                              f"or days)", lambda value: 0 <= value <= MAX_STEPS)


def example_count(text: str) -> int:
    """A number of examples ``m``: a positive integer, at most ``MAX_VALUES``."""
    return _number(text, int, f"a positive integer of at most {MAX_VALUES:,} "
                              f"({_WHY_MAX_VALUES})", lambda value: 1 <= value <= MAX_VALUES)


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
    group.add_argument("--m", type=example_count, default=m, metavar="M",
                       help="number of examples (columns of X) (default: %(default)s)")
    group.add_argument("--seed", type=seed, default=0,
                       help="seed of the weights (xavier init) and of X and T "
                            "(default: %(default)s)")


def check_network_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What ``type=`` cannot check alone: two widths at least, a loss that fits the output, a
    network and batch that fit in memory."""
    if len(args.sizes) < 2:
        parser.error(f"--sizes needs at least two layer widths (input and output), "
                     f"got {','.join(map(str, args.sizes))}")
    check_loss_fits_output(parser, args.loss, args.output)
    check_memory(parser, args.sizes, args.m, f"--sizes {','.join(map(str, args.sizes))} "
                                             f"with --m {args.m}", "use smaller --sizes or --m")


def check_memory(parser: argparse.ArgumentParser, sizes_: list[int], m: int, what: str,
                 fix: str) -> None:
    """Refuse (argparse error) a network ``sizes_`` on ``m`` examples whose weights and
    activations exceed ``MAX_VALUES``, before anything is allocated: a large allocation may
    succeed and then swap, or get the process killed, rather than raise MemoryError."""
    weights = sum((a + 1) * b for a, b in zip(sizes_, sizes_[1:]))  # W and b of each layer
    activations = sum(sizes_) * m
    if weights + activations > MAX_VALUES:
        need = (weights + activations) * BYTES_PER_VALUE / 1e9
        parser.error(f"{what} needs {weights:,} weights and {activations:,} activation "
                     f"values, about {need:,.1f} GB of memory; the limit is {MAX_VALUES:,} "
                     f"values (about {MAX_VALUES * BYTES_PER_VALUE / 1e9:.1f} GB): {fix}")


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
    layers = (f"hidden {args.hidden}, output {args.output}" if len(args.sizes) > 2
              else f"output {args.output} (no hidden layer)")
    return f"MLP {args.sizes}, {layers}, loss {args.loss}, m = {args.m}, seed {args.seed}"


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
