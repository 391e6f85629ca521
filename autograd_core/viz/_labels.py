"""Text for the drawing: names in the documents' notation as Graphviz HTML, numbers, shapes.

Names are plain strings with three light conventions, turned into HTML by ``html``:

- ``W[1]``, ``dZ[l]``, ``A[l-1]``: a bracketed layer index right after a name becomes a
  superscript, ``W<sup>[1]</sup>``, as the documents write ``W^{[1]}``;
- ``x_{3}``: a subscript; ``x^{p}``: a superscript.

Everything else is escaped, so any user name is safe in an HTML label.
"""

from __future__ import annotations

import html as _html
import math
import re

import numpy as np

# a layer index: digits, or a letter optionally followed by +/- digits (l, L, l-1, l+1)
MARKUP = re.compile(r"(?<=\w)\[(\d+|[A-Za-z](?:[-+−]\d+)?)\]|_\{([^{}]*)\}|\^\{([^{}]*)\}")


def html(text: str) -> str:
    """``text`` as the body of a Graphviz HTML label (escaped, with sub- and superscripts)."""
    out, end = [], 0
    for match in MARKUP.finditer(text):
        out.append(_escape(text[end:match.start()]))
        layer, sub, sup = match.groups()
        if layer is not None:
            out.append(f"<sup>[{_escape(layer.replace('-', '−'))}]</sup>")
        elif sub is not None:
            out.append(f"<sub>{_escape(sub)}</sub>")
        else:
            out.append(f"<sup>{_escape(sup)}</sup>")
        end = match.end()
    out.append(_escape(text[end:]))
    return "".join(out)


def plain(text: str) -> str:
    """``text`` with the markup removed (what a reader sees), e.g. for lengths and tooltips."""
    return MARKUP.sub(lambda m: f"[{m[1]}]" if m[1] is not None else (m[2] or m[3] or ""), text)


# The characters Unicode has a small form of, and that form.
SUBSCRIPT = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
SUPERSCRIPT = dict(zip("0123456789+-−=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿ"))
_SCRIPT = re.compile(r"([_^])\{([^{}]*)\}")


def terminal(text: str) -> str:
    """``text`` as a terminal shows it: ``v_{1}`` -> ``v₁``, ``x^{2}`` -> ``x²``; a script
    with a character Unicode has no small form of stays marked, ``Σ_{cols}`` -> ``Σ_cols``."""
    def script(match: re.Match) -> str:
        mark, body = match.groups()
        table = SUBSCRIPT if mark == "_" else SUPERSCRIPT
        if not body:
            return ""
        if all(c in table for c in body):
            return "".join(table[c] for c in body)
        return mark + (body if body.isalnum() else f"({body})")

    return _SCRIPT.sub(script, text)


def _escape(text: str) -> str:
    return _html.escape(text, quote=True)


def number(x: float) -> str:
    """A constant as a reader writes it: ``2``, ``0.5``, ``0.0025``, ``1/6``, ``3.142``."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e6:
        text = str(int(x))
    else:
        text = f"{x:.4g}"
        inverse = 1 / x
        if float(text) != x and abs(inverse) < 1e7 \
                and abs(inverse - round(inverse)) <= 1e-9 * abs(inverse):
            text = f"{'-' if x < 0 else ''}1/{abs(round(inverse))}"  # 1/m, not 0.1667
    return text.replace("-", "−")


def short(x: float) -> str:
    """A measured value, three significant digits: ``0.0312``, ``1.2e−05``."""
    return f"{float(x):.3g}".replace("-", "−")


def shape(s: tuple[int, ...]) -> str:
    """``4×2``; ``5`` for a vector; ``scalar`` for ``()``."""
    return "×".join(map(str, s)) if s else "scalar"


def values(a: np.ndarray) -> str:
    """A value summary: the value of one element, else the range ``[min, max]``."""
    a = np.asarray(a)
    if a.size == 0:
        return "empty"
    if a.size == 1:
        return "= " + short(a.item())
    if a.dtype.kind == "b":
        a = a.astype(np.int8)
    return f"[{short(a.min())}, {short(a.max())}]"


def gradient(g: np.ndarray) -> str:
    """A gradient summary: its value for one element, else its Euclidean norm."""
    g = np.asarray(g)
    if g.size == 1:
        return "= " + short(g.item())
    return "‖·‖ = " + short(np.sqrt(np.sum(np.square(g, dtype=np.float64))))


def axes_word(summed: tuple[int, ...], ndim: int) -> str:
    """What a reduction over ``summed`` axes of an ``ndim``-D array runs over, in words."""
    if len(summed) == ndim:
        return ""
    if ndim == 2 and summed == (1,):
        return "cols"
    if ndim == 2 and summed == (0,):
        return "rows"
    return "axis " + ",".join(map(str, summed))
