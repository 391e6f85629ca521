"""Every op, compiled, against the eager engine bit for bit, in float64 and float32: the
results, and every leaf's ``.grad`` after backward, over several replays with new values
and after in-place parameter updates (``helpers.check_against_eager``)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_core import Tensor, compile, functional

from .helpers import DTYPES, assert_same, check_against_eager, inputs, rand


def _maker(kind):
    if kind == "pos":
        return lambda s, k, d: rand(s, k, d, low=0.5)
    if kind == "kinks":
        return lambda s, k, d: rand(s, k, d, kinks=True)
    if kind == "ties":  # few distinct values: max has ties that share the gradient
        return lambda s, k, d: (np.round(rand(s, k) * 1.5) / 2).astype(d)
    if kind == "unit":  # probabilities
        return lambda s, k, d: np.random.default_rng(k).uniform(0.05, 0.95, s).astype(d)
    if kind == "labels":  # 0/1 targets
        return lambda s, k, d: (np.random.default_rng(k).uniform(size=s) > 0.5).astype(d)
    return lambda s, k, d: rand(s, k, d)


ELEMENTWISE_SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
AXIS_SHAPES = [(3, 4), (2, 3, 4)]

# name: (function of one tensor, input kind, shapes)
UNARY = {
    "neg": (lambda x: -x, None, ELEMENTWISE_SHAPES),
    "exp": (lambda x: x.exp(), None, ELEMENTWISE_SHAPES),
    "log": (lambda x: x.log(), "pos", ELEMENTWISE_SHAPES),
    "sqrt": (lambda x: x.sqrt(), "pos", ELEMENTWISE_SHAPES),
    "abs": (lambda x: x.abs(), "kinks", ELEMENTWISE_SHAPES),
    "sigmoid": (lambda x: x.sigmoid(), None, ELEMENTWISE_SHAPES),
    "tanh": (lambda x: x.tanh(), None, ELEMENTWISE_SHAPES),
    "relu": (lambda x: x.relu(), "kinks", ELEMENTWISE_SHAPES),
    "leaky_relu": (lambda x: x.leaky_relu(), "kinks", ELEMENTWISE_SHAPES),
    "leaky_relu_0.2": (lambda x: x.leaky_relu(0.2), "kinks", ELEMENTWISE_SHAPES),
    "softplus": (lambda x: x.softplus(), None, ELEMENTWISE_SHAPES),
    "clip": (lambda x: x.clip(-0.5, 0.5), None, ELEMENTWISE_SHAPES),
    "clip_lo": (lambda x: x.clip(0.2, None), None, ELEMENTWISE_SHAPES),
    "clip_hi": (lambda x: x.clip(None, -0.1), None, ELEMENTWISE_SHAPES),
    "pow_2": (lambda x: x**2, None, ELEMENTWISE_SHAPES),
    "pow_3": (lambda x: x**3, None, ELEMENTWISE_SHAPES),
    "pow_0.5": (lambda x: x**0.5, "pos", ELEMENTWISE_SHAPES),
    "pow_-1": (lambda x: x**-1, "pos", ELEMENTWISE_SHAPES),
    "pow_-2": (lambda x: x ** -2.0, "pos", ELEMENTWISE_SHAPES),
    "pow_1.5": (lambda x: x**1.5, "pos", ELEMENTWISE_SHAPES),
    "pow_0": (lambda x: x**0, None, ELEMENTWISE_SHAPES),
    "add_scalar": (lambda x: x + 2.5, None, ELEMENTWISE_SHAPES),
    "add_int": (lambda x: x + 3, None, ELEMENTWISE_SHAPES),
    "radd": (lambda x: 2.5 + x, None, ELEMENTWISE_SHAPES),
    "sub_scalar": (lambda x: x - 0.3, None, ELEMENTWISE_SHAPES),
    "rsub": (lambda x: 0.3 - x, None, ELEMENTWISE_SHAPES),
    "mul_scalar": (lambda x: x * 1.7, None, ELEMENTWISE_SHAPES),
    "rmul": (lambda x: 1.7 * x, None, ELEMENTWISE_SHAPES),
    "mul_numpy_scalar": (lambda x: x * np.float64(0.3), None, ELEMENTWISE_SHAPES),
    "truediv_scalar": (lambda x: x / 3.0, None, ELEMENTWISE_SHAPES),
    "truediv_int": (lambda x: x / 7, None, ELEMENTWISE_SHAPES),
    "rtruediv": (lambda x: 2.0 / x, "pos", ELEMENTWISE_SHAPES),
    "rpow": (lambda x: 2.0**x, None, ELEMENTWISE_SHAPES),
    "rpow_e": (lambda x: np.e**x, None, ELEMENTWISE_SHAPES),
    "mul_int_tensor": (lambda x: x * Tensor(np.arange(x.size).reshape(x.shape) - 2), None,
                       ELEMENTWISE_SHAPES),
    "add_int_array": (lambda x: x + (np.arange(x.size).reshape(x.shape) - 2), None,
                      ELEMENTWISE_SHAPES),
    "mul_float64_tensor": (lambda x: x * Tensor(np.full(x.shape, 0.1)), None,
                           ELEMENTWISE_SHAPES),
    "sum": (lambda x: x.sum(), None, ELEMENTWISE_SHAPES),
    "mean": (lambda x: x.mean(), None, ELEMENTWISE_SHAPES),
    "max": (lambda x: x.max(), None, ELEMENTWISE_SHAPES),
    "max_ties": (lambda x: x.max(), "ties", AXIS_SHAPES),
    "sum_0": (lambda x: x.sum(axis=0), None, AXIS_SHAPES),
    "sum_-1_keepdims": (lambda x: x.sum(axis=-1, keepdims=True), None, AXIS_SHAPES),
    "sum_01": (lambda x: x.sum(axis=(0, 1)), None, AXIS_SHAPES),
    "sum_keepdims": (lambda x: x.sum(keepdims=True), None, AXIS_SHAPES),
    "mean_0": (lambda x: x.mean(axis=0), None, AXIS_SHAPES),
    "mean_1_keepdims": (lambda x: x.mean(axis=1, keepdims=True), None, AXIS_SHAPES),
    "mean_-1": (lambda x: x.mean(axis=-1), None, AXIS_SHAPES),
    "max_0": (lambda x: x.max(axis=0), None, AXIS_SHAPES),
    "max_1_keepdims": (lambda x: x.max(axis=1, keepdims=True), None, AXIS_SHAPES),
    "max_-1_ties": (lambda x: x.max(axis=-1), "ties", AXIS_SHAPES),
    "max_keepdims_ties": (lambda x: x.max(keepdims=True), "ties", AXIS_SHAPES),
    "softmax_0": (lambda x: x.softmax(axis=0), None, AXIS_SHAPES),
    "softmax_-1": (lambda x: x.softmax(axis=-1), None, AXIS_SHAPES),
    "log_softmax_0": (lambda x: x.log_softmax(axis=0), None, AXIS_SHAPES),
    "log_softmax_-1": (lambda x: x.log_softmax(axis=-1), None, AXIS_SHAPES),
    "T": (lambda x: x.T, None, [(5,), (3, 4), (2, 3, 4)]),
    "transpose": (lambda x: x.transpose(), None, AXIS_SHAPES),
    "transpose_axes": (lambda x: x.transpose(*range(x.ndim)[::-1][1:], x.ndim - 1), None,
                       AXIS_SHAPES),
    "transpose_tuple": (lambda x: x.transpose(tuple(range(x.ndim))[1:] + (0,)), None,
                        AXIS_SHAPES),
    "reshape_flat": (lambda x: x.reshape(-1), None, ELEMENTWISE_SHAPES),
    "reshape_args": (lambda x: x.reshape(2, -1), None, AXIS_SHAPES),
    "reshape_tuple": (lambda x: x.reshape((-1, 2)), None, AXIS_SHAPES),
    "reshape_then_T": (lambda x: x.reshape(-1, 1).T, None, AXIS_SHAPES),
    "getitem_int": (lambda x: x[1], None, AXIS_SHAPES),
    "getitem_neg_int": (lambda x: x[-1], None, AXIS_SHAPES),
    "getitem_slice": (lambda x: x[1:], None, AXIS_SHAPES),
    "getitem_step": (lambda x: x[:, ::2], None, AXIS_SHAPES),
    "getitem_reverse": (lambda x: x[::-1], None, AXIS_SHAPES),
    "getitem_ellipsis_newaxis": (lambda x: x[..., None], None, AXIS_SHAPES),
    "getitem_int_slice": (lambda x: x[0, 1:3], None, AXIS_SHAPES),
    "getitem_list": (lambda x: x[[1, 0]], None, AXIS_SHAPES),
    "getitem_repeated": (lambda x: x[[0, 0, 1, 0]], None, AXIS_SHAPES),
    "getitem_array_repeated": (lambda x: x[np.array([1, 1, 1])], None, AXIS_SHAPES),
    "getitem_columns_repeated": (lambda x: x[:, [2, 0, 2]], None, AXIS_SHAPES),
    "getitem_pairs": (lambda x: x[[0, 1, 0], [1, 1, 1]], None, AXIS_SHAPES),
    "getitem_mask": (lambda x: x[np.arange(x.size).reshape(x.shape) % 3 == 0], None,
                     AXIS_SHAPES),
    "getitem_then_sum": (lambda x: x[[0, 0]].sum(axis=0), None, AXIS_SHAPES),
}

UNARY_CASES = [pytest.param(name, shape, id=f"{name}-{shape}",
                            )
               for name, (_, _, shapes) in UNARY.items() for shape in shapes]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize(("name", "shape"), UNARY_CASES)
def test_unary_op_on_an_argument(name, shape, dtype):
    """The op on an argument that requires grad: new values each call."""
    op, kind, _ = UNARY[name]
    calls = inputs([shape], 4, seed=7, dtype=dtype, makers=[_maker(kind)])
    check_against_eager(lambda: (op, []), calls)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize(("name", "shape"), UNARY_CASES)
def test_unary_op_on_a_parameter_updated_in_place(name, shape, dtype):
    """The op on a leaf made outside fn (a parameter), updated by SGD between calls."""
    op, kind, _ = UNARY[name]
    values = _maker(kind)(shape, 3, dtype)

    def build():
        P = Tensor(values, requires_grad=True, name="P")
        return (lambda: op(P)), [P]

    check_against_eager(build, [[]] * 4, lr=0.01)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("kind", ["t", "a"], ids=["constant_tensor", "ndarray"])
@pytest.mark.parametrize("name", ["exp", "tanh", "sum_0", "softmax_0", "getitem_repeated",
                                  "max_ties", "reshape_args"])
def test_unary_op_on_an_argument_without_grad_into_a_parameter(name, kind, dtype):
    """An argument that does not require grad (a constant Tensor, or an ndarray), combined
    with a parameter: the parameter's gradient depends on the argument's new values."""
    op, maker, _ = UNARY[name]
    w = rand((3, 4), 5, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        return (lambda x: op(x * W)), [W]

    check_against_eager(build, inputs([(3, 4)], 4, 11, dtype, [_maker(maker)]), kinds=[kind])


# ---------------------------------------------------------------- binary ops

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b,
}


def _divisor_safe(k, shape, dtype):
    return rand(shape, k, dtype, low=0.5) * np.where(rand(shape, k + 1) > 0, 1, -1).astype(dtype)


@settings(max_examples=40, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
       name=st.sampled_from(sorted(BINARY)), dtype=st.sampled_from(DTYPES),
       seed=st.integers(0, 2**16))
def test_broadcasting_binary_ops_on_two_arguments(shapes, name, dtype, seed):
    sa, sb = shapes.input_shapes
    calls = [[rand(sa, seed + 2 * k, dtype), _divisor_safe(seed + 2 * k + 1, sb, dtype)]
             for k in range(3)]
    check_against_eager(lambda: (BINARY[name], []), calls)


@settings(max_examples=40, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
       name=st.sampled_from(sorted(BINARY)), dtype=st.sampled_from(DTYPES),
       parameter_first=st.booleans(), seed=st.integers(0, 2**16))
def test_broadcasting_binary_ops_between_an_argument_and_a_parameter(
        shapes, name, dtype, parameter_first, seed):
    sa, sb = shapes.input_shapes
    p_shape, x_shape = (sa, sb) if parameter_first else (sb, sa)
    p_values = _divisor_safe(seed, p_shape, dtype)

    def build():
        P = Tensor(p_values, requires_grad=True, name="P")
        op = BINARY[name]
        if parameter_first:
            return (lambda x: op(P, x.tanh() + 2.0)), [P]
        return (lambda x: op(x, P)), [P]

    calls = [[rand(x_shape, seed + k, dtype)] for k in range(3)]
    check_against_eager(build, calls, kinds=["a"], lr=0.01)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_with_an_array_constant_fn_closes_over(name, dtype):
    """ndarray ⊕ Tensor (the reflected operators) and Tensor ⊕ ndarray, the array a
    constant of the recording."""
    c = _divisor_safe(1, (3, 1), dtype)
    op = BINARY[name]
    calls = inputs([(3, 4)], 4, 2, dtype, [_maker("pos")])
    check_against_eager(lambda: ((lambda x: op(c, x) + op(x, c)), []), calls)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_promotes_float32_with_float64(name):
    """float32 ⊕ float64 is float64; the float32 operand's gradient is cast back."""
    calls = [[rand((3, 4), k, np.float32), _divisor_safe(k + 50, (4,), np.float64)]
             for k in range(4)]
    check_against_eager(lambda: (BINARY[name], []), calls)


