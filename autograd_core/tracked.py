"""The array ``Tensor.data`` hands out: a view that counts in-place writes.

A tensor saved for backward must not change before backward reads it. NumPy cannot tell us
when an array is written, so ``Tensor.data`` returns this view of the tensor's array; every
in-place write through it (``t.data[...] = v``, ``t.data += 1``, ``np.copyto(t.data, v)``,
``np.add(a, b, out=t.data)``, ``fill``, ``sort``) bumps the tensor's version counter, which
backward compares with the moment the tensor was saved. Everything that is not a write
behaves as on a plain ndarray and returns plain ndarrays.

Versions are ticks of one clock (``tick``) shared with the engine, which stamps every
recorded node with a tick too: an array was written after a node was recorded exactly when
its version is later than the node's stamp, and ``LAST_WRITE`` lets backward skip the
check altogether while nothing has been written since.
"""

from __future__ import annotations

import itertools

import numpy as np

tick = itertools.count(1).__next__  # the clock: node stamps and write versions, increasing
LAST_WRITE = [0]  # the tick of the latest in-place write anywhere


def mark_written(version: list[int]) -> None:
    """Record an in-place write to the array(s) sharing the counter ``version``."""
    version[0] = LAST_WRITE[0] = tick()

_WRITES_FIRST_ARGUMENT = {
    np.copyto, np.place, np.put, np.putmask, np.fill_diagonal, np.put_along_axis,
}


def _bump(array: object) -> None:
    if isinstance(array, TrackedArray) and array._version is not None:
        mark_written(array._version)


def _plain(array: object) -> object:
    return array.view(np.ndarray) if isinstance(array, TrackedArray) else array


class TrackedArray(np.ndarray):
    _version: list[int] | None = None  # the owning tensor's counter, shared by its views

    def __array_finalize__(self, obj: object) -> None:
        # Views (slices, .T) write the same memory: they keep the counter. Copies do not.
        self._version = getattr(obj, "_version", None) if self.base is not None else None

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        args = [a.view(np.ndarray) if isinstance(a, TrackedArray) else a for a in inputs]
        if method == "at":  # np.add.at(a, ...) writes its first argument
            _bump(inputs[0])
        if out is None:
            return getattr(ufunc, method)(*args, **kwargs)
        for array in out:
            _bump(array)
        kwargs["out"] = tuple(_plain(a) for a in out)
        getattr(ufunc, method)(*args, **kwargs)
        return out[0] if len(out) == 1 else out  # `a += 1` rebinds `a` to the tracked view

    def __array_function__(self, func, types, args, kwargs):
        if func in _WRITES_FIRST_ARGUMENT and args:
            _bump(args[0])
        return super().__array_function__(func, types, args, kwargs)

    def __setitem__(self, index, value) -> None:
        _bump(self)
        super().__setitem__(index, value)

    def fill(self, value) -> None:
        _bump(self)
        super().fill(value)

    def sort(self, *args, **kwargs) -> None:
        _bump(self)
        super().sort(*args, **kwargs)

    def put(self, *args, **kwargs) -> None:
        _bump(self)
        super().put(*args, **kwargs)

    def copy(self, order="C") -> np.ndarray:
        return self.view(np.ndarray).copy(order)

    def __reduce__(self):
        return self.view(np.ndarray).__reduce__()

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __str__(self) -> str:
        return str(self.view(np.ndarray))
