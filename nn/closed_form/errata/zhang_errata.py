"""Errata of document 001, Zhang, *Derivation of the back-propagation algorithm*.

Zhang works one example at a time; batch values are the means over the ``m`` examples, as
``nn.mse`` averages his per-example cost (see ``zhang``). Layers are in our numbering: his
:math:`W^{(n_l - r)}` is our ``W[L - r + 1]``.
"""

from __future__ import annotations

import numpy as np

from .. import zhang
from ..network import ForwardCache
from .entry import Erratum, Target, at_least, requiring

DOC = zhang.DOCUMENT


def _covered(cache: ForwardCache) -> tuple[bool, str]:
    return zhang.applicable(cache)


# The five-layer derivation: j, i, k, q, p on layers n_l - 4 .. n_l; W^{(n_l-4)} is our W[L-3].
def _bound_index_printed(cache: ForwardCache) -> np.ndarray:
    layer = cache.L - 3
    delta = zhang.backprop(cache)["delta"][layer]  # delta_i^{(n_l - 3)} per example
    row = cache.A[layer - 1] @ delta.sum(axis=0) / cache.m  # sum_i delta_i a_j, averaged
    return np.tile(row, (delta.shape[0], 1))  # the same for every i


def _bound_index_corrected(cache: ForwardCache) -> np.ndarray:
    return zhang.backprop(cache)["dW"][cache.L - 3]


def _step1_printed(cache: ForwardCache) -> np.ndarray:
    L = cache.L
    h, y = cache.A[L], cache.T
    fprime = cache.activations[L].derivative(cache.Z[L])
    # -(y - h_p) da_p/dz_p: y is the whole target vector, so each delta_p is a vector.
    return -(y[np.newaxis, :, :] - h[:, np.newaxis, :]) * fprime[:, np.newaxis, :] / cache.m


def _step1_corrected(cache: ForwardCache) -> np.ndarray:
    L = cache.L
    fprime = cache.activations[L].derivative(cache.Z[L])
    return -(cache.T - cache.A[L]) * fprime / cache.m


def _step3_printed(cache: ForwardCache) -> np.ndarray:
    """d h_p / d W^{(l)} for our W[1], each output p, averaged over the examples."""
    L, W = cache.L, cache.W
    fprime = {l: cache.activations[l].derivative(cache.Z[l]) for l in range(1, L + 1)}
    stack = []
    for p in range(cache.sizes[L]):
        delta = np.zeros_like(cache.A[L])
        delta[p] = fprime[L][p]  # delta_p^{(n_l)} = da_p/dz_p, the derivation's meaning
        for l in range(L - 1, 0, -1):
            delta = (W[l + 1].T @ delta) * fprime[l]
        stack.append(delta @ cache.X.T / cache.m)
    return np.stack(stack)


def _step3_corrected(cache: ForwardCache) -> np.ndarray:
    return zhang.backprop(cache)["dW"][1]


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        key="zhang-bound-index",
        document=DOC,
        location="derivation, line with the sum over layer n_l - 3",
        quote=(
            r"\sum_{i=1}^{s_{n_l-3}} W_{k \leftarrow i}^{(n_l-3)} \cdot "
            r"\frac{\partial a_i^{(n_l-3)}}{\partial W_{i \leftarrow j}^{(n_l-4)}}"
        ),
        corrected=(
            r"\sum_{i'=1}^{s_{n_l-3}} W_{k \leftarrow i'}^{(n_l-3)} \cdot "
            r"\frac{\partial a_{i'}^{(n_l-3)}}{\partial W_{i \leftarrow j}^{(n_l-4)}} = "
            r"W_{k \leftarrow i}^{(n_l-3)} \frac{\partial a_i^{(n_l-3)}}"
            r"{\partial W_{i \leftarrow j}^{(n_l-4)}}"
        ),
        explanation=(
            "The summation index i is the same letter as the fixed unit i of the weight "
            "W_{i<-j}: as printed every term differentiates a_i by its own weight W_{i<-j}, so "
            "the sum is sum_i W_{k<-i} f'(z_i) a_j, the same for every i. The next line keeps "
            "only the term of the fixed i, which is right; the sum needs its own index. "
            "Carried through, the printed line gives dJ/dW_{i<-j} = (sum_i' delta_i') a_j."
        ),
        kind="typo",
        category="index",
        target=Target("dW", -4),
        evaluate_printed=_bound_index_printed,
        evaluate_corrected=_bound_index_corrected,
        requires=requiring(
            _covered,
            at_least("L (five layers j, i, k, q, p)", lambda c: c.L, 4),
            at_least("n_{L-3} (units i)", lambda c: c.sizes[c.L - 3], 2),
        ),
    ),
    Erratum(
        key="zhang-step-1",
        document=DOC,
        location="step 1)",
        quote=(
            r"\delta_p^{(n_l)} = - \left( y - h_p(W, b; x, y) \right) \left( "
            r"\frac{dh_p(W, b; x, y)}{dz_p^{(n_l)}} \right)"
        ),
        printed=(
            r"\delta_p^{(n_l)} = - \left( y - h_p(W, b; x, y) \right) "
            r"\left( \frac{da_p^{(n_l)}}{dz_p^{(n_l)}} \right)"
        ),
        corrected=(
            r"\delta_p^{(n_l)} = - \left( y_p - h_p(W, b; x) \right) "
            r"\left( \frac{da_p^{(n_l)}}{dz_p^{(n_l)}} \right)"
        ),
        explanation=(
            "The derivation (first equation, and the line 'bring back the sum') has y_p - h_p; "
            "y is the whole target vector, so as printed delta_p is a vector and delta^{(n_l)} "
            "an s_{n_l} x s_{n_l} array. Harmless only with one output unit."
        ),
        kind="typo",
        category="index",
        target=Target("dZ", -1),
        evaluate_printed=_step1_printed,
        evaluate_corrected=_step1_corrected,
        requires=requiring(_covered, at_least("n_L", lambda c: c.sizes[c.L], 2)),
    ),
    Erratum(
        key="zhang-step-3",
        document=DOC,
        location="step 3)",
        quote=(
            r"\frac{\partial h_p(W, b; x, y)}{\partial W_{i \leftarrow j}^{(l)}} = "
            r"\delta_i^{(l+1)} \cdot a_j^{(l)}"
        ),
        corrected=(
            r"\frac{\partial J(W, b; x, y)}{\partial W_{i \leftarrow j}^{(l)}} = "
            r"\delta_i^{(l+1)} \cdot a_j^{(l)}"
        ),
        explanation=(
            "Step 3) is introduced as 'the gradient of the cost function', and with the delta of "
            "steps 1) and 2) (which carry -(y_p - h_p) and sum over all outputs p) the right side "
            "is dJ/dW_{i<-j}. The left side dh_p/dW belongs to the derivation before 'bring back "
            "the sum', where delta stood for the da/dz chain of one output p (see the note "
            "zhang-delta): with that delta the equation holds, but it is not the cost's "
            "gradient and not the delta steps 1)-2) define. The printed left side, dh_p/dW for "
            "each p, is evaluated as an (s_{n_l}, n_1, n_0) stack (our W[1]), averaged over "
            "examples."
        ),
        kind="typo",
        category="label",
        target=Target("dW", 1),
        evaluate_printed=_step3_printed,
        evaluate_corrected=_step3_corrected,
        requires=_covered,
    ),
)
