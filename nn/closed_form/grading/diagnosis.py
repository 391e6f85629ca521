"""Which common slip explains a wrong quantity: each test builds the slipped value from the
right inputs and asks whether the learner's value is it (to a constant factor, named).

The slips (``candidates`` builds each): off by a factor (``m``, ``1/m``, ``k/m``, any
constant), the wrong sign, the activation derivative missing, doubled, another activation's
(sigmoid′ for tanh′), taken at the wrong array (``1 − Z²``) or averaged over the batch, ``@``
where ``⊙`` belongs, Rojas's (C) as printed, a transpose missing or extra, ``db`` summed over
the wrong axis, the wrong layer's ``A`` or ``W``, the blog's per-sample recursion run on
averages, the cost's derivative confused, and a value that is another gradient altogether. An
answer in float32 or float16 is named as such, and its other slips matched to its precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..factors import scale_factor
from ..network import ForwardCache
from .candidates import FACTOR, OTHER, PRECISION, SIGN, UNKNOWN, candidates
from .rules import Key

RTOL = 1e-10


def label(key: Key) -> str:
    return f"{key[0]}[{key[1]}]"


def describe_constant(c: float, m: int, tol: float = 1e-9) -> str:
    """``"m = 400"``, ``"1/m = 1/400"``, ``"4/m = 4/400"``, ``"2"``, ``"-1"``, ``"0.37"``
    (``tol``: how close, relatively, ``c`` must be to a named constant)."""
    for k in (Fraction(1), *(Fraction(n, d) for n in range(1, 9) for d in range(1, 9))):
        if k == 1 and abs(c - m) <= tol * m:
            return f"m = {m}"
        if abs(c * m - float(k)) <= tol * float(k) and m > 1:
            return f"{k}/m = {k}/{m}" if k != 1 else f"1/m = 1/{m}"
        if abs(c - float(k) * m) <= tol * float(k) * m and m > 1 and k != 1:
            return f"{k}·m = {float(k) * m:g}"
    frac = Fraction(c).limit_denominator(16)
    if abs(float(frac) - c) <= tol * abs(c):
        return str(frac)
    return f"{c:.6g}"


def _matches(value: np.ndarray, candidate: np.ndarray, rtol: float = RTOL) -> float | None:
    """The constant ``c`` with ``value == c * candidate`` (1.0 when equal), or None."""
    if np.shape(value) != np.shape(candidate):
        return None
    if np.allclose(value, candidate, rtol=rtol, atol=rtol * float(np.max(np.abs(candidate))
                                                                  or 1.0)):
        return 1.0
    return scale_factor(value, candidate, rtol=rtol)


def _scaled(c: float, m: int, tol: float = 1e-9) -> str:
    return "" if c == 1.0 else f", and then off by a factor {describe_constant(c, m, tol)}"


@dataclass(frozen=True)
class Slip:
    """The slip that fits a wrong value: its ``kind`` (what a second hint names) and the
    ``sentence`` that names it (the grader's full diagnosis)."""

    kind: str
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def diagnose(key: Key, value: np.ndarray, truth: dict[Key, np.ndarray],
             cache: ForwardCache, notation: str, dtype: Any = None) -> str:
    """One sentence: the slip that fits ``value`` (in gradient units) for ``key``, or that none
    does, with the worst element. ``dtype``: the learner's array's own, when not float64."""
    return find_slip(key, value, truth, cache, notation, dtype).sentence


def find_slip(key: Key, value: np.ndarray, truth: dict[Key, np.ndarray],
              cache: ForwardCache, notation: str, dtype: Any = None) -> Slip:
    """The :class:`Slip` that fits ``value`` for ``key`` (see :func:`diagnose`)."""
    m = cache.m
    t = truth[key]
    value = np.asarray(value, dtype=np.float64)
    rtol, lowered = RTOL, ""
    if dtype is not None and np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize < 8:
        # a float32/float16 answer: right to its own precision is a slip of precision, and the
        # other slips are matched to that precision
        eps = float(np.finfo(dtype).eps)
        lowered = f"your array is {np.dtype(dtype).name}"
        if np.shape(value) == np.shape(t):
            rel = _max_rel(value, t)
            if rel <= 64 * eps:
                return Slip(PRECISION, f"{lowered}: right to {np.dtype(dtype).name} precision "
                            f"(max rel. difference {rel:.1e}), but gradients are float64 here "
                            f"and compared to rtol {RTOL:g}: keep float64 (drop the astype or "
                            f"dtype that made it {np.dtype(dtype).name})")
        rtol = 64 * eps
        lowered += ", and "
    for candidate in candidates(key, truth, cache):
        try:
            built = np.asarray(candidate.build(), dtype=np.float64)
        except (ValueError, IndexError):  # a shape that this network does not allow
            continue
        c = _matches(value, built, rtol)
        if c is not None:
            sentence = candidate.sentence + _scaled(c, m, max(1e-9, 4 * rtol))
            if candidate.small and np.shape(built) == np.shape(t):
                sentence += _how_small(built, t)
            return Slip(candidate.kind, lowered + sentence)
    if np.shape(value) == np.shape(t):
        c = _matches(value, t, rtol)
        if c is not None and c != 1.0:
            tol = max(1e-9, 4 * rtol)
            kind = SIGN if abs(c + 1) <= tol else FACTOR
            return Slip(kind, lowered + _factor_sentence(c, m, key, notation, tol))
    for other, array in truth.items():  # another gradient's values, in any shape
        if other != key and np.shape(array) == np.shape(value):
            c = _matches(value, array, rtol)
            if c is not None:
                return Slip(OTHER, lowered + f"these are the values of {label(other)}, not "
                            f"{label(key)}" + _scaled(c, m, max(1e-9, 4 * rtol)))
    if np.shape(value) == np.shape(t):
        rel = _max_rel(value, t)
        close = (f"; the difference is small (max rel. {rel:.1e}) but far above rounding "
                 f"(rtol {RTOL:g}): a formula that is almost right, such as a derivative "
                 f"taken at the wrong array" if rel < 1e-3 else "")
        return Slip(UNKNOWN, lowered + "no known slip fits; " + worst_element(value, t) + close)
    return Slip(UNKNOWN, lowered + f"shape {np.shape(value)}, expected {np.shape(t)}, and no "
                f"known slip fits the values")


def _max_rel(value: np.ndarray, truth: np.ndarray) -> float:
    scale = float(np.max(np.abs(truth))) if truth.size else 0.0
    diff = float(np.max(np.abs(value - truth))) if truth.size else 0.0
    return diff / max(scale, np.finfo(np.float64).tiny)


def _how_small(built: np.ndarray, truth: np.ndarray) -> str:
    """For a slip whose values are close to the right ones: say how close, so that a small
    difference is not taken for rounding."""
    rel = _max_rel(built, truth)
    if rel >= 1e-2:
        return ""
    return (f" (its error is small here, max rel. {rel:.1e}, because this network's values "
            f"are small, and can pass for rounding; it is not: rounding is below {RTOL:g})")


def _factor_sentence(c: float, m: int, key: Key, notation: str, tol: float = 1e-9) -> str:
    text = describe_constant(c, m, tol)
    if abs(c + 1) <= tol:
        return "the wrong sign: yours is −1 times the gradient (A − Y, not Y − A)"
    if c < 0:
        return f"the wrong sign, and off by a factor {describe_constant(-c, m, tol)}"
    hint = ""
    if text.startswith("m ="):
        hint = (" (the 1/m of J is missing: Rojas's and the course's dZ, dA carry none, "
                "which grade(..., notation='rojas') accepts)"
                if key[0] in ("dA", "dZ") and notation == "ours"
                else " (the 1/m of J is missing)")
    elif text.startswith("1/m"):
        hint = " (divided by m once too often, or m·∂J/∂ was expected in this notation)"
    return f"off by a factor {text}{hint}"


def worst_element(value: np.ndarray, truth: np.ndarray) -> str:
    """``"worst at (0, 17): yours 0.4, autodiff 0.001"``."""
    diff = np.abs(np.asarray(value, np.float64) - truth)
    diff = np.where(np.isnan(diff), np.inf, diff)
    index = np.unravel_index(int(np.argmax(diff)), truth.shape) if truth.size else ()
    where = tuple(int(i) for i in index)
    return (f"worst at {where if len(where) != 1 else where[0]}: yours "
            f"{float(np.asarray(value)[index]):.6g}, autodiff {float(truth[index]):.6g}")
