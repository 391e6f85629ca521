"""Checking and converting what a caller passes to a Tensor or an op: data, axes, indices,
the seed of backward; and how error messages name an operand."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number
from typing import Any

import numpy as np

from .tracked import TrackedArray

Axis = int | Sequence[int] | None


def _same_memory(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.strides == b.strides and a.dtype == b.dtype and \
        a.__array_interface__["data"][0] == b.__array_interface__["data"][0]


def _own_index(index: Any) -> Any:
    """``index`` with every array (or list) in it copied: the rule reads it at backward, so
    the caller must not be able to change it in between."""
    if isinstance(index, tuple):
        return tuple(_own_index(i) for i in index)
    if hasattr(index, "_data"):  # a Tensor
        return np.array(index._data)
    if isinstance(index, np.ndarray | list):
        return np.array(index)
    return index


def _described(value: Any) -> str:
    """An operand for an error message: its shape and dtype, or its type."""
    if isinstance(value, np.ndarray | np.generic | Number):
        return f"shape {np.shape(value)}, dtype {np.result_type(value)}"  # type: ignore[arg-type]
    return type(value).__name__


def _label(t: Any, lead: str = " ") -> str:
    return f"{lead}{t.name!r}" if t.name is not None else ""


def _shaped(t: Any) -> str:
    """An operand for an error message: its name, if it has one, and its shape."""
    return f"{t.name!r} {t.shape}" if t.name is not None else f"shape {t.shape}"


def _is_real(x: Any) -> bool:
    return isinstance(x, Number | np.number) and not isinstance(x, complex | np.complexfloating)


def _as_array(data: Any, copy: bool = False) -> np.ndarray:
    if isinstance(data, np.ndarray | np.generic):
        array = data.view(np.ndarray) if isinstance(data, TrackedArray) else data
        array = np.array(array) if copy else np.asarray(array)
    else:
        try:
            array = np.asarray(data)
        except (ValueError, TypeError) as err:
            raise TypeError(f"Tensor: cannot make an array of {type(data).__name__}: {err}") \
                from None
        if array.dtype.kind in "biuf":
            array = array.astype(np.float64)  # Python scalars and lists become float64
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor: data must be numeric (bool, integer or float), got dtype "
                        f"{array.dtype} from {type(data).__name__}")
    return array


def _require_float(array: np.ndarray, where: str) -> None:
    if array.dtype.kind != "f":
        raise TypeError(f"{where}: requires_grad=True needs floating-point data, got "
                        f"{array.dtype}; convert it first, e.g. np.asarray(x, dtype=float)")


def _axes(t: Any, axis: Axis, op: str) -> tuple[int, ...] | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int | np.integer) else axis
    if not isinstance(axes, tuple | list) or not all(
            isinstance(a, int | np.integer) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: axis must be an int or a tuple of ints, got "
                        f"{type(axis).__name__} {axis!r}")
    for a in axes:
        if not -t.ndim <= a < t.ndim:
            raise ValueError(f"{op}: axis {a} is out of range for tensor{_label(t)} with "
                             f"{t.ndim} axes (shape {t.shape})")
    normal = tuple(int(a) % t.ndim for a in axes)
    if len(set(normal)) != len(normal):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return normal


def _seed(root: Any, grad: Any, where: str) -> np.ndarray:
    """The gradient that starts backward at ``root``, checked against its shape."""
    if not root.requires_grad:
        raise RuntimeError(f"{where}: tensor{_label(root)} does not require grad and has no "
                           f"graph: make a leaf with requires_grad=True (outside no_grad)")
    if grad is None:
        if root.size != 1:
            raise RuntimeError(f"{where}: tensor{_label(root)} has shape {root.shape} "
                               f"({root.size} elements); only a one-element tensor seeds its "
                               f"own gradient, so pass grad= (an array of shape {root.shape})")
        return np.ones(root.shape, dtype=root.dtype)
    seed = np.asarray(grad._data if hasattr(grad, "_data") else grad, dtype=root.dtype)
    if seed.shape != root.shape:
        raise ValueError(f"{where}: grad has shape {seed.shape} but tensor{_label(root)} has "
                         f"shape {root.shape}")
    return seed
