"""What a recording read besides its arguments, and a check, before each replay, that it
is still as it was.

While ``fn`` records, ``Watch`` (a ``sys.setprofile`` function) collects the code of every
Python function that runs outside this library, ``nn``, NumPy and the standard library:
the user's code. ``Guards`` then reads, for each of those functions, the globals its
bytecode loads and the closure cells it reads, and for ``fn`` its arguments that are not
arrays, and follows each value by its kind:

- numbers, strings, ``None``, functions, classes, modules: by identity (the same object is
  the same value; a function's own globals are guarded if it runs);
- a tuple: its items; a list, dict or set: identity and content (items by identity);
- an ndarray: identity and content (a copy, compared at each call);
- a stateful object of the stamp protocol (``autograd_core.stamps``: ``nn`` modules,
  optimizers): identity and stamp, then the parts it lists;
- any other object with a ``__dict__``: identity and its attributes, as a dict.

Anything else is refused at the recording, as is a function that assigns a global or a
nonlocal (a replay would not). The checks are written out as one Python function of
``is`` comparisons, so a call pays a few microseconds.
"""

from __future__ import annotations

import dis
import functools
import gc
import os
import sys
import sysconfig
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from ..stamps import is_stamped
from ..tensor import Tensor
from .randomness import RandomWatch

_MISSING = object()
_ATOMS = (type(None), bool, int, float, complex, str, bytes, np.generic, np.dtype, range,
          slice, type(Ellipsis), type, types.ModuleType, types.FunctionType,
          types.BuiltinFunctionType, types.BuiltinMethodType, types.MethodWrapperType,
          types.WrapperDescriptorType, types.MethodDescriptorType, types.CodeType, Tensor)
_LARGEST_ARRAY = 1_000_000  # elements: an array compared at every call, or passed in
_MOST_CHECKS = 5_000  # beyond this, guarding costs more than a replay saves

# code not watched: the standard library and installed packages (and, below, this library,
# nn and NumPy wherever they are installed from)
_LIBRARY = tuple({sysconfig.get_paths()[k] + os.sep for k in ("stdlib", "platstdlib",
                                                              "purelib", "platlib")})


class Refused(RuntimeError):
    """A dependency compile cannot check at each call: the recording is refused."""


class Watch:
    """``with Watch(fn) as w:`` runs the block with a profile function that notes the user's
    code that ran (``w.codes``: code -> its globals) and the randomness it used."""

    def __init__(self, fn: Any = None) -> None:
        self.fn = fn
        self._before: dict[str, Any] = {}
        if fn is not None and not isinstance(fn, types.FunctionType) and not is_stamped(fn) \
                and isinstance(getattr(fn, "__dict__", None), dict):
            self._before = dict(vars(fn))
        self.codes: dict[types.CodeType, dict[str, Any]] = {}
        self.own: set[tuple[int, str]] = set()  # (id of a __dict__, key) fn assigned
        self.random = RandomWatch()
        # the compiled function itself is watched wherever it is defined (nn.fit's own)
        self._user: dict[types.CodeType, bool] = dict.fromkeys(_functions_of(fn), True)
        self._previous: Any = None

    def __enter__(self) -> Watch:
        self._previous = sys.getprofile()
        self.random.start()
        sys.setprofile(self._event)
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.setprofile(self._previous)
        self.random.stop()
        if self._before:
            now = vars(self.fn)
            self.own = {(id(now), k) for k, v in now.items()
                        if self._before.get(k, _MISSING) is not v}

    def _event(self, frame: types.FrameType, event: str, arg: Any) -> None:
        if event == "call" or event == "return":
            code = frame.f_code
            user = self._user.get(code)
            if user is None:
                user = self._user[code] = _is_user_code(code, frame.f_globals)
            if user:
                if event == "call":
                    self.codes.setdefault(code, frame.f_globals)
                    self.random.see_frame(frame, code, first=True)
                else:
                    self.random.see_frame(frame, code, first=False)
        elif event == "c_call":
            self.random.see_builtin(arg, self._user.get(frame.f_code, False))
        if self._previous is not None:  # a profiler that was running (cProfile) goes on
            self._previous(frame, event, arg)


def _is_user_code(code: types.CodeType, globals_: dict[str, Any]) -> bool:
    module = str(globals_.get("__name__", ""))
    if module.split(".")[0] in ("autograd_core", "nn", "numpy"):  # code made by exec too
        return False
    name = code.co_filename
    if name.startswith("<frozen") or name.startswith(_LIBRARY):
        return False
    return not name.startswith(_package_dirs())


