"""Gradient hooks, module forward hooks, and anomaly mode."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor, detect_anomaly, grad


def test_a_hook_is_called_once_per_backward_with_the_gradient():
    w = Tensor(np.ones((2, 3)), requires_grad=True, name="w")
    calls = []
    w.register_hook(lambda g: calls.append((g.shape, g.dtype, g.copy())))
    (w * 3.0).sum().backward()
    (w * 3.0).sum().backward()
    assert len(calls) == 2 and calls[0][:2] == ((2, 3), np.float64)
    np.testing.assert_array_equal(calls[0][2], np.full((2, 3), 3.0))


def test_a_returned_value_replaces_the_gradient_downstream_too():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * 2.0
    h.register_hook(lambda g: g * 10)
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad, 2 * (2 * h.data) * 10)


def test_remove_stops_the_hook_and_twice_is_harmless():
    x = Tensor(np.ones(2), requires_grad=True)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    handle.remove()
    handle.remove()
    (x * 2.0).sum().backward()
    assert calls == [] and x.grad.tolist() == [2.0, 2.0]


def test_hooks_run_in_order_and_see_each_others_result():
    x = Tensor(np.ones(2), requires_grad=True)
    x.register_hook(lambda g: g + 1)
    x.register_hook(lambda g: g * 3)
    (x * 1.0).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def test_a_hook_cannot_edit_the_gradient_in_place_or_change_its_shape():
    x = Tensor(np.ones(2), requires_grad=True, name="x")

    def edit(g):
        g[0] = 5.0

    x.register_hook(edit)
    with pytest.raises(ValueError, match="read-only"):
        (x * 2.0).sum().backward()
    y = Tensor(np.ones(2), requires_grad=True, name="y")
    y.register_hook(lambda g: np.ones(3))
    with pytest.raises(RuntimeError, match=r"hook .* on tensor \(y\).*shape \(3,\)"):
        (y * 2.0).sum().backward()


def test_hooks_run_for_grad_and_create_graph_too():
    x = Tensor(np.array([0.5, -1.0]), requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(type(g).__name__))
    grad((x * x).sum(), [x])
    grad((x * x).sum(), [x], create_graph=True)
    assert seen == ["ndarray", "Tensor"]


def test_register_hook_needs_a_gradient():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(np.ones(2)).register_hook(print)


# ---------------------------------------------------------------- module forward hooks


def test_forward_hooks_see_inputs_and_output_and_may_replace_it():
    layer = nn.Linear(2, 3, rng=0)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append((m, inputs, out)))
    X = np.ones((2, 4))
    out = layer(X)
    assert seen[0][0] is layer and seen[0][1][0] is X and seen[0][2] is out
    handle.remove()
    layer.register_forward_hook(lambda m, inputs, out: out * 0.0)
    assert np.all(layer(X).data == 0)


def test_the_mlp_keeps_z_and_a_through_forward_hooks_even_with_a_shared_activation():
    shared = nn.Tanh()
    model = nn.MLP([2, 3, 3, 1], hidden=shared, output="sigmoid", rng=0)
    X, Y = np.ones((2, 5)), np.ones((1, 5))
    nn.binary_cross_entropy(model(X), Y).backward()
    assert [z.name for z in model.Z[1:]] == ["Z[1]", "Z[2]", "Z[3]"]
    assert [a.name for a in model.A] == ["A[0]", "A[1]", "A[2]", "A[3]"]
    assert all(z.grad.shape == z.shape for z in model.Z[1:])
    shared(Tensor(np.ones(2)))  # the activation on its own: the model's record is untouched
    assert len(model.A) == 4


def test_the_identity_output_layer_keeps_z_as_a():
    model = nn.MLP([2, 2], output="identity", rng=0)
    model(np.ones((2, 3)))
    assert model.A[1] is model.Z[1] and model.Z[1].name == "Z[1]"


# ---------------------------------------------------------------- anomaly mode


def test_anomaly_mode_names_log_and_the_users_line():
    x = Tensor(np.array([1.0, 0.0, 2.0]), requires_grad=True, name="x")
    with detect_anomaly(), np.errstate(divide="ignore"):
        y = x.log().sum()  # THE LINE
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    text = str(info.value)
    assert "log" in text and "input 0 (x)" in text and "inf" in text and "dx = dout / x" in text
    assert "test_hooks_and_anomaly.py" in text and "THE LINE" in text


def test_anomaly_mode_names_the_layer_in_a_network():
    model = nn.MLP([2, 2, 1], hidden="relu", output="identity", rng=0)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    with detect_anomaly(), np.errstate(divide="ignore", invalid="ignore"):
        J = nn.mse(model(X).sqrt(), np.zeros((1, 2)))  # sqrt of a negative or 0 output
        model.W[2].data[...] = -1.0
        J2 = nn.mse((model(X) * 0.0).sqrt(), np.zeros((1, 2)))
        with pytest.raises(FloatingPointError, match=r"sqrt .*was recorded at .*J2 = nn.mse"):
            J2.backward()
    del J


def test_without_anomaly_mode_nothing_is_checked():
    x = Tensor(np.array([0.0]), requires_grad=True)
    with np.errstate(divide="ignore"):
        x.log().sum().backward()
    assert x.grad[0] == np.inf
