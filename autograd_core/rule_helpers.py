"""The few functions backward rules need beyond operators, for ndarrays and Tensors alike.

A rule is written once. Backward runs it on ndarrays (the fast first-order path, plain NumPy);
``grad(..., create_graph=True)`` runs the same rule on Tensors, so its result is recorded and
can be differentiated again. Operators (``+ - * / @ **``, ``.T``, ``.sum``, ``.reshape``,
``.transpose``) already work on both; these cover the rest. ``values(x)`` marks a factor the
rule treats as a constant (a mask, a sign): its derivative is 0 almost everywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# the largest x whose e^x is finite, less 1 (compile's kernels test against it)
_ARRAY = (np.ndarray, np.generic)  # what the first-order path hands a rule (0-d: a scalar)


def values(x: Any) -> Any:
    """The plain values of ``x`` (an ndarray, or a Tensor's), outside any graph."""
    return x if isinstance(x, _ARRAY) else x._data


def sigmoid(x: Any) -> Any:
    """σ(x), exact to rounding everywhere: where e^-x overflows the result is 0."""
    if not isinstance(x, _ARRAY):
        return x.sigmoid()
    return _sigmoid(x)


@np.errstate(over="ignore")  # e^-x = inf where it overflows, and 1/(1 + inf) = 0 as it should
def _sigmoid(x: np.ndarray | np.generic) -> np.ndarray:
    # (A decorator sets the error state per call and per thread; it costs a third of the
    # x.max() a test for overflow before e^-x would, at 4x4.)
    out = np.negative(x, out=np.empty(x.shape, x.dtype if x.dtype.kind == "f" else float))
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def exp(x: Any) -> Any:
    return np.exp(x) if isinstance(x, _ARRAY) else x.exp()


def log(x: Any) -> Any:
    return np.log(x) if isinstance(x, _ARRAY) else x.log()


def at_least(x: Any, floor: float) -> Any:
    """max(x, floor), elementwise."""
    return np.maximum(x, floor) if isinstance(x, _ARRAY) else x.clip(floor, None)


def spread(g: Any, shape: tuple[int, ...]) -> Any:
    """``g`` (already reshaped to broadcast) copied out to ``shape``: a sum's gradient."""
    if isinstance(g, _ARRAY):
        out = np.empty(shape, dtype=g.dtype)
        out[...] = g
        return out
    return g + np.zeros(shape, g.dtype)  # broadcasting add: its own rule sums back


def scatter(g: Any, shape: tuple[int, ...], index: Any) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeats accumulate): getitem's
    gradient."""
    if isinstance(g, _ARRAY):
        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(out, index, g)
        return out
    return g._scatter(shape, index)  # a Tensor: recorded (axis_ops.Scatter)
