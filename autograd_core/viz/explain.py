"""``explain(J, "dW[2]", (0, 3))``: one element of a gradient with its numbers plugged in.

``dW[2][0,3] = Σ_i dZ[2][0,i] · A[1][3,i] = (0.12)(0.50) + … = 0.041``: the rule of the
step that sent the gradient, written for one element, each term's values, the result. The
text is plain (``str``) and LaTeX in Jupyter (``_repr_latex_``). ``chain=True`` adds the path
of gradients back to ``dJ``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..ops import AddMM, MatMul
from .steps import Contribution, Step, Steps, steps

SHOWN_TERMS = 3  # terms written out before "…"


@dataclass
class Explanation:
    """One gradient element: ``terms`` (factor pairs, summed in order), ``value`` (.grad's)."""

    name: str
    index: tuple[int, ...]
    formula: str
    terms: list[tuple[float, float]]
    value: float
    rule: str
    chain: list[str] = field(default_factory=list)
    factors: str = ""

    def arithmetic(self) -> str:
        """The sum as plain Python: ``(0.12)*(0.5) + ...``, every term, full precision."""
        return " + ".join(f"({a!r})*({b!r})" for a, b in self.terms) or repr(self.value)

    def __str__(self) -> str:
        idx = ",".join(map(str, self.index))
        shown = " + ".join(f"({a:.4g})({b:.4g})" for a, b in self.terms[:SHOWN_TERMS])
        if len(self.terms) > SHOWN_TERMS:
            shown += f" + … ({len(self.terms)} terms)"
        lines = [f"rule: {self.rule}",
                 f"{self.name}[{idx}] = {self.formula} = {shown} = {self.value:.6g}"]
        if self.factors:
            lines.append(self.factors)
        if self.chain:
            lines.append("chain: " + " ← ".join(self.chain))
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        idx = ",".join(map(str, self.index))
        shown = " + ".join(f"({a:.4g})({b:.4g})" for a, b in self.terms[:SHOWN_TERMS])
        if len(self.terms) > SHOWN_TERMS:
            shown += r" + \dots"
        formula = self.formula.replace("Σ_", r"\sum_").replace("·", r"\cdot ")
        return (rf"$\mathrm{{{_tex(self.name)}}}_{{{idx}}} = {_tex(formula)} = {shown}"
                rf" = {self.value:.6g}$")


def _tex(text: str) -> str:
    return text.replace("[", "^{[").replace("]", "]}").replace("Σ", r"\sum")


def explain(J: Any, target: Any, index: Any, *, chain: bool = False,
            recorded: Steps | None = None) -> Explanation:
    """Explain element ``index`` of the gradient ``target`` (a Tensor, or a name: ``"dW[2]"``
    or ``"W[2]"``) in the backward pass from ``J``."""
    recorded = steps(J) if recorded is None else recorded
    idx = (index,) if isinstance(index, int) else tuple(int(i) for i in index)
    found = _find(recorded, target)
    if not found:
        raise ValueError(f"explain: no gradient named {target!r} in this graph; the names are "
                         f"{sorted({c.name for s in recorded for c in s.contributions})}")
    step, c = found[0]
    if len(found) > 1:
        value = float(recorded.grads().get(c.target, found[-1][1].total)[idx])
    else:
        value = float(c.grad[idx])
    formula, terms = _element(step, c, idx)
    rule = next((r for r in step.rules if r.startswith(c.name + " ")), " ; ".join(step.rules))
    out = Explanation(c.name, idx, formula, terms, value, rule)
    m = J.shape == () or J.size == 1
    if m and step.grad.ndim == 2:
        cols = step.grad.shape[1]
        out.factors = (f"documents that drop the 1/m (Rojas: m·∂J/∂Z) show m·{c.name}[...] = "
                       f"{cols}·{value:.6g} = {cols * value:.6g}")
    if chain:
        out.chain = _chain(recorded, step, c.name)
    return out


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


def _element(step: Step, c: Contribution, idx: tuple[int, ...]) -> tuple[str, list]:
    """The formula for one element and its terms (pairs of factors), where the rule is a
    product; otherwise the contribution itself as one term."""
    node, g = step.node, step.grad
    op, parents = node._op, node._parents
    gname = step.grad_name
    if op in (AddMM, MatMul) and len(idx) == 2:
        i, j = idx
        w, a = (parents[1], parents[2]) if op is AddMM else (parents[0], parents[1])
        if c.target is w:
            other = a._data
            terms = [(float(g[i, k]), float(other[j, k])) for k in range(g.shape[1])]
            return f"Σ_k {gname}[{i},k] · {_n(a)}[{j},k]", terms
        if c.target is a:
            other = w._data
            terms = [(float(other[k, i]), float(g[k, j])) for k in range(g.shape[0])]
            return f"Σ_k {_n(w)}[k,{i}] · {gname}[k,{j}]", terms
        if op is AddMM and c.target is parents[0]:
            row = i if g.shape[0] == c.grad.shape[0] else 0
            return f"Σ_k {gname}[{row},k]", [(float(g[row, k]), 1.0) for k in range(g.shape[1])]
    return c.name + " (from the rule above)", [(float(c.grad[idx]), 1.0)]


def _n(t: Any) -> str:
    return t.name or "?"


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
