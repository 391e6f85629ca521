"""compile()'s behaviour besides the values: when it records again, how its results'
backward behaves (accumulation, retain_graph, stale results, in-place writes), how results
compose with eager ops, what is refused while recording, and what it keeps outside."""

import functools
import inspect

import numpy as np
import pytest

from autograd_core import Tensor, compile, detect_anomaly, grad, no_grad

from .helpers import Counted, assert_same, rand


def _param(shape=(3, 4), seed=1, dtype=np.float64, name="W"):
    return Tensor(rand(shape, seed, dtype), requires_grad=True, name=name)


def _twins(shape=(3, 4), dtype=np.float64):
    return _param(shape, dtype=dtype), _param(shape, dtype=dtype)


# ---------------------------------------------------------------- when it records


def test_same_shapes_replay_new_shapes_and_dtypes_record_again():
    fn = Counted(lambda x: (x * 2.0).tanh())
    compiled = compile(fn)

    def call(shape, seed, dtype=np.float64, kind="tensor"):
        x = rand(shape, seed, dtype)
        return compiled(Tensor(x, requires_grad=True) if kind == "tensor" else x)

    for k in range(3):
        call((3, 4), k)
    assert (fn.calls, len(compiled.plans)) == (1, 1)
    call((4, 3), 0)
    assert (fn.calls, len(compiled.plans)) == (2, 2)
    assert call((3, 4), 0, np.float32).dtype == np.float32
    assert (fn.calls, len(compiled.plans)) == (3, 3)
    call((3, 4), 5)  # the first shape again: replayed
    call((4, 3), 5)
    assert fn.calls == len(compiled.plans) == 3


def test_an_ndarray_argument_and_a_tensor_argument_are_different_keys():
    fn = Counted(lambda x: (x * 2.0).tanh())
    compiled = compile(fn)
    compiled(Tensor(rand((3, 4), 0)))
    compiled(rand((3, 4), 1))  # an ndarray of that shape is a new kind of argument
    assert fn.calls == len(compiled.plans) == 2
    out = compiled(rand((3, 4), 2))
    assert fn.calls == 2
    assert_same(out.data, np.tanh(rand((3, 4), 2) * 2.0))


def test_requires_grad_of_an_argument_is_part_of_the_key():
    fn = Counted(lambda x: x.exp())
    compiled = compile(fn)
    assert not compiled(Tensor(rand(3, 0))).requires_grad
    x = Tensor(rand(3, 1), requires_grad=True)
    out = compiled(x)
    assert out.requires_grad and len(compiled.plans) == 2
    out.backward(np.ones(3))
    assert_same(x.grad, np.exp(rand(3, 1)))


def test_a_constant_argument_is_part_of_the_key():
    fn = Counted(lambda x, scale, *, power: (x * scale) ** power)
    compiled = compile(fn)
    for scale, power in [(2.0, 2), (3.0, 2), (2.0, 3), (2.0, 2), (3.0, 2)]:
        x_c, x_e = Tensor(rand(4, 0), requires_grad=True), Tensor(rand(4, 0),
                                                                  requires_grad=True)
        out_c, out_e = compiled(x_c, scale, power=power), fn.inner(x_e, scale, power=power)
        assert_same(out_c.data, out_e.data, f"scale {scale}, power {power}")
        out_c.backward(np.ones(4))
        out_e.backward(np.ones(4))
        assert_same(x_c.grad, x_e.grad, f"scale {scale}, power {power}: grad")
    assert fn.calls == len(compiled.plans) == 3


def test_keyword_tensor_arguments():
    W_e, W_c = _twins()
    fn = Counted(lambda x, *, y, W: (W * x - y).sum())
    compiled = compile(lambda x, *, y: fn(x, y=y, W=W_c))
    for k in range(3):
        x, y = rand((3, 4), k), rand((3, 4), k + 10)
        out_c, out_e = compiled(Tensor(x), y=Tensor(y)), fn.inner(Tensor(x), y=Tensor(y), W=W_e)
        assert_same(out_c.data, out_e.data, f"call {k}")
        out_c.backward()
        out_e.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}: grad")
    assert fn.calls == 1


def test_a_parameter_replaced_by_one_of_another_shape_records_again():
    W = _param((2, 3))
    fn = Counted(lambda x: W @ x)
    compiled = compile(fn)
    compiled(Tensor(rand((3, 1), 0)))
    W.data = rand((4, 3), 2)
    out = compiled(Tensor(rand((3, 1), 0)))
    assert fn.calls == 2
    assert_same(out.data, rand((4, 3), 2) @ rand((3, 1), 0))


