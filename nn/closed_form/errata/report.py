"""Every erratum (and every checked note) evaluated on a real ``nn.MLP`` against autodiff.

For each entry, :func:`evidence` takes the first of :data:`NETWORKS` that meets its conditions
(``requires``), runs the model forward and backward with autodiff, reads the true quantity
(``J``, ``Z[l]``, ``A[l]`` from the forward pass, ``dA``, ``dZ``, ``dW``, ``db`` from the
backward pass: never finite differences) and evaluates the printed form (both readings, for an
ambiguity) and the corrected form on the model's own forward cache. :func:`note_evidence` does
the same for the notes that have a check. ``markdown`` writes it all up as ``docs/errata.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...data import flower, one_hot
from ...layers import MLP
from ..compare import Autodiff, run_autodiff
from ..factors import describe_factor, scale_factor
from .entry import KINDS, Check, Erratum, Note, attempt, evaluate, relative_error
from .notes import CHECKS, NOTES
from .registry import ERRATA

DISAGREES = 1e-3
"""A printed form disagrees when its relative error exceeds this (or it does not evaluate)."""
AGREES = 1e-12
"""A corrected form agrees when its relative error is at most this."""
SHOWN_BELOW = 1e-13
"""Relative errors below this are written ``< 1e-13``: the digits beyond are rounding, which
differs between BLAS builds, and the generated file must not."""


@dataclass(frozen=True)
class Network:
    """A network and batch the errata are evaluated on.

    ``build(seed)`` returns ``(model, X, T)``; weights are Xavier-initialised from ``seed`` and
    biases drawn N(0, 0.5²) from the same generator, so no term of an equation vanishes.
    """

    name: str
    description: str
    sizes: tuple[int, ...]
    hidden: str
    output: str
    loss: str
    data: Callable[[], tuple[np.ndarray, np.ndarray]]

    def build(self, seed: int = 0) -> tuple[MLP, np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        model = MLP(list(self.sizes), hidden=self.hidden, output=self.output, rng=rng)
        for bias in model.b[1:]:
            assert bias is not None
            bias.data = 0.5 * rng.standard_normal(bias.shape)
        X, T = self.data()
        return model, X, T

    def run(self, seed: int = 0) -> Autodiff:
        """Autodiff forward and backward; ``dJ/dX`` is included."""
        model, X, T = self.build(seed)
        return run_autodiff(model, X, T, self.loss, input_grad=True)


def _flower_one_hot() -> tuple[np.ndarray, np.ndarray]:
    X, Y = flower()
    return X, one_hot(Y[0], 2)


def _flower_three() -> tuple[np.ndarray, np.ndarray]:
    X, Y = flower()
    labels = Y[0] + (X[0] > 0)  # three classes: the petal's label, plus 1 right of the axis
    return X, one_hot(labels, 3)


NETWORKS: tuple[Network, ...] = (
    Network(
        "A",
        "section 6 of 002: 2-4-1, tanh hidden, sigmoid output, binary cross-entropy, on the "
        "400 flower points (`nn.flower()`, labels 0/1)",
        (2, 4, 1), "tanh", "sigmoid", "binary_cross_entropy", flower,
    ),
    Network(
        "B",
        "2-5-4-3-2 (Zhang's five layers j, i, k, q, p), tanh hidden, sigmoid output, squared "
        "error (`mse`), on the 400 flower points with one-hot targets (two outputs)",
        (2, 5, 4, 3, 2), "tanh", "sigmoid", "mse", _flower_one_hot,
    ),
    Network(
        "C",
        "2-3-3 (equal widths S_1 = S_2, where a Hadamard product bound before a matrix "
        "product still conforms), tanh hidden, sigmoid output, squared error (`mse`), on the "
        "400 flower points with three one-hot classes (the label, plus 1 right of the "
        "vertical axis)",
        (2, 3, 3), "tanh", "sigmoid", "mse", _flower_three,
    ),
)


def truth_of(run: Autodiff, quantity: str, layer: int | None) -> np.ndarray:
    """The true value of a target from one autodiff run."""
    if quantity == "J":
        return np.asarray(run.J)
    assert layer is not None  # every other quantity has one
    if quantity == "Z":
        return run.cache.Z[layer]
    if quantity == "A":
        return run.cache.A[layer]
    return run.gradients[quantity, layer]


def _compared_text(error: str | None, shape: tuple | None, truth_shape: tuple, rel: float,
                   scale: float | None, m: int, short: bool = True) -> str:
    """How a form compares with autodiff, in words: no value, a wrong shape, a factor, or the
    relative error."""
    if error is not None:
        return f"does not evaluate ({error.split(':', 1)[0]})" if short else error
    if shape != truth_shape:
        return f"shape {shape}, not {truth_shape}"
    if rel < SHOWN_BELOW:
        return f"< {SHOWN_BELOW:.0e}"
    if scale is not None:
        return describe_factor(scale, m)
    return f"{rel:.1e}"


@dataclass(frozen=True)
class ReadingEvidence:
    """One reading of an ambiguity against autodiff."""

    name: str
    claimed: bool
    shape: tuple[int, ...] | None
    error: str | None
    rel: float
    scale: float | None

    @property
    def agrees(self) -> bool:
        return self.rel <= AGREES


@dataclass(frozen=True)
class Evidence:
    """One erratum on one network: the printed form, the corrected form, autodiff.

    ``printed_rel`` and ``corrected_rel`` are ``max|form - truth| / max|truth|``
    (``entry.relative_error``); ``printed_rel`` is ``inf`` when the printed form does not
    evaluate (``printed_error`` says why) or has the wrong shape (``printed_shape``);
    ``printed_scale`` is the factor when the printed form is a multiple of the truth. For an
    ambiguity the printed form is the reading that disagrees, and ``readings`` holds both.
    """

    erratum: Erratum
    network: Network
    m: int
    target: str
    truth_shape: tuple[int, ...]
    printed_shape: tuple[int, ...] | None
    printed_error: str | None
    printed_rel: float
    printed_scale: float | None
    corrected_rel: float
    readings: tuple[ReadingEvidence, ...] = ()

    @property
    def key(self) -> str:
        return self.erratum.key

    @property
    def kind(self) -> str:
        return self.erratum.kind

    @property
    def disagrees(self) -> bool:
        """The printed form (an ambiguity's other reading) fails to evaluate, has the wrong
        shape, or is off by more than 1e-3."""
        return self.printed_rel > DISAGREES

    @property
    def agrees(self) -> bool:
        """The corrected form matches autodiff to <= 1e-12."""
        return self.corrected_rel <= AGREES

    def printed_text(self, short: bool = True) -> str:
        """The printed form against autodiff; for an ambiguity, each reading."""
        if self.readings:
            parts = [_compared_text(r.error, r.shape, self.truth_shape, r.rel, r.scale, self.m,
                                    short) for r in self.readings]
            return "; ".join(f"reading {i} {text}" for i, text in enumerate(parts, 1))
        return _compared_text(self.printed_error, self.printed_shape, self.truth_shape,
                              self.printed_rel, self.printed_scale, self.m, short)

    def corrected_text(self) -> str:
        return f"< {SHOWN_BELOW:.0e}" if self.corrected_rel < SHOWN_BELOW else \
            f"{self.corrected_rel:.1e}"

    def to_dict(self) -> dict[str, Any]:
        e = self.erratum
        return {
            "key": e.key,
            "document": e.document,
            "equation": e.location,
            "kind": e.kind,
            "category": e.category,
            "quote": e.quote,
            "printed": e.printed,
            "corrected": e.corrected,
            "certain": e.certain,
            "network": self.network.name,
            "target": self.target,
            "printed_vs_autodiff": _finite(self.printed_rel),
            "printed_factor": self.printed_scale,
            "printed_evidence": self.printed_text(short=False),
            "corrected_vs_autodiff": self.corrected_rel,
            "printed_disagrees": self.disagrees,
            "corrected_agrees": self.agrees,
            "readings": [{"reading": r.name, "vs_autodiff": _finite(r.rel),
                          "evidence": _compared_text(r.error, r.shape, self.truth_shape, r.rel,
                                                     r.scale, self.m, short=False),
                          "agrees": r.agrees} for r in self.readings],
        }


@dataclass(frozen=True)
class NoteEvidence:
    """A note's check on one network: the printed form, read as the document means it."""

    note: Note
    check: Check
    network: Network
    target: str
    rel: float

    @property
    def agrees(self) -> bool:
        return self.rel <= AGREES

    def text(self) -> str:
        return f"< {SHOWN_BELOW:.0e}" if self.rel < SHOWN_BELOW else f"{self.rel:.1e}"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _runs(seed: int) -> dict[str, Autodiff]:
    return {network.name: network.run(seed) for network in NETWORKS}


def evidence(seed: int = 0, errata: Iterable[Erratum] | None = None) -> list[Evidence]:
    """Every erratum (``ERRATA`` by default) on a network of :data:`NETWORKS` that meets its
    conditions: the document's own loss first (mse for Zhang and the blog), and among those
    that qualify one where the printed form yields a value over one where it yields a wrong
    shape or fails (an empty array last). Raises ``ValueError`` naming an erratum that no
    network in :data:`NETWORKS` covers.
    """
    runs = _runs(seed)
    out = []
    for erratum in ERRATA if errata is None else errata:
        candidates = [_evidence(erratum, network, runs[network.name])
                      for network in _preferred(erratum.document)
                      if erratum.requires(runs[network.name].cache)[0]]
        if not candidates:
            raise ValueError(f"{erratum.key}: no network in NETWORKS meets its conditions")
        out.append(min(candidates, key=_strength))  # min is stable: ties keep the preference
    return out


def note_evidence(seed: int = 0, notes: Iterable[Note] | None = None) -> list[NoteEvidence]:
    """The check of every note that has one (``notes.CHECKS``), on the first network of its
    document's preference that meets the check's conditions."""
    runs = _runs(seed)
    out = []
    for note in NOTES if notes is None else notes:
        check = CHECKS.get(note.key)
        if check is None:
            continue
        network = next((n for n in _preferred(note.document)
                        if check.requires(runs[n.name].cache)[0]), None)
        if network is None:
            raise ValueError(f"{note.key}: no network in NETWORKS meets its check's conditions")
        run = runs[network.name]
        layer = check.target.resolve(run.cache.L)
        value, _ = attempt(check.evaluate, run.cache)
        out.append(NoteEvidence(note, check, network, check.target.describe(run.cache.L),
                                relative_error(value, truth_of(run, check.target.quantity,
                                                               layer))))
    return out


def _preferred(document: str) -> list[Network]:
    """The networks, those whose loss the document derives first (Zhang and the blog: mse)."""
    squared_error_only = document in ("001 Zhang", "003 blog")
    return sorted(NETWORKS, key=lambda n: squared_error_only != (n.loss == "mse"))


def _strength(item: Evidence) -> int:
    """0: the printed form gives a value to compare; 1: a wrong shape or an exception;
    2: an empty array (e.g. a column range 1..n_L - 1 with n_L = 1)."""
    if item.printed_error is None and item.printed_shape == item.truth_shape:
        return 0
    return 2 if item.printed_shape is not None and 0 in item.printed_shape else 1


def _evidence(erratum: Erratum, network: Network, run: Autodiff) -> Evidence:
    evaluation = evaluate(erratum, run.cache)
    truth = truth_of(run, erratum.target.quantity, evaluation.layer)
    printed = evaluation.printed
    readings = tuple(
        ReadingEvidence(reading.name, reading.agrees,
                        None if value is None else tuple(value.shape), error,
                        relative_error(value, truth), scale_factor(value, truth))
        for reading, value, error in evaluation.readings)
    return Evidence(
        erratum=erratum,
        network=network,
        m=run.cache.m,
        target=erratum.target.describe(run.cache.L),
        truth_shape=tuple(truth.shape),
        printed_shape=None if printed is None else tuple(printed.shape),
        printed_error=evaluation.printed_error,
        printed_rel=relative_error(printed, truth),
        printed_scale=scale_factor(printed, truth),
        corrected_rel=relative_error(evaluation.corrected, truth),
        readings=readings,
    )


def counts(entries: Iterable[Erratum | Note] | None = None) -> dict[str, int]:
    """How many entries of each kind (every erratum and note by default), in :data:`KINDS`
    order: ``{"typo": ..., "ambiguity": ..., "note": ...}``."""
    if entries is None:
        entries = (*ERRATA, *NOTES)
    entries = list(entries)
    return {kind: sum(entry.kind == kind for entry in entries) for kind in KINDS}


def summary(items: Iterable[Evidence], notes: Iterable[Note] = (),
            checks: Iterable[NoteEvidence] = ()) -> str:
    """One line per kind: what the evidence shows for the typos, the ambiguities, the notes."""
    items, notes, checks = list(items), list(notes), list(checks)
    typos = [item for item in items if item.kind == "typo"]
    ambiguities = [item for item in items if item.kind == "ambiguity"]
    lines = [
        f"{_plural(len(typos), 'typo')}: {sum(i.disagrees for i in typos)} printed forms "
        f"disagree with autodiff (rel. error > {DISAGREES:g}, a wrong shape, a factor, or no "
        f"value); {sum(i.agrees for i in typos)} corrected forms agree (<= {AGREES:g})",
        f"{_plural(len(ambiguities), 'ambiguity')}: in "
        f"{sum(_one_reading_agrees(i) for i in ambiguities)} of {len(ambiguities)} the reading "
        f"the entry names agrees with autodiff and the other does not",
    ]
    if notes:
        lines.append(f"{_plural(len(notes), 'note')} (no value changes): "
                     f"{sum(c.agrees for c in checks)} of {len(checks)} checked agree with "
                     f"autodiff")
    return "\n".join(lines)


def _one_reading_agrees(item: Evidence) -> bool:
    return sorted(r.agrees for r in item.readings) == [False, True] and all(
        r.agrees == r.claimed for r in item.readings)


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def errata_table(seed: int = 0) -> list[dict[str, Any]]:
    """:func:`evidence` as JSON-serialisable rows (document, equation, kind, quote, ...)."""
    return [item.to_dict() for item in evidence(seed)]
