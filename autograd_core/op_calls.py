"""How ``Tensor``'s methods call the core's ``apply``: the operands' dtypes, a failing
forward's message naming the tensors, anomaly mode's line of user code, and compile's tape
(each op noted while a function is being recorded, and what a recording must refuse).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import axis_ops, ops
from .arguments import _described, _label, _shaped
from .clock import tick
from .core import record as _record
from .grad_mode import state
from .hooks import user_line

if TYPE_CHECKING:
    from .tensor import Tensor


def _node(array: Any, op: type[ops.Op], parents: tuple[Tensor, ...], saved: tuple,
          params: dict | None) -> Tensor:
    """The output of ``op`` on ``parents``, recorded for backward whatever the gradient mode
    (compile's results, a fused loss of a sigmoid's output)."""
    t = _record(op, array, saved, parents, params)
    if t._op is None:  # gradient mode is off, or no parent requires grad: a node all the same
        saved = tuple(t._data if s is array else s for s in saved)
        t.requires_grad, t._retains_grad, t._scope = True, False, state.scope
        t._op, t._parents, t._saved, t._params, t._stamp = op, parents, saved, params, tick()
    return _where(t)


def _where(t: Tensor) -> Tensor:
    """``t``, remembering the user's line that recorded it while anomaly mode is on."""
    if state.anomaly and t._op is not None:
        t._where = user_line()
    return t


def _traced(op: type[ops.Op], inputs: tuple[Tensor, ...], params: dict | None,
            out: Tensor) -> Tensor:
    """``out``, after noting on compile()'s tape (when one is recording) that ``op`` made it
    from ``inputs``: the forward arguments, in order."""
    if state.tape is not None:
        state.tape.append((op, inputs, params, out))
    return out


def _refuse_read(what: str, t: Any) -> None:
    """Raise while compile() records: Python that reads values could branch on them, and
    a replay, which runs only the recorded NumPy calls, would not follow it."""
    which = f"tensor {t.name!r}" if t.name is not None else "a tensor"
    raise RuntimeError(f"compile: {what} reads the values of {which} of shape {t.shape} while the "
                       f"compiled function is being recorded; a replay repeats only the "
                       f"recorded operations, so Python that depends on values (or a value "
                       f"kept as a constant) would silently go stale. Return the tensor from "
                       f"the function and read it there, or call the function uncompiled")


def _refuse_effect(what: str, t: Any) -> None:
    """Raise while compile() records: an effect on a tensor that is not an op (a new array,
    a hook) would happen at the recording and never at a replay."""
    which = f"tensor {t.name!r}" if t.name is not None else "a tensor"
    raise RuntimeError(f"compile: {what} on {which} of shape {t.shape} inside the compiled "
                       f"function would happen once, at the recording, and never at a replay; "
                       f"do it outside the function (before calling it), or call the function "
                       f"uncompiled")


def _trace_zero_grad(t: Tensor, value: Any) -> None:
    """``t.grad = value`` while compile() records: ``zero_grad()`` on a leaf is an event of
    the tape (replayed where it ran); anything else is refused."""
    if value is not None or t._op is not None:
        raise RuntimeError(f"compile: only a leaf's .grad can be set, and only to None "
                           f"(zero_grad()), inside a compiled function; tensor{_label(t)} "
                           f"was set to {_described(value)}")
    state.tape.append(("zero_grad", t))  # type: ignore[union-attr]  # recording: a list


def _unary(op: type[ops.Op], x: Tensor, **params: Any) -> Tensor:
    try:  # core.apply, with the tensor named in a failing forward's message
        data, saved = op.forward(x._data, **params)
    except (ValueError, IndexError, TypeError) as err:
        raise type(err)(f"{op.name}: tensor{_label(x)} of shape {x.shape}: {err}") from None
    out = _record(op, data, saved, (x,), params or None)
    if state.anomaly:
        _where(out)
    return out if state.tape is None else _traced(op, (x,), params, out)


def _binary(op: type[ops.Op], a: Tensor, b: Tensor) -> Tensor:
    if a._data.dtype is not b._data.dtype:
        a, b = _common_dtype(op, a, b)
    if op.check is not None:
        problem = op.check(a._data.shape, b._data.shape)
        if problem is not None:
            raise ValueError(f"{op.name}: " + problem.format(a=_shaped(a), b=_shaped(b)))
    try:  # core.apply, with the operands named in a failing forward's message
        data, saved = op.forward(a._data, b._data)
    except ValueError:
        try:  # only NumPy's broadcast failure becomes this message; an op's own refusal stays
            np.broadcast_shapes(a._data.shape, b._data.shape)
        except ValueError:
            raise ValueError(f"{op.name}: cannot broadcast {_shaped(a)} with {_shaped(b)} "
                             f"(NumPy rules: trailing axes must be equal or 1)") from None
        raise
    out = _record(op, data, saved, (a, b), None)
    if state.anomaly:
        _where(out)
    return out if state.tape is None else _traced(op, (a, b), None, out)


def _common_dtype(op: type[ops.Op], a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """The operands of a binary op in the dtype of its result, by PyTorch's rules: an integer
    or bool constant takes the float operand's dtype (NumPy would widen float32 to float64);
    two float dtypes promote (float32 ⊕ float64 is float64), except in a matrix product,
    which refuses them as PyTorch does, rather than compute a float32 model in float64."""
    fa, fb = a.dtype.kind == "f", b.dtype.kind == "f"
    if fa and not fb:
        return a, _cast(b, a.dtype)
    if fb and not fa:
        return _cast(a, b.dtype), b
    if fa and fb and op.name in ("matmul", "addmm"):
        raise TypeError(f"{op.name}: {_shaped(a)} is {a.dtype} but {_shaped(b)} is {b.dtype}; "
                        f"a matrix product needs one dtype: convert one operand (for data, "
                        f"X.astype(np.{a.dtype}); or build the model with dtype=np.{b.dtype})")
    return a, b


def _cast(t: Tensor, dtype: np.dtype) -> Tensor:
    """A constant copy of ``t``'s values in ``dtype`` (a cast compile() replays); ``t``
    requires no grad (an integer or bool operand), so the result is a plain leaf."""
    out = _record(axis_ops.Cast, t._data.astype(dtype), (), (t,), None)
    return _traced(axis_ops.Cast, (t,), {"dtype": dtype}, out)
