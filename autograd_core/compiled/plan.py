"""A recording turned into two flat Python functions of NumPy calls: forward and backward.

``Plan(recording)`` writes the source of ``forward(leaves..., args...) -> (results, saved)``
and, for each result that requires grad, ``backward(g0, saved) -> leaf gradients``, and
compiles them with ``exec``: no tensors, no checks, no graph (``plan.source`` shows them). A
backward inside fn is written into the forward where it ran, delivering to ``.grad``.

Every line calls the op's own ``forward`` or rule, or is a kernel (``kernels.py``) making the
same NumPy calls, so a replay computes what the eager engine computes, bit for bit. The
backward lines come from the core's walk (``core.walk``) over the recorded graph, as
``engine.backward`` runs it (latest node first, inputs in order, the same sums,
unbroadcasts, casts and shortcuts), interpreted by ``_Lines`` on the recording's own
arrays: each rule runs once here, which tells the shapes, dtypes and aliases the lines
must handle.

Kernels write into buffers allocated once. ``liveness.allocate`` gives each a buffer: a
buffer is reused once every value that may refer to it has had its last use, except those
the backward reads (the saved values), which live until the next forward. Nothing handed
out is a buffer: results, kept tensors' values and leaves' gradients are fresh arrays.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np

from ..core import inputs_and_rules
from ..core import walk as core_walk
from ..guards import FREED
from ..ops import Op, unbroadcast
from . import kernels
from .kernels import Code
from .liveness import Step, allocate
from .runtime import (
    _REPLAYED,
    Exclusive,
    _deliver,
    _keep,
    _Replayed,
    _scalar_out,
    _show,
    _show_leaf,
    result_op,
)
from .trace import Recording

_WORD = re.compile(r"\w+")  # the names a line of generated code mentions


class Plan:
    def __init__(self, rec: Recording, kept: dict[int, list] | None = None) -> None:
        self.kept = {} if kept is None else kept
        self.names: dict[str, Any] = {"np": np, "unbroadcast": unbroadcast, "keep": _keep,
                                      "deliver": _deliver, "fresh": np.array,
                                      "scalar_out": _scalar_out, "show": _show,
                                      "show_leaf": _show_leaf,
                                      "sigmoid_into": kernels.sigmoid_into, **kernels.UFUNCS}
        self.leaves: list[Any] = []  # tensors whose arrays a replay passes, in order
        self.leaf_index: dict[int, int] = {}  # id(leaf) -> its position in leaves
        self.arg_keys: list[Any] = []  # the arguments it passes after them
        self.escaped = [rec.tape[i][3] for i in sorted(rec.escaped)]
        self.value_of = {id(row[3]): i for i, row in enumerate(rec.tape)
                         if not isinstance(row[0], str)}
        # what each node saved (before a backward inside fn freed it): the walks run on these
        self.saved_of: dict[int, Any] = {id(row[3]): row[3]._saved for row in rec.tape
                                         if not isinstance(row[0], str) and row[3]._op}
        for row in rec.tape:
            if row[0] == "backward":
                self.saved_of.update(row[3])
        self.count = 0  # names t1, t2, ... of the walks' values
        self.rec = rec
        forward = self._forward()
        n = len(rec.results)
        self.backward: list[Any] = [None] * n  # per result that requires grad
        self.backward_sources: list[str | None] = [None] * n
        self.parents: list[list[tuple[str, Any]]] = [[] for _ in range(n)]  # its leaves
        self.freed = [r._op is not None and r._saved is FREED  # by a backward inside fn
                      for r in rec.results]
        walks = {j: self._backward(r, "g0", inline=False) for j, r in enumerate(rec.results)
                 if r._op is not None and id(r) in self.value_of and not self.freed[j]}
        for j, (_, parents) in walks.items():
            self.parents[j] = parents
        saved = sorted({u for steps, _ in walks.values() for step in steps for u in step.uses
                        if u.startswith("s")}, key=lambda s: int(s[1:]))
        forward = _without_unread_saved(forward, saved)
        # a result that is an argument or a leaf is that tensor itself, as in eager
        self.result_sources = [self._result(r) for r in rec.results]
        results = [f"v{source[1]}" for source in self.result_sources if source[0] == "value"]
        forward.append(Step([f"return ({_tuple([f'fresh({r})' for r in results])}), "
                             f"({_tuple(saved)})"], None, [*results, *saved]))
        self._write(forward, {j: steps for j, (steps, _) in walks.items()}, saved)
        saved_names = set(saved)
        read = {n for step in forward for name, aliases in step.aliases.items()
                if name in saved_names for n in aliases}  # names whose arrays the backwards read
        self.reads = [[self._known(source) in read for source in p] for p in self.parents]
        self.ops = [result_op(len(p)) for p in self.parents]
        # the parents of each result when all are leaves (not arguments): the same each call
        self.fixed_parents = [tuple(t for _, t in p) if all(k == "leaf" for k, _ in p) else ()
                              for p in self.parents]
        self.leaf_facts = [(t._data.shape, t._data.dtype, t.requires_grad) for t in self.leaves]
        self.structure = rec.structure
        self.generation = 0  # forwards replayed: a result's backward needs the latest one
        self.uncut = True
        self.guards: Any = None  # guards.Guards, set by compile once the plan is written
        self.caller: int | None = None  # the thread whose forward the buffers hold
        self.lock = threading.Lock()  # see runtime.Exclusive
        self.owner: int | None = None
        self.exclusive = Exclusive(self)  # one object, entered by each replay
        del self.rec, self.saved_of, self.names  # the recording's arrays: not kept

    def _write(self, forward: list[Step], walks: dict[int, list[Step]], saved: list[str]
               ) -> None:
        """Give the steps their buffers and compile the forward and the backwards. The
        backwards may reuse the forward's free buffers, never those holding saved values."""
        params = [f"l{k}" for k in range(len(self.leaves))] + \
                 [f"a{k}" for k in range(len(self.arg_keys))]
        self.buffers: list[np.ndarray] = []
        lines, bufs, free = allocate(forward, {}, {}, self.names, self.buffers)
        pinned = set().union(*(bufs.get(s, set()) for s in saved))
        header = ["# ufunc(x, ..., out): out is a buffer allocated once, or None (a new array)"]
        header += [f"# {p} = {_leaf_label(t)}" for p, t in zip(params, self.leaves)]
        header += [f"# a{n} = {self.rec.arg_names.get(k, f'argument {k!r}')}"
                   for n, k in enumerate(self.arg_keys)]
        self.source = _function("forward", params, header + lines)
        self.forward = self._define("forward", self.source)
        unpack = [f"({_tuple(saved)}) = saved"] if saved else []
        for j, steps in walks.items():
            pool = {key: [b for b in names if b not in pinned] for key, names in free.items()}
            lines, _, _ = allocate(steps, {s: bufs.get(s, set()) for s in saved}, pool,
                                   self.names, self.buffers)
            self.backward_sources[j] = source = _function("backward", ["g0", "saved"],
                                                          unpack + lines)
            self.backward[j] = self._define("backward", source)

    def cut(self) -> None:
        """Cut the tensors kept outside fn from the recording's graph, at the first replay
        (the recording call's results still backward through it): the graph is not kept."""
        for t in self.escaped:
            if t._op is not None:
                t._op, t._parents, t._saved, t._params = _Replayed, (_REPLAYED,), (), None
        self.uncut = False

    def nbytes(self) -> int:
        """The memory the plan's buffers hold between calls."""
        return sum(b.nbytes for b in self.buffers)

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
        k = self.leaf_index.get(id(what))
        if k is None:
            k = self.leaf_index[id(what)] = len(self.leaves)
            self.leaves.append(what)
        return f"l{k}"

    def _known(self, source: tuple[str, Any]) -> str | None:
        """The name the forward reads ``source`` by, or None if it never reads it."""
        kind, what = source
        if kind == "arg":
            return f"a{self.arg_keys.index(what)}" if what in self.arg_keys else None
        k = self.leaf_index.get(id(what))
        return None if k is None else f"l{k}"

    def _forward(self) -> list[Step]:
        steps = []
        escaped = set(self.rec.escaped)
        for i, (row, sources) in enumerate(zip(self.rec.tape, self.rec.sources)):
            if isinstance(row[0], str):
                steps += self._event(i, row)
                continue
            op, inputs, params, out = row
            ins = [self._input(s) for s in sources]
            arrays = [t._data for t in inputs]
            kernel = kernels.FORWARD.get(op)
            code = kernel(ins, arrays, params) if kernel else None
            if code is not None:
                kept = i in escaped  # the user keeps it: a fresh array, not a buffer
                steps.append(Step(code.lines, f"v{i}", ins, {f"v{i}": set()},
                                  None if kept else code.shape, code.dtype, code.in_place))
                held = (code.saved or "()").format(v=f"v{i}")
                words = set(_WORD.findall(held))
                inside = {n for n in [f"v{i}", *ins] if n in words}
                steps.append(Step([f"s{i} = {held}"], None, [f"v{i}", *ins], {f"s{i}": inside}))
            else:
                steps.append(self._call_forward(i, op, ins, arrays, params))
            steps[-1 if code is None else -2].code[0] += _comment(op, out, inputs)
            if i in escaped:
                # the tensors at this position of every recording of fn with this structure
                # (another batch size, say): the user may hold any of them, and each shows
                # the latest call's values, as eager's latest tensors would
                self.names[f"E{i}"] = self.kept.setdefault(i, [])
                self.kept[i].append(out)
                # its own array: the user may keep it, and a buffer is overwritten next call
                views = code is None and any(a.startswith("v")  # a kernel's is fresh
                                             for a in steps[-1].aliases[f"v{i}"])
                value = f"fresh(v{i})" if views else f"v{i}"
                show = "show" if out._op is not None else "show_leaf"  # a node: no grad yet
                steps.append(Step([f"{show}(E{i}, {value})"], None, [f"v{i}"]))
        return steps

    def _event(self, i: int, row: tuple) -> list[Step]:
        """The lines that repeat a backward, a zero_grad or a replayed call inside fn."""
        kind = row[0]
        if kind == "zero_grad":
            n = self._input(("leaf", row[1]))[1:]
            self.names[f"T{n}"] = row[1]
            return [Step([f"T{n}._grad = None{_comment(None, row[1], ())}"], None, [])]
        if kind == "call":
            self.names[f"C{i}"] = row[1]
            return [Step([f"C{i}()"], None, [])]
        root, seed = row[1], row[2]
        if id(root) not in self.value_of:
            raise RuntimeError("compile: backward() inside the function starts from a tensor "
                               "that no recorded op made")
        self.names[f"G{i}"] = seed
        steps, _ = self._backward(root, f"G{i}", inline=True)
        return steps

    def _call_forward(self, i: int, op: type[Op], ins: list[str], arrays: list[np.ndarray],
                      params: dict | None) -> Step:
        """The op's own forward: ``v{i}, s{i} = F{i}(...)``."""
        self.names[f"F{i}"] = op.forward
        keywords = "".join(f", {k}=P{i}_{k}" for k in (params or {}))
        for k, value in (params or {}).items():
            self.names[f"P{i}_{k}"] = value
        code = [f"v{i}, s{i} = F{i}({', '.join(ins)}{keywords})"]
        data, saved = op.forward(*arrays, **(params or {}))
        if type(data) is not np.ndarray:  # a 0-d result: made an array, as record._node does
            code.append(f"v{i}, s{i} = scalar_out(v{i}, s{i})")
            data = np.asarray(data)
        shares = {n for n, a in zip(ins, arrays) if np.shares_memory(data, a)}
        held = [x for x in saved if isinstance(x, np.ndarray)]  # what the saved tuple holds
        keeps = {n for n, a in zip([f"v{i}", *ins], [data, *arrays])
                 if any(np.shares_memory(x, a) for x in held)}
        return Step(code, f"v{i}", ins, {f"v{i}": shares, f"s{i}": keeps})

    def _result(self, r: Any) -> tuple[str, Any]:
        """Where a result comes from: ``("value", i)`` (the return copies it: a buffer may
        hold it), or ``("arg", k)``, ``("leaf", t)`` for a tensor that was there before."""
        i = self.value_of.get(id(r))
        if i is not None:
            return ("value", i)
        key = next((k for k, t in self.rec.arg_tensors.items() if t is r), None)
        return ("arg", key) if key is not None else ("leaf", r)

    # ------------------------------------------------------------ backward

    def _backward(self, root: Any, seed: str, inline: bool
                  ) -> tuple[list[Step], list[tuple[str, Any]]]:
        """The core's walk from ``root``, written out as lines (``_Lines``; see the module
        docstring): returning the leaves' gradients, or (``inline``: a backward inside fn)
        delivering them to ``.grad`` as the engine does."""
        walk = _Walk(self)
        lines = _Lines(self, walk)
        grads = core_walk(root, (seed, np.ones(root.shape, root.dtype), False), lines, lines)
        kept = lines.kept
        parents, outputs = [], []
        for leaf, (name, _, _) in grads.items():  # only leaves are left
            arguments = self.rec.arg_tensors.items()
            key = next((k for k, t in arguments if t is leaf), None)
            if key is not None:  # passed twice: the position the forward reads it from
                key = next(k for k, t in arguments if t._data is leaf._data)
            parents.append(("arg", key) if key is not None else ("leaf", leaf))
            outputs.append(name if name in walk.fresh else f"fresh({name})")
            if inline:
                if key is not None:
                    raise RuntimeError(f"compile: backward() inside the function reaches "
                                       f"argument {key!r}, which requires grad; compile the "
                                       f"forward pass and call backward() outside instead")
                k = self._input(("leaf", leaf))[1:]  # the leaf's l{k}: T{k} is its tensor
                self.names[f"T{k}"] = leaf
                label = f"  # d{leaf.name}" if leaf.name else ""
                walk.steps.append(Step([f"deliver(T{k}, {outputs[-1]}){label}"], None, [name]))
        for t, (name, _, _) in kept.items():
            walk.steps.append(Step([f"keep(E{self.value_of[id(t)]}, {name}){_named(t)}"], None,
                                   [name]))
        if not inline:
            walk.steps.append(Step([f"return ({_tuple(outputs)})"], None,
                                   [n for n, _, _ in grads.values()]))
        return walk.steps, parents


