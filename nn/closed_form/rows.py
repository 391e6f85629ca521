"""One quantity of one formulation against autodiff: the :class:`Row`, and how it is measured.

A document's quantity, converted by the factor its formulation declares (Rojas's ``dZ`` is
``m * dJ/dZ``: times ``1/m``), is compared with the autodiff gradient it stands for::

    max abs = max |closed - autodiff|
    max rel = max |closed - autodiff| / max(max |autodiff|, tiny)

The relative difference is taken against the largest entry of the autodiff quantity (not
entry by entry), so a tiny entry next to large ones cannot blow it up; ``tiny`` is the
smallest normal number of the dtype. A row passes when ``max rel <= rtol`` or, for a quantity
that is zero or nearly so, ``max abs <= atol``; a failing row that is a constant times autodiff
carries that constant (read ``"factor m = 400"``).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .autodiff import Autodiff
from .factors import scale_factor
from .result import GRADIENTS, BackpropResult, Quantity

RTOL = 1e-12
ATOL = 1e-14
RELATIVE_DIFFERENCE = "max|closed - autodiff| / max(max|autodiff|, tiny), per quantity"


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
        corrected: which printed equations were corrected to agree, and how ("" when the row
            uses the equations as printed).
        per_example: how a per-example quantity of the document becomes the batch's.
        remark: anything else the reader of the row must know (it agrees by construction).
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
    corrected: str = ""
    per_example: str = ""
    remark: str = ""

    @property
    def disclosure(self) -> str:
        """The conversion note, the corrections, the per-example conversion and the remark,
        in one cell: what every rendering shows beside the numbers."""
        parts = [self.note]
        if self.corrected:
            parts.append(f"corrected: {self.corrected}")
        else:
            parts.append("as printed")
        if self.per_example:
            parts.append(self.per_example)
        if self.remark:
            parts.append(self.remark)
        return "; ".join(part for part in parts if part)

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
        out["disclosure"] = self.disclosure
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


def rows_of(name: str, result: BackpropResult, truth: Autodiff, document: str) -> list[Row]:
    """Every quantity of ``result`` against ``truth``, layer ``L`` down to 1, then dA, dZ, dW,
    db."""
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
            scale=scale, m=m, corrected=quantity.corrected.get(layer, ""),
            per_example=quantity.per_example, remark=quantity.remarks.get(layer, ""),
        ))
    rows.sort(key=lambda row: (-row.layer, _ORDER[row.quantity], row.key))
    return rows
