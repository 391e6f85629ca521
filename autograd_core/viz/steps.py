"""The backward pass, step by step: what the engine does at each node, recorded.

``steps(J)`` runs the core's walk (``core.walk``) as ``J.backward()`` does, with the same
interpretation (``core.Arrays``: the same rules on the same saved values, the same
unbroadcasting and the same shortcut for a fused loss of a sigmoid) and an observer that
records it, without freeing the graph or touching any ``.grad``. Each
``Step`` holds the node, the gradient arriving at it, its rules in the documents' notation
(``dW[2] = dZ[2] (A[1])ᵀ``) and each input's contribution, each with its own name
(``dx⁽¹⁾``, ``dx⁽²⁾``) where a tensor used more than once receives several, and their sum.
``Steps.grads()`` replays the sums: bit for bit what ``J.backward()`` writes into ``.grad``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core import Arrays, walk
from ..guards import FREED, refuse_freed
from ..ops import AddMM
from ._graph import Graph, gradient_names, part, rules
from ._labels import terminal

MAX_STEPS = 2000  # more nodes than a lecture can watch


class TooManySteps(ValueError):
    """A graph with more ops than ``limit``: too many steps to watch. ``who`` names the call
    (``steps``, ``animate``), whose own argument ``max_steps=None`` lifts the limit."""

    def __init__(self, who: str, limit: int) -> None:
        self.who, self.limit = who, limit
        super().__init__(f"{who}: the graph has over {limit:,} ops, too many to watch; use a "
                         f"smaller network (fewer layers or units), or pass {who}(..., "
                         f"max_steps=None) to record every step anyway")


@dataclass
class Contribution:
    """One input's share of a step: ``grad`` flows to ``target``; ``accumulated`` when the
    target already had a gradient (``+=``), ``total`` its sum after this contribution."""

    target: Any
    name: str
    grad: np.ndarray
    accumulated: bool
    total: np.ndarray
    label: str = ""  # this contribution's own name: ``dx⁽²⁾`` where several add up, else name
    parts: int = 1  # how many contributions the target receives in all
    number: int = 1  # which of them this is, in the order they arrive

    def sum_text(self) -> str:
        """``dx = dx⁽¹⁾ + dx⁽²⁾`` once the last contribution is in, else ``dx so far
        (dx⁽¹⁾ + dx⁽²⁾)``; ``""`` for the only or first contribution."""
        if self.parts < 2 or self.number < 2:
            return ""
        terms = [part(self.name, k) for k in range(1, self.number + 1)]
        written = " + ".join(terms) if len(terms) <= 4 else f"{terms[0]} + … + {terms[-1]}"
        return f"{self.name} = {written}" if self.number == self.parts \
            else f"{self.name} so far ({written})"


@dataclass
class Step:
    """The engine at one node: the gradient ``grad`` arriving, the rules it runs."""

    number: int
    node: Any
    name: str
    grad_name: str
    op: str
    grad: np.ndarray
    rules: list[str]
    contributions: list[Contribution] = field(default_factory=list)


class Steps(list):
    """The recorded steps, in the order the engine processes nodes."""

    def __init__(self, items: list[Step], graph: Graph, leaves: dict[Any, np.ndarray]) -> None:
        super().__init__(items)
        self.graph = graph
        self.leaves = leaves

    def grads(self) -> dict[Any, np.ndarray]:
        """Each leaf's gradient, replayed from the contributions in the recorded order."""
        totals: dict[Any, np.ndarray] = {}
        for step in self:
            for c in step.contributions:
                totals[c.target] = totals[c.target] + c.grad if c.target in totals else c.grad
        return {t: g for t, g in totals.items() if t._op is None}

    def __str__(self) -> str:
        return format_steps(self)


def _name(graph: Graph, t: Any) -> str:
    i = graph.index.get(t)
    return graph.names[i].text if i is not None else "?"


def steps(J: Any, grad: Any = None, *, max_steps: int | None = MAX_STEPS) -> Steps:
    """Run backward from ``J`` as the engine does and record every step; no ``.grad`` is
    written and the graph is kept. ``grad``: d loss/dJ (needed unless ``J`` has one element).
    Raises ``ValueError`` for a graph over ``max_steps`` ops and ``RuntimeError`` for a freed
    graph."""
    if not getattr(J, "requires_grad", False) or getattr(J, "_op", None) is None:
        raise ValueError("steps: J was not computed from tensors that require grad; there is "
                         "no backward pass to watch")
    data = J._data
    if grad is None:
        if math.prod(J.shape) != 1:
            raise ValueError(f"steps: J has shape {J.shape}; pass grad= (dJ, same shape) for a "
                             f"non-scalar, or reduce it first (J.sum())")
        seed = np.ones_like(data)
    else:
        seed = np.asarray(grad, dtype=data.dtype)
        if seed.shape != data.shape:
            raise ValueError(f"steps: grad has shape {seed.shape}, J has shape {J.shape}")
    if max_steps is not None and (isinstance(max_steps, bool) or not isinstance(max_steps, int)
                                  or max_steps < 1):
        raise ValueError(f"steps: max_steps must be a positive integer or None, "
                         f"got {max_steps!r}")
    count = _count_ops(J, max_steps)
    if max_steps is not None and count > max_steps:
        raise TooManySteps("steps", max_steps)
    graph = Graph(J, fuse=True)  # drawn as backward runs: a fused loss is one node
    gnames, _ = gradient_names(graph)

    def gname(t: Any) -> str:
        i = graph.index.get(t)
        return (gnames[i] if i is not None and gnames[i] else None) or f"d{_name(graph, t)}"

    recorder = _Recorder(seed, graph, gnames, gname)
    leaves = walk(J, seed, recorder, recorder)
    _label(recorder.steps)
    return Steps(recorder.steps, graph, {t: np.array(g) for t, g in leaves.items()})


