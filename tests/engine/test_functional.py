"""Fused functions: forward against the formula, gradient against finite differences."""

import numpy as np
import pytest

from autograd_core import Tensor, functional, gradcheck
from autograd_core.functional import binary_cross_entropy


def probabilities(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).uniform(0.05, 0.95, shape).astype(dtype)


@pytest.mark.parametrize("shape", [(1, 7), (3, 5), (4,)], ids=str)
def test_bce_forward_is_the_mean_over_columns_of_the_sum_over_rows(shape):
    p, t = probabilities(shape), (probabilities(shape, 1) > 0.5).astype(float)
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p)).sum() / shape[-1]
    assert binary_cross_entropy(Tensor(p), t).item() == pytest.approx(expected, rel=1e-14)


def test_bce_gradient_for_probabilities_and_soft_targets():
    p = Tensor(probabilities((3, 5)), requires_grad=True)
    t = Tensor(probabilities((3, 5), 1), requires_grad=True)
    assert gradcheck(binary_cross_entropy, [p, t])


def test_bce_is_finite_with_finite_gradient_at_exactly_0_and_1():
    p = Tensor(np.array([[0.0, 1.0, 0.0, 1.0]]), requires_grad=True)
    loss = binary_cross_entropy(p, np.array([[1.0, 0.0, 0.0, 1.0]]))
    loss.backward()
    assert loss.item() == pytest.approx(2 * 100 / 4)  # each wrong log is clamped at -100
    assert np.all(np.isfinite(p.grad))
    assert p.grad[0, 0] < 0 < p.grad[0, 1]
    # right answers: −ln(1 − p) has slope 1/(1 − p) = 1 at p = 0, and −ln p slope −1 at 1
    assert p.grad[0, 2] == 0.25 and p.grad[0, 3] == -0.25


def test_bce_keeps_float32():
    p = Tensor(probabilities((2, 3), dtype=np.float32), requires_grad=True)
    loss = binary_cross_entropy(p, np.ones((2, 3), dtype=np.float32))
    loss.backward()
    assert loss.dtype == np.float32 and p.grad.dtype == np.float32


def test_bce_refuses_a_target_of_another_shape():
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target shape \(1, 3\) must "
                                         r"have the shape of the probabilities 'A\[2\]' \(1, 4\)"):
        binary_cross_entropy(Tensor(np.full((1, 4), 0.5), name="A[2]"), np.ones((1, 3)))


@pytest.mark.parametrize("through", ["probabilities", "sigmoid", "logits"])
def test_bce_targets_outside_0_1_are_refused_by_a_compiled_replay_too(through):
    """The check lives in the ops' forward, which a replay calls with each call's targets."""
    from autograd_core import compile

    def loss(z, t):
        if through == "logits":
            return functional.binary_cross_entropy_with_logits(z, t)
        return functional.binary_cross_entropy(z.sigmoid() if through == "sigmoid"
                                               else z * 0.5, t)

    step = compile(loss)
    z = Tensor(np.full((1, 3), 0.5), requires_grad=True)
    step(z, Tensor(np.array([[0.0, 1.0, 0.5]]))).backward()
    with pytest.raises(ValueError, match=r"binary_cross_entropy(_with_logits)?: targets must "
                                         r"lie in \[0, 1\].*1 of 3 .*\(e\.g\. 3\.0\)"):
        step(z, Tensor(np.array([[0.0, 3.0, 0.5]])))


def test_an_ops_own_value_error_is_not_called_a_broadcast_failure():
    with pytest.raises(ValueError, match="targets must lie") as caught:
        functional.binary_cross_entropy_with_logits(Tensor(np.zeros((1, 2))), [[0.0, 7.0]])
    assert "broadcast" not in str(caught.value)
