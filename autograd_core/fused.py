"""Ops fused for numerical stability: binary cross-entropy on probabilities, on a sigmoid's
output, and on logits (STYLE: fuse only for stability or measured speed).

Same protocol as ``ops``. Their ``saved`` values are computed from the inputs (floors, logs,
σ(−z)), so each also has ``dvjp``: the rules on Tensors, for ``create_graph``.
"""

from __future__ import annotations

import numpy as np

from . import rule_helpers
from .ops import Op, Sigmoid, sigmoid

# e^-100: logs are clamped at -100 (as PyTorch does), finite at p = 0 or 1
LOG_FLOOR = 3.720075976020836e-44
PROBABILITY_FLOOR = 1e-12  # keeps the gradient for a probability of exactly 0 or 1 finite


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, and 0 where a is 0 (also where b is: a term that is absent, not 0/0)."""
    if b.all():
        return a / b
    with np.errstate(divide="ignore", invalid="ignore"):  # b underflowed to 0 somewhere
        out = a / b
    out[np.broadcast_to(a == 0, out.shape)] = 0
    return out


def _check_targets(op: str, t: np.ndarray) -> None:
    """Refuse targets outside [0, 1] (nan too). Such a target gives a finite loss, negative or
    meaningless, and a gradient pushing the prediction past 0 or 1. Checked in ``forward``, so
    that a compiled replay, which calls it with each call's targets, refuses them as well."""
    inside = (t >= 0) & (t <= 1)
    if not inside.all():
        bad = t[~inside]
        raise ValueError(f"{op}: targets must lie in [0, 1] (labels 0 or 1, or probabilities), "
                         f"but {bad.size} of {t.size} do not (e.g. {float(bad.flat[0])})")


def _logit_grad(g, p, q, t, m):
    """dJ/dz = (σ(z) − t)/m from p = σ(z) and q = σ(−z), each exact: (1 − t) p − t q."""
    return (g / m) * ((1 - t) * p - t * q)


def _columns(x) -> int:
    return x.shape[-1] if x.ndim else 1


def _average(total, m: int):
    """total / m in total's dtype. A sum over a whole array is a NumPy scalar, and NumPy 1.x
    promotes a float32 scalar with a Python int or float to float64 (NumPy 2 treats Python
    scalars as weak, NEP 50): dividing by m of the same dtype keeps float32 under both."""
    return total / total.dtype.type(m)


class BinaryCrossEntropy(Op):
    """J = −(1/m) Σ [t ln p + (1 − t) ln(1 − p)] over probabilities p, m = number of columns

    Saved: p and q = 1 − p (floored, so the gradient stays finite at exactly 0 or 1), the
    clamped logs, t and m. ``BinaryCrossEntropyOfSigmoid`` saves the same from the logit.
    """

    name, symbol = "binary_cross_entropy", "BCE"
    formulas = ("d{a} = ({a} − {b}) / ({a} ⊙ (1 − {a}) m)", "d{b} = (ln(1 − {a}) − ln {a}) / m")

    @staticmethod
    def forward(p, t):
        _check_targets("binary_cross_entropy", t)
        m = _columns(p)
        q = 1 - p
        log_p, log_q = np.log(np.maximum(p, LOG_FLOOR)), np.log(np.maximum(q, LOG_FLOOR))
        out = _average(-(t * log_p + (1 - t) * log_q).sum(), m)
        floor = PROBABILITY_FLOOR
        return out, (np.maximum(p, floor), np.maximum(q, floor), t, log_p, log_q, m)

    # (p − t) / (p (1 − p)) written as (1 − t)/q − t/p: no 0/0 where a label makes a term absent
    vjp = (lambda g, p, q, t, log_p, log_q, m: (g / m) * (_ratio(1 - t, q) - _ratio(t, p)),
           lambda g, p, q, t, log_p, log_q, m: (g / m) * (log_q - log_p))

    @staticmethod
    def _dvjp_p(g, p, t, out):
        floor = PROBABILITY_FLOOR
        return (g / _columns(p)) * ((1 - t) / rule_helpers.at_least(1 - p, floor)
                                    - t / rule_helpers.at_least(p, floor))

    @staticmethod
    def _dvjp_t(g, p, t, out):
        log_p = rule_helpers.log(rule_helpers.at_least(p, LOG_FLOOR))
        log_q = rule_helpers.log(rule_helpers.at_least(1 - p, LOG_FLOOR))
        return (g / _columns(p)) * (log_q - log_p)

    dvjp = (_dvjp_p, _dvjp_t)


class BinaryCrossEntropyOfSigmoid(BinaryCrossEntropy):
    """BCE of p = σ(z) computed from z, exact for any z; its gradient goes straight to z

    dJ/dz = (σ(z) − t)/m (Wichmann's (3.12): H = A − T), with no σ'(z) that rounds to 0 once
    1 − p does; dJ/dp (for ``.grad``) is exact too, and infinite only where it truly is.
    """

    @staticmethod
    def forward(p, t, z):
        _check_targets("binary_cross_entropy", t)
        m = _columns(p)
        q = sigmoid(-z)  # 1 − p without the cancellation
        if p.size and p.min() > 0:  # ln p from whichever of p, q = 1 − p is exact
            log_p = np.where(z >= 0, np.log1p(-np.minimum(q, 0.5)), np.log(p))  # both finite
        else:  # σ(z) underflowed to 0 somewhere
            log_p = -np.logaddexp(0, -z)
        log_q = log_p - z  # ln σ(−z) = ln σ(z) − z; and so dJ/dt = (ln q − ln p)/m is −z/m
        out = _average(((1 - t) * z - log_p).sum(), m)  # −[t ln p + (1 − t) ln q]
        return out, (p, q, t, log_p, log_q, m)

    shortcut = (Sigmoid, lambda g, p, q, t, log_p, log_q, m: _logit_grad(g, p, q, t, m))

    # On Tensors: z is p's input (p = σ(z) is what made this op apply)
    @staticmethod
    def _dvjp_p(g, p, t, out):
        q = rule_helpers.sigmoid(-p.parents[0])
        return (g / _columns(p)) * ((1 - t) / q - t / p)

    @staticmethod
    def _dvjp_t(g, p, t, out):
        return (g / _columns(p)) * -p.parents[0]

    dvjp = (_dvjp_p, _dvjp_t)
    dshortcut = staticmethod(lambda g, p, t, out: _logit_grad(
        g, p, rule_helpers.sigmoid(-p.parents[0]), t, _columns(p)))


class BinaryCrossEntropyWithLogits(Op):
    """J = (1/m) Σ [t softplus(−z) + (1 − t) softplus(z)], which is BCE(σ(z), t), for any z"""

    name, symbol = "binary_cross_entropy_with_logits", "BCE"
    formulas = ("d{a} = (σ({a}) − {b}) / m", "d{b} = −{a} / m")

    @staticmethod
    def forward(z, t):
        _check_targets("binary_cross_entropy_with_logits", t)
        m = _columns(z)
        out = _average((t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z)).sum(), m)
        return out, (z, t, sigmoid(z), sigmoid(-z), m)

    vjp = (lambda g, z, t, p, q, m: _logit_grad(g, p, q, t, m),
           lambda g, z, t, p, q, m: (g / m) * -z)
    dvjp = (lambda g, z, t, out: _logit_grad(g, rule_helpers.sigmoid(z),
                                             rule_helpers.sigmoid(-z), t, _columns(z)),
            lambda g, z, t, out: (g / _columns(z)) * -z)
