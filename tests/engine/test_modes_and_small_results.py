"""Gradient mode is per thread; small results are right (x ** 0, transpose axes, dtypes);
gradcheck reports the true derivatives; bad arguments get messages that name the op."""

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import GradcheckError, Tensor, enable_grad, gradcheck, is_grad_enabled, no_grad

# ---------------------------------------------------------------- gradient mode per thread


def test_no_grad_in_one_thread_leaves_another_recording():
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with no_grad():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=hold_no_grad)
    other.start()
    inside.wait(5)
    try:
        assert is_grad_enabled()
        w = Tensor(np.ones(2), requires_grad=True)
        y = (w * 2.0).sum()
        assert y.requires_grad
    finally:
        release.set()
        other.join()


def test_interleaved_exits_of_a_shared_decorator_restore_each_threads_mode():
    shared = no_grad()
    order = threading.Barrier(2)
    seen = {}

    @shared
    def step(name, outer):
        order.wait(5)
        seen[name] = is_grad_enabled()
        order.wait(5)

    def run(name, outer):
        if outer:
            with no_grad():
                step(name, outer)
                seen[name + " after"] = is_grad_enabled()
        else:
            step(name, outer)
            seen[name + " after"] = is_grad_enabled()

    threads = [threading.Thread(target=run, args=(n, o)) for n, o in (("a", False), ("b", True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": False, "b": False, "a after": True, "b after": False}
    assert is_grad_enabled()


def test_an_optimizer_step_in_one_thread_does_not_disturb_another_threads_graph():
    model = nn.MLP([2, 3, 1], rng=0)
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    X, Y = np.ones((2, 4)), np.ones((1, 4))
    stop = threading.Event()
    errors = []

    def train():
        try:
            while not stop.is_set():
                optimizer.step()  # a @no_grad() method, over and over
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    for p in model.parameters():
        p.grad = np.zeros(p.shape)
    worker = threading.Thread(target=train)
    worker.start()
    try:
        for _ in range(200):
            w = Tensor(np.ones((1, 2)), requires_grad=True)
            assert (w @ X).requires_grad
    finally:
        stop.set()
        worker.join()
    assert not errors and is_grad_enabled()
    del Y


def test_a_new_thread_starts_recording_even_if_the_starting_one_is_not():
    seen = []
    with no_grad():
        t = threading.Thread(target=lambda: seen.append(is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_enable_grad_nests_inside_no_grad_and_restores_after_an_exception():
    with no_grad():
        with pytest.raises(KeyError), enable_grad():
            assert is_grad_enabled()
            raise KeyError
        assert not is_grad_enabled()
    assert is_grad_enabled()


# ---------------------------------------------------------------- small results


@pytest.mark.parametrize("x0", [0.0, -2.0, 3.0])
def test_x_to_the_zero_has_gradient_zero_everywhere_also_at_zero(x0):
    x = Tensor(np.array([x0]), requires_grad=True)
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0]


@pytest.mark.parametrize("p", [1, 2, 3, 0.5])
def test_other_powers_at_zero_are_their_true_derivative(p):
    x = Tensor(np.array([0.0]), requires_grad=True)
    (x**p).sum().backward()
    assert x.grad[0] == (np.inf if p == 0.5 else float(p == 1))


@pytest.mark.parametrize("axes", [(0, 5), (0, 2), (5, 0), (-3, 0), (0, 0), (0, 1, 0), (0,),
                                  (0.0, 1), (True, False)])
def test_transpose_refuses_axes_that_are_not_a_permutation(axes):
    x = Tensor(np.ones((2, 3)))
    with pytest.raises((ValueError, TypeError), match="transpose"):
        x.transpose(*axes)


@pytest.mark.parametrize("axes", [(1, 0), (-1, 0), (0, -1)])
def test_transpose_takes_negative_axes(axes):
    x = Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.transpose(*axes).data, np.transpose(x.data, axes))


OPERATORS = {
    "+": lambda t, o: t + o, "r+": lambda t, o: o + t,
    "-": lambda t, o: t - o, "r-": lambda t, o: o - t,
    "*": lambda t, o: t * o, "r*": lambda t, o: o * t,
    "/": lambda t, o: t / o, "r/": lambda t, o: o / t,
    "@": lambda t, o: t.reshape(1, -1) @ np.reshape(o, (-1, 1))
    if np.ndim(o) else t * o,
}
OTHERS = {
    "python float": 2.5, "python int": 3, "np.float32": np.float32(2.5),
    "np.float64 scalar": np.float64(2.5), "np.int64": np.int64(3),
    "float32 array": np.array([2.5, 4.0], np.float32), "int array": np.array([2, 4]),
    "bool array": np.array([True, True]),
}


@settings(max_examples=40, deadline=None)
@given(op=st.sampled_from(sorted(OPERATORS)), other=st.sampled_from(sorted(OTHERS)),
       requires_grad=st.booleans())
def test_float32_stays_float32_with_every_operator_and_operand(op, other, requires_grad):
    t = Tensor(np.array([1.5, -2.0], np.float32), requires_grad=requires_grad)
    out = OPERATORS[op](t, OTHERS[other])
    assert out.dtype == np.float32
    if requires_grad:
        out.sum().backward()
        assert t.grad.dtype == np.float32


def test_division_by_zero_follows_numpy_for_scalars_and_arrays_alike():
    x = Tensor(np.array([1.0, -1.0, 0.0]))
    with np.errstate(invalid="ignore"):
        for zero in (0, 0.0, np.float64(0), np.zeros(3)):
            out = (x / zero).data
            np.testing.assert_array_equal(out, [np.inf, -np.inf, np.nan])


def test_a_float32_model_refuses_float64_data_in_its_matrix_product():
    model = nn.MLP([2, 3, 1], dtype=np.float32, rng=0)
    with pytest.raises(TypeError, match=r"addmm: .*float32 .*float64.*astype\(np.float32\)"):
        model(np.ones((2, 4)))
    assert model(np.ones((2, 4), np.float32)).dtype == np.float32
    W = Tensor(np.ones((2, 2), np.float32), requires_grad=True, name="W")
    with pytest.raises(TypeError, match=r"matmul: 'W' \(2, 2\) is float32 but shape \(2, 1\) "
                                        r"is float64"):
        W @ np.ones((2, 1))


# ---------------------------------------------------------------- gradcheck


def test_gradcheck_on_a_scalar_output_reports_the_true_derivative():
    from autograd_core.tensor import _unary
    from tests.engine.test_gradcheck import WrongTanh

    x = Tensor(np.array([[0.5]]), requires_grad=True, name="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: (_unary(WrongTanh, t) * 1.0).sum(), [x])
    numeric = 1 - np.tanh(0.5) ** 2
    assert f"numeric {numeric:.10g}" in str(info.value) and "projected" not in str(info.value)


def test_gradcheck_says_when_it_projects_a_non_scalar_output():
    from autograd_core.tensor import _unary
    from tests.engine.test_gradcheck import WrongTanh

    x = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(GradcheckError, match="projected on a fixed random r"):
        gradcheck(lambda t: _unary(WrongTanh, t), [x])


def test_gradcheck_reports_every_failing_input_not_only_the_first():
    from autograd_core.tensor import _unary
    from tests.engine.test_gradcheck import WrongTanh

    a = Tensor(np.ones((1, 2)), requires_grad=True, name="a")
    b = Tensor(np.ones((1, 2)), requires_grad=True, name="b")
    c = Tensor(np.ones((1, 2)), requires_grad=True, name="c")
    with pytest.raises(GradcheckError, match=r"2 of 3 inputs") as info:
        gradcheck(lambda a, b, c: (_unary(WrongTanh, a) + b + _unary(WrongTanh, c)).sum(),
                  [a, b, c])
    text = str(info.value)
    assert "input 'a'" in text and "input 'c'" in text and "input 'b'" not in text


def test_gradcheck_works_when_fn_reads_the_data():
    x = Tensor(np.array([0.3, -0.2]), requires_grad=True)
    assert gradcheck(lambda t: (t * float(np.sum(t.data) * 0 + 2)).tanh().sum(), [x])


# ---------------------------------------------------------------- messages


def test_mean_of_nothing_names_the_op():
    with pytest.raises(ValueError, match=r"mean: tensor .*\(0,\) has no elements"):
        Tensor(np.zeros(0)).mean()
    with pytest.raises(ValueError, match="mean: .*over axis 0"):
        Tensor(np.zeros((0, 3))).mean(axis=0)


@pytest.mark.parametrize("loss", [nn.mse, nn.binary_cross_entropy, nn.cross_entropy,
                                  nn.binary_cross_entropy_with_logits])
def test_losses_refuse_zero_examples(loss):
    with pytest.raises(ValueError, match=r"m = 0"):
        loss(Tensor(np.zeros((2, 0))), np.zeros((2, 0)))


@pytest.mark.parametrize("axis", [1.0, "0", [0.5], (0, None), True])
@pytest.mark.parametrize("op", ["sum", "mean", "max", "softmax", "log_softmax"])
def test_a_non_integer_axis_is_a_type_error_naming_the_op(op, axis):
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match=rf"{op}: axis must be an int or a tuple of ints"):
        getattr(x, op)(axis=axis)


@pytest.mark.parametrize("value", [np.zeros(2), np.zeros((3, 1)), np.zeros((3,), np.float32),
                                   [0.0, 0.0, 0.0], 0.0])
def test_a_grad_of_the_wrong_shape_or_dtype_is_refused_when_set(value):
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    with pytest.raises(ValueError, match=r"Tensor.grad: tensor 'x' has shape \(3,\), dtype "
                                         r"float64"):
        x.grad = value
    x.grad = np.zeros(3)
    (x * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


@pytest.mark.parametrize("name", [123, 1.5, b"W", ["W"]])
def test_a_name_that_is_not_a_string_is_refused_at_once(name):
    with pytest.raises(TypeError, match="Tensor: name must be a str or None"):
        Tensor(np.ones(2), name=name)
    t = Tensor(np.ones(2))
    with pytest.raises(TypeError, match="name must be a str"):
        t.name = name
