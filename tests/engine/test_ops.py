"""Every op: forward against NumPy, backward against central differences, dtype kept."""

import numpy as np
import pytest

from autograd_core import Tensor, gradcheck
from autograd_core.ops import sigmoid as np_sigmoid

SHAPES = [(), (4,), (3, 4), (1, 4), (3, 1)]
# pairs that broadcast, including the bias column (n, 1) added to (n, m)
BROADCAST_PAIRS = [
    ((3, 4), (3, 4)), ((3, 4), ()), ((), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)),
    ((3, 4), (1, 4)), ((1, 4), (3, 4)), ((3, 4), (3, 1)), ((3, 1), (3, 4)),
    ((3, 1), (1, 4)), ((5, 7), (5, 1)), ((5, 1), (5, 7)),
]


def rand(shape, seed=0, low=None, dtype=np.float64):
    values = np.random.default_rng(seed).standard_normal(shape)
    if low is not None:  # keep away from a singular point (log, sqrt, pow)
        values = np.abs(values) + low
    return np.asarray(values, dtype=dtype)


def away_from_kinks(values, gap=0.1):
    """Nudge values off 0 so |x|, relu and friends are differentiable at every sample."""
    return np.where(np.abs(values) < gap, np.sign(values + 1e-12) * gap, values)


UNARY = {
    # name: (tensor function, numpy reference, input maker)
    "neg": (lambda x: -x, lambda x: -x, rand),
    "exp": (lambda x: x.exp(), np.exp, rand),
    "log": (lambda x: x.log(), np.log, lambda s, **k: rand(s, low=0.5, **k)),
    "sqrt": (lambda x: x.sqrt(), np.sqrt, lambda s, **k: rand(s, low=0.5, **k)),
    "abs": (lambda x: x.abs(), np.abs, lambda s, **k: away_from_kinks(rand(s, **k))),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), rand),
    "tanh": (lambda x: x.tanh(), np.tanh, rand),
    "relu": (lambda x: x.relu(), lambda x: np.maximum(x, 0),
             lambda s, **k: away_from_kinks(rand(s, **k))),
    "leaky_relu": (lambda x: x.leaky_relu(0.1), lambda x: np.where(x > 0, x, 0.1 * x),
                   lambda s, **k: away_from_kinks(rand(s, **k))),
    "softplus": (lambda x: x.softplus(), lambda x: np.log1p(np.exp(x)), rand),
    "square": (lambda x: x**2, np.square, rand),
    "cube": (lambda x: x**3, lambda x: x**3, rand),
    "pow_half": (lambda x: x**0.5, np.sqrt, lambda s, **k: rand(s, low=0.5, **k)),
    "reciprocal": (lambda x: 1 / x, lambda x: 1 / x, lambda s, **k: rand(s, low=0.5, **k)),
    "rpow": (lambda x: 2.0**x, lambda x: 2.0**x, rand),
    "clip": (lambda x: x.clip(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5),
             lambda s, **k: _off(rand(s, **k), (-0.5, 0.5))),
    "clip_lo": (lambda x: x.clip(0.2, None), lambda x: np.maximum(x, 0.2),
                lambda s, **k: _off(rand(s, **k), (0.2,))),
    "sum": (lambda x: x.sum(), np.sum, rand),
    "mean": (lambda x: x.mean(), np.mean, rand),
    "max": (lambda x: x.max(), np.max, rand),
    "transpose": (lambda x: x.T, lambda x: x.T, rand),
    "reshape": (lambda x: x.reshape(-1), lambda x: x.reshape(-1), rand),
}


