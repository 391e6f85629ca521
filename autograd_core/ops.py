"""The primitive operations: each forward beside its local vector-Jacobian rules.

Every op is a namespace class, never instantiated:

- ``forward(*arrays, **params) -> (out, saved)`` computes the output array from the input
  arrays and returns what backward needs (``saved``: arrays and plain values, nothing else).
- ``vjp`` holds one rule per input, ``rule(g, *saved) -> gradient``: ``g`` is the gradient
  of the loss with respect to the output (``dout``). The engine calls only the rules of inputs
  that require a gradient. A rule returns a fresh array or ``g`` itself. Written with
  operators and ``rule_helpers``' functions, the same rule also runs on Tensors (the saved
  inputs and output as their Tensors) for ``grad(..., create_graph=True)``: that is how every op is
  differentiable to any order without a second set of rules.
- ``dvjp``: only where ``saved`` holds values computed from the inputs (which would be
  constants on Tensors), the rules for create_graph, ``rule(g, *inputs, out)`` on Tensors.
- ``formulas`` holds the same rules written out, text templates for the backward drawing
  and messages (the engine runs ``vjp``; these it only shows); ``{out}`` is the
  output's name and ``{x}``, ``{a}``, ``{b}`` the inputs'.
- ``broadcasts``: the rule returns an output-shaped gradient that the engine sums back to the
  input's shape (``unbroadcast``). Other ops must return exactly the input's shape.
- ``check(a_shape, b_shape)``: for binary ops that need it, what is wrong with the operands'
  shapes (a message with ``{a}``, ``{b}`` for the operands), or None when nothing is.
- ``shortcut = (through, rule)``: for an op whose input 0 is the output ``y = through(x)``,
  ``rule(g, *saved)`` gives the gradient for ``x`` directly, exact where the chain through
  ``through``'s rule would lose it (``σ'(z)`` is 0 once ``1 − σ(z)`` rounds to 0). The engine
  sends it to ``x``; ``y`` still gets its own gradient for ``.grad``, not passed on.
  ``dshortcut(g, *inputs, out)`` is the same on Tensors.

Adding an op touches this file (the op; ops along axes live in ``axis_ops.py``, the fused
losses in ``fused.py``) and ``tensor.py`` (the method that calls it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .rule_helpers import sigmoid, values

Rule = Callable[..., Any]  # rule(g, *saved) -> the gradient for one input


class Op:
    name: ClassVar[str] = "op"
    symbol: ClassVar[str] = "?"
    formulas: ClassVar[tuple[str, ...]] = ()  # the rules written out, for drawings
    broadcasts: ClassVar[bool] = False
    forward: ClassVar[Callable[..., tuple[Any, tuple]]]
    vjp: ClassVar[tuple[Rule, ...]] = ()
    check: ClassVar[Callable[..., str | None] | None] = None  # broadcasting ops: NumPy judges
    dvjp: ClassVar[tuple[Rule, ...] | None] = None
    shortcut: ClassVar[tuple[type[Op], Rule] | None] = None
    dshortcut: ClassVar[Rule | None] = None


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes NumPy broadcasting added or stretched, giving ``shape``."""
    if g.shape == shape:
        return g
    if len(shape) == 2 == g.ndim and shape[1] == 1 and shape[0] == g.shape[0]:
        return g.sum(axis=1, keepdims=True)  # the bias column (n, 1) of an (n, m) result
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    summed = g.sum(axis=axes, keepdims=True)
    return summed.reshape(shape) if lead else summed  # the bias column: (n, m) -> (n, 1)


# ---------------------------------------------------------------- broadcasting binary ops


class Add(Op):
    """out = a + b"""

    name, symbol, broadcasts = "add", "+", True
    formulas = ("d{a} = d{out}", "d{b} = d{out}")

    @staticmethod
    def forward(a, b):
        return a + b, ()

    vjp = (lambda g: g,
           lambda g: g)


class Mul(Op):
    """out = a ⊙ b (Hadamard product)"""

    name, symbol, broadcasts = "mul", "⊙", True
    formulas = ("d{a} = d{out} ⊙ {b}", "d{b} = d{out} ⊙ {a}")

    @staticmethod
    def forward(a, b):
        return a * b, (a, b)

    vjp = (lambda g, a, b: g * b,
           lambda g, a, b: g * a)


class MatMul(Op):
    """out = a @ b for 2-D a (n, k) and b (k, m)"""

    name, symbol = "matmul", "@"
    formulas = ("d{a} = d{out} {b}ᵀ", "d{b} = {a}ᵀ d{out}")

    @staticmethod
    def check(a_shape, b_shape):
        if len(a_shape) != 2 or len(b_shape) != 2:
            return ("expects 2-D operands, got {a} and {b}; make vectors columns (n, 1) "
                    "or rows (1, n)")
        if a_shape[1] != b_shape[0]:
            return (f"cannot multiply {{a}} by {{b}}: inner dimensions {a_shape[1]} and "
                    f"{b_shape[0]} differ")
        return None

    @staticmethod
    def forward(a, b):
        return a @ b, (a, b)

    vjp = (lambda g, a, b: g @ b.T,
           lambda g, a, b: a.T @ g)


