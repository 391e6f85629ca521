"""The node protocol, as types: what the walk and the drawings read of a recorded tensor.

``Tensor`` (``tensor.py``) implements both protocols; the core (``core.py``, which describes
the slots in prose), the guards and the drawings (``viz``) are written against them and never
import ``Tensor``. The layers and the absence of import circles are checked by
``lint-imports`` (``pyproject.toml``), not promised here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from .grad_mode import Scope
    from .ops import Op


class GraphNode(Protocol):
    """The public face of a tensor in a graph, which drawings read."""

    @property
    def name(self) -> str | None: ...
    @property
    def shape(self) -> tuple[int, ...]: ...
    @property
    def dtype(self) -> np.dtype: ...
    @property
    def grad(self) -> np.ndarray | None: ...
    @property
    def requires_grad(self) -> bool: ...
    @property
    def is_leaf(self) -> bool: ...
    @property
    def op(self) -> type[Op] | None: ...
    @property
    def parents(self) -> tuple[Any, ...]: ...
    @property
    def params(self) -> dict[str, Any]: ...
    @property
    def scope(self) -> Scope | None: ...


class Node(GraphNode, Protocol):
    """What backward reads and writes. Leaves have ``_op`` None; the other graph slots are
    set only on recorded nodes.

    - ``_data``: the values; ``_version``: the write counter shared by tensors that share
      memory (``[tick of the latest write]``).
    - ``_op``, ``_parents`` (inputs in order), ``_saved`` (what the rules read, or
      ``guards.FREED``),
      ``_stamp`` (the tick at which it was recorded: later than its inputs').
    - ``_retains_grad`` and ``_grad``: whether and where a non-leaf keeps its gradient;
      ``_hooks``: functions ``register_hook`` added (None: none).
    """

    _grad: np.ndarray | None  # written by backward
    _saved: Any  # replaced by FREED after backward
    requires_grad: bool

    @property
    def _data(self) -> np.ndarray: ...
    @property
    def _version(self) -> list[int]: ...
    @property
    def _op(self) -> type[Op] | None: ...
    @property
    def _parents(self) -> tuple[Node, ...]: ...
    @property
    def _stamp(self) -> int: ...
    @property
    def _retains_grad(self) -> bool: ...
    @property
    def _hooks(self) -> dict[int, Any] | None: ...

