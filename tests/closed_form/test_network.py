"""The forward cache, its shape checks, and the losses' dJ/dA[L] against finite differences."""

import numpy as np
import pytest

from nn.closed_form import ForwardCache, dJ_dA_L, forward, loss_value
from nn.closed_form.errata import Target

from .helpers import ACTIVATIONS, central_difference, cost, network, rel_error, true_value


def test_forward_builds_the_shared_convention():
    cache = network(0, (3, 4, 2), ("tanh", "sigmoid"), "mse", 5)
    assert cache.L == 2 and cache.m == 5 and cache.sizes == (3, 4, 2)
    assert cache.W[0] is None and cache.Z[0] is None and cache.activations[0] is None
    assert cache.A[0] is cache.X
    np.testing.assert_array_equal(cache.Z[1], cache.W[1] @ cache.X + cache.b[1])
    np.testing.assert_array_equal(cache.A[2], ACTIVATIONS["sigmoid"].fn(cache.Z[2]))


@pytest.mark.parametrize(
    "loss, output",
    [("mse", "tanh"), ("binary_cross_entropy", "sigmoid"), ("cross_entropy", "identity")],
)
def test_dJ_dA_L_is_the_gradient_of_the_averaged_cost(loss, output):
    cache = network(4, (3, 5, 4), ("softplus", output), loss, 7)
    expected = central_difference(lambda A: cost(cache, start=2, A_start=A), cache.A[2])
    assert rel_error(dJ_dA_L(loss, cache.A[2], cache.T), expected) <= 1e-7
    assert loss_value(loss, cache.A[2], cache.T) == pytest.approx(cost(cache), rel=1e-14)


def test_cross_entropy_loss_is_exact_for_huge_logits():
    A = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    T = np.eye(2)
    assert loss_value("cross_entropy", A, T) == 0.0
    np.testing.assert_allclose(dJ_dA_L("cross_entropy", A, T), np.zeros((2, 2)), atol=0)


def test_mse_is_half_the_mean_squared_column_norm():
    A = np.array([[1.0, 2.0], [0.0, 0.0]])
    T = np.zeros((2, 2))
    assert loss_value("mse", A, T) == pytest.approx((1 + 4) / (2 * 2))


def test_cache_refuses_wrong_shapes_and_names_them():
    cache = network(0, (3, 4, 2), ("tanh", "sigmoid"), "mse", 5)
    bad_b = list(cache.b)
    bad_b[2] = np.zeros((2, 5))
    with pytest.raises(ValueError, match=r"b\[2\] has shape \(2, 5\), expected \(2, 1\)"):
        ForwardCache(cache.W, tuple(bad_b), cache.Z, cache.A, cache.activations, cache.T, "mse")
    with pytest.raises(ValueError, match=r"T has shape"):
        ForwardCache(cache.W, cache.b, cache.Z, cache.A, cache.activations, cache.T.T, "mse")
    with pytest.raises(ValueError, match="unknown loss"):
        ForwardCache(cache.W, cache.b, cache.Z, cache.A, cache.activations, cache.T, "hinge")
    with pytest.raises(ValueError, match=r"W\[0\] must be None"):
        forward(cache.W[1:], cache.b, cache.activations, cache.X, cache.T, "mse")
    W = list(cache.W)
    W[2] = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"W\[2\] has shape \(2, 3\) but A\[1\] has 4 rows"):
        forward(W, cache.b, cache.activations, cache.X, cache.T, "mse")


def test_cache_is_frozen():
    cache = network(0, (3, 4, 2), ("tanh", "sigmoid"), "mse", 5)
    with pytest.raises(AttributeError):
        cache.loss = "cross_entropy"


def test_finite_difference_oracle_can_tell_a_wrong_gradient():
    """The oracle is not a tautology: a gradient off by a transpose or by 1% is caught."""
    cache = network(2, (3, 3, 2), ("tanh", "sigmoid"), "mse", 4)
    truth = true_value(cache, Target("dW", 1))
    assert rel_error(truth * 1.01, truth) > 1e-3
    assert rel_error(truth.T, truth) > 1e-3