def _off(values, points, gap=0.05):
    for p in points:
        values = np.where(np.abs(values - p) < gap, p + gap, values)
    return values


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_forward_matches_numpy(name, shape):
    fn, reference, make = UNARY[name]
    x = make(shape)
    out = fn(Tensor(x))
    np.testing.assert_allclose(out.data, reference(x), rtol=1e-12, atol=1e-15)
    assert out.shape == np.shape(reference(x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_gradient_matches_finite_differences(name, shape):
    fn, _, make = UNARY[name]
    assert gradcheck(fn, [Tensor(make(shape, seed=1), requires_grad=True)])


@pytest.mark.parametrize("name", UNARY)
def test_unary_keeps_float32(name):
    fn, _, make = UNARY[name]
    x = Tensor(make((3, 4), dtype=np.float32), requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert x.grad.dtype == np.float32 and x.grad.shape == x.shape


BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
}


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("name", BINARY)
def test_binary_forward_matches_numpy(name, shapes):
    fn, reference = BINARY[name]
    a, b = rand(shapes[0], 1), rand(shapes[1], 2, low=0.5)
    # div is a * b**-1: equal to a / b within one rounding
    np.testing.assert_allclose(fn(Tensor(a), Tensor(b)).data, reference(a, b), rtol=3e-16)


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("name", BINARY)
def test_binary_gradient_sums_back_to_each_operand(name, shapes):
    fn, _ = BINARY[name]
    a = Tensor(rand(shapes[0], 1), requires_grad=True)
    b = Tensor(rand(shapes[1], 2, low=0.5), requires_grad=True)
    assert gradcheck(fn, [a, b])
    out = fn(a, b)
    out.backward(np.ones(out.shape))
    assert a.grad.shape == a.shape and b.grad.shape == b.shape


def test_add_broadcasts_bias_column_and_sums_its_gradient_over_columns():
    W_A = Tensor(rand((5, 7), 1), requires_grad=True)
    b = Tensor(rand((5, 1), 2), requires_grad=True, name="b[1]")
    g = rand((5, 7), 3)
    (W_A + b).backward(g)
    np.testing.assert_allclose(b.grad, g.sum(axis=1, keepdims=True), rtol=1e-14)
    np.testing.assert_array_equal(W_A.grad, g)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("scalar_first", [False, True])
def test_binary_with_python_scalar_and_ndarray_operands(name, scalar_first):
    fn, reference = BINARY[name]
    x = rand((3, 4), 1, low=0.5)
    for other in (2.5, rand((3, 1), 2, low=0.5)):
        args = (other, Tensor(x, requires_grad=True)) if scalar_first else \
            (Tensor(x, requires_grad=True), other)
        raw = (other, x) if scalar_first else (x, other)
        out = fn(*args)
        assert isinstance(out, Tensor)
        np.testing.assert_allclose(out.data, reference(*raw), rtol=1e-14)
        t = args[1] if scalar_first else args[0]
        assert gradcheck(lambda t, other=other: fn(other, t) if scalar_first else fn(t, other),
                         [t])


@pytest.mark.parametrize("name", BINARY)
def test_binary_keeps_float32_with_python_scalars(name):
    fn, _ = BINARY[name]
    a = Tensor(rand((3, 4), 1, low=0.5, dtype=np.float32), requires_grad=True)
    b = Tensor(rand((3, 1), 2, low=0.5, dtype=np.float32), requires_grad=True)
    for out in (fn(a, b), fn(a, 2.0), fn(2.0, a), fn(a, np.float64(2.0))):
        assert out.dtype == np.float32
    out = fn(a, b)
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32


def test_float32_input_with_float64_array_follows_numpy_and_grad_keeps_input_dtype():
    a = Tensor(rand((3, 4), 1, dtype=np.float32), requires_grad=True)
    out = a * rand((3, 4), 2)  # NumPy promotes to float64
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32


def test_ndarray_on_the_left_gives_a_tensor():
    x = Tensor(rand((3, 4), 1), requires_grad=True)
    for out in (np.ones((3, 4)) + x, np.ones((3, 4)) * x, np.ones((3, 4)) - x,
                np.ones((3, 4)) / x, np.ones((2, 3)) @ x):
        assert isinstance(out, Tensor) and out.requires_grad


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((1, 4), (4, 1)), ((4, 1), (1, 3)),
                                    ((5, 2), (2, 400))], ids=str)
def test_matmul_forward_and_gradient(shapes):
    a, b = rand(shapes[0], 1), rand(shapes[1], 2)
    np.testing.assert_allclose((Tensor(a) @ Tensor(b)).data, a @ b, rtol=1e-14)
    assert gradcheck(lambda a, b: a @ b, [Tensor(a, requires_grad=True),
                                          Tensor(b, requires_grad=True)])


