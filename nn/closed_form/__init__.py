"""The four documents' closed-form backpropagation, in plain NumPy, each in its own notation.

One module per document (``rojas`` 000, ``zhang`` 001, ``wichmann`` 002, ``blog`` 003), each
with ``applicable(cache) -> (bool, reason)`` and formulation functions that take a
:class:`ForwardCache` and return a :class:`BackpropResult`. ``errata`` holds every slip of the
documents with its kind (typo, ambiguity, note), its quote, and its printed and corrected form
as NumPy functions; ``index_forms`` evaluates the documents' entry-by-entry equations as loops
written as on the page. ``FORMULATIONS`` (``formulations.py``) lists the formulation functions
(with their caveats) for a comparison loop; ``compare(model, X, T, loss)`` runs autodiff on an
``nn.MLP`` and every applicable formulation, and reports every quantity's difference
(:class:`Comparison`, presented by ``compare_report``). The formulations and errata never import
``autograd_core``; only ``compare`` and ``errata.report`` (the evidence against autodiff) run
the engine.
"""

from __future__ import annotations

from . import blog, errata, rojas, wichmann, zhang
from .compare import Comparison, Row, compare
from .formulations import FORMULATIONS, Formulation
from .losses import LOSSES, dJ_dA_L, loss_value
from .network import Activation, ForwardCache, forward
from .result import GRADIENTS, BackpropResult, NotApplicableError, Quantity

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
