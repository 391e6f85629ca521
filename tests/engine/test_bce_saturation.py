"""Sigmoid into binary cross-entropy is exact for every logit: dJ/dz = (σ(z) − t)/m, also where
1 − σ(z) rounds to 0 (Wichmann's (3.12), H = A − T); the logits form is exact by itself."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import Tensor, grad
from autograd_core.ops import sigmoid

LOGITS = [-1e4, -1000, -800, -745, -700, -100, -40, -36.5, -30, -17, -5, -1, 0, 1, 5, 17, 30,
          36.5, 40, 100, 700, 745, 800, 1000, 1e4]


def exact_dz(z, t):
    """(σ(z) − t)/m in float64 from σ(z) and σ(−z), each exact, cast to z's dtype."""
    z64 = z.astype(np.float64)
    return (((1 - t) * sigmoid(z64) - t * sigmoid(-z64)) / z.shape[1]).astype(z.dtype)


def exact_loss(z, t):
    z64 = z.astype(np.float64)
    return float(np.sum(t * np.logaddexp(0, -z64) + (1 - t) * np.logaddexp(0, z64)) / z.shape[1])


def assert_ulps(actual, expected, ulps):
    assert actual.dtype == expected.dtype
    spacing = np.spacing(np.abs(expected)).astype(expected.dtype)
    worst = np.max(np.abs(actual.astype(np.float64) - expected) / spacing)
    assert worst <= ulps, worst


def through_sigmoid(z, t):
    Z = Tensor(z, requires_grad=True, name="Z")
    A = Z.sigmoid()
    A.retain_grad()
    J = nn.binary_cross_entropy(A, t)
    J.backward()
    return J, Z.grad, A.grad


def with_logits(z, t):
    Z = Tensor(z, requires_grad=True, name="Z")
    J = nn.binary_cross_entropy_with_logits(Z, t)
    J.backward()
    return J, Z.grad, None


@pytest.mark.parametrize("loss", [through_sigmoid, with_logits])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("label", [0.0, 1.0])
def test_dz_is_exact_at_every_logit(loss, dtype, label):
    z = np.array([LOGITS], dtype=dtype)
    t = np.full(z.shape, label, dtype)
    J, dz, _ = loss(z, t)
    assert J.dtype == dtype and dz.dtype == dtype
    assert np.all(np.isfinite(dz))
    assert_ulps(dz, exact_dz(z, t), ulps=2)
    assert J.item() == pytest.approx(exact_loss(z, t), rel=1e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_confidently_wrong_network_still_learns(dtype):
    """At z = ±50 the printed chain σ'(z) · dJ/dA gives 0 or nan; the exact path gives ±1/m."""
    z = np.array([[50.0, -50.0]], dtype)
    _, dz, _ = through_sigmoid(z, np.array([[0.0, 1.0]], dtype))
    np.testing.assert_allclose(dz, [[0.5, -0.5]], rtol=1e-6)


def test_retained_da_is_exact_where_finite_and_inf_only_where_it_truly_is():
    z = np.array([[-40.0, 40.0, -800.0, 800.0, 3.0]])
    t = np.array([[0.0, 0.0, 0.0, 0.0, 1.0]])
    _, dz, da = through_sigmoid(z, t)
    m = z.shape[1]
    # dJ/dA = (1 − t)/(1 − a) − t/a, over m; 1 − a = σ(−z) exactly
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = ((1 - t) / sigmoid(-z) - t / sigmoid(z)) / m
    np.testing.assert_allclose(da[:, [0, 1, 4]], expected[:, [0, 1, 4]], rtol=1e-14)
    assert da[0, 2] == pytest.approx(1 / m) and da[0, 3] == np.inf  # e^800 / m overflows
    assert np.all(np.isfinite(dz))


@settings(max_examples=60, deadline=None)
@given(z=st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=6),
       t=st.floats(0, 1))
