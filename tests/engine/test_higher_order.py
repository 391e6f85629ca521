"""Higher-order gradients: every op's rules, run on Tensors, differentiate again correctly
(double backward against central differences of the gradient), to any order."""

import numpy as np
import pytest

import nn
from autograd_core import GradcheckError, Tensor, grad, gradgradcheck, ops
from autograd_core.functional import addmm, hessian, hvp, jacobian, jvp, vjp
from autograd_core.rule_helpers import values
from autograd_core.tensor import _unary
from tests.engine.test_ops import BROADCAST_PAIRS, UNARY, rand

# the nonlinear ops with the shapes that matter; linear ones have second derivative 0, which
# is checked too (autodiff must also see the 0)
MORE_UNARY = {
    "softmax": lambda x: x.softmax(axis=0),
    "log_softmax": lambda x: x.log_softmax(axis=-1),
    "getitem": lambda x: x[1:, ::2] * x[1:, ::2],
    "getitem_repeats": lambda x: (x[np.array([0, 0, 2])] ** 2),
    "sum_axis": lambda x: (x * x).sum(axis=1, keepdims=True),
    "max_axis": lambda x: x.max(axis=0) ** 2,
    "mean_axis": lambda x: x.mean(axis=0).tanh(),
}


@pytest.mark.parametrize("name", UNARY)
def test_every_unary_op_has_right_second_derivatives(name):
    fn, _, make = UNARY[name]
    x = Tensor(make((3, 4), seed=3), requires_grad=True)
    assert gradgradcheck(lambda t: fn(t) * fn(t) if name in ("sum", "mean", "max") else fn(t),
                         [x])


@pytest.mark.parametrize("name", MORE_UNARY)
def test_reductions_indexing_and_softmax_have_right_second_derivatives(name):
    x = Tensor(rand((3, 4), seed=4), requires_grad=True)
    assert gradgradcheck(MORE_UNARY[name], [x])


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("op", ["add", "mul", "div", "sub"])
def test_binary_ops_differentiate_twice_with_broadcasting(op, shapes):
    a = Tensor(rand(shapes[0], 1), requires_grad=True)
    b = Tensor(rand(shapes[1], 2, low=0.5), requires_grad=True)
    f = {"add": lambda a, b: (a + b) ** 2, "mul": lambda a, b: a * b,
         "div": lambda a, b: a / b, "sub": lambda a, b: (a - b).tanh()}[op]
    assert gradgradcheck(f, [a, b])


def test_matmul_and_addmm_differentiate_twice():
    W = Tensor(rand((3, 2), 1), requires_grad=True)
    A = Tensor(rand((2, 5), 2), requires_grad=True)
    b = Tensor(rand((3, 1), 3), requires_grad=True)
    assert gradgradcheck(lambda W, A, b: (W @ A + b).tanh(), [W, A, b])
    assert gradgradcheck(lambda W, A, b: addmm(b, W, A).sigmoid(), [W, A, b])


@pytest.mark.parametrize("loss", ["mse", "bce", "bce_sigmoid", "bce_logits", "cross_entropy"])
def test_losses_differentiate_twice(loss):
    Z = Tensor(rand((2, 5), 5), requires_grad=True)
    T = (np.random.default_rng(6).random((2, 5)) < 0.5).astype(float)
    f = {"mse": lambda z: nn.mse(z.tanh(), T),
         "bce": lambda z: nn.binary_cross_entropy(z.tanh() * 0.4 + 0.5, T),
         "bce_sigmoid": lambda z: nn.binary_cross_entropy(z.sigmoid(), T),
         "bce_logits": lambda z: nn.binary_cross_entropy_with_logits(z, T),
         "cross_entropy": lambda z: nn.cross_entropy(z, np.array([0, 1, 1, 0, 1]))}[loss]
    assert gradgradcheck(f, [Z])


def test_third_derivative_of_tanh_is_the_formula():
    x = Tensor(np.linspace(-2, 2, 7), requires_grad=True)
    (g,) = grad(x.tanh().sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x, create_graph=True)
    (k,) = grad(h.sum(), x)
    t = np.tanh(x.data)
    np.testing.assert_allclose(g.data, 1 - t**2, rtol=1e-14)
    np.testing.assert_allclose(h.data, -2 * t * (1 - t**2), rtol=1e-13)
    np.testing.assert_allclose(k, -2 * (1 - t**2) ** 2 + 4 * t**2 * (1 - t**2), rtol=1e-12,
                               atol=1e-15)


def test_create_graph_keeps_float32():
    x = Tensor(np.linspace(-1, 1, 4, dtype=np.float32), requires_grad=True)
    (g,) = grad((x.tanh() * 2.0).sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x)
    assert g.dtype == np.float32 and h.dtype == np.float32


def test_first_order_grad_is_unchanged_by_create_graph():
    W = Tensor(rand((3, 2), 1), requires_grad=True)
    X = rand((2, 4), 2)
    J = nn.mse((W @ X).tanh(), np.zeros((3, 4)))
    plain = grad(J, [W], retain_graph=True)[0]
    graph = grad(J, [W], create_graph=True)[0]
    assert isinstance(plain, np.ndarray) and isinstance(graph, Tensor)
    np.testing.assert_array_equal(plain, graph.data)


