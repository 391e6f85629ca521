"""``compile(fn)``: record a function of Tensors once, then replay it as flat NumPy.

The first call for a given set of argument shapes and dtypes (and constant arguments) runs
``fn`` with the tape on and every effect withheld (no ``.grad`` is written, no replayed call
is made: ``trace.py``); ``plan.py`` writes the recording out as a Python function of NumPy
calls, one line per op, and the backward it implies; ``guards.py`` notes what else the
recording read. Only then is the call replayed, as every later one is: a refusal, found while
recording or while writing the plan, comes before any effect. A replay makes no Tensor, checks
nothing, builds no graph. A ``backward()``, ``zero_grad()`` or optimizer ``step()`` (a
function marked ``replayed``) inside ``fn`` is replayed where it ran, so a whole training step
compiles.
A result is a Tensor whose ``backward()`` runs the recorded backward and accumulates into
the leaves' ``.grad`` as the eager engine does (through the engine itself: the result is one
node whose inputs are the leaves), so optimizers work unchanged. Replay equals eager bit for
bit, because every line is the op's own forward or rule, or a kernel making the same calls.

The contract: a call replays exactly what eager computes now, or it raises before any
effect. What holds it:

- guarded at each call (``guards.py``): the globals and closure cells the user's functions
  read while recording, and what they hold (containers and arrays by content, ``nn``'s
  modules and optimizers by version stamp, ``autograd_core.stamps``); a change records again;
- refused while recording: reads of values (``.item()``, ``.data``, ``.grad``,
  ``np.asarray``, copy and pickle), in-place updates outside a replayed call, Tensor indices,
  hooks, random draws (``randomness.py``: undone, then refused), assignments to globals and
  nonlocals, and dependencies the guards cannot compare;
- bounded: ``MAX_RECORDINGS`` per function; past it a warning names what keeps changing and
  calls that need a new recording run eagerly.

Left to the caller: other effects of ``fn`` on Python state (they happen at the recording
only), monkeypatching, the clock.
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..clock import LAST_WRITE, tick
from ..grad_mode import state
from ..op_calls import _node
from ..tensor import Tensor, _make
from .guards import Guards, Refused, Watch
from .plan import Plan
from .runtime import _REPLAYED, _Freed
from .trace import is_recording, record, replayed

MAX_RECORDINGS = 8  # per compiled function, as torch.compile's cache_size_limit

__all__ = ["CompiledFunction", "compile", "is_recording", "replayed"]


def compile(fn: Callable[..., Any]) -> CompiledFunction:  # noqa: A001 - torch.compile's name
    """``fn`` recorded once per argument shapes and dtypes, then replayed (module docstring).

    ``fn`` takes Tensors, ndarrays (they reach it as Tensors) and hashable constants, and
    returns a Tensor or a tuple or list of Tensors. ``compiled.plans`` holds the recordings;
    ``compiled.source(*args)`` shows the replayed program for those arguments.

    Every call replays exactly what eager computes now, or raises before any effect:

    - guarded (a change records again, at most 8 times; then a ``RuntimeWarning`` naming
      what keeps changing, and those calls run eagerly): argument shapes, dtypes and
      constants; the globals and closure variables your functions read, and what they hold
      (containers and arrays by content, ``nn`` modules and optimizers by version stamp);
    - refused while recording: reads of values, in-place updates outside an optimizer's
      ``step()``, hooks, random draws (pass them in as arguments), assignments to globals or
      nonlocals, and dependencies of a kind that cannot be compared (pass them in);
    - left to the caller: other effects of ``fn`` on Python state, which happen only at the
      recording; monkeypatching; the clock.
    """
    if not callable(fn):
        raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
    return CompiledFunction(fn)


class CompiledFunction:
    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.plans: dict[tuple, Plan] = {}
        self.recorded: list[tuple[tuple, str | None]] = []  # each recording's key, and why
        self.kept: dict[tuple, dict[int, list]] = {}  # see Plan: kept tensors by structure
        # fn's name, docstring and signature (not its attributes: a callable object's
        # ``fn`` or ``plans`` would replace these)
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = _key(args, kwargs)
        plan = self.plans.get(key)
        if plan is not None:
            changed = plan.guards.changed() if _still_valid(plan) else "a leaf's shape, " \
                "dtype or requires_grad"
            if changed is None:
                return _replay(plan, args, kwargs)
        else:
            changed = None
        if len(self.recorded) >= MAX_RECORDINGS:
            _warn_eager(self, key, changed)
            return self.fn(*args, **kwargs)
        # Recording runs fn with its effects withheld (no .grad is written, no replayed call
        # is made): whatever is refused, while recording or while writing the plan, is
        # refused before anything changed. This call's results and effects are then the
        # replay's, as every later call's are.
        watch = Watch(self.fn)
        with watch:
            rec = record(self.fn, args, kwargs)
        drawn = watch.random.problem()
        if drawn is not None:
            raise Refused(drawn)
        guards = Guards(self.fn, args, kwargs, watch)
        del watch
        guards.refuse_unreachable([t for row in rec.sources for kind, t in row
                                   if kind == "leaf" and t.requires_grad])
        plan = Plan(rec, self.kept.setdefault(_kept_key(rec), {}))
        plan.guards = guards
        del rec
        self.plans[key] = plan
        self.recorded.append((key, changed))
        return _replay(plan, args, kwargs)

    def source(self, *args: Any, **kwargs: Any) -> str:
        """The forward and backward programs replayed for these arguments (recorded first,
        by a call of the function, if these arguments' shapes have no recording yet)."""
        plan = self.plans.get(_key(args, kwargs))
        if plan is None:
            self(*args, **kwargs)
            plan = self.plans[_key(args, kwargs)]
        return "\n\n".join([plan.source, *(s for s in plan.backward_sources if s)])

    def __repr__(self) -> str:
        return f"compile({getattr(self.fn, '__qualname__', self.fn)!r}, {len(self.plans)} plans)"


def _key(args: tuple, kwargs: dict) -> tuple:
    """What a recording depends on: arrays' shapes and dtypes (and whether a tensor requires
    grad), other arguments' values, and the gradient mode."""
    parts: list[Any] = [state.enabled]
    first: dict[int, Any] = {}  # array -> the first argument holding it: one tensor passed
    items = enumerate(args) if not kwargs else [*enumerate(args), *sorted(kwargs.items())]
    for k, value in items:  # twice is recorded as one
        if isinstance(value, Tensor):
            data = value._data
            same = first.setdefault(id(data), k)
            parts.append((k, data.shape, data.dtype, value.requires_grad, same))
        elif isinstance(value, np.ndarray):
            parts.append((k, "a", value.shape, value.dtype))
        else:
            try:
                hash(value)
            except TypeError:
                raise TypeError(f"compile: argument {k!r} is a {type(value).__name__}; pass "
                                f"arrays or Tensors, or hashable constants (a recording is "
                                f"kept per constant value)") from None
            parts.append((k, "c", type(value), value))
    return tuple(parts)


def _warn_eager(compiled: CompiledFunction, key: tuple, changed: str | None) -> None:
    """Past the bound: say what keeps changing, once per cause (warnings' own filter)."""
    name = getattr(compiled.fn, "__qualname__", repr(compiled.fn))
    if changed is not None:
        cause = f"{changed} changed since the recording"
    else:
        cause = _changing_argument(compiled, key)
    warnings.warn(f"compile: {name} was recorded {MAX_RECORDINGS} times, the most kept; "
                  f"{cause}. This call and others that need a new recording run eagerly "
                  f"(uncompiled). Pass a value that changes from call to call as an array or "
                  f"Tensor argument, which a replay reads afresh, and keep what the function "
                  f"reads otherwise fixed", RuntimeWarning, stacklevel=3)


def _changing_argument(compiled: CompiledFunction, key: tuple) -> str:
    """The argument whose part of the key took the most values over the recordings."""
    values: dict[Any, set] = {}
    for recorded, _ in [*compiled.recorded, (key, None)]:
        for part in recorded[1:]:
            values.setdefault(part[0], set()).add(part[1:])
    if not values:
        return "the gradient mode changed"
    k = max(values, key=lambda k: len(values[k]))
    if len(values[k]) <= 1:
        return "what the function reads changed at each recording"
    try:
        names = list(inspect.signature(compiled.fn).parameters)
        label = names[k] if isinstance(k, int) and k < len(names) else k
    except (TypeError, ValueError):
        label = k
    return f"argument {label!r} took {len(values[k])} different values (shapes, dtypes " \
           f"or constants)"


def _kept_key(rec: Any) -> tuple:
    """Recordings of fn that keep the same tensors for the user (an MLP's ``Z[l]``, ``A[l]``
    at another batch size): the same ops, the same kept positions, the same parameters. Two
    models of one shape have other parameters, so each keeps its own."""
    ops = tuple(row[0] if isinstance(row[0], str) else row[0].name for row in rec.tape)
    parameters = tuple(id(t) for row in rec.sources for kind, t in row
                       if kind == "leaf" and t.requires_grad)
    return ops, tuple(sorted(rec.escaped)), parameters


def _still_valid(plan: Plan) -> bool:
    """Leaves whose array was replaced by one of another shape or dtype, or whose
    requires_grad changed, need a new recording."""
    for t, (shape, dtype, requires_grad) in zip(plan.leaves, plan.leaf_facts):
        if t._data.shape != shape or t._data.dtype != dtype or t.requires_grad != requires_grad:
            return False
    return True


def _replay(plan: Plan, args: tuple, kwargs: dict) -> Any:
    if plan.uncut:
        plan.cut()
    if plan.escaped and any(t._hooks for t in plan.escaped):
        raise RuntimeError("compile: a hook was registered on a tensor the compiled function "
                           "made (an MLP's Z[l], A[l]); a replay does not run hooks on those: "
                           "register it on a leaf, or call the function uncompiled")
    arrays = [t._data for t in plan.leaves]
    for k in plan.arg_keys:
        value = args[k] if type(k) is int else kwargs[k]
        # an ndarray is copied, as the engine copies what it is given (its own arrays)
        arrays.append(value._data if isinstance(value, Tensor) else np.array(value))
    with plan.exclusive:  # the buffers are the plan's: one replay at a time
        values, saved = plan.forward(*arrays)
        plan.generation += 1
        plan.caller = threading.get_ident()  # whose call the saved values now belong to
    stamp = tick()
    results = []
    made = iter(values)
    for j, source in enumerate(plan.result_sources):
        if source[0] != "value":  # an argument or a leaf returned as it is
            results.append(_argument_result(source, args, kwargs))
            continue
        data, backward = next(made), plan.backward[j]
        if plan.freed[j]:  # a backward inside fn went through it
            results.append(_node(data, _Freed, (_REPLAYED,), (), None))
            continue
        if backward is None:
            results.append(_make(data))
            continue
        parents = plan.fixed_parents[j] or tuple(
            _tensor_of(source, args, kwargs) for source in plan.parents[j])
        run = _Run(plan, backward, saved, stamp, args, kwargs)
        read = [p._data for p, r in zip(parents, plan.reads[j]) if r]  # for the engine's
        results.append(_node(data, plan.ops[j], parents, (run, *read), None))  # stale check
    if plan.structure == "one":
        return results[0]
    return tuple(results) if plan.structure == "tuple" else results


def _argument_result(source: tuple[str, Any], args: tuple, kwargs: dict) -> Tensor:
    """The tensor itself, as eager returns it; an ndarray argument reached fn as a new
    Tensor of its values, which is what eager returns then."""
    value = _tensor_of(source, args, kwargs)
    return value if isinstance(value, Tensor) else _make(np.array(value))


def _tensor_of(source: tuple[str, Any], args: tuple, kwargs: dict) -> Tensor:
    kind, what = source
    if kind == "leaf":
        return what
    return args[what] if isinstance(what, int) else kwargs[what]


class _Run:
    """One replayed forward's saved values, and its backward, run once for all leaves."""

    __slots__ = ("plan", "backward", "saved", "generation", "stamp", "grads", "arguments")

    def __init__(self, plan: Plan, backward: Callable, saved: tuple, stamp: int, args: tuple,
                 kwargs: dict) -> None:
        self.plan, self.backward, self.saved = plan, backward, saved
        self.generation, self.stamp = plan.generation, stamp
        self.grads: tuple = ()
        self.arguments = (args, kwargs)  # whose Tensors a write before backward would stale

    def leaf_grad(self, g: Any, n: int) -> np.ndarray:
        if isinstance(g, np.generic):  # a 0-d result's gradient from eager ops
            g = np.asarray(g)
        if not isinstance(g, np.ndarray):
            raise RuntimeError("compile: create_graph=True through a compiled result is not "
                               "supported; differentiate the uncompiled function to higher "
                               "orders")
        if n == 0:  # the engine asks for input 0 first: run the whole backward then
            if self.plan.generation != self.generation:
                _refuse_overwritten(self.plan)
            if LAST_WRITE[0] > self.stamp:
                args, kwargs = self.arguments
                given = [a for a in (*args, *kwargs.values()) if isinstance(a, Tensor)]
                _refuse_written([*self.plan.escaped, *self.plan.leaves, *given], self.saved,
                                self.stamp)
            with self.plan.exclusive:
                if self.plan.generation != self.generation:  # another thread's forward
                    _refuse_overwritten(self.plan)
                self.grads = self.backward(g, self.saved)
        return self.grads[n]


def _refuse_overwritten(plan: Plan) -> None:
    """A result's forward values were replaced by a later call: by this thread, which
    should have called backward first, or by another, which shares the plan's buffers."""
    if plan.caller == threading.get_ident():
        raise RuntimeError("compile: this result's forward values were overwritten by a later "
                           "call of the compiled function; call backward() before calling the "
                           "function again")
    raise RuntimeError("compile: this result's forward values were overwritten by a call of "
                       "the compiled function from another thread, between this thread's call "
                       "and its backward(); threads that call one compiled function must take "
                       "turns from call to backward (a lock), or each compile its own")


def _refuse_written(tensors: list[Tensor], saved: tuple, stamp: int) -> None:
    """Tensors whose arrays the backward reads (kept tensors, leaves, arguments) that were
    written in place since the forward, as the engine refuses a stale saved value."""
    arrays = {id(a) for values in saved for a in values if isinstance(a, np.ndarray)}
    for t in tensors:
        if t._version[0] > stamp and id(t._data) in arrays:
            raise RuntimeError(f"backward: tensor{' ' + t.name if t.name else ''} of shape "
                               f"{t.shape} was modified in place after the compiled forward "
                               f"that read it; its gradient would be wrong. Edit values only "
                               f"after backward, or call the function again")
