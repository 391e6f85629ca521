"""Optimizers: SGD and Adam steps worked out by hand, state, in-place updates, validation."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from nn.optim import SGD, Adam


def parameter(values, dtype=np.float64):
    return Tensor(np.array(values, dtype=dtype), requires_grad=True)


def test_sgd_step_is_p_minus_lr_g():
    p = parameter([[1.0, -2.0], [3.0, 0.5]])
    p.grad = np.array([[0.5, 0.25], [-1.0, 2.0]])
    SGD([p], lr=0.1).step()
    assert np.array_equal(p.data, [[0.95, -2.025], [3.1, 0.3]])


def test_sgd_momentum_follows_pytorch_rule():
    p = parameter([1.0, 2.0])
    opt = SGD([p], lr=0.5, momentum=0.9)
    g1, g2 = np.array([1.0, -1.0]), np.array([0.5, 2.0])
    p.grad = g1
    opt.step()  # v = g1
    assert np.allclose(p.data, [1.0 - 0.5 * 1.0, 2.0 + 0.5 * 1.0])
    p.grad = g2
    opt.step()  # v = 0.9 g1 + g2
    v2 = 0.9 * g1 + g2
    assert np.allclose(p.data, np.array([0.5, 2.5]) - 0.5 * v2, rtol=0, atol=1e-15)
    assert p.grad is g2  # the gradient itself is never modified


def test_adam_two_steps_by_hand():
    p = parameter([0.5, -1.0, 2.0])
    opt = Adam([p], lr=0.01, betas=(0.8, 0.9), eps=1e-6)
    grads = [np.array([0.1, -2.0, 0.0]), np.array([0.3, 1.0, -0.5])]
    m = v = np.zeros(3)
    expected = p.data.copy()
    for t, g in enumerate(grads, 1):
        p.grad = g
        opt.step()
        m = 0.8 * m + 0.2 * g
        v = 0.9 * v + 0.1 * g * g
        m_hat, v_hat = m / (1 - 0.8**t), v / (1 - 0.9**t)
        expected = expected - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-6)
        assert np.allclose(p.data, expected, rtol=1e-13, atol=0), f"step {t}"


def test_adam_first_step_moves_each_parameter_by_about_lr():
    p = parameter([1.0, 1.0])
    p.grad = np.array([1e-3, -50.0])  # bias correction: the step is lr · g / |g|
    Adam([p], lr=0.1).step()
    assert np.allclose(p.data, [0.9, 1.1], atol=1e-6)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.5),
                                  lambda ps: Adam(ps, lr=0.1)])
def test_parameters_without_a_gradient_are_skipped(make):
    used, unused = parameter([1.0]), parameter([2.0])
    opt = make([used, unused])
    used.grad = np.array([1.0])
    opt.step()
    opt.step()
    assert unused.data[0] == 2.0 and used.data[0] < 1.0


def test_adam_counts_steps_per_parameter():
    a, b = parameter([1.0]), parameter([1.0])
    opt = Adam([a, b], lr=0.1)
    a.grad = np.array([1.0])
    opt.step()
    b.grad = np.array([1.0])
    b_before = b.data.copy()
    opt.step()  # b's first step: bias-corrected, so it moves by lr
    assert opt.t == [2, 1]
    assert np.allclose(b_before - b.data, 0.1)


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_step_updates_the_same_tensor_in_place_and_keeps_float32(cls):
    p = parameter([[1.0, 2.0]], dtype=np.float32)
    array = p.data.base
    p.grad = np.array([[0.5, -0.5]], dtype=np.float32)
    cls([p], lr=0.1).step()
    assert p.data.base is array and p.dtype == np.float32 and p.data[0, 0] < 1.0


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_zero_grad_clears_the_gradients(cls):
    p = parameter([1.0])
    p.grad = np.array([1.0])
    cls([p], lr=0.1).zero_grad()
    assert p.grad is None


def test_a_parameter_listed_twice_is_updated_once():
    p = parameter([1.0])
    opt = SGD([p, p], lr=1.0)
    p.grad = np.array([1.0])
    opt.step()
    assert p.data[0] == 0.0


def test_an_optimizer_trains_a_model_after_backward():
    model = nn.MLP([2, 3, 1], rng=0)
    X, Y = nn.xor(m=40)
    opt = SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        J = nn.binary_cross_entropy(model(X), Y)
        J.backward()
        opt.step()  # writes parameters that the (already used) graph saved: allowed
        losses.append(J.item())
    assert losses[2] < losses[0]


@pytest.mark.parametrize("make, message", [
    (lambda p: SGD(p, lr=-0.1), r"SGD: lr must be a finite number >= 0.0, got -0.1"),
    (lambda p: SGD(p, lr=float("nan")), r"SGD: lr must be"),
    (lambda p: SGD(p, lr=True), r"SGD: lr must be"),
    (lambda p: SGD(p, lr=0.1, momentum=1.0), r"SGD: momentum must be a finite number "
                                             r"\[0.0, 1.0\)"),
    (lambda p: Adam(p, lr=-1), r"Adam: lr must be"),
    (lambda p: Adam(p, betas=(0.9, 1.0)), r"Adam: betas\[1\] must be"),
    (lambda p: Adam(p, betas=(-0.1, 0.9)), r"Adam: betas\[0\] must be"),
    (lambda p: Adam(p, betas=0.9), r"Adam: betas must be a pair"),
    (lambda p: Adam(p, eps=-1e-8), r"Adam: eps must be"),
])
def test_bad_hyper_parameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([parameter([1.0])])


def test_bad_parameter_lists_are_refused():
    with pytest.raises(TypeError, match=r"e.g. model.parameters\(\), got MLP"):
        SGD(nn.MLP([2, 1]), lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        Adam(parameter([1.0]))
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match=r"params\[1\] is not a Tensor with requires_grad"):
        SGD([parameter([1.0]), Tensor([1.0])], lr=0.1)
