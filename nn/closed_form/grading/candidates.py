"""The catalogue of common slips: for one quantity, each slip's value built from the right
inputs, with its kind (what a second hint names) and the sentence that names it.

``diagnosis`` asks, candidate by candidate, whether the learner's value is one of these (to a
constant factor). The candidates are built from ``truth``, which is autodiff's gradients, or,
for a quantity whose input is wrong, the gradients of a world where the learner's input is
right (``grader.local_truth``), so that a later quantity's own slip is named as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from ...activations import ACTIVATIONS
from ..losses import softmax
from ..network import ForwardCache
from .rules import Key

FACTOR = "a constant factor (an m, a 1/m or a number too many or too few)"
SIGN = "the sign"
DERIVATIVE = "the activation's derivative"
TRANSPOSE = "a transpose"
SUM = "the sum over the examples (its axis, or no sum at all)"
LAYER = "which layer's array it uses"
PRODUCT = "the kind of product: a matrix product @ where the elementwise ⊙ (NumPy *) belongs"
AVERAGE = "an average over the batch where the per-example formula belongs"
OTHER = "the quantity itself: it holds another gradient's values"
PRECISION = "the floating-point precision of your array"
LOSS = "the derivative of the cost"
INPUT = "its input, an earlier quantity"
UNKNOWN = "none of the grader's known slips: compare one element by hand"

_IN_A = {"tanh": ("1 − A²", lambda A: 1 - A ** 2), "sigmoid": ("A(1 − A)", lambda A: A * (1 - A))}
"""Derivatives as learners write them, in terms of the layer's output ``A``."""


@dataclass(frozen=True)
class Candidate:
    kind: str
    sentence: str
    build: Callable[[], np.ndarray]
    small: bool = False  # a slip whose error can be small enough to pass for rounding


def _derivative_slips(l: int, t: np.ndarray, dA: np.ndarray, cache: ForwardCache
                      ) -> list[Candidate]:
    """``dZ[l]`` of an elementwise layer: the derivative missing, wrong, doubled, or at the
    wrong array; an average over the batch; ``@`` for ``⊙``."""
    act, L = cache.activations[l], cache.L
    Z, A = cache.Z[l], cache.A[l]
    out = [
        Candidate(DERIVATIVE, "the activation derivative is missing: dZ = dA, without ⊙ α'(Z)",
                  lambda: dA),
        Candidate(DERIVATIVE, f"α(Z) where α'(Z) belongs: Rojas's (C) as printed (dZ = dA ⊙ "
                  f"α(Z)); the derivative of {act.name} is needed",
                  lambda: dA * act.fn(Z)),
    ]
    twice = ("A - Y (the shortcut of sigmoid with cross-entropy) times σ'(Z) again: the "
             "shortcut already contains σ'" if l == L and act.name == "sigmoid"
             and cache.loss == "binary_cross_entropy" else
             "the activation derivative is applied twice (dA ⊙ α'(Z) ⊙ α'(Z))")
    out.append(Candidate(DERIVATIVE, twice, lambda: t * act.derivative(Z)))
    for other in ("sigmoid", "tanh", "relu", "identity"):
        if other == act.name or other not in ACTIVATIONS:
            continue
        prime = ACTIVATIONS[other].derivative
        right = _IN_A.get(act.name, ("α'(Z)", None))[0]
        out.append(Candidate(DERIVATIVE, f"{other}′ where {act.name}′ belongs: layer {l} is "
                             f"{act.name}, whose derivative is {right}",
                             partial(_times, dA, prime, Z)))
        if other in _IN_A:
            text, in_a = _IN_A[other]
            out.append(Candidate(DERIVATIVE, f"{other}′ written in A, {text}, where "
                                 f"{act.name}′ = {right} belongs: layer {l} is {act.name}",
                                 partial(_times, dA, in_a, A)))
    if act.name in _IN_A:
        text, in_a = _IN_A[act.name]
        at_z = text.replace("A", "Z")
        out.append(Candidate(DERIVATIVE, f"{act.name}′ evaluated at Z: {at_z} where {text} "
                             f"(= {act.name}′(Z)) belongs; {text} takes the layer's output A "
                             f"= {act.name}(Z), not Z", lambda: dA * in_a(Z), small=True))
    out.append(Candidate(DERIVATIVE, f"{act.name}′ evaluated at A: α'(A[{l}]) where α'(Z[{l}]) "
                         f"belongs", lambda: dA * act.derivative(A), small=True))
    if cache.m >= 2:
        out.append(Candidate(AVERAGE, "the derivative averaged over the batch: dA ⊙ (mean of "
                             "α'(Z) over the examples), the blog's diag(f'(z)) built from the "
                             "whole batch; each example needs its own f'(z) (shows only with "
                             "m ≥ 2)", lambda: dA * act.derivative(Z).mean(axis=1,
                                                                           keepdims=True),
                             small=True))
    for text, build in (("dA @ α'(Z)ᵀ", lambda: dA @ act.derivative(Z).T),
                        ("dAᵀ @ α'(Z)", lambda: dA.T @ act.derivative(Z)),
                        ("α'(Z) @ dAᵀ", lambda: act.derivative(Z) @ dA.T),
                        ("α'(Z)ᵀ @ dA", lambda: act.derivative(Z).T @ dA)):
        out.append(Candidate(PRODUCT, f"a matrix product where ⊙ belongs: {text} (shape "
                             f"{np.shape(build())}); dZ = dA ⊙ α'(Z) multiplies element by "
                             f"element, dA * α'(Z) in NumPy", build))
    return out


