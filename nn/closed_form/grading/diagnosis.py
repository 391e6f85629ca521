"""Which common slip explains a wrong quantity: each test builds the slipped value from the
right inputs and asks whether the learner's value is it (to a constant factor, named).

The slips: off by a factor (``m``, ``1/m``, ``k/m``, any constant), the wrong sign, a missing
activation derivative (``dZ = dA``) or Rojas's (C) as printed (``α(Z)`` for ``α'(Z)``), a
transpose missing or extra (by shape and by value), ``db`` summed over the wrong axis, the wrong
layer's ``A`` in ``dW`` (Wichmann (5.13)-(5.16): ``A[l]`` for ``A[l-1]``), the blog's per-sample
recursion run on averages (``diag(f'(z))`` of a whole batch; shows with ``m >= 2`` only), and a
value that is another gradient altogether.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from ..factors import scale_factor
from ..network import ForwardCache
from .rules import Key

RTOL = 1e-10


def label(key: Key) -> str:
    return f"{key[0]}[{key[1]}]"


def describe_constant(c: float, m: int) -> str:
    """``"m = 400"``, ``"1/m = 1/400"``, ``"4/m = 4/400"``, ``"2"``, ``"-1"``, ``"0.37"``."""
    for k in (Fraction(1), *(Fraction(n, d) for n in range(1, 9) for d in range(1, 9))):
        if k == 1 and abs(c - m) <= 1e-9 * m:
            return f"m = {m}"
        if abs(c * m - float(k)) <= 1e-9 * float(k) and m > 1:
            return f"{k}/m = {k}/{m}" if k != 1 else f"1/m = 1/{m}"
        if abs(c - float(k) * m) <= 1e-9 * float(k) * m and m > 1 and k != 1:
            return f"{k}·m = {float(k) * m:g}"
    frac = Fraction(c).limit_denominator(16)
    if abs(float(frac) - c) <= 1e-9 * abs(c):
        return str(frac)
    return f"{c:.6g}"


def _matches(value: np.ndarray, candidate: np.ndarray) -> float | None:
    """The constant ``c`` with ``value == c * candidate`` (1.0 when equal), or None."""
    if np.shape(value) != np.shape(candidate):
        return None
    if np.allclose(value, candidate, rtol=RTOL, atol=RTOL * float(np.max(np.abs(candidate))
                                                                  or 1.0)):
        return 1.0
    return scale_factor(value, candidate, rtol=RTOL)


def _scaled(c: float, m: int) -> str:
    return "" if c == 1.0 else f", and then off by a factor {describe_constant(c, m)}"


def diagnose(key: Key, value: np.ndarray, truth: dict[Key, np.ndarray],
             cache: ForwardCache, notation: str) -> str:
    """One sentence: the slip that fits ``value`` (in gradient units) for ``key``, or that none
    does, with the worst element."""
    name, l = key
    m, L = cache.m, cache.L
    t = truth[key]
    tests: list[tuple[str, Callable[[], np.ndarray]]] = []
    if name == "dZ":
        act = cache.activations[l]
        dA = truth["dA", l]
        if act.elementwise:
            tests += [
                ("the activation derivative is missing: dZ = dA, without ⊙ α'(Z)", lambda: dA),
                (f"α(Z) where α'(Z) belongs: Rojas's (C) as printed (dZ = dA ⊙ α(Z)); "
                 f"the derivative of {act.name} is needed", lambda: dA * act.fn(cache.Z[l])),
            ]
            twice = ("A - Y (the shortcut of sigmoid with cross-entropy) times σ'(Z) again: "
                     "the shortcut already contains σ'" if l == L and act.name == "sigmoid"
                     and cache.loss == "binary_cross_entropy" else
                     "the activation derivative is applied twice (dA ⊙ α'(Z) ⊙ α'(Z))")
            tests.append((twice, lambda: t * act.derivative(cache.Z[l])))
    if name == "dW":
        dZ = truth["dZ", l]
        tests.append((f"the wrong layer's A: dZ[{l}] A[{l}]ᵀ where A[{l - 1}]ᵀ belongs "
                      f"(Wichmann (5.13)-(5.16) write A^(l))", lambda: dZ @ cache.A[l].T))
        if l >= 2:
            tests.append((f"the wrong layer's A: A[{l - 2}] where A[{l - 1}] belongs",
                          lambda: dZ @ cache.A[l - 2].T))
        tests.append(("transposed: this is (dZ A[l-1]ᵀ)ᵀ = A[l-1] dZᵀ", lambda: t.T))
        mean_a = cache.A[l - 1].mean(axis=1, keepdims=True)
        if m >= 2:
            tests.append(("the blog's per-sample formula on averages: ∂L/∂b^l (mean a^{l-1})ᵀ "
                          "where the mean over samples of ∂g_i/∂b^l a^{l-1}(x_i)ᵀ belongs "
                          "(shows only with m ≥ 2)",
                          lambda: truth["db", l] @ mean_a.T))
        if l < L and m >= 2:
            tests.append(("the blog's per-sample recursion run on averages (diag(f'(z)) of the "
                          "whole batch, then ∂L/∂b^l (mean a^{l-1})ᵀ; shows only with m ≥ 2)",
                          lambda: _per_sample_db(cache, truth, l) @ mean_a.T))
    if name == "db":
        dZ = truth["dZ", l]
        tests += [
            ("summed over the wrong axis: over the units (axis=0) instead of the examples "
             "(axis=1, keepdims=True)", lambda: dZ.sum(axis=0, keepdims=True)),
            ("summed over the wrong axis: over the units (axis=0) instead of the examples "
             "(axis=1, keepdims=True)", lambda: dZ.sum(axis=0)),
            ("summed over both axes: a number, not one value per unit (axis=1, keepdims=True)",
             lambda: np.asarray(dZ.sum())),
            ("the right values in the wrong shape: keep the column (axis=1, keepdims=True)",
             lambda: t.reshape(-1)),
            ("not summed over the examples: dZ itself (sum over axis=1, keepdims=True)",
             lambda: dZ),
        ]
        if l < L and m >= 2:
            tests.append(("the blog's per-sample recursion run on averages: diag(f'(z^l)) of "
                          "the whole batch times (W^{l+1})ᵀ ∂L/∂b^{l+1}, where the mean over "
                          "samples of the per-sample products belongs (shows only with m ≥ 2)",
                          lambda: _per_sample_db(cache, truth, l)))
    if name == "dA" and l < L:
        dZ = truth["dZ", l + 1]
        W = cache.W[l + 1]
        tests += [(f"the transpose is missing: W[{l + 1}] dZ[{l + 1}] where W[{l + 1}]ᵀ "
                   f"dZ[{l + 1}] belongs", lambda: W @ dZ),
                  ("transposed: this is dAᵀ (dZᵀ W)", lambda: t.T)]
    if name in ("dZ", "dA"):
        tests.append(("transposed (an extra .T)", lambda: t.T))
    for sentence, build in tests:
        try:
            candidate = np.asarray(build(), dtype=np.float64)
        except (ValueError, IndexError):  # a shape that this network does not allow
            continue
        c = _matches(value, candidate)
        if c is not None:
            return sentence + _scaled(c, m)
    if np.shape(value) == np.shape(t):
        c = _matches(value, t)
        if c is not None and c != 1.0:
            return _factor_sentence(c, m, key, notation)
        for other, array in truth.items():  # another gradient's values
            if other != key and np.shape(array) == np.shape(value):
                c = _matches(value, array)
                if c is not None:
                    return (f"these are the values of {label(other)}, not {label(key)}"
                            + _scaled(c, m))
        return "no known slip fits; " + worst_element(value, t)
    return (f"shape {np.shape(value)}, expected {np.shape(t)}, and no known slip fits the "
            f"values")


def _factor_sentence(c: float, m: int, key: Key, notation: str) -> str:
    text = describe_constant(c, m)
    if abs(c + 1) <= 1e-9:
        return "the wrong sign: yours is −1 times the gradient (A − Y, not Y − A)"
    if c < 0:
        return f"the wrong sign, and off by a factor {describe_constant(-c, m)}"
    hint = ""
    if text.startswith("m ="):
        hint = (" (the 1/m of J is missing; or you wrote Rojas's/the course's dZ, dA: grade "
                "with notation='rojas')" if key[0] in ("dA", "dZ") and notation == "ours"
                else " (the 1/m of J is missing)")
    elif text.startswith("1/m"):
        hint = " (divided by m once too often, or m·∂J/∂ was expected in this notation)"
    return f"off by a factor {text}{hint}"


def _per_sample_db(cache: ForwardCache, truth: dict[Key, np.ndarray], l: int) -> np.ndarray:
    """The blog's interior recursion on averages: ``mean f'(Z[l]) ⊙ W[l+1]ᵀ db[l+1]``."""
    fprime = cache.activations[l].derivative(cache.Z[l]).mean(axis=1, keepdims=True)
    return fprime * (cache.W[l + 1].T @ truth["db", l + 1])


def worst_element(value: np.ndarray, truth: np.ndarray) -> str:
    """``"worst at (0, 17): yours 0.4, autodiff 0.001"``."""
    diff = np.abs(np.asarray(value, np.float64) - truth)
    diff = np.where(np.isnan(diff), np.inf, diff)
    index = np.unravel_index(int(np.argmax(diff)), truth.shape) if truth.size else ()
    where = tuple(int(i) for i in index)
    return (f"worst at {where if len(where) != 1 else where[0]}: yours "
            f"{float(np.asarray(value)[index]):.6g}, autodiff {float(truth[index]):.6g}")
