"""The four documents' closed-form backpropagation, in plain NumPy, each in its own notation.

One module per document (``rojas`` 000, ``zhang`` 001, ``wichmann`` 002, ``blog`` 003), each
with ``applicable(cache) -> (bool, reason)`` and formulation functions that take a
:class:`ForwardCache` and return a :class:`BackpropResult`. ``errata`` holds every slip of the
documents with its kind (typo, ambiguity, note), its quote, and its printed and corrected form
as NumPy functions; ``index_forms`` evaluates the documents' entry-by-entry equations as loops
written as on the page. ``FORMULATIONS`` lists the formulation functions (with their caveats)
for a comparison loop; ``compare(model, X, T, loss)`` runs autodiff on an ``nn.MLP`` and every
applicable formulation, and reports every quantity's difference (:class:`Comparison`, presented
by ``compare_report``). The formulations and errata never import ``autograd_core``; only
``compare`` and ``errata.report`` (the evidence against autodiff) run the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from . import blog, errata, rojas, wichmann, zhang
from .compare import Comparison, Row, compare
from .losses import LOSSES, dJ_dA_L, loss_value
from .network import Activation, ForwardCache, forward
from .result import GRADIENTS, BackpropResult, NotApplicableError, Quantity


class Formulation(NamedTuple):
    """One document's formulation: its function, its applicability check, and its caveats.

    ``caveats(cache)`` lists what the formulation reads into or adds to the page for this
    network (a reading of ``err'``, a softmax Jacobian, an extra input); ``compare`` shows them
    beside the table.
    """

    name: str
    document: str
    backprop: Callable[[ForwardCache], BackpropResult]
    applicable: Callable[[ForwardCache], tuple[bool, str]]
    summary: str
    caveats: Callable[[ForwardCache], tuple[str, ...]] | None = None


FORMULATIONS: dict[str, Formulation] = {
    f.name: f
    for f in (
        Formulation(
            "rojas",
            rojas.DOCUMENT,
            rojas.backprop,
            rojas.applicable,
            "summary (A)-(D), batch, dA and dZ without 1/m",
            rojas.caveats,
        ),
        Formulation(
            "zhang",
            zhang.DOCUMENT,
            zhang.backprop,
            zhang.applicable,
            "per-example delta recursion, steps 1)-3), mse",
            zhang.caveats,
        ),
        Formulation(
            "wichmann",
            wichmann.DOCUMENT,
            wichmann.backprop,
            wichmann.applicable,
            "(5.1)-(5.2), any cost through Delta^(L) = dJ/dA^(L)",
        ),
        Formulation(
            "wichmann_mse",
            wichmann.DOCUMENT,
            wichmann.backprop_mse,
            wichmann.applicable_mse,
            "(3.7) Delta^(L) = (A - T)/N, then (5.1)-(5.2)",
        ),
        Formulation(
            "wichmann_sigmoid_cross_entropy",
            wichmann.DOCUMENT,
            wichmann.backprop_sigmoid_cross_entropy,
            wichmann.applicable_sigmoid_cross_entropy,
            "(3.12) H^(L) = (A - T)/N, then (5.1)-(5.2)",
            wichmann.caveats_sigmoid_cross_entropy,
        ),
        Formulation(
            "wichmann_two_layer_tanh",
            wichmann.DOCUMENT,
            wichmann.two_layer_tanh,
            wichmann.applicable_two_layer_tanh,
            "section 6, (6.3)-(6.8), corrected",
            wichmann.caveats_two_layer_tanh,
        ),
        Formulation(
            "blog",
            blog.DOCUMENT,
            blog.backprop,
            blog.applicable,
            "per-sample diag(f'(z)) Jacobians, averaged over N, mse",
            blog.caveats,
        ),
    )
}

__all__ = [
    "FORMULATIONS",
    "GRADIENTS",
    "LOSSES",
    "Activation",
    "BackpropResult",
    "Comparison",
    "Formulation",
    "ForwardCache",
    "NotApplicableError",
    "Quantity",
    "Row",
    "blog",
    "compare",
    "dJ_dA_L",
    "errata",
    "forward",
    "loss_value",
    "rojas",
    "wichmann",
    "zhang",
]
from .grading import grade, plant  # noqa: E402, F401
