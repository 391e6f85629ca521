"""Gradient checking for a learner's NumPy backprop: every quantity by central differences of
the cost, as the Deep Learning Specialization's gradient-checking assignment does.

``numeric_gradients(cache)`` perturbs each element of ``W[l]``, ``b[l]`` (the whole cost) and
each row of ``Z[l]``, ``A[l]`` (every example at once: column ``k`` of ``Z`` reaches only
example ``k``'s loss, so one pair of forward passes per row gives the whole row, and each
example's own loss keeps the rounding far below the slips worth finding). ``compare`` is the
assignment's test: ``‖yours − numeric‖ / (‖yours‖ + ‖numeric‖) < 1e-7``.
"""

from __future__ import annotations

import numpy as np

from ..losses import log_softmax
from ..network import ForwardCache
from .rules import Key, backward_order

EPS = 1e-4
"""The step of the central differences: their error is O(EPS²), their rounding O(1e-16/EPS);
on the section-6 network right answers stay below 5e-8, the subtlest slip (1 − Z²) is 4e-6."""

THRESHOLD = 1e-7
"""Below this relative difference a quantity passes, as in the DLS assignment."""


def _losses(cache: ForwardCache, A_L: np.ndarray) -> np.ndarray:
    """Each example's loss, a row ``(m,)``; ``J`` is their mean."""
    T = cache.T
    if cache.loss == "mse":
        return 0.5 * ((A_L - T) ** 2).sum(axis=0)
    if cache.loss == "binary_cross_entropy":
        return -(T * np.log(A_L) + (1 - T) * np.log(1 - A_L)).sum(axis=0)
    return -(T * log_softmax(A_L)).sum(axis=0)


def _from(cache: ForwardCache, name: str, l: int, value: np.ndarray) -> np.ndarray:
    """Each example's loss with ``name[l]`` replaced by ``value``, the rest of the forward
    pass run again from there."""
    W, b = list(cache.W), list(cache.b)
    if name == "W":
        W[l] = value
    elif name == "b":
        b[l] = value
    if name in ("W", "b"):
        A = cache.activations[l].fn(W[l] @ cache.A[l - 1] + b[l])
    elif name == "Z":
        A = cache.activations[l].fn(value)
    else:
        A = value
    for k in range(l + 1, cache.L + 1):
        A = cache.activations[k].fn(W[k] @ A + b[k])
    return _losses(cache, A)


def numeric(cache: ForwardCache, key: Key) -> np.ndarray:
    """``∂J/∂key`` by central differences (``key``: ``("dW", 1)``, ``("dZ", 2)``, ...)."""
    name, l = key[0][1:], key[1]
    if name == "A" and l == 0:
        base = cache.A[0]
    else:
        base = {"W": cache.W, "b": cache.b, "Z": cache.Z, "A": cache.A}[name][l]
    m = cache.m
    out = np.zeros_like(base, dtype=np.float64)
    if name in ("Z", "A"):  # one row at a time, every example at once
        for i in range(base.shape[0]):
            step = np.zeros_like(base)
            step[i] = EPS
            out[i] = (_from(cache, name, l, base + step) - _from(cache, name, l, base - step)) \
                / (2 * EPS) / m
        return out
    for index in np.ndindex(base.shape):
        step = np.zeros_like(base)
        step[index] = EPS
        up, down = _from(cache, name, l, base + step), _from(cache, name, l, base - step)
        out[index] = float((up - down).sum()) / (2 * EPS) / m  # the sum first: less rounding
    return out


def numeric_gradients(cache: ForwardCache) -> dict[Key, np.ndarray]:
    """Every ``dA[l]``, ``dZ[l]``, ``dW[l]``, ``db[l]`` (``l = 1..L``) by central differences."""
    return {key: numeric(cache, key) for key in backward_order(cache.L) if key[1] > 0}


def compare(yours: np.ndarray, numeric: np.ndarray) -> float:
    """``‖yours − numeric‖ / (‖yours‖ + ‖numeric‖)``, the assignment's relative difference."""
    norm = float(np.linalg.norm(yours) + np.linalg.norm(numeric))
    return float(np.linalg.norm(yours - numeric)) / norm if norm else 0.0


def table(returned: dict[str, object], expected: dict[str, tuple[np.ndarray, float]]) -> str:
    """The gradient check, one line per name: ``expected[name]`` is the numeric gradient and
    the factor that turns it into the learner's scaling; ``returned[name]`` the learner's."""
    width = max(len(name) for name in expected)
    out = [f"gradcheck: each quantity against central differences of J (ε = {EPS:g}); ✓ when "
           f"‖yours − numeric‖ / (‖yours‖ + ‖numeric‖) < {THRESHOLD:g}"]
    for name, (reference, factor) in expected.items():
        value = returned.get(name)
        if value is None:
            out.append(f"  {name:<{width}}  ?  not returned")
            continue
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            out.append(f"  {name:<{width}}  ✗  a {type(value).__name__}, not an array")
            continue
        if array.shape != reference.shape:
            out.append(f"  {name:<{width}}  ✗  shape {array.shape}, expected "
                       f"{reference.shape}")
            continue
        rel = compare(array, reference * factor)
        out.append(f"  {name:<{width}}  {'✓' if rel < THRESHOLD else '✗'}  {rel:.1e}")
    return "\n".join(out)
