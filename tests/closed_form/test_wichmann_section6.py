"""Section 6 of document 002: the two-layer tanh/sigmoid network on 400 planar points."""

import numpy as np
import pytest

from nn.closed_form import NotApplicableError, forward, wichmann

from .helpers import ACTIVATIONS, agreement, all_true_gradients, network, rel_error


def flower(m: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Ng's planar 'flower': two classes of petals, X (2, m), Y (1, m) of 0/1 labels."""
    rng = np.random.default_rng(seed)
    per_class = m // 2
    X = np.zeros((2, m))
    Y = np.zeros((1, m))
    for j in range(2):
        ix = slice(per_class * j, per_class * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, per_class) + 0.2 * rng.standard_normal(per_class)
        r = 4 * np.sin(4 * t) + 0.2 * rng.standard_normal(per_class)
        X[:, ix] = np.vstack([r * np.sin(t), r * np.cos(t)])
        Y[0, ix] = j
    return X, Y


def section6_cache(n_h: int = 4, seed: int = 0):
    X, Y = flower()
    rng = np.random.default_rng(seed)
    W = [None, 0.5 * rng.standard_normal((n_h, 2)), 0.5 * rng.standard_normal((1, n_h))]
    b = [None, 0.1 * rng.standard_normal((n_h, 1)), 0.1 * rng.standard_normal((1, 1))]
    acts = [None, ACTIVATIONS["tanh"], ACTIVATIONS["sigmoid"]]
    return forward(W, b, acts, X, Y, "binary_cross_entropy")


@pytest.mark.parametrize("n_h", [1, 4, 5])
def test_section6_equations_match_finite_differences_on_400_flower_points(n_h):
    cache = section6_cache(n_h)
    assert cache.sizes == (2, n_h, 1) and cache.m == 400
    result = wichmann.two_layer_tanh(cache)
    truth = all_true_gradients(cache)
    seen = set()
    for gradient, layer, key, value in result.gradients():
        assert rel_error(value, truth[(gradient, layer)]) <= 1e-6, (key, layer)
        seen.add((key, layer))
    assert seen == {("Delta", 1), ("H", 1), ("H", 2), ("dW", 1), ("dW", 2), ("db", 1), ("db", 2)}


def test_section6_agrees_with_the_general_layer_and_the_shortcut():
    cache = section6_cache(4)
    section6 = wichmann.two_layer_tanh(cache)
    for other in (wichmann.backprop(cache), wichmann.backprop_sigmoid_cross_entropy(cache)):
        for key in ("H", "dW", "db"):
            for layer, value in section6[key].items():
                assert agreement(value, other[key][layer]) <= 1e-12, (key, layer)


def test_section6_hadamard_term_uses_tanh_derivative_from_the_activation():
    """(6.7): H^(1) = Delta^(1) (1 - (a^(1))^2), with the tanh derivative read off A^(1)."""
    cache = section6_cache(3)
    result = wichmann.two_layer_tanh(cache)
    expected = result["Delta"][1] * (1 - np.tanh(cache.Z[1]) ** 2)
    np.testing.assert_allclose(result["H"][1], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "sizes, acts, loss, word",
    [
        ((2, 4, 3, 1), ("tanh", "tanh", "sigmoid"), "binary_cross_entropy", "two layers"),
        ((2, 4, 1), ("relu", "sigmoid"), "binary_cross_entropy", "tanh"),
        ((2, 4, 2), ("tanh", "sigmoid"), "binary_cross_entropy", "one output"),
        ((2, 4, 1), ("tanh", "sigmoid"), "mse", "cross-entropy"),
    ],
)
def test_section6_refuses_other_networks(sizes, acts, loss, word):
    cache = network(0, sizes, acts, loss, 5)
    ok, reason = wichmann.applicable_two_layer_tanh(cache)
    assert not ok and word in reason
    with pytest.raises(NotApplicableError):
        wichmann.two_layer_tanh(cache)
