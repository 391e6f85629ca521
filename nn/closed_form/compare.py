"""Autodiff against the documents' closed-form equations, on one model and one batch.

``compare(model, X, T, loss)`` runs the model forward and backward with autodiff (every
``Z[l]``, ``A[l]`` keeps its gradient), builds the :class:`ForwardCache` from the model's own
``Z[l]``, ``A[l]`` (a formulation takes the forward cache, it never recomputes it), runs every
formulation that applies, converts each of its quantities to the gradient it stands for (by the
factor the formulation declares, e.g. Rojas's ``dZ`` is ``m * dJ/dZ``: times ``1/m``), and
reports per formulation, layer and quantity the largest absolute and relative difference
(``rows``: ``max rel = max|closed - autodiff| / max(max|autodiff|, tiny)``). A formulation that
does not apply is listed with the reason, never skipped silently; one that applies brings its
caveats.

The autodiff pass is ``autodiff.run_autodiff`` (re-exported here); this module and
``errata.report`` are the only parts of ``closed_form`` that run it, and the formulations stay
plain NumPy. ``compare_report`` presents a :class:`Comparison` (text, Markdown, JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import compare_report
from .autodiff import LOSS_FUNCTIONS, Autodiff, closed_form_targets, run_autodiff
from .formulations import FORMULATIONS
from .losses import LOSSES
from .network import ForwardCache
from .result import BackpropResult, NotApplicableError
from .rows import (
    ATOL,
    RELATIVE_DIFFERENCE,
    RTOL,
    Row,
    conversion_note,
    difference,
    plain_symbol,
    rows_of,
)

__all__ = [
    "ATOL", "LOSS_FUNCTIONS", "RELATIVE_DIFFERENCE", "RTOL", "Autodiff", "Comparison",
    "CustomFormulation", "NotApplicable", "Row", "closed_form_targets", "compare",
    "conversion_note", "difference", "plain_symbol", "run_autodiff",
]


# ----------------------------------------------------------------------------- formulations


class CustomFormulation(NamedTuple):
    """A formulation given as a bare function ``cache -> BackpropResult`` (always applicable)."""

    name: str
    document: str
    backprop: Callable[[ForwardCache], BackpropResult]
    applicable: Callable[[ForwardCache], tuple[bool, str]]
    summary: str = ""


def _always(cache: ForwardCache) -> tuple[bool, str]:
    return True, "a custom formulation: applicability not checked"


def _resolve(formulations: Any) -> list[Any]:
    if formulations is None:
        return list(FORMULATIONS.values())
    if isinstance(formulations, str) or callable(formulations) or hasattr(formulations, "backprop"):
        formulations = [formulations]
    elif isinstance(formulations, Mapping):
        formulations = list(formulations.values())
    chosen: list[Any] = []
    for item in formulations:
        if isinstance(item, str):
            if item not in FORMULATIONS:
                raise ValueError(f"unknown formulation {item!r}; expected one of "
                                 f"{list(FORMULATIONS)} or a formulation object")
            chosen.append(FORMULATIONS[item])
        elif hasattr(item, "backprop") and hasattr(item, "name"):
            chosen.append(item)
        elif callable(item):
            name = getattr(item, "__name__", type(item).__name__)
            chosen.append(CustomFormulation(name, "", item, _always))
        else:
            raise TypeError(f"a formulation is a name, a Formulation (name, backprop, applicable) "
                            f"or a function cache -> BackpropResult, got {type(item).__name__}")
    return chosen


# ---------------------------------------------------------------------------- the comparison


class NotApplicable(NamedTuple):
    """A formulation that does not cover this network or loss, and why."""

    formulation: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`: one :class:`Row` per formulation, layer and quantity.

    Attributes:
        rows: the applicable formulations' quantities, in formulation order, then layer ``L``
            down to 1, then ``dA, dZ, dW, db``.
        not_applicable: ``(formulation, reason)`` for every formulation that does not apply.
        documents: formulation name -> document (``"000 Rojas"``).
        applicable: formulation name -> the reason it applies.
        sizes, activations, loss, m, dtype, J: the network, the batch and its cost.
        caveats: formulation name -> what it reads into or adds to its document for this
            network (shown in every rendering, not only in JSON).

    ``print(report)``, ``report.to_markdown()`` (also Jupyter's rendering) and
    ``report.to_dict()`` present it (``compare_report``).
    """

    rows: list[Row]
    not_applicable: list[NotApplicable]
    documents: dict[str, str]
    applicable: dict[str, str]
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    m: int
    dtype: str
    J: float
    caveats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def ok(self, rtol: float = RTOL, atol: float = ATOL) -> bool:
        """Every applicable quantity within tolerance (True when nothing applies)."""
        return all(row.passes(rtol, atol) for row in self.rows)

    def failures(self, rtol: float = RTOL, atol: float = ATOL) -> list[Row]:
        """The rows outside tolerance."""
        return [row for row in self.rows if not row.passes(rtol, atol)]

    def worst(self, rtol: float = RTOL, atol: float = ATOL) -> Row | None:
        """The row furthest past (or closest to) tolerance, see :meth:`Row.excess`."""
        return max(self.rows, key=lambda row: (row.excess(rtol, atol), row.max_rel, row.max_abs),
                   default=None)

    @property
    def network(self) -> str:
        """``"MLP [2, 4, 1] (tanh, sigmoid), binary_cross_entropy, m = 400, float64"``: every
        layer's activation, in order (no "hidden" for a network without a hidden layer)."""
        return (f"MLP {list(self.sizes)} ({', '.join(self.activations)}), {self.loss}, "
                f"m = {self.m}, {self.dtype}")

    def table(self, rtol: float = RTOL, atol: float = ATOL) -> str:
        """The fixed-width table that ``print(report)`` shows, judged with ``rtol``, ``atol``."""
        return compare_report.text(self, rtol, atol)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"<Comparison {self.network}: {compare_report.summary(self)}>"

    def to_markdown(self, rtol: float = RTOL, atol: float = ATOL) -> str:
        """The table as GitHub Markdown, with the caveats, the not applicable and the summary."""
        return compare_report.markdown(self, rtol, atol)

    def _repr_markdown_(self) -> str:  # Jupyter shows a report as a rendered table, caveats in
        return self.to_markdown()

    def to_dict(self, rtol: float = RTOL, atol: float = ATOL) -> dict[str, Any]:
        """Everything, JSON-serialisable (non-finite differences become ``None``)."""
        return compare_report.as_dict(self, rtol, atol)