def test_calls_under_no_grad_give_results_without_grad_and_grad_mode_is_part_of_the_key():
    W = _param()
    fn = Counted(lambda x: (W * x).tanh())
    compiled = compile(fn)
    x = rand((3, 4), 0)
    with_grad = compiled(x)
    with no_grad():
        without = compiled(x)
        again = compiled(x)
    assert with_grad.requires_grad and not without.requires_grad and not again.requires_grad
    assert_same(without.data, with_grad.data)
    assert fn.calls == 2
    compiled(x).backward(np.ones((3, 4)))  # the recording with grad still works after
    assert W.grad is not None


def test_float32_stays_float32():
    W = _param(dtype=np.float32)
    compiled = compile(lambda x: ((W * x).sigmoid() + 1).log().mean())
    for k in range(3):
        out = compiled(rand((3, 4), k, np.float32))
        assert out.dtype == np.float32
        out.backward()
        assert W.grad.dtype == np.float32
        W.grad = None


def test_signature_and_name_are_fns():
    def step(X, Y, lr=0.1):
        """The docstring."""
        return X * lr

    compiled = compile(step)
    assert inspect.signature(compiled) == inspect.signature(step)
    assert compiled.__name__ == "step" and compiled.__doc__ == "The docstring."


def test_compile_refuses_what_is_not_callable():
    with pytest.raises(TypeError, match="compile"):
        compile(3)


def test_a_callable_object_with_an_attribute_named_fn():
    class Step:
        def __init__(self):
            self.fn = None  # e.g. a loss function attribute

        def __call__(self, x):
            return x * 2.0

    out = compile(Step())(Tensor(rand(3, 0)))
    assert_same(out.data, rand(3, 0) * 2.0)


def test_one_tensor_as_two_arguments_then_two_tensors():
    fn = lambda x, y: x * 2.0 + y  # noqa: E731
    compiled = compile(fn)
    x = Tensor(rand(3, 0), requires_grad=True)
    compiled(x, x)
    a, b = Tensor(rand(3, 1), requires_grad=True), Tensor(rand(3, 2), requires_grad=True)
    a_e, b_e = Tensor(rand(3, 1), requires_grad=True), Tensor(rand(3, 2), requires_grad=True)
    out, out_e = compiled(a, b), fn(a_e, b_e)
    assert_same(out.data, out_e.data)
    out.backward(np.ones(3))
    out_e.backward(np.ones(3))
    assert_same(a.grad, a_e.grad)
    assert_same(b.grad, b_e.grad)


def test_two_tensors_then_one_tensor_as_two_arguments():
    fn = lambda x, y: x * 2.0 + y * y  # noqa: E731
    compiled = compile(fn)
    compiled(Tensor(rand(3, 1), requires_grad=True), Tensor(rand(3, 2), requires_grad=True))
    x, x_e = Tensor(rand(3, 0), requires_grad=True), Tensor(rand(3, 0), requires_grad=True)
    out, out_e = compiled(x, x), fn(x_e, x_e)
    assert_same(out.data, out_e.data)
    out.backward(np.ones(3))
    out_e.backward(np.ones(3))
    assert_same(x.grad, x_e.grad)


# ---------------------------------------------------------------- backward of results


def _loss_pair():
    W_e, W_c = _twins()

    def loss(W, x):
        return ((W * x).tanh() * x).sum()

    compiled = compile(lambda x: loss(W_c, x))
    return W_e, W_c, lambda x: loss(W_e, x), compiled


def test_gradients_accumulate_into_existing_grad_across_calls():
    W_e, W_c, eager, compiled = _loss_pair()
    for k in range(3):
        x = rand((3, 4), k)
        eager(Tensor(x)).backward()
        compiled(Tensor(x)).backward()
        assert_same(W_c.grad, W_e.grad, f"after {k + 1} backward passes without zeroing")


def test_retain_graph_allows_a_second_backward_and_without_it_a_second_raises():
    W_e, W_c, eager, compiled = _loss_pair()
    for k in range(3):
        x = rand((3, 4), k)
        out_e, out_c = eager(Tensor(x)), compiled(Tensor(x))
        out_e.backward(retain_graph=True)
        out_c.backward(retain_graph=True)
        out_e.backward()
        out_c.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}")
        with pytest.raises(RuntimeError, match="retain_graph"):
            out_c.backward()
        W_e.grad = W_c.grad = None