class AddMM(Op):
    """out = b + W @ A for 2-D W (n, k), A (k, m), b broadcast to (n, m): Z = W A + b in one node

    The layer's affine map without an array for ``W A`` (the sum is added into the product's
    array). Drawings show it as the matmul and the broadcast add it stands for.
    """

    name, symbol, broadcasts = "addmm", "+", True
    formulas = ("d{b} = d{out}", "d{w} = d{out} {a}ᵀ", "d{a} = {w}ᵀ d{out}")

    @staticmethod
    def check(w_shape, a_shape, b_shape):
        problem = MatMul.check(w_shape, a_shape)
        if problem is not None:
            return problem.format(a="{w}", b="{a}")  # matmul's operands are W and A here
        product = (w_shape[0], a_shape[1])
        fits = b_shape == (product[0], 1) or len(b_shape) <= 2 and all(
            d in (1, n) for d, n in zip(b_shape[::-1], product[::-1]))
        return None if fits else f"{{b}} does not broadcast to {{w}} @ {{a}}'s shape {product}"

    @staticmethod
    def forward(b, w, a):
        out = w @ a
        if b.dtype == out.dtype or np.promote_types(out.dtype, b.dtype) == out.dtype:
            out += b  # no second (n, m) array: what makes this node worth having
        else:
            out = out + b  # a wider b widens the result, as W @ A + b would
        return out, (w, a)

    vjp = (lambda g, w, a: g,
           lambda g, w, a: g @ a.T,
           lambda g, w, a: w.T @ g)


# ---------------------------------------------------------------- elementwise unary ops


class Neg(Op):
    """out = -x"""

    name, symbol, formulas = "neg", "−", ("d{x} = −d{out}",)

    @staticmethod
    def forward(x):
        return -x, ()

    vjp = (lambda g: -g,)


class Pow(Op):
    """out = x ** p for a constant exponent p"""

    name, symbol, formulas = "pow", "xᵖ", ("d{x} = d{out} ⊙ {p} {x}ᵖ⁻¹",)

    @staticmethod
    def forward(x, p):
        return x**p, (x, p)

    # p = 0: the derivative is 0 everywhere, also at x = 0 where 0 · x⁻¹ would be nan
    vjp = (lambda g, x, p: g * (p * x ** (p - 1)) if p != 0 else np.zeros_like(g),)


class Exp(Op):
    """out = e^x"""

    name, symbol, formulas = "exp", "exp", ("d{x} = d{out} ⊙ {out}",)

    @staticmethod
    def forward(x):
        out = np.exp(x)
        return out, (out,)

    vjp = (lambda g, out: g * out,)


class Log(Op):
    """out = ln x"""

    name, symbol, formulas = "log", "log", ("d{x} = d{out} / {x}",)

    @staticmethod
    def forward(x):
        return np.log(x), (x,)

    vjp = (lambda g, x: g / x,)


class Sqrt(Op):
    """out = √x"""

    name, symbol, formulas = "sqrt", "√", ("d{x} = d{out} / (2 {out})",)

    @staticmethod
    def forward(x):
        out = np.sqrt(x)
        return out, (out,)

    vjp = (lambda g, out: g / (2 * out),)


class Abs(Op):
    """out = |x| (gradient 0 at 0)"""

    name, symbol, formulas = "abs", "|x|", ("d{x} = d{out} ⊙ sign({x})",)

    @staticmethod
    def forward(x):
        return np.abs(x), (x,)

    vjp = (lambda g, x: g * np.sign(values(x)),)


class Sigmoid(Op):
    """out = σ(x) = 1 / (1 + e^-x)"""

    name, symbol, formulas = "sigmoid", "σ", ("d{x} = d{out} ⊙ {out} ⊙ (1 − {out})",)

    @staticmethod
    def forward(x):
        out = sigmoid(x)
        return out, (out,)

    vjp = (lambda g, out: g * (out * (1 - out)),)


class Tanh(Op):
    """out = tanh x"""

    name, symbol, formulas = "tanh", "tanh", ("d{x} = d{out} ⊙ (1 − {out}²)",)

    @staticmethod
    def forward(x):
        out = np.tanh(x)
        return out, (out,)

    vjp = (lambda g, out: g * (1 - out * out),)


class ReLU(Op):
    """out = max(x, 0) (gradient 0 at 0)"""

    name, symbol, formulas = "relu", "relu", ("d{x} = d{out} ⊙ [{out} > 0]",)

    @staticmethod
    def forward(x):
        out = np.maximum(x, 0)
        return out, (out,)

    vjp = (lambda g, out: g * (values(out) > 0),)


class LeakyReLU(Op):
    """out = x if x > 0 else slope·x"""

    name, symbol, formulas = "leaky_relu", "lrelu", ("d{x} = d{out} ⊙ ([{x} > 0] + s[{x} ≤ 0])",)

    @staticmethod
    def forward(x, slope):
        return np.where(x > 0, x, slope * x), (x, slope)

    vjp = (lambda g, x, slope: g * np.where(values(x) > 0, 1, slope).astype(g.dtype, copy=False),)


class Softplus(Op):
    """out = ln(1 + e^x)"""

    name, symbol, formulas = "softplus", "softplus", ("d{x} = d{out} ⊙ σ({x})",)

    @staticmethod
    def forward(x):
        return np.logaddexp(0, x), (x,)

    vjp = (lambda g, x: g * sigmoid(x),)  # σ of a Tensor is recorded: softplus'' = σ'


class Clip(Op):
    """out = min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi"""

    name, symbol, formulas = "clip", "clip", ("d{x} = d{out} ⊙ [lo ≤ {x} ≤ hi]",)

    @staticmethod
    def forward(x, lo, hi):
        return np.clip(x, lo, hi), (x, lo, hi)

    @staticmethod
    def _passes(x, lo, hi):
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        return inside

    vjp = (lambda g, x, lo, hi: g * Clip._passes(values(x), lo, hi),)
