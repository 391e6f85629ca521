"""Every erratum evaluated on a real ``nn.MLP`` against autodiff, and ``docs/errata.md`` from it.

For each erratum, :func:`evidence` takes the first of :data:`NETWORKS` that meets the erratum's
conditions (``requires``), runs the model forward and backward with autodiff, reads the true
quantity (``J``, ``Z[l]``, ``A[l]`` from the forward pass, ``dA``, ``dZ``, ``dW``, ``db`` from
the backward pass: never finite differences) and evaluates the printed and the corrected form
on the model's own forward cache. :func:`render_markdown` writes it all up deterministically
(fixed seeds); ``python -m nn.closed_form.errata`` writes ``docs/errata.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...data import flower, one_hot
from ...layers import MLP
from ..compare import Autodiff, run_autodiff
from .entry import Erratum, Note, evaluate, relative_error

DISAGREES = 1e-3
"""A printed form disagrees when its relative error exceeds this (or it does not evaluate)."""
AGREES = 1e-12
"""A corrected form agrees when its relative error is at most this."""
SHOWN_BELOW = 1e-13
"""Relative errors below this are written ``< 1e-13`` in the Markdown: the digits beyond are
rounding, which differs between BLAS builds, and the file must not."""

DOCUMENTS = {
    "000 Rojas": "Nate Rojas, *Vectorized Back-propagation Derivation* (v1.0, 2019)",
    "001 Zhang": "Rui Zhang, *Derivation of the back-propagation algorithm*",
    "002 Wichmann": "Kristian Wichmann, *General feed forward neural networks* (2017)",
    "003 blog": "*Bro, do you even backprop?* (blog post)",
}


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
        for l in range(1, model.L + 1):
            model.b[l].data = 0.5 * rng.standard_normal(model.b[l].shape)
        X, T = self.data()
        return model, X, T

    def run(self, seed: int = 0) -> Autodiff:
        """Autodiff forward and backward; ``dJ/dX`` is included."""
        model, X, T = self.build(seed)
        return run_autodiff(model, X, T, self.loss, input_grad=True)


def _flower_one_hot() -> tuple[np.ndarray, np.ndarray]:
    X, Y = flower()
    return X, one_hot(Y[0], 2)


NETWORKS: tuple[Network, ...] = (
    Network(
        "A",
        "section 6 of 002: 2-4-1, tanh hidden, sigmoid output, binary cross-entropy, on the "
        "400 flower points (`nn.flower()`, labels 0/1)",
        (2, 4, 1), "tanh", "sigmoid", "binary_cross_entropy", flower,
    ),
    Network(
        "B",
        "2-5-4-3-2, tanh hidden, sigmoid output, squared error (`mse`), on the 400 flower "
        "points with one-hot targets (two outputs)",
        (2, 5, 4, 3, 2), "tanh", "sigmoid", "mse", _flower_one_hot,
    ),
)


def truth_of(run: Autodiff, quantity: str, layer: int | None) -> np.ndarray:
    """The true value of a target from one autodiff run."""
    if quantity == "J":
        return np.asarray(run.J)
    if quantity == "Z":
        return run.cache.Z[layer]
    if quantity == "A":
        return run.cache.A[layer]
    return run.gradients[quantity, layer]


@dataclass(frozen=True)
class Evidence:
    """One erratum on one network: both forms against autodiff.

    ``printed_rel`` and ``corrected_rel`` are ``max|form - truth| / max|truth|``
    (``entry.relative_error``); ``printed_rel`` is ``inf`` when the printed form does not
    evaluate (``printed_error`` says why) or has the wrong shape (``printed_shape``).
    """

    erratum: Erratum
    network: Network
    target: str
    truth_shape: tuple[int, ...]
    printed_shape: tuple[int, ...] | None
    printed_error: str | None
    printed_rel: float
    corrected_rel: float

    @property
    def key(self) -> str:
        return self.erratum.key

    @property
    def disagrees(self) -> bool:
        """The printed form fails to evaluate, has the wrong shape, or is off by > 1e-3."""
        return self.printed_rel > DISAGREES

    @property
    def agrees(self) -> bool:
        """The corrected form matches autodiff to <= 1e-12."""
        return self.corrected_rel <= AGREES

    def printed_text(self, short: bool = True) -> str:
        if self.printed_error is not None:
            kind = self.printed_error.split(":", 1)[0]
            return f"does not evaluate ({kind})" if short else self.printed_error
        if self.printed_shape != self.truth_shape:
            return f"shape {self.printed_shape}, not {self.truth_shape}"
        return f"{self.printed_rel:.1e}"

    def corrected_text(self) -> str:
        return f"< {SHOWN_BELOW:.0e}" if self.corrected_rel < SHOWN_BELOW else \
            f"{self.corrected_rel:.1e}"

    def to_dict(self) -> dict[str, Any]:
        e = self.erratum
        return {
            "key": e.key,
            "document": e.document,
            "equation": e.location,
            "printed": e.printed,
            "corrected": e.corrected,
            "certain": e.certain,
            "network": self.network.name,
            "target": self.target,
            "printed_vs_autodiff": self.printed_rel if math.isfinite(self.printed_rel) else None,
            "printed_evidence": self.printed_text(short=False),
            "corrected_vs_autodiff": self.corrected_rel,
            "printed_disagrees": self.disagrees,
            "corrected_agrees": self.agrees,
        }


def evidence(seed: int = 0, errata: tuple[Erratum, ...] | None = None) -> list[Evidence]:
    """Every erratum (``ERRATA`` by default) on a network of :data:`NETWORKS` that meets its
    conditions: the document's own loss first (mse for Zhang and the blog), and among those
    that qualify one where the printed form yields a value over one where it yields a wrong
    shape or fails (an empty array last). Raises ``ValueError`` naming an erratum that no
    network in :data:`NETWORKS` covers.
    """
    from . import ERRATA

    runs = {network.name: network.run(seed) for network in NETWORKS}
    out = []
    for erratum in ERRATA if errata is None else errata:
        candidates = [_evidence(erratum, network, runs[network.name])
                      for network in _preferred(erratum.document)
                      if erratum.requires(runs[network.name].cache)[0]]
        if not candidates:
            raise ValueError(f"{erratum.key}: no network in NETWORKS meets its conditions")
        out.append(min(candidates, key=_strength))  # min is stable: ties keep the preference
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
    return Evidence(
        erratum=erratum,
        network=network,
        target=erratum.target.describe(run.cache.L),
        truth_shape=tuple(truth.shape),
        printed_shape=None if printed is None else tuple(printed.shape),
        printed_error=evaluation.printed_error,
        printed_rel=relative_error(printed, truth),
        corrected_rel=relative_error(evaluation.corrected, truth),
    )


def errata_table(seed: int = 0) -> list[dict[str, Any]]:
    """:func:`evidence` as JSON-serialisable rows (document, equation, printed, corrected, ...)."""
    return [item.to_dict() for item in evidence(seed)]


# ----------------------------------------------------------------------------------- Markdown

INTRO = """\
# Errata of the four documents, checked against autodiff

