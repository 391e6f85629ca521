"""Write an exercise notebook: the forward pass given, one answer cell per layer quantity, a
check cell after each; cell metadata as nbgrader reads it.

``notebook(level, solved)`` builds it (``nbformat`` v4), ``write(level, path, solved)`` saves
it. Given cells (the introduction, the setup with the forward pass, each question) are locked;
answer cells are nbgrader solution cells (``### BEGIN SOLUTION`` ... ``### END SOLUTION`` in
the solved version, nbgrader's stub ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` in
the blank one); each check cell is a locked, graded cell worth one point that calls
``exercise.check`` on the functions written so far. Cell ids are fixed, so writing the same
level twice gives the same file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from autograd_core.atomic import write_text

from .levels import LEVELS

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
"""What nbgrader puts where a solution was (``ClearSolutions``' default ``code_stub``)."""

_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*(?:\n|\Z)",
                     re.M | re.S)


def blank(source: str) -> str:
    """``source`` with each solution region replaced by :data:`STUB`, at its indentation."""
    def stub(match: re.Match[str]) -> str:
        return "".join(f"{match.group(1)}{line}\n" for line in STUB.splitlines())

    return _REGION.sub(stub, source)


def _nbgrader(kind: str, grade_id: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": kind == "check", "grade_id": grade_id,
                            "locked": kind != "answer", "schema_version": 3,
                            "solution": kind == "answer"}
    if kind == "check":
        meta["points"] = 1
    cell: dict[str, Any] = {"nbgrader": meta}
    if kind != "answer":  # Jupyter's own read-only flags, as nbgrader's LockCells sets them
        cell.update(deletable=False, editable=False)
    return cell


def notebook(level: str, solved: bool = False) -> Any:
    """The exercise notebook of ``level`` (a key of ``LEVELS``), blank or ``solved``."""
    import nbformat

    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {list(LEVELS)}")
    spec = LEVELS[level]
    v4 = nbformat.v4
    cells = []

    def add(kind: str, grade_id: str, source: str, markdown: bool = False) -> None:
        make = v4.new_markdown_cell if markdown else v4.new_code_cell
        cell = make(source.strip("\n"), metadata=_nbgrader(kind, grade_id))
        cell["id"] = grade_id
        cells.append(cell)

    add("given", f"{level}-intro", spec.intro, markdown=True)
    add("given", f"{level}-setup", spec.forward)
    for n, (source, markdown) in enumerate(spec.extra, 1):
        add("given", f"{level}-given-{n}", source, markdown=markdown)
    for n, task in enumerate(spec.tasks, 1):
        add("given", f"{level}-{task.name}-ask", task.ask, markdown=True)
        add("answer", f"{level}-{task.name}", task.cell if solved else blank(task.cell))
        so_far = ", ".join(t.name for t in spec.tasks[:n])
        add("check", f"{level}-{task.name}-check", f"exercise.check({so_far})")
    others = [name for name in LEVELS if name != level]
    add("given", f"{level}-next", f"""## All right?

Every check above passes: your backward pass is right, quantity by quantity. The next levels:
{" and ".join(f"`backprop exercise --level {name}`" for name in others)}. To grade a whole
backward pass written in a file, `backprop grade my_backprop.py --notation {spec.notation}`
(`backprop grade --help` says what the file defines).""", markdown=True)
    nb = v4.new_notebook(cells=cells)
    nb.metadata.update(
        kernelspec={"display_name": "Python 3", "language": "python", "name": "python3"},
        language_info={"name": "python", "pygments_lexer": "ipython3"})
    nbformat.validate(nb)
    return nb


def file_name(level: str, solved: bool) -> str:
    """``"rojas_exercise.ipynb"`` or ``"rojas_solved.ipynb"``."""
    return f"{level}_{'solved' if solved else 'exercise'}.ipynb"


def write(level: str, path: str | os.PathLike[str], solved: bool = False) -> Path:
    """Write the notebook of ``level`` to ``path`` (replaced atomically); return the path."""
    import nbformat

    text = nbformat.writes(notebook(level, solved)) + "\n"
    return write_text(path, text, "exercise notebook")
