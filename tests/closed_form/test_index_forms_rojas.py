"""Rojas's entry forms (2), (7), (10), (10.a), (10.b), (12), (14), evaluated as loops, against
autodiff at <= 1e-12 relative (float64), on the section-6 network (A) and the 2-5-4-3-2 (B)."""

import pytest

from nn.closed_form.index_forms import rojas

from .autodiff_runs import TOLERANCE, relative, run

NETWORKS = [("A", 10), ("B", 10)]  # every 10th flower point: m = 40


@pytest.mark.parametrize("name, every", NETWORKS)
def test_cost_2_nested_sums_are_J(name, every):
    truth = run(name, every)
    assert rojas.cost_2(truth.cache) == pytest.approx(truth.J, rel=TOLERANCE)


@pytest.mark.parametrize("name, every", NETWORKS)
def test_eq7_entries_are_m_times_dJ_dZ_L(name, every):
    truth = run(name, every)
    cache, L = truth.cache, truth.cache.L
    assert relative(rojas.dZ_L_7(cache) / cache.m, truth.gradients["dZ", L]) <= TOLERANCE


@pytest.mark.parametrize("name, every", NETWORKS)
@pytest.mark.parametrize("form", [rojas.dTheta_L_10, rojas.dTheta_L_10a, rojas.dTheta_L_10b])
def test_eq10_and_its_identities_are_dJ_dW_L(name, every, form):
    truth = run(name, every)
    assert relative(form(truth.cache), truth.gradients["dW", truth.cache.L]) <= TOLERANCE


@pytest.mark.parametrize("name, every", NETWORKS)
def test_eq12_is_dJ_db_L(name, every):
    truth = run(name, every)
    assert relative(rojas.db_L_12(truth.cache), truth.gradients["db", truth.cache.L]) <= TOLERANCE


@pytest.mark.parametrize("name, every", NETWORKS)
def test_eq14_corrected_entries_are_m_times_dJ_dA_L_minus_1(name, every):
    truth = run(name, every)
    cache = truth.cache
    assert relative(rojas.dA_Lminus1_14(cache) / cache.m,
                    truth.gradients["dA", cache.L - 1]) <= TOLERANCE


def test_without_the_1_over_m_eq7_is_off_by_exactly_m():
    """What the typo rojas-missing-m says: his entries are m times the gradient."""
    truth = run("A", 10)
    cache = truth.cache
    ratio = rojas.dZ_L_7(cache) / truth.gradients["dZ", cache.L]
    assert ratio.min() == pytest.approx(cache.m, rel=1e-12)
    assert ratio.max() == pytest.approx(cache.m, rel=1e-12)


def test_softmax_cross_entropy_is_not_a_sum_of_err_terms():
    with pytest.raises(ValueError, match="elementwise err"):
        rojas.err("cross_entropy", 0.5, 1.0)
