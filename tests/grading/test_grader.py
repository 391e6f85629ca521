"""The grader on the section-6 network: the reference passes, a slip is the first error."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.closed_form.grading import grade, reference


@pytest.fixture(scope="module")
def section6() -> tuple:
    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="normal", scale=0.01,
                   rng=np.random.RandomState(2))
    return model, X, Y


def ours(c) -> dict:
    return {f"{g}[{l}]": v for (g, l), v in reference(c.forward_cache()).items() if l > 0}


def test_reference_passes(section6) -> None:
    report = grade(ours, *section6)
    assert report.ok, str(report)


def test_factor_m_is_first_error_and_downstream_inherited(section6) -> None:
    def slip(c):
        d = ours(c)
        d["dA[1]"] = d["dA[1]"] * c.m
        d["dZ[1]"] = d["dA[1]"] * (1 - c.A[1] ** 2)
        return d

    report = grade(slip, *section6)
    assert not report.ok and report.first_error == ("dA", 1)
    assert "factor m = 400" in report.diagnosis
    assert report.line("dZ[1]").status == "inherited"
    assert all(report.line(k).status == "right" for k in ("dZ[2]", "dW[2]", "db[2]"))


def test_a_raising_function_is_reported(section6) -> None:
    def crash(c):
        raise ValueError("oops")

    report = grade(crash, *section6)
    assert not report.ok and "ValueError: oops" in str(report)


DIAGNOSES = {
    "times_m": "factor m = 400", "sign": "wrong sign", "no_derivative": "derivative is missing",
    "rojas_C": "Rojas's (C)", "wrong_axis": "wrong axis", "wrong_layer_A": "wrong layer's A",
    "transpose": "transposed", "dls_dW2_doubled": "factor 2", "dls_db1_4_over_m": "4/m",
}


@pytest.mark.parametrize("slip", sorted(DIAGNOSES))
def test_planted_slip_is_root_cause_and_diagnosed(section6, slip) -> None:
    from nn.closed_form.grading import plant
    from nn.closed_form.grading.planted import _QUANTITY

    report = grade(plant(slip), *section6)
    layer = 2 if slip == "dls_dW2_doubled" else 1
    assert report.first_error == (_QUANTITY[slip], layer)
    assert DIAGNOSES[slip] in report.diagnosis
    before = [line for line in report.lines if line.key == report.first_error]
    index = report.lines.index(before[0])
    assert all(line.status in ("right", "missing") for line in report.lines[:index])
