"""Zhang's five-layer derivation on 2-5-4-3-2 (his j, i, k, q, p exactly), every line evaluated
as loops, against autodiff at <= 1e-12 relative (float64): each line of dh_p/dW_{i<-j}^{(n_l-4)}
against the gradient of the output unit h_p alone, the first line and "bring back the sum"
against one example's cost, their mean and steps 1)-3) against nn.mse on the batch."""

import numpy as np
import pytest

from nn.closed_form.index_forms import zhang

from .autodiff_runs import TOLERANCE, output_gradient, per_example, relative, run

EXAMPLES = (0, 57, 123, 250, 399)  # both classes, both ends of the data
LINES = [zhang.dh_dW_sum_over_i, zhang.dh_dW_nested, zhang.dh_dW_double_sum,
         zhang.dh_dW_factored, zhang.dh_dW_trick, zhang.dh_dW_delta]


def test_network_B_is_his_five_layers():
    cache = run("B").cache
    assert cache.sizes == (2, 5, 4, 3, 2) and cache.L == 4 and cache.loss == "mse"


@pytest.mark.parametrize("line", LINES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("c", EXAMPLES)
def test_every_line_of_the_expansion_is_the_output_units_gradient(line, c):
    """Before 'bring back the sum' each line is dh_p/dW_{i<-j}^{(n_l-4)}, our dh_p/dW[1]."""
    cache = run("B").cache
    for p in range(2):
        truth = output_gradient("B", c, p, layer=1)
        assert relative(line(cache, c, p), truth) <= TOLERANCE, (line.__name__, c, p)


@pytest.mark.parametrize("c", EXAMPLES)
def test_first_line_and_bring_back_the_sum_are_one_examples_cost_gradient(c):
    cache, truth = run("B").cache, per_example("B", c).gradients["dW", 1]
    assert relative(zhang.dJ_dW_first_line(cache, c), truth) <= TOLERANCE
    assert relative(zhang.dJ_dW_bring_back_the_sum(cache, c), truth) <= TOLERANCE


def test_bring_back_the_sum_averaged_over_the_batch_is_dJ_dW_1():
    truth = run("B")
    m = truth.cache.m
    mean = sum(zhang.dJ_dW_bring_back_the_sum(truth.cache, c) for c in range(m)) / m
    assert relative(mean, truth.gradients["dW", 1]) <= TOLERANCE


def test_steps_1_to_3_unit_by_unit_give_every_layer():
    truth = run("B", 4)  # 100 examples
    cache, m = truth.cache, truth.cache.m
    deltas, grads = zip(*(zhang.steps_1_to_3(cache, c) for c in range(m)), strict=True)
    for l in range(1, cache.L + 1):
        delta = np.column_stack([d[l] for d in deltas])  # his delta: m * dJ/dZ[l]
        assert relative(delta / m, truth.gradients["dZ", l]) <= TOLERANCE, l
        assert relative(sum(g[l] for g in grads) / m, truth.gradients["dW", l]) <= TOLERANCE, l


def test_the_derivations_delta_is_not_step_1s():
    """The note zhang-delta: the derivation's delta_p is da_p/dz_p (no -(y_p - h_p)), so its
    delta_i a_j is dh_p/dW, not the cost's gradient."""
    cache, c = run("B").cache, 7
    derivation = zhang.dh_dW_delta(cache, c, 0)
    cost = per_example("B", c).gradients["dW", 1]
    assert relative(derivation, cost) > 1e-3


def test_the_expansion_needs_five_layers():
    with pytest.raises(ValueError, match="five layers"):
        zhang.dh_dW_nested(run("A").cache, 0, 0)
