"""A recording turned into two flat Python functions of NumPy calls: forward and backward.

``Plan(recording)`` writes the source of ``forward(leaves, args) -> (results, saved)`` and,
for each result that requires grad, ``backward(g, saved) -> leaf gradients``, and compiles
them with ``exec``: no tensors, no checks, no graph; ``plan.source`` shows the program.

Every line calls the op's own ``forward`` or rule, or a kernel (``kernels.py``) that makes the
same NumPy calls into buffers allocated once; so a replay computes what the eager engine
computes, bit for bit. The backward lines come from walking the recorded graph exactly as
``engine.backward`` does (latest node first, inputs in order, the same sums, unbroadcasts,
casts and shortcuts), with the recording's own arrays: each rule runs once here, which tells
the shapes, dtypes and aliases the lines must handle.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import numpy as np

from ..ops import Op, unbroadcast
from ..record import _make
from . import kernels
from .trace import Recording


class Plan:
    def __init__(self, rec: Recording) -> None:
        self.rec = rec
        self.names: dict[str, Any] = {"np": np, "unbroadcast": unbroadcast,
                                      "keep": _keep, "fresh": np.array}
        self.leaves: list[Any] = []  # tensors read at replay, in the forward's argument order
        self.arg_keys: list[Any] = []
        self.escaped = [rec.tape[i][3] for i in sorted(rec.escaped)]
        self.buffers = kernels.Buffers(self.names)
        self.value_of = {id(out): i for i, (_, _, _, out) in enumerate(rec.tape)}
        self.saved: set[int] = set()  # the ops whose saved values backward reads
        forward_lines = self._forward()
        n = len(rec.results)
        self.backward: list[Any] = [None] * n  # per result that requires grad: its function
        self.backward_sources: list[str | None] = [None] * n
        self.parents: list[list[tuple[str, Any]]] = [[] for _ in range(n)]  # its leaves
        walks = {}
        for j, r in enumerate(rec.results):
            if r._op is not None and id(r) in self.value_of:
                walks[j], self.parents[j], used = self._backward(r)
                self.saved |= used
        saved = sorted(self.saved)
        results = "".join(r + ", " for r in self._result_names())
        forward_lines.append(f"    return ({results}), ({''.join(f's{i}, ' for i in saved)})")
        params = ", ".join([f"l{n}" for n in range(len(self.leaves))] +
                           [f"a{n}" for n in range(len(self.arg_keys))])
        self.source = "\n".join([f"def forward({params}):", *forward_lines])
        self.forward = self._define("forward", self.source)
        unpack = f"    ({''.join(f's{i}, ' for i in saved)}) = saved" if saved else ""
        for j, lines in walks.items():
            text = "\n".join(["def backward(g0, saved):", unpack, *lines])
            self.backward_sources[j] = text
            self.backward[j] = self._define("backward", text)
        self.ops = [result_op(len(p)) for p in self.parents]
        self.leaf_facts = [(t._data.shape, t._data.dtype, t.requires_grad) for t in self.leaves]
        self.structure = rec.structure
        self.generation = 0  # forwards replayed: a result's backward needs the latest
        for t in self.escaped:
            if t._op is not None:  # cut from the recording's graph, which is not kept
                t._op, t._parents, t._saved, t._params = _Replayed, (_REPLAYED,), (), None
        del self.rec

    def _define(self, name: str, source: str) -> Any:
        namespace = dict(self.names)
        exec(compile(source, f"<compiled {name}>", "exec"), namespace)  # noqa: S102
        return namespace[name]

    # ------------------------------------------------------------ forward

    def _input(self, source: tuple[str, Any]) -> str:
        kind, what = source
        if kind == "value":
            return f"v{what}"
        if kind == "arg":
            if what not in self.arg_keys:
                self.arg_keys.append(what)
            return f"a{self.arg_keys.index(what)}"
        for n, t in enumerate(self.leaves):
            if t is what:
                return f"l{n}"
        self.leaves.append(what)
        return f"l{len(self.leaves) - 1}"

    def _forward(self) -> list[str]:
        lines = []
        escaped = set(self.rec.escaped)
        self.dry: dict[int, tuple[np.ndarray, tuple]] = {}
        for i, ((op, inputs, params, out), sources) in enumerate(zip(self.rec.tape,
                                                                      self.rec.sources)):
            ins = [self._input(s) for s in sources]
            arrays = [t._data for t in inputs]
            kernel = None if i in escaped else kernels.FORWARD.get(op)
            body = kernel(self.buffers, i, ins, arrays, params) if kernel else None
            if body is None:
                self.names[f"F{i}"] = op.forward
                keywords = "".join(f", {k}=P{i}_{k}" for k in (params or {}))
                for k, value in (params or {}).items():
                    self.names[f"P{i}_{k}"] = value
                lines.append(f"    v{i}, s{i} = F{i}({', '.join(ins)}{keywords})")
                data, _ = op.forward(*arrays, **(params or {}))
                if type(data) is not np.ndarray:  # a 0-d result: as record._node makes it
                    lines.append(f"    v{i}, s{i} = scalar_out(v{i}, s{i})")
                    self.names["scalar_out"] = _scalar_out
            else:
                lines += body
            if i in escaped:
                self.names[f"E{i}"] = out
                lines.append(f"    E{i}._data = v{i}")
                if out._op is not None:
                    lines.append(f"    E{i}._grad = None")  # a new forward: no gradient yet
        return lines

    def _result_names(self) -> list[str]:
        names = []
        for r in self.rec.results:
            i = self.value_of.get(id(r))
            if i is not None:
                names.append(f"fresh(v{i})")
            else:
                key = next((k for k, t in self.rec.arg_tensors.items() if t is r), None)
                source = ("arg", key) if key is not None else ("leaf", r)
                names.append(f"fresh({self._input(source)})")
        return names

    # ------------------------------------------------------------ backward

    def _backward(self, root: Any) -> tuple[list[str], list[tuple[str, Any]], set[int]]:
        """engine.backward's walk from ``root``, written out (see the module docstring)."""
        lines: list[str] = []
        counter = iter(range(1, 10**9))
        used: set[int] = set()
        seed = np.ones(root.shape, root.dtype)
        grads: dict[Any, tuple[str, np.ndarray]] = {root: ("g0", seed)}
        kept: dict[Any, tuple[str, np.ndarray]] = {}
        heap = [(-root._stamp, id(root), root)]
        escaped = {id(t) for t in self.escaped}

        fresh: set[str] = set()  # arrays a line made and nothing else holds

        def emit(expression: str, value: np.ndarray, *held: Any) -> tuple[str, np.ndarray]:
            name = f"t{next(counter)}"
            lines.append(f"    {name} = {expression}")
            if type(value) is np.ndarray and value.base is None \
                    and not any(value is h for h in held):
                fresh.add(name)
            return name, value

        while heap:
            node = heappop(heap)[2]
            i = self.value_of[id(node)]
            op = node._op
            g, garray = grads.pop(node)
            if node._hooks:
                raise RuntimeError(f"compile: a hook is registered on {op.name}'s output; "
                                   f"hooks on intermediate tensors are not replayed")
            if node._retains_grad and id(node) in escaped:
                if node in kept:
                    g2, k2 = kept.pop(node)
                    lines.append(f"    keep(E{i}, {g} + {g2})")
                else:
                    lines.append(f"    keep(E{i}, {g})")
            saved = node._saved
            used.add(i)
            parents, rules, rule_names = node._parents, op.vjp, [f"R{i}_{n}" for n in
                                                                 range(len(op.vjp))]
            for n, rule in enumerate(op.vjp):
                self.names[f"R{i}_{n}"] = rule
            if op.shortcut is not None and node._parents[0]._op is op.shortcut[0]:
                y = node._parents[0]
                self.names[f"R{i}_shortcut"] = op.shortcut[1]
                if y._retains_grad and id(y) in escaped:
                    dy = emit(f"R{i}_0({g}, *s{i})", op.vjp[0](garray, *saved))
                    if y in kept:
                        kept[y] = emit(f"{kept[y][0]} + {dy[0]}", kept[y][1] + dy[1])
                    else:
                        kept[y] = dy
                parents = (y._parents[0], *node._parents[1:])
                rules = (op.shortcut[1], *op.vjp[1:])
                rule_names = [f"R{i}_shortcut", *rule_names[1:]]
            for p, rule, rule_name in zip(parents, rules, rule_names):
                if not p.requires_grad:
                    continue
                name, pg = emit(f"{rule_name}({g}, *s{i})", rule(garray, *saved), garray, *saved)
                if op.broadcasts and pg.shape != p.shape:
                    name, pg = emit(f"unbroadcast({name}, {p.shape!r})", unbroadcast(pg, p.shape))
                if pg.dtype != p.dtype:
                    self.names[f"D_{p.dtype}"] = p.dtype
                    name, pg = emit(f"{name}.astype(D_{p.dtype})", pg.astype(p.dtype))
                if pg.shape != p.shape:
                    raise RuntimeError(f"{op.name} backward: the gradient has shape "
                                       f"{pg.shape}, expected {p.shape} (a bug in the op's rule)")
                if p in grads:
                    total, tarray = grads[p]
                    grads[p] = emit(f"{total} + {name}", tarray + pg)
                else:
                    grads[p] = (name, pg)
                    if p._op is not None:
                        heappush(heap, (-p._stamp, id(p), p))
        parents = []
        outputs = []
        for leaf, (name, _) in grads.items():  # only leaves are left
            key = next((k for k, t in self.rec.arg_tensors.items() if t is leaf), None)
            parents.append(("arg", key) if key is not None else ("leaf", leaf))
            outputs.append(name if name in fresh else f"fresh({name})")
        for t, (name, _) in kept.items():
            lines.append(f"    keep(E{self.value_of[id(t)]}, {name})")
        lines.append(f"    return ({''.join(o + ', ' for o in outputs)})")
        return lines, parents, used


