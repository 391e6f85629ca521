"""``backprop``: the command line of ``autograd_core`` and ``nn``.

::

    backprop demo       train the documents' example network, check it, draw it (the main job)
    backprop check      autodiff versus every closed-form formulation, on a network you describe
    backprop errata     the documents' wrong equations, printed versus corrected, with numbers
    backprop graph      a network's forward or backward computation graph, to a file
    backprop train      train on a built-in data set; save and load the parameters

``python -m nn`` is the same command. ``main(argv)`` returns the exit status: 0 for success,
1 when ``check`` finds a disagreement, 2 for a usage error (bad options, a file that cannot be
read, a missing optional package), reported as ``backprop: error: ...`` without a traceback.
The subcommands live in ``cli_demo``, ``cli_check`` (check, graph), ``cli_errata`` and
``cli_train``; ``cli_common`` holds what they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from autograd_core import __version__

from .cli_check import add_check, add_graph
from .cli_common import PROG, CLIError, HelpFormatter
from .cli_demo import add_demo
from .cli_errata import add_errata
from .cli_train import add_train

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``backprop`` parser with its five subcommands."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="See and check backpropagation: train the documents' example network, "
                    "compare autodiff\nwith the closed-form equations of the four documents, "
                    "list their errata, draw graphs.",
        epilog="examples:\n"
               "  backprop demo                      # the main job: train, check, draw\n"
               "  backprop check --sizes 3,5,2 --loss mse --output identity\n"
               "  backprop errata --document 002\n"
               "  backprop graph --backward -o backward.svg\n"
               "  backprop train --data moons --save moons.npz\n\n"
               "'backprop COMMAND --help' describes each command.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                       required=True)
    for add in (add_demo, add_check, add_errata, add_graph, add_train):
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backprop`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.run(args))
    except SystemExit as exit_:  # argparse: --help, --version (0) and usage errors (2)
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    except CLIError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `backprop errata | head`: stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
