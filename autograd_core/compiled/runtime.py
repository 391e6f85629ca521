"""What a replay calls besides NumPy: the results' ops, and the helpers the generated
program uses to hand gradients out as the engine does."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ..hooks import run_hooks
from ..ops import Op
from ..tensor import _make


def result_op(n_parents: int) -> type[Op]:
    """The op of a compiled result: one node from the leaves, whose rules run the plan's
    backward (once, for input 0; the engine asks for the inputs in order)."""
    rules = tuple((lambda g, run, *arrays, n=n: run.leaf_grad(g, n)) for n in range(n_parents))
    return type("Compiled", (Op,), {"name": "compiled", "symbol": "compiled", "vjp": rules,
                                    "formulas": ("d{x} by the recorded backward",) * n_parents})


def _refusing(doc: str, message: str) -> type[Op]:
    """An op whose backward refuses with ``message``: the op of a tensor a compiled
    function made whose graph backward must not go through."""
    def refuse(g: Any, *saved: Any) -> Any:
        raise RuntimeError(message)

    return type("Compiled", (Op,), {"__doc__": doc, "name": "compiled", "symbol": "compiled",
                                    "formulas": ("",), "vjp": (refuse,)})


_Replayed = _refusing(
    "A tensor a compiled function made and the user kept (an MLP's ``Z[l]``): its values are "
    "current, but backward goes through the function's results only.",
    "backward: this tensor was made inside a compiled function; its graph is the function's "
    "recording, and backward runs from the function's results: call backward() on what it "
    "returned")
_Freed = _refusing(
    "A result whose graph a backward inside the compiled function freed.",
    "backward: the graph of this result was already freed by the backward() inside the "
    "compiled function; pass retain_graph=True there to go through it again")
_REPLAYED = _make(np.zeros(()))  # their one input, so that the engine calls the rule
_REPLAYED.requires_grad = True


def _deliver(t: Any, g: np.ndarray) -> None:
    """A leaf's gradient from a backward inside fn, as ``engine.backward`` delivers it:
    through the leaf's hooks, then set or added to ``.grad`` (``g`` is the caller's own)."""
    if t._hooks:
        g = run_hooks(t, g)
    t._grad = g if t._grad is None else np.asarray(t._grad + g)


def _keep(kept: list, g: np.ndarray) -> None:
    """A retained gradient, as ``engine._deliver`` gives it: the caller's own array, for each
    of the tensors kept at this position (see ``_show``)."""
    for t in kept:
        t._grad = np.array(g) if t._grad is None else np.asarray(t._grad + g)


def _show(kept: list, value: np.ndarray) -> None:
    """A new forward's value in the tensors the user keeps at this position (one per
    recording of the same structure), with no gradient yet, as a new tensor has."""
    for t in kept:
        t._data, t._grad = value, None


def _show_leaf(kept: list, value: np.ndarray) -> None:
    for t in kept:
        t._data = value


def _scalar_out(data: Any, saved: tuple) -> tuple[np.ndarray, tuple]:
    array = np.asarray(data)
    return array, tuple(array if s is data else s for s in saved)


class Exclusive:
    """Hold the plan's lock: other threads wait; the same thread (a hook or an optimizer
    step calling the compiled function from inside its own replay) is refused."""

    __slots__ = ("plan",)

    def __init__(self, plan: Any) -> None:
        self.plan = plan

    def __enter__(self) -> None:
        plan = self.plan
        if plan.owner == threading.get_ident():
            raise RuntimeError("compile: the compiled function was called from inside its "
                               "own replay (by a hook or a replayed call); call it outside")
        plan.lock.acquire()
        plan.owner = threading.get_ident()

    def __exit__(self, *exc_info: object) -> None:
        self.plan.owner = None
        self.plan.lock.release()
