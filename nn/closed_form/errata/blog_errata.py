"""Errata of document 003, the blog post *Bro, do you even backprop?*.

The post's loss ``L`` is the average of ``g`` over ``N`` samples (our ``mse``), so its gradients
are already ``dJ/d(.)``: no conversion.
"""

from __future__ import annotations

import numpy as np

from .. import blog
from ..network import ForwardCache
from .entry import Erratum, Target, at_least, requiring

DOC = blog.DOCUMENT


def _covered(cache: ForwardCache) -> tuple[bool, str]:
    return blog.applicable(cache)


def _two_samples(cache: ForwardCache) -> tuple[bool, str]:
    return at_least("N", lambda c: c.m, 2)(cache)


def _output_not_identity(cache: ForwardCache) -> tuple[bool, str]:
    name = cache.activations[cache.L].name
    return name != "identity", "with an identity output a^L = z^L, so the slip is harmless"


def _hidden_not_identity(cache: ForwardCache) -> tuple[bool, str]:
    if cache.L < 2:
        return False, "needs an interior layer (L >= 2)"
    name = cache.activations[cache.L - 1].name
    return name != "identity", "with an identity layer L-1, diag(f'(z)) = I for every sample"


def _mean_da_dz(cache: ForwardCache, layer: int) -> np.ndarray:
    return np.mean(blog.da_dz(cache.activations[layer], cache.Z[layer]), axis=0)


def _recursion_printed(cache: ForwardCache) -> np.ndarray:
    """diag(f'(z^{L-1})) (W^L)^T dL/db^L with the batch gradient dL/db^L: one diag for all."""
    L = cache.L
    dL_db = blog.backprop(cache)["db"]
    return _mean_da_dz(cache, L - 1) @ cache.W[L].T @ dL_db[L]


def _weights_printed(cache: ForwardCache) -> np.ndarray:
    """dL/db^L (a^{L-1})^T with the batch gradient and one (the mean) a^{L-1}."""
    L = cache.L
    a_prev = cache.A[L - 1].mean(axis=1, keepdims=True)
    return blog.backprop(cache)["db"][L] @ a_prev.T


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        key="blog-output-layer",
        document=DOC,
        location="'For the output layer'",
        printed=r"{\bf a}^L = {\bf W}^L \cdotp {\bf a}^{L-1} + {\bf b}^L",
        corrected=(
            r"{\bf z}^L = {\bf W}^L \cdotp {\bf a}^{L-1} + {\bf b}^L, \quad "
            r"{\bf a}^L = f({\bf z}^L)"
        ),
        explanation=(
            "The affine map gives the pre-activation z^L; the very next lines differentiate "
            "a^L through z_k^L with f'(z_k^L), which is only right for a^L = f(z^L)."
        ),
        kind="label",
        target=Target("A", -1),
        evaluate_printed=lambda c: c.W[c.L] @ c.A[c.L - 1] + c.b[c.L],
        evaluate_corrected=lambda c: c.activations[c.L].fn(c.W[c.L] @ c.A[c.L - 1] + c.b[c.L]),
        requires=_output_not_identity,
    ),
    Erratum(
        key="blog-interior-recursion",
        document=DOC,
        location="'For an interior layer l', final equation",
        printed=(
            r"\frac{\partial L}{\partial {\bf b}^l} = \mathrm{diag}(f'(z_1^l), \dots, "
            r"f'(z_{n_l}^l)) \cdotp ({\bf W}^{l+1})^T \cdotp "
            r"\frac{\partial L}{\partial {\bf b}^{l+1}}"
        ),
        corrected=(
            r"\frac{\partial L}{\partial {\bf b}^l} = \frac1N \sum_{i=1}^N "
            r"\mathrm{diag}(f'({\bf z}^l({\bf x}_i))) ({\bf W}^{l+1})^T "
            r"\frac{\partial g_i}{\partial {\bf b}^{l+1}}, \quad "
            r"g_i = g({\bf a}^L({\bf x}_i) - {\bf y}_i)"
        ),
        explanation=(
            "A per-example identity used for the batch: L averages g over N samples, and "
            "diag(f'(z^l)) differs from sample to sample, so it cannot be taken out of the "
            "average: mean(D_i W^T d_i) != mean(D_i) W^T mean(d_i). The output-layer result "
            "keeps the (1/N) sum; the interior one drops it. Evaluated at l = L - 1 with the "
            "batch dL/db^L and the mean diagonal (no single z^l exists for N samples)."
        ),
        kind="per-example",
        target=Target("db", -2),
        evaluate_printed=_recursion_printed,
        evaluate_corrected=lambda c: blog.backprop(c)["db"][c.L - 1],
        requires=requiring(_covered, _two_samples, _hidden_not_identity),
    ),
    Erratum(
        key="blog-weights",
        document=DOC,
        location="'Derivatives with respect to W^l', final equation",
        printed=(
            r"\frac{\partial L}{\partial {\bf W}^l} = \frac{\partial L}{\partial {\bf b}^l} "
            r"\cdotp ({\bf a}^{l-1})^T"
        ),
        corrected=(
            r"\frac{\partial L}{\partial {\bf W}^l} = \frac1N \sum_{i=1}^N "
            r"\frac{\partial g_i}{\partial {\bf b}^l} \cdotp ({\bf a}^{l-1}({\bf x}_i))^T"
        ),
        explanation=(
            "Also per example only: a^{l-1} and dg/db^l both depend on the sample, and the "
            "average of outer products is not the outer product of averages. With the batch "
            "matrix A^{l-1} the printed product is (n_l x 1)(N x n_{l-1}) and does not conform; "
            "evaluated at l = L with the batch dL/db^L and the mean a^{L-1}."
        ),
        kind="per-example",
        target=Target("dW", -1),
        evaluate_printed=_weights_printed,
        evaluate_corrected=lambda c: blog.backprop(c)["dW"][c.L],
        requires=requiring(_covered, _two_samples),
    ),
)
