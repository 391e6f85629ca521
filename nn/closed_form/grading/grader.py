"""Grade a learner's own backprop against autodiff and name the first thing wrong.

``grade(fn, model, X, Y, loss)`` runs autodiff once, hands ``fn`` a :class:`Cache` (copies of
``X``, ``Y``, ``W[l]``, ``b[l]``, ``Z[l]``, ``A[l]``), and compares every quantity ``fn`` returns
(any subset of ``dA[l]``, ``dZ[l]``, ``dW[l]``, ``db[l]``, named in ``notation``) with autodiff,
in backward order. Walking from the output back, the *first error* is the first wrong quantity
whose input (``dZ[l]`` from ``dA[l]``; ``dW[l]``, ``db[l]``, ``dA[l-1]`` from ``dZ[l]``) was
right or not returned; a later quantity that is exactly the right step applied to the learner's
own wrong input is marked "wrong only because" of it. The first error is diagnosed
(``diagnosis.diagnose``). The learner's code runs in this process, and nothing it raises or
returns crashes the grader.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..autodiff import run_autodiff
from ..network import ForwardCache
from ..result import BackpropResult
from .candidates import INPUT, UNKNOWN
from .diagnosis import RTOL, Slip, find_slip, label, worst_element
from .hints import LEVELS as HINT_LEVELS
from .hints import hints
from .names import NOTATIONS, Name, flatten, known_names, parse_key
from .rules import Key, backward_order, learner_cache, parent, step

ATOL = 1e-14


@dataclass(frozen=True)
class Line:
    """One quantity's verdict.

    ``status``: ``"right"``, ``"wrong"`` (its own error: inputs right or not returned),
    ``"inherited"`` (wrong only because its input is), ``"also"`` (wrong, on a wrong input,
    and not the right step from it either), ``"invalid"`` (not a finite array of the right
    shape), ``"missing"`` (not returned). ``max_rel`` is None unless compared.
    """

    key: Key
    status: str
    max_rel: float | None = None
    note: str = ""
    written: str = ""  # the learner's name, when it is not ours
    slip: Slip | None = None  # its own slip, from its input as the learner computed it
    hints: tuple[str, ...] = ()  # the hint levels 1..4 for that slip


@dataclass(frozen=True)
class GradeReport:
    """The grader's verdict: ``print(report)``, ``report.ok``, ``report.lines``."""

    lines: list[Line]
    first_error: Key | None
    diagnosis: str
    problems: list[str] = field(default_factory=list)  # unknown names, a raise, a bad return
    notation: str = "ours"
    network: str = ""

    @property
    def right(self) -> int:
        """How many returned quantities are right."""
        return sum(line.status == "right" for line in self.lines)

    def hinted(self, level: int) -> str:
        """The report with the first error's hints ``1..level`` for its diagnosis (``backprop
        grade --hint N``): the marks say which quantities are wrong, the notes and numbers
        come only with the hints that reveal them."""
        if not 1 <= level <= HINT_LEVELS:
            raise ValueError(f"hint level {level}: expected 1 to {HINT_LEVELS}")
        out = [f"grade: {self.network} (notation: {self.notation}, rtol {RTOL:g})"]
        out += [f"   ! {problem}" for problem in self.problems]
        for n, line in enumerate(self._shown(), 1):
            out.append(f"{n:>3}. {_MARKS[line.status]} {self._name(line)}")
        out.append(f"{self.right} of {sum(ln.status != 'missing' for ln in self.lines)} "
                   f"returned quantities right")
        if self.first_error is not None:
            shown = self.line(self.first_error).hints or (self.diagnosis,)
            out += [f"hint {n}: {text}" for n, text in enumerate(shown[:level], 1)]
            if level < len(shown):
                out.append(f"(--hint {level + 1} for the next hint)")
        return "\n".join(out)

    def _shown(self) -> list[Line]:
        return [line for line in self.lines if line.key[1] > 0 or line.status != "missing"]

    @staticmethod
    def _name(line: Line) -> str:
        return label(line.key) + (f" (your {line.written})" if line.written else "")

    @property
    def ok(self) -> bool:
        """Every returned quantity is right, something was returned, and nothing was refused."""
        returned = [line for line in self.lines if line.status != "missing"]
        return (bool(returned) and not self.problems
                and all(line.status == "right" for line in returned))

    def line(self, key: Key | str) -> Line:
        """The verdict of ``("dZ", 2)`` or ``"dZ[2]"``."""
        if isinstance(key, str):
            key = parse_key(key)  # type: ignore[assignment]
        return next(line for line in self.lines if line.key == key)

    def __str__(self) -> str:
        out = [f"grade: {self.network} (notation: {self.notation}, rtol {RTOL:g})"]
        for problem in self.problems:
            out.append(f"   ! {problem}")
        for n, line in enumerate(self._shown(), 1):
            rel = "" if line.max_rel is None else f"  max rel {line.max_rel:.1e}"
            note = f"  {line.note}" if line.note else ""
            out.append(f"{n:>3}. {_MARKS[line.status]} {self._name(line)}{rel}{note}")
        if self.first_error is not None:
            out.append(f"first error: {label(self.first_error)}")
            out.append(f"diagnosis: {self.diagnosis}")
        elif self.ok:
            out.append(f"all {sum(line.status == 'right' for line in self.lines)} returned "
                       f"quantities are right")
        elif not self.problems and not any(line.status != "missing" for line in self.lines):
            out.append("nothing graded: return a dict of arrays, e.g. {'dZ[2]': ..., "
                       "'dW[2]': ...}")
        return "\n".join(out)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the text
        printer.text(str(self))


