"""``backprop check`` and ``backprop graph``: compare autodiff with the documents' closed-form
equations on a network given by options, and draw a network's computation graph."""

from __future__ import annotations

import argparse
import json
import sys

from ..closed_form import FORMULATIONS, compare
from ..closed_form.compare import ATOL, RTOL
from .common import (
    DISAGREE,
    NOTHING_COMPARED,
    OK,
    add_command,
    add_network_options,
    check_network_options,
    describe_network,
    nonnegative_float,
    random_network,
)


def add_check(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "check", "compare autodiff with every closed-form formulation",
        "Compare autodiff gradients with every document's closed-form backpropagation.\n\n"
        "A random network (xavier weights), a random batch X and targets T suited to the loss "
        "run\nforward once; autodiff and each formulation compute dA, dZ, dW, db of every "
        "layer, and the\ntable shows the largest differences. Exit status: 0 when every "
        f"applicable formulation\nagrees within the tolerances, {DISAGREE} when one does not "
        "(see below).",
        """
        backprop check
        backprop check --sizes 3,5,4,2 --hidden relu --output identity --loss mse --m 8
        backprop check --loss cross_entropy --output identity --sizes 4,6,3 --json
        backprop check --formulation rojas --formulation wichmann --rtol 1e-10
        """, disagree=True,
    )
    add_network_options(parser, m=16)
    parser.add_argument("--formulation", action="append", choices=tuple(FORMULATIONS),
                        metavar="NAME", dest="formulations",
                        help="compare only this formulation (repeatable), one of %(choices)s "
                             "(default: all)")
    parser.add_argument("--rtol", type=nonnegative_float, default=RTOL,
                        help="relative tolerance (default: %(default)g)")
    parser.add_argument("--atol", type=nonnegative_float, default=ATOL,
                        help="absolute tolerance (default: %(default)g)")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON instead of a table")
    parser.set_defaults(run=run_check, parser=parser, memory_hint="use smaller --sizes or --m")


def run_check(args: argparse.Namespace) -> int:
    check_network_options(args.parser, args)
    model, X, T = random_network(args)
    formulations = list(dict.fromkeys(args.formulations)) if args.formulations else None
    report = compare(model, X, T, loss=args.loss, formulations=formulations)
    ok = bool(report.ok(rtol=args.rtol, atol=args.atol))
    nothing = ("backprop check: no requested formulation applies to this network and loss: "
               "nothing was compared")
    if args.json:
        print(json.dumps(report.to_dict(rtol=args.rtol, atol=args.atol), indent=2))
        if not report.rows:
            print(nothing, file=sys.stderr)
            return NOTHING_COMPARED
        return OK if ok else DISAGREE
    print(f"backprop check: {describe_network(args)}")
    print()
    print(report.table(rtol=args.rtol, atol=args.atol))
    print()
    skipped = {name for name, _ in report.not_applicable}
    compared = [name for name in (formulations or FORMULATIONS) if name not in skipped]
    tolerances = f"rtol={args.rtol:g}, atol={args.atol:g}"
    if not compared:
        print(nothing, file=sys.stderr)
        return NOTHING_COMPARED
    if ok:
        print(f"OK: {', '.join(compared)} agree with autodiff within {tolerances}")
    else:
        failed = sorted({row.formulation for row in report.failures(args.rtol, args.atol)})
        print(f"DISAGREE: {', '.join(failed)} {'differs' if len(failed) == 1 else 'differ'} "
              f"from autodiff beyond {tolerances}")
    return OK if ok else DISAGREE
