"""``backprop``: the command line of ``autograd_core`` and ``nn``.

::

    backprop demo       train the documents' example network, check it, draw it (the main job)
    backprop check      autodiff versus every closed-form formulation, on a network you describe
    backprop errata     the documents' wrong equations, printed versus corrected, with numbers
    backprop graph      a network's forward or backward computation graph, to a file
    backprop train      train on a built-in data set; save and load the parameters
    backprop steps      the backward pass step by step (terminal, or an HTML page with --html)
    backprop explain    one gradient element's rule with its numbers plugged in
    backprop grade      grade your own backprop(cache) against autodiff; the first wrong quantity
    backprop exercise   write a notebook in which you write backprop yourself, checked cell by cell

``python -m nn`` is the same command. ``main(argv)`` returns the exit status:

    0    success
    1    failure: a file that cannot be read or written, out of memory, a non-finite or
         diverging loss while training, a missing optional package
    2    usage error: a bad option or combination of options (argparse), including a network
         too large for memory (checked before anything is allocated)
    3    ``check`` or ``demo``: an applicable closed-form formulation disagrees with autodiff
    4    ``check``: no requested formulation applies to the network and loss (nothing compared)
    130  interrupted (Ctrl-C)

The rule for the user: never a traceback for what they can fix, one line
``backprop: error: ...`` saying what to do. Option values are checked by argparse (``type=``
functions in ``common``); ``main`` turns the expected failures that remain (``CLIError``,
``nn.NonFiniteLossError``, ``nn.DivergenceError``, ``MemoryError``, ``OSError``, an output
encoding that cannot print, and ``ValueError`` from the library, which means an option
combination the checks missed) into that line. Any other
exception is a bug in ``backprop`` and keeps its traceback, so that it can be reported.

The command line is this package, one module per subcommand (``demo``, ``check``, ``graph``,
``errata``, ``train``, ``steps`` with ``explain``, ``grade``, ``exercise``); ``common`` holds
the options and checks they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from autograd_core import __version__, memory

from ..training import DivergenceError, NonFiniteLossError
from .check import add_check
from .common import FAILURE, PROG, USAGE, CLIError, HelpFormatter, exit_statuses
from .demo import add_demo
from .errata import add_errata
from .exercise import add_exercise
from .grade import add_grade
from .graph import add_graph
from .steps import add_explain, add_steps
from .train import add_train

__all__ = ["build_parser", "main", "script"]


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
               "'backprop COMMAND --help' describes each command.\n\n"
               + exit_statuses(disagree=True, who="check, demo: "),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                       required=True)
    for add in (add_demo, add_check, add_errata, add_graph, add_train, add_steps, add_explain,
                add_grade, add_exercise):
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backprop`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        return int(args.run(args))
    except SystemExit as exit_:  # argparse: --help, --version (0) and usage errors (2)
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else USAGE)
    except CLIError as error:
        return _error(str(error), error.status)
    except NonFiniteLossError as error:
        return _error(non_finite_message(error))
    except DivergenceError as error:
        return _error(diverged_message(error))
    except MemoryError as error:  # numpy's ArrayMemoryError too
        hint = getattr(args, "memory_hint", "use smaller sizes")
        return _error(f"out of memory{f' ({error})' if str(error) else ''}: {hint}")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `backprop errata | head`: stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:  # a file the subcommand did not expect to fail
        return _error(f"{error}: check the path, its folder and their permissions")
    except UnicodeEncodeError as error:  # a ValueError, but the terminal's, not the options'
        return _error(f"cannot print in this output's encoding ({error.encoding}): set "
                      f"PYTHONIOENCODING=utf-8")
    except ValueError as error:
        return _error(f"{error} (the options passed backprop's checks but the library refused "
                      f"them: try other values, and please report this as a bug)")


def _error(message: str, status: int = FAILURE) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def non_finite_message(error: NonFiniteLossError) -> str:
    """``fit``'s non-finite loss in the command line's words (options, not arguments)."""
    found = (f"the loss is {error.loss:g}" if error.quantity == "loss"
             else f"a gradient is not finite (the loss is {error.loss:g})")
    hint = {"data": "the data hold NaN or inf values",
            "start": "the initial parameters already give it: try another --seed",
            "diverged": f"the learning rate {error.lr:g} may be too large: try a smaller --lr"
                        if error.lr is not None else "try a smaller --lr"}[error.cause]
    return f"training stopped: {found} at epoch {error.epoch}, step {error.step}; {hint}"


def diverged_message(error: DivergenceError) -> str:
    """``fit``'s divergence stop in the command line's words."""
    rate = f"the learning rate {error.lr:g} is" if error.lr is not None else "--lr is"
    return (f"training stopped: the loss diverged to {error.loss:g} at epoch {error.epoch}, "
            f"step {error.step}, more than {error.factor:g} times its first value "
            f"{error.first_loss:g}; {rate} too large: try a smaller --lr")


def script() -> None:
    """The ``backprop`` command's entry point, and ``python -m nn``'s: the process is the
    command's own, so it keeps freed memory for the next step's arrays
    (``autograd_core.memory.keep_freed_memory``), then runs ``main()`` and exits with its
    status. ``main`` itself leaves the process calling it as it was."""
    memory.keep_freed_memory()
    sys.exit(main())


if __name__ == "__main__":
    script()