Every printed equation of the four backpropagation documents that gives a wrong value (or
cannot be evaluated at all) is listed here with the corrected equation and the evidence.
Both forms are written in NumPy (`nn/closed_form/errata/`) and evaluated on a real `nn.MLP`;
the true quantity comes from the engine's reverse-mode autodiff on the same model and batch
(`Z[l]`, `A[l]` and `J` from its forward pass, `dA`, `dZ`, `dW`, `db` from `backward()`),
never from finite differences. The relative error is `max|form − autodiff| / max|autodiff|`
over the whole quantity; the printed form disagrees (> 1e-3, a wrong shape, or an exception)
and the corrected form agrees (≤ 1e-12) for every entry, which
`tests/closed_form/test_errata_autodiff.py` checks, together with this file being up to date.
Slips that change no value are listed at the end as notes.

This file is generated: do not edit it. Regenerate it from the repository root with

    python -m nn.closed_form.errata

(fixed seeds; errors below 1e-13 are rounding and are written `< 1e-13`)."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    text = _cell(text)
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(seed: int = 0) -> str:
    """``docs/errata.md``: the summary table, the networks, every entry, and the notes."""
    from . import NOTES

    items = evidence(seed)
    lines = [INTRO, "", "## The documents", ""]
    lines += [f"- **{doc}**: {title}" for doc, title in DOCUMENTS.items()]
    lines += ["", "## Networks", ""]
    lines += [f"- **{n.name}**: {n.description}. Weights Xavier-initialised (seed {seed}), "
              f"biases drawn N(0, 0.5²)." for n in NETWORKS]
    lines += ["", "Each erratum is evaluated on a network that meets its conditions, the "
              "document's own loss first (squared error for 001 and 003), preferring one on "
              "which the printed form yields a value to compare over one where it cannot.",
              "", "## Summary", "",
              "| erratum | document | equation | quantity | network | printed vs autodiff "
              "| corrected vs autodiff |",
              "|---|---|---|---|---|---|---|"]
    for item in items:
        e = item.erratum
        mark = " (ambiguous)" if not e.certain else ""
        lines.append(f"| [{e.key}](#{e.key.replace('.', '').lower()}){mark} | {e.document} | "
                     f"{_cell(e.location)} | `{item.target}` | {item.network.name} | "
                     f"{_cell(item.printed_text())} | {item.corrected_text()} |")
    lines += ["", "## Entries"]
    for item in items:
        e = item.erratum
        lines += [
            "",
            f"### {e.key}",
            "",
            f"{e.document}, {e.location}{' — ambiguous, see below' if not e.certain else ''}.",
            "",
            "Printed:",
            "",
            f"$$ {e.printed} $$",
            "",
            "Corrected:",
            "",
            f"$$ {e.corrected} $$",
            "",
            e.explanation,
            "",
            f"Evidence on network {item.network.name}, `{item.target}` of shape "
            f"{item.truth_shape} from autodiff: printed form "
            + (f"does not evaluate: `{item.printed_error}`" if item.printed_error else
               f"has shape {item.printed_shape}" if item.printed_shape != item.truth_shape else
               f"relative error {item.printed_text()}")
            + f"; corrected form relative error {item.corrected_text()}.",
        ]
    lines += ["", "## Notes (slips that change no value)", "",
              "Recorded, not evaluated: typesetting, wording and extraction damage.", "",
              "| document | where | printed | corrected | note |", "|---|---|---|---|---|"]
    for note in NOTES:
        lines.append(_note_row(note))
    return "\n".join(lines) + "\n"


def _note_row(note: Note) -> str:
    return (f"| {note.document} | {_cell(note.location)} | {_code(note.printed)} | "
            f"{_code(note.corrected)} | {_cell(note.explanation)} |")


def write_markdown(path: str | Path = "docs/errata.md", seed: int = 0) -> Path:
    """Write :func:`render_markdown` to ``path`` (UTF-8, ``\\n`` line ends) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(seed), encoding="utf-8", newline="\n")
    return path
