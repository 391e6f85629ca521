"""What an exercise level is made of: :class:`Task` (one quantity to write) and :class:`Level`
(a document's backward pass, its notation, loss, text and tasks), and the text the levels
share (the cells' contract, the setup cell, the given forward pass).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """One quantity to write: its function's name (in the level's notation), the question, and
    the answer cell with its solution region."""

    name: str
    ask: str
    cell: str


@dataclass(frozen=True)
class Level:
    """One exercise: the document, its notation (a key of ``NOTATIONS``), the loss, the
    introduction, the given forward pass and the tasks in the order they are written."""

    name: str
    title: str
    notation: str
    loss: str
    intro: str
    forward: str
    tasks: tuple[Task, ...]
    first_hint: bool = False  # a check says only which quantity (hint level 1), as in the lab
    extra: tuple[tuple[str, bool], ...] = ()  # given cells after the setup: (source, markdown)


CELLS = """
Each quantity is a function `name(c, d)`: `c` is the forward cache (`c.X`, `c.Y`, `c.W[l]`,
`c.b[l]`, `c.Z[l]`, `c.A[l]`, `c.m`, all NumPy arrays, samples as columns; copies, so change
them at will) and `d` holds what your earlier functions returned, by name (`d["{first}"]`).
Write each one in its cell, then run the check below it: it runs your functions so far on the
network, compares each result with autodiff, and fails with the grader's diagnosis (the first
wrong quantity and the slip that fits) until yours is right. A function you have not written
yet is replaced by the right values, so that the checks after it still say something.
Stuck? `hint()` after a failing check gives the next hint: the formula, then one element
with its numbers.
"""

SETUP = """import numpy as np

from nn.closed_form.grading import Exercise

exercise = Exercise("{level}")  # the network, its data and the grader
c = exercise.cache()  # what each of your functions receives
hint = exercise.hint  # hint(): the next hint about the last check that failed
"""

FORWARD_AT = """
# The forward pass, given. {where}
Z1 = c.W[1] @ c.X + c.b[1]
A1 = np.tanh(Z1)  # the hidden layer: tanh
Z2 = c.W[2] @ A1 + c.b[2]
A2 = 1 / (1 + np.exp(-Z2))  # the output layer: the sigmoid
assert np.allclose(A1, c.A[1]) and np.allclose(A2, c.A[2])  # the cache holds these numbers
print(exercise)
"""
