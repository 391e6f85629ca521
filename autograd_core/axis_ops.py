"""Ops along axes (reductions, softmax) and shape ops (transpose, reshape, indexing), each
forward beside its rules, with the protocol described in ``ops.py``."""

from __future__ import annotations

import numpy as np

from . import rule_helpers
from .ops import Op
from .rule_helpers import values

# ---------------------------------------------------------------- reductions along axes


def _expand(a: np.ndarray, shape: tuple[int, ...], axis: tuple[int, ...] | None,
            keepdims: bool) -> np.ndarray:
    """Reshape a reduction's result so it broadcasts against the reduced input of ``shape``."""
    if keepdims or a.ndim == 0 or axis is None:
        return a
    return a.reshape(tuple(1 if i in axis else n for i, n in enumerate(shape)))


class Sum(Op):
    """out = Σ x over axis"""

    name, symbol, formulas = "sum", "Σ", ("d{x} = d{out} broadcast to {x}'s shape",)

    @staticmethod
    def forward(x, axis, keepdims):
        return x.sum(axis=axis, keepdims=keepdims), (x.shape, axis, keepdims)

    vjp = (lambda g, shape, axis, keepdims:
           rule_helpers.spread(_expand(g, shape, axis, keepdims), shape),)


class Max(Op):
    """out = max x over axis; ties share the gradient equally"""

    name, symbol, formulas = "max", "max", ("d{x} = d{out} at the argmax (ties share it)",)

    @staticmethod
    def forward(x, axis, keepdims):
        out = x.max(axis=axis, keepdims=keepdims)
        return out, (x, out, axis, keepdims)

    @staticmethod
    def _vjp(g, x, out, axis, keepdims):
        x, out = values(x), values(out)
        hit = x == _expand(out, x.shape, axis, keepdims)
        share = hit / hit.sum(axis=axis, keepdims=True)
        return _expand(g, x.shape, axis, keepdims) * share.astype(g.dtype, copy=False)

    vjp = (_vjp,)


class Softmax(Op):
    """out = e^x / Σ e^x over axis (max-shifted: exact for logits of ±1000)"""

    name, symbol, formulas = "softmax", "softmax", ("d{x} = {out} ⊙ (d{out} − Σ d{out} ⊙ {out})",)

    @staticmethod
    def forward(x, axis):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        out = e / e.sum(axis=axis, keepdims=True)
        return out, (out, axis)

    vjp = (lambda g, out, axis: out * (g - (g * out).sum(axis=axis, keepdims=True)),)


class LogSoftmax(Op):
    """out = x − log Σ e^x over axis (max-shifted)"""

    name, symbol, formulas = "log_softmax", "log softmax", ("d{x} = d{out} − e^{out} Σ d{out}",)

    @staticmethod
    def forward(x, axis):
        shifted = x - x.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        return out, (out, axis)

    vjp = (lambda g, out, axis: g - rule_helpers.exp(out) * g.sum(axis=axis, keepdims=True),)


# ---------------------------------------------------------------- shape ops


class Transpose(Op):
    """out = x with its axes permuted"""

    name, symbol, formulas = "transpose", "ᵀ", ("d{x} = (d{out})ᵀ",)

    @staticmethod
    def forward(x, axes):
        return x.transpose(axes), (tuple(np.argsort(axes)),)

    vjp = (lambda g, inverse: g.transpose(inverse),)


class Reshape(Op):
    """out = x with a new shape"""

    name, symbol, formulas = "reshape", "reshape", ("d{x} = d{out} reshaped",)

    @staticmethod
    def forward(x, shape):
        return x.reshape(shape), (x.shape,)

    vjp = (lambda g, shape: g.reshape(shape),)


class GetItem(Op):
    """out = x[index]"""

    name, symbol, formulas = "getitem", "[ ]", ("d{x}[index] += d{out}",)

    @staticmethod
    def forward(x, index):
        return x[index], (x.shape, index)

    vjp = (rule_helpers.scatter,)  # repeated indices accumulate


class Scatter(Op):
    """out = zeros of ``shape`` with x added at ``index``: getitem's gradient, as an op so
    that it too can be differentiated (its own gradient is getitem again)"""

    name, symbol, formulas = "scatter", "[ ]+=", ("d{x} = d{out}[index]",)

    @staticmethod
    def forward(x, shape, index):
        return rule_helpers.scatter(x, shape, index), (index,)

    vjp = (lambda g, index: g[index],)


class Cast(Op):
    """out = x in another float dtype (create_graph's gradient for a narrower input)"""

    name, symbol, formulas = "cast", "cast", ("d{x} = d{out} in {x}'s dtype",)

    @staticmethod
    def forward(x, dtype):
        return x.astype(dtype), (x.dtype,)

    vjp = (lambda g, dtype: g.astype(dtype),)  # a Tensor's astype is this op, recorded
