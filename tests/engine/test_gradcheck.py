"""gradcheck itself: it passes right gradients and catches wrong ones, naming the culprit."""

import numpy as np
import pytest

from autograd_core import GradcheckError, Tensor, gradcheck, ops
from autograd_core.tensor import _unary


class WrongTanh(ops.Tanh):
    """tanh with a rule that forgets the derivative: the classic backprop bug."""

    vjp = (lambda g, out: g,)


class WrongShape(ops.Tanh):
    vjp = (lambda g, out: g.sum(axis=0),)


def test_gradcheck_passes_a_right_gradient():
    x = Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    assert gradcheck(lambda t: t.tanh(), [x]) is True


def test_gradcheck_reports_input_index_values_and_relative_error():
    x = Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True, name="Z[1]")
    with pytest.raises(GradcheckError, match=r"input 'Z\[1\]' \(shape \(2, 3\)\): 6 of 6 "
                                             r"elements wrong; worst at index \(\d, \d\): "
                                             r"analytic .*numeric .*relative"):
        gradcheck(lambda t: _unary(WrongTanh, t), [x])


def test_gradcheck_names_the_position_of_an_unnamed_input():
    x = Tensor(np.ones(2), requires_grad=True)
    y = Tensor(np.linspace(0.1, 1, 2), requires_grad=True)
    with pytest.raises(GradcheckError, match="input #1"):
        gradcheck(lambda a, b: a * _unary(WrongTanh, b), [x, y])


def test_gradcheck_checks_float32_inputs_in_float64():
    x = Tensor(np.linspace(-1, 1, 4).astype(np.float32), requires_grad=True)
    assert gradcheck(lambda t: (t * t).tanh(), [x], atol=1e-9, rtol=1e-7)


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda t: t * 2.0, [Tensor([1.0])])


def test_engine_names_the_op_whose_rule_returns_the_wrong_shape():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = _unary(WrongShape, x)
    with pytest.raises(RuntimeError, match=r"tanh backward: the gradient for input 0 has shape "
                                           r"\(3,\), expected \(2, 3\)"):
        y.backward(np.ones((2, 3)))
