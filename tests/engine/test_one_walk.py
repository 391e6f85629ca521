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


def _code_lines(source: str, first: int = 1, last: int | None = None) -> int:
    """Lines holding code: not blank, not only a comment, not a docstring."""
    import io
    import tokenize

    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first_statement = node.body[0]
            if isinstance(first_statement, ast.Expr) and \
                    isinstance(first_statement.value, ast.Constant) and \
                    isinstance(first_statement.value.value, str):
                docstrings.update(range(first_statement.lineno, first_statement.end_lineno + 1))
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER)
    lines = {n for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type not in skip for n in range(token.start[0], token.end[0] + 1)}
    return len({n for n in lines - docstrings if n >= first and (last is None or n <= last)})


def test_the_core_is_short_enough_to_read_in_one_sitting():
    """core.py: at most 150 lines of code, the walk at most 25 (its signature included)."""
    source = (PACKAGE / "core.py").read_text()
    walk = next(node for node in ast.parse(source).body
                if isinstance(node, ast.FunctionDef) and node.name == "walk")
    assert _code_lines(source) <= 150
    assert _code_lines(source, walk.lineno, walk.end_lineno) <= 25
