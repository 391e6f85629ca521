"""``explain(J, "dW[2]", (0, 3))``: one element of a gradient with its numbers plugged in.

``dW[2][0,3] = Σ_k dZ[2][0,k] · A[1][3,k] = (0.12)(0.50) + … + (0.03)(0.21) = 0.041``: the
rule of the step that sent the gradient, written for one element, each term's values (a long
sum elided in the middle), the result. Elementwise rules are expanded with their numbers too
(``dZ[1][1,2] = dA[1][1,2] · (1 − (A[1][1,2])²) = (0.085)(1 − (0.49)²)``). The text is plain
(``str``) and LaTeX in Jupyter (``_repr_latex_``, accepted by MathJax and KaTeX); the lines
``documents`` say what each of the four documents writes for the same element.
``chain=True`` adds the path of gradients back to ``dJ``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ops import AddMM, MatMul
from . import _labels
from ._graph import INPUT
from .steps import Contribution, Step, Steps, steps

HEAD_TERMS, TAIL_TERMS = 2, 1  # terms written out before and after "…" in a long sum


@dataclass
class Term:
    """One term of the sum: its factors' values and how to write them (``{0}``, ``{1}``...
    stand for the values) as text, as Python and as LaTeX."""

    values: tuple[float, ...]
    text: str = "({0})({1})"
    python: str = "({0})*({1})"
    tex: str = "({0})({1})"

    def write(self, form: str, digits: int | None = 4) -> str:
        template = {"text": self.text, "python": self.python, "tex": self.tex}[form]
        shown = [repr(v) if digits is None else _num(v, digits, tex=form == "tex")
                 for v in self.values]
        return template.format(*shown)


@dataclass
class Explanation:
    """One gradient element: ``terms`` (summed in order), ``value`` (what ``.grad`` holds)."""

    name: str
    index: tuple[int, ...]
    formula: str
    terms: list[Term]
    value: float
    rule: str
    formula_tex: str = ""
    chain: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    def arithmetic(self) -> str:
        """The sum as plain Python: ``(0.12)*(0.5) + ...``, every term, full precision."""
        return " + ".join(t.write("python", None) for t in self.terms) or repr(self.value)

    def shown(self, form: str = "text") -> str:
        """The terms as written: all of a short sum; a long one's first and last, with the
        middle elided (``… 396 more terms …``)."""
        terms = self.terms
        if len(terms) <= HEAD_TERMS + TAIL_TERMS + 1:
            return " + ".join(t.write(form) for t in terms)
        hidden = len(terms) - HEAD_TERMS - TAIL_TERMS
        dots = rf"\dots_{{\text{{{hidden} more terms}}}}" if form == "tex" \
            else f"… {hidden} more terms …"
        return " + ".join([*(t.write(form) for t in terms[:HEAD_TERMS]), dots,
                           *(t.write(form) for t in terms[-TAIL_TERMS:])])

    def __str__(self) -> str:
        lines = [f"rule: {self.rule}",
                 f"{self.name}{_index_text(self.index)} = {self.formula} = {self.shown()} = "
                 f"{self.value:.6g}"]
        lines += self.documents
        if self.chain:
            lines.append("chain: " + " ← ".join(self.chain))
        return _labels.terminal("\n".join(lines))

    def _repr_latex_(self) -> str:
        idx = ",".join(map(str, self.index))
        return (f"${tex_name(self.name, idx)} = {self.formula_tex} = {self.shown('tex')}"
                f" = {_num(self.value, 6, tex=True)}$")


def explain(J: Any, target: Any, index: Any, *, chain: bool = False,
            recorded: Steps | None = None) -> Explanation:
    """Explain element ``index`` of the gradient ``target`` (a Tensor, or a name: ``"dW[2]"``
    or ``"W[2]"``) in the backward pass from ``J``. A name the graph lacks, or an index that
    does not fit the gradient's shape, is a ``ValueError`` naming what was expected."""
    recorded = steps(J) if recorded is None else recorded
    found = _find(recorded, target)
    if not found:
        raise ValueError(f"explain: no gradient named {target!r} in this graph; the names are "
                         f"{sorted({c.name for s in recorded for c in s.contributions})}")
    step, c = found[0]
    idx = _check_index(c.name, index, c.grad.shape)
    value = float(recorded.grads().get(c.target, found[-1][1].total)[idx]) if len(found) > 1 \
        else float(c.grad[idx])
    formula, formula_tex, terms = _element(recorded, step, c, idx)
    rule = next((r for r in step.rules if r.startswith(c.name + " ")), " ; ".join(step.rules))
    if len(found) > 1:  # the total of several contributions: name each
        parts = [f"{h[1].label}{_index_text(idx)}" for h in found]
        formula = " + ".join(parts) + f"   ({len(found)} contributions; the first: "\
                                      f"{formula})"
        terms = [Term((float(h[1].grad[idx]),), "({0})", "({0})", "({0})") for h in found]
        formula_tex = " + ".join(tex_name(h[1].label, ",".join(map(str, idx))) for h in found)
    out = Explanation(c.name, idx, formula, terms, value, rule, formula_tex)
    if math.prod(J.shape) == 1:
        out.documents = documents(c.name, idx, value, _columns(recorded),
                                  is_leaf=c.target._op is None)
    if chain:
        out.chain = _chain(recorded, step, c.name)
    return out