@functools.cache
def _package_dirs() -> tuple[str, ...]:
    import importlib.util
    dirs = []
    for package in ("autograd_core", "nn", "numpy"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            dirs.append(os.path.dirname(spec.origin) + os.sep)
    return tuple(dirs)


@functools.lru_cache(maxsize=4096)
def _reads_and_writes(code: types.CodeType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The global names ``code`` loads, and the globals and nonlocals it assigns."""
    reads, writes = [], []
    for ins in dis.get_instructions(code):
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            reads.append(ins.argval)
        elif ins.opname in ("STORE_GLOBAL", "DELETE_GLOBAL"):
            writes.append(f"global {ins.argval!r}")
        elif ins.opname in ("STORE_DEREF", "DELETE_DEREF") and ins.argval in code.co_freevars:
            writes.append(f"nonlocal {ins.argval!r}")
    return tuple(dict.fromkeys(reads)), tuple(dict.fromkeys(writes))


class Guards:
    """The checks of one recording: ``changed()`` names the first value that differs, or
    returns None when every value is as the recording left it."""

    def __init__(self, fn: Any, args: tuple, kwargs: dict, watch: Watch) -> None:
        """``watch.own``: attributes of a callable object ``fn`` that its call assigned
        (its own bookkeeping, a call counter): written, not read, so not guarded."""
        self.lines: list[str] = []
        self.labels: list[str] = []
        self.names: dict[str, Any] = {"M": _MISSING, "same_items": _same_items,
                                      "same_dict": _same_dict, "same_array": _same_array}
        self._seen: set[int] = set()
        self.own = watch.own
        self.tensors: set[int] = {id(a) for a in (*args, *kwargs.values())
                                  if isinstance(a, Tensor)}  # what a replay may read as leaves
        # the function objects met so far, by code: whose closure cells a code read
        self.functions = _functions_of(fn)
        for k, value in [*enumerate(args), *kwargs.items()]:
            if not isinstance(value, Tensor | np.ndarray):
                self._follow(value, f"argument {k!r}", 0)
        if not isinstance(fn, types.FunctionType):
            self._follow(fn, "the compiled function", 0)
        for code, globals_ in watch.codes.items():
            where = f"{code.co_name}() ({os.path.basename(code.co_filename)}:" \
                    f"{code.co_firstlineno})"
            reads, writes = _reads_and_writes(code)
            if writes:
                raise Refused(f"compile: {where} assigns the {writes[0]}; a replay runs only "
                              f"the recorded operations and would not assign it. Return the "
                              f"value from the function, or keep the state outside it")
            for name in reads:  # a builtin's name too: a global may come to shadow it
                self._entry(globals_, name, f"global {name!r} read by {where}")
            if code.co_freevars:
                for function in self.functions.get(code) or _functions_with(code):
                    cells = function.__closure__ or ()
                    for name, cell in zip(code.co_freevars, cells):
                        self._cell(cell, f"variable {name!r} that {where} closes over")
            for function in self.functions.get(code, ()):
                if function.__defaults__:
                    self._follow(function.__defaults__, f"the defaults of {where}", 0)
        self.check = self._compile()

    def refuse_unreachable(self, parameters: list[Tensor]) -> None:
        """Refuse a parameter (a leaf that requires grad) the recording read through no
        route the guards watch: if that route came to give another tensor, the replay would
        still read this one."""
        for t in parameters:
            if id(t) not in self.tensors:
                name = f" {t.name!r}" if t.name else ""
                raise Refused(f"compile: the recording read the tensor{name} of shape "
                              f"{t.shape} (it requires grad) through nothing compile can watch: "
                              f"it is not an argument, and no global, closure variable or "
                              f"module the function reads holds it; pass it as an argument")

    def changed(self) -> str | None:
        failed = self.check()
        return None if failed < 0 else self.labels[failed]

    # ------------------------------------------------------------ collecting checks

    def _add(self, test: str, label: str, **values: Any) -> None:
        n = len(self.lines)
        if n >= _MOST_CHECKS:
            raise Refused(f"compile: the recording depends on more than {_MOST_CHECKS} values "
                          f"(the last one: {label}); checking them at each call would cost "
                          f"more than the replay saves. Pass the data the function reads as "
                          f"arguments")
        for key, value in values.items():
            self.names[f"{key}{n}"] = value
        self.lines.append(f"    if {test.format(n=n)}: return {n}")
        self.labels.append(label)

    def _entry(self, mapping: dict, key: Any, label: str) -> None:
        value = mapping.get(key, _MISSING)
        self._add("d{n}.get(k{n}, M) is not v{n}", label, d=mapping, k=key, v=value)
        self._follow(value, label, 0)

    def _cell(self, cell: Any, label: str) -> None:
        try:
            value = cell.cell_contents
        except ValueError:  # not assigned yet
            value = _MISSING
        self._add("getattr(c{n}, 'cell_contents', M) is not v{n}", label, c=cell, v=value)
        self._follow(value, label, 0)

    def _follow(self, value: Any, label: str, depth: int) -> None:
        """The checks that ``value`` (already checked by identity where it is held) still
        holds what it held: see the module docstring for each kind."""
        if isinstance(value, _ATOMS) or value is _MISSING:
            if isinstance(value, Tensor):
                self.tensors.add(id(value))
            elif isinstance(value, types.FunctionType):
                known = self.functions.setdefault(value.__code__, [])
                if value not in known:
                    known.append(value)
            return
        if id(value) in self._seen:
            return
        self._seen.add(id(value))  # the objects followed are held by the checks: ids stay
        if depth > 8:
            raise Refused(f"compile: {label} nests objects more than 8 deep; pass what the "
                          f"function reads as arguments")
        if isinstance(value, tuple | frozenset):
            for i, item in enumerate(value):
                self._follow(item, f"{label}[{i}]", depth + 1)
        elif isinstance(value, list):
            self._add("not same_items(o{n}, v{n})", f"the list {label}", o=value,
                      v=tuple(value))
            for i, item in enumerate(value):
                self._follow(item, f"{label}[{i}]", depth + 1)
        elif isinstance(value, dict):
            self._dict(value, label, depth)
        elif isinstance(value, set):
            self._add("o{n} != v{n}", f"the set {label}", o=value, v=frozenset(value))
        elif isinstance(value, np.ndarray):
            if value.size > _LARGEST_ARRAY:
                raise Refused(f"compile: {label} is an array of {value.size:,} elements, too "
                              f"large to compare at each call; pass it as an argument")
            self._add("not same_array(o{n}, v{n})", f"the values of the array {label}",
                      o=value, v=value.copy())
        elif is_stamped(value):
            self._add("o{n}._stamp != v{n}", f"{label} (a {type(value).__name__}: an "
                      f"attribute was assigned)", o=value, v=value._stamp)
            for part in value._stamp_parts():
                self._follow(part, f"a part of {label}", depth + 1)
            for held in vars(value).values():  # its tensors: guarded by the stamp
                items = held if isinstance(held, tuple | list) else (held,)
                self.tensors.update(id(t) for t in items if isinstance(t, Tensor))
        elif _is_random(value):
            return  # watched while recording (randomness.py)
        elif isinstance(value, types.MethodType):
            self._follow(value.__self__, f"{label} (its object)", depth + 1)
        elif isinstance(value, functools.partial):
            self._follow((value.func, value.args, value.keywords), label, depth + 1)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            self._dict(vars(value), f"{label} (a {type(value).__name__})", depth)
        else:
            raise Refused(f"compile: the recording read {label}, a {type(value).__name__}, "
                          f"whose changes compile cannot see; pass it to the function as an "
                          f"argument (arrays and Tensors are read at each call)")

    def _dict(self, mapping: dict, label: str, depth: int) -> None:
        keys = tuple(k for k in mapping if (id(mapping), k) not in self.own)
        self._add(f"not same_dict(o{{n}}, {len(mapping)}, k{{n}}, v{{n}})",
                  f"the content of {label}", o=mapping, k=keys,
                  v=tuple(mapping[k] for k in keys))
        for key in keys:
            self._follow(mapping[key], f"{label}[{key!r}]", depth + 1)

    def _compile(self) -> Callable[[], int]:
        source = "def check():\n" + "".join(line + "\n" for line in self.lines) + \
                 "    return -1\n"
        exec(compile(source, "<compile guards>", "exec"), self.names)  # noqa: S102
        return self.names["check"]


def _same_items(items: Any, snapshot: tuple) -> bool:
    return len(items) == len(snapshot) and all(map(_is, items, snapshot))


def _same_dict(mapping: dict, size: int, keys: tuple, values: tuple) -> bool:
    return len(mapping) == size and \
        all(map(_is, map(mapping.get, keys, (_MISSING,) * len(keys)), values))


def _same_array(array: np.ndarray, snapshot: np.ndarray) -> bool:
    return array.shape == snapshot.shape and array.dtype == snapshot.dtype and \
        bool(np.array_equal(array, snapshot, equal_nan=array.dtype.kind in "fc"))


def _is(a: Any, b: Any) -> bool:
    return a is b


def _is_random(value: Any) -> bool:
    import random
    return isinstance(value, np.random.Generator | np.random.RandomState | random.Random |
                      np.random.BitGenerator)


def _functions_of(fn: Any) -> dict[types.CodeType, list[types.FunctionType]]:
    """The function objects behind ``fn`` by their code (a bound method's, a partial's)."""
    found: dict[types.CodeType, list[types.FunctionType]] = {}
    todo, seen = [fn], set()
    while todo:
        f = todo.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        if isinstance(f, types.FunctionType):
            found.setdefault(f.__code__, []).append(f)
        elif isinstance(f, types.MethodType):
            todo.append(f.__func__)
        elif isinstance(f, functools.partial):
            todo.append(f.func)
    return found


def _functions_with(code: types.CodeType) -> list[types.FunctionType]:
    """Every live function whose code is ``code`` (closures made by one ``def`` in a loop
    share it): each one's cells are guarded. Run once per recording and code object."""
    return [f for f in gc.get_referrers(code)
            if isinstance(f, types.FunctionType) and f.__code__ is code]
