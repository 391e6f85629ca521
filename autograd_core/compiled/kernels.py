"""Kernels: an op's forward written as NumPy calls into buffers allocated once (``out=``).

Each makes the very calls the op's own ``forward`` makes, in the same order and dtypes, so
the values are the same bit for bit; only where the result lands differs. A kernel returns
the plan's lines for tape position ``i`` (``v{i}``: the result, ``s{i}``: the saved tuple),
or None to leave the op to its own ``forward``. Used only for values nothing outside the
plan sees: results, escaped tensors and gradients handed to leaves are always fresh arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class Buffers:
    """The plan's preallocated arrays, named ``B0``, ``B1``... in its namespace."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names
        self.count = 0

    def new(self, shape: tuple[int, ...], dtype: np.dtype) -> str:
        name = f"B{self.count}"
        self.count += 1
        self.names[name] = np.empty(shape, dtype)
        return name

    def nbytes(self) -> int:
        return sum(self.names[f"B{n}"].nbytes for n in range(self.count))


Kernel = Callable[[Buffers, int, list[str], list[np.ndarray], dict | None], list[str] | None]
FORWARD: dict[type, Kernel] = {}