def _times(dA: np.ndarray, f: Callable[[np.ndarray], np.ndarray], at: np.ndarray
           ) -> np.ndarray:
    return dA * f(at)


def _loss_slips(l: int, cache: ForwardCache) -> list[Candidate]:
    """``dA[L]`` (and ``dZ[L]`` for logits): the cost's derivative confused."""
    A, Y, m = cache.A[l], cache.T, cache.m
    out: list[Candidate] = []
    if cache.loss == "binary_cross_entropy":
        out.append(Candidate(LOSS, "A − Y is ∂J/∂Z[L] of sigmoid with cross-entropy (the "
                             "shortcut), not ∂J/∂A[L] = (A − Y) / (A(1 − A)) (over m)",
                             lambda: (A - Y) / m))
    if cache.loss == "cross_entropy":
        out += [
            Candidate(LOSS, "the softmax is missing: Z − Y where softmax(Z) − Y belongs",
                      lambda: (cache.Z[l] - Y) / m),
            Candidate(LOSS, "the sigmoid where the softmax belongs: σ(Z) − Y; softmax "
                      "normalises each column (axis=0) to sum to 1",
                      lambda: (1 / (1 + np.exp(-cache.Z[l])) - Y) / m),
            Candidate(LOSS, "the softmax taken over the wrong axis: over the examples "
                      "(axis=1) where each column, one example's classes, belongs (axis=0)",
                      lambda: (softmax(cache.Z[l].T).T - Y) / m),
            Candidate(LOSS, "the derivative of log: −Y / softmax(Z), the derivative with "
                      "respect to the probabilities, where the one with respect to the "
                      "logits, softmax(Z) − Y, belongs",
                      lambda: -Y / softmax(cache.Z[l]) / m),
        ]
    return out