def test_backward_of_an_earlier_call_after_a_later_call_raises():
    W_e, W_c, eager, compiled = _loss_pair()
    first = compiled(Tensor(rand((3, 4), 0)))  # recorded, then replayed as every call is
    second = compiled(Tensor(rand((3, 4), 1)))  # a replay
    with pytest.raises(RuntimeError, match="later call"):
        first.backward()
    assert W_c.grad is None  # nothing delivered
    compiled(Tensor(rand((3, 4), 2))).backward()
    eager(Tensor(rand((3, 4), 2))).backward()
    assert_same(W_c.grad, W_e.grad)
    with pytest.raises(RuntimeError, match="later call"):
        second.backward()
    assert_same(W_c.grad, W_e.grad)  # nothing delivered


def test_an_in_place_write_to_a_parameter_between_forward_and_backward_raises():
    W_e, W_c, eager, compiled = _loss_pair()
    compiled(Tensor(rand((3, 4), 0))).backward()  # recorded; now a replay
    out_e, out_c = eager(Tensor(rand((3, 4), 1))), compiled(Tensor(rand((3, 4), 1)))
    with no_grad():
        W_e -= 0.1
        W_c -= 0.1
    with pytest.raises(RuntimeError, match="modified in place"):
        out_e.backward()
    with pytest.raises(RuntimeError, match="modified in place"):
        out_c.backward()


def test_an_in_place_write_to_an_argument_between_forward_and_backward_raises():
    W = _param()
    compiled = compile(lambda x: (W * x).sum())
    compiled(Tensor(rand((3, 4), 0))).backward()
    x = Tensor(rand((3, 4), 1))
    out = compiled(x)
    with no_grad():
        x += 1.0
    with pytest.raises(RuntimeError, match="modified in place"):
        out.backward()


def test_an_ndarray_argument_is_copied_as_the_engine_copies_it():
    W_e, W_c = _twins()
    compiled = compile(lambda x: (W_c * x).sum())
    compiled(rand((3, 4), 0)).backward()
    W_c.grad = None
    X = rand((3, 4), 1)
    out_c, out_e = compiled(X), (W_e * Tensor(X)).sum()
    X += 100.0  # the caller's array changes; the result's saved copy does not
    out_c.backward()
    out_e.backward()
    assert_same(W_c.grad, W_e.grad)


@pytest.mark.parametrize("scalar", [
    False,
    True,
], ids=["array_result", "scalar_result"])
def test_results_compose_with_eager_ops(scalar):
    W_e, W_c = _twins()
    V_e, V_c = _param((1,), 3), _param((1,), 3)

    def fn(W, x):
        h = (W * x).tanh() * x
        return h.sum() if scalar else h

    compiled = compile(lambda x: fn(W_c, x))
    for k in range(3):
        x = rand((3, 4), k)
        out_e, out_c = fn(W_e, Tensor(x)), compiled(Tensor(x))
        (out_e * 2 + V_e * out_e).sum().backward()
        (out_c * 2 + V_c * out_c).sum().backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}: W")
        assert_same(V_c.grad, V_e.grad, f"call {k}: V")


def test_a_result_feeding_eager_ops_that_also_read_the_parameter():
    W_e, W_c = _twins()
    compiled = compile(lambda x: (W_c @ x).tanh())
    for k in range(3):
        x = rand((4, 2), k)
        out_e = ((W_e @ Tensor(x)).tanh() * W_e.sum()).sum()
        out_c = (compiled(x) * W_c.sum()).sum()
        assert_same(out_c.data, out_e.data, f"call {k}")
        out_e.backward()
        out_c.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}: grad")


def test_grad_of_a_compiled_result():
    W_e, W_c, eager, compiled = _loss_pair()
    for k in range(3):
        x_e, x_c = Tensor(rand((3, 4), k), requires_grad=True), Tensor(rand((3, 4), k),
                                                                       requires_grad=True)
        expected = grad(eager(x_e), [W_e, x_e])
        actual = grad(compiled(x_c), [W_c, x_c])
        assert_same(actual[0], expected[0], f"call {k}: dW")
        assert_same(actual[1], expected[1], f"call {k}: dx")
        assert W_c.grad is None and x_c.grad is None


def test_create_graph_through_a_compiled_result_is_refused():
    W = _param()
    compiled = compile(lambda x: (W * x).tanh().sum())
    compiled(rand((3, 4), 0))
    with pytest.raises(RuntimeError, match="compile"):
        grad(compiled(rand((3, 4), 1)), [W], create_graph=True)


