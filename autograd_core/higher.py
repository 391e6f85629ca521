"""Backward that records itself, for ``grad(..., create_graph=True)``: gradients that are
Tensors in a graph of their own, differentiable again, to any order.

The traversal is the engine's (recording order reversed, from a heap; each node once;
gradients of shared subexpressions summed). What differs is what the rules run on: each
op's own rules, on Tensors (its saved inputs and output replaced by their Tensors, or its
``dvjp`` where it saves values computed from them), with recording on. The first-order path
(``engine.backward``) is untouched by any of this.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import numpy as np

from . import axis_ops, ops
from .engine import FREED, LAST_WRITE, _named, _refuse_freed, _refuse_stale
from .hooks import refuse_non_finite, run_hooks
from .record import _make, _unary
from .recording import enable_grad, state
from .tensor import Tensor


def backward_graph(root: Tensor, seed: Tensor, capture: dict[Tensor, Tensor | None]) -> None:
    """d root / d t, recorded, into ``capture[t]`` for each key ``t``; ``seed`` is
    d loss / d root (a Tensor: it may itself require grad, as the double-vjp trick needs)."""
    grads: dict[Tensor, Tensor] = {root: seed}
    kept: dict[Tensor, Tensor] = {}  # past a shortcut: delivered, not passed on
    heap: list[tuple[int, Tensor]] = [(-root._stamp, root)] if root._op is not None else []
    anomaly = state.anomaly or hasattr(root, "_where")  # in the mode now, or when recorded
    with enable_grad():
        while heap:
            node = heappop(heap)[1]
            op: type[ops.Op] = node._op  # type: ignore[assignment]  # recorded nodes only
            g = grads.pop(node)
            if node._hooks:
                g = run_hooks(node, g)
            if node in capture:
                capture[node] = g + kept.pop(node) if node in kept else g
            _check(node, op)
            parents, rules, args = _rules(node, op, g, kept, capture)
            for p, rule in zip(parents, rules):
                if not p.requires_grad:
                    continue
                pg = _fit(rule(g, *args), p, node, op)
                if anomaly:
                    refuse_non_finite(pg, p, node, op, rules.index(rule))
                if p in grads:
                    grads[p] = grads[p] + pg
                else:
                    grads[p] = pg
                    if p._op is not None:
                        heappush(heap, (-p._stamp, p))
    for t, g in grads.items():  # leaves
        if t in capture:
            capture[t] = run_hooks(t, g) if t._hooks else g
    for t, g in kept.items():  # reached by a shortcut alone
        if t in capture:
            capture[t] = g


def _rules(node: Tensor, op: type[ops.Op], g: Tensor, kept: dict[Tensor, Tensor],
           capture: dict) -> tuple[tuple[Tensor, ...], tuple, tuple]:
    """The inputs to send gradients to, their rules, and the rules' arguments, as Tensors."""
    if op.dvjp is not None:
        rules, args = op.dvjp, (*node._parents, node)
    else:
        rules, args = op.vjp, _saved_as_tensors(node)
    parents = node._parents
    if op.shortcut is not None and parents[0]._op is op.shortcut[0]:
        y = parents[0]
        if y in capture:
            dy = rules[0](g, *args)
            kept[y] = kept[y] + dy if y in kept else dy
        assert op.dshortcut is not None, f"{op.name} has a shortcut but no dshortcut"
        parents, rules = (y._parents[0], *parents[1:]), (op.dshortcut, *rules[1:])
    return parents, rules, args


def _saved_as_tensors(node: Tensor) -> tuple[Any, ...]:
    """``node``'s saved values with each input's and the output's array replaced by its
    Tensor, so the rule's result depends on them in the new graph; the rest are constants."""
    tensors = {id(t._data): t for t in (*node._parents, node)}
    return tuple(tensors.get(id(s), s) if isinstance(s, np.ndarray) else s
                 for s in node._saved)


def _check(node: Tensor, op: type[ops.Op]) -> None:
    if node._saved is FREED:
        _refuse_freed(node, op)
    if LAST_WRITE[0] > node._stamp:
        _refuse_stale(node, op)
    for i, t in enumerate(node._parents):
        if t._version[0] > node._stamp:  # rebound: its saved array is no longer its Tensor's
            raise RuntimeError(
                f"grad(create_graph=True): input {i}{_named(t)} of {op.name} was changed "
                f"after the op was recorded, so its gradient cannot be differentiated; "
                f"recompute the forward pass")


def _fit(pg: Any, p: Tensor, node: Tensor, op: type[ops.Op]) -> Tensor:
    """The rule's result as a Tensor of ``p``'s shape and dtype (summed back, cast)."""
    if not isinstance(pg, Tensor):
        pg = _make(np.asarray(pg))  # a constant (zeros, say)
    if op.broadcasts and pg.shape != p.shape:
        pg = _unbroadcast(pg, p.shape)
    if pg.dtype != p.dtype:
        pg = _unary(axis_ops.Cast, pg, dtype=p.dtype)
    if pg.shape != p.shape:
        raise RuntimeError(f"{op.name} backward (create_graph): the gradient for{_named(p)} "
                           f"has shape {pg.shape}, expected {p.shape} (a bug in the op's rule)")
    return pg


def _unbroadcast(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``ops.unbroadcast`` written with Tensor ops, so that it is recorded too."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    summed = g.sum(axes, keepdims=True) if axes else g
    return summed.reshape(shape) if lead else summed
