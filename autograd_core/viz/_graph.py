"""The computation graph as a drawing sees it: tensors in evaluation order, names, rules.

Reads only the node protocol of a ``Tensor``: ``op`` (``name``, ``symbol``, ``formulas``,
``broadcasts``), ``parents``, ``params``, ``name``, ``shape``, ``requires_grad``, ``is_leaf``,
``scope``. No graphviz here. A fused ``addmm`` node (``Z = W A + b``) is drawn as the matmul
and the broadcast add it computes, as the documents write it.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

import numpy as np

from ..core import order
from ..ops import Add, AddMM, MatMul
from . import _labels

PARAMETER, INPUT, CONSTANT, INTERMEDIATE = "parameter", "input", "constant", "intermediate"

MAX_DERIVED = 12  # longest derived label (visible characters) before a placeholder v_k is used


class Name(NamedTuple):
    """A tensor's label. ``level``: 3 atomic, 2 a product, 1 a sum (where parentheses go)."""

    text: str
    level: int
    user: bool = False  # given by the user (or nn): drawn bold


class Graph:
    """The tensors reaching ``root``, inputs before the ops that use them, ``root`` last.

    Built by an iterative depth-first walk that visits parents in order (each op after its
    inputs, each leaf just before its first use), so the same graph always gives the same
    numbering. ``consumers[i]`` lists ``(j, k)``: tensor ``i`` is input
    ``k`` of the op that made tensor ``j``.
    """

    def __init__(self, root: Any, *, fuse: bool = False) -> None:
        drawn: dict[Any, Any] = {}  # addmm node -> the add that stands for it
        self.fuse = fuse

        def parents(t: Any) -> list[Any]:
            return [_drawn(p, drawn, fuse) for p in t.parents]

        root = _drawn(root, drawn, fuse)
        order, seen = [], {root}
        stack = [(root, iter(parents(root)))]
        while stack:
            node, inputs = stack[-1]
            for p in inputs:
                if p not in seen and not p.is_leaf:
                    seen.add(p)
                    stack.append((p, iter(parents(p))))
                    break
            else:  # inputs computed: the leaves it reads come right before it
                stack.pop()
                for p in parents(node):
                    if p not in seen:
                        seen.add(p)
                        order.append(p)
                order.append(node)
        self.tensors: list[Any] = order
        self.index = {t: i for i, t in enumerate(order)}
        # an addmm node, where a later op reads it, is the add that stands for it
        self.index.update((t, self.index[add]) for t, add in drawn.items())
        self.consumers: list[list[tuple[int, int]]] = [[] for _ in order]
        for j, t in enumerate(order):
            for k, p in enumerate(t.parents):
                self.consumers[self.index[p]].append((j, k))
        self.kinds = [_kind(t) for t in order]
        self.names = _names(self)
        self.root = len(order) - 1
        self.arrivals: dict[int, dict[tuple[int, int], int]] = {}  # see ``arrival``
        for t in order:  # a fused loss names the sigmoid output its rule reads
            if isinstance(t, _Fused):
                y = t._node.parents[0]
                i = self.index.get(y)
                t.params = {"y": self.names[i].text if i is not None else y.name
                            or f"σ({self.names[self.index[t.parents[0]]].text})"}

    def __len__(self) -> int:
        return len(self.tensors)


def _drawn(t: Any, drawn: dict[Any, Any], fuse: bool = False) -> Any:
    """``t``, or for an ``addmm`` node the broadcast add (of a matmul) that it computes, or
    (``fuse``: as backward runs) for a loss the engine fuses with the op before it, one node."""
    if t.op is AddMM:
        if t not in drawn:
            drawn[t] = _AddOfProduct(t)
        return drawn[t]
    if fuse and is_fused(t):
        if t not in drawn:
            drawn[t] = _Fused(t)
        return drawn[t]
    return t


def is_fused(t: Any) -> bool:
    """Does backward take ``t``'s op's shortcut (input 0 made by the op it goes past)?"""
    shortcut = getattr(t.op, "shortcut", None)
    return shortcut is not None and t.parents[0].op is shortcut[0]


class FusedSigmoidLoss:
    """Binary cross-entropy of a sigmoid's output, as backward runs it: one step from J to
    the logits, dZ = (σ(Z) − Y)/m (``fused.BinaryCrossEntropyOfSigmoid``'s shortcut)."""

    name, symbol = "sigmoid_binary_cross_entropy", "σ+BCE"
    formulas = ("d{x} = ({y} − {b}) / m", "d{b} = (ln(1 − {y}) − ln {y}) / m")
    broadcasts = False
    shortcut = None


