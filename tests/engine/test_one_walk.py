"""One walk: first-order backward, create_graph, compile's plan and viz.steps all run
``core.walk``, and no other module of the engine orders nodes or keeps a heap."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np

import autograd_core
from autograd_core import Tensor, compile, core, grad
from autograd_core.viz.steps import steps

PACKAGE = Path(autograd_core.__file__).parent


def _callers_of_walk(fn) -> set[str]:
    """``module.function`` of every frame that called ``core.walk`` while ``fn`` ran."""
    callers: set[str] = set()
    code = core.walk.__code__

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is code:
            caller = frame.f_back.f_code
            callers.add(f"{Path(caller.co_filename).stem}.{caller.co_name}")

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return callers


def _layer():
    W = Tensor(np.arange(6.0).reshape(3, 2) / 7, requires_grad=True, name="W")
    A = Tensor(np.arange(8.0).reshape(2, 4) / 5, name="A")
    b = Tensor(np.ones((3, 1)), requires_grad=True, name="b")
    return W, A, b


def test_first_order_backward_runs_the_core_walk():
    W, A, b = _layer()
    assert _callers_of_walk(lambda: (W @ A + b).tanh().sum().backward()) == {"engine.backward"}


def test_create_graph_runs_the_core_walk():
    W, A, b = _layer()
    J = (W @ A + b).tanh().sum()
    assert _callers_of_walk(lambda: grad(J, [W], create_graph=True)) == \
        {"higher.backward_graph"}


def test_compiled_plan_writes_its_backward_from_the_core_walk():
    W, A, b = _layer()
    step = compile(lambda W, A, b: (W @ A + b).tanh().sum())
    assert "plan._backward" in _callers_of_walk(lambda: step(W, A, b))


def test_steps_records_the_core_walk():
    W, A, b = _layer()
    J = (W @ A + b).tanh().sum()
    assert _callers_of_walk(lambda: steps(J)) == {"steps.steps"}


def test_no_module_outside_the_core_keeps_a_heap_or_orders_nodes():
    """No ``heapq`` outside ``core.py``, and no sort keyed on a node's stamp (``core.order``
    is the walk's key)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "core.py" and path.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any("heapq" in n or n in ("heappush", "heappop") for n in names):
                    offenders.append(f"{path.name}: imports heapq")
            if isinstance(node, ast.Call):
                func = ast.unparse(node.func)
                if (func == "sorted" or func.endswith(".sort")) and "_stamp" in ast.unparse(node):
                    offenders.append(f"{path.name}:{node.lineno}: sorts by _stamp")
    assert offenders == []
