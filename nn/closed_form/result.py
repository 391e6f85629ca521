"""The uniform, named structure every formulation returns.

``result["dZ"][2]`` is the document's quantity for layer 2 (our 1-based layer numbering, in
every document), exactly as the document defines it; ``result.quantities["dZ"]`` says which
autodiff gradient it corresponds to, the document's symbol and equations, and the factor that
converts it: ``result["dZ"][l] * quantities["dZ"].factor == dJ/dZ[l]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

GRADIENTS = ("dA", "dZ", "dW", "db")
"""Autodiff gradients a quantity can correspond to: ``dJ/dA[l]``, ``dJ/dZ[l]``, ``dJ/dW[l]``,
``dJ/db[l]``."""


class NotApplicableError(ValueError):
    """A formulation was asked about a network or loss its derivation does not cover."""


@dataclass(frozen=True)
class Quantity:
    """What one entry of a result is, in the document's words and in ours.

    Attributes:
        key: the key in the result (``"dZ"``, ``"H"``, ``"delta"``, ...).
        symbol: the document's symbol, in LaTeX (``r"dZ^{[l]}"``).
        gradient: the autodiff gradient it corresponds to, one of :data:`GRADIENTS`.
        factor: ``document quantity * factor == gradient`` (a number, for this cache's ``m``).
        factor_text: the factor as written (``"1/m"``, ``"1"``).
        reason: one line saying why the factor is what it is.
        equations: the document's equation numbers or location.
        plain: the symbol in plain text for tables (``"δ"``, ``"∂J/∂W"``); derived from
            ``symbol`` when empty.
        in_document: False for a quantity the document computes but never names (Zhang's
            bracket, the blog's per-sample column): tables then say "(not in the document)"
            and give ``plain``, the document's own expression, instead of a symbol.
        layers: the document's name for each of our layers where it numbers them otherwise
            (Zhang counts from the output: ``{L: "n_l", L - 1: "n_l-1", ...}``); empty when the
            document's layer numbers are ours.
        corrected: for each layer where the formulation does not use the equation as printed,
            which printed equations it corrected to agree and how (``{1: "(6.7) printed
            without ⊙: ..."}``); every comparison row shows it.
        per_example: where the document works one example at a time, how its per-example
            quantity becomes the batch's (``"per example (step 3), then the mean over the m
            examples"``).
        remarks: for each layer, anything else a reader of the row must know (a row that
            agrees by construction and so tests nothing).
    """

    key: str
    symbol: str
    gradient: str
    factor: float
    factor_text: str
    reason: str
    equations: str
    plain: str = ""
    in_document: bool = True
    layers: Mapping[int, str] = field(default_factory=dict)
    corrected: Mapping[int, str] = field(default_factory=dict)
    per_example: str = ""
    remarks: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.gradient not in GRADIENTS:
            raise ValueError(f"gradient must be one of {GRADIENTS}, got {self.gradient!r}")


def every_layer(L: int, text: str) -> dict[int, str]:
    """``{1: text, ..., L: text}``: a correction or remark that holds at every layer."""
    return dict.fromkeys(range(1, L + 1), text)


@dataclass(frozen=True)
class BackpropResult(Mapping):
    """Every layer's quantities of one formulation, keyed by name then by layer.

    Attributes:
        document: which document, e.g. ``"000 Rojas"``.
        formulation: the function that produced it, e.g. ``"rojas.backprop"``.
        arrays: ``arrays[key][l]`` is an ndarray in the document's own scaling (also
            ``result[key][l]``: a result is a read-only mapping from key to per-layer dict).
        quantities: ``quantities[key]`` is the :class:`Quantity` describing ``arrays[key]``.
    """

    document: str
    formulation: str
    arrays: dict[str, dict[int, np.ndarray]]
    quantities: dict[str, Quantity]

    def __getitem__(self, key: str) -> dict[int, np.ndarray]:
        return self.arrays[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrays)

    def __len__(self) -> int:
        return len(self.arrays)

    def as_gradient(self, key: str, layer: int) -> np.ndarray:
        """``arrays[key][layer]`` converted to the autodiff gradient it corresponds to."""
        return self.arrays[key][layer] * self.quantities[key].factor

    def gradients(self) -> Iterator[tuple[str, int, str, np.ndarray]]:
        """Yield ``(gradient, layer, key, converted value)`` for every entry, in key order."""
        for key, per_layer in self.arrays.items():
            quantity = self.quantities[key]
            for layer in sorted(per_layer):
                yield quantity.gradient, layer, key, per_layer[layer] * quantity.factor
