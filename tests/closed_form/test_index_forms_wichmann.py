"""Wichmann's index forms (2.7), (2.12), (3.4), (3.6)-(3.8), (3.10), (4.5)-(4.10), (4.15),
(5.10), (5.14), (5.19), (6.4)-(6.7), evaluated as loops over i, j, k, n, against autodiff at
<= 1e-12 relative (float64), on the section-6 network (A) and the 2-5-4-3-2 with mse (B)."""

import pytest

from nn.closed_form import wichmann as formulation
from nn.closed_form.index_forms import wichmann

from .autodiff_runs import TOLERANCE, relative, run

BOTH = ["A", "B"]


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.parametrize("kronecker", [True, False], ids=["with delta_ik", "summed out"])
def test_eq2_7_and_eq2_12_are_the_output_layers_gradients(name, kronecker):
    truth = run(name, 4)
    L = truth.cache.L
    assert relative(wichmann.dW_L_2_7(truth.cache, kronecker), truth.gradients["dW", L]) \
        <= TOLERANCE
    assert relative(wichmann.db_L_2_12(truth.cache, kronecker), truth.gradients["db", L]) \
        <= TOLERANCE


def test_eq3_4_euclidean_cost_and_eq3_6_errors():
    truth = run("B")
    cache = truth.cache
    assert wichmann.cost_3_4(cache) == pytest.approx(truth.J, rel=TOLERANCE)
    delta = wichmann.delta_3_6(cache)  # one column per data point, no 1/N
    assert relative(delta / cache.m, truth.gradients["dA", cache.L]) <= TOLERANCE  # (3.7)


def test_eq3_8_cross_entropy_cost_and_eq3_10_errors():
    truth = run("A")
    cache = truth.cache
    assert wichmann.cost_3_8(cache) == pytest.approx(truth.J, rel=TOLERANCE)
    delta = wichmann.delta_3_10(cache)
    assert relative(delta / cache.m, truth.gradients["dA", cache.L]) <= TOLERANCE


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.parametrize("equation", ["4.5", "4.6", "4.7", "4.8", "4.9", "4.10"])
def test_eqs_4_5_to_4_10_are_dJ_dW_L_minus_1(name, equation):
    truth = run(name, 4)  # (4.5) sums S_L N S_{L-1} N terms per entry: 100 points
    L = truth.cache.L
    value = wichmann.dW_Lminus1(truth.cache, equation)
    assert relative(value, truth.gradients["dW", L - 1]) <= TOLERANCE, equation


@pytest.mark.parametrize("name", BOTH)
def test_eq4_15_is_dJ_db_L_minus_1(name):
    truth = run(name)
    L = truth.cache.L
    assert relative(wichmann.db_Lminus1_4_15(truth.cache), truth.gradients["db", L - 1]) \
        <= TOLERANCE


def test_general_layer_5_10_5_14_5_19_at_every_layer():
    truth = run("B", 4)
    cache = truth.cache
    Delta = formulation.backprop(cache)["Delta"]  # (5.2), the lemma's Delta^{(l)}
    for l in range(1, cache.L + 1):
        assert relative(wichmann.dW_5_14(cache, l, Delta[l]), truth.gradients["dW", l]) \
            <= TOLERANCE, l
        assert relative(wichmann.db_5_19(cache, l, Delta[l]), truth.gradients["db", l]) \
            <= TOLERANCE, l
        if l > 1:
            assert relative(wichmann.Delta_5_10(cache, l, Delta[l]),
                            truth.gradients["dA", l - 1]) <= TOLERANCE, l
    assert relative(Delta[cache.L], truth.gradients["dA", cache.L]) <= TOLERANCE


def test_section6_sums_of_6_4_6_5_and_6_7_with_hadamard():
    truth = run("A")
    sums = wichmann.section6_sums(truth.cache)
    assert relative(sums["6.4"], truth.gradients["dW", 2]) <= TOLERANCE
    assert relative(sums["6.5"], truth.gradients["db", 2]) <= TOLERANCE
    assert relative(sums["6.7"], truth.gradients["dZ", 1]) <= TOLERANCE


def test_unknown_equation_is_refused():
    with pytest.raises(ValueError, match="unknown equation"):
        wichmann.dW_Lminus1(run("A", 10).cache, "4.11")
