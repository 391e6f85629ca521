"""Errata of the four documents: every printed slip, with its kind, its quote, and NumPy forms.

Every entry has a kind (``entry.KINDS``): a **typo** is wrong as printed under the document's
own conventions; an **ambiguity** has two readings, both evaluated, one of which agrees; a
**note** changes no value. ``ERRATA`` lists the typos and ambiguities (document order), each with
its printed and corrected form as NumPy functions; ``NOTES`` lists the notes, and
``CHECKS[key]`` evaluates a note's printed form where its "no value changes" can be computed.
``evaluate(erratum, cache)`` runs both forms on a network; ``evidence()`` evaluates every entry
on a real ``nn.MLP`` against autodiff (``report``); ``render_markdown()`` and
``python -m nn.closed_form.errata`` turn that into ``docs/errata.md``.
"""

from __future__ import annotations

from ..factors import scale_factor
from .entry import (
    KINDS,
    QUANTITIES,
    Check,
    Erratum,
    Evaluation,
    Note,
    Reading,
    Target,
    evaluate,
    relative_error,
)
from .markdown import render_markdown, write_markdown
from .notes import CHECKS, NOTES
from .registry import BY_KEY, ERRATA, NOTES_BY_KEY, by_document, by_kind
from .report import (
    NETWORKS,
    Evidence,
    Network,
    NoteEvidence,
    counts,
    errata_table,
    evidence,
    note_evidence,
    summary,
)

__all__ = [
    "BY_KEY",
    "CHECKS",
    "ERRATA",
    "KINDS",
    "NETWORKS",
    "NOTES",
    "NOTES_BY_KEY",
    "QUANTITIES",
    "Check",
    "Erratum",
    "Evaluation",
    "Evidence",
    "Network",
    "Note",
    "NoteEvidence",
    "Reading",
    "Target",
    "by_document",
    "by_kind",
    "counts",
    "errata_table",
    "evaluate",
    "evidence",
    "note_evidence",
    "relative_error",
    "render_markdown",
    "scale_factor",
    "summary",
    "write_markdown",
]
