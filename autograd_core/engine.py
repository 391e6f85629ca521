"""First-order backward: the core's walk on ndarrays, with what ``Tensor.backward`` and
``grad()`` add to it.

``backward(root, seed, retain_graph, capture)`` runs ``core.walk`` with ``Delivery``: the
``Arrays`` interpretation, and as observer the extras a first-order backward keeps its
promises with (passed only when a tensor was ever asked to show its gradient,
``hooks.WATCHED``, or ``grad()`` captures).

- ``register_hook``: a node's hooks see (and may replace) its complete gradient.
- ``retain_grad`` and ``grad()``'s capture: a non-leaf's gradient is delivered when it is
  complete; with ``capture`` only the tensors that are its keys receive theirs (there), and
  no ``.grad`` is touched. A fused loss's shortcut goes past a retained ``y``
  (``core.inputs_and_rules``): its gradient is computed for delivery, not passed on.
- ``detect_anomaly``: each rule's result is checked for NaN and inf, naming the op
  (``Anomalous``, the interpretation that looks).

``.grad`` is written only on leaves and retaining tensors, accumulating.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Arrays, inputs_and_rules, kept_gradient, walk
from .grad_mode import state
from .hooks import WATCHED, refuse_non_finite, run_hooks

Capture = dict[Any, "np.ndarray | None"]  # tensor -> its gradient, for grad()
# a capture that takes nothing: a backward inside a function compile() records walks the
# graph (freeing it as eager does) but delivers no gradient and runs no leaf hook
WITHHELD: Capture = {}


def backward(root: Any, seed: np.ndarray, retain_graph: bool,
             capture: Capture | None = None) -> None:
    """Propagate ``seed`` (d loss / d root) to every tensor that requires grad.

    Without ``capture`` the results accumulate into ``.grad``; with it, only the tensors
    that are keys of ``capture`` receive their gradient there and no ``.grad`` is touched.
    """
    anomaly = state.anomaly or hasattr(root, "_where")  # in the mode now, or when recorded
    delivery = (Anomalous if anomaly else Delivery)(seed, capture)
    watched = capture is not None or WATCHED[0]  # else no node needs observing
    leaves = walk(root, seed, delivery, delivery if watched else None, free=not retain_graph)
    if capture is WITHHELD:  # compile() records: the replay that follows delivers
        return
    for leaf, g in leaves.items():
        delivery.deliver(leaf, run_hooks(leaf, g) if leaf._hooks else g)
    for t, g in delivery.kept.items():  # reached by a shortcut alone
        delivery.deliver(t, g)


class Delivery(Arrays):
    """A first-order backward: the walk's interpretation (``core.Arrays``) and its observer
    (``arrived``: hooks, retained and captured gradients)."""

    def __init__(self, seed: np.ndarray, capture: Capture | None) -> None:
        self.shared = {id(seed)}  # (guards.Sums)
        self.capture = capture
        self.kept: dict[Any, np.ndarray] = {}  # past a shortcut: delivered, not passed on

    def arrived(self, node: Any, g: np.ndarray) -> np.ndarray:
        if node._hooks:
            g = run_hooks(node, g)
        if node._retains_grad or self.capture is not None:  # other nodes keep no gradient
            kept = self.kept
            self.deliver(node, g + kept.pop(node) if node in kept else g)
        if node._op.shortcut is not None:
            self._keep(node, g)
        return g

    def _keep(self, node: Any, g: np.ndarray) -> None:
        """The gradient of the ``y`` a fused loss's shortcut goes past, if ``y`` keeps it."""
        y, capture, kept = node._parents[0], self.capture, self.kept
        if y._retains_grad or capture is not None and y in capture:
            past = kept_gradient(node, g, node._saved, node._op.vjp)
            if past is not None:
                kept[y] = kept[y] + past[1] if y in kept else past[1]

    def deliver(self, t: Any, g: np.ndarray) -> None:
        """Hand ``t``'s finished gradient to whoever keeps it: ``capture``, or ``t.grad`` on
        leaves and retaining tensors (accumulated)."""
        capture = self.capture
        if capture is not None:
            if t in capture:
                capture[t] = self.owned(g)
        elif t._op is None or t._retains_grad:
            t._grad = self.owned(g) if t._grad is None else np.asarray(t._grad + g)


class Anomalous(Delivery):
    """``Delivery`` in anomaly mode: each rule's result is checked for NaN and inf before it
    is fitted, and the error names the op, the input and the user's line."""

    last: tuple[Any, int] = (None, -1)  # the node and input position checked last

    def fit(self, pg: Any, p: Any, node: Any, g: Any) -> Any:
        op = node._op
        parents, _ = inputs_and_rules(node, op.vjp, None)
        start = self.last[1] + 1 if self.last[0] is node else 0  # inputs come in order
        i = next(k for k in range(start, len(parents)) if parents[k] is p)
        self.last = (node, i)
        refuse_non_finite(pg, p, node, op, i)
        return super().fit(pg, p, node, g)
