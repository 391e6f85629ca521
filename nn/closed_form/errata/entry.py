"""What an erratum is, how it is evaluated on a network, and the typographical notes.

Every :class:`Erratum` carries two NumPy functions of a :class:`ForwardCache`: the equation as
printed and as corrected. Both return the value the equation gives for its :class:`Target`, a
true quantity in our notation (``dJ/dW[1]``, ``Z[1]``, ``J``), already converted with the
document's own scaling, so the corrected value equals the target and the printed one does not
(or cannot be evaluated at all: a shape mismatch is evidence too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..network import ForwardCache
from ..result import NotApplicableError

QUANTITIES = ("J", "Z", "A", "dA", "dZ", "dW", "db")
"""``J`` (the cost), forward ``Z[l]``, ``A[l]``, and the gradients ``dJ/dA[l]`` (``l`` may be
0: ``dJ/dX``), ``dJ/dZ[l]``, ``dJ/dW[l]``, ``dJ/db[l]``."""


@dataclass(frozen=True)
class Target:
    """A true quantity: ``quantity`` in :data:`QUANTITIES`, ``layer`` 1-based or, when negative,
    counted from the output like a Python index (``-1`` is ``L``, ``-2`` is ``L - 1``)."""

    quantity: str
    layer: int | None = None

    def __post_init__(self) -> None:
        if self.quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {QUANTITIES}, got {self.quantity!r}")
        if (self.quantity == "J") != (self.layer is None):
            raise ValueError("J has no layer; every other quantity needs one")

    def resolve(self, L: int) -> int | None:
        """The layer number in a network whose output layer is ``L``."""
        if self.layer is None or self.layer >= 0:
            return self.layer
        return L + 1 + self.layer

    def describe(self, L: int | None = None) -> str:
        if self.layer is None:
            return "J"
        layer = self.layer if L is None else self.resolve(L)
        if layer >= 0:
            name = str(layer)
        else:
            name = "L" if layer == -1 else f"L{layer + 1}"
        if self.quantity in ("Z", "A"):
            return f"{self.quantity}[{name}]"
        return f"dJ/d{self.quantity[1:]}[{name}]"


def always(cache: ForwardCache) -> tuple[bool, str]:
    """No condition beyond the formulation's own."""
    return True, ""


@dataclass(frozen=True)
class Erratum:
    """One wrong printed equation.

    Attributes:
        key: a short stable id, e.g. ``"rojas-C"``.
        document: ``"000 Rojas"``, ``"001 Zhang"``, ``"002 Wichmann"`` or ``"003 blog"``.
        location: equation number or place in the text.
        printed: the equation as printed (LaTeX).
        corrected: the corrected equation (LaTeX).
        explanation: what is wrong and why, including any ambiguity.
        kind: ``"derivative"``, ``"index"``, ``"transpose"``, ``"scaling"``, ``"per-example"``,
            ``"label"`` or ``"grouping"``.
        target: the true quantity both forms claim to give.
        evaluate_printed: the printed form on a cache (may raise: it may not conform).
        evaluate_corrected: the corrected form on a cache.
        requires: when the printed form differs at all (e.g. ``m >= 2``, ``L >= 4``); the
            evaluation refuses caches it does not cover.
        certain: False where the printed form has a reading under which it is right.
    """

    key: str
    document: str
    location: str
    printed: str
    corrected: str
    explanation: str
    kind: str
    target: Target
    evaluate_printed: Callable[[ForwardCache], np.ndarray]
    evaluate_corrected: Callable[[ForwardCache], np.ndarray]
    requires: Callable[[ForwardCache], tuple[bool, str]] = always
    certain: bool = True


@dataclass(frozen=True)
class Note:
    """A typographical or notational slip that changes no computed value; not evaluated."""

    document: str
    location: str
    printed: str
    corrected: str
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    """Both forms of one erratum on one cache.

    ``printed`` is None and ``printed_error`` holds the exception's message when the printed
    form cannot be evaluated (it does not conform, or indexes past an array's end).
    """

    erratum: Erratum
    layer: int | None
    printed: np.ndarray | None
    printed_error: str | None
    corrected: np.ndarray


def evaluate(erratum: Erratum, cache: ForwardCache) -> Evaluation:
    """Evaluate the printed and the corrected form of ``erratum`` on ``cache``."""
    ok, reason = erratum.requires(cache)
    if not ok:
        raise NotApplicableError(f"{erratum.key}: {reason}")
    printed: np.ndarray | None = None
    printed_error: str | None = None
    try:
        printed = np.asarray(erratum.evaluate_printed(cache))
    except (ValueError, IndexError) as exc:
        printed_error = f"{type(exc).__name__}: {exc}"
    return Evaluation(
        erratum=erratum,
        layer=erratum.target.resolve(cache.L),
        printed=printed,
        printed_error=printed_error,
        corrected=np.asarray(erratum.evaluate_corrected(cache)),
    )


def relative_error(value: np.ndarray | None, truth: np.ndarray) -> float:
    """``max|value - truth| / max|truth|``; ``inf`` when ``value`` is missing or its shape differs
    (never broadcast)."""
    truth = np.asarray(truth)
    if value is None or np.shape(value) != truth.shape:
        return float("inf")
    scale = float(np.max(np.abs(truth), initial=0.0))
    diff = float(np.max(np.abs(np.asarray(value) - truth), initial=0.0))
    if scale == 0.0:
        return 0.0 if diff == 0.0 else float("inf")
    return diff / scale


def hadamard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left ⊙ right`` without broadcasting: a printed form must conform as written."""
    if left.shape != right.shape:
        raise ValueError(f"Hadamard product of shapes {left.shape} and {right.shape}")
    return left * right


def requiring(*conditions: Callable[[ForwardCache], tuple[bool, str]]):
    """All of ``conditions``, first failure reported."""

    def check(cache: ForwardCache) -> tuple[bool, str]:
        for condition in conditions:
            ok, reason = condition(cache)
            if not ok:
                return ok, reason
        return True, ""

    return check


def at_least(what: str, getter: Callable[[ForwardCache], int], minimum: int):
    """A condition ``getter(cache) >= minimum``, named ``what``."""

    def check(cache: ForwardCache) -> tuple[bool, str]:
        value = getter(cache)
        return (value >= minimum, f"needs {what} >= {minimum}, got {value}")

    return check


def different(what: str, left: Callable[[ForwardCache], int], right: Callable[[ForwardCache], int]):
    """A condition ``left(cache) != right(cache)`` (otherwise the printed index is harmless)."""

    def check(cache: ForwardCache) -> tuple[bool, str]:
        a, b = left(cache), right(cache)
        return (a != b, f"needs {what}, got {a} and {b}")

    return check
