"""No write that NumPy permits can make a gradient silently wrong: it is refused at the
write, counted and refused at backward, or cannot reach the engine's arrays."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor, functional

EXPECTED = [2.0, 4.0, 6.0]  # d/dx Σ x² at x = (1, 2, 3)


def leaf():
    return Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True, name="x")


# Routes to the memory that bypass Tensor.data's counted writes: read-only, so refused.
BYPASSES = {
    "data.flat": lambda x: x.data.flat.__setitem__(0, 5.0),
    "asarray(data)": lambda x: np.asarray(x.data).__setitem__(0, 5.0),
    "data.view(ndarray)": lambda x: x.data.view(np.ndarray).__setitem__(0, 5.0),
    "asarray(x)": lambda x: np.asarray(x).__setitem__(0, 5.0),
    "array(x, copy=False)": lambda x: np.array(x, copy=False).__setitem__(0, 5.0),
    "numpy().view": lambda x: x.numpy().view(np.ndarray).__setitem__(0, 5.0),
    "data.base": lambda x: x.data.base.__setitem__(0, 5.0),
    "data.T.flat": lambda x: x.data.T.flat.__setitem__(0, 5.0),
    "data[::2] asarray": lambda x: np.asarray(x.data[::2]).__setitem__(0, 5.0),
    "writeable flag": lambda x: setattr(np.asarray(x.data).flags, "writeable", True),
    "view writeable flag": lambda x: setattr(x.data[1:].view(np.ndarray).flags, "writeable",
                                             True),
    "frombuffer": lambda x: np.frombuffer(x.data, dtype=x.dtype).__setitem__(0, 5.0),
    "ndarray.__setitem__": lambda x: np.ndarray.__setitem__(x.data, 0, 5.0),
}


@pytest.mark.parametrize("write", BYPASSES.values(), ids=BYPASSES.keys())
@pytest.mark.parametrize("saved_by", ["mul", "tanh-output", "matmul"])
def test_an_uncounted_write_is_refused_at_the_write(write, saved_by):
    x = leaf()
    if saved_by == "mul":
        y = (x * x).sum()
    elif saved_by == "tanh-output":
        y = x.tanh().sum()
        x = y.parents[0]  # write the saved output itself
    else:
        y = (x.reshape(1, 3) @ x.reshape(3, 1)).sum()
    before = np.array(x.data)
    with pytest.raises((ValueError, TypeError), match="read-only|WRITEABLE|not writeable"):
        write(x)
    np.testing.assert_array_equal(x.data, before)
    y.backward()  # still right


# Writes through the counted view: allowed, and refused at backward.
COUNTED = {
    "setitem": lambda x: x.data.__setitem__(0, 5.0),
    "slice": lambda x: x.data[0:2].__setitem__(0, 5.0),
    "T": lambda x: x.data.T.__setitem__(0, 5.0),
    "numpy()": lambda x: x.numpy().__setitem__(0, 5.0),
    "iadd": lambda x: x.data.__iadd__(1.0),
    "fill": lambda x: x.data.fill(5.0),
    "sort": lambda x: x.data[::-1].sort(),
    "partition": lambda x: x.data[::-1].partition(1),
    "put": lambda x: x.data.put(0, 5.0),
    "copyto": lambda x: np.copyto(x.data, 5.0),
    "putmask": lambda x: np.putmask(x.data, x.data > 1, 0.0),
    "ufunc out=": lambda x: np.multiply(x.data, 2, out=x.data),
    "ufunc.at": lambda x: np.add.at(x.data, 0, 1.0),
    "function out=": lambda x: np.cumsum(np.ones(3), out=x.data),
    "clip out=": lambda x: np.clip(x.data, 0, 1, out=x.data),
}


@pytest.mark.parametrize("write", COUNTED.values(), ids=COUNTED.keys())
def test_a_counted_write_goes_through_and_is_refused_at_backward(write):
    x = leaf()
    y = (x * x).sum()
    write(x)
    with pytest.raises(RuntimeError, match=r"mul saved input 0 \(x\).*modified in place"):
        y.backward()


@pytest.mark.parametrize("write", COUNTED.values(), ids=COUNTED.keys())
def test_a_counted_write_after_backward_is_fine_and_the_next_pass_uses_it(write):
    x = leaf()
    (x * x).sum().backward()
    write(x)
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, 2 * np.asarray(x.data))


# The caller's own arrays: copied on the way in, so later changes cannot reach the graph.
CALLER = {
    "Tensor(arr)": lambda arr: (Tensor(arr, requires_grad=True),) * 2,
    "t.data = arr": lambda arr: _rebound(arr),
}


def _rebound(arr):
    t = Tensor(np.zeros(3), requires_grad=True)
    t.data = arr
    return t, t


@pytest.mark.parametrize("make", CALLER.values(), ids=CALLER.keys())
def test_changing_the_callers_array_afterwards_changes_nothing(make):
    arr = np.array([1.0, 2.0, 3.0])
    x, _ = make(arr)
    y = (x * x).sum()
    arr[0] = 5.0
    arr.flags.writeable = False  # the caller's flags are theirs: untouched by the engine
    y.backward()
    np.testing.assert_array_equal(x.grad, EXPECTED)
    assert np.array_equal(x.data, [1.0, 2.0, 3.0])


OPERAND = {
    "w * arr": lambda w, arr: (w * arr).sum(),
    "arr * w": lambda w, arr: (arr * w).sum(),
    "w / arr": lambda w, arr: (w / arr).sum(),
    "w - arr": lambda w, arr: (w - arr).sum(),
    "w @ arr": lambda w, arr: (w.reshape(1, 3) @ arr.reshape(3, 1)).sum(),
    "arr @ w": lambda w, arr: (arr.reshape(1, 3) @ w.reshape(3, 1)).sum(),
    "addmm A": lambda w, arr: functional.addmm(np.zeros((1, 1)), w.reshape(1, 3),
                                               arr.reshape(3, 1)).sum(),
    "bce target": lambda w, arr: nn.binary_cross_entropy(w.reshape(1, 3).sigmoid(),
                                                         arr.reshape(1, 3) / 4),
    "mse target": lambda w, arr: nn.mse(w.reshape(1, 3), arr.reshape(1, 3)),
}


@pytest.mark.parametrize("loss", OPERAND.values(), ids=OPERAND.keys())
def test_changing_an_ndarray_operand_afterwards_changes_nothing(loss):
    arr = np.array([1.0, 2.0, 3.0])
    w = Tensor(np.array([0.5, -0.25, 2.0]), requires_grad=True)
    loss(w, arr.copy()).backward()
    expected, w.grad = w.grad, None
    y = loss(w, arr)
    arr[:] = [7.0, -3.0, 0.5]
    y.backward()
    np.testing.assert_array_equal(w.grad, expected)


def test_changing_the_data_given_to_a_model_afterwards_changes_nothing():
    model = nn.MLP([3, 4, 1], hidden="tanh", output="sigmoid", rng=0)
    X, Y = np.random.default_rng(1).standard_normal((3, 5)), np.ones((1, 5))
    nn.binary_cross_entropy(model(X.copy()), Y).backward()
    expected = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    J = nn.binary_cross_entropy(model(X), Y)
    X[:] = 0.0
    J.backward()
    for p, g in zip(model.parameters(), expected):
        np.testing.assert_array_equal(p.grad, g)


def test_an_index_array_is_copied():
    x = leaf()
    index = np.array([0, 0, 2])
    y = x[index].sum()
    index[:] = 1
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 1.0])


def test_tensors_share_memory_with_tensors_and_see_each_others_writes():
    x = leaf()
    alias = Tensor(x.data)  # another tensor's data: shared, with its counter
    y = (x * x).sum()
    alias.data[0] = 9.0
    assert x.data[0] == 9.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_in_place_update_under_no_grad_still_works_on_handed_out_memory():
    from autograd_core import no_grad
    x = leaf()
    view = np.asarray(x.data)  # read-only, and stays so
    with no_grad():
        x -= 1.0
    np.testing.assert_array_equal(view, [0.0, 1.0, 2.0])
    assert not view.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 1.0


def test_a_copy_of_the_data_is_the_callers_own_and_writable():
    x = leaf()
    for copy in (x.data.copy(), np.array(x), np.array(x.data), x.numpy().copy(),
                 np.asarray(x, dtype=np.float32)):
        copy[0] = 42.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])