class _Lines:
    """The core walk's interpretation (and observer) for a plan: each rule runs once on the
    recording's arrays and is written as a line of code. A gradient is ``(name, array,
    to_leaf)``: its variable in the code, its value at the recording, and whether it is a
    leaf's (a fresh array, never a buffer)."""

    @staticmethod
    def check(node: Any) -> None:
        """Nothing: the plan's walk runs on the recording's saved values (``saved_of``), kept
        from before any backward inside fn freed them; the replay checks later writes."""

    def __init__(self, plan: Plan, walk: _Walk) -> None:
        self.plan, self.walk = plan, walk
        self.escaped = {id(t) for t in plan.escaped}
        self.kept: dict[Any, tuple[str, np.ndarray, bool]] = {}  # past a shortcut

    def arrived(self, node: Any, g: tuple) -> tuple:
        """A retained tensor the user keeps gets its gradient (the engine's ``Delivery``)."""
        op, walk, kept = node._op, self.walk, self.kept
        if node._hooks:
            raise RuntimeError(f"compile: a hook is registered on {op.name}'s output; "
                               f"hooks on intermediate tensors are not replayed")
        i = self.plan.value_of[id(node)]
        if node._retains_grad and id(node) in self.escaped:
            total = g[0]
            if node in kept:  # engine: g + kept, delivered; the rules still get g
                shortcut, sarray, _ = kept.pop(node)
                total = walk.accumulate(g[0], g[1], shortcut, sarray, to_leaf=True)[0]
            walk.steps.append(Step([f"keep(E{i}, {total}){_named(node)}"], None, [total]))
        y = node._parents[0]
        if op.shortcut is not None and y._op is op.shortcut[0] and y._retains_grad \
                and id(y) in self.escaped:
            saved = self.plan.saved_of.get(id(node), node._saved)
            dy = walk.rule(op, i, 0, op.vjp[0], g[0], g[1], saved, to_leaf=True)
            if y in kept:
                (k, karray, _), (d, darray) = kept[y], dy
                dy = walk.accumulate(k, karray, d, darray, to_leaf=True)
            kept[y] = (*dy, True)
        return g

    def rules(self, node: Any) -> tuple[tuple, tuple, tuple]:
        """The inputs and rules the engine runs (``core.inputs_and_rules``), each rule made
        to write its line."""
        op, i = node._op, self.plan.value_of[id(node)]
        saved = self.plan.saved_of.get(id(node), node._saved)
        shortcut = ("shortcut", op.shortcut[1]) if op.shortcut is not None else None
        parents, numbered = inputs_and_rules(node, tuple(enumerate(op.vjp)), shortcut)
        return parents, tuple(self._writer(op, i, n, rule, p._op is None)
                              for p, (n, rule) in zip(parents, numbered)), saved

    def _writer(self, op: type[Op], i: int, n: Any, rule: Any, to_leaf: bool) -> Any:
        def write(g: tuple, *saved: Any) -> tuple:
            return (*self.walk.rule(op, i, n, rule, g[0], g[1], saved, to_leaf), to_leaf)
        return write

    def fit(self, pg: tuple, p: Any, node: Any, g: tuple) -> tuple:
        """Unbroadcast, cast and check, as ``guards.fit``, each a line."""
        (name, value, to_leaf), op, walk = pg, node._op, self.walk
        if op.broadcasts and value.shape != p.shape:
            name, value = walk.unbroadcast(name, value, p.shape, to_leaf)
        if value.dtype != p.dtype:
            self.plan.names[f"D_{p.dtype}"] = p.dtype
            name, value = walk.emit(f"{{v}} = {name}.astype(D_{p.dtype})", [name],
                                    value.astype(p.dtype))
        if value.shape != p.shape:
            raise RuntimeError(f"{op.name} backward: the gradient has shape "
                               f"{value.shape}, expected {p.shape} (a bug in the op's rule)")
        return name, value, to_leaf

    def add(self, total: tuple, pg: tuple) -> tuple:
        return (*self.walk.accumulate(total[0], total[1], pg[0], pg[1], pg[2]), pg[2])


