"""The Wichmann and softmax levels and the find-the-bug lab: their networks, three typical slips
each with the words a learner sees, the lab's checks at hint level 1 with hints on request,
and gradient checking by central differences."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from nn.cli.grade import add_grade
from nn.closed_form.grading import Exercise
from nn.closed_form.grading.lab import HANDED
from nn.closed_form.grading.levels import LEVELS
from nn.closed_form.grading.numeric import THRESHOLD, compare, numeric_gradients

from .conftest import learner_functions


def said(level: str, upto: str, **written: str) -> tuple[str, Exercise]:
    exercise, functions = learner_functions(level, **written)
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:exercise.names.index(upto) + 1])
    return str(failure.value), exercise


def test_the_new_levels_are_levels() -> None:
    assert {"wichmann", "softmax", "lab"} <= set(LEVELS)
    assert Exercise("wichmann").names == ("Delta2", "H2", "dW2", "db2", "Delta1", "H1", "dW1",
                                          "db1")
    softmax = Exercise("softmax")
    assert softmax.cache().Y.shape == (2, 400) and softmax.cache().W[2].shape == (2, 4)
    assert np.array_equal(softmax.cache().Y.sum(axis=0), np.ones(400))  # one-hot columns
    assert "Δ" in LEVELS["wichmann"].title and LEVELS["lab"].first_hint


# level, quantity, the learner's cell, the first line the check says
TYPICAL = [
    ("wichmann", "Delta2", "def Delta2(c, d):\n    return (c.A[2] - c.Y) / c.m\n",
     "Delta2 is wrong: A − Y is ∂J/∂Z[L] of sigmoid with cross-entropy (the shortcut), not "
     "∂J/∂A[L]"),
    ("wichmann", "dW1", "def dW1(c, d):\n    return d['H1'] @ c.A[1].T\n",
     "dW1 is wrong: got shape (4, 4); expected a float array of shape (4, 2), ∂J/∂W[1]: the "
     "wrong layer's A: dZ[1] A[1]ᵀ where A[0]ᵀ belongs (Wichmann (5.13)-(5.16) write A^(l))"),
    ("wichmann", "db2", "def db2(c, d):\n    return d['H2'] @ c.A[1].T\n",
     "db2 is wrong: got shape (1, 4); expected a float array of shape (1, 1), ∂J/∂b[2]: dW's "
     "A where db's ones belong"),
    ("wichmann", "H1", "def H1(c, d):\n    return d['Delta1'] * (1 - c.Z[1] ** 2)\n",
     "H1 is wrong: tanh′ evaluated at Z: 1 − Z² where 1 − A² (= tanh′(Z)) belongs"),
    ("softmax", "dZ2", "def dZ2(c, d):\n    Z = c.Z[2]\n"
                       "    return (np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True) - c.Y) / "
                       "c.m\n",
     "dZ2 is wrong: the softmax taken over the wrong axis: over the examples (axis=1)"),
    ("softmax", "dZ2", "def dZ2(c, d):\n    return (1 / (1 + np.exp(-c.Z[2])) - c.Y) / c.m\n",
     "dZ2 is wrong: the sigmoid where the softmax belongs: σ(Z) − Y"),
    ("softmax", "dZ2", "def dZ2(c, d):\n    P = np.exp(c.Z[2]) / np.exp(c.Z[2]).sum(axis=0)\n"
                       "    return P - c.Y\n",
     "dZ2 is wrong: off by a factor m = 400 (the 1/m of J is missing"),
    ("softmax", "dZ2", "def dZ2(c, d):\n    return (c.Z[2] - c.Y) / c.m\n",
     "dZ2 is wrong: the softmax is missing: Z − Y where softmax(Z) − Y belongs"),
    ("softmax", "dZ1", "def dZ1(c, d):\n    return d['dA1'] * c.A[1] * (1 - c.A[1])\n",
     "dZ1 is wrong: sigmoid′ written in A, A(1 − A), where tanh′ = 1 − A² belongs"),
]


@pytest.mark.parametrize("level, upto, cell, words", TYPICAL,
                         ids=[f"{t[0]}-{t[1]}-{n}" for n, t in enumerate(TYPICAL)])
def test_a_typical_slip_gets_its_diagnosis(level, upto, cell, words) -> None:
    text, _ = said(level, upto, **{upto: cell})
    assert text.splitlines()[0].startswith(words), text
    assert text.splitlines()[1].startswith(f"{level}: ")


# the handed code's three slips, each written as the handed line
HANDED_SLIPS = [
    ("dW2", "def dW2(c, d):\n    return d['dZ2'] @ c.A[1].T / c.m\n",
     "a constant factor", "dW2: dW[2] = dZ[2] A[1]ᵀ"),
    ("dZ1", "def dZ1(c, d):\n    return d['dA1'] * (1 - c.Z[1] ** 2)\n",
     "the activation's derivative", "dZ1: dZ[1] = dA[1] ⊙ (1 − A[1]²)"),
    ("db1", "def db1(c, d):\n    return d['dZ1'].sum(axis=0, keepdims=True)\n",
     "the sum over the examples", "db1: db[1] = the sum over the examples of dZ[1]"),
]


@pytest.mark.parametrize("name, cell, kind, formula", HANDED_SLIPS,
                         ids=[s[0] for s in HANDED_SLIPS])
def test_the_lab_says_which_quantity_and_hints_escalate(name, cell, kind, formula) -> None:
    text, exercise = said("lab", name, **{name: cell})
    first = text.splitlines()[0]
    assert first.startswith(f"{name} is the first thing to fix: it is wrong")
    assert kind not in first and "factor" not in first and "axis" not in first
    assert text.endswith("(hint() for a hint)")
    second = exercise.next_hint()
    assert second.startswith(f"hint 2 of 4: {name}: the slip is in {kind}")
    assert exercise.next_hint().startswith(f"hint 3 of 4: {formula}")
    fourth = exercise.next_hint()
    assert fourth.startswith(f"hint 4 of 4: {name}") and "that is the last hint" in fourth


def test_the_handed_code_has_exactly_its_three_slips() -> None:
    namespace: dict = {"np": np}
    exec(HANDED, namespace)
    exercise = Exercise("lab")
    report = exercise.report(*_as_functions(namespace["handed"], exercise))[0]
    wrong = {line.key for line in report.lines if line.status not in ("right", "missing")}
    own = {line.key for line in report.lines if line.slip is not None}
    assert own == {("dW", 2), ("dZ", 1), ("db", 1)}
    assert wrong == own | {("dW", 1)}  # dW1 is wrong only because dZ1 is
    assert "dW2" not in LEVELS["lab"].intro and "1 − Z" not in LEVELS["lab"].intro


def _as_functions(handed, exercise: Exercise) -> list:
    def one(name: str):
        return lambda c, d: handed(c)[name]
    return [one(name) for name in exercise.names]


def test_gradcheck_finds_the_handed_slips_and_passes_the_solution(capsys) -> None:
    namespace: dict = {"np": np}
    exec(HANDED, namespace)
    exercise = Exercise("lab")
    exercise.gradcheck(namespace["handed"])
    lines = capsys.readouterr().out.splitlines()[1:]
    marks = {line.split()[0]: line.split()[1] for line in lines}
    assert {name for name, mark in marks.items() if mark == "✗"} == {"dW2", "dZ1", "dW1", "db1"}
    assert "db1  ✗  shape (1, 400), expected (4, 1)" in "\n".join(lines)
    _, functions = learner_functions("lab")
    assert "✗" not in exercise.gradcheck_table(*functions)


@pytest.mark.parametrize("level", ["rojas", "zhang", "wichmann", "softmax"])
def test_numeric_gradients_agree_with_autodiff_in_every_loss(level) -> None:
    exercise = Exercise(level)
    numeric = numeric_gradients(exercise._cache)
    for key, value in numeric.items():
        assert compare(exercise._truth[key], value) < THRESHOLD / 2, key


def test_gradcheck_in_a_documents_scaling(capsys) -> None:
    exercise, functions = learner_functions("rojas")  # dA, dZ carry no 1/m: m times the gradient
    assert "✗" not in exercise.gradcheck_table(*functions)


def test_wichmann_notation_grades_delta_and_h_from_the_cli(tmp_path: Path, capsys) -> None:
    path = tmp_path / "wichmann.py"
    path.write_text("import numpy as np\n\ndef backprop(c):\n"
                    "    H2 = (c.A[2] - c.Y) / c.m\n    Delta1 = c.W[2].T @ H2\n"
                    "    Delta2 = H2 / (c.A[2] * (1 - c.A[2]))\n"
                    "    H1 = Delta1 * (1 - c.A[1] ** 2)\n"
                    "    return {'Delta2': Delta2, 'H2': H2, 'dW2': H2 @ c.A[1].T,\n"
                    "            'db2': H2 @ np.ones((c.m, 1)), 'Delta1': Delta1, 'H1': H1,\n"
                    "            'dW1': H1 @ c.X.T, 'db1': H1 @ np.ones((c.m, 1))}\n")
    parser = argparse.ArgumentParser()
    add_grade(parser.add_subparsers())
    args = parser.parse_args(["grade", str(path), "--notation", "wichmann"])
    assert args.run(args) == 0, capsys.readouterr().out
    assert "(your H2)" in capsys.readouterr().out
