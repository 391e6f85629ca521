"""The registry of errata: every document's typos and ambiguities (``ERRATA``) and the notes
(``NOTES``, from ``notes.py``), by key, document and kind."""

from __future__ import annotations

from .blog_errata import ERRATA as _BLOG
from .entry import KINDS, Erratum, Note
from .notes import NOTES
from .rojas_errata import ERRATA as _ROJAS
from .wichmann_errata import ERRATA as _WICHMANN
from .zhang_errata import ERRATA as _ZHANG

ERRATA: tuple[Erratum, ...] = _ROJAS + _ZHANG + _WICHMANN + _BLOG
"""The typos and ambiguities, document by document."""

BY_KEY: dict[str, Erratum] = {erratum.key: erratum for erratum in ERRATA}

NOTES_BY_KEY: dict[str, Note] = {note.key: note for note in NOTES}


def by_document(document: str) -> tuple[Erratum, ...]:
    """The errata of one document, e.g. ``by_document("002 Wichmann")``."""
    return tuple(erratum for erratum in ERRATA if erratum.document == document)


def by_kind(kind: str) -> tuple[Erratum | Note, ...]:
    """Every entry of one kind, ``"typo"``, ``"ambiguity"`` or ``"note"``, in document order."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return NOTES if kind == "note" else tuple(e for e in ERRATA if e.kind == kind)