_MARKS = {"right": "✓", "missing": "?", "wrong": "✗", "inherited": "✗", "also": "✗",
          "invalid": "✗"}


def _expected(key: Key, truth: dict[Key, np.ndarray], name: Name | None) -> str:
    scaling = name.meaning.replace("[l]", f"[{key[1]}]") if name else f"∂J/∂{key[0][1:]}"
    return f"expected a float array of shape {truth[key].shape}, {scaling}"


@dataclass(frozen=True)
class Unreadable:
    """A returned value that could not be read where the learner's code ran (``backprop
    grade`` runs it in a child process): ``why`` says what it was, in the grader's words."""

    why: str


def _as_array(value: Any) -> tuple[np.ndarray | None, str]:
    if value is None:
        return None, "got None (not computed yet, or a missing return?)"
    if isinstance(value, Unreadable):
        return None, value.why
    if not isinstance(value, (np.ndarray, np.generic, int, float, complex, list, tuple)):
        return None, f"got a {type(value).__name__}, not an array"
    try:
        kind = np.asarray(value).dtype
        if kind.kind not in "biufO":  # complex, strings, dates, records: never cast to float
            return None, (f"got {kind} values ({_KINDS.get(kind.kind, 'not real numbers')}), "
                          f"not real numbers: return a float array")
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        return None, f"got {type(value).__name__} that is not numbers ({error})"
    return array, ""


_KINDS = {"c": "complex: is a square root or log taken of a negative number?", "U": "text",
          "S": "bytes", "M": "dates", "m": "time spans", "V": "records"}


