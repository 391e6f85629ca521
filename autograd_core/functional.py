"""Fused functions (one graph node where a composition would be less stable or slower) and
the function transforms of ``torch.autograd.functional`` (``transforms.py``)."""

from __future__ import annotations

from typing import Any

from . import fused, ops
from .arguments import _shaped
from .core import record
from .grad_mode import state
from .op_calls import _binary, _common_dtype, _node, _traced, _where
from .tensor import Tensor, _operand
from .transforms import hessian, hvp, jacobian, jvp, vjp

__all__ = ["addmm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "hessian",
           "hvp", "jacobian", "jvp", "vjp"]


def binary_cross_entropy(p: Tensor, t: Any) -> Tensor:
    """J = −(1/m) Σ [t ln p + (1 − t) ln(1 − p)], p probabilities of shape (n, m), t alike.

    Averaged over the m columns (examples), summed over rows; p and t must lie in [0, 1] (a
    target outside is refused, naming it, here and in a compiled replay). Each
    log is clamped at −100, so the loss and its gradient stay finite when p is exactly 0 or 1.
    When p is a sigmoid's output σ(z), loss and gradients are computed from z instead, exact
    for any z: the gradient reaching z is (σ(z) − t)/m, with no σ' that rounds to 0.
    """
    t = _operand(t, p)
    _check_pair("binary_cross_entropy", p, t, "probabilities")
    z = _logit_of(p)
    if z is None or not state.enabled:  # a sigmoid's output lies in [0, 1]: no need to look
        _check_unit_interval("binary_cross_entropy", p, "the probabilities",
                             " (for scores, use binary_cross_entropy_with_logits)")
        return _binary(fused.BinaryCrossEntropy, p, t)
    op = fused.BinaryCrossEntropyOfSigmoid
    data, saved = op.forward(p._data, t._data, z._data)
    return _traced(op, (p, t, z), None, _node(data, op, (p, t), saved, None))


def binary_cross_entropy_with_logits(z: Tensor, t: Any) -> Tensor:
    """J = (1/m) Σ [t softplus(−z) + (1 − t) softplus(z)] = BCE(σ(z), t), logits z (n, m).

    PyTorch's name. Exact for any logit, float32 kept: dJ/dz = (σ(z) − t)/m, dJ/dt = −z/m.
    Targets must lie in [0, 1]; others are refused, naming one.
    """
    z = z if isinstance(z, Tensor) else Tensor(z)
    t = _operand(t, z)
    _check_pair("binary_cross_entropy_with_logits", z, t, "logits")
    return _binary(fused.BinaryCrossEntropyWithLogits, z, t)


def _logit_of(p: Tensor) -> Tensor | None:
    """z if ``p`` was recorded as σ(z) and z has not been written since; else None."""
    if p._op is not ops.Sigmoid:
        return None
    z = p._parents[0]
    return z if z._version[0] < p._stamp else None


def _check_pair(op: str, x: Tensor, t: Tensor, what: str) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: the {what} {_shaped(x)} must be floating-point, got {x.dtype}")
    if t.shape != x.shape:
        raise ValueError(f"{op}: target {_shaped(t)} must have the shape of the {what} "
                         f"{_shaped(x)}")


def _check_unit_interval(op: str, x: Tensor, what: str, hint: str) -> None:
    """Refuse values that are not probabilities (nan among them): the loss of p = 1.5 is a
    number, but a meaningless one."""
    values = x._data
    inside = (values >= 0) & (values <= 1)  # False for nan too
    if not inside.all():
        bad = values[~inside]
        raise ValueError(f"{op}: {what} {_shaped(x)} must lie in [0, 1], but {bad.size} of "
                         f"{values.size} values do not (e.g. {float(bad.flat[0])}){hint}")


def addmm(b: Any, W: Tensor, A: Any) -> Tensor:
    """b + W @ A as one graph node (PyTorch's ``addmm``): ``nn.Linear``'s ``Z = W A + b``.

    W (n, k) and A (k, m) are 2-D; b broadcasts to (n, m), like the bias column (n, 1). The
    values, dtype and gradients are those of ``W @ A + b``, bit for bit; the product gets no
    array of its own. Drawings show the matmul and the broadcast add.
    """
    W = W if isinstance(W, Tensor) else Tensor(W)
    A, b = _operand(A, W), _operand(b, W)
    W, A = _common_dtype(ops.AddMM, W, A) if W.dtype != A.dtype else (W, A)
    problem = ops.AddMM.check(W.shape, A.shape, b.shape)
    if problem is not None:
        raise ValueError("addmm: " + problem.format(w=_shaped(W), a=_shaped(A), b=_shaped(b)))
    data, saved = ops.AddMM.forward(b._data, W._data, A._data)  # core.apply, spelled out
    out = record(ops.AddMM, data, saved, (b, W, A), None)
    if state.anomaly:
        _where(out)
    return out if state.tape is None else _traced(ops.AddMM, (b, W, A), None, out)
