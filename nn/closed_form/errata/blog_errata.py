"""Errata of document 003, the blog post *Bro, do you even backprop?*.

The post's loss ``L`` is the average of ``g`` over ``N`` samples (our ``mse``), so its gradients
are already ``dJ/d(.)``: no conversion. Its interior recursion and weight formula hold for one
sample's loss; that drift between ``L`` and ``g`` is a note (``notes``), not an erratum.
"""

from __future__ import annotations

from .. import blog
from ..network import ForwardCache
from .entry import Erratum, Target

DOC = blog.DOCUMENT


def _output_not_identity(cache: ForwardCache) -> tuple[bool, str]:
    name = cache.activations[cache.L].name
    return name != "identity", "with an identity output a^L = z^L, so the slip is harmless"


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
)
