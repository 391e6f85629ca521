"""Every documented error names the op, the operand and what was expected."""

import numpy as np
import pytest

from autograd_core import Tensor


def test_matmul_shape_mismatch_names_both_operands_and_shapes():
    W = Tensor(np.ones((3, 4)), name="W[1]")
    A = Tensor(np.ones((5, 2)), name="A[0]")
    with pytest.raises(ValueError, match=r"matmul.*'W\[1\]' \(3, 4\).*'A\[0\]' \(5, 2\).*4 and 5"):
        W @ A


def test_matmul_refuses_non_2d_operands_clearly():
    with pytest.raises(ValueError, match=r"matmul: expects 2-D operands, got shape \(3,\) and "
                                         r"shape \(3, 2\)"):
        Tensor(np.ones(3)) @ Tensor(np.ones((3, 2)))


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
                                lambda a, b: a / b])
def test_broadcast_mismatch_names_op_and_both_shapes(op):
    a = Tensor(np.ones((3, 4)), name="Z")
    b = Tensor(np.ones((3, 5)), name="T")
    with pytest.raises(ValueError, match=r"(add|mul): cannot broadcast 'Z' \(3, 4\) with "
                                         r".*\(3, 5\) \(NumPy rules"):
        op(a, b)


@pytest.mark.parametrize("data", [np.arange(3), np.array([True, False]), np.int32(4)])
def test_integer_or_bool_data_cannot_require_grad(data):
    with pytest.raises(TypeError, match="requires_grad=True needs floating-point data"):
        Tensor(data, requires_grad=True)


def test_integer_data_without_grad_is_kept():
    assert Tensor(np.arange(3)).dtype == np.int64


@pytest.mark.parametrize("data", ["abc", ["a", "b"], {"a": 1}, np.array(["x"]),
                                  np.array([1 + 2j])])
def test_non_numeric_data_is_a_type_error(data):
    with pytest.raises(TypeError, match="Tensor:"):
        Tensor(data)


def test_python_scalars_and_lists_become_float64_and_float_arrays_keep_dtype():
    assert Tensor(3).dtype == np.float64
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor([True]).dtype == np.float64
    assert Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32


def test_axis_out_of_range_names_the_op():
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of range.*\(3, 4\)"):
        Tensor(np.ones((3, 4))).sum(axis=2)


def test_reshape_error_names_shapes():
    with pytest.raises(ValueError, match=r"reshape: .*\(3, 4\).*"):
        Tensor(np.ones((3, 4))).reshape(5)


def test_pow_needs_a_number_exponent_and_rpow_a_positive_base():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="pow: the exponent must be a real number"):
        x ** x
    with pytest.raises(ValueError, match="positive real base"):
        (-2.0) ** x


def test_clip_bounds_are_validated():
    x = Tensor([1.0])
    with pytest.raises(ValueError, match="clip: lo=2 is greater than hi=1"):
        x.clip(2, 1)
    with pytest.raises(ValueError, match="at least one"):
        x.clip(None, None)


def test_setting_integer_data_on_a_grad_tensor_is_refused():
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="Tensor.data: requires_grad=True"):
        x.data = np.array([1])


def test_retain_grad_on_a_constant_is_refused():
    with pytest.raises(RuntimeError, match="retain_grad.*does not require grad"):
        Tensor([1.0]).retain_grad()


def test_index_error_names_the_op():
    with pytest.raises(IndexError, match=r"getitem: tensor of shape \(3,\)"):
        Tensor(np.ones(3))[5]
