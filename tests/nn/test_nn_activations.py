"""Activations: modules and names, one engine op each, and every NumPy derivative against
the engine's autodiff."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor, grad

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"]


def pre_activations(shape=(4, 6), seed=0, dtype=np.float64):
    """Values away from 0, where relu and leaky_relu have their kink."""
    Z = np.random.default_rng(seed).standard_normal(shape) * 3
    return np.where(np.abs(Z) < 0.1, 0.1, Z).astype(dtype)


def test_every_activation_is_registered_by_name():
    assert set(nn.ACTIVATIONS) == {*ELEMENTWISE, "softmax"}
    for name, cls in nn.ACTIVATIONS.items():
        act = nn.activation(name)
        assert type(act) is cls and act.name == name and isinstance(act, nn.Module)
        assert act.elementwise is (name != "softmax")


def test_activation_returns_a_given_module_and_refuses_unknown_names():
    tanh = nn.Tanh()
    assert nn.activation(tanh) is tanh
    assert nn.activation("leaky_relu", negative_slope=0.3).negative_slope == 0.3
    with pytest.raises(ValueError, match="unknown activation 'gelu'; choose one of 'identity'"):
        nn.activation("gelu")


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_forward_is_one_engine_op_and_agrees_with_fn(name):
    act = nn.activation(name)
    Z = Tensor(pre_activations(), requires_grad=True)
    A = act(Z)
    if name == "identity":
        assert A is Z
    else:
        assert A.op.name == name and A.parents == (Z,)
    assert np.allclose(A.data, act.fn(Z.data), rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_derivative_matches_autodiff(name):
    act = nn.activation(name)
    Z = Tensor(pre_activations(), requires_grad=True)
    (autodiff,) = grad(act(Z).sum(), [Z])  # d Σ f(Z) / dZ = f'(Z), elementwise
    derivative = act.derivative(Z.data)
    assert derivative.shape == Z.shape
    assert np.allclose(derivative, autodiff, rtol=1e-12, atol=1e-15)


def test_leaky_relu_uses_its_slope():
    act = nn.LeakyReLU(0.2)
    Z = np.array([[-2.0, 3.0]])
    assert np.array_equal(act.fn(Z), [[-0.4, 3.0]])
    assert np.array_equal(act.derivative(Z), [[0.2, 1.0]])
    assert np.array_equal(act(Tensor(Z)).data, [[-0.4, 3.0]])
    assert nn.LeakyReLU().negative_slope == 0.01
    with pytest.raises(ValueError, match="negative_slope must be a finite number"):
        nn.LeakyReLU(float("nan"))


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_fn_and_derivative_keep_float32(name):
    act = nn.activation(name)
    Z = pre_activations(dtype=np.float32)
    assert act.fn(Z).dtype == np.float32 and act.derivative(Z).dtype == np.float32


def test_fn_and_derivative_are_plain_functions_on_the_class():
    Z = pre_activations()
    assert np.array_equal(nn.Tanh.fn(Z), np.tanh(Z))
    assert np.array_equal(nn.Sigmoid.derivative(Z), nn.Sigmoid().derivative(Z))


def test_relu_derivative_is_zero_at_zero_like_the_engine():
    Z = Tensor(np.array([[-1.0, 0.0, 2.0]]), requires_grad=True)
    (autodiff,) = grad(Z.relu().sum(), [Z])
    assert np.array_equal(nn.ReLU.derivative(Z.data), autodiff)


def test_extreme_pre_activations_stay_finite_and_exact():
    Z = np.array([[-1000.0, -40.0, 0.0, 40.0, 1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert np.array_equal(nn.Sigmoid.fn(Z)[0, [0, 4]], [0.0, 1.0])
        assert np.array_equal(nn.Softplus.fn(Z)[0, [0, 4]], [0.0, 1000.0])
        # σ'(40) = e^-40 (1 + e^-40)^-2: not lost to 1 − σ(40) rounding to 0
        assert np.isclose(nn.Sigmoid.derivative(Z)[0, 3], np.exp(-40.0), rtol=1e-12)
        assert np.all(np.isfinite(nn.Softmax.fn(Z.T * [[1.0, -1.0]])))


def test_softmax_fn_normalises_each_column():
    S = nn.Softmax.fn(pre_activations((3, 5)))
    assert np.allclose(S.sum(axis=0), 1) and np.all(S > 0)
    assert np.allclose(nn.Softmax.fn(np.array([[1000.0], [1000.0]])), 0.5)


def test_softmax_derivative_is_every_columns_jacobian():
    Z = Tensor(pre_activations((3, 4)), requires_grad=True)
    J = nn.Softmax.derivative(Z.data)
    assert J.shape == (4, 3, 3)
    for i in range(3):  # row i of every J[k]: the gradient of output i of each column
        seed = np.zeros((3, 4))
        seed[i] = 1
        (row,) = grad(Z.softmax(axis=0), [Z], grad_output=seed)
        assert np.allclose(J[:, i, :], row.T, rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_applied_as_documented_gives_the_autodiff_dZ():
    Z = Tensor(pre_activations((3, 5)), requires_grad=True)
    dA = np.random.default_rng(1).standard_normal((3, 5))
    (autodiff,) = grad(Z.softmax(axis=0), [Z], grad_output=dA)
    J = nn.Softmax.derivative(Z.data)
    assert np.allclose(np.einsum("kji,jk->ik", J, dA), autodiff, rtol=1e-12, atol=1e-15)


def test_softmax_derivative_of_one_column_and_bad_shapes():
    z = pre_activations((3,))
    assert np.allclose(nn.Softmax.derivative(z), nn.Softmax.derivative(z[:, None])[0])
    with pytest.raises(ValueError, match=r"softmax derivative: Z must be \(n, m\)"):
        nn.Softmax.derivative(np.zeros((2, 2, 2)))


def test_activation_repr():
    assert repr(nn.Tanh()) == "Tanh()"
    assert repr(nn.LeakyReLU(0.1)) == "LeakyReLU(negative_slope=0.1)"
