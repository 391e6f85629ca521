"""Hints, one level at a time, for a wrong quantity: which quantity is wrong, what kind of slip,
the formula, and one element with its numbers.

``hints(...)`` returns the four levels for one quantity; the grader computes them for every
quantity with a slip of its own (``Line.hints``), ``GradeReport.hinted(n)`` shows levels
``1..n`` of the first error (``backprop grade --hint N``), and an exercise's ``hint()`` reveals
the next level of its last failing check. The numbers are in the learner's scaling: ``factor``
is what turns the learner's values into gradients (``1/m`` for Rojas's ``dZ``).
"""

from __future__ import annotations

import numpy as np

from ..network import ForwardCache
from .diagnosis import Slip, label
from .rules import Key, parent

LEVELS = 4
"""Hint levels: 1 the quantity, 2 the kind of slip, 3 the formula, 4 one element."""

_DERIVATIVE = {"tanh": "(1 − A[l]²)", "sigmoid": "A[l] ⊙ (1 − A[l])", "relu": "(Z[l] > 0)",
               "identity": "1", "leaky_relu": "(1 if Z[l] > 0 else slope)"}


def formula(key: Key, cache: ForwardCache) -> str:
    """``"dZ[1] = dA[1] ⊙ (1 − A[1]²)"``: the right formula, in our names (``∂J/∂·``)."""
    name, l = key
    L = cache.L
    if name == "dA" and l == L:
        text = {"mse": "(A[L] − Y) / m",
                "binary_cross_entropy": "(A[L] − Y) / (A[L] ⊙ (1 − A[L])) / m",
                "cross_entropy": "(softmax(Z[L]) − Y) / m, softmax over each column (axis=0)"
                }[cache.loss]
        return f"dA[{l}] = " + text.replace("[L]", f"[{l}]")
    if name == "dA":
        return f"dA[{l}] = W[{l + 1}]ᵀ dZ[{l + 1}]"
    if name == "dZ":
        act = cache.activations[l]
        if not act.elementwise:
            return f"dZ[{l}] = the Jacobian of {act.name} applied column by column to dA[{l}]"
        prime = _DERIVATIVE.get(act.name, f"{act.name}′(Z[l])").replace("[l]", f"[{l}]")
        short = (f" = (softmax(Z[{l}]) − Y) / m" if l == L and cache.loss == "cross_entropy"
                 and act.name == "identity" else
                 f" = (A[{l}] − Y) / m" if l == L and cache.loss == "binary_cross_entropy"
                 and act.name == "sigmoid" else "")
        return f"dZ[{l}] = dA[{l}] ⊙ {prime}{short}, element by element ({act.name}′)"
    if name == "dW":
        return (f"dW[{l}] = dZ[{l}] {'X' if l == 1 else f'A[{l - 1}]'}ᵀ: the sum over the "
                f"examples of dZ[{l}][:, k] times A[{l - 1}][:, k]ᵀ")
    return (f"db[{l}] = the sum over the examples of dZ[{l}]: "
            f"dZ[{l}].sum(axis=1, keepdims=True)")


def _element(key: Key, index: tuple[int, ...], inputs: dict[Key, np.ndarray],
             cache: ForwardCache, scale: float) -> str:
    """``"= dA[1][2, 7] × (1 − A[1][2, 7]²) = 0.0012 × 0.998"``: how the element is made."""
    name, l = key
    at = ", ".join(map(str, index))

    def g(k: Key) -> np.ndarray:
        return inputs[k] * scale

    if name == "dZ" and cache.activations[l].elementwise:
        i, j = index
        prime = float(cache.activations[l].derivative(cache.Z[l])[i, j])
        return (f"dA[{l}][{at}] × {cache.activations[l].name}′(Z[{l}][{at}]) = "
                f"{float(g(('dA', l))[i, j]):.6g} × {prime:.6g}")
    if name == "dW":
        i, j = index
        dz, a = g(("dZ", l))[i], cache.A[l - 1][j]
        first = " + ".join(f"{dz[k]:.4g}·{a[k]:.4g}" for k in range(min(2, dz.size)))
        return (f"Σ_k dZ[{l}][{i}, k] A[{l - 1}][{j}, k] over the {dz.size} examples = "
                f"{first} + …")
    if name == "db":
        i = index[0]
        dz = g(("dZ", l))[i]
        first = " + ".join(f"{dz[k]:.4g}" for k in range(min(3, dz.size)))
        return f"Σ_k dZ[{l}][{i}, k] over the {dz.size} examples = {first} + …"
    if name == "dA" and l < cache.L:
        i, j = index
        w, dz = cache.W[l + 1][:, i], g(("dZ", l + 1))[:, j]
        terms = " + ".join(f"{w[q]:.4g}·{dz[q]:.4g}" for q in range(min(3, w.size)))
        more = " + …" if w.size > 3 else ""
        return f"Σ_q W[{l + 1}][q, {i}] dZ[{l + 1}][q, {j}] = {terms}{more}"
    if name == "dA":
        i, j = index
        a, y = float(cache.A[l][i, j]), float(cache.T[i, j])
        return f"from A[{l}][{at}] = {a:.6g} and Y[{at}] = {y:.6g}, over m = {cache.m}"
    return ""


def hints(key: Key, slip: Slip, value: np.ndarray | None, inputs: dict[Key, np.ndarray],
          cache: ForwardCache, shown: str = "", factor: float = 1.0,
          input_wrong: bool = False) -> tuple[str, ...]:
    """The four hint levels for ``key``, whose value (in gradient units) is ``value``.

    ``inputs``: the gradients it is computed from (autodiff's, or the learner's own where its
    input is wrong); ``shown``: the learner's name for it; ``factor``: learner's value times
    ``factor`` is the gradient; ``input_wrong``: its input is wrong too.
    """
    name = shown or label(key)
    up = parent(key, cache.L)
    up_text = label(up) if up else "the cost"
    if input_wrong:
        first = (f"{name} is wrong, and so is {up_text}, which it is built from: fix "
                 f"{up_text} first; {name} has a slip of its own as well")
    else:
        first = (f"{name} is the first thing to fix: it is wrong, and what it is built from "
                 f"({up_text}) is right" if up else f"{name} is the first thing to fix: it "
                 f"is wrong, and it comes from the cost alone")
    kind = f"{name}: the slip is in {slip.kind}"
    scaling = "" if factor == 1.0 else f" (your {name} is that times {1 / factor:g})"
    form = f"{name}: {formula(key, cache)}{scaling}"
    right = inputs.get(key)
    if value is None or right is None or np.shape(value) != np.shape(right) or not right.size:
        shape = "" if right is None else f" of shape {right.shape}"
        element = f"{name}: expected a float array{shape}; " + slip.sentence
    else:
        diff = np.abs(np.asarray(value, np.float64) - right)
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), right.shape))
        at = ", ".join(map(str, index))
        how = _element(key, index, inputs, cache, 1 / factor)
        element = (f"{name}[{at}]: yours {float(value[index]) / factor:.6g}, right "
                   f"{float(right[index]) / factor:.6g}" + (f" = {how}" if how else ""))
    return (first, kind, form, element)