class _Walk:
    """The backward's steps as the walk emits them, each run once on the recording's arrays."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.steps: list[Step] = []
        self.fresh: set[str] = set()  # values a step made that nothing else holds

    def emit(self, line: str, uses: list[str], value: np.ndarray, *held: Any,
             code: Code | None = None, to_leaf: bool = False) -> tuple[str, np.ndarray]:
        self.plan.count += 1
        name = f"t{self.plan.count}"
        if code is not None and not to_leaf:  # a kernel, into a buffer
            self.steps.append(Step(code.lines, name, uses, {name: set()}, code.shape,
                                   code.dtype, code.in_place))
        else:
            lines = code.lines if code is not None else [line]
            # a value the step made itself refers to no buffer: saying so keeps the aliases
            # of a long chain of rules from growing with its length (recording stays linear)
            fresh = type(value) is np.ndarray and value.base is None \
                and not any(value is h for h in held)
            self.steps.append(Step(lines, name, uses, {name: set() if fresh else set(uses)}))
            if fresh:
                self.fresh.add(name)
        return name, value

    def rule(self, op: type[Op], i: int, n: Any, rule: Any, g: str, garray: np.ndarray,
             saved: tuple, to_leaf: bool) -> tuple[str, np.ndarray]:
        if (op, n) in kernels.PASS_THROUGH:
            return g, garray
        value = rule(garray, *saved)
        s = f"s{i}"
        kernel = kernels.RULES.get((op, n))
        names = [f"{s}[{k}]" for k in range(len(saved))]
        code = kernel(g, names, saved, garray) if kernel else None
        if code is not None:
            return self.emit("", [g, s], value, code=code, to_leaf=to_leaf)
        self.plan.names[f"R{i}_{n}"] = rule
        return self.emit(f"{{v}} = R{i}_{n}({g}, *{s})", [g, s], value, garray, *saved)

    def unbroadcast(self, name: str, g: np.ndarray, shape: tuple[int, ...],
                    to_leaf: bool) -> tuple[str, np.ndarray]:
        value = unbroadcast(g, shape)
        code = kernels.bias_sum(name, g, shape)
        if code is not None:
            return self.emit("", [name], value, code=code, to_leaf=to_leaf)
        return self.emit(f"{{v}} = unbroadcast({name}, {shape!r})", [name], value, g)

    def accumulate(self, total: str, tarray: np.ndarray, g: str, garray: np.ndarray,
                   to_leaf: bool) -> tuple[str, np.ndarray]:
        value = tarray + garray
        code = kernels.accumulate(total, g, value)
        if code is None:
            return self.emit(f"{{v}} = {total} + {g}", [total, g], value)
        return self.emit("", [total, g], value, code=code, to_leaf=to_leaf)


def _without_unread_saved(steps: list[Step], saved: list[str]) -> list[Step]:
    """The steps without a kernel's saved tuple that no backward reads (outside fn, the
    ``saved`` ones, or inside: a step's own use)."""
    read = set(saved) | {u for step in steps for u in step.uses if u.startswith("s")}
    return [step for step in steps
            if not (step.value is None and step.aliases
                    and all(re.fullmatch(r"s\d+", n) for n in step.aliases)
                    and not read & set(step.aliases))]


def _named(t: Any) -> str:
    return f"  # d{t.name}" if t.name else ""


def _leaf_label(t: Any) -> str:
    return t.name or f"a tensor {t.shape}"


def _comment(op: Any, out: Any, inputs: tuple) -> str:
    """``  # Z[1] = addmm(b[1], W[1], A[0])``: the line in the documents' names."""
    if op is None:
        return f"  # {out.name}" if out.name else ""
    if out.name is None and not any(t.name for t in inputs):
        return ""
    args = ", ".join(t.name or "·" for t in inputs)
    return f"  # {out.name or '·'} = {op.name}({args})"


def _tuple(names: list[str]) -> str:
    return "".join(n + ", " for n in names)


def _function(name: str, params: list[str], lines: list[str]) -> str:
    return "\n".join([f"def {name}({', '.join(params)}):", *("    " + ln for ln in lines)])
