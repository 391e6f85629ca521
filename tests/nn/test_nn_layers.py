"""nn.Linear and nn.MLP: formula, initialisation, gradients, and every layer quantity."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor, gradcheck, no_grad


def columns(n, m, seed=0):
    return np.random.default_rng(seed).standard_normal((n, m))


def numeric_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f(x) for an ndarray x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        saved = x[i]
        x[i] = saved + eps
        plus = f(x)
        x[i] = saved - eps
        minus = f(x)
        x[i] = saved
        grad[i] = (plus - minus) / (2 * eps)
    return grad


# ---------------------------------------------------------------- Linear


def test_linear_computes_weight_at_input_plus_bias_column():
    layer = nn.Linear(3, 2, rng=0)
    layer.bias.data[...] = [[1.0], [-2.0]]
    A = columns(3, 5)
    Z = layer(A)
    assert Z.shape == (2, 5)
    assert np.allclose(Z.data, layer.weight.data @ A + layer.bias.data)


def test_linear_forward_is_one_addmm_node_equal_to_matmul_then_add():
    layer = nn.Linear(3, 2, rng=0)
    A = columns(3, 4)
    Z = layer(A)
    assert Z.op.name == "addmm" and Z.parents[0] is layer.bias
    assert Z.parents[1] is layer.weight and Z.parents[2].is_leaf
    unfused = layer.weight @ A + layer.bias
    np.testing.assert_array_equal(Z.data, unfused.data)  # bit for bit
    Z.sum().backward()
    grads = [layer.weight.grad.copy(), layer.bias.grad.copy()]
    layer.zero_grad()
    unfused.sum().backward()
    np.testing.assert_array_equal(grads[0], layer.weight.grad)
    np.testing.assert_array_equal(grads[1], layer.bias.grad)


def test_linear_gradients_match_finite_differences():
    layer = nn.Linear(3, 2, rng=0)
    A = Tensor(columns(3, 4, seed=1), requires_grad=True)

    def f(W, b, A):
        layer.weight, layer.bias = W, b
        return layer(A).tanh()

    assert gradcheck(f, [layer.weight, layer.bias, A])


def test_linear_bias_gradient_sums_over_the_columns():
    layer = nn.Linear(3, 2, rng=0)
    layer(columns(3, 7)).backward(np.ones((2, 7)))
    assert layer.bias.grad.shape == (2, 1)
    assert np.array_equal(layer.bias.grad, np.full((2, 1), 7.0))


@pytest.mark.parametrize("init, std", [
    ("xavier", np.sqrt(2 / (300 + 200))),
    ("he", np.sqrt(2 / 300)),
    ("normal", 0.01),
])
def test_linear_init_draws_the_documented_standard_deviation(init, std):
    layer = nn.Linear(300, 200, init, rng=0)
    W = layer.weight.data
    assert W.shape == (200, 300)
    assert abs(W.std() / std - 1) < 0.02 and abs(W.mean()) < 0.05 * std
    assert np.array_equal(layer.bias.data, np.zeros((200, 1)))


def test_linear_normal_init_takes_a_scale():
    assert np.array_equal(nn.Linear(4, 3, "normal", scale=0.5, rng=3).weight.data,
                          0.5 * np.random.default_rng(3).standard_normal((3, 4)))


def test_linear_is_reproducible_from_a_seed():
    assert np.array_equal(nn.Linear(4, 3, rng=7).weight.data, nn.Linear(4, 3, rng=7).weight.data)
    assert not np.array_equal(nn.Linear(4, 3, rng=7).weight.data,
                              nn.Linear(4, 3, rng=8).weight.data)


def test_linear_keeps_float32():
    layer = nn.Linear(3, 2, dtype=np.float32, rng=0)
    Z = layer(columns(3, 4).astype(np.float32))
    assert layer.weight.dtype == layer.bias.dtype == Z.dtype == np.float32


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(n_in=0, n_out=2), ValueError, "n_in must be a positive integer"),
    (dict(n_in=2, n_out=2.5), ValueError, "n_out must be a positive integer"),
    (dict(n_in=2, n_out=2, init="glorot"), ValueError, "unknown init 'glorot'"),
    (dict(n_in=2, n_out=2, init="he", scale=0.1), ValueError, "scale applies to init='normal'"),
    (dict(n_in=2, n_out=2, init="normal", scale=-1), ValueError, "scale must be"),
    (dict(n_in=2, n_out=2, dtype=np.int64), TypeError, "floating-point"),
    (dict(n_in=2, n_out=2, rng="seed"), TypeError, "rng must be"),
])
def test_linear_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.Linear(**kwargs)


# ---------------------------------------------------------------- MLP


def test_mlp_reproduces_the_course_initialisation_bit_for_bit():
    model = nn.MLP([2, 4, 1], init="normal", rng=np.random.RandomState(2))
    saved = np.random.get_state()
    try:
        np.random.seed(2)  # the course's set-up, verbatim
        W1 = np.random.randn(4, 2) * 0.01
        W2 = np.random.randn(1, 4) * 0.01
    finally:
        np.random.set_state(saved)
    assert np.array_equal(model.W[1].data, W1) and np.array_equal(model.W[2].data, W2)
    assert not model.b[1].data.any() and not model.b[2].data.any()


def test_mlp_registers_layers_one_based_with_documents_names():
    model = nn.MLP([3, 5, 4, 2], rng=0)
    assert [n for n, _ in model.named_parameters()] == [
        "layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias",
        "layer3.weight", "layer3.bias"]
    assert model.L == 3 and model.W[0] is None and model.b[0] is None
    assert model.W[2] is model.layer2.weight and model.b[3] is model.layer3.bias
    assert [model.W[l].name for l in (1, 2, 3)] == ["W[1]", "W[2]", "W[3]"]
    assert [model.b[l].shape for l in (1, 2, 3)] == [(5, 1), (4, 1), (2, 1)]
    assert [a.name for a in model.activations[1:]] == ["tanh", "tanh", "sigmoid"]


def test_mlp_takes_activation_names_or_modules():
    model = nn.MLP([2, 3, 3, 1], hidden=nn.LeakyReLU(0.2), output="identity", rng=0)
    assert isinstance(model.activations[1], nn.LeakyReLU)
    assert model.activations[2].negative_slope == 0.2
    assert isinstance(model.activations[3], nn.Identity)


def test_mlp_forward_keeps_every_layer_quantity():
    model = nn.MLP([3, 4, 2], hidden="relu", output="sigmoid", rng=0)
    X = columns(3, 6)
    out = model(X)
    Z1 = model.W[1].data @ X + model.b[1].data
    A1 = np.maximum(Z1, 0)
    Z2 = model.W[2].data @ A1 + model.b[2].data
    A2 = 1 / (1 + np.exp(-Z2))
    assert model.Z[0] is None and np.array_equal(model.A[0].data, X)
    for got, want in [(model.Z[1], Z1), (model.A[1], A1), (model.Z[2], Z2), (model.A[2], A2)]:
        assert np.allclose(got.data, want)
    assert out is model.A[2]
    assert [t.name for t in model.A] == ["A[0]", "A[1]", "A[2]"]
    assert [t.name for t in model.Z[1:]] == ["Z[1]", "Z[2]"]


def test_mlp_layer_gradients_are_dJ_by_each_quantity():
    """After backward, Z[l].grad and A[l].grad are dJ/dZ[l] and dJ/dA[l] (finite differences
    of the rest of the network), and dW, db follow from them by the documents' equations."""
    model = nn.MLP([3, 4, 3, 2], hidden="tanh", output="sigmoid", rng=0)
    X, Y = columns(3, 5), (columns(2, 5, seed=1) > 0).astype(float)
    nn.binary_cross_entropy(model(X), Y).backward()

    def rest(start, l):
        """J as a function of A[l] (start="A") or Z[l] (start="Z"), in NumPy."""
        def f(value):
            with no_grad():
                A = Tensor(value)
                if start == "Z":
                    A = model.activations[l](A)
                for k in range(l + 1, model.L + 1):
                    A = model.activations[k](model.W[k] @ A + model.b[k])
                return nn.binary_cross_entropy(A, Y).item()
        return f

    for l in range(1, model.L + 1):
        dZ = numeric_gradient(rest("Z", l), model.Z[l].data.copy())
        dA = numeric_gradient(rest("A", l), model.A[l].data.copy())
        assert np.allclose(model.Z[l].grad, dZ, atol=1e-8), f"dZ[{l}]"
        assert np.allclose(model.A[l].grad, dA, atol=1e-8), f"dA[{l}]"
        assert np.allclose(model.W[l].grad, model.Z[l].grad @ model.A[l - 1].data.T)
        assert np.allclose(model.b[l].grad, model.Z[l].grad.sum(axis=1, keepdims=True))


