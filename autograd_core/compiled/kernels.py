"""Kernels: an op's forward, or one of its rules, written inline as the NumPy calls it makes.

Each kernel makes the very calls the op's own ``forward`` or rule makes, in the same order,
with the same operands and dtypes, so the values are the same bit for bit; what changes is
where the result lands (``out=``: a buffer the plan allocated once, when the value is one
nothing outside the plan sees) and that no Python function is called around them.

A kernel gets the operands' names and the recording's arrays and returns a ``Code``, or None
to leave the op to its own function (for the shapes or dtypes it does not handle). ``{out}``
in the code stands for the result's array: a buffer when ``Code.buffer`` is set and one is
free. In the code, ``{v}`` is the result's name and ``{buf}`` the array to write it into:
the buffer, or ``None`` (NumPy then allocates a fresh one). Ufuncs are called by bare name
(``UFUNCS``, bound in the plan) with ``out`` positional: the fastest call NumPy has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import ops


@dataclass
class Code:
    lines: list[str]  # statements; the last one defines the result
    shape: tuple[int, ...] | None = None  # a buffer of this shape and dtype may hold it
    dtype: np.dtype | None = None
    in_place: tuple[str, ...] = ()  # operands whose array may also be the result's
    saved: str | None = None  # a forward's saved tuple, an expression (None: no tuple)


def _same(*arrays: np.ndarray) -> bool:
    """Operands of one shape and dtype: an elementwise op's result is that shape, exactly.
    Not 0-d: NumPy returns a scalar there when it allocates, which ``out=`` cannot take."""
    a = arrays[0]
    return a.ndim > 0 and all(type(x) is np.ndarray and x.shape == a.shape
                              and x.dtype is a.dtype for x in arrays)


def _float(a: np.ndarray) -> bool:
    return type(a) is np.ndarray and a.dtype.kind == "f" and a.ndim == 2


# ---------------------------------------------------------------- forwards


def addmm(names, arrays, params) -> Code | None:
    b, w, a = arrays
    if not (_float(w) and _float(a) and w.dtype is a.dtype and type(b) is np.ndarray
            and b.dtype is w.dtype):
        return None
    nb, nw, na = names
    shape = (w.shape[0], a.shape[1])
    return Code(["{v} = matmul(" + f"{nw}, {na}, {{buf}})",
                 f"{{v}} += {nb}"], shape, w.dtype, (), f"({nw}, {na})")


def matmul(names, arrays, params) -> Code | None:
    a, b = arrays
    if not (_float(a) and _float(b) and a.dtype is b.dtype):
        return None
    na, nb = names
    return Code(["{v} = matmul(" + f"{na}, {nb}, {{buf}})"],
                (a.shape[0], b.shape[1]), a.dtype, (), f"({na}, {nb})")


def _broadcast(a: np.ndarray, b: np.ndarray) -> tuple[int, ...] | None:
    """The result's shape when ``a ⊕ b`` stays in their one float dtype, else None."""
    if not (type(a) is np.ndarray and type(b) is np.ndarray and a.dtype is b.dtype
            and a.dtype.kind == "f"):
        return None
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        return None
    return shape if shape else None  # 0-d: see _same


def _binary(ufunc: str, saves: bool) -> Callable:
    def kernel(names, arrays, params) -> Code | None:
        shape = _broadcast(*arrays)
        if shape is None:
            return None
        full = tuple(n for n, a in zip(names, arrays) if a.shape == shape)
        saved = f"({names[0]}, {names[1]})" if saves else "()"
        return Code(["{v} = " + f"{ufunc}({names[0]}, {names[1]}, {{buf}})"],
                    shape, arrays[0].dtype, full, saved)
    return kernel


def _unary(call: str, saves: str) -> Callable:
    """``call``: the op's NumPy call with ``{x}`` its input (``"tanh({x}, {buf})"``);
    ``saves``: what the op's forward saves, "out", "x" or "nothing"."""
    def kernel(names, arrays, params) -> Code | None:
        (x,), (nx,) = arrays, names
        if not (type(x) is np.ndarray and x.dtype.kind == "f" and x.ndim):
            return None
        saved = {"out": "({v},)", "x": f"({nx},)", "nothing": "()"}[saves]
        return Code(["{v} = " + call.format(x=nx, buf="{buf}")], x.shape, x.dtype,
                    () if saves == "x" else (nx,), saved)
    return kernel