def test_any_logit_and_any_soft_label(z, t):
    z = np.array([z])
    target = np.full(z.shape, t)
    for loss in (through_sigmoid, with_logits):
        _, dz, _ = loss(z, target)
        np.testing.assert_allclose(dz, exact_dz(z, target), rtol=1e-12, atol=1e-300)


def test_the_target_gradient_is_exact_too():
    z = np.array([[-30.0, 0.5, 30.0]])
    for make in (lambda Z: Z.sigmoid(), lambda Z: Z):
        Z = Tensor(z, requires_grad=True)
        T = Tensor(np.array([[0.0, 0.5, 1.0]]), requires_grad=True)
        f = nn.binary_cross_entropy if make(Z) is not Z else nn.binary_cross_entropy_with_logits
        f(make(Z), T).backward()
        np.testing.assert_allclose(T.grad, -z / 3, rtol=1e-12)  # dJ/dt = ln((1 − a)/a)/m = −z/m


def test_the_sigmoid_output_used_twice_sums_both_paths():
    """The shortcut goes past A for the BCE term only; another use of A still flows through σ."""
    z = np.array([[-2.0, 0.5, 40.0]])
    t = np.array([[1.0, 0.0, 0.0]])
    Z = Tensor(z, requires_grad=True)
    A = Z.sigmoid()
    A.retain_grad()
    J = nn.binary_cross_entropy(A, t) + (A * A).sum()
    J.backward()
    a = sigmoid(z)
    dA = ((1 - t) / sigmoid(-z) - t / a) / 3 + 2 * a
    dZ = (a - t) / 3 + 2 * a * a * sigmoid(-z)
    np.testing.assert_allclose(A.grad, dA, rtol=1e-12)
    np.testing.assert_allclose(Z.grad, dZ, rtol=1e-12)
    (dZ_only,) = grad(nn.binary_cross_entropy(Z.sigmoid(), t), [Z])
    np.testing.assert_allclose(dZ_only, (a - t) / 3, rtol=1e-14)


def test_mlp_with_sigmoid_output_gets_exact_dz_and_fit_learns_out_of_saturation():
    model = nn.MLP([2, 1], hidden="tanh", output="sigmoid", rng=0)
    params = dict(model.named_parameters())
    (wname,) = [n for n in params if n.endswith("weight")]
    (bname,) = [n for n in params if n.endswith("bias")]
    model.load_state_dict({wname: np.array([[60.0, 0.0]]), bname: np.zeros((1, 1))})
    X = np.array([[1.0, -1.0], [0.0, 0.0]])
    Y = np.array([[0.0, 1.0]])  # both confidently wrong: z = ±60
    J = nn.binary_cross_entropy(model(X), Y)
    J.backward()
    np.testing.assert_allclose(model.Z[1].grad, [[0.5, -0.5]], rtol=1e-12)
    np.testing.assert_allclose(params[wname].grad, [[1.0, 0.0]], rtol=1e-12)
    history = nn.fit(model, X, Y, nn.binary_cross_entropy,
                     nn.optim.SGD(model.parameters(), lr=1.0), epochs=100, progress=False)
    assert history.loss[-1] < history.loss[0] / 2


def test_probabilities_outside_0_1_are_refused_with_the_logits_hint():
    for bad in (1.5, -0.1, np.nan):
        with pytest.raises(ValueError, match=r"binary_cross_entropy: the probabilities .*"
                                             r"\[0, 1\].*binary_cross_entropy_with_logits"):
            nn.binary_cross_entropy(Tensor(np.array([[0.5, bad]])), np.array([[1.0, 0.0]]))


def test_a_logit_written_after_the_sigmoid_is_not_used():
    Z = Tensor(np.array([[40.0]]), requires_grad=True)
    A = Z.sigmoid()
    Z.data[0, 0] = -40.0  # A still holds σ(40); the loss must not read the new Z
    J = nn.binary_cross_entropy(A, np.array([[0.0]]))
    assert J.item() == pytest.approx(100.0)  # ln(1 − σ(40)) clamped at −100, not z = −40's ≈ 0
