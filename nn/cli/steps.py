"""``backprop steps`` and ``backprop explain``: watch the backward pass, one node at a time.

Wire with ``add_steps(subparsers)`` and ``add_explain(subparsers)``; each parser's ``run``
is its ``run_*`` function, which returns the exit status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import nn
from autograd_core import Tensor

from .common import add_command, add_network_options, check_network_options, random_network

STEPS_M = 4  # every number of every step fits on the page and in the terminal


def _network_options(parser: argparse.ArgumentParser, m: int) -> None:
    add_network_options(parser, m=m)
    parser.add_argument("--data", choices=("flower", "random"), default="flower",
                        help="the section-6 flower data set (default) or a random batch "
                             "from --seed (the flower needs --sizes 2,...,1)")


def add_steps(subparsers: Any) -> argparse.ArgumentParser:
    parser = add_command(
        subparsers, "steps", "print the backward pass step by step",
        "Runs backward on a network and prints every step the engine takes, in order: the "
        "node, the gradient arriving, its rule in the documents' notation, each input's "
        "contribution (+= where a tensor is used more than once). Small arrays are printed, "
        "large ones by their norm. --html writes a page that plays the forward and the "
        f"backward pass; --predict makes it ask for one element of each step first. The "
        f"batch is {STEPS_M} examples, so every number shows; --m sets more.",
        "backprop steps\nbackprop steps --html backprop.html --predict\n"
        "backprop steps --m 8 --html backprop.html")
    _network_options(parser, STEPS_M)
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the page")
    parser.add_argument("--predict", action="store_true",
                        help="the page asks for one element of each step before it shows the "
                             "step's gradients, and keeps a score (needs --html)")
    parser.set_defaults(run=run_steps, parser=parser, memory_hint="use smaller --sizes or --m")
    return parser


def add_explain(subparsers: Any) -> argparse.ArgumentParser:
    parser = add_command(
        subparsers, "explain", "one gradient element with its numbers plugged in",
        "Writes the rule for one element of a gradient with its values: dW[2][0,3] = "
        "Σ_k dZ[2][0,k] · A[1][3,k] = ... ; --chain adds the path back to dJ.",
        "backprop explain dW[2] 0,3\nbackprop explain dW[1] 1,0 --chain")
    parser.add_argument("gradient", help="the gradient's name, e.g. dW[2]")
    parser.add_argument("index", help="the element, comma-separated, e.g. 0,3")
    _network_options(parser, 400)
    parser.add_argument("--chain", action="store_true", help="follow the chain back to J")
    parser.set_defaults(run=run_explain, parser=parser, memory_hint="use smaller --sizes or --m")
    return parser


def _cost(args: argparse.Namespace) -> Any:
    parser = getattr(args, "parser", None)
    if parser is not None:
        check_network_options(parser, args)
    model, X, T = random_network(args)
    if args.data == "flower":
        if args.sizes[0] != 2 or args.sizes[-1] != 1:
            print("backprop: --data flower needs --sizes 2,...,1; use --data random",
                  file=sys.stderr)
            return None
        try:
            X, T = nn.flower(m=args.m)
        except ValueError as e:
            print(f"backprop: --data flower: {e}", file=sys.stderr)
            return None
    loss = getattr(nn, args.loss)
    return loss(model(Tensor(X, name="A[0]")), T)


def run_steps(args: argparse.Namespace) -> int:
    from autograd_core.viz.animate import animate
    from autograd_core.viz.steps import TooManySteps, format_steps, steps

    if args.predict and args.html is None:
        print("backprop: --predict is a mode of the page: add --html FILE", file=sys.stderr)
        return 1
    J = _cost(args)
    if J is None:
        return 1
    try:
        recorded = steps(J)
    except TooManySteps as e:  # its remedy is the Python call's; here it is a smaller network
        print(f"backprop: the network's graph has over {e.limit:,} ops, too many to watch; "
              f"use smaller --sizes or --m", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError) as e:
        print(f"backprop: {e}", file=sys.stderr)
        return 1
    print(format_steps(recorded))
    if args.html is not None:
        try:
            animate(J, args.html, predict=args.predict)
        except OSError as e:
            print(f"backprop: cannot write {args.html}: {e.strerror}", file=sys.stderr)
            return 1
        print(f"wrote {args.html}")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from autograd_core.viz.explain import explain

    J = _cost(args)
    if J is None:
        return 1
    try:
        try:
            index = tuple(int(i) for i in args.index.split(","))
        except ValueError:
            raise ValueError(f"explain: the index must be integers separated by commas, such "
                             f"as 0,3; got {args.index!r}") from None
        print(explain(J, args.gradient, index, chain=args.chain))
    except (ValueError, IndexError) as e:
        print(f"backprop: {e}", file=sys.stderr)
        return 1
    return 0
