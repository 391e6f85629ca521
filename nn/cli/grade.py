"""``backprop grade FILE``: grade a learner's ``backprop(cache)`` against autodiff.

The file runs in a child process (``grade_runner``: whatever it does, exits, hangs past
``--time-limit``, raises or prints, the grade ends with one line saying so) and must define a
function named ``backprop`` (``--function`` picks another name); the parent grades the values
it returns. Exit status 0 only when every quantity of the notation (``required``) is returned
and right; ``--partial`` says how many of how many, for practice. Without network options the
network is Wichmann's section 6 (the course's flower, ``[2, 4, 1]`` tanh/sigmoid, binary
cross-entropy, ``W = 0.01 randn`` after seed 2); with any, a random one as ``backprop check``
builds it (each option not given at its ``_NETWORK_DEFAULTS`` value, which ``--help`` shows).
``backprop exercise`` (``nn/cli/exercise.py``) writes notebooks whose check cells run the same
grader.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..closed_form.autodiff import run_autodiff
from ..closed_form.grading import NOTATIONS, GradeReport, grade_cache
from ..closed_form.grading.exercise import section6
from ..closed_form.grading.hints import LEVELS as HINT_LEVELS
from ..closed_form.grading.rules import Key, backward_order, learner_cache
from .common import (
    CLIError,
    add_command,
    add_network_options,
    check_network_options,
    random_network,
)
from .grade_runner import run_learner

WRONG = 3
"""Exit status unless every quantity the notation asks for is returned and right: one is
wrong or missing, or the learner's code exited, hung, crashed or raised."""

TIME_LIMIT = 60.0
"""Seconds the learner's file has, loading and running (``--time-limit``)."""
MAX_TIME_LIMIT = 86_400.0

_NETWORK_DEFAULTS = {"sizes": [2, 4, 1], "hidden": "tanh", "output": "sigmoid",
                     "loss": "binary_cross_entropy", "m": 16, "seed": 0}
"""The random network's options, for those not given when another one is."""

_SECTION6 = {"m": "the 400 flower points of section 6",
             "seed": "section 6's W = 0.01 randn after seed 2"}
"""What the section-6 network uses where it differs from ``_NETWORK_DEFAULTS``, for ``--help``."""


def add_grade(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "grade", "grade your own backprop (a file defining backprop(cache))",
        "Grade a file that defines backprop(cache) -> {name: array}: each returned dA[l], "
        "dZ[l], dW[l], db[l] against autodiff, in backward order, with the first error and "
        "its diagnosis. The file runs in a child process, under --time-limit.\n\nWithout "
        "network options: Wichmann's section 6 network on the flower data; with any, a random "
        "network (the others at their defaults).\n\nExit status 0 only when every quantity "
        "of the notation is returned and right (ours: dA[l], dZ[l], dW[l], db[l] for each "
        f"layer l, dA[0] optional; another notation: its own names), {WRONG} otherwise; "
        "--partial says how many of how many are right, for practice.",
        """
        backprop grade my_backprop.py
        backprop grade my_backprop.py --notation rojas
        backprop grade my_backprop.py --partial --time-limit 10
        backprop grade my_backprop.py --hint 1
        backprop grade my_backprop.py --sizes 3,5,2 --loss mse --output identity
        """,
    )
    parser.add_argument("file", help="a Python file defining backprop(cache)")
    parser.add_argument("--function", default="backprop", type=_identifier,
                        help="the function's name (default: %(default)s)")
    parser.add_argument("--notation", choices=tuple(NOTATIONS), default="ours",
                        help="the names and scaling you return, one of %(choices)s "
                             "(default: %(default)s)")
    parser.add_argument("--partial", action="store_true",
                        help="practice: grade the quantities returned and say how many of "
                             "how many are right (the exit status stays non-zero until all "
                             "are)")
    parser.add_argument("--time-limit", type=_seconds, default=TIME_LIMIT, metavar="SECONDS",
                        help="stop the file after this long, loading and running "
                             "(default: %(default)g)")
    parser.add_argument("--hint", type=_hint_level, default=None, metavar="N",
                        help="instead of the full diagnosis, hints 1 to N about the first "
                             "error: 1 which quantity, 2 what kind of slip, 3 the formula, "
                             "4 one element with its numbers")
    add_network_options(parser, m=16)
    for action in parser._actions:  # None marks "not given"; the help says what is used
        name = action.dest
        if name in _NETWORK_DEFAULTS:
            text = str(action.help).split(" (default:")[0]
            value = _NETWORK_DEFAULTS[name]
            shown = ",".join(map(str, value)) if isinstance(value, list) else value
            action.help = (f"{text} (default: {_SECTION6[name]}; {shown} with other network "
                           f"options)" if name in _SECTION6 else f"{text} (default: {shown})")
    parser.set_defaults(**dict.fromkeys(_NETWORK_DEFAULTS), run=run_grade, parser=parser)
    parser.epilog = str(parser.epilog).replace(
        "\n  130", f"\n  {WRONG}   a quantity is wrong or missing, or your code exited, hung, "
                   f"crashed or raised"
                   f"\n  130")


