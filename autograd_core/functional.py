"""Fused functions: one graph node where a composition would be less stable or slower."""

from __future__ import annotations

from typing import Any

from . import ops
from .recording import state
from .tensor import Tensor, _binary, _make, _node, _operand, _shaped


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


def addmm(b: Any, W: Tensor, A: Any) -> Tensor:
    """b + W @ A as one graph node (PyTorch's ``addmm``): ``nn.Linear``'s ``Z = W A + b``.

    W (n, k) and A (k, m) are 2-D; b broadcasts to (n, m), like the bias column (n, 1). The
    values, dtype and gradients are those of ``W @ A + b``, bit for bit; the product gets no
    array of its own. Drawings show the matmul and the broadcast add.
    """
    W = W if isinstance(W, Tensor) else Tensor(W)
    A, b = _operand(A, W), _operand(b, W)
    problem = ops.AddMM.check(W.shape, A.shape, b.shape)
    if problem is not None:
        raise ValueError("addmm: " + problem.format(w=_shaped(W), a=_shaped(A), b=_shaped(b)))
    data, saved = ops.AddMM.forward(b._data, W._data, A._data)
    if (b.requires_grad or W.requires_grad or A.requires_grad) and state.enabled:
        return _node(data, ops.AddMM, (b, W, A), saved, None)
    return _make(data)