def test_a_hook_on_a_parameter_sees_the_eager_gradient():
    W_e, W_c, eager, compiled = _loss_pair()
    seen_e, seen_c = [], []
    W_e.register_hook(lambda g: seen_e.append(np.array(g)))
    W_c.register_hook(lambda g: seen_c.append(np.array(g)))
    for k in range(3):
        eager(Tensor(rand((3, 4), k))).backward()
        compiled(Tensor(rand((3, 4), k))).backward()
    assert len(seen_c) == len(seen_e) == 3
    for a, b in zip(seen_c, seen_e):
        assert_same(a, b)


def test_a_result_that_does_not_require_grad():
    compiled = compile(lambda x: x * 2.0)
    for k in range(3):
        out = compiled(Tensor(rand(3, k)))
        assert not out.requires_grad
        assert_same(out.data, rand(3, k) * 2.0)


def test_results_are_fresh_arrays_each_call():
    compiled = compile(lambda x: x.exp() * 2.0)
    first = compiled(Tensor(rand(3, 0), requires_grad=True))
    kept = np.array(first.data)
    second = compiled(Tensor(rand(3, 1), requires_grad=True))
    assert_same(first.data, kept)  # not overwritten by the later call
    assert not np.shares_memory(first.data, second.data)


# ---------------------------------------------------------------- tensors kept outside fn


def test_a_tensor_kept_outside_fn_carries_the_current_values():
    kept_e, kept_c = [], []
    W_e, W_c = _twins()

    def fn(W, x, kept):
        h = (W * x).tanh()
        h.retain_grad()
        kept[:] = [h]
        return (h * h).sum()

    compiled = compile(lambda x: fn(W_c, x, kept_c))
    for k in range(3):
        x = rand((3, 4), k)
        out_e, out_c = fn(W_e, Tensor(x), kept_e), compiled(Tensor(x))
        assert_same(kept_c[0].data, kept_e[0].data, f"call {k}: h")
        out_e.backward()
        out_c.backward()
        assert_same(kept_c[0].grad, kept_e[0].grad, f"call {k}: dh")
        assert_same(W_c.grad, W_e.grad, f"call {k}: dW")
        with no_grad():
            W_e -= 0.1 * W_e.grad
            W_c -= 0.1 * W_c.grad
        W_e.grad = W_c.grad = None
    assert kept_c[0].grad is not None
    compiled(Tensor(rand((3, 4), 9)))
    assert kept_c[0].grad is None  # a new forward: no gradient yet
    with pytest.raises(RuntimeError, match="compiled function"):
        kept_c[0].sum().backward()


# ---------------------------------------------------------------- refused while recording


@pytest.mark.parametrize("read", [
    lambda t: t.item(), lambda t: t.data, lambda t: np.asarray(t), lambda t: t.numpy(),
    lambda t: float(t.sum().data), lambda t: t.sum().backward(),
    lambda t: grad(t.sum(), [t]),
], ids=["item", "data", "asarray", "numpy", "float_of_data", "backward", "grad"])
def test_reads_of_values_backward_and_grad_inside_fn_are_refused(read):
    def fn(x):
        y = x.tanh()
        read(y)
        return y

    compiled = compile(fn)
    with pytest.raises(RuntimeError, match="compile"):
        compiled(Tensor(rand((1,), 0), requires_grad=True))
    # nothing is left recording: eager reads work, and a correct function compiles
    t = Tensor(rand((1,), 0), requires_grad=True)
    t.tanh().item()
    t.tanh().sum().backward()
    assert compile(lambda x: x.tanh())(t).shape == (1,)


def test_an_in_place_update_inside_fn_is_refused():
    params = [_param()]

    def fn(x):
        with no_grad():
            params[0] -= x
        return params[0] * 2.0

    with pytest.raises(RuntimeError, match="compile"):
        compile(fn)(Tensor(rand((3, 4), 0)))


def test_grad_inside_fn_is_refused():
    def fn(x):
        grad(x.sum(), [x])
        return x * 1.0

    with pytest.raises(RuntimeError, match="compile"):
        compile(fn)(Tensor(rand(3, 0), requires_grad=True))


def test_python_that_reads_a_value_to_branch_is_refused():
    def fn(x):
        s = x.sum()
        return x * 2.0 if s.item() > 0 else x * 3.0

    with pytest.raises(RuntimeError, match="compile"):
        compile(fn)(Tensor(rand(3, 0)))