def _hint_level(text: str) -> int:
    try:
        level = int(text)
    except ValueError:
        level = 0
    if not 1 <= level <= HINT_LEVELS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a hint level: give 1 to "
                                         f"{HINT_LEVELS}")
    return level


def _identifier(text: str) -> str:
    if not text.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not a Python function name")
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(f"expected a number of seconds in (0, "
                                         f"{MAX_TIME_LIMIT:g}], got {text!r}")
    return value


def required(notation: str, L: int) -> list[tuple[str, Key]]:
    """``(the notation's name, our key)`` of every quantity ``notation`` asks for: each of its
    quantities for layers ``L .. 1``, in backward order (``dA[0]``, ``∂J/∂X``, is extra)."""
    names: dict[str, str] = {}
    for name, meaning in NOTATIONS[notation].items():
        names.setdefault(meaning.gradient, name)  # rojas: dW, not dTheta
    return [(f"{names[key[0]]}[{key[1]}]", key) for key in backward_order(L)
            if key[1] > 0 and key[0] in names]


def verdict(report: GradeReport, notation: str, L: int, partial: bool) -> tuple[str, int]:
    """The last line of a grade and the exit status: 0 only when every quantity the notation
    asks for is returned and right, and nothing was refused."""
    asked = required(notation, L)
    named = {key: name for name, key in asked}
    status = {line.key: line.status for line in report.lines}
    right = [name for name, key in asked if status.get(key) == "right"]
    missing = [name for name, key in asked if status.get(key, "missing") == "missing"]
    wrong = [named.get(line.key, f"{line.key[0]}[{line.key[1]}]") for line in report.lines
             if line.status not in ("right", "missing")]
    n, k = len(asked), len(right)
    if k == n and report.ok:
        return f"right: all {n} quantities of notation {notation!r} are returned and right", 0
    parts = [f"{label}: {_listed(names)}" for label, names in
             (("wrong", wrong), ("missing", missing)) if names]
    if report.problems:
        parts.append(f"{len(report.problems)} problem{'s' * (len(report.problems) > 1)} "
                     f"marked !")
    why = "; ".join(parts)
    if partial:
        return f"partial: {k} of {n} right ({why})", WRONG
    if not wrong and not report.problems and k == 0:
        return f"nothing graded: 0 of {n} returned ({why})", WRONG
    if not wrong and not report.problems:
        return (f"incomplete: {k} of {n} returned, all right; notation {notation!r} asks for "
                f"all {n} ({why}): --partial grades a part, for practice"), WRONG
    return f"not right: {k} of {n} right ({why})", WRONG


def _listed(names: list[str], most: int = 12) -> str:
    """``"dA[2], dZ[2]"``; past ``most`` names, ``"..., and 3,990 more"`` (one line)."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown}, and {len(names) - most:,} more"


def _network(args: argparse.Namespace) -> tuple[Any, Any, Any, str]:
    if all(getattr(args, name) is None for name in _NETWORK_DEFAULTS):
        model, X, Y = section6()
        return model, X, Y, "binary_cross_entropy"
    for name, value in _NETWORK_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    parser = getattr(args, "parser", None)
    if parser is not None:
        check_network_options(parser, args)
    model, X, Y = random_network(args)
    return model, X, Y, args.loss


def printed(output: str, size: int, lines: int = 20, width: int = 160) -> str:
    """What the learner's code printed, its start only: at most ``lines`` lines of ``width``
    characters, each marked ``|`` so that no printed text passes for the grader's."""
    rows = output.splitlines()
    shown = [row if len(row) <= width else row[:width] + " ..." for row in rows[:lines]]
    cut = len(rows) > lines or len(output.encode("utf-8")) < size \
        or any(len(row) > width for row in rows[:lines])
    head = f"your code printed {size:,} bytes" + ("; the start:" if cut else ":")
    return "\n".join([head, *(f"  | {row}" for row in shown)] + (["  | ..."] if cut else []))


def run_grade(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.file):
        what = "no such file" if not os.path.exists(args.file) else "not a file"
        raise CLIError(f"cannot read {args.file}: {what}; give the Python file that defines "
                       f"{args.function}(cache)")
    model, X, Y, loss = _network(args)
    run = run_autodiff(model, X, Y, loss, input_grad=True)
    cache, truth = run.cache, dict(run.gradients)
    network = (f"MLP {list(cache.sizes)} "
               f"({', '.join(a.name for a in cache.activations[1:])}), {loss}, m = {cache.m}")
    most = 4 * max(value.size for value in truth.values()) + 1024
    limit = getattr(args, "time_limit", TIME_LIMIT)  # a Namespace built by hand: the default
    outcome = run_learner(args.file, args.function, learner_cache(cache), limit, most)
    if outcome.printed:
        print(printed(outcome.output, outcome.printed))
    if outcome.failure:
        print(f"not graded: {outcome.failure}")
        return WRONG
    report = grade_cache(lambda _cache: outcome.returned, cache, truth, args.notation, network)
    print(report if getattr(args, "hint", None) is None else report.hinted(args.hint))
    line, status = verdict(report, args.notation, cache.L, getattr(args, "partial", False))
    print(line)
    return status
