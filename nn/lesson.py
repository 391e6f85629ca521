"""The learner tasks of the course notebooks: a check that never fails the notebook, and the
solution markers that let the test suite run each notebook with its answers filled in.

A task's answer cell ships with its answer set to ``None``; :func:`check` then reports
"not done yet" (and returns ``"not done"``) instead of raising, so the notebook still runs from
top to bottom. Once the learner answers, the check says whether the answer is right and, if it
is not, what is wrong with it: the shape, a transpose, a sign, a constant factor (a missing or
extra ``1/m``), a slip the notebook names, or the largest difference.

The solved answer cells keep the answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``,
as the exercise notebooks do (``nn.closed_form.grading.notebook``); :func:`blank` turns a solved
cell into the shipped one: every name the region assigns is set to ``None`` (a region inside a
function becomes ``return None``).

>>> check("2·3", 6, 6)
✓ 2·3: correct
'correct'
>>> check("2·3", None, 6)
○ 2·3: not done yet (replace the None in the answer cell, then run this cell again)
'not done'
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

Verdict = Literal["correct", "wrong", "not done"]

NOT_DONE = "not done yet"
"""What a check prints while the answer is still ``None`` (the tests look for it)."""

_REGION = re.compile(
    r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*(?:\n|\Z)", re.M | re.S)


def check(task: str, answer: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 1e-9,
          slips: Mapping[str, Any] | None = None, like: str = "") -> Verdict:
    """Compare a learner's ``answer`` with ``expected``, print the verdict, and return it.

    Args:
        task: what is asked, as the notebook names it (``"dJ/dx by hand"``).
        answer: the learner's value: a number, an array, a Tensor, a string, or ``None`` (not
            answered yet).
        expected: the right value (a string for a question answered in words or by a name;
            compared without case or surrounding spaces).
        rtol: the relative tolerance of a numerical answer, as in ``np.allclose``.
        atol: its absolute tolerance, as in ``np.allclose``.
        slips: known wrong answers by what they mean (``{"the 1/m forgotten": m * dW}``): an
            answer close to one of them is told which slip it is.
        like: the quantity the answer's shape should match, for the message (``"W[1]"``).

    Returns:
        ``"correct"``, ``"wrong"`` or ``"not done"``. A wrong or missing answer never raises,
        so a notebook with unanswered tasks still runs.
    """
    if expected is None:
        raise TypeError(f"check({task!r}): expected is None; the notebook must give the answer")
    if answer is None or answer is Ellipsis:
        return _say("not done", task, f"{NOT_DONE} (replace the None in the answer cell, then "
                    "run this cell again)")
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return _say("wrong", task, f"expected a word or a name (a string, like {expected!r}'s "
                        f"kind of answer), got {type(answer).__name__} {answer!r}")
        if answer.strip().casefold() == expected.strip().casefold():
            return _say("correct", task, "correct")
        return _say("wrong", task, f"not right: {answer!r} is not the answer; read the cell "
                    "above the task again")
    want = _as_array(expected)
    if want is None:
        raise TypeError(f"check({task!r}): expected must be a number, an array or a string, "
                        f"got {type(expected).__name__}")
    got = _as_array(answer)
    if got is None:
        return _say("wrong", task, f"expected a number or an array of shape {want.shape}, got "
                    f"{type(answer).__name__} {answer!r}")
    return _compare(task, got, want, rtol, atol, slips or {}, like)


def _compare(task: str, got: np.ndarray, want: np.ndarray, rtol: float, atol: float,
             slips: Mapping[str, Any], like: str) -> Verdict:
    what = f" (like {like})" if like else ""
    if got.shape != want.shape and got.size == want.size == 1:
        got = got.reshape(want.shape)  # a number for a (1, 1) array, or the other way
    if got.shape != want.shape:
        hint = "; it is the expected shape transposed: a missing or extra .T?" if (
            got.ndim == 2 and got.shape == want.shape[::-1]) else ""
        return _say("wrong", task, f"wrong shape: got {got.shape}, expected {want.shape}{what}"
                    f"{hint}")
    if not np.all(np.isfinite(got)):
        return _say("wrong", task, "the answer contains nan or inf")
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return _say("correct", task, "correct")
    for meaning, value in slips.items():
        slip = _as_array(value)
        if slip is not None and slip.shape == got.shape and np.allclose(got, slip, rtol=rtol,
                                                                        atol=atol):
            return _say("wrong", task, f"not right: this is the value with {meaning}")
    if got.ndim == 2 and got.shape[0] == got.shape[1] and np.allclose(got.T, want, rtol=rtol,
                                                                      atol=atol):
        return _say("wrong", task, "not right: the transpose of the answer: a missing or extra .T?")
    factor = _constant_factor(got, want, rtol, atol)
    if factor is not None:
        kind = "the sign is flipped" if np.isclose(factor, -1.0) else (
            f"every element is {factor:.6g} times the right value: a constant factor (a missing "
            "or extra 1/m, or a step size?)")
        return _say("wrong", task, f"not right: {kind}")
    index = np.unravel_index(int(np.argmax(np.abs(got - want))), got.shape) if got.ndim else ()
    where = f" at index {tuple(int(i) for i in index)}" if got.ndim else ""
    return _say("wrong", task, f"not right: the largest difference is{where}: got "
                f"{got[index]:.6g}, expected {want[index]:.6g}")


def _constant_factor(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> float | None:
    """The ``c`` with ``got == c * want`` everywhere, if there is one (and ``want`` is not 0)."""
    nonzero = np.abs(want) > atol
    if not nonzero.any() or not np.allclose(got[~nonzero], 0.0, atol=atol):
        return None
    c = float(np.median(got[nonzero] / want[nonzero]))
    return c if c != 0 and np.allclose(got, c * want, rtol=rtol, atol=atol) else None


def _as_array(value: Any) -> np.ndarray | None:
    data = getattr(value, "data", value)  # a Tensor gives its array
    if isinstance(data, (str, bytes)) or data is None:
        return None
    try:
        array = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def _say(verdict: Verdict, task: str, message: str) -> Verdict:
    mark = {"correct": "✓", "wrong": "✗", "not done": "○"}[verdict]
    print(f"{mark} {task}: {message}")
    return verdict


def blank(source: str) -> str:
    """``source`` (a solved answer cell) as it ships: each solution region replaced by a stub.

    A region that returns becomes ``return None``; any other region sets each name it assigns
    at its own level to ``None``, in order, so that the check after it reports "not done yet".
    """
    def stub(match: re.Match[str]) -> str:
        indent, body = match.group(1), textwrap.dedent(match.group(2))
        tree = ast.parse(body)
        if any(isinstance(node, ast.Return) for node in tree.body):
            lines = ["# YOUR CODE HERE", "return None"]
        else:
            names = list(dict.fromkeys(name for node in tree.body for name in _assigned(node)))
            if not names:
                raise ValueError("a solution region assigns no name and returns nothing:\n"
                                 + body)
            lines = ["# YOUR CODE HERE: replace each None"] + [f"{n} = None" for n in names]
        return "".join(f"{indent}{line}\n" for line in lines)

    return _REGION.sub(stub, source)


def _assigned(node: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names: list[str] = []
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.append(sub.id)
    return names


def has_solution(source: str) -> bool:
    """Whether ``source`` holds a ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region."""
    return _REGION.search(source) is not None


_SECTION = re.compile(r"^## (\S+)\n.*?^```python\n(.*?)^```", re.M | re.S)


def solutions(markdown: str) -> dict[str, str]:
    """The solved answer cells of ``notebooks/SOLUTIONS.md``, by grade id (``## <id>``, then a
    fenced ``python`` block holding the cell as solved)."""
    found: dict[str, str] = {}
    for match in _SECTION.finditer(markdown):
        if match.group(1) in found:
            raise ValueError(f"SOLUTIONS.md: the grade id {match.group(1)!r} appears twice")
        found[match.group(1)] = match.group(2)
    return found