def test_an_exception_inside_fn_propagates_and_the_function_stays_usable():
    def fn(x, fail):
        if fail:
            raise KeyError("inside fn")
        return x * 2.0

    compiled = compile(fn)
    with pytest.raises(KeyError, match="inside fn"):
        compiled(Tensor(rand(3, 0), requires_grad=True), True)
    assert_same(compiled(Tensor(rand(3, 0), requires_grad=True), False).data, rand(3, 0) * 2.0)


@pytest.mark.parametrize("result", [None, 1.0, np.ones(3), (), [np.ones(2)], "x",
                                    {"loss": 1}], ids=repr)
def test_fn_returning_what_is_not_a_tensor_is_a_type_error(result):
    compiled = compile(lambda x: (x * 2.0, result)[1])
    with pytest.raises(TypeError, match="compile"):
        compiled(Tensor(rand(3, 0), requires_grad=True))


def test_fn_returning_a_tuple_with_a_non_tensor_is_a_type_error():
    compiled = compile(lambda x: (x * 2.0, 3))
    with pytest.raises(TypeError, match="compile"):
        compiled(Tensor(rand(3, 0), requires_grad=True))


@pytest.mark.parametrize("constant", [[1, 2], {"a": 1}, {1}], ids=["list", "dict", "set"])
def test_an_unhashable_constant_argument_is_a_type_error(constant):
    fn = Counted(lambda x, c: x * 2.0)
    with pytest.raises(TypeError, match="compile"):
        compile(fn)(Tensor(rand(3, 0)), constant)
    assert fn.calls == 0


def test_a_compiled_function_called_while_another_records_is_refused():
    inner = compile(lambda x: x * 2.0)
    outer = compile(lambda x: inner(x) + 1.0)
    with pytest.raises(RuntimeError, match="compile"):
        outer(Tensor(rand(3, 0), requires_grad=True))


def test_recording_inside_detect_anomaly_is_refused():
    compiled = compile(lambda x: x * 2.0)
    with detect_anomaly(), pytest.raises(RuntimeError, match="compile"):
        compiled(Tensor(rand(3, 0), requires_grad=True))


# ---------------------------------------------------------------- the program


def test_source_shows_the_forward_and_backward_programs():
    W = _param()
    fn = Counted(lambda x: (W * x).tanh().sum())
    compiled = compile(fn)
    text = compiled.source(rand((3, 4), 0))  # records if needed
    assert "def forward" in text and "def backward" in text
    assert fn.calls == 1
    assert compiled.source(rand((3, 4), 1)) == text  # the same plan, not recorded again
    assert fn.calls == 1
    assert "compile" in repr(compiled)


def test_functools_partial_compiles():
    W_e, W_c = _twins()
    loss = lambda W, x, scale: ((W * x) * scale).sum()  # noqa: E731
    compiled = compile(functools.partial(loss, W_c, scale=0.5))
    for k in range(3):
        x = rand((3, 4), k)
        out_c, out_e = compiled(Tensor(x)), loss(W_e, Tensor(x), 0.5)
        assert_same(out_c.data, out_e.data)
        out_c.backward()
        out_e.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}")


# ---------------------------------------------------------------- leaves changed between calls


def test_a_parameter_given_a_new_array_of_the_same_shape_is_read_at_replay():
    W_e, W_c, eager, compiled = _loss_pair()
    for k in range(3):
        new = rand((3, 4), 50 + k)
        W_e.data, W_c.data = new, new
        x = rand((3, 4), k)
        out_e, out_c = eager(Tensor(x)), compiled(Tensor(x))
        assert_same(out_c.data, out_e.data, f"call {k}")
        out_e.backward()
        out_c.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}: grad")
    assert len(compiled.plans) == 1


def test_a_constant_tensor_made_outside_fn_is_read_at_replay():
    W_e, W_c = _twins()
    C = Tensor(rand((3, 4), 7))
    fn = Counted(lambda W, x: ((W * x + C) * C).sum())
    compiled = compile(lambda x: fn(W_c, x))
    for k in range(4):
        with no_grad():
            C += 0.5  # a leaf that does not require grad may change at any time
        x = rand((3, 4), k)
        out_e, out_c = fn.inner(W_e, Tensor(x)), compiled(Tensor(x))
        assert_same(out_c.data, out_e.data, f"call {k}")
        out_e.backward()
        out_c.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}: grad")
    assert fn.calls == 1


