"""Autodiff against the documents' closed-form equations, on one model and one batch.

``compare(model, X, T, loss)`` runs the model forward and backward with autodiff (every
``Z[l]``, ``A[l]`` keeps its gradient), builds the :class:`ForwardCache` from the model's own
``Z[l]``, ``A[l]`` (a formulation takes the forward cache, it never recomputes it), runs every
formulation that applies, converts each of its quantities to the gradient it stands for (by the
factor the formulation declares, e.g. Rojas's ``dZ`` is ``m * dJ/dZ``: times ``1/m``), and
reports per formulation, layer and quantity the largest absolute and relative difference::

    max abs = max |closed - autodiff|
    max rel = max |closed - autodiff| / max(max |autodiff|, tiny)

The relative difference is taken against the largest entry of the autodiff quantity (not
entry by entry), so a tiny entry next to large ones cannot blow it up; ``tiny`` is the
smallest normal number of the dtype. A quantity passes when ``max rel <= rtol`` or, for a
quantity that is zero or nearly so, ``max abs <= atol``. A formulation that does not apply is
listed with the reason, never skipped silently.

This module and ``errata.report`` are the only parts of ``closed_form`` that run autodiff; the
formulations themselves stay plain NumPy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import numpy as np

from autograd_core import Tensor, enable_grad

from .. import losses as nn_losses
from .factors import scale_factor
from .losses import LOSSES
from .network import ForwardCache
from .result import GRADIENTS, BackpropResult, NotApplicableError, Quantity

RTOL = 1e-12
ATOL = 1e-14
LOSS_FUNCTIONS: dict[str, Callable[..., Tensor]] = {
    "mse": nn_losses.mse,
    "binary_cross_entropy": nn_losses.binary_cross_entropy,
    "cross_entropy": nn_losses.cross_entropy,
}
RELATIVE_DIFFERENCE = "max|closed - autodiff| / max(max|autodiff|, tiny), per quantity"


# ---------------------------------------------------------------------------- the autodiff side


@dataclass(frozen=True)
class Autodiff:
    """One autodiff forward and backward pass: the cost, the forward cache, every gradient.

    ``gradients[(quantity, l)]`` for ``quantity`` in ``("dA", "dZ", "dW", "db")`` and
    ``l = 1..L`` (and ``("dA", 0)``, ``dJ/dX``, when ``X`` required a gradient).
    """

    J: float
    cache: ForwardCache
    gradients: dict[tuple[str, int], np.ndarray]


def _array(value: Any) -> np.ndarray:
    return np.asarray(value.data if isinstance(value, Tensor) else value)


def closed_form_targets(loss: str, T: Any, n_L: int, dtype: np.dtype) -> np.ndarray:
    """Targets as the closed forms take them: ``(n_L, m)``, one-hot columns for integer labels."""
    T = _array(T)
    if loss == "cross_entropy" and T.ndim == 1:
        one_hot = np.zeros((n_L, T.shape[0]), dtype)
        one_hot[T.astype(np.intp), np.arange(T.shape[0])] = 1
        return one_hot
    return T.astype(dtype, copy=False)


def run_autodiff(model: Any, X: Any, T: Any, loss: str, *, input_grad: bool = False) -> Autodiff:
    """Zero the model's gradients, run ``J = loss(model(X), T)`` and ``J.backward()``.

    The parameters are not changed; afterwards their ``.grad`` holds this batch's gradient
    (and ``model.Z[l].grad``, ``model.A[l].grad`` the layer gradients). Recording is switched
    on for the call even inside ``no_grad()``. With ``input_grad`` the input is a Tensor that
    requires a gradient, so ``gradients[("dA", 0)]`` is ``dJ/dX``.
    """
    if loss not in LOSS_FUNCTIONS:
        raise ValueError(f"unknown loss {loss!r}; expected one of {list(LOSSES)}")
    X0 = Tensor(_array(X), requires_grad=input_grad, name="A[0]")
    model.zero_grad()
    L = model.L
    with enable_grad():
        prediction = model(X0)
        for l in range(1, L + 1):  # what is compared, kept even by MLP(retain_grads=False)
            model.Z[l].retain_grad()
            model.A[l].retain_grad()
        J = LOSS_FUNCTIONS[loss](prediction, T)
        J.backward()
    W = (None, *(model.W[l].data for l in range(1, L + 1)))
    b = (None, *(model.b[l].data for l in range(1, L + 1)))
    Z = (None, *(model.Z[l].data for l in range(1, L + 1)))
    A = (X0.data, *(model.A[l].data for l in range(1, L + 1)))
    targets = closed_form_targets(loss, T, A[L].shape[0], A[L].dtype)
    cache = ForwardCache(W=W, b=b, Z=Z, A=A, activations=model.activations, T=targets, loss=loss)

    def grad(tensor: Tensor) -> np.ndarray:  # no path from J means a zero gradient
        return np.zeros_like(tensor.data) if tensor.grad is None else tensor.grad

    gradients = {}
    for l in range(1, L + 1):
        gradients["dA", l] = grad(model.A[l])
        gradients["dZ", l] = grad(model.Z[l])
        gradients["dW", l] = grad(model.W[l])
        gradients["db", l] = grad(model.b[l])
    if input_grad:
        gradients["dA", 0] = grad(X0)
    return Autodiff(J=float(J.item()), cache=cache, gradients=gradients)


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
    from . import FORMULATIONS  # the registry lives in the package, which imports this module

    if formulations is None:
        return list(FORMULATIONS.values())
    if isinstance(formulations, str) or callable(formulations) or hasattr(formulations, "backprop"):
        formulations = [formulations]
    elif isinstance(formulations, Mapping):
        formulations = list(formulations.values())
    chosen = []
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


# ------------------------------------------------------------------------------------ rows

_GREEK = {r"\Theta": "Θ", r"\Delta": "Δ", r"\delta": "δ", r"\partial": "∂", r"\alpha": "α"}
_KEY_NAMES = {"Delta": "Δ", "delta": "δ"}


def plain_symbol(quantity: Quantity) -> str:
    """The document's symbol in plain text (``dΘ``, ``Δ``, ``∂J/∂W``): ``quantity.plain`` when
    given, else derived from the LaTeX, else its key."""
    if quantity.plain:
        return quantity.plain
    text = quantity.symbol.split(" = ")[0]
    text = re.sub(r"\^\{[^{}]*\}", "", text)
    for latex, letter in _GREEK.items():
        text = text.replace(latex, letter)
    text = text.replace(" ", "")
    if re.search(r"[\\{}()^]", text) or not text or len(text) > 8:
        return _KEY_NAMES.get(quantity.key, quantity.key)
    return text


def conversion_note(quantity: Quantity, document: str) -> str:
    """``"×1/m: Rojas's dZ is m·∂J/∂Z"``, or ``""`` when the quantity is the gradient itself.

    A quantity the document does not name gets no name here either (one would be invented):
    ``"×1/m: this is m·∂J/∂A"``.
    """
    factor = quantity.factor_text.strip()
    if factor == "1":
        return ""
    inverse = factor[2:] if factor.startswith("1/") else f"(1/{factor})"
    gradient = f"{inverse}·∂J/∂{quantity.gradient[1:]}"
    if not quantity.in_document:
        return f"×{factor}: this is {gradient}"
    who = document.split(" ", 1)[-1] if document else "the formulation"
    who = f"the {who}" if who[:1].islower() and not who.startswith("the ") else who
    return f"×{factor}: {who}'s {plain_symbol(quantity)} is {gradient}"


@dataclass(frozen=True)
class Row:
    """One quantity of one formulation at one layer, against autodiff.

    Attributes:
        formulation: its name (``"rojas"``); document: ``"000 Rojas"``.
        layer: ours, 1-based. key: the key in the formulation's result (``"H"``, ``"delta"``).
        symbol: the document's symbol in plain text (``"H"``, ``"dΘ"``), or, for a quantity it
            does not name (``in_document`` False), the document's own expression; latex: the
            same as LaTeX.
        quantity: the autodiff gradient it stands for, ``"dA"``, ``"dZ"``, ``"dW"`` or ``"db"``.
        max_abs: ``max|closed - autodiff|`` after conversion (``inf`` if the shapes differ,
            ``nan`` if the closed form is not finite).
        max_rel: ``max_abs / max(max|autodiff|, tiny)``.
        factor: the conversion factor as written (``"1/m"``, ``"1"``); note: what it means
            (``"×1/m: Rojas's dZ is m·∂J/∂Z"``, empty when no conversion), or the shape mismatch.
        equations: where the document has it.
        in_document: False when the document computes the quantity but never names it.
        document_layer: the document's name for the layer where it numbers layers otherwise
            (Zhang: ``"his layer n_l-1"``, ``"his W^(n_l-2)"``), else empty.
        scale: when the converted closed form is a constant times autodiff (and not within
            tolerance), that constant: the row reads ``"factor m = 400"``, not a relative error.
        m: the number of examples (to name a factor ``m``).
    """

    formulation: str
    document: str
    layer: int
    key: str
    symbol: str
    latex: str
    quantity: str
    shape: tuple[int, ...]
    max_abs: float
    max_rel: float
    factor: str
    note: str
    equations: str
    in_document: bool = True
    document_layer: str = ""
    scale: float | None = None
    m: int = 0

    @property
    def name(self) -> str:
        """Our name for the gradient, ``"dZ[2]"``."""
        return f"{self.quantity}[{self.layer}]"

    def passes(self, rtol: float = RTOL, atol: float = ATOL) -> bool:
        """``max_rel <= rtol`` or ``max_abs <= atol`` (False for inf and nan)."""
        return bool(self.max_rel <= rtol or self.max_abs <= atol)

    def excess(self, rtol: float = RTOL, atol: float = ATOL) -> float:
        """How far past tolerance: ``min(max_rel / rtol, max_abs / atol)``; ``<= 1`` passes."""
        if math.isnan(self.max_abs) or math.isnan(self.max_rel):
            return math.inf
        return min(_ratio(self.max_rel, rtol), _ratio(self.max_abs, atol))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["shape"] = list(self.shape)
        out["name"] = self.name
        for name in ("max_abs", "max_rel"):  # strict JSON has no inf or nan
            out[name] = out[name] if math.isfinite(out[name]) else None
        out["passes"] = self.passes()
        return out


def _ratio(value: float, tolerance: float) -> float:
    if tolerance > 0:
        return value / tolerance
    return 0.0 if value == 0 else math.inf


def difference(closed: np.ndarray, autodiff: np.ndarray) -> tuple[float, float]:
    """``(max abs, max rel)`` as defined in the module docstring; ``inf`` if shapes differ."""
    closed, autodiff = np.asarray(closed), np.asarray(autodiff)
    if closed.shape != autodiff.shape:
        return math.inf, math.inf
    if closed.size == 0:
        return 0.0, 0.0
    diff = np.abs(closed - autodiff)
    if not np.all(np.isfinite(diff)):
        return math.nan, math.nan
    max_abs = float(diff.max())
    dtype = autodiff.dtype if autodiff.dtype.kind == "f" else np.dtype(np.float64)
    scale = max(float(np.abs(autodiff).max()), float(np.finfo(dtype).tiny))
    return max_abs, max_abs / scale


_ORDER = {gradient: i for i, gradient in enumerate(GRADIENTS)}


def _rows(name: str, result: BackpropResult, truth: Autodiff, document: str) -> list[Row]:
    rows = []
    m = truth.cache.m
    for gradient, layer, key, value in result.gradients():
        quantity = result.quantities[key]
        reference = truth.gradients[gradient, layer]
        max_abs, max_rel = difference(value, reference)
        note = conversion_note(quantity, document)
        if np.shape(value) != reference.shape:
            note = f"shape {np.shape(value)}, autodiff {reference.shape}" + (
                f"; {note}" if note else "")
        scale = None
        if max_rel > RTOL and max_abs > ATOL:  # only a failing row needs its factor named
            scale = scale_factor(value, reference)
        rows.append(Row(
            formulation=name, document=document, layer=layer, key=key,
            symbol=plain_symbol(quantity), latex=quantity.symbol, quantity=gradient,
            shape=tuple(reference.shape), max_abs=max_abs, max_rel=max_rel,
            factor=quantity.factor_text, note=note, equations=quantity.equations,
            in_document=quantity.in_document, document_layer=quantity.layers.get(layer, ""),
            scale=scale, m=m,
        ))
    rows.sort(key=lambda row: (-row.layer, _ORDER[row.quantity], row.key))
    return rows


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
        from .compare_report import text

        return text(self, rtol, atol)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        from .compare_report import summary

        return f"<Comparison {self.network}: {summary(self)}>"

    def to_markdown(self, rtol: float = RTOL, atol: float = ATOL) -> str:
        """The table as GitHub Markdown, with the caveats, the not applicable and the summary."""
        from .compare_report import markdown

        return markdown(self, rtol, atol)

    def _repr_markdown_(self) -> str:  # Jupyter shows a report as a rendered table, caveats in
        return self.to_markdown()

    def to_dict(self, rtol: float = RTOL, atol: float = ATOL) -> dict[str, Any]:
        """Everything, JSON-serialisable (non-finite differences become ``None``)."""
        from .compare_report import as_dict

        return as_dict(self, rtol, atol)


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
        rows.extend(_rows(name, result, truth, documents[name]))
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
