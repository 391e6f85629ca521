"""Buffers by liveness: the plan's steps, and the pass that gives each kernel's value a buffer.

A ``Step`` is a few lines of the generated program that define one value (``{v}``) and may
write it into a buffer (``{buf}``). ``allocate`` walks the steps in order and reuses a buffer
once every value that may refer to it (the value itself, a saved tuple holding it, a view of
it) has had its last use; buffers that names defined before the steps refer to (the saved
values a backward reads) are never reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Step:
    code: list[str]  # lines with {v} (the value's name) and {buf} (its buffer, or None)
    value: str | None  # the name it defines ({v})
    uses: list[str]
    aliases: dict[str, set[str]] = field(default_factory=dict)  # defined name -> names it may
    # share memory with (its own buffer aside)
    shape: tuple[int, ...] | None = None  # a buffer may hold the value
    dtype: Any = None
    in_place: tuple[str, ...] = ()  # operands whose buffer the value may take over


def allocate(steps: list[Step], known: dict[str, set[str]], pool: dict[tuple, list[str]],
              names: dict[str, Any], buffers: list[np.ndarray]
              ) -> tuple[list[str], dict[str, set[str]], dict[tuple, list[str]]]:
    """The steps' lines with buffers filled in, reusing a buffer once nothing live refers to
    it. ``known``: the buffers that names defined before these steps refer to (held
    throughout). Returns the lines, each name's buffers, and the free buffers by shape."""
    last = {u: k for k, step in enumerate(steps) for u in step.uses}
    bufs: dict[str, set[str]] = dict(known)
    held = set().union(*known.values()) if known else set()
    holders: dict[str, set[str]] = {}  # buffer -> the live names that may refer to it
    lines = []
    for k, step in enumerate(steps):
        buffer = None
        if step.shape is not None:
            key = (tuple(step.shape), np.dtype(step.dtype).str)
            for u in step.in_place:  # an operand dying here lends its buffer
                lent = bufs.get(u, set())
                if last.get(u) == k and len(lent) == 1:
                    (b,) = lent
                    if _key_of(names[b]) == key and b not in held and \
                            all(last.get(n, -1) <= k for n in holders[b]):
                        buffer = b
                        break
            if buffer is None and pool.get(key):
                buffer = pool[key].pop()
            if buffer is None:
                buffer = f"B{len(buffers)}"
                names[buffer] = np.empty(step.shape, step.dtype)
                buffers.append(names[buffer])
            holders[buffer] = set()
        fill = {"v": step.value or "", "buf": buffer or "None"}
        lines += [line.format(**fill) for line in step.code]
        for name, aliases in step.aliases.items():
            bufs[name] = set().union(*(bufs.get(a, set()) for a in aliases))
            if name == step.value and buffer is not None:
                bufs[name].add(buffer)
            for b in bufs[name]:
                holders.setdefault(b, set()).add(name)
        for name in {*step.uses, *step.aliases}:  # release what dies here
            if last.get(name, -1) > k or name in known:
                continue
            for b in bufs.get(name, ()):
                who = holders.get(b)
                if who is not None and name in who:
                    who.discard(name)
                    if not who and b not in held:
                        pool.setdefault(_key_of(names[b]), []).append(b)
    return lines, bufs, pool


def _key_of(array: np.ndarray) -> tuple:
    return (array.shape, array.dtype.str)