def test_mlp_parameter_gradients_match_finite_differences():
    model = nn.MLP([2, 3, 2], hidden="softplus", output="softmax", rng=0)
    X, Y = columns(2, 4), np.eye(2)[:, [0, 1, 1, 0]]

    def J(*params):
        for layer, W, b in zip((model.layer1, model.layer2), params[::2], params[1::2]):
            layer.weight, layer.bias = W, b
        return nn.mse(model(X), Y)

    assert gradcheck(J, model.parameters())


def test_mlp_without_retained_grads_gives_the_same_parameter_gradients_bit_for_bit():
    X, Y = columns(3, 5), (columns(2, 5, seed=1) > 0).astype(float)
    kept, lean = (nn.MLP([3, 4, 3, 2], rng=0, retain_grads=flag) for flag in (True, False))
    for model in (kept, lean):
        nn.binary_cross_entropy(model(X), Y).backward()
    for l in range(1, 4):
        np.testing.assert_array_equal(lean.W[l].grad, kept.W[l].grad)
        np.testing.assert_array_equal(lean.b[l].grad, kept.b[l].grad)
        assert lean.Z[l].grad is None and lean.A[l].grad is None  # freed during backward
        assert kept.Z[l].grad is not None and kept.A[l].grad is not None
        np.testing.assert_array_equal(lean.Z[l].data, kept.Z[l].data)