def _relative(value: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    tiny = np.finfo(np.float64).tiny
    diff = float(np.max(np.abs(value - truth))) if truth.size else 0.0
    return diff / max(float(np.max(np.abs(truth))) if truth.size else 0.0, tiny), diff


def _close(value: np.ndarray, truth: np.ndarray) -> bool:
    rel, diff = _relative(value, truth)
    return rel <= RTOL or diff <= ATOL


def grade_cache(fn: Callable[..., Any], cache: ForwardCache, truth: dict[Key, np.ndarray],
                notation: str = "ours", network: str = "") -> GradeReport:
    """Grade ``fn(Cache)`` on a forward cache whose right gradients are ``truth``."""
    if notation not in NOTATIONS:
        raise ValueError(f"unknown notation {notation!r}; expected one of {list(NOTATIONS)}")
    L, m = cache.L, cache.m
    order = backward_order(L)
    problems: list[str] = []
    try:
        returned = fn(learner_cache(cache))
    except Exception as error:  # the learner's code: never let it crash the grader
        frames = traceback.extract_tb(error.__traceback__)
        where = f" (line {frames[-1].lineno} of {frames[-1].filename})" if frames else ""
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        problems.append(f"your function raised {last}{where}")
        returned = {}
    names = NOTATIONS[notation]
    factors: dict[str, float] = {}
    if isinstance(returned, BackpropResult):  # a formulation's result carries its own factors
        names = {k: Name(q.gradient, False, f"{q.plain or q.key}, ×{q.factor_text} to ∂J")
                 for k, q in returned.quantities.items()}
        factors = {k: q.factor for k, q in returned.quantities.items()}
        returned = {k: dict(v) for k, v in returned.arrays.items()}
    if not isinstance(returned, Mapping):
        problems.append(f"your function returned a {type(returned).__name__}; expected a dict "
                        f"of name -> array, e.g. {{'dZ[{L}]': ..., 'dW[{L}]': ...}}")
        returned = {}
    values: dict[Key, tuple[Any, str, Name, float]] = {}
    for written, value, parsed in flatten(returned):
        if parsed is None or parsed[0] not in names:
            problems.append(f"{written!r}: not a name the grader knows; expected "
                            f"{known_names(notation, L)}, e.g. 'dZ[{L}]' or 'dZ{L}'"
                            if not factors else f"{written!r}: not a name of this result")
            continue
        name = names[parsed[0]]
        key = (name.gradient, parsed[1])
        if key not in truth:
            problems.append(f"{written!r}: there is no layer {parsed[1]} here (layers 1..{L})")
            continue
        shown = written if parsed[0] != key[0] or name.per_m or factors else ""
        factor = factors.get(parsed[0], 1 / m if name.per_m else 1.0)
        values[key] = (value, shown, name, factor)

    lines: dict[Key, Line] = {}
    learner: dict[Key, np.ndarray] = {}  # valid values, in gradient units
    dtypes: dict[Key, Any] = {}  # the learner's float dtype, where not float64
    for key in order:
        if key not in values:
            if key in truth:
                lines[key] = Line(key, "missing", note="not returned: "
                                  + _expected(key, truth, names.get(key[0])))
            continue
        value, shown, name, factor = values[key]
        kind = getattr(value, "dtype", None)
        if kind is not None and np.dtype(kind).kind == "f" and np.dtype(kind).itemsize < 8:
            dtypes[key] = np.dtype(kind)
        array, why = _as_array(value)
        expected = _expected(key, truth, name)
        if array is not None and array.shape != truth[key].shape:
            why = f"got shape {array.shape}"
        elif array is not None and not np.all(np.isfinite(array)):
            bad = np.argwhere(~np.isfinite(array))[0]
            why = f"has a non-finite value ({array[tuple(bad)]}) at {tuple(int(i) for i in bad)}"
        if why:
            lines[key] = Line(key, "invalid", note=f"{why}; {expected}", written=shown)
            if array is not None:
                learner[key] = array * factor
            continue
        assert array is not None
        learner[key] = array * factor
        rel, _ = _relative(learner[key], truth[key])
        if _close(learner[key], truth[key]):
            lines[key] = Line(key, "right", rel, written=shown)
        else:
            lines[key] = Line(key, "wrong", rel, worst_element(learner[key], truth[key]),
                              written=shown)

    def own(key: Key, line: Line, inputs: dict[Key, np.ndarray], input_wrong: bool) -> Line:
        """``line`` with its own slip and hints, ``inputs`` taken as the right values."""
        value = learner.get(key)
        if value is None:
            slip = Slip(INPUT if input_wrong else UNKNOWN, line.note.replace("; ", ": ", 1))
        else:
            slip = find_slip(key, value, inputs, cache, notation, dtypes.get(key))
        factor = values[key][3]
        return replace(line, slip=slip, hints=hints(key, slip, value, inputs, cache,
                                                     line.written or label(key), factor,
                                                     input_wrong))

    # root cause: the nearest returned ancestor decides
    first: Key | None = None
    for key in order:
        line = lines.get(key)
        if line is None or line.status in ("right", "missing"):
            continue
        chain, up = [key], parent(key, L)
        while up is not None and (up not in lines or lines[up].status == "missing"):
            chain.append(up)
            up = parent(up, L)
        via = [label(k) for k in chain[1:]]
        through = f" (through {', '.join(via)}, not returned)" if via else ""
        if up is None or lines[up].status == "right":
            if first is None:
                first = key
                tag = "the first error" + (f": its input {label(up)} is right" if up else "")
                tag += through if up else (f"; its inputs {', '.join(via)} were not returned"
                                           if via else "")
            else:
                tag = "another error of its own" + (f" (its input {label(up)} is right)"
                                                    if up else "")
            lines[key] = own(key, _with(line, tag), truth, False)
            continue
        if up not in learner or learner[up].shape != truth[up].shape:
            lines[key] = own(key, _with(line, f"(its input {label(up)} is wrong too)"),
                             truth, True)
            continue
        inputs = local_truth(up, learner[up], truth, cache)
        if line.status == "invalid":
            lines[key] = own(key, _with(line, f"(its input {label(up)} is wrong too)"),
                             inputs, True)
            continue
        if _close(learner[key], inputs[key]):
            lines[key] = Line(key, "inherited", line.max_rel,
                              f"wrong only because {label(up)} is{through}", line.written)
        else:
            lines[key] = own(key, Line(key, "also", line.max_rel,
                                       f"its input {label(up)} is wrong, and it does not follow "
                                       f"from your {label(up)} either; {line.note}",
                                       line.written), inputs, True)
    diagnosis = ""
    if first is not None:
        fl = lines[first]
        diagnosis = fl.slip.sentence if fl.slip else ""
        if fl.status == "invalid" and first in learner:
            diagnosis = f"{fl.note.split('  ')[0].rstrip()}: {diagnosis}"
    ordered = [lines[key] for key in order if key in lines]
    return GradeReport(ordered, first, diagnosis, problems, notation, network)


def local_truth(up: Key, value: np.ndarray, truth: dict[Key, np.ndarray],
                cache: ForwardCache) -> dict[Key, np.ndarray]:
    """The gradients of a world where the learner's ``up`` is right: ``up`` replaced by
    ``value`` and every quantity computed from it (directly or not) recomputed by the right
    steps, so that a later quantity's own slip can be named on the learner's input."""
    out = dict(truth)
    out[up] = value
    changed = {up}
    for key in backward_order(cache.L):
        source = parent(key, cache.L)
        if source in changed:
            try:
                out[key] = step(key, out[source], cache)
            except (ValueError, IndexError):  # the learner's input has a shape no step takes
                continue
            changed.add(key)
    return out


def _with(line: Line, tag: str) -> Line:
    note = f"{line.note}  {tag}" if line.note else tag
    return Line(line.key, line.status, line.max_rel, note, line.written)


def grade(fn: Callable[..., Any], model: Any, X: Any, Y: Any,
          loss: str = "binary_cross_entropy", notation: str = "ours") -> GradeReport:
    """Grade ``fn(cache) -> {name: array}`` on ``model``, ``X``, ``Y`` against autodiff.

    Args:
        fn: the learner's backprop. It gets a :class:`~nn.closed_form.grading.rules.Cache`
            (``cache.X``, ``cache.Y``, ``cache.W[l]``, ``cache.b[l]``, ``cache.Z[l]``,
            ``cache.A[l]``, ``cache.m``, ``cache.L``, ``cache.act[l]``) and returns any subset
            of the quantities, named ``"dZ[2]"``, ``"dZ2"``, ``("dZ", 2)`` or nested
            ``{"dZ": {2: ...}}``, or a formulation's ``BackpropResult``.
        model: an ``nn.MLP``; X, Y: the batch (columns are examples); loss: the cost's name.
        notation: ``"ours"`` (every name is ``∂J/∂·``), ``"rojas"`` or ``"course"`` (``dA``,
            ``dZ`` without the ``1/m``), ``"wichmann"`` (also ``Delta``, ``H``), ``"zhang"``
            (``delta``, ``sum_W_delta``: ``m·∂J/∂·``), ``"blog"`` (``dg_dz``: ``m·∂J/∂Z``).

    Returns:
        A :class:`GradeReport`: ``print`` it, ``.ok`` for the verdict.
    """
    run = run_autodiff(model, X, Y, loss, input_grad=True)
    cache = run.cache
    network = (f"MLP {list(cache.sizes)} "
               f"({', '.join(a.name for a in cache.activations[1:])}), {loss}, m = {cache.m}")
    return grade_cache(fn, cache, dict(run.gradients), notation, network)