class _Fused:
    """A loss node whose backward goes past its input's op (``is_fused``), drawn as one node
    whose inputs are that op's input and the loss's others; everything else is the node's."""

    op = FusedSigmoidLoss

    def __init__(self, node: Any) -> None:
        self._node = node
        self.parents = (node.parents[0].parents[0], *node.parents[1:])
        self.params: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._node, name)


class _AddOfProduct:
    """An ``addmm`` node as drawn: ``Z = (W A) + b``; everything else is the node's own."""

    op = Add

    def __init__(self, node: Any) -> None:
        self._node = node
        self.parents = (_Product(node), node.parents[0])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._node, name)


class _Product:
    """The ``W A`` inside an ``addmm`` node, drawn as the matmul it stands for (a constant
    when neither factor requires grad, as ``W @ A`` would be). Its values are recomputed for
    display only: the engine never stores them."""

    name, grad = None, None
    params: dict[str, Any] = {}

    def __init__(self, node: Any) -> None:
        _, self._w, self._a = node.parents
        self._stamp = node._stamp  # backward reaches it with its addmm node
        self.requires_grad = self._w.requires_grad or self._a.requires_grad
        self.is_leaf = not self.requires_grad
        self.op = None if self.is_leaf else MatMul
        self.parents = () if self.is_leaf else (self._w, self._a)
        self.scope = None if self.is_leaf else node.scope
        self.shape = (self._w.shape[0], self._a.shape[1])
        self.dtype = np.result_type(self._w.dtype, self._a.dtype)

    @property
    def data(self) -> np.ndarray:
        return self._w.data @ self._a.data


def _kind(t: Any) -> str:
    if not t.is_leaf:
        return INTERMEDIATE
    if t.requires_grad:
        return PARAMETER
    return INPUT if t.name is not None else CONSTANT


# ---------------------------------------------------------------- forward names


_SIMPLE = re.compile(r"[^\s()+−\-⊙/·Σ√|,]+")


def is_simple(text: str) -> bool:
    """A single symbol (``W[1]``, ``v_{3}``, ``J``): needs no parentheses anywhere."""
    return _SIMPLE.fullmatch(text) is not None


def _names(graph: Graph) -> list[Name]:
    names: list[Name] = []
    counts = {"v": 0, "c": 0}

    def placeholder(letter: str) -> Name:
        counts[letter] += 1
        return Name(f"{letter}_{{{counts[letter]}}}", 3)

    last = len(graph.tensors) - 1
    for i, t in enumerate(graph.tensors):
        kind = graph.kinds[i]
        if t.name is not None:
            name = Name(t.name, 3 if is_simple(t.name) else 1, user=True)
        elif kind == CONSTANT:
            if math.prod(t.shape) == 1:
                text = _labels.number(t.data.item())
                name = Name(text, 3 if is_simple(text) else 2)
            else:
                name = placeholder("c")
        elif i == last and kind == INTERMEDIATE and math.prod(t.shape) == 1:
            name = Name("J", 3)  # the documents' name for the cost
        else:
            derived = None
            if kind == INTERMEDIATE:
                derived = derive(t, [names[graph.index[p]] for p in t.parents])
                if derived is not None and len(_labels.plain(derived.text)) > MAX_DERIVED:
                    derived = None
            name = placeholder("v") if derived is None else derived
        names.append(name)
    return names


_RAISED = tuple("ᵀ²³ᵖ⁻")  # superscripts a template puts right after a name


def exponent_base(name: Name) -> str:
    """The name before a superscript: ``(A[1])²``, ``(A[0])ᵀ`` as the documents write them,
    since ``A[1]²`` would read as one superscript ``[1]2``."""
    return f"({name.text})" if name.level < 3 or name.text.endswith("]") else name.text


def wrap(name: Name, level: int) -> str:
    """The name's text, in parentheses where an operator of ``level`` binds tighter."""
    return name.text if name.level >= level else f"({name.text})"


_FUNCTIONS = {"sigmoid": "σ", "leaky_relu": "lrelu", "log_softmax": "log softmax"}
_POWERS = {2: "²", 3: "³"}