def test_mlp_retain_grads_must_be_a_bool():
    with pytest.raises(TypeError, match="retain_grads must be True or False"):
        nn.MLP([2, 3, 1], retain_grads="no")


def test_mlp_with_identity_output_has_A_equal_to_Z():
    model = nn.MLP([2, 3, 1], output="identity", rng=0)
    model(columns(2, 4))
    assert model.A[2] is model.Z[2]


def test_mlp_under_no_grad_keeps_quantities_without_a_graph():
    model = nn.MLP([2, 3, 1], rng=0)
    with no_grad():
        out = model(columns(2, 4))
    assert not out.requires_grad and model.Z[1].grad is None and model.Z[1].shape == (3, 4)


def test_mlp_takes_a_tensor_and_keeps_its_name():
    model = nn.MLP([2, 3, 1], rng=0)
    X = Tensor(columns(2, 4), requires_grad=True, name="X")
    model(X).sum().backward()
    assert model.A[0] is X and X.name == "X" and X.grad.shape == (2, 4)


def test_mlp_records_each_layer_in_its_own_scope():
    model = nn.MLP([2, 3, 1], rng=0)
    model(columns(2, 4))
    for l in (1, 2):
        path = [s.label for s in model.A[l].scope.path()]
        assert path == ["MLP", f"layer {l}"]
        assert model.Z[l].scope is model.A[l].scope
        assert model.Z[l].op.name == "addmm"


def test_mlp_keeps_float32():
    model = nn.MLP([2, 3, 1], dtype=np.float32, rng=0)
    out = model(columns(2, 4).astype(np.float32))
    assert out.dtype == np.float32 and all(p.dtype == np.float32 for p in model.parameters())


def test_mlp_explains_samples_as_rows():
    model = nn.MLP([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"X has shape \(5, 2\), expected \(2, m\).*X\.T"):
        model(columns(5, 2))


@pytest.mark.parametrize("sizes", [[2], [], "2, 1", [2, 0], [2, 1.5]])
def test_mlp_refuses_bad_sizes(sizes):
    with pytest.raises(ValueError, match="MLP: sizes"):
        nn.MLP(sizes)


def test_mlp_refuses_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([2, 1], output="swish")


def test_mlp_repr_reads_in_the_documents_notation():
    assert repr(nn.MLP([2, 4, 1], rng=0)) == (
        "MLP([2, 4, 1],\n"
        "  layer1: Z[1] = W[1] A[0] + b[1], A[1] = tanh(Z[1])      W[1] (4, 2), b[1] (4, 1)\n"
        "  layer2: Z[2] = W[2] A[1] + b[2], A[2] = sigmoid(Z[2])   W[2] (1, 4), b[2] (1, 1)\n"
        ")")
