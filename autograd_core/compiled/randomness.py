"""Random draws while a function records: found, undone, refused.

A replay repeats the recorded operations with the recording's constants, so numbers drawn
while recording (a dropout mask, noise) would be the same at every call. Compile refuses
them, and puts every generator it saw back as it was, so that the refused call draws nothing.

NumPy's generators are C code that a profile function does not see; their draws are found
by their state instead. ``RandomWatch`` notes, before they can draw, the state of NumPy's
global generator (``np.random.rand``...), Python's (``random.random``...) and of every
``Generator``, ``RandomState`` or ``random.Random`` a function of the user's receives, reads
as a global or closes over, or holds as an attribute of an argument (``self.rng``); after
the recording, any state that moved is a draw. A generator first met when a function
returns (made inside it, say) had no state noted and is refused as such. Python's own
random functions and the system's entropy (``os.urandom``) are C calls the profile function
sees, when the user's code makes them (the clock is left to the caller).
"""

from __future__ import annotations

import os
import random
import types
from typing import Any

import numpy as np

Generators = np.random.Generator | np.random.RandomState | random.Random

_ENTROPY = {os.urandom}  # the system's randomness (np.random.default_rng() without a seed)
_HOW = ("draw them outside the function and pass them in as an argument (a mask or noise "
        "as an array: step(X, mask)); a replay would repeat the recording's numbers at every "
        "call")


class RandomWatch:
    def __init__(self) -> None:
        self.noted: dict[int, tuple[Any, Any]] = {}  # id -> (generator, state when first met)
        self.scanned: set[types.CodeType] = set()  # codes whose globals were looked at
        self.late: list[str] = []  # generators first met at a function's return
        self.calls: list[str] = []  # C calls that draw or read entropy

    def start(self) -> None:
        self._note(np.random.mtrand._rand)
        self._note(random._inst)  # type: ignore[attr-defined]  # random.random's generator

    def stop(self) -> None:
        pass

    def see_frame(self, frame: types.FrameType, code: types.CodeType, first: bool) -> None:
        """A user function's call (``first``: its arguments and closure) or its return
        (its locals: a generator not noted before was made or first reached there)."""
        for value in frame.f_locals.values():
            self._see(value, first, code)
            if first and hasattr(value, "__dict__") and not isinstance(value, type):
                try:
                    attributes = list(vars(value).values())
                except TypeError:
                    continue
                for attribute in attributes:  # self.rng
                    self._see(attribute, first, code)
        if first and code not in self.scanned:
            self.scanned.add(code)
            g = frame.f_globals
            for name in code.co_names:
                value = g.get(name)
                if value is not None:
                    self._see(value, first, code)

    def see_builtin(self, fn: Any, by_user: bool) -> None:
        """A C function called: Python's random functions from the user's code (a library
        may keep a generator of its own), the system's entropy from anywhere (an unseeded
        ``np.random.default_rng()`` asks for it)."""
        owner = getattr(fn, "__self__", None)
        if isinstance(owner, random.Random) and by_user:
            name = f"random.{getattr(fn, '__name__', '?')}()"
        elif fn in _ENTROPY:
            name = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__name__', '?')}()"
        else:
            return
        if name not in self.calls:
            self.calls.append(name)

    def _see(self, value: Any, first: bool, code: types.CodeType) -> None:
        if not isinstance(value, Generators):
            return
        if id(value) in self.noted:
            return
        if first:
            self._note(value)
        else:
            self.late.append(f"a {type(value).__name__} made or first reached in "
                             f"{code.co_name}()")

    def _note(self, generator: Any) -> None:
        self.noted[id(generator)] = (generator, _state(generator))

    # ------------------------------------------------------------ after the recording

    def problem(self) -> str | None:
        """What the recording drew, or None; the generators that moved are put back."""
        moved = [g for g, state in self.noted.values() if not _same(_state(g), state)]
        self.restore()
        what = [*(_name(g) for g in moved), *self.late, *self.calls]
        if not what:
            return None
        return (f"compile: the function used random numbers while it was recorded "
                f"({', '.join(what)}); {_HOW}")

    def restore(self) -> None:
        for generator, state in self.noted.values():
            if not _same(_state(generator), state):
                _set_state(generator, state)


def _state(g: Any) -> Any:
    if isinstance(g, random.Random):
        try:
            return g.getstate()
        except NotImplementedError:  # SystemRandom: no state, every draw is new
            return None
    return g.bit_generator.state if isinstance(g, np.random.Generator) else \
        g._bit_generator.state


def _set_state(g: Any, state: Any) -> None:
    if isinstance(g, random.Random):
        if state is not None:
            g.setstate(state)
    elif isinstance(g, np.random.Generator):
        g.bit_generator.state = state
    else:
        g._bit_generator.state = state


def _same(a: Any, b: Any) -> bool:
    """States hold arrays (MT19937's key): compared item by item."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _name(g: Any) -> str:
    if g is np.random.mtrand._rand:
        return "NumPy's global generator (np.random.rand, randn, ...)"
    if g is random._inst:  # type: ignore[attr-defined]
        return "Python's random module"
    return f"a {type(g).__name__}"