def contribution(recorded: Steps, step: Step, c: Contribution,
                 index: tuple[int, ...]) -> Explanation:
    """One element of one contribution (``dx⁽²⁾[1]``, not the total), worked out: what the
    step page reveals in predict mode."""
    idx = _check_index(c.label or c.name, index, c.grad.shape)
    formula, formula_tex, terms = _element(recorded, step, c, idx)
    rule = next((r for r in step.rules if r.startswith((c.label or c.name) + " ")),
                " ; ".join(step.rules))
    return Explanation(c.label or c.name, idx, formula, terms, float(c.grad[idx]), rule,
                       formula_tex)


def _check_index(name: str, index: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """``index`` as a tuple of ints within ``shape``, or a one-line ``ValueError``."""
    example = ",".join(["0"] * len(shape)) or "()"
    try:
        idx = (int(index),) if isinstance(index, int | np.integer) \
            else tuple(int(i) for i in index)
    except (TypeError, ValueError):
        raise ValueError(f"explain: the index of {name} must be {len(shape)} integers (such as "
                         f"{example}), got {index!r}") from None
    if len(idx) != len(shape):
        raise ValueError(f"explain: {name} has shape {shape}, so an element takes {len(shape)} "
                         f"ind{'ex' if len(shape) == 1 else 'ices'} (such as {example}); got "
                         f"{len(idx)}: {index!r}")
    for axis, (i, n) in enumerate(zip(idx, shape, strict=True)):
        if not 0 <= i < n:
            raise ValueError(f"explain: index {i} is out of range for axis {axis} of {name}, "
                             f"whose shape is {shape} (0 to {n - 1})")
    return idx


def _columns(recorded: Steps) -> int | None:
    """m, the examples (columns) of the graph's 2-D inputs, where they agree."""
    graph = recorded.graph
    m = {t.shape[1] for i, t in enumerate(graph.tensors)
         if graph.kinds[i] == INPUT and len(t.shape) == 2}
    return m.pop() if len(m) == 1 else None


def documents(name: str, idx: tuple[int, ...], value: float, m: int | None, *,
              is_leaf: bool) -> list[str]:
    """What each document writes for this element (``docs/notation.md``): our ``J`` is the
    mean over the ``m`` examples, and so are Rojas's dΘ, db, Wichmann's gradients and the
    blog's ∂L/∂W; Rojas's dZ, dA and the per-example quantities (Zhang's, the blog's
    interior ones) carry no 1/m."""
    if m is None or m < 1:
        return []
    el = f"{name}{_index_text(idx)}"
    factor = f"({value:.6g})" if value < 0 else f"{value:.6g}"
    times = f"m·{el} = {m}·{factor} = {m * value:.6g}"
    if is_leaf:
        rojas = "Rojas's dΘ, db ((A), (B))" if name.startswith(("dW", "db")) else "Rojas"
        return [f"in the documents: {rojas}, Wichmann and the blog's ∂L/∂W, ∂L/∂b average "
                f"over the m = {m} examples as J does: {value:.6g};",
                f"  Zhang works one example at a time: his per-example gradients, summed "
                f"over the examples, give {times} (their mean is {value:.6g})"]
    column = f" for example {idx[-1]}" if len(idx) == 2 else ""
    letter = re.sub(r"^d|\[.*$", "", name)
    wichmann = {"Z": "H", "A": "Δ"}.get(letter)
    zhang = "Zhang's δ" if letter == "Z" else "Zhang's Σ_q W δ_q"
    return [f"in the documents: {'Wichmann (' + wichmann + ')' if wichmann else 'Wichmann'} "
            f"writes {value:.6g}, the same;",
            f"  Rojas's d{letter}, {zhang}{column} and the blog's per-sample ∂g/∂"
            f"{letter.lower() or 'x'} carry no 1/m: {times}"]


def _find(recorded: Steps, target: Any) -> list[tuple[Step, Contribution]]:
    hits = []
    for s in recorded:
        for c in s.contributions:
            if isinstance(target, str):
                if target in (c.name, getattr(c.target, "name", None)) \
                        or c.name == "d" + target:
                    hits.append((s, c))
            elif c.target is target:
                hits.append((s, c))
    return hits


# ---------------------------------------------------------------- one element of a rule


def _element(recorded: Steps, step: Step, c: Contribution,
             idx: tuple[int, ...]) -> tuple[str, str, list[Term]]:
    """(formula, its LaTeX, terms) for one element of the contribution ``c``."""
    node, g = step.node, step.grad
    op, parents = node._op, node._parents
    gname = step.grad_name
    name = c.name

    def n(t: Any) -> str:
        return _name(recorded, t)

    if op in (AddMM, MatMul) and len(idx) == 2:
        i, j = idx
        w, a = (parents[1], parents[2]) if op is AddMM else (parents[0], parents[1])
        if c.target is w:
            other = a._data
            terms = [Term((float(g[i, k]), float(other[j, k]))) for k in range(g.shape[1])]
            return (f"Σ_k {gname}[{i},k] · {n(a)}[{j},k]",
                    rf"\sum_{{k}} {tex_name(gname, f'{i},k')} \cdot {tex_name(n(a), f'{j},k')}",
                    terms)
        if c.target is a:
            other = w._data
            terms = [Term((float(other[k, i]), float(g[k, j]))) for k in range(g.shape[0])]
            return (f"Σ_k {n(w)}[k,{i}] · {gname}[k,{j}]",
                    rf"\sum_{{k}} {tex_name(n(w), f'k,{i}')} \cdot {tex_name(gname, f'k,{j}')}",
                    terms)
    if c.grad.shape != g.shape and g.ndim == 2 and c.grad.ndim == 2 \
            and c.grad.shape[0] == g.shape[0] and c.grad.shape[1] == 1:  # Σ over columns
        row = idx[0]
        terms = [Term((float(g[row, k]),), "({0})", "({0})", "({0})") for k in range(g.shape[1])]
        return (f"Σ_k {gname}[{row},k]", rf"\sum_{{k}} {tex_name(gname, f'{row},k')}", terms)
    if c.grad.shape == g.shape or g.size == 1:
        local = _local(recorded, step, c, idx)
        if local is not None:
            return local
    el = f"{name}{_index_text(idx)}"
    return (f"{el} (the rule above, evaluated)", tex_name(name, ",".join(map(str, idx))),
            [Term((float(c.grad[idx]),), "({0})", "({0})", "({0})")])


def _local(recorded: Steps, step: Step, c: Contribution,
           idx: tuple[int, ...]) -> tuple[str, str, list[Term]] | None:
    """An elementwise rule for one element: the arriving gradient times the local derivative,
    written with its numbers (tanh, σ, ReLU, exp, log, products, sums, the fused loss)."""
    node, g = step.node, step.grad
    op = node._op.name
    parents = node._parents
    gi = () if g.size == 1 else idx
    gv = float(g[gi]) if gi else float(g.reshape(-1)[0])
    gname = step.grad_name
    gel, gtex = gname + _index_text(gi), tex_name(gname, ",".join(map(str, gi)))
    ix = ",".join(map(str, idx))
    out, out_data = step.name, node._data

    def at(t: Any) -> float:
        d = np.broadcast_to(t._data, c.grad.shape) if t._data.shape != c.grad.shape else t._data
        return float(d[idx])

    if op == "binary_cross_entropy" and c.target is not parents[0] and c.target is not \
            parents[1]:  # the fused step: straight to the logits
        y, t = parents[0], parents[1]
        m = parents[0].shape[-1] if parents[0].ndim else 1
        yn, tn = _name(recorded, y), _name(recorded, t)
        return (f"{gel} · ({yn}[{ix}] − {tn}[{ix}]) / m",
                rf"{gtex} \cdot ({tex_name(yn, ix)} - {tex_name(tn, ix)}) / m",
                [Term((gv, at(y), at(t), float(m)), "({0})(({1}) − ({2}))/{3}",
                      "({0})*(({1}) - ({2}))/({3})", r"({0})(({1}) - ({2}))/{3}")])
    x = parents[0]
    xn = _name(recorded, x)
    if op == "tanh":
        a = float(out_data[idx])
        return (f"{gel} · (1 − ({out}[{ix}])²)", rf"{gtex} \cdot (1 - ({tex_name(out, ix)})^2)",
                [Term((gv, a), "({0})(1 − ({1})²)", "({0})*(1 - ({1})**2)",
                      "({0})(1 - ({1})^2)")])
    if op == "sigmoid":
        a = float(out_data[idx])
        return (f"{gel} · {out}[{ix}] (1 − {out}[{ix}])",
                rf"{gtex} \cdot {tex_name(out, ix)} (1 - {tex_name(out, ix)})",
                [Term((gv, a), "({0})({1})(1 − ({1}))", "({0})*({1})*(1 - ({1}))",
                      "({0})({1})(1 - ({1}))")])
    if op == "exp":
        return (f"{gel} · {out}[{ix}]", rf"{gtex} \cdot {tex_name(out, ix)}",
                [Term((gv, float(out_data[idx])))])
    if op == "relu":
        z = at(x)
        return (f"{gel} · [{xn}[{ix}] > 0]",
                rf"{gtex} \cdot [{tex_name(xn, ix)} > 0]",
                [Term((gv, 1.0 if z > 0 else 0.0))])
    if op == "log":
        return (f"{gel} / {xn}[{ix}]", rf"{gtex} / {tex_name(xn, ix)}",
                [Term((gv, at(x)), "({0})/({1})", "({0})/({1})", "({0})/({1})")])
    if op == "mul" and len(parents) == 2:
        other = parents[1] if c.target is parents[0] else parents[0]
        on = _name(recorded, other)
        return (f"{gel} · {on}[{ix}]", rf"{gtex} \cdot {tex_name(on, ix)}",
                [Term((gv, at(other)))])
    if op in ("add", "sub", "neg") and c.grad.shape == g.shape:
        local = float(c.grad[idx]) / gv if gv else (1.0 if op == "add" else float("nan"))
        if math.isfinite(local) and local in (1.0, -1.0):
            sign = "" if local == 1.0 else "−"
            return (f"{sign}{gel}", f"{'-' if sign else ''}{gtex}",
                    [Term((gv, local))])
    return None


def _name(recorded: Steps, t: Any) -> str:
    i = recorded.graph.index.get(t)
    return recorded.graph.names[i].text if i is not None else (t.name or "?")


def _index_text(idx: tuple[int, ...]) -> str:
    return f"[{','.join(map(str, idx))}]" if idx else ""


def _num(v: float, digits: int, *, tex: bool = False) -> str:
    text = f"{v:.{digits}g}"
    if tex and "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


_LAYER = re.compile(r"^(d?)([A-Za-z]\w*)\[([\w+−-]+)\]$")
_TEX_SPECIAL = re.compile(r"([\\{}_^#%&$~])")
_TEX_UNICODE = {"−": "-", "⊙": r"\odot ", "σ": r"\sigma ", "·": r"\cdot ", "Σ": r"\Sigma ",
                "ᵀ": r"{}^{\top}", "²": "{}^{2}", "³": "{}^{3}", "‖": r"\Vert ", "√": r"\surd "}


def tex_name(name: str, index: str = "") -> str:
    """A gradient or tensor name in LaTeX, with an element's index as a subscript:
    ``dZ[2]``, ``"0,k"`` → ``\\mathrm{dZ}^{[2]}_{0,k}``; a contribution ``dx⁽²⁾`` →
    ``\\mathrm{dx}^{(2)}``. One superscript and one subscript per base (a double superscript
    is an error in MathJax and KaTeX), ASCII only."""
    sub = f"_{{{index}}}" if index else ""
    sups = []
    numbered = _PART.match(name)
    if numbered:
        name = numbered[1]
        sups.append(f"({numbered[2].translate(_DIGITS)})")
    m = _LAYER.match(name)
    if m:
        d, base, layer = m.groups()
        sups.insert(0, f"[{layer.replace('−', '-')}]")
        body = rf"\mathrm{{{d}{base}}}"
    else:
        body = rf"{{\mathrm{{{_tex_text(name)}}}}}"
    sup = f"^{{{''.join(sups)}}}" if sups else ""
    return f"{body}{sup}{sub}"


def _tex_text(name: str) -> str:
    """Any name as LaTeX text: its markup (``W[1]``, ``v_{3}``, ``x^{p}``) as scripts of
    their own group, everything else escaped."""
    out, end = [], 0

    def escape(text: str) -> str:
        text = _TEX_SPECIAL.sub(r"\\\1", text)
        for char, tex in _TEX_UNICODE.items():
            text = text.replace(char, tex)
        return text.encode("ascii", "replace").decode("ascii")  # no glyph a renderer lacks

    for match in _labels.MARKUP.finditer(name):
        layer, sub, sup = match.groups()
        out.append(escape(name[end:match.start()]))
        out.append(f"{{}}^{{[{escape(layer)}]}}" if layer is not None
                   else f"{{}}_{{{escape(sub)}}}" if sub is not None else f"{{}}^{{{escape(sup)}}}")
        end = match.end()
    out.append(escape(name[end:]))
    return "".join(out)


_PART = re.compile(r"^(.*)⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾$")
_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _chain(recorded: Steps, step: Step, name: str) -> list[str]:
    out = [name]
    current = step
    while True:
        out.append(current.grad_name)
        source = next((s for s in recorded if any(c.target is current.node
                                                 for c in s.contributions)), None)
        if source is None:
            return out
        current = source
