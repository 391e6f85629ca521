"""Who may write a tensor's memory: the engine owns its arrays and counts every write.

A value saved for backward must not change before backward reads it. Three rules make any
write that NumPy permits either counted (and refused at backward) or impossible:

1. **The engine owns its arrays.** ``Tensor(array)``, ``t.data = array`` and an ndarray
   operand of a recorded op (``w * arr``, ``model(X)``) copy the caller's array, as
   ``torch.tensor`` does, so changing the caller's array later changes nothing here. (A
   Tensor is never copied: ``Tensor(t)``, ``Tensor(t.data)`` share ``t``'s memory and its
   version counter.)
2. **Handed-out memory is read-only.** ``t.data``, ``t.numpy()`` and ``np.asarray(t)`` first
   make the array's memory read-only (``freeze``), so ``np.asarray(t.data)[0] = 5``,
   ``t.data.flat[0] = 5`` or ``t.data.view(np.ndarray)[0] = 5`` raise NumPy's "read-only"
   error at the write.
3. **Writes through ``t.data`` are counted.** It is a ``TrackedArray``: a read-only view
   whose writing methods (``t.data[...] = v``, ``t.data += 1``, ``np.copyto(t.data, v)``,
   ``np.add(a, b, out=t.data)``, ``fill``, ``sort``, ``put``) write through ``writable`` and
   bump the tensor's version counter, which backward compares with the moment the value was
   saved.

Versions are ticks of the clock (``clock.py``) that also stamps every recorded node. A
result that is a view of its input's memory shares the input's counter (``counter_for``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import numpy as np

from .clock import mark_written


def counter_for(data: np.ndarray, source: Any) -> list[int]:
    """``source``'s version counter if ``data`` is a view of its memory (writes to either
    change both), else a new one."""
    if data.base is not None and np.may_share_memory(data, source._data):
        return source._version
    return [0]


def _root(array: np.ndarray) -> object:
    """The object that owns ``array``'s memory (an ndarray, or a foreign buffer)."""
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return array


def freeze(array: np.ndarray) -> np.ndarray:
    """Make ``array``'s memory read-only at its owner, so no view of it can be made writeable
    again (NumPy refuses ``flags.writeable = True`` below a read-only owner); return it."""
    root: Any = _root(array)
    if isinstance(root, np.ndarray) and root.flags.writeable:
        root.flags.writeable = False
    return array


def write(array: np.ndarray, fn: Any, *args: Any, **kwargs: Any) -> None:
    """``fn(view, *args, **kwargs)`` with a writable plain view of ``array``'s memory, for the
    engine's own writes; the memory is read-only again afterwards if it was before. Memory
    never handed out is written directly: no view, no flags (an optimizer's step, mostly)."""
    if type(array) is np.ndarray and array.flags.writeable:  # never handed out: write it
        fn(array, *args, **kwargs)
        return
    with writable(array) as view:
        fn(view, *args, **kwargs)


@contextmanager
def writable(array: np.ndarray) -> Iterator[np.ndarray]:
    """A writable plain view of ``array``'s memory for the block (``write`` for one call)."""
    root: Any = _root(array)
    frozen = isinstance(root, np.ndarray) and not root.flags.writeable
    if frozen:
        root.flags.writeable = True
    try:
        view = array.view(np.ndarray)
        view.flags.writeable = True  # allowed now that the owner is
        yield view
    finally:
        if frozen:
            root.flags.writeable = False


_WRITES_FIRST_ARGUMENT = {
    np.copyto, np.place, np.put, np.putmask, np.fill_diagonal, np.put_along_axis,
}


def _bump(array: object) -> None:
    if isinstance(array, TrackedArray) and array._version is not None:
        mark_written(array._version)


def _plain(array: object) -> object:
    return array.view(np.ndarray) if isinstance(array, TrackedArray) else array


def _writable_outs(stack: ExitStack, out: object) -> object:
    """``out`` (an array or a tuple of them) with each tracked array counted as written and
    replaced by a writable view of its memory."""
    if isinstance(out, tuple):
        return tuple(_writable_outs(stack, a) for a in out)
    if isinstance(out, TrackedArray):
        _bump(out)
        return stack.enter_context(writable(out))
    return out


class TrackedArray(np.ndarray):
    _version: list[int] | None = None  # the owning tensor's counter, shared by its views
    _source: np.ndarray | None = None  # the tensor array this very view was made of (.data)

    def __array_finalize__(self, obj: object) -> None:
        # Views (slices, .T) write the same memory: they keep the counter. Copies do not.
        self._version = getattr(obj, "_version", None) if self.base is not None else None
        self._source = None  # only the view Tensor.data returns has one

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        args = [_plain(a) for a in inputs]
        if out is None and method == "__call__":
            return ufunc(*args, **kwargs)
        if method == "__call__" and len(out) == 1 and isinstance(out[0], TrackedArray):
            _bump(out[0])  # `t.data -= lr * g`: the common write, without the ExitStack
            write(out[0], lambda view: ufunc(*args, out=(view,), **kwargs))
            return out[0]
        with ExitStack() as stack:
            if method == "at":  # np.add.at(a, ...) writes its first argument
                args[0] = _writable_outs(stack, inputs[0])
            if out is None:
                return getattr(ufunc, method)(*args, **kwargs)
            kwargs["out"] = _writable_outs(stack, out)
            getattr(ufunc, method)(*args, **kwargs)
        return out[0] if len(out) == 1 else out  # `a += 1` rebinds `a` to the tracked view

    def __array_function__(self, func, types, args, kwargs):
        with ExitStack() as stack:
            if func in _WRITES_FIRST_ARGUMENT and args:
                args = (_writable_outs(stack, args[0]), *args[1:])
            if kwargs.get("out") is not None:
                kwargs = {**kwargs, "out": _writable_outs(stack, kwargs["out"])}
            return super().__array_function__(func, types, args, kwargs)

    def _write(self, method: str, *args, **kwargs) -> None:
        _bump(self)
        write(self, lambda view: getattr(view, method)(*(_plain(a) for a in args), **kwargs))

    def __setitem__(self, index, value) -> None:
        self._write("__setitem__", index, value)

    def fill(self, value) -> None:
        self._write("fill", value)

    def sort(self, *args, **kwargs) -> None:
        self._write("sort", *args, **kwargs)

    def partition(self, *args, **kwargs) -> None:
        self._write("partition", *args, **kwargs)

    def put(self, *args, **kwargs) -> None:
        self._write("put", *args, **kwargs)

    def copy(self, order="C") -> np.ndarray:  # type: ignore[override]  # a plain array
        return self.view(np.ndarray).copy(order)

    def __reduce__(self):
        return self.view(np.ndarray).__reduce__()

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __str__(self) -> str:
        return str(self.view(np.ndarray))
