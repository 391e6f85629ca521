"""The reference solution passes exactly in float64 in every document's notation: written with
each notation's names and scaling (``written_in``), and as each document's formulation returns
it; in the wrong notation it does not."""

from __future__ import annotations

import pytest

from nn.closed_form import blog, rojas, wichmann, zhang
from nn.closed_form.grading import NOTATIONS, grade, written_in

EXACT = 1e-11
"""Largest relative difference allowed: float64 rounding over sums of 400 terms."""

# zhang and blog derive squared error only; the others take the section-6 cost too
LOSSES = {"ours": ("binary_cross_entropy", "mse"), "rojas": ("binary_cross_entropy", "mse"),
          "course": ("binary_cross_entropy", "mse"),
          "wichmann": ("binary_cross_entropy", "mse"), "zhang": ("mse",), "blog": ("mse",)}


def test_every_notation_is_covered() -> None:
    assert sorted(LOSSES) == sorted(NOTATIONS)


def _exact(report) -> None:
    assert report.ok, str(report)
    returned = [line for line in report.lines if line.status != "missing"]
    assert all(line.status == "right" and line.max_rel <= EXACT for line in returned), str(report)


@pytest.mark.parametrize("notation, loss",
                         [(n, loss) for n, losses in LOSSES.items() for loss in losses])
def test_reference_in_each_notation_passes_exactly(section6, notation, loss) -> None:
    report = grade(written_in(notation), *section6, loss, notation=notation)
    _exact(report)
    gradients = {meaning.gradient for meaning in NOTATIONS[notation].values()}
    returned = {line.key[0] for line in report.lines if line.status == "right"}
    assert returned == gradients  # every quantity the notation names was graded


@pytest.mark.parametrize("notation, own", [("rojas", "dTheta[2]"), ("wichmann", "H[1]"),
                                           ("zhang", "sum_W_delta[1]"), ("blog", "dg_dz[2]")])
def test_reference_uses_the_documents_own_names(section6, notation, own) -> None:
    model, X, Y = section6
    report = grade(written_in(notation), model, X, Y, "mse", notation=notation)
    assert any(line.written == own for line in report.lines), str(report)


@pytest.mark.parametrize("notation", ["rojas", "course", "zhang", "blog"])
def test_reference_without_the_notations_m_is_off_by_1_over_m(section6, notation) -> None:
    from nn.closed_form.grading.names import parse_key

    right = written_in(notation)

    def without_m(c):  # the per-m names written as plain gradients: ∂J/∂Z for Rojas's dZ
        return {name: value / c.m if NOTATIONS[notation][parse_key(name)[0]].per_m else value
                for name, value in right(c).items()}

    report = grade(without_m, *section6, "mse", notation=notation)
    assert not report.ok and "factor 1/m = 1/400" in report.diagnosis, str(report)


FORMULATIONS = [(rojas.backprop, ("binary_cross_entropy", "mse")),
                (wichmann.backprop, ("binary_cross_entropy", "mse")),
                (zhang.backprop, ("mse",)), (blog.backprop, ("mse",))]


@pytest.mark.parametrize("formulation, loss",
                         [(f, loss) for f, losses in FORMULATIONS for loss in losses],
                         ids=lambda v: getattr(v, "__module__", v))
def test_each_documents_formulation_passes_exactly(section6, formulation, loss) -> None:
    report = grade(lambda c: formulation(c.forward_cache()), *section6, loss)
    _exact(report)
