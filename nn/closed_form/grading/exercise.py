"""The checker an exercise notebook runs: ``Exercise(level).check(dA2, dZ2, ...)``.

The learner writes one function per layer quantity, ``name(c, d)``: ``c`` is the grader's
:class:`~nn.closed_form.grading.rules.Cache`, ``d`` what the earlier functions returned, by
name. ``check`` runs the functions given, in the level's order, hands their results to the
grader (``grade_cache``: autodiff is the reference, the first error is named and diagnosed)
and raises ``AssertionError`` with the grader's words unless the *last* one is right. A
function that raises (a blank one raises ``NotImplementedError``) is reported, and the right
values stand in for it in ``d`` so that the functions after it are still checked on their
own. The network is the section-6 one that ``backprop grade`` uses by default: ``[2, 4, 1]``,
tanh then sigmoid, ``W = 0.01 randn`` after seed 2, the 400 flower points, with the level's
loss.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ..autodiff import run_autodiff
from .diagnosis import label
from .grader import GradeReport, Line, grade_cache
from .levels import LEVELS, Level
from .names import NOTATIONS, Name, parse_key
from .numeric import numeric_gradients, table
from .rules import Cache, Key, learner_cache, parent


def section6() -> tuple[Any, np.ndarray, np.ndarray]:
    """Wichmann's section-6 network and the flower data: ``(model, X, Y)`` (the course's
    ``np.random.seed(2); W = 0.01 randn``); each level picks its own loss."""
    import nn

    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="normal", scale=0.01,
                   rng=np.random.RandomState(2))
    return model, X, Y


def level_network(level: Level) -> tuple[Any, np.ndarray, np.ndarray]:
    """The network, inputs and targets of ``level``: section 6, or, for the cross-entropy of
    a softmax, the same with two outputs (logits; same seed and scale) and one-hot labels."""
    if level.loss != "cross_entropy":
        return section6()
    import nn

    X, Y = nn.flower()
    model = nn.MLP([2, 4, 2], hidden="tanh", output="identity", init="normal", scale=0.01,
                   rng=np.random.RandomState(2))
    return model, X, np.vstack([1 - Y, Y])


class Exercise:
    """One level's network, its names and the grader, for the notebook's check cells."""

    def __init__(self, level: str) -> None:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {list(LEVELS)}")
        self.level: Level = LEVELS[level]
        model, X, Y = level_network(self.level)
        run = run_autodiff(model, X, Y, self.level.loss)
        self._cache = run.cache
        self._truth = dict(run.gradients)
        self._numeric: dict[Key, np.ndarray] | None = None
        self.names = tuple(task.name for task in self.level.tasks)
        self._hints: tuple[str, ...] = ()
        self._hint_shown = 0
        acts = ", ".join(a.name for a in run.cache.activations[1:])
        self._network = (f"section 6: MLP {list(run.cache.sizes)} ({acts}), "
                         f"{self.level.loss}, m = {run.cache.m}")

    def cache(self) -> Cache:
        """A fresh copy of what each function receives, to try things on."""
        return learner_cache(self._cache)

    def _name(self, name: str) -> tuple[Key, Name]:
        parsed = parse_key(name)
        assert parsed is not None, name
        meaning = NOTATIONS[self.level.notation][parsed[0]]
        return (meaning.gradient, parsed[1]), meaning

    def expected(self, name: str) -> str:
        """``"shape (1, 400), m·∂J/∂Z[2] (Rojas's dZ: no 1/m)"``."""
        key, meaning = self._name(name)
        return (f"shape {self._truth[key].shape}, "
                f"{meaning.meaning.replace('[l]', f'[{key[1]}]')}")

    def right(self, name: str) -> np.ndarray:
        """The right value of ``name`` in the level's notation and scaling."""
        key, meaning = self._name(name)
        return self._truth[key] * (self._cache.m if meaning.per_m else 1.0)

    def report(self, *functions: Callable[..., Any]) -> tuple[GradeReport, dict[str, str]]:
        """The grader's report on ``functions`` (the level's first ones, in order) and, by
        name, what each function that raised raised."""
        report, raised, _ = self._run(functions)
        return report, raised

    def _run(self, functions: tuple[Callable[..., Any], ...]
             ) -> tuple[GradeReport, dict[str, str], dict[str, Any]]:
        if not functions:
            raise TypeError(f"check needs your functions, in order: check({self.names[0]}, ...)")
        if len(functions) > len(self.names):
            raise TypeError(f"this level has {len(self.names)} quantities "
                            f"({', '.join(self.names)}); got {len(functions)} functions")
        for name, fn in zip(self.names, functions):
            if not callable(fn):
                raise TypeError(f"{name} is a {type(fn).__name__}, not a function: define it "
                                f"with def {name}(c, d): ... and run its cell")
        raised: dict[str, str] = {}
        returned: dict[str, Any] = {}

        def backprop(c: Cache) -> dict[str, Any]:
            d: dict[str, Any] = {}
            for name, fn in zip(self.names, functions):
                try:
                    value = fn(c, d)
                except Exception as error:  # the learner's code: report it, carry on
                    raised[name] = _raised(error)
                    if isinstance(error, ValueError) and any(
                            word in str(error) for word in ("shape", "dimension", "broadcast")):
                        raised[name] += f" ({self._shapes(name)})"
                        if "matmul" in str(error) and self._name(name)[0][0] == "dZ":
                            raised[name] += ("; @ is the matrix product: dZ = dA ⊙ α'(Z) "
                                             "multiplies element by element, * in NumPy")
                    d[name] = self.right(name)
                    continue
                d[name] = value
                returned[name] = np.array(value, copy=True) if isinstance(value, np.ndarray) \
                    else value
            return returned

        report = grade_cache(backprop, self._cache, self._truth, self.level.notation,
                             self._network)
        given = {self._name(name)[0]: name for name in self.names[:len(functions)]}
        lines = [line if given[line.key] not in raised else
                 Line(line.key, "missing", note="raised (above): the right values stood in "
                      "for it in d", written=given[line.key])
                 for line in report.lines if line.key in given]
        problems = [f"{name} raised {why}" for name, why in raised.items()]
        return (replace(report, lines=lines, problems=report.problems + problems), raised,
                returned)

    def _shapes(self, name: str) -> str:
        """``"c.W[2] is (1, 4), d["dZ2"] is (1, 400), and dA1 should be (4, 400)"``: the
        shapes of what ``name`` is built from."""
        (gradient, l), _ = self._name(name)
        by_key = {self._name(other)[0]: other for other in self.names}
        inputs = {"dA": [("W", l + 1), ("dZ", l + 1)], "dZ": [("dA", l), ("Z", l)],
                  "dW": [("dZ", l), ("A", l - 1)], "db": [("dZ", l)]}[gradient]
        if gradient == "dZ" and ("dA", l) not in by_key:  # the blog: from the layer above
            inputs = [("Z", l)] + ([("W", l + 1), ("dZ", l + 1)] if l < self._cache.L else [])
        shown = []
        for what, k in inputs:
            if what in ("W", "Z", "A"):
                array = getattr(self._cache, what)[k]
                shown.append(f"c.{'X' if what == 'A' and k == 0 else f'{what}[{k}]'} is "
                             f"{array.shape}")
            elif (what, k) in by_key:
                shown.append(f"d[\"{by_key[what, k]}\"] is {self._truth[what, k].shape}")
        return ", ".join(shown) + f", and {name} should be {self._truth[gradient, l].shape}"

    def check(self, *functions: Callable[..., Any]) -> None:
        """Grade ``functions`` (the level's first ones, in order); ``AssertionError`` with the
        grader's message and a progress line unless the last is right. Prints a line when it
        is. The message is the full diagnosis, or, in the find-the-bug lab, the first hint;
        :meth:`hint` reveals the next level."""
        report, raised, returned = self._run(functions)
        name = self.names[len(functions) - 1]
        key, _ = self._name(name)
        line = report.line(key)
        progress = self._progress(report, raised, functions)
        if name in raised:
            why = raised[name]
            todo = ("is not written yet: replace raise NotImplementedError() with your code"
                    if why.startswith("NotImplementedError") else f"raised {why}")
            self._failed(())
            raise AssertionError(f"{name} {todo}; expected {self.expected(name)}\n{progress}")
        if line.status == "right":
            self._failed(())
            print(f"✓ {name} is right: {self.expected(name)}, max rel. difference "
                  f"{line.max_rel:.1e}\n{progress}")
            return
        up = parent(key, self._cache.L)
        up_name = next((n for n in self.names if up and self._name(n)[0] == up), None)
        up_wrong = up is not None and up_name is not None and \
            report.line(up).status not in ("right", "missing")
        root = self._root(report, up) if up_wrong else None
        slip = line.slip.sentence if line.slip else ""
        numeric = isinstance(returned.get(name), np.ndarray) and \
            returned[name].dtype.kind in "biuf"
        if line.status == "inherited" and up_name:
            verdict = (f"{name} is wrong only because {up_name} is: it is the right step "
                       f"from your {up_name}, so fix {up_name} first (its check above fails)")
        elif up_wrong and up_name:
            why = line.note.split("  ")[0].split("; ")[0] if line.status == "invalid" else ""
            first = (f"fix {up_name} first (its check above fails)" if root == up_name else
                     f"fix {root} first ({up_name} is wrong only because of it)")
            verdict = (f"{name} is wrong{f' ({why})' if why else ''}, and so is {up_name}, "
                       f"which it is built from: {first}; taken from your {up_name} as it "
                       f"is, {name} has a slip of its own: {slip}")
        elif line.status == "invalid":
            why = line.note.split("  ")[0].rstrip()
            verdict = f"{name} is wrong: {why}" + (f": {slip}" if numeric else "")
        else:
            verdict = f"{name} is wrong: {slip}"
        self._failed(tuple(_renamed(text, label(key), name) for text in line.hints))
        if self.level.first_hint and self._hints and line.status != "inherited":
            verdict = self._hints[0]
            self._hint_shown = 1
        ask = " (hint() for a hint)" if self._hint_shown < len(self._hints) else ""
        raise AssertionError(f"{verdict}\n{progress}{ask}")

    def _root(self, report: GradeReport, key: Key | None) -> str | None:
        """The learner's name of the quantity to fix first: ``key``, or, where ``key`` is
        wrong only because of its input, that input's root."""
        by_key = {self._name(name)[0]: name for name in self.names}
        while key is not None and report.line(key).status == "inherited":
            up = parent(key, self._cache.L)
            while up is not None and up not in by_key:  # not written in this level
                up = parent(up, self._cache.L)
            if up is None:
                break
            key = up
        return by_key.get(key) if key is not None else None

    def _progress(self, report: GradeReport, raised: dict[str, str],
                  functions: tuple[Callable[..., Any], ...]) -> str:
        """``"rojas: 3 of 8 right; wrong: dZ2; not written yet: dTheta2"``."""
        given = self.names[:len(functions)]
        by_key = {self._name(name)[0]: name for name in given}
        wrong = [by_key[ln.key] for ln in report.lines
                 if ln.key in by_key and ln.status not in ("right", "missing")]
        unwritten = [name for name in given
                     if raised.get(name, "").startswith("NotImplementedError")]
        failed = [name for name in raised if name not in unwritten]
        parts = [f"{self.level.name}: {report.right} of {len(self.names)} right"]
        parts += [f"{what}: {', '.join(names)}" for what, names in
                  (("wrong", wrong), ("raised", failed), ("not written yet", unwritten)) if names]
        return "; ".join(parts)

    def _failed(self, hints: tuple[str, ...]) -> None:
        """Remember the last check's hints; its message showed levels 1-2 (the diagnosis)."""
        self._hints = hints
        self._hint_shown = 2 if hints else 0

    def next_hint(self) -> str:
        """The next hint level of the last failing check (the last one again, once all are
        shown)."""
        if not self._hints:
            return ("no hint to give: the last check did not fail with a wrong value (run a "
                    "check cell first; a function that raised says why in its message)")
        self._hint_shown = min(self._hint_shown + 1, len(self._hints))
        n = self._hint_shown
        more = " (that is the last hint)" if n == len(self._hints) else " (hint() for more)"
        return f"hint {n} of {len(self._hints)}: {self._hints[n - 1]}{more}"

    def hint(self) -> None:
        """Print the next hint level: which quantity, what kind of slip, the formula, one
        element with its numbers."""
        print(self.next_hint())

    def gradcheck(self, *functions: Callable[..., Any]) -> None:
        """Print every quantity of ``functions`` against central differences of ``J``: one
        ``backprop(c) -> {name: array}`` (the lab's handed code), or the level's functions
        ``name(c, d)`` in order."""
        print(self.gradcheck_table(*functions))

    def gradcheck_table(self, *functions: Callable[..., Any]) -> str:
        """What :meth:`gradcheck` prints."""
        if len(functions) == 1 and _parameters(functions[0]) == 1:
            returned = functions[0](self.cache())
            if not isinstance(returned, dict):
                raise TypeError(f"gradcheck: {getattr(functions[0], '__name__', 'it')}(c) "
                                f"returned a {type(returned).__name__}; expected a dict of "
                                f"name -> array")
            names = self.names
        else:
            _, _, returned = self._run(functions)
            names = self.names[:len(functions)]
        if self._numeric is None:
            self._numeric = numeric_gradients(self._cache)
        expected = {}
        for name in names:
            key, meaning = self._name(name)
            expected[name] = (self._numeric[key], self._cache.m if meaning.per_m else 1.0)
        return table(returned, expected)

    def __str__(self) -> str:
        rows = [f"{self.level.title} on {self._network}",
                "write, in this order (each gets c, the cache, and d, what the ones before "
                "returned):"]
        width = max(len(name) for name in self.names)
        rows += [f"  {name:<{width}}  {self.expected(name)}" for name in self.names]
        return "\n".join(rows)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _renamed(text: str, ours: str, yours: str) -> str:
    """A hint that starts with our name (``dW[2]``) started with the learner's (``dW2``)."""
    return yours + text[len(ours):] if text.startswith(ours) else text


def _parameters(fn: Callable[..., Any]) -> int | None:
    try:
        return len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


def _raised(error: Exception) -> str:
    """``"NotImplementedError() at line 3 of its cell"``: the exception and the line of the
    learner's function it came from."""
    text = traceback.format_exception_only(type(error), error)[-1].strip()
    text = f"{text}()" if text == type(error).__name__ else text
    frames = traceback.extract_tb(error.__traceback__)[1:]  # below backprop's own frame
    if not frames:
        return text
    place = "its cell" if "ipykernel" in frames[0].filename else frames[0].filename
    where = f" at line {frames[0].lineno} of {place}"
    return text + where
