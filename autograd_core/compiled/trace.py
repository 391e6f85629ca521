"""Recording a function once: the tape of every op it ran, and where each input came from.

``record(fn, args, kwargs)`` calls ``fn`` eagerly with the engine's tape switched on
(``record._traced`` appends ``(op, inputs, params, out)`` for every op, recorded in the graph
or not), then sorts every tensor the ops read into one of four sources:

- ``("arg", k)``: the array of argument ``k`` (an ndarray argument reaches ``fn`` as a Tensor);
- ``("value", i)``: the output of op ``i`` of the tape;
- ``("leaf", t)``: a leaf tensor that was there before (a parameter, a constant Tensor made
  outside ``fn``): a replay reads its array then, so in-place updates are seen;
- a constant made inside ``fn`` (a scalar operand, an array ``fn`` closes over): a leaf too,
  read at replay like the others, and never changed by anyone.

Besides ops, the tape holds the events a replay repeats where they happened: a
``backward()`` inside ``fn`` (its walk is replayed there), ``zero_grad()`` (``.grad = None``
on a leaf) and calls of functions marked ``replayed`` (an optimizer's ``step()``).

Sources are matched by array identity, so ``t.detach()`` or ``Tensor(t)`` (the same memory)
stay what they are. A view of an argument's or an op's memory that is none of these cannot be
followed and is refused, as are reads of values (``.item()``, ``.data``): see ``_refuse_read``.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from ..grad_mode import state
from ..tensor import Tensor

Source = tuple[str, Any]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Recording:
    tape: list[tuple]  # (op, inputs, params, out)
    sources: list[list[Source]]  # per op: where each input comes from
    arg_tensors: dict[Any, Tensor]  # argument position or keyword -> the tensor fn received
    results: list[Tensor]
    structure: str  # "one" (a Tensor), "tuple" or "list"
    escaped: set[int] = field(default_factory=set)  # op outputs referenced outside the tape
    arg_names: dict[Any, str] = field(default_factory=dict)  # position -> fn's parameter


def record(fn: Any, args: tuple, kwargs: dict) -> Recording:
    """Run ``fn`` once with the tape on (see the module docstring)."""
    if state.tape is not None:
        raise RuntimeError("compile: a compiled function was called while another is being "
                           "recorded; compile the outer function only")
    if state.anomaly:
        raise RuntimeError("compile: cannot record inside detect_anomaly(), which checks "
                           "every gradient as the eager engine computes it; call the "
                           "function uncompiled there")
    arg_tensors: dict[Any, Tensor] = {}
    call_args = [_as_argument(a, k, arg_tensors) for k, a in enumerate(args)]
    call_kwargs = {k: _as_argument(a, k, arg_tensors) for k, a in kwargs.items()}
    tape: list[tuple] = []
    state.tape = tape
    try:
        out = fn(*call_args, **call_kwargs)
    finally:
        state.tape = None
    del call_args, call_kwargs
    results, structure = _results(out)
    del out
    recording = Recording(tape, [], arg_tensors, results, structure)
    recording.escaped = _escaped(recording)
    recording.arg_names = _parameter_names(fn, len(args), kwargs)
    recording.sources = _sources(recording)
    return recording


def is_recording() -> bool:
    """True while ``compile`` records a function in this thread: code that reads values
    (a check of targets, say) must not run then, since a replay would not repeat it."""
    return state.tape is not None


def replayed(fn: F) -> F:
    """Mark ``fn`` to run as itself inside a compiled function: recorded as one call (with
    the arguments of that call), made again at each replay. For code that updates state
    with NumPy, like an optimizer's ``step()``; it must return None.
    """
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        tape = state.tape
        if tape is None:
            return fn(*args, **kwargs)
        # recorded, not run: the replay that follows the recording makes the call
        tape.append(("call", functools.partial(_returning_none, fn, *args, **kwargs)))
        return None

    return wrapper  # type: ignore[return-value]


def _returning_none(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    if fn(*args, **kwargs) is not None:
        raise TypeError(f"compile: {fn.__qualname__} is replayed as a call and must return "
                        f"None")


def _parameter_names(fn: Any, count: int, kwargs: dict) -> dict[Any, str]:
    try:
        parameters = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # a builtin, say
        return {}
    names: dict[Any, str] = {k: k for k in kwargs}
    names.update((k, name) for k, name in zip(range(count), parameters))
    return names


def _as_argument(value: Any, key: Any, arg_tensors: dict[Any, Tensor]) -> Any:
    if isinstance(value, Tensor):
        arg_tensors[key] = value
        return value
    if isinstance(value, np.ndarray):
        arg_tensors[key] = Tensor(value)  # the engine's own copy, as model(X) would make
        return arg_tensors[key]
    return value  # a constant of the recording: part of the cache key


def _results(out: Any) -> tuple[list[Tensor], str]:
    if isinstance(out, Tensor):
        return [out], "one"
    if isinstance(out, tuple | list) and out and all(isinstance(t, Tensor) for t in out):
        return list(out), "tuple" if isinstance(out, tuple) else "list"
    raise TypeError(f"compile: the function must return a Tensor or a tuple or list of "
                    f"Tensors, got {type(out).__name__}")


def _escaped(rec: Recording) -> set[int]:
    """The tape positions whose outputs something besides the tape and the graph refers to
    (an MLP's ``Z[l]``, ``A[l]`` lists): a replay keeps those tensors' values current.

    Counted exactly: each reference the recording itself holds is known, so any reference
    beyond them was made by the user's code."""
    held: dict[int, int] = {}
    inputs: tuple = ()
    t = row = None  # bound even when the tape is empty (fn records no op)
    rows = [row for row in rec.tape if not isinstance(row[0], str)]
    tuples = {id(row[1]): row[1] for row in rows}  # each op's inputs...
    tuples.update((id(row[3]._parents), row[3]._parents) for row in rows
                  if row[3]._op is not None)  # ...and a recorded node's parents
    for inputs in tuples.values():
        for t in inputs:
            held[id(t)] = held.get(id(t), 0) + 1
    for row in rec.tape:
        if row[0] == "backward":  # the root the walk starts from
            held[id(row[1])] = held.get(id(row[1]), 0) + 1
    del rows, row
    for t in rec.results:
        held[id(t)] = held.get(id(t), 0) + 1
    del tuples, inputs, t  # no local may hold a tape tensor while counting
    tape = rec.tape
    # getrefcount's own argument and the tape's row hold one each, besides those counted
    return {i for i in range(len(tape)) if not isinstance(tape[i][0], str)
            and sys.getrefcount(tape[i][3]) > 2 + held.get(id(tape[i][3]), 0)}


def _sources(rec: Recording) -> list[list[Source]]:
    by_array: dict[int, Source] = {}
    for k, t in rec.arg_tensors.items():  # one tensor passed twice reads as the first
        by_array.setdefault(id(t._data), ("arg", k))
    # memory the recording made (argument copies, op results), by its owner: a leaf that is
    # a part of it but not the array itself cannot be followed
    made = {id(_root(t._data)): f"argument {k!r}" for k, t in rec.arg_tensors.items()}
    leaves: set[int] = set()  # owners of leaves' memory (a view of a parameter is fine)
    sources: list[list[Source]] = []
    for i, (op, *rest) in enumerate(rec.tape):
        if isinstance(op, str):  # an event: reads no array
            sources.append([])
            continue
        inputs, _, out = rest
        row = []
        for t in inputs:
            source = by_array.get(id(t._data))
            if source is None:
                if t._op is not None:
                    raise AssertionError(f"compile: {op.name} reads a recorded tensor that is "
                                         f"not on the tape")  # every recorded op is traced
                where = made.get(id(_root(t._data)))
                if where is not None:
                    raise RuntimeError(f"compile: {op.name} reads a view of {where}'s memory "
                                       f"made outside the recorded operations (from .data?); "
                                       f"index or reshape the tensor itself")
                source = ("leaf", t)
                leaves.add(id(_root(t._data)))
            row.append(source)
        sources.append(row)
        by_array.setdefault(id(out._data), ("value", i))
        owner = id(_root(out._data))
        if owner not in leaves:
            made.setdefault(owner, f"{op.name}'s output")
    return sources


def _root(array: np.ndarray) -> object:
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return array