def test_a_parameter_that_stops_requiring_grad_records_again():
    W_e, W_c = _twins()
    V_e, V_c = _param((3, 4), 4, name="V"), _param((3, 4), 4, name="V")
    fn = Counted(lambda W, V, x: (W * x * V).sum())
    compiled = compile(lambda x: fn(W_c, V_c, x))
    compiled(Tensor(rand((3, 4), 0))).backward()
    V_c.grad = W_c.grad = None
    V_e.requires_grad = V_c.requires_grad = False
    out_e, out_c = fn.inner(W_e, V_e, Tensor(rand((3, 4), 1))), compiled(Tensor(rand((3, 4), 1)))
    assert fn.calls == 2
    out_e.backward()
    out_c.backward()
    assert_same(W_c.grad, W_e.grad)
    assert V_c.grad is None


def test_a_parameter_the_backward_does_not_read_may_change_before_backward():
    """The bias's value is not saved (d b = d Z): as in eager, writing it is no error."""
    from autograd_core import functional

    W_e, W_c = _twins((2, 3))
    b_e, b_c = _param((2, 1), 5, name="b"), _param((2, 1), 5, name="b")
    fn = lambda W, b, x: functional.addmm(b, W, x).sum()  # noqa: E731
    compiled = compile(lambda x: fn(W_c, b_c, x))
    for k in range(3):
        x = rand((3, 4), k)
        out_e, out_c = fn(W_e, b_e, Tensor(x)), compiled(x)
        with no_grad():
            b_e -= 0.5
            b_c -= 0.5
        out_e.backward()
        out_c.backward()
        assert_same(W_c.grad, W_e.grad, f"call {k}: dW")
        assert_same(b_c.grad, b_e.grad, f"call {k}: db")


def test_several_results_backward_in_any_order():
    W_e, W_c = _twins()

    def fn(W, x):
        h = (W * x).tanh()
        return h.sum(), (h * x).sum(), h.exp().mean()

    compiled = compile(lambda x: fn(W_c, x))
    for k in range(4):
        x = rand((3, 4), k)
        outs_e, outs_c = fn(W_e, Tensor(x)), compiled(Tensor(x))
        order = [2, 0, 1] if k % 2 else [1, 2, 0]
        for j in order:
            outs_e[j].backward(retain_graph=j != order[-1])
            outs_c[j].backward(retain_graph=j != order[-1])
            assert_same(W_c.grad, W_e.grad, f"call {k}: after result {j}")
        W_e.grad = W_c.grad = None


def test_a_hook_on_an_intermediate_tensor_is_refused():
    W = _param()

    def fn(x):
        h = W * x
        h.register_hook(lambda g: g * 2)
        return h.sum()

    with pytest.raises(RuntimeError, match="compile.*hook"):
        compile(fn)(Tensor(rand((3, 4), 0)))


# ---------------------------------------------------------------- values read as constants


@pytest.mark.parametrize("kind", ["tensor", "ndarray"])
def test_an_index_argument_is_refused_not_frozen_at_its_recorded_values(kind):
    """Indices given as an argument would be a constant of the recording (GetItem keeps its
    index as a parameter): refused while recording, with the way out; a NumPy index that fn
    closes over is a constant and replays as one."""
    compiled = compile(lambda x, i: x[i])
    i = np.array([0, 1])
    with pytest.raises(RuntimeError, match="compile: indexing with a Tensor"):
        compiled(Tensor(np.arange(5.0), requires_grad=True), Tensor(i) if kind == "tensor" else i)
    fixed = compile(lambda x: x[i])
    for k in range(3):
        x_e, x_c = Tensor(np.arange(5.0) + k, requires_grad=True), Tensor(np.arange(5.0) + k,
                                                                           requires_grad=True)
        out_e, out_c = x_e[i], fixed(x_c)
        assert_same(out_c.data, out_e.data, f"call {k}")
        out_e.backward(np.ones(2))
        out_c.backward(np.ones(2))
        assert_same(x_c.grad, x_e.grad, f"call {k}: grad")


def test_an_ndarray_fn_closes_over_is_treated_the_same_whether_or_not_grad_flows():
    arr = np.ones(5)
    W = Tensor(np.zeros(5), requires_grad=True)
    seen = {}
    for requires_grad in (True, False):
        arr[:] = 1.0
        y = Tensor(np.arange(5.0), requires_grad=requires_grad)
        compiled = compile(lambda y: y * arr + W)
        values = []
        for k in range(3):
            arr[:] = k + 1.0
            values.append(float(compiled(y).data[1]))
        seen[requires_grad] = values
    assert seen[True] == seen[False]
