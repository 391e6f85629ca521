"""The function transforms where the answer is zero: a function whose output (or whose
gradient) does not depend on its input is in no graph, and its derivative is zeros of the
right shape and dtype, as ``torch.autograd.functional`` returns, at any ``create_graph``."""

import numpy as np
import pytest

from autograd_core import Tensor, grad
from autograd_core.functional import hessian, hvp, jacobian, jvp, vjp

A = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]])
X = np.array([0.3, -1.2, 2.0])

# name: (func of x, its output shape, its Jacobian at X, the Hessian of its sum at X)
FUNCTIONS = {
    "constant": (lambda x: Tensor(np.full((2,), 7.0, x.dtype)), (2,), np.zeros((2, 3)),
                 np.zeros((3, 3))),
    "constant_from_detached_input": (lambda x: x.detach() * 2, (3,), np.zeros((3, 3)),
                                     np.zeros((3, 3))),
    "linear": (lambda x: (Tensor(A.astype(x.dtype)) * x).sum(axis=1), (2,), A, np.zeros((3, 3))),
    "affine_sum": (lambda x: x * 3 + 1, (3,), 3 * np.eye(3), np.zeros((3, 3))),
}


def _values(t):
    assert isinstance(t, Tensor)
    return t.data


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_hessian_and_hvp_of_a_function_with_a_constant_gradient_are_zeros(name, create_graph,
                                                                          dtype):
    f, _, _, expected = FUNCTIONS[name]
    x = X.astype(dtype)
    H = hessian(lambda x: f(x).sum(), x, create_graph=create_graph)
    assert H.shape == (3, 3) and H.dtype == dtype
    np.testing.assert_array_equal(_values(H), expected)
    v = np.array([1.0, 2.0, -1.0], dtype)
    value, Hv = hvp(lambda x: f(x).sum(), x, v, create_graph=create_graph)
    assert Hv.shape == (3,) and Hv.dtype == dtype
    np.testing.assert_array_equal(_values(Hv), expected @ v)
    assert value.item() == pytest.approx(float(f(Tensor(x)).sum().item()))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_jvp_vjp_and_jacobian_are_the_jacobian_also_when_it_is_zero(name, create_graph, dtype):
    f, shape, J, _ = FUNCTIONS[name]
    x = X.astype(dtype)
    v_in, v_out = np.array([1.0, 2.0, -1.0], dtype), np.arange(1.0, 1.0 + shape[0], dtype=dtype)
    out, Jv = jvp(f, x, v_in, create_graph=create_graph)
    assert out.shape == shape and Jv.shape == shape and Jv.dtype == dtype
    np.testing.assert_allclose(_values(Jv), J @ v_in, rtol=1e-6)
    out, vJ = vjp(f, x, v_out, create_graph=create_graph)
    assert vJ.shape == (3,) and vJ.dtype == dtype
    np.testing.assert_allclose(_values(vJ), v_out @ J, rtol=1e-6)
    jac = jacobian(f, x, create_graph=create_graph)
    assert jac.shape == shape + (3,) and jac.dtype == dtype
    np.testing.assert_allclose(_values(jac), J, rtol=1e-6)


def test_an_input_the_output_ignores_gets_zero_blocks_in_every_transform():
    x, y = np.array([1.0, 2.0]), np.array([[3.0, 4.0, 5.0]])

    def f(x, y):
        return (x * x).sum()

    (Hxx, Hxy), (Hyx, Hyy) = hessian(f, (x, y))
    np.testing.assert_array_equal(Hxx.data, 2 * np.eye(2))
    assert Hxy.shape == (2, 1, 3) and Hyx.shape == (1, 3, 2) and Hyy.shape == (1, 3, 1, 3)
    assert not (Hxy.data.any() or Hyx.data.any() or Hyy.data.any())
    _, (hx, hy) = hvp(f, (x, y), (np.ones(2), np.ones((1, 3))))
    np.testing.assert_array_equal(hx.data, [2.0, 2.0])
    np.testing.assert_array_equal(hy.data, np.zeros((1, 3)))
    _, jv = jvp(lambda x, y: y * 2, (x, y), (np.ones(2), np.zeros((1, 3))))
    np.testing.assert_array_equal(jv.data, np.zeros((1, 3)))


def test_zero_results_with_create_graph_can_be_differentiated_again():
    x = Tensor(X, requires_grad=True)
    H = hessian(lambda x: (x * 2).sum(), x, create_graph=True)
    assert isinstance(H, Tensor) and not H.data.any()
    (g,) = grad((H * H).sum() + (x * x).sum(), [x])
    np.testing.assert_array_equal(g, 2 * X)


def test_grad_itself_still_refuses_an_output_in_no_graph():
    """torch.autograd.grad refuses it too; only the transforms, which define the derivative
    of a function, answer zeros."""
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad(Tensor(1.0), [Tensor(X, requires_grad=True)])