def candidates(key: Key, truth: dict[Key, np.ndarray], cache: ForwardCache
               ) -> list[Candidate]:
    """Every slip that ``key`` may hold, in the order they are tried."""
    name, l = key
    m, L = cache.m, cache.L
    t = truth[key]
    out: list[Candidate] = []
    if name in ("dA", "dZ") and l == L and (name == "dA" or not cache.activations[l].elementwise
                                           or cache.activations[l].name == "identity"):
        out += _loss_slips(l, cache)
    if name == "dZ" and cache.activations[l].elementwise and \
            cache.activations[l].name != "identity":  # identity′ = 1: no slip to make there
        out += _derivative_slips(l, t, truth["dA", l], cache)
    if name == "dW":
        dZ = truth["dZ", l]
        out.append(Candidate(LAYER, f"the wrong layer's A: dZ[{l}] A[{l}]ᵀ where A[{l - 1}]ᵀ "
                             f"belongs (Wichmann (5.13)-(5.16) write A^(l))",
                             lambda: dZ @ cache.A[l].T))
        if l >= 2:
            out.append(Candidate(LAYER, f"the wrong layer's A: A[{l - 2}] where A[{l - 1}] "
                                 f"belongs", lambda: dZ @ cache.A[l - 2].T))
        out.append(Candidate(TRANSPOSE, "transposed: this is (dZ A[l-1]ᵀ)ᵀ = A[l-1] dZᵀ",
                             lambda: t.T))
        mean_a = cache.A[l - 1].mean(axis=1, keepdims=True)
        if m >= 2:
            out.append(Candidate(AVERAGE, "the blog's per-sample formula on averages: ∂L/∂b^l "
                                 "(mean a^{l-1})ᵀ where the mean over samples of ∂g_i/∂b^l "
                                 "a^{l-1}(x_i)ᵀ belongs (shows only with m ≥ 2)",
                                 lambda: truth["db", l] @ mean_a.T))
        if l < L and m >= 2:
            out.append(Candidate(AVERAGE, "the blog's per-sample recursion run on averages "
                                 "(diag(f'(z)) of the whole batch, then ∂L/∂b^l (mean "
                                 "a^{l-1})ᵀ; shows only with m ≥ 2)",
                                 lambda: per_sample_db(cache, truth, l) @ mean_a.T))
    if name == "db":
        dZ = truth["dZ", l]
        one_unit = (" (with one unit, that leaves dZ as it is: no sum over the examples at "
                    "all)" if dZ.shape[0] == 1 else "")
        wrong_axis = ("summed over the wrong axis: over the units (axis=0) instead of the "
                      f"examples (axis=1, keepdims=True){one_unit}")
        out += [
            Candidate(LAYER, f"dW's A where db's ones belong: dZ[{l}] A[{l - 1}]ᵀ is "
                      f"∂J/∂W[{l}]; ∂J/∂b[{l}] = dZ[{l}] J_N, J_N a column of ones (Wichmann "
                      f"(6.5) prints H A^(1))", lambda: dZ @ cache.A[l - 1].T),
            Candidate(SUM, wrong_axis, lambda: dZ.sum(axis=0, keepdims=True)),
            Candidate(SUM, wrong_axis, lambda: dZ.sum(axis=0)),
            Candidate(SUM, "summed over both axes: a number, not one value per unit (axis=1, "
                      "keepdims=True)", lambda: np.asarray(dZ.sum())),
            Candidate(SUM, "the right values in the wrong shape: keep the column (axis=1, "
                      "keepdims=True)", lambda: t.reshape(-1)),
            Candidate(SUM, "not summed over the examples: dZ itself (sum over axis=1, "
                      "keepdims=True)", lambda: dZ),
        ]
        if l < L and m >= 2:
            out.append(Candidate(AVERAGE, "the blog's per-sample recursion run on averages: "
                                 "diag(f'(z^l)) of the whole batch times (W^{l+1})ᵀ "
                                 "∂L/∂b^{l+1}, where the mean over samples of the per-sample "
                                 "products belongs (shows only with m ≥ 2)",
                                 lambda: per_sample_db(cache, truth, l)))
    if name == "dA" and l < L:
        dZ = truth["dZ", l + 1]
        W = cache.W[l + 1]
        out += [Candidate(TRANSPOSE, f"the transpose is missing: W[{l + 1}] dZ[{l + 1}] where "
                          f"W[{l + 1}]ᵀ dZ[{l + 1}] belongs", lambda: W @ dZ),
                Candidate(TRANSPOSE, "transposed: this is dAᵀ (dZᵀ W)", lambda: t.T),
                Candidate(LAYER, f"the wrong layer's W: W[{l}]ᵀ where W[{l + 1}]ᵀ belongs",
                          lambda: cache.W[l].T @ dZ)]
    if name in ("dZ", "dA"):
        out.append(Candidate(TRANSPOSE, "transposed (an extra .T)", lambda: t.T))
    return out


def per_sample_db(cache: ForwardCache, truth: dict[Key, np.ndarray], l: int) -> np.ndarray:
    """The blog's interior recursion on averages: ``mean f'(Z[l]) ⊙ W[l+1]ᵀ db[l+1]``."""
    fprime = cache.activations[l].derivative(cache.Z[l]).mean(axis=1, keepdims=True)
    return fprime * (cache.W[l + 1].T @ truth["db", l + 1])
