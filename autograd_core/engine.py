"""The backward pass: an iterative topological sort, then each op's rules in reverse order.

Gradients live in a dict keyed by tensor and are popped as they are consumed, so memory is
released as backward moves toward the leaves. ``.grad`` is written only on leaves and on
tensors that called ``retain_grad()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .ops import unbroadcast

if TYPE_CHECKING:
    from .tensor import Tensor

FREED = "freed"  # stands in a node's saved values once backward has released them


def toposort(root: Tensor) -> list[Tensor]:
    """Every tensor that requires grad and reaches ``root``, root first, each before its inputs.

    Iterative depth-first search: no recursion limit, each node visited once.
    """
    order: list[Tensor] = []
    seen = {root}
    stack = [(root, iter(root._parents))] if root._op is not None else []
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if p.requires_grad and p not in seen:
                seen.add(p)
                if p._op is None:
                    order.append(p)  # a leaf is finished as soon as it is found
                else:
                    stack.append((p, iter(p._parents)))
                    break
        else:
            stack.pop()
            order.append(node)
    if root._op is None:
        order.append(root)
    order.reverse()
    return order


def versions(node: Tensor) -> tuple[int, ...]:
    """The version counters of a node's inputs and of the node itself, now."""
    parents = node._parents
    if len(parents) == 1:
        return parents[0]._version[0], node._version[0]
    if len(parents) == 2:
        return parents[0]._version[0], parents[1]._version[0], node._version[0]
    return (*(p._version[0] for p in parents), node._version[0])


def backward(root: Tensor, seed: np.ndarray, retain_graph: bool,
             capture: dict[Tensor, np.ndarray | None] | None = None) -> None:
    """Propagate ``seed`` (d loss / d root) to every tensor that requires grad.

    Without ``capture`` the results accumulate into ``.grad``; with it, only the tensors
    that are keys of ``capture`` receive their gradient there and no ``.grad`` is touched.
    """
    grads = {root: seed}
    shared = {id(seed)}  # arrays also held elsewhere: copied before becoming someone's .grad
    for node in toposort(root):
        g = grads.pop(node, None)
        if g is None:
            continue  # no path from root carried a gradient here
        op = node._op
        if capture is not None:
            if node in capture:
                capture[node] = _owned(g, shared)
        elif op is None or node._retains_grad:
            node.grad = _owned(g, shared) if node.grad is None else node.grad + g
        if op is None:
            continue
        saved = node._saved
        if saved is FREED:
            raise RuntimeError(
                f"backward: the graph through {op.name}{_named(node)} was already freed by an "
                f"earlier backward; pass retain_graph=True to the first backward() to go "
                f"through it again")
        if node._versions is not None and versions(node) != node._versions:
            _refuse_stale(node)
        for p, rule in zip(node._parents, op.vjp):
            if not p.requires_grad:
                continue
            pg = rule(g, *saved)
            if pg is g:
                shared.add(id(g))
            data = p._data
            if pg.shape != data.shape or pg.dtype != data.dtype:
                pg = _fit(pg, p, node)
            prev = grads.get(p)
            grads[p] = pg if prev is None else prev + pg
        if not retain_graph:
            node._saved = FREED


def _fit(pg: np.ndarray, p: Tensor, node: Tensor) -> np.ndarray:
    """Unbroadcast a broadcasting op's gradient, then insist on the input's shape and dtype."""
    op = node._op
    if op.broadcasts and pg.shape != p.shape:
        pg = unbroadcast(pg, p.shape)
    if pg.dtype != p.dtype:
        pg = pg.astype(p.dtype)  # an input of a narrower float type than the output
    if pg.shape != p.shape:
        i = node._parents.index(p)
        raise RuntimeError(f"{op.name} backward: the gradient for input {i}{_named(p)} has "
                           f"shape {pg.shape}, expected {p.shape} (a bug in the op's rule)")
    return pg


def _owned(g: np.ndarray, shared: set[int]) -> np.ndarray:
    """``g`` as an array nobody else holds: views (read-only broadcasts among them) and
    pass-throughs are copied; a fresh result of a rule is kept as it is."""
    if type(g) is not np.ndarray or g.base is not None or id(g) in shared:
        return np.array(g)
    return g


def _refuse_stale(node: Tensor) -> None:
    """Raise if an array the rule reads was written in place since the op was recorded."""
    tensors = (*node._parents, node)
    arrays = [s for s in node._saved if isinstance(s, np.ndarray)]
    for t, before, after in zip(tensors, node._versions, versions(node)):
        if after != before and any(s is t._data for s in arrays):
            role = "its output" if t is node else f"input {node._parents.index(t)}"
            raise RuntimeError(
                f"backward: {node._op.name} saved {role}{_named(t)} for backward, and it was "
                f"modified in place afterwards (version {before} -> {after}); its gradient "
                f"would be wrong. Edit .data only after backward, or on a copy "
                f"(x.data.copy()), or recompute the forward pass")


def _named(t: Tensor) -> str:
    return f" ({t.name})" if t.name is not None else ""