def test_gradgradcheck_catches_a_rule_blind_to_its_own_input():
    class BlindSquare(ops.Op):
        """x² with a rule that treats x as a constant: right to first order only"""
        name = "blind_square"
        forward = staticmethod(lambda x: (x * x, (x,)))
        vjp = (lambda g, x: g * 2 * values(x),)

    x = Tensor(np.array([0.3, -0.7, 1.1]), requires_grad=True)
    from autograd_core import gradcheck
    assert gradcheck(lambda t: _unary(BlindSquare, t).sum(), [x])
    with pytest.raises(GradcheckError, match="gradgradcheck: the second derivative"):
        gradgradcheck(lambda t: _unary(BlindSquare, t).sum(), [x])


# ---------------------------------------------------------------- functional transforms


def test_jacobian_of_tanh_is_diag_one_minus_tanh_squared():
    x = rand((4,), 7)
    J = jacobian(lambda t: t.tanh(), x)
    np.testing.assert_allclose(J.data, np.diag(1 - np.tanh(x) ** 2), rtol=1e-14)


def test_jacobian_shapes_follow_pytorch():
    W, a = rand((2, 3), 1), rand((3, 1), 2)
    J = jacobian(lambda W, a: (W @ a).tanh(), (W, a))
    assert isinstance(J, tuple) and [j.shape for j in J] == [(2, 1, 2, 3), (2, 1, 3, 1)]
    J2 = jacobian(lambda t: (t.tanh(), t * 2.0), a)
    assert isinstance(J2, tuple) and [j.shape for j in J2] == [(3, 1, 3, 1)] * 2


def test_blog_per_sample_jacobians_are_diag_f_prime():
    """The blog writes ∂a/∂z = diag(f'(z)) per sample: computed here, not written."""
    z = rand((3,), 8)
    for f, fprime in ((lambda t: t.sigmoid(), lambda z: ops.sigmoid(z) * ops.sigmoid(-z)),
                      (lambda t: t.tanh(), lambda z: 1 - np.tanh(z) ** 2)):
        np.testing.assert_allclose(jacobian(f, z).data, np.diag(fprime(z)), rtol=1e-13)


def test_jvp_is_jacobian_times_v_and_vjp_is_backward():
    x, v = rand((3,), 9), rand((3,), 10)
    f = lambda t: (t * t.sum()).tanh()  # noqa: E731
    J = jacobian(f, x).data
    out, jv = jvp(f, x, v)
    np.testing.assert_allclose(jv.data, J @ v, rtol=1e-12)
    np.testing.assert_allclose(out.data, f(Tensor(x)).data)
    u = rand((3,), 11)
    _, uj = vjp(f, x, u)
    np.testing.assert_allclose(uj.data, u @ J, rtol=1e-12)
    t = Tensor(x, requires_grad=True)
    f(t).backward(u)
    np.testing.assert_allclose(uj.data, t.grad, rtol=1e-14)


def test_hessian_is_symmetric_and_hvp_agrees_with_it():
    f = lambda t: ((t[:2] * t[1:]).tanh() ** 2).sum() + (t ** 3).sum()  # noqa: E731
    x, v = rand((3,), 12), rand((3,), 13)
    H = hessian(f, x).data
    np.testing.assert_allclose(H, H.T, rtol=1e-12)
    _, Hv = hvp(f, x, v)
    np.testing.assert_allclose(Hv.data, H @ v, rtol=1e-12)


def test_hessian_of_the_section_6_loss_matches_finite_differences_of_its_gradient():
    X, Y = nn.flower()
    X, Y = X[:, :40], Y[:, :40]
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="normal", scale=0.5,
                   rng=np.random.RandomState(2))
    W1, b1, W2, b2 = (np.array(p.data) for p in model.parameters())

    def loss(W1, b1, W2, b2):
        A1 = addmm(b1, W1, X).tanh()
        return nn.binary_cross_entropy(addmm(b2, W2, A1).sigmoid(), Y)

    H = hessian(loss, (W1, b1, W2, b2))
    n = [a.size for a in (W1, b1, W2, b2)]
    full = np.block([[H[i][j].data.reshape(n[i], n[j]) for j in range(4)] for i in range(4)])
    np.testing.assert_allclose(full, full.T, rtol=1e-10, atol=1e-14)

    def flat_grad(theta):
        parts = np.split(theta, np.cumsum(n)[:-1])
        ts = [Tensor(p.reshape(a.shape), requires_grad=True)
              for p, a in zip(parts, (W1, b1, W2, b2))]
        return np.concatenate([g.ravel() for g in grad(loss(*ts), ts)])

    theta = np.concatenate([a.ravel() for a in (W1, b1, W2, b2)])
    eps = 1e-6
    numeric = np.stack([(flat_grad(theta + eps * e) - flat_grad(theta - eps * e)) / (2 * eps)
                        for e in np.eye(theta.size)])
    np.testing.assert_allclose(full, numeric, rtol=1e-5, atol=1e-8)


def test_transforms_leave_their_inputs_alone():
    x = Tensor(rand((3,), 14), requires_grad=True, name="x")
    jacobian(lambda t: t.tanh(), x)
    hessian(lambda t: (t ** 3).sum(), x)
    assert x.grad is None and x.is_leaf


def test_create_graph_refuses_an_input_changed_after_recording():
    x = Tensor(rand((3,), 15), requires_grad=True)
    y = (x * x).sum()
    x.data = np.zeros(3)
    with pytest.raises(RuntimeError, match="create_graph"):
        grad(y, x, create_graph=True)
