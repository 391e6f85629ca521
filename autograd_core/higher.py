"""Backward that records itself, for ``grad(..., create_graph=True)``: gradients that are
Tensors in a graph of their own, differentiable again, to any order.

The walk is the core's (``core.walk``). What differs is its interpretation, ``Tensors``:
each op's own rules run on Tensors (its saved inputs and output replaced by their Tensors,
or its ``dvjp`` where it saves values computed from them), with recording on, so each
gradient is a Tensor in a graph of its own. The first-order path (``engine.backward``) is
untouched by any of this.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import axis_ops, ops
from .core import inputs_and_rules, kept_gradient, walk
from .grad_mode import enable_grad, state
from .guards import check_saved, named
from .hooks import refuse_non_finite, run_hooks
from .op_calls import _unary
from .tensor import Tensor, _make


def backward_graph(root: Tensor, seed: Tensor, capture: dict[Tensor, Tensor | None]) -> None:
    """d root / d t, recorded, into ``capture[t]`` for each key ``t``; ``seed`` is
    d loss / d root (a Tensor: it may itself require grad, as the double-vjp trick needs)."""
    observer = Capture(capture)
    tensors = Tensors(state.anomaly or hasattr(root, "_where"))  # the mode now, or recorded
    with enable_grad():
        leaves = walk(root, seed, tensors, observer)
    for t, g in leaves.items():
        if t in capture:
            capture[t] = run_hooks(t, g) if t._hooks else g
    for t, g in observer.kept.items():  # reached by a shortcut alone
        if t in capture:
            capture[t] = g


class Tensors:
    """The walk's interpretation for ``create_graph``: the rules on Tensors, recorded."""

    def __init__(self, anomaly: bool) -> None:
        self.anomaly = anomaly

    @staticmethod
    def check(node: Tensor) -> None:
        _check(node)

    @staticmethod
    def rules(node: Tensor) -> tuple[tuple, tuple, tuple]:
        """The inputs to send gradients to, their rules, and the rules' arguments, as
        Tensors."""
        op = node._op
        assert op is not None
        rules, args = _rules_and_args(node)
        parents, rules = inputs_and_rules(node, rules, op.dshortcut)
        if parents is not node._parents:
            assert op.dshortcut is not None, f"{op.name} has a shortcut but no dshortcut"
        return parents, rules, args

    def fit(self, pg: Any, p: Tensor, node: Tensor, g: Any) -> Tensor:
        pg = _fit(pg, p, node, node._op)  # type: ignore[arg-type]  # recorded nodes only
        if self.anomaly:
            refuse_non_finite(pg, p, node, node._op, _index(node, p))
        return pg

    @staticmethod
    def add(total: Tensor, pg: Tensor) -> Tensor:
        return total + pg


class Capture:
    """The observer of ``create_graph``: hooks, and the gradients ``grad()`` asked for."""

    def __init__(self, capture: dict[Tensor, Tensor | None]) -> None:
        self.capture = capture
        self.kept: dict[Tensor, Tensor] = {}  # past a shortcut: delivered, not passed on

    def arrived(self, node: Tensor, g: Tensor) -> Tensor:
        if node._hooks:
            g = run_hooks(node, g)
        capture, kept = self.capture, self.kept
        if node in capture:
            capture[node] = g + kept.pop(node) if node in kept else g
        op = node._op
        if op.shortcut is not None and node._parents[0] in capture:  # type: ignore[union-attr]
            rules, args = _rules_and_args(node)
            past = kept_gradient(node, g, args, rules)
            if past is not None:
                y, dy = past
                kept[y] = kept[y] + dy if y in kept else dy
        return g


def _rules_and_args(node: Tensor) -> tuple[tuple, tuple]:
    op = node._op
    assert op is not None
    if op.dvjp is not None:
        return op.dvjp, (*node._parents, node)
    return op.vjp, _saved_as_tensors(node)


def _index(node: Tensor, p: Tensor) -> int:
    parents, _ = inputs_and_rules(node, node._op.vjp, None)  # type: ignore[union-attr]
    return parents.index(p) if p in parents else 0


def _saved_as_tensors(node: Tensor) -> tuple[Any, ...]:
    """``node``'s saved values with each input's and the output's array replaced by its
    Tensor, so the rule's result depends on them in the new graph; the rest are constants."""
    tensors = {id(t._data): t for t in (*node._parents, node)}
    return tuple(tensors.get(id(s), s) if isinstance(s, np.ndarray) else s
                 for s in node._saved)


def _check(node: Tensor) -> None:
    check_saved(node)
    for i, t in enumerate(node._parents):
        if t._version[0] > node._stamp:  # rebound: its saved array is no longer its Tensor's
            raise RuntimeError(
                f"grad(create_graph=True): input {i}{named(t)} of {node._op.name} was "  # type: ignore[union-attr]
                f"changed after the op was recorded, so its gradient cannot be "
                f"differentiated; recompute the forward pass")


def _fit(pg: Any, p: Tensor, node: Tensor, op: type[ops.Op]) -> Tensor:
    """The rule's result as a Tensor of ``p``'s shape and dtype (summed back, cast)."""
    if not isinstance(pg, Tensor):
        pg = _make(np.asarray(pg))  # a constant (zeros, say)
    if op.broadcasts and pg.shape != p.shape:
        pg = _unbroadcast(pg, p.shape)
    if pg.dtype != p.dtype:
        pg = _unary(axis_ops.Cast, pg, dtype=p.dtype)
    if pg.shape != p.shape:
        raise RuntimeError(f"{op.name} backward (create_graph): the gradient for{named(p)} "
                           f"has shape {pg.shape}, expected {p.shape} (a bug in the op's rule)")
    return pg


def _unbroadcast(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``ops.unbroadcast`` written with Tensor ops, so that it is recorded too."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    summed = g.sum(axes, keepdims=True) if axes else g
    return summed.reshape(shape) if lead else summed
