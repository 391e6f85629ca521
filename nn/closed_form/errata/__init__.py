"""Errata of the four documents: every printed equation that is wrong, with both forms in NumPy.

``ERRATA`` lists them (document order); ``evaluate(erratum, cache)`` runs the printed and the
corrected form on a network; ``NOTES`` lists slips that change no computed value (typesetting,
wording, extraction damage), which are recorded but not evaluated. ``evidence()`` evaluates
every erratum on a real ``nn.MLP`` against autodiff (``report``); ``render_markdown()`` and
``python -m nn.closed_form.errata`` turn that into ``docs/errata.md``.
"""

from __future__ import annotations

from .blog_errata import ERRATA as _BLOG
from .entry import (
    QUANTITIES,
    Erratum,
    Evaluation,
    Note,
    Target,
    evaluate,
    relative_error,
)
from .report import (
    NETWORKS,
    Evidence,
    Network,
    errata_table,
    evidence,
    render_markdown,
    write_markdown,
)
from .rojas_errata import ERRATA as _ROJAS
from .wichmann_errata import ERRATA as _WICHMANN
from .zhang_errata import ERRATA as _ZHANG

ERRATA: tuple[Erratum, ...] = _ROJAS + _ZHANG + _WICHMANN + _BLOG

BY_KEY: dict[str, Erratum] = {erratum.key: erratum for erratum in ERRATA}

NOTES: tuple[Note, ...] = (
    Note(
        "000 Rojas",
        "(1)",
        r"\xrightarrow{\Theta^{[1]+b^{[1]}}}",
        r"\xrightarrow{\Theta^{[1]},\, b^{[1]}}",
        "The bias is typeset inside Theta's superscript.",
    ),
    Note(
        "001 Zhang",
        "step 2)",
        r"\sum_{q=1}^{S_{l+1}}",
        r"\sum_{q=1}^{s_{l+1}}",
        "Capital S for the unit count written s everywhere else.",
    ),
    Note(
        "001 Zhang",
        "steps 1) and 3)",
        r"h_p(W, b; x, y)",
        r"h_p(W, b; x)",
        "The network output does not depend on the target y (the derivation writes h_p(W, b; x)).",
    ),
    Note(
        "001 Zhang",
        "after step 2)",
        "they used to be the indexes of the units on the layer n_l - 1 and n_l - 2",
        "k and q used to index the units of layers n_l - 2 and n_l - 1",
        "k was on layer n_l - 2 and q on n_l - 1; the sentence lists the layers the other way.",
    ),
    Note(
        "001 Zhang",
        "derivation, second block",
        r"\frac{\partial (W_p^{(n_l-1)} \cdot a^{(n_l-1)})}{\partial W_{i \leftarrow j}^{(n_l-4)}}",
        r"\frac{\partial (W_p^{(n_l-1)} \cdot a^{(n_l-1)} + b_p^{(n_l-1)})}"
        r"{\partial W_{i \leftarrow j}^{(n_l-4)}}",
        "z_p omits its bias; the derivative is unaffected because b does not depend on W.",
    ),
    Note(
        "002 Wichmann",
        "section 2.2",
        r"\mathbb{Z}^{(L)}",
        r"Z^{(L)}",
        "Blackboard Z (the integers) for the pre-activation Z^{(L)}.",
    ),
    Note(
        "002 Wichmann",
        "(3.9)",
        r"\mathcal{L}(t, a^{(L)}) = -\left[t\log a^{(L)} + (1-t)\log(1-a^{(L)})\right]",
        r"\mathcal{L}(t, a^{(L)}) = -\sum_{k=1}^{S_L} \left[t_k\log a_k^{(L)} + "
        r"(1-t_k)\log(1-a_k^{(L)})\right]",
        "A vector for S_L > 1; the sum over outputs is implicit (section 3.2 has S_L = 1).",
    ),
    Note(
        "002 Wichmann",
        "text after (4.11)",
        "very similar to equation 2.15",
        "very similar to equation 2.16",
        "(4.12) mirrors the weight formula (2.16); (2.15) is the definition of H^{(L)}.",
    ),
    Note(
        "002 Wichmann",
        "(5.5)-(5.6), (5.11)-(5.12), (5.17)-(5.18)",
        "repeated \\underbrace{...}_{...} \\odot ... fragments",
        "(the chain of Hadamard and matrix factors, restated in (5.7), (5.13), (5.19))",
        "Damaged in the text we received (repeated underbraces, cut-off fractions); the "
        "content is restated by (5.7), (5.13)-(5.15) and (5.19), which were checked instead.",
    ),
    Note(
        "002 Wichmann",
        "section 6, text",
        r"X = \in \mathbb{R}^{2\times 400}; \text{one-hot encodings}; n_h \text{ layers}",
        r"X \in \mathbb{R}^{2\times 400}; \text{0/1 labels}; n_h \text{ units}",
        "A stray '='; one row of 0/1 labels is not a one-hot encoding; the hidden layer has n_h "
        "units. Section 6 also writes m (Ng's symbol) for N.",
    ),
)


def by_document(document: str) -> tuple[Erratum, ...]:
    """The errata of one document, e.g. ``by_document("002 Wichmann")``."""
    return tuple(erratum for erratum in ERRATA if erratum.document == document)


__all__ = [
    "BY_KEY",
    "ERRATA",
    "NETWORKS",
    "NOTES",
    "QUANTITIES",
    "Erratum",
    "Evaluation",
    "Evidence",
    "Network",
    "Note",
    "Target",
    "by_document",
    "errata_table",
    "evaluate",
    "evidence",
    "relative_error",
    "render_markdown",
    "write_markdown",
]
