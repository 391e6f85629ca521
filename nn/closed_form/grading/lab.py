"""The find-the-bug lab: a backward pass with slips planted in it, found with gradient checking
and hints, in the style of the Deep Learning Specialization's gradient-checking assignment.

The handed code (:data:`HANDED`) is the section-6 backward pass in our notation with three
slips, which the notebook does not name: ``dW2`` divided by ``m`` once too often, ``dZ1`` with
tanh′ evaluated at ``Z`` (``1 − Z²``, an error small enough to pass for rounding), ``db1``
summed over the wrong axis. ``exercise.gradcheck(handed)`` finds which quantities are wrong;
the check cells say only which (hint level 1), and ``hint()`` reveals the rest.
"""

from __future__ import annotations

from .spec import CELLS, FORWARD_AT, SETUP, Level, Task

HANDED = '''# The code you were handed (run this cell; it is not for editing).
def handed(c):
    """The backward pass of the section-6 network, as a colleague wrote it."""
    m = c.m
    dA2 = (c.A[2] - c.Y) / (c.A[2] * (1 - c.A[2])) / m
    dZ2 = dA2 * c.A[2] * (1 - c.A[2])
    dW2 = dZ2 @ c.A[1].T / m
    db2 = dZ2.sum(axis=1, keepdims=True)
    dA1 = c.W[2].T @ dZ2
    dZ1 = dA1 * (1 - c.Z[1] ** 2)
    dW1 = dZ1 @ c.X.T
    db1 = dZ1.sum(axis=0, keepdims=True)
    return {"dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}'''

_RIGHT = {
    "dA2": "(c.A[2] - c.Y) / (c.A[2] * (1 - c.A[2])) / c.m",
    "dZ2": "d[\"dA2\"] * c.A[2] * (1 - c.A[2])",
    "dW2": "d[\"dZ2\"] @ c.A[1].T",
    "db2": "d[\"dZ2\"].sum(axis=1, keepdims=True)",
    "dA1": "c.W[2].T @ d[\"dZ2\"]",
    "dZ1": "d[\"dA1\"] * (1 - c.A[1] ** 2)",
    "dW1": "d[\"dZ1\"] @ c.X.T",
    "db1": "d[\"dZ1\"].sum(axis=1, keepdims=True)",
}

_SHAPES = {"dA2": "(1, 400)", "dZ2": "(1, 400)", "dW2": "(1, 4)", "db2": "(1, 1)",
           "dA1": "(4, 400)", "dZ1": "(4, 400)", "dW1": "(4, 2)", "db1": "(4, 1)"}

LAB = Level(
    "lab", "find the bug", "ours", "binary_cross_entropy",
    """# Find the bug: gradient checking

A colleague wrote the backward pass of the section-6 network (`[2, 4, 1]`, tanh then sigmoid,
the 400 flower points, binary cross-entropy) and training with it goes wrong. Their code is
below. Some of its lines are wrong: how many, and which, is for you to find, as in the
gradient-checking assignment of the Deep Learning Specialization.

Every name is a gradient of the cost $J$ itself, with its `1/m` (our notation): `dZ2` is
$\\partial J/\\partial Z^{[2]}$, and so on, samples as columns.

1. **Locate**: `exercise.gradcheck(handed)` computes every quantity again by central
   differences of $J$ (nudge one entry by ε both ways, run the forward pass, divide the
   change in $J$ by 2ε) and compares it with the handed code's.
2. **Fix**: below, write each quantity as a function `name(c, d)`, starting from the handed
   line and changing it where it is wrong. The check after each says only *which* quantity
   is wrong; `hint()` then says what kind of slip, then the formula, then one element with
   its numbers.
""" + CELLS.format(first="dA2"),
    SETUP.format(level="lab") + FORWARD_AT.format(
        where="Z[l] = W[l] A[l-1] + b[l], A[l] = g(Z[l]), samples as columns"),
    tuple(Task(name, f"**{name}**, shape `{_SHAPES[name]}`: the handed code's `{name}`, "
               f"fixed if it is wrong.",
               f"def {name}(c, d):\n    ### BEGIN SOLUTION\n    return {_RIGHT[name]}\n"
               f"    ### END SOLUTION\n") for name in _RIGHT),
    first_hint=True,
    extra=(("## The code you were handed", True), (HANDED, False),
           ("## Locate: gradient checking\n\nEach line: the quantity, ✓ or ✗, and the "
            "relative difference between the handed code's values and the numerical ones.",
            True),
           ("exercise.gradcheck(handed)", False),
           ("## Fix: one quantity at a time", True)),
)
