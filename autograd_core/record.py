"""Recording: how an op's result becomes a node of the graph (or a plain result under
``no_grad``), in-place updates, and the operands' dtypes. ``Tensor``'s methods call these.

``_make`` and ``_node`` build Tensors without ``__init__`` (no checks, no copy: the arrays
are the engine's own), setting only the slots they need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import axis_ops, ops
from .arguments import _described, _is_real, _label, _shaped
from .clock import mark_written, tick
from .core import record as _record
from .grad_mode import state
from .hooks import user_line
from .tracked import TrackedArray, write

if TYPE_CHECKING:
    from .tensor import Tensor


def _make(array: Any) -> Tensor:
    """A new leaf around an op's result (NumPy returns scalars for 0-d results).

    Only these slots are set here; the graph slots (``_parents``, ``_saved``, ...) are set by
    ``core.record`` and read only where ``_op`` is not None.
    """
    t = _new(_tensor.Tensor)
    t._data = array if type(array) is np.ndarray else np.asarray(array)
    t._grad = t._name = t._op = t._hooks = None
    t.requires_grad = False
    t._version = [0]
    return t


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


_new = object.__new__


def _in_place(ufunc: np.ufunc, symbol: str, t: Tensor, other: Any) -> Tensor:
    """``t ⊕= other`` written into ``t``'s array; counted as a write, so backward can refuse
    a saved value it changed. Refused while recording a tensor that requires grad: the
    update would not be part of the graph."""
    if state.tape is not None:
        raise RuntimeError(f"compile: {symbol} updates tensor{_label(t)} in place inside a "
                           f"compiled function, which a replay would not repeat; update "
                           f"parameters with an optimizer's step() (replayed as one call; "
                           f"autograd_core.compiled.replayed marks a function of your own), "
                           f"or outside the compiled function")
    if t.requires_grad and state.enabled:
        raise RuntimeError(f"{symbol}: tensor{_label(t)} requires grad and a graph is being "
                           f"recorded, so an in-place update cannot be differentiated; "
                           f"update parameters inside `with no_grad():`, or write "
                           f"`t = t {symbol[0]} x` for a new tensor in the graph")
    value = other._data if isinstance(other, _tensor.Tensor) else other
    if isinstance(value, TrackedArray):
        value = value.view(np.ndarray)
    try:  # the default casting, same_kind, keeps t's dtype
        write(t._data, lambda target: ufunc(target, value, target))
    except (ValueError, TypeError) as err:
        what = _described(value)
        kind = ValueError if isinstance(err, ValueError) else TypeError  # not NumPy's subclasses
        raise kind(f"{symbol}: cannot update tensor{_label(t)} of shape {t.shape}, dtype "
                   f"{t.dtype} in place with {what}: {err}") from None
    mark_written(t._version)
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


def _trace_backward(root: Tensor, grad: Any, seed: Any) -> None:
    """``root.backward(grad)`` while compile() records: an event of the tape, with what each
    node saved (the eager backward that follows frees it; the plan's walk needs it)."""
    if isinstance(grad, _tensor.Tensor):
        raise RuntimeError("compile: backward(grad=...) inside a compiled function takes an "
                           "array (a constant of the recording), not a Tensor")
    tape = state.tape
    assert tape is not None
    saved = {id(row[3]): row[3]._saved for row in tape
             if not isinstance(row[0], str) and row[3]._op is not None}
    tape.append(("backward", root, seed, saved))


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
    """A constant copy of ``t``'s values in ``dtype`` (a cast compile() replays)."""
    return _traced(axis_ops.Cast, (t,), {"dtype": dtype}, _make(t._data.astype(dtype)))


def _operand(other: Any, like: Tensor) -> Tensor:
    """The other operand as a Tensor; a Python or NumPy scalar takes ``like``'s float dtype."""
    if isinstance(other, _tensor.Tensor):
        return other
    if type(other) is np.ndarray and other.dtype.kind in "biuf":
        if other.dtype.kind != "f" and like.dtype.kind == "f":
            return _make(other.astype(like.dtype))  # as a Python int would (a copy)
        if like.requires_grad and state.enabled or state.tape is not None:
            # the graph may save it: the caller keeps theirs (and compile() keeps a constant)
            return _make(other.copy())
        return _make(other)
    if type(other) is float or type(other) is int or _is_real(other):
        dtype = like.dtype if like.dtype.kind == "f" else None
        return _make(np.asarray(other, dtype=dtype))
    return _tensor.Tensor(other)


# Last, so that either module may be imported first: tensor.py imports this one, and these
# functions look Tensor up when called.
from . import tensor as _tensor  # noqa: E402
