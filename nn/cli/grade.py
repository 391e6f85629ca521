"""``backprop grade FILE``: grade a learner's ``backprop(cache)`` against autodiff.

The file is run with ``runpy.run_path`` in this process (the learner's own) and must define a
function named ``backprop`` (``--function`` picks another name). Without network options the
network is Wichmann's section 6 (the course's flower, ``[2, 4, 1]`` tanh/sigmoid, binary
cross-entropy, ``W = 0.01 randn`` after seed 2); with any, a random one as ``backprop check``
builds it (each option not given at its ``_NETWORK_DEFAULTS`` value, which ``--help`` shows).
``backprop exercise`` (``nn/cli/exercise.py``) writes notebooks whose check cells run the same
grader.
"""

from __future__ import annotations

import argparse
import runpy
import traceback

from ..closed_form.grading import NOTATIONS, grade
from ..closed_form.grading.exercise import section6
from ..closed_form.grading.hints import LEVELS as HINT_LEVELS
from .common import (
    CLIError,
    add_command,
    add_network_options,
    check_network_options,
    random_network,
)

WRONG = 3
"""Exit status when a returned quantity is wrong (or nothing could be graded)."""

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
        "its diagnosis.\n\nWithout network options: Wichmann's section 6 network on the "
        "flower data; with any, a random network (the others at their defaults). Exit "
        f"status 0 only when every returned quantity is right, {WRONG} otherwise.",
        """
        backprop grade my_backprop.py
        backprop grade my_backprop.py --notation rojas
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
        "\n  130", f"\n  {WRONG}   a returned quantity is wrong, or nothing could be graded"
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


def run_grade(args: argparse.Namespace) -> int:
    try:
        namespace = runpy.run_path(args.file, run_name="__learner__")
    except Exception as error:  # the learner's file: a line, not a traceback
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        raise CLIError(f"could not run {args.file}: {last}") from None
    fn = namespace.get(args.function)
    if not callable(fn):
        raise CLIError(f"{args.file} defines no function {args.function}(cache): define "
                       f"def {args.function}(cache): return {{'dZ[2]': ..., ...}}")
    if all(getattr(args, name) is None for name in _NETWORK_DEFAULTS):
        model, X, Y = section6()
        loss = "binary_cross_entropy"
    else:
        for name, value in _NETWORK_DEFAULTS.items():
            if getattr(args, name) is None:
                setattr(args, name, value)
        parser = getattr(args, "parser", None)
        if parser is not None:
            check_network_options(parser, args)
        model, X, Y = random_network(args)
        loss = args.loss
    report = grade(fn, model, X, Y, loss, notation=args.notation)
    print(report if args.hint is None else report.hinted(args.hint))
    return 0 if report.ok else WRONG
