"""``backprop exercise``: write the exercise notebooks (blank, or ``--solved`` for teachers).

One notebook per level (``rojas``, ``zhang``, ``blog``, ``wichmann``, ``softmax``, the
find-the-bug ``lab``, or ``all``), named
``LEVEL_exercise.ipynb`` (``LEVEL_solved.ipynb`` with ``--solved``) in ``--out`` (default: the
current folder). A file that exists is kept unless ``--force``: it may hold a learner's work.
``--execute`` runs the written notebook in a Jupyter kernel (``nbclient``, with the notebook's
folder as the working directory) and saves its outputs; a blank notebook's checks fail, which
``--execute`` records in the outputs without failing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from autograd_core.atomic import write_text

from ..closed_form.grading.levels import LEVELS
from ..closed_form.grading.notebook import file_name, write
from .common import CLIError, add_command, make_folder

CHOICES = (*LEVELS, "all")
TIMEOUT = 120
"""Seconds one cell of an executed notebook may take (each takes well under one)."""


def add_exercise(subparsers: Any) -> argparse.ArgumentParser:
    parser = add_command(
        subparsers, "exercise", "write a notebook in which you write backprop yourself",
        "Writes a Jupyter notebook with the forward pass of the section-6 network given and "
        "the backward pass blank: one cell per layer quantity (dA[2], dZ[2], dW[2], db[2], "
        "dA[1], ...), each followed by a check cell that runs the grader on what you have "
        "written so far and fails, with the first wrong quantity and the slip that fits, "
        "until that quantity is right. Cell metadata is nbgrader's (answer cells, locked "
        "check cells worth one point each), so a course can hand it out as it is.\n\n"
        "  rojas   Rojas's vectorized form: dA, dZ (no 1/m), dΘ, db; cross-entropy\n"
        "  zhang   Zhang's per-example δ, one example at a time; squared error\n"
        "  blog    the blog's explicit Jacobians diag(f'(z)), one sample at a time; squared "
        "error\n"
        "  wichmann  Wichmann's Δ (∂J/∂A) and H (the Hadamard term, ∂J/∂Z); cross-entropy\n"
        "  softmax   softmax with cross-entropy: dZ = (softmax(Z) − Y)/m, two outputs\n"
        "  lab     find the bug: a handed backward pass with slips it does not name; locate "
        "them with exercise.gradcheck and hint()\n\n"
        "Open the notebook with 'jupyter lab' (pip install -e '.[notebooks]').",
        """
        backprop exercise --level rojas
        backprop exercise --level all --out exercises/
        backprop exercise --level blog --solved
        """,
    )
    parser.add_argument("--level", choices=CHOICES, default="rojas",
                        help="which exercise, one of %(choices)s (default: %(default)s)")
    parser.add_argument("--solved", action="store_true",
                        help="write the filled-in version (LEVEL_solved.ipynb), for teachers")
    parser.add_argument("-o", "--out", type=Path, default=Path("."), metavar="DIR",
                        help="the folder to write into, created if needed (default: the "
                             "current folder)")
    parser.add_argument("--force", action="store_true",
                        help="replace notebooks that exist (default: keep them; they may "
                             "hold your work)")
    parser.add_argument("--execute", action="store_true",
                        help="run the notebook and save its outputs (needs a Jupyter kernel: "
                             "pip install -e '.[notebooks]')")
    parser.set_defaults(run=run_exercise, parser=parser)
    return parser


def run_exercise(args: argparse.Namespace) -> int:
    levels = list(LEVELS) if args.level == "all" else [args.level]
    if args.out.exists() and not args.out.is_dir():
        raise CLIError(f"--out {str(args.out)!r} is a file, not a folder: give a folder")
    paths = [args.out / file_name(level, args.solved) for level in levels]
    kept = [path for path in paths if path.exists()]
    if kept and not args.force:
        them = "it" if len(kept) == 1 else "them"
        raise CLIError(f"{', '.join(map(str, kept))} already exist{'s' * (len(kept) == 1)} "
                       f"(it may hold your work): pass --force to replace {them}, or --out "
                       f"another folder")
    make_folder(args.out)
    for level, path in zip(levels, paths):
        try:
            write(level, path, solved=args.solved)
        except OSError as error:
            raise CLIError(f"could not write {path}: {error}") from None
        if args.execute:
            execute(path, allow_errors=not args.solved)
        print(f"wrote {path}")
    if not args.solved:
        print("open it with: jupyter lab " + " ".join(map(str, paths)))
    return 0


def execute(path: Path, allow_errors: bool) -> None:
    """Run the notebook at ``path`` in a kernel and save it with its outputs. A cell that fails
    is recorded in the outputs where ``allow_errors`` (a blank notebook's checks fail), and is a
    ``CLIError`` otherwise."""
    try:
        import nbclient
        import nbformat
    except ImportError as error:
        raise CLIError(f"--execute needs nbclient and a Jupyter kernel ({error}): "
                       f"pip install -e '.[notebooks]'") from None
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, allow_errors=allow_errors,
                                     record_timing=False,
                                     resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        raise CLIError(f"a cell of {path} failed: {str(error).strip().splitlines()[-1]}") \
            from None
    except Exception as error:  # no kernel, a dead kernel: what to install, in one line
        raise CLIError(f"could not run {path} in a Jupyter kernel ({type(error).__name__}: "
                       f"{error}): pip install -e '.[notebooks]'") from None
    try:
        text = nbformat.writes(nb)
        write_text(path, text if text.endswith("\n") else text + "\n",
                   "backprop exercise --execute")
    except OSError as error:
        raise CLIError(f"could not write {path}: {error}") from None
