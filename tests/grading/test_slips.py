"""Slips the grader names (each of these read "no known slip fits" or the wrong slip before),
the hints that escalate one level at a time for every planted slip, and messages free of
internal tags."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from nn.cli.grade import add_grade
from nn.closed_form.grading import SLIPS, grade, plant
from nn.closed_form.grading.candidates import (
    AVERAGE,
    DERIVATIVE,
    PRECISION,
    PRODUCT,
    SUM,
)
from nn.closed_form.grading.hints import LEVELS
from nn.closed_form.grading.planted import _QUANTITY

from .conftest import learner_functions

# slip -> (its kind, words the diagnosis must hold)
NEW = {
    "sigmoid_prime": (DERIVATIVE, "sigmoid′ written in A, A(1 − A), where tanh′ = 1 − A² "
                                  "belongs"),
    "prime_at_Z": (DERIVATIVE, "tanh′ evaluated at Z: 1 − Z² where 1 − A²"),
    "matmul": (PRODUCT, "a matrix product where ⊙ belongs: dA @ α'(Z)ᵀ"),
    "batch_mean_prime": (AVERAGE, "the derivative averaged over the batch"),
    "float32": (PRECISION, "your array is float32: right to float32 precision"),
    "float16": (PRECISION, "your array is float16: right to float16 precision"),
}


@pytest.mark.parametrize("slip", sorted(NEW))
def test_a_new_slip_is_the_first_error_and_named(section6, slip) -> None:
    report = grade(plant(slip), *section6)
    assert report.first_error == (_QUANTITY[slip], 1), str(report)
    kind, words = NEW[slip]
    assert words in report.diagnosis
    assert "no known slip" not in report.diagnosis
    assert report.line(report.first_error).slip.kind == kind


def test_sigmoid_prime_at_z_where_tanh_prime_belongs(section6) -> None:
    def slip(c):
        dA1 = c.W[2].T @ ((c.A[2] - c.Y) / c.m)
        s = 1 / (1 + np.exp(-c.Z[1]))
        return {"dA[1]": dA1, "dZ[1]": dA1 * s * (1 - s)}

    report = grade(slip, *section6)
    assert report.first_error == ("dZ", 1)
    assert report.diagnosis.startswith("sigmoid′ where tanh′ belongs")


def test_the_small_error_of_one_minus_z_squared_is_said_not_to_be_rounding(section6) -> None:
    report = grade(plant("prime_at_Z"), *section6)
    assert "can pass for rounding; it is not" in report.diagnosis
    assert report.line("dZ[1]").max_rel < 1e-3  # small indeed


def test_a_one_by_m_db_reads_as_summed_over_the_wrong_axis(section6) -> None:
    for layer in (1, 2):
        report = grade(plant("wrong_axis", layer), *section6)
        assert report.line(("db", layer)).slip.kind == SUM
        assert "summed over the wrong axis" in report.diagnosis
    one_unit = grade(plant("wrong_axis", 2), *section6)  # dZ[2] is (1, m): no sum at all
    assert "with one unit, that leaves dZ as it is" in one_unit.diagnosis


def test_a_later_slip_of_its_own_is_named_while_an_earlier_one_is_wrong(section6) -> None:
    def two_slips(c):
        d = plant("times_m")(c)  # dA[1] times m, carried down
        d["dZ[1]"] = d["dA[1]"]  # and dZ[1] without the derivative
        return d

    report = grade(two_slips, *section6)
    assert report.first_error == ("dA", 1)
    line = report.line("dZ[1]")
    assert line.status == "also"
    assert line.slip.kind == DERIVATIVE
    assert "the activation derivative is missing" in line.slip.sentence


def test_a_wrong_shape_on_a_wrong_input_says_fix_the_input_first() -> None:
    exercise, functions = learner_functions(
        "rojas", dA1="def dA1(c, d):\n    return c.W[2].T @ d['dZ2'] / c.m\n",
        dTheta1="def dTheta1(c, d):\n    return d['dZ1'] @ c.A[1].T / c.m\n")
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:7])
    said = str(failure.value)
    assert "fix dA1 first" in said
    assert "no known slip fits" not in said
    assert "the wrong layer's A" in said and "off by a factor" not in said


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_a_low_precision_answer_is_named_as_such(dtype) -> None:
    exercise, functions = learner_functions(
        "rojas", dTheta2=f"def dTheta2(c, d):\n    return (d['dZ2'] @ c.A[1].T / c.m)"
                         f".astype(np.{dtype})\n")
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:3])
    said = str(failure.value)
    assert said.startswith(f"dTheta2 is wrong: your array is {dtype}: right to {dtype} "
                           f"precision")
    assert "no known slip" not in said


def test_a_low_precision_answer_with_a_slip_names_both(section6) -> None:
    def slip(c):
        d = plant("float32")(c)
        d["dW[1]"] = d["dW[1]"] * 2
        return d

    report = grade(slip, *section6)
    assert report.diagnosis.startswith("your array is float32, and off by a factor 2")


def test_blog_diag_of_the_batch_mean_derivative_is_named() -> None:
    exercise, functions = learner_functions("blog", dg_dz1=(
        "def dg_dz1(c, d):\n    out = np.zeros_like(c.Z[1])\n"
        "    jacobian = np.diag((1 - c.A[1] ** 2).mean(axis=1))\n"
        "    for i in range(c.m):\n"
        "        out[:, [i]] = jacobian @ c.W[2].T @ d['dg_dz2'][:, [i]]\n    return out\n"))
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:4])
    assert str(failure.value).startswith("dg_dz1 is wrong: the derivative averaged over the "
                                         "batch")


# --- hints -----------------------------------------------------------------------------


@pytest.mark.parametrize("slip", [s for s in SLIPS if s != "blog_per_sample"])
def test_hints_escalate_for_every_planted_slip(section6, slip) -> None:
    report = grade(plant(slip), *section6)
    line = report.line(report.first_error)
    assert len(line.hints) == LEVELS
    quantity, kind, formula, element = line.hints
    name = f"{report.first_error[0]}[{report.first_error[1]}]"
    assert quantity.startswith(f"{name} is the first thing to fix")
    assert kind == f"{name}: the slip is in {line.slip.kind}"
    assert formula.startswith(f"{name}: {name} = ")
    assert element.startswith(name)
    shown = [report.hinted(n) for n in range(1, LEVELS + 1)]
    for n, text in enumerate(shown, 1):
        assert [ln for ln in text.splitlines() if ln.startswith("hint ")] == [
            f"hint {k}: {h}" for k, h in enumerate(line.hints[:n], 1)]
        assert ("worst at" in text) == (n == LEVELS and "worst at" in line.hints[-1])
    assert line.slip.sentence not in shown[0]  # level 1 names the quantity only


def test_blog_per_sample_hints(section6) -> None:
    model, X, Y = section6
    report = grade(plant("blog_per_sample"), model, X, Y, "mse")
    assert report.line(report.first_error).slip.kind == AVERAGE
    assert [ln[:6] for ln in report.hinted(3).splitlines() if ln.startswith("hint ")] == [
        "hint 1", "hint 2", "hint 3"]


def test_an_element_hint_shows_the_numbers(section6) -> None:
    report = grade(plant("sign"), *section6)
    element = report.line("dZ[1]").hints[3]
    assert "dA[1][" in element and "tanh′(Z[1][" in element and "yours" in element


def test_an_exercise_hint_reveals_the_next_level_from_the_formula_on() -> None:
    exercise, functions = learner_functions("rojas", dZ1="def dZ1(c, d):\n    return -d['dA1'] * "
                                                  "(1 - c.A[1] ** 2)\n")
    assert exercise.next_hint().startswith("no hint to give")
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:6])
    assert str(failure.value).startswith("dZ1 is wrong: the wrong sign")  # levels 1 and 2
    third = exercise.next_hint()
    assert third.startswith("hint 3 of 4: dZ1: dZ[1] = dA[1] ⊙ (1 − A[1]²)")
    assert "(your dZ1 is that times 400)" in third
    fourth = exercise.next_hint()
    assert fourth.startswith("hint 4 of 4: dZ1[") and "that is the last hint" in fourth
    assert exercise.next_hint() == fourth  # no fifth


def test_the_cli_gives_hints_level_by_level(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.py"
    path.write_text("def backprop(c):\n    dZ2 = (c.A[2] - c.Y) / c.m\n"
                    "    return {'dZ2': dZ2, 'dW2': 2 * dZ2 @ c.A[1].T}\n")
    parser = argparse.ArgumentParser()
    add_grade(parser.add_subparsers())
    for n in range(1, LEVELS + 1):
        args = parser.parse_args(["grade", str(path), "--hint", str(n)])
        assert args.run(args) == 3
        out = capsys.readouterr().out
        assert out.count("\nhint ") == n
        assert "factor 2" not in out  # the kind of slip (a factor), never the answer
        assert ("the slip is in a constant factor" in out) == (n >= 2)
        assert ("yours 0.00740481, right 0.0037024" in out) == (n == 4)
    with pytest.raises(SystemExit):
        parser.parse_args(["grade", str(path), "--hint", "5"])
    assert "'5' is not a hint level: give 1 to 4" in capsys.readouterr().err


# --- messages ----------------------------------------------------------------------------


@pytest.mark.parametrize("slip", sorted(set(SLIPS) - {"blog_per_sample"}))
def test_no_internal_tag_in_a_report(section6, slip) -> None:
    text = str(grade(plant(slip), *section6))
    assert "←" not in text


def test_a_check_shows_progress_and_not_the_whole_report() -> None:
    exercise, functions = learner_functions("rojas", dZ1="def dZ1(c, d):\n    return d['dA1']\n")
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:7])
    said = str(failure.value)
    assert said.splitlines()[0].startswith("dTheta1 is wrong only because dZ1 is")
    assert said.splitlines()[1].startswith("rojas: 5 of 8 right; wrong: dZ1, dTheta1")
    assert "grade:" not in said and "←" not in said and len(said.splitlines()) == 2



def test_a_matmul_that_does_not_conform_where_the_hadamard_belongs_says_so() -> None:
    exercise, functions = learner_functions("rojas", dZ1="def dZ1(c, d):\n    return d['dA1'] @ "
                                                  "(1 - c.A[1] ** 2)\n")
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:6])
    said = str(failure.value).splitlines()[0]
    assert said.startswith("dZ1 raised ValueError: matmul")
    assert "@ is the matrix product: dZ = dA ⊙ α'(Z) multiplies element by element, * in " \
           "NumPy" in said