class _Recorder(Arrays):
    """``J.backward()``'s interpretation (``core.Arrays``), recording as it goes: a ``Step``
    when a node's gradient is complete (as the walk's observer), a ``Contribution`` for each
    rule's fitted result, and the sum it makes (bit for bit the walk's). It only refuses a
    freed graph, and frees nothing."""

    def __init__(self, seed: np.ndarray, graph: Graph, gnames: list[str | None],
                 gname: Any) -> None:
        super().__init__(seed)
        self.graph, self.gnames, self.gname = graph, gnames, gname
        self.steps: list[Step] = []
        self.totals: dict[Any, np.ndarray] = {}

    @staticmethod
    def check(node: Any) -> None:
        if node._saved is FREED:
            refuse_freed(node)

    def arrived(self, node: Any, g: np.ndarray) -> np.ndarray:
        self.steps.append(Step(len(self.steps) + 1, node, _name(self.graph, node),
                               self.gname(node), node._op.name, np.array(g),
                               _rules(self.graph, self.gnames, node)))
        return g

    def fit(self, pg: Any, p: Any, node: Any, g: Any) -> Any:
        pg = super().fit(pg, p, node, g)
        contribution = np.array(pg)
        accumulated = p in self.totals
        self.totals[p] = self.totals[p] + pg if accumulated else contribution
        self.steps[-1].contributions.append(Contribution(
            p, self.gname(p), contribution, accumulated, np.array(self.totals[p])))
        return pg


def _label(recorded: list[Step]) -> None:
    """Name each contribution: ``dx⁽¹⁾``, ``dx⁽²⁾``... where a tensor receives several (in
    the order they arrive, as ``_graph.arrival`` numbers the drawing's rules), else ``dx``."""
    counts: dict[Any, int] = {}
    for s in recorded:
        for c in s.contributions:
            counts[c.target] = counts.get(c.target, 0) + 1
    seen: dict[Any, int] = {}
    for s in recorded:
        for c in s.contributions:
            seen[c.target] = seen.get(c.target, 0) + 1
            c.parts, c.number = counts[c.target], seen[c.target]
            c.label = part(c.name, seen[c.target]) if c.parts > 1 else c.name


def _rules(graph: Graph, gnames: list[str | None], node: Any) -> list[str]:
    i = graph.index.get(node)
    if i is None:
        return []
    lines = rules(graph, gnames, i)
    if node._op is AddMM:  # drawn as Z = (W A) + b: the product's rules too
        product = graph.tensors[i].parents[0]
        if product in graph.index and product.requires_grad:
            lines = lines + rules(graph, gnames, graph.index[product])
    return lines


def _count_ops(J: Any, limit: int | None) -> int:
    seen, stack = {J}, [J]
    while stack:
        t = stack.pop()
        for p in t._parents:
            if p not in seen and p._op is not None:
                seen.add(p)
                stack.append(p)
                if limit is not None and len(seen) > limit:
                    return len(seen)
    return len(seen)


def summary(a: np.ndarray, small: int = 12) -> str:
    """Values of a small array, the norm of a large one."""
    a = np.asarray(a)
    if a.size <= small:
        return np.array2string(a, precision=4, suppress_small=True, separator=", ",
                               max_line_width=100).replace("\n", " ")
    return f"‖·‖ = {float(np.linalg.norm(a)):.6g}"


def format_steps(recorded: Steps) -> str:
    """The numbered steps as text: node, arriving gradient, rules, contributions (scripts
    written as a terminal shows them, ``Σ_cols``, ``v₁``)."""
    lines = []
    for s in recorded:
        lines.append(f"step {s.number}: {s.op} → {s.name}   {s.grad_name} {s.grad.shape} = "
                     f"{summary(s.grad)}")
        for r in s.rules:
            lines.append(f"    {r}")
        for c in s.contributions:
            lines.append(f"    {c.label} = {summary(c.grad)}  {c.grad.shape}")
            if c.sum_text():
                lines.append(f"    {c.sum_text()} = {summary(c.total)}")
    return terminal("\n".join(lines))
