"""Differences that are a scale only: read them as a factor (``"factor m = 400"``).

A closed form off by a constant, the ``1/m`` a document leaves out, is one slip, and a relative
error of ``4.0e+02`` hides it; :func:`scale_factor` finds the constant and
:func:`describe_factor` names it, ``m`` when it is the number of examples.
"""

from __future__ import annotations

import numpy as np


def scale_factor(value: np.ndarray | None, truth: np.ndarray, rtol: float = 1e-12) -> float | None:
    """The constant ``c`` with ``value == c * truth`` (to ``rtol``, relative to ``max|value|``),
    or None: a difference that is a scale only reads as a factor, not as a relative error.
    Needs two nonzero entries at least: any number is a multiple of any other."""
    truth = np.asarray(truth, dtype=np.float64)
    if value is None or np.shape(value) != truth.shape or np.count_nonzero(truth) < 2:
        return None
    value = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(value)):
        return None
    c = float(np.vdot(truth, value) / np.vdot(truth, truth))
    scale = float(np.max(np.abs(value)))
    if c == 0.0 or float(np.max(np.abs(value - c * truth))) > rtol * scale:
        return None
    return c


def describe_factor(c: float, m: int | None = None) -> str:
    """``"factor m = 400"``, ``"factor 1/m = 1/400"`` or ``"factor 1.001"``."""
    if m is not None and m > 1:
        if abs(c - m) <= 1e-9 * m:
            return f"factor m = {m}"
        if abs(c * m - 1) <= 1e-9:
            return f"factor 1/m = 1/{m}"
    return f"factor {c:.6g}"
