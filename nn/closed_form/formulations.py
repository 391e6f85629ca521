"""The registry of formulations: each document's backpropagation function with its
applicability check and caveats, for a comparison loop (``compare``) and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from . import blog, rojas, wichmann, zhang
from .network import ForwardCache
from .result import BackpropResult


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
