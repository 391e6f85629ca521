"""Watching backward: gradient hooks on tensors, and anomaly mode.

- ``t.register_hook(fn)``: during backward, ``fn(grad)`` is called with ``t``'s finished
  gradient (an ndarray; a Tensor under ``create_graph``, read-only either way); a returned
  value replaces it, for ``t.grad`` and for everything backward computes from it.
  ``handle.remove()`` stops it.
- ``with detect_anomaly():`` every node recorded inside remembers the line of user code that
  made it; in backward, the first local rule that gives a NaN or inf gradient raises an error
  naming the op (its rule in the documents' notation) and that line. Off, it costs nothing
  but one flag test per node.
"""

from __future__ import annotations

import itertools
import linecache
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .grad_mode import state

__all__ = ["RemovableHandle", "add_hook", "detect_anomaly", "run_hooks"]  # nn.Module adds hooks

_next_id = itertools.count().__next__
# how many times a tensor was asked to show its gradient (register_hook, retain_grad(); a
# module's forward hooks do not count): while 0, a first-order backward needs no observer
WATCHED = [0]
# frames in these folders are the library's; the first frame outside is the user's line
_LIBRARY = (str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent
                                                        / "nn"))


class RemovableHandle:
    """Returned by ``register_hook``: ``remove()`` unregisters the hook (twice is harmless)."""

    def __init__(self, hooks: dict[int, Callable], key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


def add_hook(hooks: dict[int, Callable], fn: Callable) -> RemovableHandle:
    """Add ``fn`` to the table ``hooks`` (a tensor's, or a module's forward hooks) under a
    fresh key; the handle's ``remove()`` takes it out again."""
    if not callable(fn):
        raise TypeError(f"register_hook: expected a function of the gradient, got "
                        f"{type(fn).__name__}")
    key = _next_id()
    hooks[key] = fn
    return RemovableHandle(hooks, key)


def run_hooks(t: Any, g: Any) -> Any:
    """``g`` passed through ``t``'s hooks in the order they were registered."""
    for fn in list(t._hooks.values()):
        shown = g
        if isinstance(g, np.ndarray):
            shown = g.view()
            shown.flags.writeable = False  # a hook returns a new gradient, it does not edit
        result = fn(shown)
        if result is not None:
            g = _checked(result, g, t, fn)
    return g


def _checked(result: Any, g: Any, t: Any, fn: Callable) -> Any:
    value: Any
    tensor = type(t)  # Tensor, without importing it: this module lies below tensor.py
    if not isinstance(g, np.ndarray | np.generic):  # create_graph: keep it a Tensor
        value = result if isinstance(result, tensor) else tensor(result)
    else:
        value = np.asarray(result._data if isinstance(result, tensor) else result)
    if value.shape != t.shape or value.dtype != t.dtype:
        name = getattr(fn, "__name__", type(fn).__name__)
        raise RuntimeError(f"hook {name} on tensor{_label(t)}: returned shape {value.shape}, "
                           f"dtype {value.dtype}; a replacement gradient must have the "
                           f"tensor's shape {t.shape} and dtype {t.dtype}")
    return value


class detect_anomaly:  # noqa: N801 - used like a function, as PyTorch's
    """Inside the block, backward raises at the first NaN or inf gradient, naming the op and
    the line of user code that recorded it (in this thread)."""

    def __enter__(self) -> detect_anomaly:
        state.anomalies.append(state.anomaly)
        state.anomaly = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        state.anomaly = state.anomalies.pop()


def user_line() -> str:
    """``file:line: code`` of the innermost frame outside this library (the user's call)."""
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY):
        frame = frame.f_back
    if frame is None:
        return "(unknown line)"
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}"
    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{where}: {code}" if code else where


def refuse_non_finite(pg: Any, p: Any, node: Any, op: Any, index: int) -> None:
    """In anomaly mode: raise if the gradient ``pg`` that ``node``'s rule gave input ``p``
    holds a NaN or inf."""
    values = pg if isinstance(pg, np.ndarray | np.generic) else pg._data
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    kinds = " and ".join(k for k, hit in (("nan", np.isnan(values).any()),
                                          ("inf", np.isinf(values).any())) if hit)
    rule = _rule_text(op, index, node)
    where = getattr(node, "_where", None) or "(recorded outside detect_anomaly())"
    raise FloatingPointError(
        f"detect_anomaly: backward through {op.name} gave input {index}{_label(p)} a "
        f"gradient with {kinds} ({int(bad.sum())} of {bad.size} elements); the rule is "
        f"{rule}. The op was recorded at {where}")


def _rule_text(op: Any, index: int, node: Any) -> str:
    """The op's rule for input ``index``, with the tensors' names (``dZ[1] = ...``)."""
    if index >= len(op.formulas):
        return "(not written out)"
    names = [p.name or f"x{i}" for i, p in enumerate(node._parents)]
    fill = {"out": node.name or "out", "x": names[0], "a": names[0],
            "b": names[1] if len(names) > 1 else "b",
            "p": node._params.get("p", "p") if node._params else "p"}
    if op.name == "addmm":  # Z = W A + b: its inputs are (b, W, A)
        fill.update(b=names[0], w=names[1], a=names[2])
    try:
        return op.formulas[index].format(**fill)
    except (KeyError, IndexError):
        return op.formulas[index]


def _label(t: Any) -> str:
    return f" ({t.name})" if getattr(t, "name", None) is not None else ""
