"""Errata of document 003, the blog post *Bro, do you even backprop?*.

The post's loss ``L`` is the average of ``g`` over ``N`` samples (our ``mse``), so its gradients
are already ``dJ/d(.)``: no conversion. Its interior recursion and weight formula hold for one
sample's loss and are written for ``L``: read per sample they are right, read on the batch (the
only batch ``z^l`` a reader can form is an average) they are not, so ``blog-per-sample`` is an
ambiguity, with both readings' numbers.
"""

from __future__ import annotations

import numpy as np

from .. import blog
from ..network import ForwardCache
from .entry import Erratum, Reading, Target, at_least, requiring

DOC = blog.DOCUMENT


def _output_not_identity(cache: ForwardCache) -> tuple[bool, str]:
    name = cache.activations[cache.L].name
    return name != "identity", "with an identity output a^L = z^L, so the slip is harmless"


def _interior(cache: ForwardCache) -> tuple[bool, str]:
    return at_least("L (an interior layer)", lambda c: c.L, 2)(cache)


def _per_sample(cache: ForwardCache) -> np.ndarray:
    """The recursion per sample, diag(f'(z^l(x_i))), averaged over the N samples."""
    return blog.backprop(cache)["db"][cache.L - 1]


def _on_the_batch(cache: ForwardCache) -> np.ndarray:
    """The recursion with L read as the batch's: diag(f'(z^l)) of the batch-mean f', times
    (W^{l+1})^T dL/db^{l+1}, the averaged output-layer result."""
    L = cache.L
    dL_db = blog.backprop(cache)["db"][L]
    fprime = cache.activations[L - 1].derivative(cache.Z[L - 1]).mean(axis=1)
    return np.diag(fprime) @ cache.W[L].T @ dL_db


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        key="blog-output-layer",
        document=DOC,
        location="'For the output layer'",
        quote=r"since ${\bf a}^L = {\bf W}^L \cdotp {\bf a}^{L-1} + {\bf b}^L$",
        printed=r"{\bf a}^L = {\bf W}^L \cdotp {\bf a}^{L-1} + {\bf b}^L",
        corrected=(
            r"{\bf z}^L = {\bf W}^L \cdotp {\bf a}^{L-1} + {\bf b}^L, \quad "
            r"{\bf a}^L = f({\bf z}^L)"
        ),
        explanation=(
            "The affine map gives the pre-activation z^L; the very next lines differentiate "
            "a^L through z_k^L with f'(z_k^L), which is only right for a^L = f(z^L), and the "
            "post itself later writes z_k^L = (w_k^L)^T a^{L-1} + b_k^L."
        ),
        kind="typo",
        category="label",
        target=Target("A", -1),
        evaluate_printed=lambda c: c.W[c.L] @ c.A[c.L - 1] + c.b[c.L],
        evaluate_corrected=lambda c: c.activations[c.L].fn(c.W[c.L] @ c.A[c.L - 1] + c.b[c.L]),
        requires=_output_not_identity,
    ),
    Erratum(
        key="blog-per-sample",
        document=DOC,
        location="'For an interior layer l', 'Derivatives with respect to W^l', output layer",
        quote=(
            r"({\bf W}^{l+1})^T \cdotp \frac{\partial L}{\partial {\bf b}^{l+1}} ... "
            r"\frac{\partial L}{\partial {\bf W}^l} = \frac{\partial L}{\partial {\bf b}^l} "
            r"\cdotp ({\bf a}^{l-1})^T"
        ),
        printed=(
            r"\frac{\partial L}{\partial {\bf b}^l} = \mathrm{diag}(f'(z_1^l), \dots, "
            r"f'(z_{n_l}^l)) ({\bf W}^{l+1})^T \frac{\partial L}{\partial {\bf b}^{l+1}}, "
            r"\quad \frac{\partial L}{\partial {\bf W}^l} = \frac{\partial L}{\partial "
            r"{\bf b}^l} ({\bf a}^{l-1})^T"
        ),
        corrected=(
            r"\frac{\partial g_i}{\partial {\bf b}^l} = \mathrm{diag}(f'({\bf z}^l({\bf "
            r"x}_i))) ({\bf W}^{l+1})^T \frac{\partial g_i}{\partial {\bf b}^{l+1}}, \quad "
            r"\frac{\partial g_i}{\partial {\bf W}^l} = \frac{\partial g_i}{\partial {\bf "
            r"b}^l} ({\bf a}^{l-1}({\bf x}_i))^T, \quad \frac{\partial L}{\partial \cdot} = "
            r"\frac1N \sum_{i=1}^N \frac{\partial g_i}{\partial \cdot}"
        ),
        explanation=(
            "One drift, between L = (1/N) sum_i g(a^L(x_i) - y_i) and one sample's loss g_i. "
            "The post keeps the (1/N) sum_i in its output-layer result, but from 'For an "
            "interior layer' on it writes L for what holds for g_i: z^l, a^{l-1} and the "
            "diagonal Jacobians depend on the sample. Two readings, both evaluated: per sample "
            "(L read as g_i), the recursion and the weight formula are right, and averaged over "
            "the samples they give dL/db^l and dL/dW^l; on the batch (L read as L, with the "
            "only batch z^l a reader can form, the batch-mean f'), they are not, and the "
            "difference shows with N >= 2 only. The same drift leaves x_i out of "
            "diag(f'(z_1^L), ...) inside the output layer's sum over i."
        ),
        kind="ambiguity",
        category="per-example",
        target=Target("db", -2),
        readings=(
            Reading("per sample, L read as g_i: diag(f'(z^l(x_i))), then averaged over the N "
                    "samples", _per_sample, agrees=True),
            Reading("on the batch, L read as L: diag of the batch-mean f'(z^l) times "
                    "(W^{l+1})^T dL/db^{l+1}", _on_the_batch, agrees=False),
        ),
        evaluate_corrected=_per_sample,
        requires=requiring(blog.applicable, _interior, at_least("N", lambda c: c.m, 2)),
    ),
)
