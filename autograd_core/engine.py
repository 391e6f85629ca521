"""The backward pass: each recorded op's rules, from the root back to the leaves.

Order: a node is always recorded after its inputs, so the reverse of recording order is a
topological order. Backward keeps the nodes that have received a gradient in a heap keyed
by their stamp (the tick at which they were recorded) and pops the latest first: by then
every node that uses it has been processed and its gradient is complete. Each node is
visited once, and no recursion is involved (a chain of 100,000 ops works).

Gradients live in a dict keyed by tensor and are popped as they are consumed, so memory is
released as backward moves toward the leaves. ``.grad`` is written only on leaves and on
tensors that called ``retain_grad()``.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any

import numpy as np

from .hooks import refuse_non_finite, run_hooks
from .node import Node
from .ops import unbroadcast
from .recording import state
from .tracked import LAST_WRITE

if TYPE_CHECKING:
    from .ops import Op

Capture = dict[Any, "np.ndarray | None"]  # tensor -> its gradient, for grad()
FREED = "freed"  # stands in a node's saved values once backward has released them
# a capture that takes nothing: a backward inside a function compile() records walks the
# graph (freeing it as eager does) but delivers no gradient and runs no leaf hook
WITHHELD: Capture = {}


def backward(root: Node, seed: np.ndarray, retain_graph: bool,
             capture: Capture | None = None) -> None:
    """Propagate ``seed`` (d loss / d root) to every tensor that requires grad.

    Without ``capture`` the results accumulate into ``.grad``; with it, only the tensors
    that are keys of ``capture`` receive their gradient there and no ``.grad`` is touched.
    """
    grads = {root: seed}  # nodes waiting in the heap and leaves reached so far
    kept: dict[Node, np.ndarray] = {}  # an op's shortcut went past these: kept, not passed on
    shared = {id(seed)}  # arrays also held elsewhere: copied before becoming someone's .grad
    heap: list[tuple[int, Node]] = [(-root._stamp, root)] if root._op is not None else []
    anomaly = state.anomaly or hasattr(root, "_where")  # in the mode now, or when recorded
    while heap:
        node = heappop(heap)[1]
        op: type[Op] = node._op  # type: ignore[assignment]  # the heap holds recorded nodes
        g = grads.pop(node)
        if node._hooks:
            g = run_hooks(node, g)
        if node._retains_grad or capture is not None:  # other nodes keep no gradient
            _deliver(node, g + kept.pop(node) if node in kept else g, shared, capture)
        saved = node._saved
        if saved is FREED:
            _refuse_freed(node, op)
        if LAST_WRITE[0] > node._stamp:  # something was written in place since recording
            _refuse_stale(node, op)
        parents, rules = node._parents, op.vjp
        if op.shortcut is not None:
            parents, rules = _shortcut(node, op, g, kept, capture)
        for p, rule in zip(parents, rules):
            if not p.requires_grad:
                continue
            pg = rule(g, *saved)
            if pg is g:
                shared.add(id(g))
            if anomaly:
                refuse_non_finite(pg, p, node, op, rules.index(rule))
            data = p._data
            # Dtypes by identity (NumPy's float64, float32 are singletons); on a miss, _fit
            # compares them properly and casts only if they differ.
            if pg.shape != data.shape or pg.dtype is not data.dtype:
                pg = _fit(pg, p, node, op)
            if p in grads:
                grads[p] = _accumulate(grads[p], pg, shared)
            else:
                grads[p] = pg
                if p._op is not None:
                    heappush(heap, (-p._stamp, p))
        if not retain_graph:
            node._saved = FREED
    if capture is WITHHELD:  # compile() records: the replay that follows delivers
        return
    for leaf, g in grads.items():  # only leaves are left
        _deliver(leaf, run_hooks(leaf, g) if leaf._hooks else g, shared, capture)
    for t, g in kept.items():  # reached by a shortcut alone
        _deliver(t, g, shared, capture)


def _shortcut(node: Node, op: type[Op], g: np.ndarray, kept: dict[Node, np.ndarray],
              capture: Capture | None) -> tuple[tuple[Node, ...], tuple[Callable, ...]]:
    """The inputs and rules to run for ``node`` when its op has a shortcut: input 0,
    ``y = through(x)``, is replaced by ``x`` with the op's exact rule for it; ``y``'s own
    gradient is computed only if it is wanted, and kept for delivery, not passed on."""
    y = node._parents[0]
    through, rule = op.shortcut  # type: ignore[misc]  # set: the caller checked
    if y._op is not through:
        return node._parents, op.vjp
    if y._retains_grad or capture is not None and y in capture:
        dy = op.vjp[0](g, *node._saved)
        kept[y] = kept[y] + dy if y in kept else dy
    return (y._parents[0], *node._parents[1:]), (rule, *op.vjp[1:])


def _deliver(t: Node, g: np.ndarray, shared: set[int], capture: Capture | None) -> None:
    """Hand ``t``'s finished gradient to whoever keeps it: ``capture``, or ``t.grad`` on
    leaves and retaining tensors (accumulated)."""
    if capture is not None:
        if t in capture:
            capture[t] = _owned(g, shared)
    elif t._op is None or t._retains_grad:
        t._grad = _owned(g, shared) if t._grad is None else np.asarray(t._grad + g)


def _fit(pg: np.ndarray, p: Node, node: Node, op: type[Op]) -> np.ndarray:
    """Unbroadcast a broadcasting op's gradient, then insist on the input's shape and dtype."""
    if op.broadcasts and pg.shape != p.shape:
        pg = unbroadcast(pg, p.shape)
    if pg.dtype != p.dtype:
        pg = pg.astype(p.dtype)  # an input of a narrower float type than the output
    if pg.shape != p.shape:
        i = node._parents.index(p) if p in node._parents else 0  # 0: through a shortcut
        raise RuntimeError(f"{op.name} backward: the gradient for input {i}{_named(p)} has "
                           f"shape {pg.shape}, expected {p.shape} (a bug in the op's rule)")
    return pg


def _accumulate(total: np.ndarray, g: np.ndarray, shared: set[int]) -> np.ndarray:
    """``total + g``, added into ``total`` when the engine alone holds it, so a tensor used
    many times costs one gradient array."""
    if _fresh(total, shared):
        total += g
        return total
    return total + g


def _owned(g: np.ndarray, shared: set[int]) -> np.ndarray:
    """``g`` as an array nobody else holds: copied unless ``_fresh``."""
    return g if _fresh(g, shared) else np.array(g)


def _fresh(g: np.ndarray, shared: set[int]) -> bool:
    """Is ``g`` a rule's fresh result, held by the engine alone? Not a view (read-only
    broadcasts among them), not a NumPy scalar, not a pass-through or the seed (``shared``)."""
    return type(g) is np.ndarray and g.base is None and id(g) not in shared


def _refuse_freed(node: Node, op: type[Op]) -> None:
    raise RuntimeError(f"backward: the graph through {op.name}{_named(node)} was already freed "
                       f"by an earlier backward; pass retain_graph=True to the first backward() "
                       f"to go through it again")


def _refuse_stale(node: Node, op: type[Op]) -> None:
    """Raise if an array the rule reads was written in place since the op was recorded."""
    arrays = [s for s in node._saved if isinstance(s, np.ndarray)]
    for t in (*node._parents, node):
        if t._version[0] > node._stamp and any(s is t._data for s in arrays):
            role = "its output" if t is node else f"input {node._parents.index(t)}"
            raise RuntimeError(
                f"backward: {op.name} saved {role}{_named(t)} for backward, and it was "
                f"modified in place afterwards; its gradient would be wrong. Edit .data only "
                f"after backward, or on a copy (x.data.copy()), or recompute the forward pass")


def _named(t: Node) -> str:
    return f" ({t.name})" if t.name is not None else ""