def test_matmul_keeps_float32():
    a = Tensor(rand((3, 4), 1, dtype=np.float32), requires_grad=True)
    b = Tensor(rand((4, 2), 2, dtype=np.float32), requires_grad=True)
    out = a @ b
    out.sum().backward()
    assert out.dtype == a.grad.dtype == b.grad.dtype == np.float32


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 1), None])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("op", ["sum", "mean", "max"])
def test_reductions_along_axes(op, axis, keepdims):
    x = rand((3, 4), 1)
    out = getattr(Tensor(x), op)(axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.data, getattr(np, op)(x, axis=axis, keepdims=keepdims),
                               rtol=1e-14)
    assert gradcheck(lambda t: getattr(t, op)(axis=axis, keepdims=keepdims),
                     [Tensor(x, requires_grad=True)])


def test_max_shares_the_gradient_between_ties():
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]]), requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [1, 0, 0]])


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_family_forward_and_gradient(op, axis):
    x = rand((3, 4), 1)
    shifted = x - x.max(axis=axis, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    expected = np.exp(log_p) if op == "softmax" else log_p
    np.testing.assert_allclose(getattr(Tensor(x), op)(axis).data, expected, rtol=1e-13)
    assert gradcheck(lambda t: getattr(t, op)(axis), [Tensor(x, requires_grad=True)])


def test_softmax_and_log_softmax_are_exact_at_logits_of_plus_minus_1000():
    logits = Tensor(np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 0.0]]),
                    requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        p = logits.softmax(axis=0)
        log_p = logits.log_softmax(axis=0)
        (p.sum() + log_p[0, 0]).backward()
    np.testing.assert_array_equal(p.data, [[1, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(log_p.data, [[0, -2000], [-2000, 0], [-1000, -1000]])
    assert np.all(np.isfinite(logits.grad))


def test_sigmoid_has_no_overflow_warning_at_plus_minus_1000():
    x = Tensor(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]), requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = x.sigmoid()
        y.sum().backward()
    np.testing.assert_allclose(y.data, np_sigmoid(np.array([-1000.0, -40, 0, 40, 1000])))
    assert y.data[0] == 0.0 and y.data[-1] == 1.0 and y.data[2] == 0.5
    np.testing.assert_allclose(y.data[1], np.exp(-40.0) / (1 + np.exp(-40.0)), rtol=1e-15)


@pytest.mark.parametrize("index", [0, -1, slice(1, 3), (slice(None), 2), (Ellipsis, 1),
                                   (None, 1), (slice(None, None, -1), slice(0, 4, 2)),
                                   np.array([0, 2, 0]), (np.array([0, 1]), np.array([3, 3]))],
                         ids=str)
def test_getitem_forward_and_gradient(index):
    x = rand((3, 4), 1)
    np.testing.assert_array_equal(Tensor(x)[index].data, x[index])
    assert gradcheck(lambda t: t[index], [Tensor(x, requires_grad=True)])


def test_getitem_repeated_index_accumulates():
    x = Tensor(np.arange(4.0), requires_grad=True)
    x[np.array([1, 1, 3])].sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 2, 0, 1])


@pytest.mark.parametrize("axes", [(), (1, 0, 2), (2, 0, 1), (-1, 0, 1)], ids=str)
def test_transpose_with_axes(axes):
    x = rand((2, 3, 4), 1)
    np.testing.assert_array_equal(Tensor(x).transpose(*axes).data,
                                  np.transpose(x, axes or None))
    assert gradcheck(lambda t: t.transpose(*axes), [Tensor(x, requires_grad=True)])


@pytest.mark.parametrize("shape", [(12,), (4, 3), (2, -1), ((6, 2),)], ids=str)
def test_reshape_accepts_numpy_forms(shape):
    x = rand((3, 4), 1)
    expected = x.reshape(*shape)
    np.testing.assert_array_equal(Tensor(x).reshape(*shape).data, expected)
    assert gradcheck(lambda t: t.reshape(*shape), [Tensor(x, requires_grad=True)])


def test_a_two_layer_network_gradient_in_the_documents_convention():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 9))
    params = [Tensor(rng.standard_normal(s), requires_grad=True)
              for s in [(4, 2), (4, 1), (1, 4), (1, 1)]]

    def loss(W1, b1, W2, b2):
        A1 = (W1 @ X + b1).tanh()
        A2 = (W2 @ A1 + b2).sigmoid()
        return ((A2 - 0.5) ** 2).sum() * (1 / (2 * X.shape[1]))

    assert gradcheck(loss, params)
