"""The walk's always-on guards: each a check the core calls in one named place.

- ``check_saved(node)`` before a node's rules run: its saved values were not freed by an
  earlier backward, and no array they hold was written in place since it was recorded.
- ``fit(pg, p, node)`` after a rule, when its result is not already ``p``'s shape and dtype:
  sum a broadcasting op's gradient back to the input's shape, cast it to the input's dtype,
  and name the op if the shape is still wrong.
- ``Sums``: the ownership of the summed arrays. A gradient is added into in place only when
  the walk alone holds it (a rule's fresh result); the seed and a rule's pass-through of its
  incoming gradient (``Add``'s ``g``) are held elsewhere too, and copied before they become
  someone's ``.grad``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .clock import LAST_WRITE
from .ops import unbroadcast

FREED = "freed"  # stands in a node's saved values once backward has released them


def check_saved(node: Any) -> None:
    """Raise if ``node``'s saved values were freed, or written in place since recording."""
    if node._saved is FREED:
        refuse_freed(node)
    if LAST_WRITE[0] > node._stamp:  # something was written in place since recording
        refuse_stale(node)


def refuse_freed(node: Any) -> None:
    raise RuntimeError(f"backward: the graph through {node._op.name}{named(node)} was already "
                       f"freed by an earlier backward; pass retain_graph=True to the first "
                       f"backward() to go through it again")


def refuse_stale(node: Any) -> None:
    """Raise if an array the rule reads was written in place since the op was recorded."""
    arrays = [s for s in node._saved if isinstance(s, np.ndarray)]
    for t in (*node._parents, node):
        if t._version[0] > node._stamp and any(s is t._data for s in arrays):
            role = "its output" if t is node else f"input {node._parents.index(t)}"
            raise RuntimeError(
                f"backward: {node._op.name} saved {role}{named(t)} for backward, and it was "
                f"modified in place afterwards; its gradient would be wrong. Edit .data only "
                f"after backward, or on a copy (x.data.copy()), or recompute the forward pass")


def fit(pg: np.ndarray, p: Any, node: Any) -> np.ndarray:
    """Unbroadcast a broadcasting op's gradient, then insist on the input's shape and dtype."""
    op = node._op
    if op.broadcasts and pg.shape != p.shape:
        pg = unbroadcast(pg, p.shape)
    if pg.dtype != p.dtype:
        pg = pg.astype(p.dtype)  # an input of a narrower float type than the output
    if pg.shape != p.shape:
        i = node._parents.index(p) if p in node._parents else 0  # 0: through a shortcut
        raise RuntimeError(f"{op.name} backward: the gradient for input {i}{named(p)} has "
                           f"shape {pg.shape}, expected {p.shape} (a bug in the op's rule)")
    return pg


class Sums:
    """One walk's gradient arrays, and which of them the walk alone holds."""

    def __init__(self, seed: Any) -> None:
        self.shared = {id(seed)}  # arrays also held elsewhere: never added into

    def add(self, total: np.ndarray, g: np.ndarray) -> np.ndarray:
        """``total + g``, added into ``total`` when the walk alone holds it (``fresh``), so a
        tensor used many times costs one gradient array."""
        if type(total) is np.ndarray and total.base is None and id(total) not in self.shared:
            total += g
            return total
        return total + g

    def owned(self, g: np.ndarray) -> np.ndarray:
        """``g`` as an array nobody else holds: copied unless ``fresh``."""
        if type(g) is np.ndarray and g.base is None and id(g) not in self.shared:
            return g
        return np.array(g)

    def fresh(self, g: np.ndarray) -> bool:
        """Is ``g`` a rule's fresh result, held by the walk alone? Not a view (read-only
        broadcasts among them), not a NumPy scalar, not a pass-through or the seed."""
        return type(g) is np.ndarray and g.base is None and id(g) not in self.shared


def named(t: Any) -> str:
    return f" ({t.name})" if t.name is not None else ""