def result_op(n_parents: int) -> type[Op]:
    """The op of a compiled result: one node from the leaves, whose rules run the plan's
    backward (once, for input 0; the engine asks for the inputs in order)."""
    rules = tuple((lambda g, run, *arrays, n=n: run.leaf_grad(g, n)) for n in range(n_parents))
    return type("Compiled", (Op,), {"name": "compiled", "symbol": "compiled", "vjp": rules,
                                    "rules": ("d{x} by the recorded backward",) * n_parents})


class _Replayed(Op):
    """The op of a tensor a compiled function made and the user kept (an MLP's ``Z[l]``):
    its values are current, but backward goes through the function's results only."""

    name, symbol, rules = "compiled", "compiled", ("",)

    @staticmethod
    def _refuse(g, *saved):
        raise RuntimeError("backward: this tensor was made inside a compiled function; its "
                           "graph is the function's recording, and backward runs from the "
                           "function's results: call backward() on what it returned")

    vjp = (_refuse,)


_REPLAYED = _make(np.zeros(()))
_REPLAYED.requires_grad = True


def _keep(t: Any, g: np.ndarray) -> None:
    """A retained gradient, as ``engine._deliver`` gives it: the caller's own array."""
    t._grad = np.array(g) if t._grad is None else np.asarray(t._grad + g)


def _scalar_out(data: Any, saved: tuple) -> tuple[np.ndarray, tuple]:
    array = np.asarray(data)
    return array, tuple(array if s is data else s for s in saved)
