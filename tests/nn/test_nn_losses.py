"""Losses: values against their formulas, gradients against finite differences and the
closed forms, safety at the edges, dtypes, and errors that name the problem."""

import re

import numpy as np
import pytest

import nn
from autograd_core import Tensor, grad, gradcheck

RNG = np.random.default_rng(0)


def probabilities(shape, low=0.05, seed=0):
    return np.random.default_rng(seed).uniform(low, 1 - low, shape)


def labels01(shape, seed=1):
    return (np.random.default_rng(seed).uniform(size=shape) > 0.5).astype(float)


def log_softmax(Z):
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


# ---------------------------------------------------------------- mse


def test_mse_is_half_the_summed_squares_over_m():
    A, T = RNG.standard_normal((3, 5)), RNG.standard_normal((3, 5))
    J = nn.mse(Tensor(A), T)
    assert J.shape == () and np.isclose(J.item(), ((A - T) ** 2).sum() / (2 * 5))


def test_mse_gradient_is_difference_over_m_and_matches_finite_differences():
    A = Tensor(RNG.standard_normal((3, 5)), requires_grad=True)
    T = RNG.standard_normal((3, 5))
    (dA,) = grad(nn.mse(A, T), [A])
    assert np.allclose(dA, (A.data - T) / 5)
    assert gradcheck(lambda a: nn.mse(a, T), [A])


# ---------------------------------------------------------------- binary cross-entropy


def test_binary_cross_entropy_value():
    P, T = probabilities((2, 6)), labels01((2, 6))
    expected = -(T * np.log(P) + (1 - T) * np.log(1 - P)).sum() / 6
    assert np.isclose(nn.binary_cross_entropy(Tensor(P), T).item(), expected, rtol=1e-14)


def test_binary_cross_entropy_gradient_matches_finite_differences():
    P = Tensor(probabilities((2, 6)), requires_grad=True)
    T = labels01((2, 6))
    assert gradcheck(lambda p: nn.binary_cross_entropy(p, T), [P])
    soft = probabilities((2, 6), seed=3)  # targets in [0, 1], not only 0/1
    assert gradcheck(lambda p: nn.binary_cross_entropy(p, soft), [P])


def test_sigmoid_then_binary_cross_entropy_gives_dZ_equal_A_minus_Y_over_m():
    Z = Tensor(RNG.standard_normal((1, 8)), requires_grad=True)
    Y = labels01((1, 8))
    A = Z.sigmoid()
    (dZ,) = grad(nn.binary_cross_entropy(A, Y), [Z])
    assert np.allclose(dZ, (A.data - Y) / 8, rtol=1e-12)


def test_binary_cross_entropy_is_finite_at_exactly_zero_and_one():
    P = Tensor(np.array([[0.0, 1.0, 0.0, 1.0]]), requires_grad=True)
    T = np.array([[0.0, 1.0, 1.0, 0.0]])  # two right, two maximally wrong
    with np.errstate(all="raise"):
        J = nn.binary_cross_entropy(P, T)
        J.backward()
    assert np.isfinite(J.item()) and np.all(np.isfinite(P.grad))
    assert J.item() == pytest.approx(2 * 100 / 4, rel=1e-12)  # each wrong log clamped at -100
    assert P.grad[0, 2] < 0 < P.grad[0, 3]  # the wrong ones still push the right way


def test_binary_cross_entropy_is_finite_for_saturated_float32():
    Z = Tensor(np.array([[-100.0, 100.0]], dtype=np.float32), requires_grad=True)
    J = nn.binary_cross_entropy(Z.sigmoid(), np.array([[1.0, 0.0]]))
    J.backward()
    assert J.dtype == np.float32 and np.isfinite(J.item()) and np.all(np.isfinite(Z.grad))


# ---------------------------------------------------------------- cross-entropy


def test_cross_entropy_value_with_integer_labels():
    Z, y = RNG.standard_normal((4, 6)), np.array([0, 3, 1, 1, 2, 0])
    expected = -log_softmax(Z)[y, np.arange(6)].mean()
    assert np.isclose(nn.cross_entropy(Tensor(Z), y).item(), expected, rtol=1e-14)


def test_cross_entropy_labels_and_one_hot_agree():
    Z, y = Tensor(RNG.standard_normal((4, 6)), requires_grad=True), np.array([0, 3, 1, 1, 2, 0])
    one_hot = np.eye(4)[:, y]
    assert nn.cross_entropy(Z, y).item() == nn.cross_entropy(Z, one_hot).item()
    (by_label,) = grad(nn.cross_entropy(Z, y), [Z])
    (by_one_hot,) = grad(nn.cross_entropy(Z, Tensor(one_hot)), [Z])
    assert np.array_equal(by_label, by_one_hot)


def test_cross_entropy_gradient_is_softmax_minus_target_over_m():
    Z, y = Tensor(RNG.standard_normal((3, 5)), requires_grad=True), np.array([2, 0, 1, 1, 0])
    (dZ,) = grad(nn.cross_entropy(Z, y), [Z])
    assert np.allclose(dZ, (nn.Softmax.fn(Z.data) - np.eye(3)[:, y]) / 5, rtol=1e-12)
    assert gradcheck(lambda z: nn.cross_entropy(z, y), [Z])
    soft = nn.Softmax.fn(RNG.standard_normal((3, 5)))
    assert gradcheck(lambda z: nn.cross_entropy(z, soft), [Z])


