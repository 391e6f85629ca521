"""``Tensor``: an ndarray that records the operations applied to it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Number
from typing import Any

import numpy as np

from . import engine, ops
from .hooks import RemovableHandle, add_hook, user_line
from .recording import Scope, state
from .tracked import TrackedArray, freeze, mark_written, tick, writable

Axis = int | Sequence[int] | None
_BASIC_INDEX = (int, np.integer, slice, type(Ellipsis), type(None))


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

    # The slots, typed (the node protocol of node.py); the graph slots are set by _node only.
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
        view = freeze(self._data).view(TrackedArray)
        view._version = self._version
        return view

    @data.setter
    def data(self, value: Any) -> None:
        if isinstance(value, TrackedArray) and value._version is self._version \
                and _same_memory(value, self._data):
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
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
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
        if copy or (dtype is not None and np.dtype(dtype) != self.dtype):
            return np.array(self._data, dtype=dtype)  # the caller's own array
        return freeze(self._data)  # read-only: np.asarray(t)[0] = 5 raises

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
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
        return self

    def register_hook(self, fn: Any) -> RemovableHandle:
        """Call ``fn(grad)`` with this tensor's gradient during backward; a returned value
        replaces it (for ``.grad`` and for the rest of backward). Returns a handle whose
        ``remove()`` stops it. The gradient passed is read-only."""
        if not self.requires_grad:
            raise RuntimeError(f"register_hook: tensor{_label(self)} does not require grad, "
                               f"so backward never computes its gradient")
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, fn)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (and retained tensors').

        ``grad`` is the gradient flowing in (d loss / d self); it may be omitted only for a
        one-element tensor, where it is 1. The graph's saved values are freed afterwards
        unless ``retain_graph=True``.
        """
        engine.backward(self, _seed(self, grad, "backward"), retain_graph)

    # ------------------------------------------------------------ display

    def __repr__(self) -> str:
        body = np.array2string(self._data, prefix="Tensor(", separator=", ")
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
        return _unary(ops.Sum, self, axis=_axes(self, axis, "sum"), keepdims=bool(keepdims))

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
        return _unary(ops.Max, self, axis=_axes(self, axis, "max"), keepdims=bool(keepdims))

    def softmax(self, axis: Axis) -> Tensor:
        return _unary(ops.Softmax, self, axis=_axes(self, axis, "softmax"))

    def log_softmax(self, axis: Axis) -> Tensor:
        return _unary(ops.LogSoftmax, self, axis=_axes(self, axis, "log_softmax"))

    # ------------------------------------------------------------ shape

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The transpose (axes reversed)."""
        return self.transpose()

    def transpose(self, *axes: int) -> Tensor:
        if len(axes) == 1 and not isinstance(axes[0], int | np.integer):
            axes = tuple(axes[0])
        if not axes:
            return _unary(ops.Transpose, self, axes=tuple(range(self.ndim))[::-1])
        perm = _axes(self, axes, "transpose") or ()
        if len(perm) != self.ndim:
            raise ValueError(f"transpose: axes {axes} are not a permutation of the "
                             f"{self.ndim} axes of tensor{_label(self)} {self.shape}")
        return _unary(ops.Transpose, self, axes=perm)

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in a new shape (``reshape(2, 3)`` or ``reshape((2, 3))``)."""
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        return _unary(ops.Reshape, self, shape=shape)

    def __getitem__(self, index: Any) -> Tensor:
        return _unary(ops.GetItem, self, index=_own_index(index))


# ---------------------------------------------------------------- recording


def _make(array: Any) -> Tensor:
    """A new leaf around an op's result (NumPy returns scalars for 0-d results).

    Only these slots are set here; the graph slots (``_parents``, ``_saved``, ...) are set by
    ``_node`` and read only where ``_op`` is not None.
    """
    t = _new(Tensor)
    t._data = array if type(array) is np.ndarray else np.asarray(array)
    t._grad = t._name = t._op = t._hooks = None
    t.requires_grad = False
    t._version = [0]
    return t


def _node(array: Any, op: type[ops.Op], parents: tuple[Tensor, ...], saved: tuple,
          params: dict | None) -> Tensor:
    """The output of ``op`` on ``parents``, recorded for backward.

    It is stamped with a tick of the clock that also versions in-place writes, so backward
    can tell whether an array the rule reads was written after this moment; the stamps also
    order the graph (a node is always stamped after its inputs).
    """
    t = _new(Tensor)
    if type(array) is not np.ndarray:  # a 0-d result: NumPy returned a scalar
        data = np.asarray(array)
        saved = tuple(data if s is array else s for s in saved)  # the output is the tensor's
    else:
        data = array
    t._data = data
    t._grad = t._name = t._hooks = None
    if state.anomaly:
        t._where = user_line()
    t.requires_grad, t._retains_grad, t._scope = True, False, state.scope
    t._op, t._parents, t._saved, t._params = op, parents, saved, params
    t._stamp = tick()
    t._version = _counter_for(data, parents[0])
    return t


