"""``functional.addmm(b, W, A)``: ``W @ A + b`` in one node, the same values and gradients."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Tensor, grad, gradcheck, no_grad
from autograd_core.functional import addmm


def tensors(n, k, m, b_shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    W = Tensor(rng.standard_normal((n, k)).astype(dtype), requires_grad=True, name="W")
    A = Tensor(rng.standard_normal((k, m)).astype(dtype), requires_grad=True, name="A")
    b = Tensor(rng.standard_normal(b_shape).astype(dtype), requires_grad=True, name="b")
    return b, W, A


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 5),
       b_form=st.sampled_from(["column", "row", "full", "scalar", "vector"]),
       seed=st.integers(0, 2**16))
def test_values_and_gradients_are_those_of_matmul_then_add_bit_for_bit(n, k, m, b_form, seed):
    b_shape = {"column": (n, 1), "row": (1, m), "full": (n, m), "scalar": (),
               "vector": (m,)}[b_form]
    b, W, A = tensors(n, k, m, b_shape, seed=seed)
    fused, unfused = addmm(b, W, A), W @ A + b
    np.testing.assert_array_equal(fused.data, unfused.data)
    seed_grad = np.random.default_rng(seed + 1).standard_normal((n, m))
    for got, want in zip(grad(fused, [b, W, A], seed_grad), grad(unfused, [b, W, A], seed_grad)):
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("b_shape", [(3, 1), (1, 5), (3, 5), ()])
def test_gradcheck(b_shape):
    assert gradcheck(addmm, tensors(3, 4, 5, b_shape))


def test_only_inputs_that_require_grad_get_rules_run():
    b, W, _ = tensors(2, 3, 4, (2, 1))
    A = np.ones((3, 4))  # an ndarray input: a constant
    Z = addmm(b, W, A)
    Z.sum().backward()
    np.testing.assert_array_equal(b.grad, np.full((2, 1), 4.0))
    np.testing.assert_array_equal(W.grad, np.full((2, 3), 4.0))


def test_nothing_is_recorded_without_a_gradient_to_compute():
    b, W, A = (Tensor(t.data) for t in tensors(2, 3, 4, (2, 1)))
    assert addmm(b, W, A).is_leaf
    with no_grad():
        assert addmm(*tensors(2, 3, 4, (2, 1))).is_leaf


@pytest.mark.parametrize("b_dtype, expected", [(np.float32, np.float32),
                                               (np.float64, np.float64)])
def test_dtype_is_that_of_the_unfused_expression(b_dtype, expected):
    b, W, A = tensors(2, 3, 4, (2, 1), np.float32)
    b = Tensor(b.data.astype(b_dtype), requires_grad=True)
    Z = addmm(b, W, A)
    assert Z.dtype == (W @ A + b).dtype == expected
    Z.sum().backward()
    assert W.grad.dtype == np.float32 and b.grad.dtype == b_dtype


@pytest.mark.parametrize("b_shape, a_shape, words", [
    ((2, 1), (4, 5), r"addmm: cannot multiply 'W' \(2, 3\) by 'A' \(4, 5\): inner dimensions "
                     r"3 and 4 differ"),
    ((2, 1), (3,), r"addmm: expects 2-D operands, got 'W' \(2, 3\) and 'A' \(3,\)"),
    ((3, 1), (3, 5), r"addmm: 'b' \(3, 1\) does not broadcast to 'W' \(2, 3\) @ 'A' \(3, 5\)'s "
                     r"shape \(2, 5\)"),
    ((2, 5, 1), (3, 5), r"addmm: 'b' \(2, 5, 1\) does not broadcast"),
])
def test_bad_shapes_name_the_operands(b_shape, a_shape, words):
    W = Tensor(np.ones((2, 3)), requires_grad=True, name="W")
    A = Tensor(np.ones(a_shape), name="A")
    b = Tensor(np.ones(b_shape), name="b")
    with pytest.raises(ValueError, match=words):
        addmm(b, W, A)


def test_an_optimizer_step_before_backward_is_caught():
    b, W, A = tensors(2, 3, 4, (2, 1))
    Z = addmm(b, W, A)
    with no_grad():
        W -= 0.1  # W is saved for dA = Wᵀ dZ
    with pytest.raises(RuntimeError, match=r"addmm saved input 1 \(W\).*modified in place"):
        Z.sum().backward()