MATMUL_SHAPES = [((3, 4), (4, 5)), ((1, 4), (4, 1)), ((4, 1), (1, 6)), ((2, 2), (2, 2))]
MATMULS = {
    "parameter_at_argument": lambda W, a, b: W @ b,
    "arguments": lambda W, a, b: a @ b,
    "transposes": lambda W, a, b: b.T @ W.T,
    "chained": lambda W, a, b: (W @ b).tanh().T @ a,
}


def _matmul_case(fn, sa, sb, dtype):
    w = rand(sa, 9, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        return (lambda a, b: fn(W, a, b)), [W]

    calls = [[rand(sa, 2 * k, dtype), rand(sb, 2 * k + 1, dtype)] for k in range(4)]
    check_against_eager(build, calls)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
@pytest.mark.parametrize("name", sorted(MATMULS))
def test_matmul(name, sa, sb, dtype):
    _matmul_case(MATMULS[name], sa, sb, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_two_results_of_the_same_shape(dtype):
    w = rand((3, 4), 9, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        return (lambda x, y: (W * x, W * y)), [W]

    check_against_eager(build, inputs([(3, 4), (3, 4)], 4, 3, dtype), kinds=["t", "t"])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
def test_two_matmul_results(sa, sb, dtype):
    _matmul_case(lambda W, a, b: (W @ b, a @ b), sa, sb, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_rmatmul_of_an_ndarray_constant(dtype):
    M = rand((2, 3), 4, dtype)
    calls = inputs([(3, 5)], 4, 6, dtype)
    check_against_eager(lambda: ((lambda x: M @ x), []), calls)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_matmul_with_an_ndarray_argument(dtype):
    w = rand((2, 3), 4, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        return (lambda x: (W @ x).tanh()), [W]

    check_against_eager(build, inputs([(3, 5)], 4, 6, dtype), kinds=["a"])


# ---------------------------------------------------------------- functional


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("b_shape", [(3, 1), (3, 5), (5,), (1, 5), ()])
@pytest.mark.parametrize("kinds", [["g", "g", "g"], ["g", "g", "a"], ["t", "g", "t"]],
                         ids=["all_grad", "data_argument", "weight_only"])
def test_addmm(b_shape, kinds, dtype):
    calls = [[rand(b_shape, 3 * k, dtype), rand((3, 4), 3 * k + 1, dtype),
              rand((4, 5), 3 * k + 2, dtype)] for k in range(4)]
    check_against_eager(lambda: (functional.addmm, []), calls, kinds=kinds)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_addmm_of_parameters_as_a_layer(dtype):
    w, b = rand((3, 4), 1, dtype), rand((3, 1), 2, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        B = Tensor(b, requires_grad=True, name="b")
        return (lambda x: functional.addmm(B, W, x).tanh().sum()), [W, B]

    check_against_eager(build, inputs([(4, 6)], 5, 3, dtype), kinds=["a"])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("kinds", [["g", "t"], ["g", "g"], ["g", "a"]],
                         ids=["target_constant", "target_grad", "target_ndarray"])
def test_binary_cross_entropy_of_probabilities(kinds, dtype):
    calls = inputs([(2, 6), (2, 6)], 4, 8, dtype, [_maker("unit"), _maker("labels")])
    check_against_eager(lambda: (functional.binary_cross_entropy, []), calls, kinds=kinds)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_binary_cross_entropy_of_probabilities_exactly_0_and_1(dtype):
    def probabilities(shape, k, d):
        p = np.random.default_rng(k).uniform(0.05, 0.95, shape)
        p[0, :2] = [0.0, 1.0]
        return p.astype(d)

    calls = inputs([(2, 6), (2, 6)], 4, 8, dtype, [probabilities, _maker("labels")])
    check_against_eager(lambda: (functional.binary_cross_entropy, []), calls, kinds=["g", "t"])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("kinds", [["g", "t"], ["g", "g"], ["g", "a"]],
                         ids=["target_constant", "target_grad", "target_ndarray"])
@pytest.mark.parametrize("scale", [1.0, 40.0], ids=["moderate", "saturated"])
def test_binary_cross_entropy_of_a_sigmoid(kinds, scale, dtype):
    """BCE(σ(z), t) computed from z (the shortcut), also where σ saturates to 0 or 1."""
    calls = [[rand((2, 6), k, dtype) * dtype(scale), _maker("labels")((2, 6), k + 9, dtype)]
             for k in range(4)]
    check_against_eager(lambda: ((lambda z, t: functional.binary_cross_entropy(
        z.sigmoid(), t)), []), calls, kinds=kinds)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_binary_cross_entropy_of_a_sigmoid_whose_output_is_also_returned(dtype):
    """The sigmoid's output feeds BCE's shortcut and is used again: its gradient from both."""
    def fn(z, t):
        p = z.sigmoid()
        return functional.binary_cross_entropy(p, t) + (p * p).sum()

    calls = inputs([(2, 6), (2, 6)], 4, 8, dtype, [_maker(None), _maker("labels")])
    check_against_eager(lambda: (fn, []), calls, kinds=["g", "t"])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("kinds", [["g", "t"], ["g", "g"], ["g", "a"]],
                         ids=["target_constant", "target_grad", "target_ndarray"])
@pytest.mark.parametrize("scale", [1.0, 40.0], ids=["moderate", "large"])
def test_binary_cross_entropy_with_logits(kinds, scale, dtype):
    calls = [[rand((3, 5), k, dtype) * dtype(scale), _maker("unit")((3, 5), k + 9, dtype)]
             for k in range(4)]
    check_against_eager(lambda: (functional.binary_cross_entropy_with_logits, []), calls,
                        kinds=kinds)


# ---------------------------------------------------------------- graphs


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("accumulate", [False, True], ids=["zeroed", "accumulated"])
def test_diamond_a_tensor_used_several_times(dtype, accumulate):
    """h feeds four paths that meet again: its gradient is a sum whose order matters in the
    last bit; the replay must add in the engine's order."""
    def fn(x):
        h = x.tanh()
        a, b, c = h * h, h.exp(), (h * 3.0).sigmoid()
        d = (a + b) * c - h
        return (d * h).sum(axis=0) + h.sum(axis=0) * 0.1

    check_against_eager(lambda: (fn, []), inputs([(4, 5)], 4, 21, dtype))
    p = rand((4, 5), 3, dtype)

    def build():
        P = Tensor(p, requires_grad=True, name="P")
        return (lambda x: fn(x * P)), [P]

    # the parameter's gradient accumulating over the calls, or zeroed and updated
    check_against_eager(build, inputs([(4, 5)], 4, 22, dtype), kinds=["a"],
                        lr=None if accumulate else 0.01, zero=not accumulate)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("accumulate", [False, True], ids=["zeroed", "accumulated"])
def test_a_leaf_used_in_several_places(dtype, accumulate):
    w, v = rand((3, 3), 1, dtype), rand((3, 1), 2, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        b = Tensor(v, requires_grad=True, name="b")

        def fn(x):
            h = (W @ x + b).tanh()
            h = (W @ h + b).sigmoid() * W.sum() + W.T @ h
            return (h * b).mean() + (W * W).sum() + b.max()

        return fn, [W, b]

    check_against_eager(build, inputs([(3, 6)], 5, 22, dtype), kinds=["g"],
                        lr=None if accumulate else 0.01, zero=not accumulate)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_the_same_argument_passed_twice(dtype):
    def fn(x, y):
        return x * y + x.exp() - y

    check_against_eager(lambda: (fn, []), inputs([(3, 4), (3, 4)], 4, 23, dtype))
    compiled = compile(fn)  # and literally the same Tensor in both places
    for k in range(4):
        x_e = Tensor(rand((3, 4), k, dtype), requires_grad=True)
        x_c = Tensor(rand((3, 4), k, dtype), requires_grad=True)
        out_e, out_c = fn(x_e, x_e), compiled(x_c, x_c)
        assert_same(out_c.data, out_e.data, f"call {k}")
        g = rand((3, 4), 100 + k, dtype)
        out_e.backward(g)
        out_c.backward(g)
        assert_same(x_c.grad, x_e.grad, f"call {k}: grad")
    assert len(compiled.plans) == 1


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_a_chain_of_120_ops(dtype):
    w = rand((4, 1), 3, dtype)

    def build():
        P = Tensor(w, requires_grad=True, name="P")

        def fn(x):
            for i in range(30):
                x = (x * P).tanh() + x * 0.5 if i % 2 else (x - P).sigmoid() * 1.5 + x
            return x.sum()

        return fn, [P]

    compiled = check_against_eager(build, inputs([(4, 6)], 4, 24, dtype), lr=0.01)
    assert compiled.source(Tensor(rand((4, 6), 0, dtype), requires_grad=True)).count("\n") > 100


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_several_results_each_backward(dtype):
    """A tuple of results: each one's backward accumulates into the same leaves."""
    w = rand((3, 4), 1, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")

        def fn(x):
            h = W * x
            return h.tanh().sum(), (h * h).mean(axis=0), h.exp()

        return fn, [W]

    check_against_eager(build, inputs([(3, 4)], 4, 25, dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_a_list_of_results(dtype):
    w = rand((3, 4), 1, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        return (lambda x, c: [W * x, (W * c).exp(), (W + c).sum()]), [W]

    compiled = check_against_eager(build, inputs([(3, 4), (3, 4)], 4, 26, dtype),
                                   kinds=["t", "t"])
    out = compiled(Tensor(rand((3, 4), 0, dtype)), Tensor(rand((3, 4), 1, dtype)))
    assert isinstance(out, list) and len(out) == 3


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_results_with_and_without_grad(dtype):
    w = rand((3, 4), 1, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")
        return (lambda x, c: [W * x, c * 2.0, (W + c).sum()]), [W]

    compiled = check_against_eager(build, inputs([(3, 4), (3, 4)], 4, 26, dtype),
                                   kinds=["t", "t"])
    out = compiled(Tensor(rand((3, 4), 0, dtype)), Tensor(rand((3, 4), 1, dtype)))
    assert [t.requires_grad for t in out] == [True, False, True]


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(st.integers(0, 11), min_size=1, max_size=12),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_random_compositions(steps, dtype, seed):
    """Random chains of ops, with values kept moderate, each step also reading the input."""
    table = [
        lambda h, x: h.tanh() * x, lambda h, x: (h * x).sigmoid() + h,
        lambda h, x: h - x.exp() * 0.1, lambda h, x: (h * h + 1.0).log() / (x * x + 1.0),
        lambda h, x: h.softmax(axis=0) + x, lambda h, x: h.log_softmax(axis=-1) * 0.3,
        lambda h, x: h + h.sum(axis=0, keepdims=True) * 0.1, lambda h, x: h.relu() - x,
        lambda h, x: (h * 0.5).softplus() * h, lambda h, x: h.clip(-1.0, 1.0) + x * h,
        lambda h, x: h + h.max(axis=1, keepdims=True), lambda h, x: (h.T @ x) * 0.2 + h[0],
    ]

    def fn(x):
        h = x
        for k in steps:
            h = table[k](h, x)
        return h

    check_against_eager(lambda: (fn, []), [[rand((3, 3), seed + k, dtype)] for k in range(3)])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("name", ["no_grad_part", "detach", "tensor_of_tensor"])
def test_parts_of_fn_outside_the_graph(name, dtype):
    """A target computed under no_grad, a detached value, a Tensor sharing an op's memory:
    recorded as values (replayed), but not differentiated, as in eager."""
    from autograd_core import no_grad

    w = rand((3, 4), 1, dtype)

    def build():
        W = Tensor(w, requires_grad=True, name="W")

        def fn(x):
            h = (W * x).tanh()
            if name == "no_grad_part":
                with no_grad():
                    c = (W * x).sigmoid() * 2.0
            elif name == "detach":
                c = h.detach() * 3.0
            else:
                c = Tensor(h) + 1.0
            return ((h - c) ** 2).sum() + (c * W).sum()

        return fn, [W]

    check_against_eager(build, inputs([(3, 4)], 4, 31, dtype), kinds=["a"])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("returns_argument", [
    False, True], ids=["intermediates", "and_argument"])
def test_fn_returning_an_intermediate_it_also_keeps(returns_argument, dtype):
    lists = []  # one per build: the eager fn's, then the compiled fn's

    def build():
        kept = []
        lists.append(kept)

        def fn(x):
            h = x.exp()
            kept[:] = [h]
            return (h, x, h * x) if returns_argument else (h, h * x)

        return fn, []

    compiled = check_against_eager(build, inputs([(3, 4)], 4, 32, dtype))
    x = rand((3, 4), 5, dtype)
    h = compiled(Tensor(x, requires_grad=True))[0]
    assert_same(lists[1][0].data, h.data)
    assert_same(h.data, np.exp(x))


MATRIX_STEPS = [
    lambda h, P, x: (P @ h).tanh(), lambda h, P, x: functional.addmm(P[:, :1], P, h),
    lambda h, P, x: h * x + P.T @ (P @ h), lambda h, P, x: (h - P @ x).sigmoid(),
    lambda h, P, x: h.softmax(axis=0) * P.sum(), lambda h, P, x: P.T.T @ h.relu() + h,
    lambda h, P, x: h + P[[0, 0, 2]] @ x[[1, 2, 1]], lambda h, P, x: (h * h + 1.0).sqrt(),
]


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(st.integers(0, len(MATRIX_STEPS) - 1), min_size=1, max_size=8),
       dtype=st.sampled_from(DTYPES), argument_grad=st.booleans(),
       seed=st.integers(0, 2**16))
def test_random_programs_with_a_parameter(steps, dtype, argument_grad, seed):
    """Random programs of matrix products, addmm, indexing and elementwise ops reading a
    parameter, over replays with SGD updates between them."""
    p = rand((3, 3), seed, dtype) * dtype(0.5)

    def build():
        P = Tensor(p, requires_grad=True, name="P")

        def fn(x):
            h = x
            for k in steps:
                h = MATRIX_STEPS[k](h, P, x)
            return (h * P[:, :1]).mean()  # reads P, whatever the steps

        return fn, [P]

    calls = [[rand((3, 4), seed + k + 1, dtype)] for k in range(3)]
    check_against_eager(build, calls, kinds=["g" if argument_grad else "a"], lr=0.01)