def _counter_for(data: np.ndarray, source: Tensor) -> list[int]:
    """``source``'s version counter if ``data`` is a view of its memory (writes to either
    change both), else a new one."""
    if data.base is not None and np.may_share_memory(data, source._data):
        return source._version
    return [0]


_new = object.__new__


def _in_place(ufunc: np.ufunc, symbol: str, t: Tensor, other: Any) -> Tensor:
    """``t ⊕= other`` written into ``t``'s array; counted as a write, so backward can refuse
    a saved value it changed. Refused while recording a tensor that requires grad: the
    update would not be part of the graph."""
    if t.requires_grad and state.enabled:
        raise RuntimeError(f"{symbol}: tensor{_label(t)} requires grad and a graph is being "
                           f"recorded, so an in-place update cannot be differentiated; "
                           f"update parameters inside `with no_grad():`, or write "
                           f"`t = t {symbol[0]} x` for a new tensor in the graph")
    value = other._data if isinstance(other, Tensor) else other
    if isinstance(value, TrackedArray):
        value = value.view(np.ndarray)
    try:
        with writable(t._data) as target:
            ufunc(target, value, target)  # the default casting, same_kind, keeps t's dtype
    except (ValueError, TypeError) as err:
        what = _described(value)
        kind = ValueError if isinstance(err, ValueError) else TypeError  # not NumPy's subclasses
        raise kind(f"{symbol}: cannot update tensor{_label(t)} of shape {t.shape}, dtype "
                   f"{t.dtype} in place with {what}: {err}") from None
    mark_written(t._version)
    return t


def _unary(op: type[ops.Op], x: Tensor, **params: Any) -> Tensor:
    try:
        data, saved = op.forward(x._data, **params)
    except (ValueError, IndexError, TypeError) as err:
        raise type(err)(f"{op.name}: tensor{_label(x)} of shape {x.shape}: {err}") from None
    if x.requires_grad and state.enabled:
        return _node(data, op, (x,), saved, params or None)
    out = _make(data)
    out._version = _counter_for(out._data, x)  # a view made under no_grad still writes x
    return out


def _binary(op: type[ops.Op], a: Tensor, b: Tensor) -> Tensor:
    if a._data.dtype is not b._data.dtype:
        a, b = _common_dtype(op, a, b)
    if op.check is not None:
        problem = op.check(a._data.shape, b._data.shape)
        if problem is not None:
            raise ValueError(f"{op.name}: " + problem.format(a=_shaped(a), b=_shaped(b)))
    try:
        data, saved = op.forward(a._data, b._data)
    except ValueError:
        raise ValueError(f"{op.name}: cannot broadcast {_shaped(a)} with {_shaped(b)} "
                         f"(NumPy rules: trailing axes must be equal or 1)") from None
    if (a.requires_grad or b.requires_grad) and state.enabled:
        return _node(data, op, (a, b), saved, None)
    return _make(data)


