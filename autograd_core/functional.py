"""Fused functions: one graph node where a composition would be less stable or slower."""

from __future__ import annotations

from typing import Any

from . import ops
from .tensor import Tensor, _binary, _operand, _shaped


def binary_cross_entropy(p: Tensor, t: Any) -> Tensor:
    """J = −(1/m) Σ [t ln p + (1 − t) ln(1 − p)], p probabilities of shape (n, m), t alike.

    Averaged over the m columns (examples), summed over rows. Each log is clamped at −100, so
    the loss and its gradient stay finite when p is exactly 0 or 1.
    """
    t = _operand(t, p)
    if t.shape != p.shape:
        raise ValueError(f"binary_cross_entropy: target {_shaped(t)} must have the shape of "
                         f"the probabilities {_shaped(p)}")
    return _binary(ops.BinaryCrossEntropy, p, t)