def compare(
    model: Any,
    X: Any,
    T: Any,
    loss: str = "binary_cross_entropy",
    formulations: Iterable[Any] | str | None = None,
) -> Comparison:
    """Run autodiff and every applicable closed-form formulation on ``model``, ``X``, ``T``.

    Args:
        model: an ``nn.MLP`` (anything with ``W``, ``b``, ``Z``, ``A``, ``activations``, ``L``,
            ``zero_grad()`` and a forward pass that retains the ``Z[l]``, ``A[l]`` gradients).
            Its gradients are zeroed first and hold this batch's gradient afterwards; its
            parameters are not changed.
        X: inputs ``(n_0, m)``, one example per column.
        T: targets ``(n_L, m)``; for ``"cross_entropy"`` also integer labels ``(m,)``.
        loss: ``"mse"``, ``"binary_cross_entropy"`` or ``"cross_entropy"`` (``nn.mse``, ...).
        formulations: None for every entry of ``FORMULATIONS``; else names from it, formulation
            objects (``name``, ``document``, ``backprop(cache)``, ``applicable(cache)``), or
            functions ``cache -> BackpropResult``.

    Returns:
        A :class:`Comparison`; ``print`` it for the table, ``ok()`` for the verdict. A
        formulation's caveats (``caveats(cache)``, if it has one) come with it.

    Near saturation (a sigmoid output within ~1e-6 of 0 or 1) autodiff's
    ``dA[L] * σ'(Z[L])`` loses digits that the closed forms keep, and the engine's
    cross-entropy clamps there: differences there are autodiff's rounding, not an error.
    """
    if loss not in LOSS_FUNCTIONS:
        raise ValueError(f"unknown loss {loss!r}; expected one of {list(LOSSES)}")
    chosen = _resolve(formulations)
    truth = run_autodiff(model, X, T, loss)
    cache = truth.cache
    rows: list[Row] = []
    not_applicable: list[NotApplicable] = []
    documents: dict[str, str] = {}
    applicable: dict[str, str] = {}
    caveats: dict[str, tuple[str, ...]] = {}
    for formulation in chosen:
        name = formulation.name
        check = getattr(formulation, "applicable", None) or _always
        ok, reason = check(cache)
        document = getattr(formulation, "document", "")
        if not ok:
            documents[name] = document
            not_applicable.append(NotApplicable(name, reason))
            continue
        try:
            result = formulation.backprop(cache)
        except NotApplicableError as exc:
            documents[name] = document
            not_applicable.append(NotApplicable(name, str(exc)))
            continue
        documents[name] = document or result.document
        applicable[name] = reason
        listed = getattr(formulation, "caveats", None)
        if listed is not None and listed(cache):
            caveats[name] = tuple(listed(cache))
        rows.extend(rows_of(name, result, truth, documents[name]))
    return Comparison(
        rows=rows,
        not_applicable=not_applicable,
        documents=documents,
        applicable=applicable,
        sizes=cache.sizes,
        activations=tuple(act.name for act in cache.activations[1:]),
        loss=loss,
        m=cache.m,
        dtype=str(cache.A[cache.L].dtype),
        J=truth.J,
        caveats=caveats,
    )
