"""``Tensor``: an ndarray that records the operations applied to it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import axis_ops, engine, ops
from .arguments import (
    Axis,
    _as_array,
    _axes,
    _described,
    _is_real,
    _label,
    _own_index,
    _require_float,
    _seed,
)
from .clock import mark_written
from .grad_mode import Scope, state
from .hooks import WATCHED, RemovableHandle, add_hook
from .op_calls import (  # noqa: F401  (_node, _traced: tests and older code import them here)
    _binary,
    _common_dtype,
    _node,
    _refuse_effect,
    _refuse_read,
    _trace_zero_grad,
    _traced,
    _unary,
)
from .tracked import TrackedArray, freeze, write

_BASIC_INDEX = (int, np.integer, slice, type(Ellipsis), type(None))


def _holds_tensor(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, Tensor) for i in parts)


_new = object.__new__


def _make(array: Any) -> Tensor:
    """A new leaf around an op's result (NumPy returns scalars for 0-d results).

    Only these slots are set here; the graph slots (``_parents``, ``_saved``, ...) are set by
    ``core.record`` and read only where ``_op`` is not None.
    """
    t = _new(Tensor)
    t._data = array if type(array) is np.ndarray else np.asarray(array)
    t._grad = t._name = t._op = t._hooks = None
    t.requires_grad = False
    t._version = [0]
    return t


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
    value = other._data if isinstance(other, Tensor) else other
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


def _trace_backward(root: Tensor, grad: Any, seed: Any) -> None:
    """``root.backward(grad)`` while compile() records: an event of the tape, with what each
    node saved (the eager backward that follows frees it; the plan's walk needs it)."""
    if isinstance(grad, Tensor):
        raise RuntimeError("compile: backward(grad=...) inside a compiled function takes an "
                           "array (a constant of the recording), not a Tensor")
    tape = state.tape
    assert tape is not None
    saved = {id(row[3]): row[3]._saved for row in tape
             if not isinstance(row[0], str) and row[3]._op is not None}
    tape.append(("backward", root, seed, saved))


def _operand(other: Any, like: Tensor) -> Tensor:
    """The other operand as a Tensor; a Python or NumPy scalar takes ``like``'s float dtype."""
    if isinstance(other, Tensor):
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
    return Tensor(other)


class Tensor:
    """An n-dimensional array that records how it was computed, for reverse-mode autodiff.

    ``Tensor(data, requires_grad=False, name=None)``. Python scalars and lists become float64;
    an ndarray keeps its dtype and is copied (as ``torch.tensor`` does), so changing it later
    cannot change this tensor; a Tensor, or another tensor's ``.data``, is shared (memory and
    version counter). Only floating-point data can require a gradient. ``name`` labels the
    tensor in drawings and error messages, in the documents' notation (``"W[1]"``).
    """

    __slots__ = ("_data", "_grad", "requires_grad", "_name", "_op", "_parents", "_saved",
                 "_params", "_stamp", "_version", "_retains_grad", "_scope", "_hooks", "_where",
                 "__weakref__")
    __array_ufunc__ = None  # ndarray ⊕ Tensor defers to the Tensor's reflected operator

    # The slots, typed (the node protocol of node.py); the graph slots are set by core.record.
    _data: np.ndarray
    _grad: np.ndarray | None
    _name: str | None
    _version: list[int]
    _op: type[ops.Op] | None
    _parents: tuple[Tensor, ...]
    _saved: Any
    _params: dict[str, Any] | None
    _stamp: int
    _retains_grad: bool
    _scope: Scope | None
    _hooks: dict[int, Any] | None  # register_hook's functions, by handle
    _where: str  # the user's line that recorded it, only in detect_anomaly()

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None) -> None:
        # Memory shared with another tensor shares its version counter too, so an in-place
        # write through either is seen by backward; anything else is copied.
        if isinstance(data, Tensor):
            array, version = data._data, data._version
        elif isinstance(data, TrackedArray) and data._version is not None:
            array, version = data.view(np.ndarray), data._version
        else:
            array, version = _as_array(data, copy=True), [0]
        if requires_grad:
            _require_float(array, "Tensor")
        self._data, self._grad, self._op, self._version = array, None, None, version
        self._hooks = None
        self.requires_grad = bool(requires_grad)
        self.name = name

    # ------------------------------------------------------------ attributes

    @property
    def data(self) -> np.ndarray:
        """The values, as a read-only view whose own writes (``t.data[...] = v``,
        ``t.data += v``) go through and are counted, so backward can refuse stale saved values.
        Any other route to the memory (``np.asarray(t.data)[0] = v``, ``.flat``) is read-only.
        """
        if state.tape is not None:
            _refuse_read(".data", self)
        view = freeze(self._data).view(TrackedArray)
        view._version, view._source = self._version, self._data
        return view

    @data.setter
    def data(self, value: Any) -> None:
        if state.tape is not None:
            _refuse_effect(".data = ...", self)
        if isinstance(value, TrackedArray) and value._source is self._data:
            return  # `t.data += 1`: written in place through the view, already counted
        array = _as_array(value._data if isinstance(value, Tensor) else value, copy=True)
        if self.requires_grad:
            _require_float(array, "Tensor.data")
        self._data = array
        mark_written(self._version)

    @property
    def grad(self) -> np.ndarray | None:
        """d(loss)/d(self) after backward: on leaves, and on tensors that ``retain_grad()``.
        May be set to None, or to an array of exactly this tensor's shape and dtype."""
        if state.tape is not None:
            _refuse_read(".grad", self)
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if state.tape is not None:  # compile() is recording: zero_grad() is replayed,
            _trace_zero_grad(self, value)  # and happens then
            return
        if value is not None:
            value = value._data if isinstance(value, Tensor) else value
            if isinstance(value, np.generic):
                value = np.asarray(value)
            if not isinstance(value, np.ndarray) or value.shape != self.shape \
                    or value.dtype != self.dtype:
                what = _described(value)
                raise ValueError(f"Tensor.grad: tensor{_label(self)} has shape {self.shape}, "
                                 f"dtype {self.dtype}; its gradient must be an ndarray of the "
                                 f"same shape and dtype, got {what}")
        self._grad = value

    @property
    def name(self) -> str | None:
        """The label in drawings and messages, in the documents' notation (``"W[1]"``)."""
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"Tensor: name must be a str or None, got "
                            f"{type(value).__name__} {value!r}")
        self._name = value

    shape = property(lambda self: self._data.shape, doc="The shape tuple.")
    ndim = property(lambda self: self._data.ndim, doc="Number of axes.")
    dtype = property(lambda self: self._data.dtype, doc="The NumPy dtype.")
    size = property(lambda self: self._data.size, doc="Number of elements.")
    is_leaf = property(lambda self: self._op is None,
                       doc="True unless recorded as the result of an op (then it has parents).")
    op = property(lambda self: self._op, doc="The op that produced this tensor (None for leaves).")
    parents = property(lambda self: self._parents if self._op else (),
                       doc="The op's inputs, in order (empty for leaves).")
    params = property(lambda self: (self._params or {}) if self._op else {},
                      doc="The op's constant arguments.")
    scope = property(lambda self: self._scope if self._op else None,
                     doc="The module scope it was recorded in (None for leaves).")

    def __len__(self) -> int:
        return len(self._data)

    def numpy(self) -> np.ndarray:
        """The values as an ndarray (the same memory as ``data``)."""
        return self.data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if state.tape is not None:
            _refuse_read("np.asarray", self)
        if copy or (dtype is not None and np.dtype(dtype) != self.dtype):
            return np.array(self._data, dtype=dtype)  # the caller's own array
        return freeze(self._data)  # read-only: np.asarray(t)[0] = 5 raises

    def __reduce_ex__(self, protocol: Any) -> Any:
        # copy, deepcopy and pickle all come here: each reads the values
        if state.tape is not None:
            _refuse_read("copy/pickle", self)
        return super().__reduce_ex__(protocol)

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if state.tape is not None:
            _refuse_read("item()", self)
        if self._data.size != 1:
            raise ValueError(f"item: tensor{_label(self)} has {self._data.size} elements "
                             f"(shape {self.shape}); item() needs exactly one")
        return self._data.item()

    # ------------------------------------------------------------ graph

    def detach(self) -> Tensor:
        """A leaf sharing this tensor's memory (and version counter), outside every graph."""
        out = _make(self._data)
        out._version = self._version
        return out

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError(f"retain_grad: tensor{_label(self)} does not require grad")
        self._retains_grad = True
        WATCHED[0] += 1
        return self

    def register_hook(self, fn: Any) -> RemovableHandle:
        """Call ``fn(grad)`` with this tensor's gradient during backward; a returned value
        replaces it (for ``.grad`` and for the rest of backward). Returns a handle whose
        ``remove()`` stops it. The gradient passed is read-only."""
        if state.tape is not None:
            _refuse_effect("register_hook()", self)
        if not self.requires_grad:
            raise RuntimeError(f"register_hook: tensor{_label(self)} does not require grad, "
                               f"so backward never computes its gradient")
        if self._hooks is None:
            self._hooks = {}
        handle = add_hook(self._hooks, fn)
        WATCHED[0] += 1
        return handle

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (and retained tensors').

        ``grad`` is the gradient flowing in (d loss / d self); it may be omitted only for a
        one-element tensor, where it is 1. The graph's saved values are freed afterwards
        unless ``retain_graph=True``.
        """
        seed = _seed(self, grad, "backward")
        if state.tape is not None:  # compile() is recording: the walk is replayed from here,
            _trace_backward(self, grad, seed)  # and delivers then
            engine.backward(self, seed, retain_graph, engine.WITHHELD)
            return
        engine.backward(self, seed, retain_graph)

    # ------------------------------------------------------------ display

    def __repr__(self) -> str:
        # while compile() records, a value printed would be the recording's, never a
        # replay's: the shape stands in for the values
        body = np.array2string(self._data, prefix="Tensor(", separator=", ") \
            if state.tape is None else f"<not shown while compile records>, shape={self.shape}"
        extras = [f"dtype={self.dtype}"] if self.dtype != np.float64 else []
        if self.name is not None:
            extras.append(f"name={self.name!r}")
        if self._op is not None:
            extras.append(f"op={self._op.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    def _repr_html_(self) -> str:
        from html import escape

        if state.tape is not None:
            return f"<pre>{escape(repr(self))}</pre>"

        head = escape(self.name or (self._op.name if self._op else "Tensor"))
        rows = [f"<b>{head}</b> shape {self.shape}, {self.dtype}",
                f"<pre>{escape(np.array2string(self._data, precision=4))}</pre>"]
        if self.grad is not None:
            rows.append(f"grad:<pre>{escape(np.array2string(self.grad, precision=4))}</pre>")
        return "<div>" + "".join(rows) + "</div>"

    # ------------------------------------------------------------ arithmetic

    def __add__(self, other: Any) -> Tensor:
        return _binary(ops.Add, self, _operand(other, self))

    def __radd__(self, other: Any) -> Tensor:
        return _binary(ops.Add, _operand(other, self), self)

    def __sub__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor):
            negated = -other
            if other.name is not None and not negated.requires_grad:
                negated.name = f"−{other.name}"  # a constant: drawn as `x − Y`
            return _binary(ops.Add, self, negated)
        return _binary(ops.Add, self, _make(-_operand(other, self)._data))

    def __rsub__(self, other: Any) -> Tensor:
        return _binary(ops.Add, _operand(other, self), -self)

    def __mul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul, self, _operand(other, self))

    def __rmul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul, _operand(other, self), self)

    def __truediv__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor):
            return self * other**-1
        with np.errstate(divide="ignore"):  # x / 0 is ±inf (or nan), as NumPy's x / array(0.)
            reciprocal = 1 / _operand(other, self)._data  # in the operand's dtype
        return _binary(ops.Mul, self, _make(reciprocal))

    def __rtruediv__(self, other: Any) -> Tensor:
        return _operand(other, self) * self**-1

    def __neg__(self) -> Tensor:
        return _unary(ops.Neg, self)

    # In place, as under PyTorch's no_grad: `p -= lr * p.grad` updates p itself (an optimizer's
    # step). Without these, Python would rebind `p` to a new tensor and leave the model as it was.

    def __iadd__(self, other: Any) -> Tensor:
        return _in_place(np.add, "+=", self, other)

    def __isub__(self, other: Any) -> Tensor:
        return _in_place(np.subtract, "-=", self, other)

    def __imul__(self, other: Any) -> Tensor:
        return _in_place(np.multiply, "*=", self, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return _in_place(np.true_divide, "/=", self, other)

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, Tensor) or not _is_real(exponent):
            raise TypeError(f"pow: the exponent must be a real number, got "
                            f"{type(exponent).__name__}; for a tensor exponent y write "
                            f"(y * x.log()).exp()")
        exponent = int(exponent) if float(exponent).is_integer() else float(exponent)
        return _unary(ops.Pow, self, p=exponent)

    def __rpow__(self, base: Any) -> Tensor:
        if not _is_real(base) or base <= 0:
            raise ValueError(f"pow: scalar ** tensor needs a positive real base, got {base!r}")
        return (self * math.log(base)).exp()

    def __matmul__(self, other: Any) -> Tensor:
        return _binary(ops.MatMul, self, _operand(other, self))

    def __rmatmul__(self, other: Any) -> Tensor:
        return _binary(ops.MatMul, _operand(other, self), self)

    # ------------------------------------------------------------ elementwise functions

    def exp(self) -> Tensor:
        return _unary(ops.Exp, self)

    def log(self) -> Tensor:
        return _unary(ops.Log, self)

    def sqrt(self) -> Tensor:
        return _unary(ops.Sqrt, self)

    def abs(self) -> Tensor:
        return _unary(ops.Abs, self)

    def sigmoid(self) -> Tensor:
        return _unary(ops.Sigmoid, self)

    def tanh(self) -> Tensor:
        return _unary(ops.Tanh, self)

    def relu(self) -> Tensor:
        return _unary(ops.ReLU, self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        return _unary(ops.LeakyReLU, self, slope=float(negative_slope))

    def softplus(self) -> Tensor:
        return _unary(ops.Softplus, self)

    def clip(self, lo: float | None, hi: float | None) -> Tensor:
        if lo is None and hi is None:
            raise ValueError("clip: give at least one of lo and hi")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}")
        return _unary(ops.Clip, self, lo=lo, hi=hi)

    # ------------------------------------------------------------ reductions

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return _unary(axis_ops.Sum, self, axis=_axes(self, axis, "sum"), keepdims=bool(keepdims))

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axes = _axes(self, axis, "mean")
        count = self.size if axes is None else math.prod(self.shape[a] for a in axes)
        if count == 0:
            over = "" if axes is None else f" over axis {axis}"
            raise ValueError(f"mean: tensor{_label(self)} of shape {self.shape} has no "
                             f"elements{over} to average")
        return self.sum(axes, keepdims) * (1.0 / count)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        if self.size == 0:
            raise ValueError(f"max: tensor{_label(self)} is empty")
        return _unary(axis_ops.Max, self, axis=_axes(self, axis, "max"), keepdims=bool(keepdims))

    def softmax(self, axis: Axis) -> Tensor:
        return _unary(axis_ops.Softmax, self, axis=_axes(self, axis, "softmax"))

    def log_softmax(self, axis: Axis) -> Tensor:
        return _unary(axis_ops.LogSoftmax, self, axis=_axes(self, axis, "log_softmax"))

    def astype(self, dtype: Any) -> Tensor:
        """The values in another dtype (NumPy's ``astype``); between float dtypes the
        gradient flows back, cast to this tensor's dtype."""
        dtype = np.dtype(dtype)
        if self.requires_grad and dtype.kind != "f":
            raise TypeError(f"astype: tensor{_label(self)} requires grad, so it can only be "
                            f"cast to a floating-point dtype, not {dtype}")
        return _unary(axis_ops.Cast, self, dtype=dtype)

    # ------------------------------------------------------------ shape

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The transpose (axes reversed)."""
        return self.transpose()

    def transpose(self, *axes: int) -> Tensor:
        if len(axes) == 1 and not isinstance(axes[0], int | np.integer):
            axes = tuple(axes[0])
        if not axes:
            return _unary(axis_ops.Transpose, self, axes=tuple(range(self.ndim))[::-1])
        perm = _axes(self, axes, "transpose") or ()
        if len(perm) != self.ndim:
            raise ValueError(f"transpose: axes {axes} are not a permutation of the "
                             f"{self.ndim} axes of tensor{_label(self)} {self.shape}")
        return _unary(axis_ops.Transpose, self, axes=perm)

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``)."""
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        return _unary(axis_ops.Reshape, self, shape=shape)

    def _scatter(self, shape: tuple[int, ...], index: Any) -> Tensor:
        """Zeros of ``shape`` with this tensor added at ``index``: getitem's gradient as an
        op (``rule_helpers.scatter`` on a Tensor), so that it is differentiable again."""
        return _unary(axis_ops.Scatter, self, shape=shape, index=index)

    def __getitem__(self, index: Any) -> Tensor:
        if state.tape is not None and _holds_tensor(index):
            raise RuntimeError("compile: indexing with a Tensor inside a compiled function "
                               "would make its values a constant of the recording; index "
                               "with a NumPy array the function closes over (a constant), "
                               "or call the function uncompiled")
        return _unary(axis_ops.GetItem, self, index=_own_index(index))
