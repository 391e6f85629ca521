"""Stand-in activations, random networks and the finite-difference oracle for the closed-form tests.

The oracle is central finite differences of the cost ``J`` in float64, written here from the
definitions (forward pass and losses), independent of every formulation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nn.closed_form import ForwardCache, forward
from nn.closed_form.errata import Target


@dataclass(frozen=True)
class StandIn:
    """A small activation following the ``Activation`` protocol."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    elementwise: bool = True


def _sigmoid(Z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-Z))


def _softmax(Z: np.ndarray) -> np.ndarray:
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_jacobians(Z: np.ndarray) -> np.ndarray:
    S = _softmax(Z)
    return np.stack([np.diag(s) - np.outer(s, s) for s in S.T])


ACTIVATIONS: dict[str, StandIn] = {
    a.name: a
    for a in (
        StandIn("identity", lambda Z: Z.copy(), np.ones_like),
        StandIn("sigmoid", _sigmoid, lambda Z: _sigmoid(Z) * (1 - _sigmoid(Z))),
        StandIn("tanh", np.tanh, lambda Z: 1 - np.tanh(Z) ** 2),
        StandIn("relu", lambda Z: np.maximum(Z, 0), lambda Z: (Z > 0).astype(Z.dtype)),
        StandIn(
            "leaky_relu",
            lambda Z: np.where(Z > 0, Z, 0.01 * Z),
            lambda Z: np.where(Z > 0, 1.0, 0.01).astype(Z.dtype),
        ),
        StandIn("softplus", lambda Z: np.logaddexp(0, Z), _sigmoid),
        StandIn("softmax", _softmax, _softmax_jacobians, elementwise=False),
    )
}
ELEMENTWISE = [name for name, a in ACTIVATIONS.items() if a.elementwise]


def targets(rng: np.random.Generator, loss: str, n_L: int, m: int) -> np.ndarray:
    """Targets of the right kind: reals (mse), probabilities (bce), one-hot columns (ce)."""
    if loss == "mse":
        return rng.standard_normal((n_L, m))
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, (n_L, m))
    T = np.zeros((n_L, m))
    T[rng.integers(0, n_L, m), np.arange(m)] = 1.0
    return T


def network(
    seed: int,
    sizes: tuple[int, ...],
    activations: tuple[str, ...],
    loss: str,
    m: int,
    dtype=np.float64,
) -> ForwardCache:
    """A random network and batch, run forward: weights ~ N(0, 1/n_{l-1}), biases ~ N(0, 0.25).

    Redrawn (from a derived seed) until every relu / leaky_relu pre-activation is at least
    1e-3 from the kink, so finite differences never straddle it, and, for binary
    cross-entropy, every output probability is in [0.01, 0.99] (finite differences of log a
    need steps well inside (0, 1)).
    """
    for attempt in range(200):
        cache = _draw(np.random.default_rng([seed, attempt]), sizes, activations, loss, m, dtype)
        away_from_kinks = all(
            np.min(np.abs(cache.Z[l]), initial=np.inf) > 1e-3
            for l in range(1, cache.L + 1)
            if activations[l - 1] in ("relu", "leaky_relu")
        )
        A_L = cache.A[cache.L]
        inside = loss != "binary_cross_entropy" or (A_L.min() >= 0.01 and A_L.max() <= 0.99)
        if away_from_kinks and inside:
            return cache
    raise AssertionError("no network away from kinks and saturation in 200 draws")


def _draw(rng, sizes, activations, loss, m, dtype) -> ForwardCache:
    W: list = [None]
    b: list = [None]
    for n_prev, n in zip(sizes[:-1], sizes[1:], strict=True):
        W.append((rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype))
        b.append((0.5 * rng.standard_normal((n, 1))).astype(dtype))
    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    T = targets(rng, loss, sizes[-1], m).astype(dtype)
    acts = [None] + [ACTIVATIONS[name] for name in activations]
    return forward(W, b, acts, X, T, loss)


def cost(cache: ForwardCache, W=None, b=None, start: int = 0, A_start=None) -> float:
    """``J`` by the definitions of DESIGN.md, from ``A[start]`` (default: the cached one)."""
    W = cache.W if W is None else W
    b = cache.b if b is None else b
    A = cache.A[start] if A_start is None else A_start
    for l in range(start + 1, cache.L + 1):
        A = cache.activations[l].fn(W[l] @ A + b[l])
    T, m = cache.T, cache.m
    if cache.loss == "mse":
        return float(np.sum((A - T) ** 2) / (2 * m))
    if cache.loss == "binary_cross_entropy":
        return float(-np.sum(T * np.log(A) + (1 - T) * np.log(1 - A)) / m)
    shifted = A - A.max(axis=0, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return float(-np.sum(T * log_softmax) / m)


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4):
    """``df/dx`` by fourth-order central differences, one element at a time, in float64.

    ``(-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / 12h``: truncation error O(h^4), so even
    entries of ``dJ/dA[L]`` near a probability of 0.01 come out to ~1e-8.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        values = []
        for step in (2 * h, h, -h, -2 * h):
            x[index] = saved + step
            values.append(f(x))
        x[index] = saved
        grad[index] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
    return grad


def true_value(cache: ForwardCache, target: Target) -> np.ndarray:
    """The oracle for a :class:`Target`: forward values, or finite differences of ``J``."""
    layer = target.resolve(cache.L)
    q = target.quantity
    if q == "J":
        return np.asarray(cost(cache))
    if q == "Z":
        return cache.W[layer] @ cache.A[layer - 1] + cache.b[layer]
    if q == "A":
        return cache.activations[layer].fn(cache.W[layer] @ cache.A[layer - 1] + cache.b[layer])
    if q == "dA":
        return central_difference(lambda A: cost(cache, start=layer, A_start=A), cache.A[layer])
    if q == "dZ":
        act = cache.activations[layer]
        return central_difference(
            lambda Z: cost(cache, start=layer, A_start=act.fn(Z)), cache.Z[layer]
        )
    if q == "dW":

        def with_W(Wl):
            return cost(cache, W=cache.W[:layer] + (Wl,) + cache.W[layer + 1 :])

        return central_difference(with_W, cache.W[layer])
    if q == "db":

        def with_b(bl):
            return cost(cache, b=cache.b[:layer] + (bl,) + cache.b[layer + 1 :])

        return central_difference(with_b, cache.b[layer])
    raise ValueError(q)


def all_true_gradients(cache: ForwardCache) -> dict[tuple[str, int], np.ndarray]:
    """Finite differences of ``J`` for dA, dZ, dW, db of every layer 1..L."""
    return {
        (q, l): true_value(cache, Target(q, l))
        for l in range(1, cache.L + 1)
        for q in ("dA", "dZ", "dW", "db")
    }


def rel_error(value: np.ndarray, truth: np.ndarray) -> float:
    """``max|value - truth| / max(max|truth|, 1e-3)``; shapes must match exactly."""
    value, truth = np.asarray(value), np.asarray(truth)
    assert value.shape == truth.shape, f"shape {value.shape} != {truth.shape}"
    scale = max(float(np.max(np.abs(truth), initial=0.0)), 1e-3)
    return float(np.max(np.abs(value - truth), initial=0.0)) / scale


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Relative difference of two closed forms: ``max|a - b| / max|b|`` (0 when both are 0)."""
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    scale = float(np.max(np.abs(b), initial=0.0))
    diff = float(np.max(np.abs(a - b), initial=0.0))
    return diff / scale if scale else diff