def derive(t: Any, operands: list[Name]) -> Name | None:
    """The output of ``t``'s op written with its operands' names, ``W[1]A[0]``, ``tanh(Z[1])``."""
    op, params = t.op.name, t.params
    x = operands[0]
    if op == "add":
        a, b = operands
        negated = b.text.startswith("−") and (b.level == 2 and not b.user  # −y, −3
                                              or b.user and is_simple(b.text[1:]))  # "−Y"
        if negated:
            return Name(f"{wrap(a, 1)} − {b.text[1:]}", 1)
        return Name(f"{wrap(a, 1)} + {wrap(b, 2)}", 1)
    if op == "mul":
        a, b = operands
        pa, pb = t.parents
        if scalar_constant(pb) and not scalar_constant(pa):
            return Name(f"{wrap(b, 2)} {wrap(a, 2)}", 2)
        if scalar_constant(pa):
            return Name(f"{wrap(a, 2)} {wrap(b, 2)}", 2)
        return Name(f"{wrap(a, 2)} ⊙ {wrap(b, 2)}", 2)
    if op == "matmul":
        return Name(wrap(operands[0], 3) + wrap(operands[1], 3), 2)
    if op == "neg":
        return Name("−" + wrap(x, 3), 2)
    if op == "pow":
        p = params.get("p")
        if p in _POWERS:
            return Name(exponent_base(x) + _POWERS[p], 3)
        if p == -1:
            return Name("1/" + wrap(x, 3), 2)
        if p == 0.5:
            return Name("√" + wrap(x, 3), 3)
        return Name(f"{exponent_base(x)}^{{{_labels.number(p)}}}", 3)
    if op == "sqrt":
        return Name("√" + wrap(x, 3), 3)
    if op == "abs":
        return Name(f"|{x.text}|", 3)
    if op == "sum":
        axis = params.get("axis")
        word = "" if axis is None else _labels.axes_word(tuple(axis), len(t.parents[0].shape))
        return Name(f"Σ{'_{' + word + '}' if word else ''}{wrap(x, 3)}", 2)
    if op == "transpose" and len(t.shape) == 2:
        return Name(exponent_base(x) + "ᵀ", 3)
    if op == "getitem":
        return None  # x[0] would read as a layer index
    if len(operands) == 1:
        return Name(f"{_FUNCTIONS.get(op, op)}({x.text})", 3)
    return Name(f"{_FUNCTIONS.get(op, op)}({', '.join(o.text for o in operands)})", 3)


def scalar_constant(t: Any) -> bool:
    """An unnamed one-element leaf without grad: a number in the formula (``1/m``)."""
    return t.is_leaf and not t.requires_grad and t.name is None and math.prod(t.shape) == 1


# ---------------------------------------------------------------- backward names and rules


def gradient_names(graph: Graph) -> tuple[list[str | None], list[int]]:
    """``dW[1]``... for every tensor that requires grad (None for the others).

    An unnamed tensor whose only use passes the gradient on unchanged (``d{x} = d{out}``,
    same shape: the ``W[l]A[l-1]`` inside ``Z[l] = W[l]A[l-1] + b[l]``) takes its user's
    gradient name, so the rules read like the documents: ``dW[1] = dZ[1] A[0]ᵀ``. Also
    returns, per tensor, the tensor whose gradient it shares (itself, or that user's).
    """
    grads: list[str | None] = [None] * len(graph)
    shares = list(range(len(graph)))
    for i in range(len(graph) - 1, -1, -1):
        t = graph.tensors[i]
        if not t.requires_grad:
            continue
        uses = graph.consumers[i]
        if t.name is None and len(uses) == 1:
            j, k = uses[0]
            user = graph.tensors[j]
            if _rhs(user.op, k) == "d{out}" and user.shape == t.shape and grads[j] is not None:
                grads[i], shares[i] = grads[j], shares[j]
                continue
        grads[i] = gradient_name(graph.names[i])
    return grads, shares


def gradient_name(name: Name) -> str:
    """``dW[1]``; ``d(W[1]A[0])``, ``d(v_{1}²)`` where a bare ``d`` would bind to a part."""
    text = name.text
    bare = name.level == 3 and is_simple(text) and not text.endswith(_RAISED) \
        and not re.search(r"\^\{[^{}]*\}$", text)
    return "d" + text if bare else f"d({text})"


SUPERSCRIPT_DIGITS = str.maketrans({d: _labels.SUPERSCRIPT[d] for d in "0123456789"})