def _common_dtype(op: type[ops.Op], a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """The operands of a binary op in the dtype of its result, by PyTorch's rules: an integer
    or bool constant takes the float operand's dtype (NumPy would widen float32 to float64);
    two float dtypes promote (float32 ⊕ float64 is float64), except in a matrix product,
    which refuses them as PyTorch does, rather than compute a float32 model in float64."""
    fa, fb = a.dtype.kind == "f", b.dtype.kind == "f"
    if fa and not fb:
        return a, _make(b._data.astype(a.dtype))
    if fb and not fa:
        return _make(a._data.astype(b.dtype)), b
    if fa and fb and op.name in ("matmul", "addmm"):
        raise TypeError(f"{op.name}: {_shaped(a)} is {a.dtype} but {_shaped(b)} is {b.dtype}; "
                        f"a matrix product needs one dtype: convert one operand (for data, "
                        f"X.astype(np.{a.dtype}); or build the model with dtype=np.{b.dtype})")
    return a, b


def _same_memory(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.strides == b.strides and a.dtype == b.dtype and \
        a.__array_interface__["data"][0] == b.__array_interface__["data"][0]


def _own_index(index: Any) -> Any:
    """``index`` with every array (or list) in it copied: the rule reads it at backward, so
    the caller must not be able to change it in between."""
    if isinstance(index, tuple):
        return tuple(_own_index(i) for i in index)
    if isinstance(index, Tensor):
        return np.array(index._data)
    if isinstance(index, np.ndarray | list):
        return np.array(index)
    return index


# ---------------------------------------------------------------- argument handling


def _described(value: Any) -> str:
    """An operand for an error message: its shape and dtype, or its type."""
    if isinstance(value, np.ndarray | np.generic | Number):
        return f"shape {np.shape(value)}, dtype {np.result_type(value)}"  # type: ignore[arg-type]
    return type(value).__name__


def _label(t: Tensor, lead: str = " ") -> str:
    return f"{lead}{t.name!r}" if t.name is not None else ""


def _shaped(t: Tensor) -> str:
    """An operand for an error message: its name, if it has one, and its shape."""
    return f"{t.name!r} {t.shape}" if t.name is not None else f"shape {t.shape}"


def _is_real(x: Any) -> bool:
    return isinstance(x, Number | np.number) and not isinstance(x, complex | np.complexfloating)


def _as_array(data: Any, copy: bool = False) -> np.ndarray:
    if isinstance(data, np.ndarray | np.generic):
        array = data.view(np.ndarray) if isinstance(data, TrackedArray) else data
        array = np.array(array) if copy else np.asarray(array)
    else:
        try:
            array = np.asarray(data)
        except (ValueError, TypeError) as err:
            raise TypeError(f"Tensor: cannot make an array of {type(data).__name__}: {err}") \
                from None
        if array.dtype.kind in "biuf":
            array = array.astype(np.float64)  # Python scalars and lists become float64
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor: data must be numeric (bool, integer or float), got dtype "
                        f"{array.dtype} from {type(data).__name__}")
    return array


def _require_float(array: np.ndarray, where: str) -> None:
    if array.dtype.kind != "f":
        raise TypeError(f"{where}: requires_grad=True needs floating-point data, got "
                        f"{array.dtype}; convert it first, e.g. np.asarray(x, dtype=float)")


def _operand(other: Any, like: Tensor) -> Tensor:
    """The other operand as a Tensor; a Python or NumPy scalar takes ``like``'s float dtype."""
    if isinstance(other, Tensor):
        return other
    if type(other) is np.ndarray and other.dtype.kind in "biuf":
        if other.dtype.kind != "f" and like.dtype.kind == "f":
            return _make(other.astype(like.dtype))  # as a Python int would (a copy)
        if like.requires_grad and state.enabled:
            return _make(other.copy())  # the graph may save it: the caller keeps theirs
        return _make(other)
    if type(other) is float or type(other) is int or _is_real(other):
        dtype = like.dtype if like.dtype.kind == "f" else None
        return _make(np.asarray(other, dtype=dtype))
    return Tensor(other)


def _axes(t: Tensor, axis: Axis, op: str) -> tuple[int, ...] | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int | np.integer) else axis
    if not isinstance(axes, tuple | list) or not all(
            isinstance(a, int | np.integer) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got "
                        f"{type(axis).__name__} {axis!r}")
    for a in axes:
        if not -t.ndim <= a < t.ndim:
            raise ValueError(f"{op}: axis {a} is out of range for tensor{_label(t)} with "
                             f"{t.ndim} axes (shape {t.shape})")
    normal = tuple(int(a) % t.ndim for a in axes)
    if len(set(normal)) != len(normal):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return normal


def _seed(root: Tensor, grad: Any, where: str) -> np.ndarray:
    """The gradient that starts backward at ``root``, checked against its shape."""
    if not root.requires_grad:
        raise RuntimeError(f"{where}: tensor{_label(root)} does not require grad and has no "
                           f"graph: make a leaf with requires_grad=True (outside no_grad)")
    if grad is None:
        if root.size != 1:
            raise RuntimeError(f"{where}: tensor{_label(root)} has shape {root.shape} "
                               f"({root.size} elements); only a one-element tensor seeds its "
                               f"own gradient, so pass grad= (an array of shape {root.shape})")
        return np.ones(root.shape, dtype=root.dtype)
    seed = np.asarray(grad._data if isinstance(grad, Tensor) else grad, dtype=root.dtype)
    if seed.shape != root.shape:
        raise ValueError(f"{where}: grad has shape {seed.shape} but tensor{_label(root)} has "
                         f"shape {root.shape}")
    return seed
