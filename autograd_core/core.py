"""The engine's core: the node, ``apply`` and the walk. Read this file first; it is the whole
algorithm, and every other module of the engine adds a guarantee or an interpretation to it.

**The node.** ``apply(op, *inputs, **params)`` runs an op's forward on its inputs' arrays
(``ops.py``: each op's forward beside its rules) and returns the result. When gradient mode
is on and an input requires a gradient, the result is a node of the graph; it remembers

- ``_op``, ``_parents`` (the inputs, in order) and ``_params`` (the op's constants),
- ``_saved``: what the op's rules read (``op.forward`` says what), and
- ``_stamp``: a tick of the clock (``clock.py``), later than every input's.

A result is always an object of its first input's class (``Tensor``, which declares these
slots); the core never imports it.

**The walk.** ``walk(root, seed, ...)`` computes d root / d x for every x that requires a
gradient. Because a node is stamped after its inputs, the latest node not yet processed has
no users left to hear from: its gradient is complete. So the walk keeps the nodes that have
a gradient in a heap keyed by stamp, pops the latest, runs its op's rule for each input that
requires a gradient (``rule(g, *saved)``, ``g`` the gradient of the node), and sums the
results into its inputs' gradients. Each node is visited once, with no recursion (a chain of
100,000 ops works). What is left in ``grads`` at the end are the leaves' gradients.

**What the walk's caller chooses** (the core knows none of them by name):

- ``interpret``: what the rules run on. ``Arrays`` (here) runs them on ndarrays: first-order
  backward. ``higher.py`` runs the same rules on Tensors (``create_graph``), compile's plan
  writes each as a line of code; each has ``rules(node)`` (the inputs, their rules and the
  rules' arguments), ``fit(pg, p, node, g)`` (a rule's result made the input's shape and
  dtype), ``add(total, pg)`` and ``check(node)``, the guard on a node's saved values
  (``guards.check_saved`` for ``Arrays``: freed graph, stale values), called in one place:
  when the node was freed, or anything was written in place since it was recorded
  (``clock.LAST_WRITE``).
- ``observe``: an optional observer, told when a node's gradient is complete
  (``arrived(node, g)``, which may replace ``g``: hooks, ``retain_grad``, ``grad()``'s
  capture, step recording). No observer costs nothing. What a caller wants to see of each
  rule's result (anomaly mode's check, the steps' contributions) it sees in ``fit``, by
  passing an interpretation that looks (``engine.Anomalous``, ``viz.steps``).
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import numpy as np

from .clock import LAST_WRITE, tick
from .grad_mode import state
from .guards import FREED, Sums, check_saved, fit
from .tracked import counter_for

__all__ = ["FREED", "Arrays", "apply", "inputs_and_rules", "kept_gradient", "order", "record",
           "walk"]

_new = object.__new__


def apply(op: Any, *inputs: Any, **params: Any) -> Any:
    """``op``'s forward on the inputs' arrays, recorded as a node when a gradient is wanted.
    (``Tensor``'s methods make these two calls themselves, ``op_calls.py``, to name the
    tensors in a failing forward's message.)"""
    data, saved = op.forward(*[x._data for x in inputs], **params)
    return record(op, data, saved, inputs, params or None)


def record(op: Any, data: Any, saved: tuple, inputs: tuple, params: dict | None) -> Any:
    """The result ``data`` of ``op`` on ``inputs``: a node if an input requires a gradient
    and gradient mode is on, else a plain leaf."""
    if type(data) is not np.ndarray:  # a 0-d result: NumPy returned a scalar
        array = np.asarray(data)
        saved = tuple(array if s is data else s for s in saved)  # the output is the node's
        data = array
    out = _new(type(inputs[0]))
    out._data, out._grad, out._name, out._hooks = data, None, None, None
    out._version = [0] if data.base is None else counter_for(data, inputs[0])  # a view: shared
    for x in inputs:
        if x.requires_grad and state.enabled:
            out.requires_grad, out._retains_grad, out._scope = True, False, state.scope
            out._op, out._parents, out._saved, out._params = op, inputs, saved, params
            out._stamp = tick()
            return out
    out.requires_grad, out._op = False, None
    return out


def walk(root: Any, seed: Any, interpret: Any, observe: Any = None, free: bool = False) -> dict:
    """Send ``seed`` (d loss / d root) back through the graph; return the leaves' gradients."""
    grads, heap = {root: seed}, [(-root._stamp, root)] if root._op is not None else []
    check, rules_of, fit_, add = interpret.check, interpret.rules, interpret.fit, interpret.add
    arrived = observe.arrived if observe is not None else None
    while heap:
        node = heappop(heap)[1]
        g = grads.pop(node)
        if node._saved is FREED or LAST_WRITE[0] > node._stamp:  # freed, or a write since
            check(node)
        if arrived is not None:
            g = arrived(node, g)
        parents, rules, args = rules_of(node)
        for p, rule in zip(parents, rules):
            if p.requires_grad:
                pg = fit_(rule(g, *args), p, node, g)
                if p in grads:
                    pg = add(grads[p], pg)
                elif p._op is not None:  # a node's first gradient: it waits in the heap
                    heappush(heap, (-p._stamp, p))
                grads[p] = pg
        if free:
            node._saved = FREED
    return grads


def order(node: Any) -> int:
    """The walk's key for ``node``: smaller is visited sooner (the latest-recorded node
    first). A drawing that numbers what backward delivers sorts by it."""
    return -node._stamp


def inputs_and_rules(node: Any, rules: tuple, shortcut: Any) -> tuple[tuple, tuple]:
    """The inputs ``node``'s gradient goes to, and their rules: its parents and ``rules``,
    except where the op has a shortcut (a fused loss of ``y = through(x)``, ``ops.Op``) and
    input 0 is such a ``y``: then ``x`` takes its place, with the ``shortcut`` rule, exact
    where the chain through ``through``'s rule would lose it. (``y`` itself gets no gradient
    from the walk: an observer that keeps ``y``'s computes it, ``kept_gradient``.)"""
    op, parents = node._op, node._parents
    if op.shortcut is None or parents[0]._op is not op.shortcut[0]:
        return parents, rules
    return (parents[0]._parents[0], *parents[1:]), (shortcut, *rules[1:])


def kept_gradient(node: Any, g: Any, args: tuple, rules: tuple) -> tuple[Any, Any] | None:
    """``(y, dy)`` when ``node``'s shortcut goes past ``y`` (``inputs_and_rules``): the
    gradient ``y`` would have had, for an observer that keeps it; else None."""
    op = node._op
    y = node._parents[0]
    if op.shortcut is None or y._op is not op.shortcut[0]:
        return None
    return y, rules[0](g, *args)


class Arrays(Sums):
    """First-order backward's interpretation: the rules on ndarrays, each result fitted to
    its input (``guards.fit``) and summed in place where the walk alone holds the sum
    (``guards.Sums``); saved values checked by ``guards.check_saved``."""

    check = staticmethod(check_saved)

    @staticmethod
    def rules(node: Any) -> tuple[tuple, tuple, Any]:
        op = node._op
        if op.shortcut is None:
            return node._parents, op.vjp, node._saved
        return (*inputs_and_rules(node, op.vjp, op.shortcut[1]), node._saved)

    def fit(self, pg: Any, p: Any, node: Any, g: Any) -> Any:
        if pg is g:  # a pass-through: g is also someone else's
            self.shared.add(id(g))
        data = p._data  # dtypes by identity (float64, float32 are singletons); fit compares
        if pg.shape != data.shape or pg.dtype is not data.dtype:
            pg = fit(pg, p, node)
        return pg