def part(name: str, number: int) -> str:
    """The name of one contribution to a gradient that several uses add up: ``dx⁽²⁾``."""
    return f"{name}⁽{str(number).translate(SUPERSCRIPT_DIGITS)}⁾"


def arrival(graph: Graph, i: int) -> dict[tuple[int, int], int]:
    """Tensor ``i``'s uses ``(j, k)`` numbered 1, 2, ... in the order backward delivers
    their contributions (the latest-recorded op first; one op's inputs in order); empty for
    a tensor used once."""
    uses = graph.consumers[i]
    if len(uses) < 2:
        return {}
    if i not in graph.arrivals:  # once per tensor: a weight used 10,000 times is asked 10,000
        ordered = sorted(uses, key=lambda use: (order(graph.tensors[use[0]]), use[1]))
        graph.arrivals[i] = {use: n for n, use in enumerate(ordered, 1)}
    return graph.arrivals[i]


def total(graph: Graph, grads: list[str | None], i: int) -> str | None:
    """``dx = dx⁽¹⁾ + dx⁽²⁾``: the sum of a shared tensor's contributions (None if used once)."""
    n = len(graph.consumers[i])
    name = grads[i]
    if n < 2 or name is None:
        return None
    if n <= 3:
        return f"{name} = " + " + ".join(part(name, k) for k in range(1, n + 1))
    return f"{name} = {part(name, 1)} + … + {part(name, n)}"


def _template(op: Any, k: int) -> str:
    formulas = getattr(op, "formulas", ())
    return formulas[k] if k < len(formulas) else "d{x} = ?"


def _rhs(op: Any, k: int) -> str:
    return _template(op, k).partition(" = ")[2].strip()


_SLOT = re.compile(r"d\{(\w+)\}|\{(\w+)\}")
_EXP = re.compile(r"e\^\{(\w+)\}")


def rules(graph: Graph, grads: list[str | None], i: int) -> list[str]:
    """The op that made tensor ``i``: its local rule for each input that requires grad.

    The op's templates filled with the tensors' names. Where the input feeds several ops,
    each contribution has its own name, ``dx⁽¹⁾``, numbered as backward delivers them
    (``total`` gives their sum); ``Σ_{cols}`` where a broadcast input's gradient is summed
    back to its shape. A rule that only says ``dZ = dZ`` (a pass-through) is left out.
    """
    t = graph.tensors[i]
    parents = t.parents
    slots = {"out": i, "x": graph.index[parents[0]], "a": graph.index[parents[0]]}
    if len(parents) > 1:
        slots["b"] = graph.index[parents[1]]

    def fill(match: re.Match) -> str:
        dkey, key = match.groups()
        if dkey is not None:
            return (grads[slots[dkey]] or "d?") if dkey in slots else match[0]
        if key in slots:
            return exponent_base(graph.names[slots[key]]) \
                if match.string[match.end():match.end() + 1] in _RAISED \
                else wrap(graph.names[slots[key]], 3)
        if key in t.params:
            return _param(t.params[key])
        return match[0]

    lines = []
    for k, p in enumerate(parents):
        if not p.requires_grad:
            continue
        template = _EXP.sub(r"exp({\1})", _template(t.op, k))  # e^{out}: exp(v_{5})
        lhs, sep, rhs = template.partition(" = ")
        if not sep:
            lines.append(_SLOT.sub(fill, lhs))
            continue
        lhs, rhs = _SLOT.sub(fill, lhs).strip(), _SLOT.sub(fill, rhs).strip()
        summed = _broadcast_axes(p.shape, t.shape) if getattr(t.op, "broadcasts", False) else ()
        if summed:
            word = _labels.axes_word(summed, len(t.shape))
            rhs = f"Σ{'_{' + word + '}' if word else ''} " + (f"({rhs})" if " " in rhs else rhs)
        if lhs == rhs:
            continue
        number = arrival(graph, graph.index[p]).get((i, k))
        lines.append(f"{part(lhs, number) if number else lhs} = {rhs}")
    return lines


def _broadcast_axes(shape: tuple[int, ...], out: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of ``out`` that broadcasting ``shape`` to ``out`` added or stretched."""
    if shape == out:
        return ()
    lead = len(out) - len(shape)
    return tuple(range(lead)) + tuple(lead + k for k, n in enumerate(shape)
                                      if n == 1 and out[lead + k] != 1)


def _param(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return _labels.number(value)
    return str(value)
