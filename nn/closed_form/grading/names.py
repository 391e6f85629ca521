"""The names a learner may return, in our notation or a document's, with that document's scaling.

A name is a quantity and a layer: ``"dZ[2]"``, ``"dZ2"``, ``"dZ_2"``, ``("dZ", 2)``, or nested
``{"dZ": {2: ...}}``. Each notation maps its names to our gradient and a factor:
``yours * factor == dJ/d·``. Rojas's (and the course's) ``dA``, ``dZ`` carry no ``1/m`` (factor
``1/m``); Zhang's ``delta`` and the blog's per-sample ``dg_dz`` are ``m · dJ/dZ``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple


class Name(NamedTuple):
    """One name of a notation: the gradient it stands for and its scaling."""

    gradient: str  # "dA", "dZ", "dW", "db"
    per_m: bool  # True: the learner's value is m times the gradient (factor 1/m)
    meaning: str  # "m·∂J/∂Z[l] (Rojas's dZ: no 1/m)"


def _ours(per_m_AZ: bool, who: str) -> dict[str, Name]:
    def name(g: str, per_m: bool) -> Name:
        what = f"∂J/∂{g[1:]}[l]"
        return Name(g, per_m, f"m·{what} ({who}'s {g}: no 1/m)" if per_m else what)

    return {g: name(g, per_m_AZ and g in ("dA", "dZ")) for g in ("dA", "dZ", "dW", "db")}


NOTATIONS: dict[str, dict[str, Name]] = {
    "ours": _ours(False, "ours"),
    "rojas": {**_ours(True, "Rojas"), "dTheta": Name("dW", False, "∂J/∂W[l] (Rojas's dΘ)")},
    "course": _ours(True, "the course"),
    "wichmann": {**_ours(False, "Wichmann"),
                 "Delta": Name("dA", False, "∂J/∂A[l] (Wichmann's Δ)"),
                 "H": Name("dZ", False, "∂J/∂Z[l] (Wichmann's H)")},
    "zhang": {"delta": Name("dZ", True, "m·∂J/∂Z[l] (Zhang's per-example δ, columns)"),
              "sum_W_delta": Name("dA", True, "m·∂J/∂A[l] (Zhang's Σ_q W δ_q, columns)"),
              "dW": Name("dW", False, "∂J/∂W[l] (mean over examples)"),
              "db": Name("db", False, "∂J/∂b[l] (mean over examples)")},
    "blog": {"dg_dz": Name("dZ", True, "m·∂J/∂Z[l] (the blog's per-sample ∂g/∂z^l, columns)"),
             "dW": Name("dW", False, "∂J/∂W[l] (the blog's ∂L/∂W^l, averaged over the N "
                                     "samples)"),
             "db": Name("db", False, "∂J/∂b[l] (the blog's ∂L/∂b^l, averaged over the N "
                                     "samples)")},
}
"""Notation -> name -> :class:`Name`. ``"ours"`` is the default."""

_NAME = re.compile(r"^\s*([A-Za-z_]+?)\s*(?:\[\s*(\d+)\s*\]|_?(\d+))\s*$")


def parse_key(key: Any) -> tuple[str, int] | None:
    """``"dZ[2]"``, ``"dZ2"``, ``"dZ_2"`` or ``("dZ", 2)`` -> ``("dZ", 2)``; None otherwise."""
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str):
        try:
            return key[0], int(key[1])
        except (TypeError, ValueError):
            return None
    if not isinstance(key, str):
        return None
    found = _NAME.match(key)
    if not found:
        return None
    return found.group(1), int(found.group(2) or found.group(3))


def flatten(returned: Mapping) -> list[tuple[str, Any, tuple[str, int] | None]]:
    """``(the key as written, value, parsed key or None)`` for every entry, nested dicts
    (``{"dZ": {2: ...}}``) unfolded."""
    out: list[tuple[str, Any, tuple[str, int] | None]] = []
    for key, value in returned.items():
        if isinstance(key, str) and isinstance(value, Mapping):
            for layer, array in value.items():
                parsed = parse_key((key, layer))
                out.append((f"{key}[{layer}]", array, parsed))
        else:
            out.append((key if isinstance(key, str) else repr(key), value, parse_key(key)))
    return out


def known_names(notation: str, L: int) -> str:
    """``"dA[l], dZ[l], dW[l], db[l] for l = 1..2 (and dA[0])"``: what the notation accepts."""
    names = ", ".join(f"{name}[l]" for name in NOTATIONS[notation])
    extra = " (and dA[0] = ∂J/∂X)" if "dA" in NOTATIONS[notation] else ""
    return f"{names} for l = 1..{L}{extra}"