@np.errstate(over="ignore")  # as rule_helpers.sigmoid: e^-x = inf where it overflows, and σ is 0
def sigmoid_into(x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    out = np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


UFUNCS = {name: getattr(np, name) for name in (
    "add", "subtract", "multiply", "true_divide", "negative", "maximum", "greater", "matmul",
    "tanh", "exp", "log")}

FORWARD: dict[type, Callable[..., Code | None]] = {
    ops.AddMM: addmm,
    ops.MatMul: matmul,
    ops.Add: _binary("add", saves=False),
    ops.Mul: _binary("multiply", saves=True),
    ops.Tanh: _unary("tanh({x}, {buf})", "out"),
    ops.Exp: _unary("exp({x}, {buf})", "out"),
    ops.Log: _unary("log({x}, {buf})", "x"),
    ops.Neg: _unary("negative({x}, {buf})", "nothing"),
    ops.ReLU: _unary("maximum({x}, 0, out={buf})", "out"),
    # rule_helpers.sigmoid's calls: −x, e^(−x) (overflow warnings off), +1, 1/·
    ops.Sigmoid: _unary("sigmoid_into({x}, {buf})", "out"),
}


# ---------------------------------------------------------------- rules
# rule(g, saved names, arrays) for (op, input index); the same expression as the op's vjp


def _times_saved(k: int) -> Callable:
    """``g * saved[k]`` (Mul's rules: the other operand), output-shaped."""
    def kernel(g, saved, arrays, garray) -> Code | None:
        if _broadcast(garray, arrays[k]) != garray.shape:
            return None
        return Code(["{v} = " + f"multiply({g}, {saved[k]}, {{buf}})"],
                    garray.shape, garray.dtype, (g,))
    return kernel


def _tanh_rule(g, saved, arrays, garray) -> Code | None:
    (out,), (no,) = arrays, saved
    if not _same(garray, out):
        return None  # g * (1 - out * out)
    return Code(["{v} = " + f"multiply({no}, {no}, {{buf}})",
                 "{v} = subtract(1, {v}, {v})",
                 "{v} = " + f"multiply({g}, {{v}}, {{v}})"],
                garray.shape, garray.dtype)  # g is read last: its array cannot be the result


def _sigmoid_rule(g, saved, arrays, garray) -> Code | None:
    (out,), (no,) = arrays, saved
    if not _same(garray, out):
        return None  # g * (out * (1 - out))
    return Code(["{v} = " + f"subtract(1, {no}, {{buf}})",
                 "{v} = " + f"multiply({no}, {{v}}, {{v}})",
                 "{v} = " + f"multiply({g}, {{v}}, {{v}})"],
                garray.shape, garray.dtype)


def _matmul_rule(k: int, kind: str) -> Callable:
    """``g @ b.T`` (kind "g@T") or ``a.T @ g`` ("T@g") with the other operand saved[k]."""
    def kernel(g, saved, arrays, garray) -> Code | None:
        other = arrays[k]
        if not (_float(garray) and _float(other) and garray.dtype is other.dtype):
            return None
        if kind == "g@T":
            return Code(["{v} = " + f"matmul({g}, {saved[k]}.T, {{buf}})"],
                        (garray.shape[0], other.shape[0]), garray.dtype)
        return Code(["{v} = " + f"matmul({saved[k]}.T, {g}, {{buf}})"],
                    (other.shape[1], garray.shape[1]), garray.dtype)
    return kernel


def _elementwise_rule(ufunc: str, reads_saved: bool) -> Callable:
    """``g ⊕ saved[0]`` (Exp: ``g * out``, Log: ``g / x``), or ``ufunc(g)`` (Neg: ``-g``)."""
    def kernel(g, saved, arrays, garray) -> Code | None:
        if reads_saved and not _same(garray, arrays[0]) or not _same(garray):
            return None
        operands = f"{g}, {saved[0]}" if reads_saved else g
        return Code(["{v} = " + f"{ufunc}({operands}, {{buf}})"], garray.shape, garray.dtype,
                    (g,))
    return kernel


def _relu_rule(g, saved, arrays, garray) -> Code | None:
    (out,), (no,) = arrays, saved
    if not _same(garray, out):
        return None  # g * (out > 0): the mask, a bool array, then the product
    return Code(["{v} = " + f"multiply({g}, greater({no}, 0), {{buf}})"], garray.shape,
                garray.dtype, (g,))


RULES: dict[tuple[type, int], Callable[..., Code | None]] = {
    (ops.Exp, 0): _elementwise_rule("multiply", reads_saved=True),
    (ops.Log, 0): _elementwise_rule("true_divide", reads_saved=True),
    (ops.Neg, 0): _elementwise_rule("negative", reads_saved=False),
    (ops.ReLU, 0): _relu_rule,
    (ops.Mul, 0): _times_saved(1),
    (ops.Mul, 1): _times_saved(0),
    (ops.Tanh, 0): _tanh_rule,
    (ops.Sigmoid, 0): _sigmoid_rule,
    (ops.MatMul, 0): _matmul_rule(1, "g@T"),
    (ops.MatMul, 1): _matmul_rule(0, "T@g"),
    (ops.AddMM, 1): _matmul_rule(1, "g@T"),
    (ops.AddMM, 2): _matmul_rule(0, "T@g"),
}
PASS_THROUGH = {(ops.Add, 0), (ops.Add, 1), (ops.AddMM, 0)}  # rules that return g itself


def bias_sum(g: str, garray: np.ndarray, shape: tuple[int, ...]) -> Code | None:
    """``unbroadcast``'s bias-column case, ``g.sum(axis=1, keepdims=True)``, inline."""
    if len(shape) == 2 == garray.ndim and shape[1] == 1 and shape[0] == garray.shape[0] \
            and garray.shape != shape:
        return Code(["{v} = " + f"np.add.reduce({g}, axis=1, keepdims=True, out={{buf}})"],
                    shape, garray.dtype)
    return None


def accumulate(total: str, g: str, array: np.ndarray) -> Code | None:
    """``total + g``, as ``engine._accumulate`` sums two contributions to one gradient."""
    if not array.ndim:
        return None
    return Code(["{v} = " + f"add({total}, {g}, {{buf}})"], array.shape, array.dtype,
                (total, g))
