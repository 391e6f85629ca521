"""Every quantity of every formulation against finite differences of J, and against each other."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.closed_form import FORMULATIONS, LOSSES, NotApplicableError, blog, rojas, wichmann, zhang

from .helpers import ACTIVATIONS, ELEMENTWISE, agreement, all_true_gradients, network, rel_error

FD_TOLERANCE = 1e-6
AGREEMENT_TOLERANCE = 1e-12


@st.composite
def architectures(draw, hidden=tuple(ACTIVATIONS), losses=LOSSES):
    """(seed, sizes, activations, loss, m): depth 1-5, widths 1-8, m 1-16, any activation."""
    L = draw(st.integers(1, 5))
    sizes = tuple(draw(st.lists(st.integers(1, 8), min_size=L + 1, max_size=L + 1)))
    loss = draw(st.sampled_from(losses))
    acts = [draw(st.sampled_from(hidden)) for _ in range(L - 1)]
    if loss == "binary_cross_entropy":
        output = "sigmoid"  # probabilities in (0, 1)
    elif loss == "cross_entropy":
        output = "identity"  # logits
    else:
        output = draw(st.sampled_from(tuple(ACTIVATIONS)))
    m = draw(st.integers(1, 16))
    seed = draw(st.integers(0, 2**32 - 1))
    return seed, sizes, (*acts, output), loss, m


def applicable_results(cache):
    results = {}
    for name, formulation in FORMULATIONS.items():
        ok, reason = formulation.applicable(cache)
        assert isinstance(reason, str) and reason
        if ok:
            results[name] = formulation.backprop(cache)
        else:
            with pytest.raises(NotApplicableError):
                formulation.backprop(cache)
    return results


def check_against_finite_differences(cache, results):
    truth = all_true_gradients(cache)
    for name, result in results.items():
        for gradient, layer, key, value in result.gradients():
            err = rel_error(value, truth[(gradient, layer)])
            assert err <= FD_TOLERANCE, f"{name} {key}[{layer}] vs d{gradient}: {err:.2e}"


def check_agreement(results):
    by_gradient: dict[tuple[str, int], list] = {}
    for name, result in results.items():
        for gradient, layer, key, value in result.gradients():
            by_gradient.setdefault((gradient, layer), []).append((f"{name}.{key}", value))
    for (gradient, layer), entries in by_gradient.items():
        for (name_a, a), (name_b, b) in combinations(entries, 2):
            err = agreement(a, b)
            assert err <= AGREEMENT_TOLERANCE, f"{name_a} vs {name_b} at {gradient}[{layer}]: {err}"


@settings(max_examples=60, deadline=None)
@given(architectures())
def test_every_quantity_of_every_formulation_matches_finite_differences(arch):
    cache = network(*arch)
    results = applicable_results(cache)
    assert results or not cache.all_elementwise or cache.loss != "mse"
    check_against_finite_differences(cache, results)
    check_agreement(results)


@settings(max_examples=40, deadline=None)
@given(architectures(hidden=tuple(ELEMENTWISE), losses=("mse",)))
def test_mse_formulations_of_all_four_documents_agree_to_rounding(arch):
    seed, sizes, acts, loss, m = arch
    if not ACTIVATIONS[acts[-1]].elementwise:
        acts = (*acts[:-1], "tanh")
    cache = network(seed, sizes, acts, loss, m)
    results = applicable_results(cache)
    assert {"rojas", "zhang", "wichmann", "wichmann_mse", "blog"} <= set(results)
    check_agreement(results)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "tanh"])
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
def test_each_activation_in_every_formulation_that_takes_it(hidden, output):
    cache = network(7, (3, 5, 4, 2), (hidden, hidden, output), "mse", 6)
    results = applicable_results(cache)
    elementwise = ACTIVATIONS[hidden].elementwise and ACTIVATIONS[output].elementwise
    assert ("rojas" in results) == elementwise
    assert "blog" in results
    check_against_finite_differences(cache, results)
    check_agreement(results)


@pytest.mark.parametrize("loss", LOSSES)
def test_each_loss_in_every_formulation_that_takes_it(loss):
    output = {"mse": "tanh", "binary_cross_entropy": "sigmoid", "cross_entropy": "identity"}[loss]
    cache = network(11, (4, 6, 5, 3), ("softplus", "leaky_relu", output), loss, 9)
    results = applicable_results(cache)
    expected = {
        "mse": {"rojas", "zhang", "wichmann", "wichmann_mse", "blog"},
        "binary_cross_entropy": {"rojas", "wichmann", "wichmann_sigmoid_cross_entropy"},
        "cross_entropy": {"rojas", "wichmann"},
    }[loss]
    assert set(results) == expected
    check_against_finite_differences(cache, results)
    check_agreement(results)


def test_softmax_hidden_layer_is_refused_by_elementwise_documents_with_a_reason():
    cache = network(3, (3, 4, 2), ("softmax", "tanh"), "mse", 5)
    for module in (rojas, zhang, wichmann):
        ok, reason = module.applicable(cache)
        assert not ok and "softmax" in reason and "elementwise" in reason
    ok, reason = blog.applicable(cache)
    assert ok and "Jacobian" in reason


def test_squared_error_documents_refuse_other_losses():
    cache = network(3, (3, 4, 2), ("tanh", "sigmoid"), "binary_cross_entropy", 5)
    for module in (zhang, blog):
        ok, reason = module.applicable(cache)
        assert not ok and "mse" in reason
        with pytest.raises(NotApplicableError, match="mse"):
            module.backprop(cache)


def test_sigmoid_cross_entropy_shortcut_needs_a_sigmoid_output():
    cache = network(3, (3, 4, 2), ("tanh", "softplus"), "binary_cross_entropy", 5)
    ok, reason = wichmann.applicable_sigmoid_cross_entropy(cache)
    assert not ok and "softplus" in reason


def test_document_scaling_is_stated_and_is_needed():
    """Raw Rojas/Zhang/blog per-example quantities are m times the gradient; the factor fixes it."""
    cache = network(5, (3, 4, 2), ("tanh", "sigmoid"), "mse", 8)
    truth = all_true_gradients(cache)
    for result, key in (
        (rojas.backprop(cache), "dZ"),
        (zhang.backprop(cache), "delta"),
        (blog.backprop(cache), "dg_dz"),
    ):
        quantity = result.quantities[key]
        assert quantity.gradient == "dZ" and quantity.factor_text in ("1/m", "1/N")
        assert quantity.factor == pytest.approx(1 / 8)
        raw = result[key][2]
        assert rel_error(raw, truth[("dZ", 2)]) > 1.0  # unconverted: off by the factor m
        assert rel_error(raw * quantity.factor, truth[("dZ", 2)]) <= FD_TOLERANCE
    for result in (wichmann.backprop(cache),):
        assert {q.factor for q in result.quantities.values()} == {1.0}


@pytest.mark.parametrize("name", sorted(FORMULATIONS))
def test_float32_caches_give_float32_quantities(name):
    loss, output = (
        ("binary_cross_entropy", "sigmoid")
        if "cross" in name or "tanh" in name
        else ("mse", "sigmoid")
    )
    sizes = (2, 4, 1)
    cache = network(2, sizes, ("tanh", output), loss, 6, dtype=np.float32)
    result = FORMULATIONS[name].backprop(cache)
    for _, _, key, value in result.gradients():
        assert value.dtype == np.float32, key
    assert all(v.dtype == np.float32 for per_layer in result.values() for v in per_layer.values())


def test_result_is_a_mapping_of_named_per_layer_quantities():
    cache = network(1, (3, 4, 2), ("tanh", "sigmoid"), "mse", 4)
    result = wichmann.backprop(cache)
    assert set(result) == {"Delta", "H", "dW", "db"}
    assert sorted(result["H"]) == [1, 2]
    assert result["dW"][1].shape == cache.W[1].shape
    assert result["db"][2].shape == cache.b[2].shape
    assert result.quantities["Delta"].gradient == "dA"
    assert result.quantities["H"].symbol == r"H^{(l)}"
    np.testing.assert_array_equal(result.as_gradient("H", 1), result["H"][1])
    zhang_result = zhang.backprop(cache)
    np.testing.assert_allclose(zhang_result.as_gradient("delta", 1), result["H"][1], rtol=1e-12)
