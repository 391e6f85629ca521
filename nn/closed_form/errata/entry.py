"""What an erratum and a note are, how they are evaluated on a network, and their kinds.

Every entry has a **kind**, judged against the document's own conventions:

* ``"typo"``: wrong as printed (a wrong value, a wrong shape, or no value at all);
* ``"ambiguity"``: the printed text has two readings; both are evaluated, and one agrees;
* ``"note"``: no value changes (typesetting, wording, a shorthand or a notation with only one
  sensible reading).

An :class:`Erratum` (a typo or an ambiguity) carries NumPy functions of a
:class:`ForwardCache`: the equation as printed (for an ambiguity, each :class:`Reading`) and as
corrected. Each returns the value the equation gives for its :class:`Target`, a true quantity
in our notation (``dJ/dW[1]``, ``Z[1]``, ``J``) already converted with the document's own
scaling, so the corrected value equals the target and the printed one does not (or cannot be
evaluated at all: a shape mismatch is evidence too). A :class:`Note` is plain data; where its
claim that no value changes can be computed, a :class:`Check` evaluates the printed form as the
document means it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..network import ForwardCache
from ..result import NotApplicableError

KINDS = ("typo", "ambiguity", "note")
"""The kinds of entry, in the order every report lists them."""

QUANTITIES = ("J", "Z", "A", "dA", "dZ", "dW", "db")
"""``J`` (the cost), forward ``Z[l]``, ``A[l]``, and the gradients ``dJ/dA[l]`` (``l`` may be
0: ``dJ/dX``), ``dJ/dZ[l]``, ``dJ/dW[l]``, ``dJ/db[l]``."""

Evaluator = Callable[[ForwardCache], np.ndarray]
Condition = Callable[[ForwardCache], tuple[bool, str]]


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
        resolved = self.layer if L is None else self.resolve(L)
        layer = self.layer if resolved is None else resolved
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
class Reading:
    """One reading of an ambiguous printed equation, in NumPy.

    ``agrees`` is the claim the tests hold the evidence to: this reading gives the target.
    """

    name: str
    evaluate: Evaluator
    agrees: bool


@dataclass(frozen=True)
class Erratum:
    """A printed equation that is wrong (``kind="typo"``) or has two readings (``"ambiguity"``).

    Attributes:
        key: a short stable id, e.g. ``"rojas-C"``.
        document: ``"000 Rojas"``, ``"001 Zhang"``, ``"002 Wichmann"`` or ``"003 blog"``.
        location: equation number or place in the text.
        quote: the printed text, verbatim (LaTeX as received; ``...`` marks a cut).
        printed: the printed equation, restated in LaTeX where the quote is long or cut
            (defaults to the quote).
        corrected: the corrected equation (LaTeX).
        explanation: what is wrong and why, under the document's own conventions.
        kind: ``"typo"`` or ``"ambiguity"`` (see :data:`KINDS`).
        category: what sort of slip: ``"derivative"``, ``"index"``, ``"transpose"``,
            ``"scaling"``, ``"per-example"``, ``"label"``, ``"grouping"`` or ``"notation"``.
        target: the true quantity both forms claim to give.
        evaluate_printed: the printed form on a cache (may raise: it may not conform); for an
            ambiguity, the reading that disagrees (set from ``readings``).
        evaluate_corrected: the corrected form on a cache.
        requires: when the printed form differs at all (e.g. ``m >= 2``, ``L >= 4``); the
            evaluation refuses caches it does not cover.
        readings: for an ambiguity, its two readings, one that agrees and one that does not;
            for a typo, the readings a careful reader might try, none of which agrees (their
            numbers show why it is a typo and not an ambiguity).
    """

    key: str
    document: str
    location: str
    quote: str
    corrected: str
    explanation: str
    kind: str
    category: str
    target: Target
    evaluate_corrected: Evaluator
    printed: str = ""
    evaluate_printed: Evaluator | None = None
    requires: Condition = always
    readings: tuple[Reading, ...] = ()

    def __post_init__(self) -> None:
        if not self.printed:
            object.__setattr__(self, "printed", self.quote)
        if self.kind not in ("typo", "ambiguity"):
            raise ValueError(f"{self.key}: an Erratum is a typo or an ambiguity, not "
                             f"{self.kind!r} (a note is a Note)")
        if self.kind == "ambiguity":
            claims = sorted(reading.agrees for reading in self.readings)
            if claims != [False, True]:
                raise ValueError(f"{self.key}: an ambiguity has two readings, one that agrees")
            if self.evaluate_printed is None:
                other = next(r for r in self.readings if not r.agrees)
                object.__setattr__(self, "evaluate_printed", other.evaluate)
        elif self.evaluate_printed is None:
            raise ValueError(f"{self.key}: a typo has a printed form")
        elif any(reading.agrees for reading in self.readings):
            raise ValueError(f"{self.key}: a typo's readings all disagree (a reading that "
                             f"agrees makes it an ambiguity)")

    @property
    def certain(self) -> bool:
        """True for a typo; False where the printed form has a reading under which it is right."""
        return self.kind == "typo"


@dataclass(frozen=True)
class Note:
    """A slip that changes no computed value (``kind`` is always ``"note"``); plain data.

    ``quote`` is the text verbatim; ``printed`` restates it (defaults to the quote), and
    ``corrected`` is what it should say.
    """

    key: str
    document: str
    location: str
    quote: str
    corrected: str
    explanation: str
    printed: str = ""
    kind: str = "note"

    def __post_init__(self) -> None:
        if not self.printed:
            object.__setattr__(self, "printed", self.quote)
        if self.kind != "note":
            raise ValueError(f"{self.key}: a Note's kind is 'note', got {self.kind!r}")


@dataclass(frozen=True)
class Check:
    """The printed form of a note, read as the document means it, in ``dJ`` units: it agrees.

    ``description`` says in a line what is evaluated (``"(15) with his dZ, divided by m"``).
    """

    target: Target
    evaluate: Evaluator
    description: str
    requires: Condition = always


@dataclass(frozen=True)
class Evaluation:
    """Both forms of one erratum on one cache.

    ``printed`` is None and ``printed_error`` holds the exception's message when the printed
    form cannot be evaluated (it does not conform, or indexes past an array's end).
    ``readings`` holds, for an ambiguity, ``(reading, value or None, error or None)`` each.
    """

    erratum: Erratum
    layer: int | None
    printed: np.ndarray | None
    printed_error: str | None
    corrected: np.ndarray
    readings: tuple[tuple[Reading, np.ndarray | None, str | None], ...] = ()


def attempt(function: Evaluator, cache: ForwardCache) -> tuple[np.ndarray | None, str | None]:
    """``(value, None)``, or ``(None, message)`` when the form does not conform or indexes past
    an array's end (a printed form may do either: that is evidence too)."""
    try:
        return np.asarray(function(cache)), None
    except (ValueError, IndexError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def evaluate(erratum: Erratum, cache: ForwardCache) -> Evaluation:
    """Evaluate the printed form (every reading, for an ambiguity) and the corrected form."""
    ok, reason = erratum.requires(cache)
    if not ok:
        raise NotApplicableError(f"{erratum.key}: {reason}")
    assert erratum.evaluate_printed is not None  # set for every erratum (__post_init__)
    printed, printed_error = attempt(erratum.evaluate_printed, cache)
    readings = tuple((r, *attempt(r.evaluate, cache)) for r in erratum.readings)
    return Evaluation(
        erratum=erratum,
        layer=erratum.target.resolve(cache.L),
        printed=printed,
        printed_error=printed_error,
        corrected=np.asarray(erratum.evaluate_corrected(cache)),
        readings=readings,
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


def requiring(*conditions: Condition) -> Condition:
    """All of ``conditions``, first failure reported."""

    def check(cache: ForwardCache) -> tuple[bool, str]:
        for condition in conditions:
            ok, reason = condition(cache)
            if not ok:
                return ok, reason
        return True, ""

    return check


def at_least(what: str, getter: Callable[[ForwardCache], int], minimum: int) -> Condition:
    """A condition ``getter(cache) >= minimum``, named ``what``."""

    def check(cache: ForwardCache) -> tuple[bool, str]:
        value = getter(cache)
        return (value >= minimum, f"needs {what} >= {minimum}, got {value}")

    return check


def different(
    what: str, left: Callable[[ForwardCache], int], right: Callable[[ForwardCache], int]
) -> Condition:
    """A condition ``left(cache) != right(cache)`` (otherwise the printed index is harmless)."""

    def check(cache: ForwardCache) -> tuple[bool, str]:
        a, b = left(cache), right(cache)
        return (a != b, f"needs {what}, got {a} and {b}")

    return check
