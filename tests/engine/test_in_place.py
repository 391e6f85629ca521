"""``t -= x`` and friends update ``t`` itself, outside recording only, and count as writes."""

import numpy as np
import pytest

from autograd_core import Tensor, no_grad


def param(values, dtype=np.float64):
    return Tensor(np.asarray(values, dtype=dtype), requires_grad=True, name="W")


@pytest.mark.parametrize("update, expected", [
    (lambda t: t.__iadd__(2.0), [3.0, 4.0]),
    (lambda t: t.__isub__(np.array([0.5, 1.0])), [0.5, 1.0]),
    (lambda t: t.__imul__(Tensor([2.0, 3.0])), [2.0, 6.0]),
    (lambda t: t.__itruediv__(4.0), [0.25, 0.5]),
])
def test_in_place_operators_update_the_same_tensor_and_array(update, expected):
    w = param([1.0, 2.0])
    array = w._data
    with no_grad():
        result = update(w)
    assert result is w and w._data is array
    np.testing.assert_array_equal(w.data, expected)


def test_augmented_assignment_in_a_loop_updates_the_parameters():
    # the PyTorch habit: without __isub__ the loop variable would be rebound, the model unchanged
    params = [param([1.0, 2.0]), param([[3.0]])]
    for p in params:
        p.grad = np.ones(p.shape)
    with no_grad():
        for p in params:
            p -= 0.5 * p.grad
    np.testing.assert_array_equal(params[0].data, [0.5, 1.5])
    np.testing.assert_array_equal(params[1].data, [[2.5]])


def test_in_place_update_keeps_float32():
    w = param([1.0, 2.0], np.float32)
    with no_grad():
        w -= np.array([0.1, 0.1])  # float64 values are cast into the float32 array
    assert w.dtype == np.float32


def test_in_place_update_while_recording_is_refused():
    w = param([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"-=: tensor 'W' requires grad .* no_grad"):
        w -= 1.0
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_in_place_update_of_a_constant_is_allowed_while_recording():
    c = Tensor([1.0, 2.0])
    c += 1.0
    np.testing.assert_array_equal(c.data, [2.0, 3.0])


@pytest.mark.parametrize("value, error, words", [
    (np.ones(3), ValueError, r"-=: cannot update tensor 'W' of shape \(2,\), dtype float64 "
                             r"in place with shape \(3,\)"),
    ("a", TypeError, "-=: cannot update tensor 'W' .* with str"),
])
def test_bad_in_place_updates_name_the_tensor_and_the_operand(value, error, words):
    w = param([1.0, 2.0])
    with no_grad(), pytest.raises(error, match=words):
        w -= value


def test_in_place_update_cannot_change_an_integer_tensor_to_float():
    t = Tensor(np.array([1, 2]))
    with pytest.raises(TypeError, match=r"\+=: cannot update tensor of shape \(2,\), dtype int64"):
        t += 0.5


def test_in_place_update_of_a_saved_value_is_refused_at_backward():
    w = param([1.0, 2.0])
    y = (w * w).sum()
    with no_grad():
        w *= 2.0
    with pytest.raises(RuntimeError, match=r"mul saved input 0 \(W\).*modified in place"):
        y.backward()


def test_in_place_update_after_backward_is_fine():
    w = param([1.0, 2.0])
    y = (w * w).sum()
    y.backward()
    with no_grad():
        w -= 0.25 * w.grad
    y2 = (w * w).sum()
    y2.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0] + 2 * np.array([0.5, 1.0]))