def test_cross_entropy_is_exact_for_huge_logits():
    Z = Tensor(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), requires_grad=True)
    J = nn.cross_entropy(Z, np.array([1, 1]))
    J.backward()
    assert J.item() == pytest.approx(1000.0)
    assert np.allclose(Z.grad, [[0.5, 0], [-0.5, 0]])


def test_cross_entropy_takes_float_labels_that_are_whole_numbers():
    Z = Tensor(RNG.standard_normal((2, 4)))
    y = np.array([0, 1, 1, 0])
    assert nn.cross_entropy(Z, y.astype(float)).item() == nn.cross_entropy(Z, y).item()


# ---------------------------------------------------------------- all losses


LOSSES = {
    "mse": (nn.mse, lambda: labels01((2, 5))),
    "binary_cross_entropy": (nn.binary_cross_entropy, lambda: labels01((2, 5))),
    "cross_entropy": (nn.cross_entropy, lambda: np.eye(2)[:, [0, 1, 1, 0, 1]]),
}


@pytest.mark.parametrize("name", LOSSES)
def test_float32_in_gives_float32_loss_and_gradient(name):
    loss, target = LOSSES[name]
    P = Tensor(probabilities((2, 5)).astype(np.float32), requires_grad=True)
    J = loss(P, target())  # a float64 target must not promote the loss
    J.backward()
    assert J.dtype == np.float32 and P.grad.dtype == np.float32


@pytest.mark.parametrize("name", LOSSES)
def test_targets_may_be_tensors_or_arrays(name):
    loss, target = LOSSES[name]
    P = Tensor(probabilities((2, 5)))
    T = target()
    assert loss(P, Tensor(T)).item() == loss(P, T).item()


@pytest.mark.parametrize("name", LOSSES)
def test_a_target_that_requires_grad_gets_its_gradient(name):
    loss, target = LOSSES[name]
    P = Tensor(probabilities((2, 5)), requires_grad=True)
    # soft targets inside (0, 1): gradcheck's steps must not leave the targets' domain
    T = Tensor(np.clip(target(), 0.1, 0.9), requires_grad=True)
    assert gradcheck(loss, [P, T])


@pytest.mark.parametrize("name", LOSSES)
def test_a_target_of_the_wrong_shape_is_named(name):
    loss, _ = LOSSES[name]
    with pytest.raises(ValueError, match=rf"{name}: target has shape \(5, 2\), expected \(2, 5\)"):
        loss(Tensor(probabilities((2, 5))), np.zeros((5, 2)))


@pytest.mark.parametrize("name", LOSSES)
def test_a_prediction_that_is_not_columns_is_refused(name):
    loss, _ = LOSSES[name]
    with pytest.raises(ValueError, match=rf"{name}: .* must be a 2-D float array of shape"):
        loss(Tensor(probabilities((5,))), np.zeros(5))


def test_labels_for_a_one_row_prediction_get_a_reshape_hint():
    with pytest.raises(ValueError, match=r"expected \(1, 4\).*Y.reshape\(1, -1\)"):
        nn.binary_cross_entropy(Tensor(probabilities((1, 4))), np.zeros(4))


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 1, 3]), r"labels must lie in \[0, 3\) for 3 classes, got values from 0 to 3"),
    (np.array([0, -1, 2]), r"labels must lie in \[0, 3\)"),
    (np.array([0.5, 1, 2]), r"a 1-D target holds class labels and must be whole numbers"),
    (np.array([0, 1]), r"the labels have shape \(2,\), expected \(3,\)"),
])
def test_cross_entropy_refuses_bad_labels(labels, message):
    with pytest.raises(ValueError, match=f"cross_entropy: {message}"):
        nn.cross_entropy(Tensor(np.zeros((3, 3))), labels)


PROBABILITY_TARGET_LOSSES = {
    "binary_cross_entropy": (nn.binary_cross_entropy, lambda: Tensor(probabilities((2, 3)))),
    "binary_cross_entropy_with_logits": (nn.binary_cross_entropy_with_logits,
                                         lambda: Tensor(np.zeros((2, 3)))),
    "cross_entropy": (nn.cross_entropy, lambda: Tensor(np.zeros((2, 3)))),
}


@pytest.mark.parametrize("name", PROBABILITY_TARGET_LOSSES)
@pytest.mark.parametrize("bad", [2.0, -1.0, 1.0 + 1e-9, -1e-300, np.inf, np.nan])
@pytest.mark.parametrize("form", ["array", "tensor", "requires_grad"])
def test_a_target_outside_0_1_is_refused_naming_it(name, bad, form):
    loss, prediction = PROBABILITY_TARGET_LOSSES[name]
    T = np.array([[0.0, 1.0, 0.5], [1.0, bad, 0.0]])
    target = T if form == "array" else Tensor(T, requires_grad=form == "requires_grad")
    with pytest.raises(ValueError, match=rf"^{name}: .*\[0, 1\].* 1 of 6 .*{re.escape(str(bad))}"):
        loss(prediction(), target)


@pytest.mark.parametrize("name", PROBABILITY_TARGET_LOSSES)
def test_targets_at_0_and_1_and_between_are_accepted(name):
    loss, prediction = PROBABILITY_TARGET_LOSSES[name]
    assert np.isfinite(loss(prediction(), np.array([[0.0, 1.0, 0.5], [1.0, 0.25, 0.0]])).item())


def test_a_target_through_a_sigmoid_output_is_refused_too():
    Z = Tensor(np.zeros((1, 2)), requires_grad=True)
    with pytest.raises(ValueError, match=r"binary_cross_entropy: .* \(e\.g\. -1\.0\)"):
        nn.binary_cross_entropy(Z.sigmoid(), np.array([[0.0, -1.0]]))
