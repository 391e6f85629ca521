"""The forward cache every closed-form formulation reads, and a NumPy forward pass to build it.

Shared convention (DESIGN.md; all four documents agree on it): samples are columns,
``W[l]`` has shape ``(n_l, n_{l-1})``, ``b[l]`` has shape ``(n_l, 1)``,
``Z[l] = W[l] @ A[l-1] + b[l]``, ``A[l] = act_l(Z[l])``, ``A[0] = X``. Layers are numbered
from 1 and ``L`` is the output layer, so every per-layer sequence holds ``None`` at index 0
(except ``A``, whose index 0 is ``X``).

The formulations are plain NumPy: only ``compare`` and ``errata.report`` run the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .losses import LOSSES


@runtime_checkable
class Activation(Protocol):
    """What the closed-form equations need from an activation.

    ``fn(Z)`` is the elementwise forward. For an elementwise activation
    (``elementwise = True``: identity, sigmoid, tanh, relu, leaky_relu, softplus)
    ``derivative(Z)`` is ``f'(Z)`` with ``Z``'s shape. For ``softmax`` over axis 0
    (``elementwise = False``) ``derivative(Z)`` has shape ``(m, n, n)``: the Jacobian of each
    column, ``J[k] = diag(s_k) - s_k s_k^T``.
    """

    name: str
    elementwise: bool

    def fn(self, Z: np.ndarray) -> np.ndarray: ...

    def derivative(self, Z: np.ndarray) -> np.ndarray: ...


def _layered(seq: Sequence[Any], what: str) -> tuple:
    items = tuple(seq)
    if len(items) < 2:
        raise ValueError(f"{what} needs index 0 (None) and layer 1 at least, got {len(items)}")
    if items[0] is not None:
        raise ValueError(f"{what}[0] must be None: layers are numbered from 1")
    return items


@dataclass(frozen=True)
class ForwardCache:
    """Everything a formulation takes: parameters, forward quantities, targets and the loss.

    Attributes:
        W: ``W[l]`` of shape ``(n_l, n_{l-1})`` for ``l = 1..L``; ``W[0] is None``.
        b: ``b[l]`` of shape ``(n_l, 1)``; ``b[0] is None``.
        Z: pre-activations ``Z[l] = W[l] @ A[l-1] + b[l]``, shape ``(n_l, m)``; ``Z[0] is None``.
        A: activations ``A[l] = act_l(Z[l])``, shape ``(n_l, m)``; ``A[0] = X``.
        activations: ``activations[l]`` follows :class:`Activation`; index 0 is ``None``.
        T: targets, shape ``(n_L, m)`` (one-hot columns for ``"cross_entropy"``).
        loss: ``"mse"``, ``"binary_cross_entropy"`` or ``"cross_entropy"`` (see ``losses``).
    """

    W: tuple
    b: tuple
    Z: tuple
    A: tuple
    activations: tuple
    T: np.ndarray
    loss: str

    def __post_init__(self) -> None:
        for field in ("W", "b", "Z", "activations"):
            object.__setattr__(self, field, _layered(getattr(self, field), field))
        object.__setattr__(self, "A", tuple(self.A))
        L = len(self.W) - 1
        for field in ("b", "Z", "activations"):
            if len(getattr(self, field)) != L + 1:
                raise ValueError(f"{field} has {len(getattr(self, field)) - 1} layers, W has {L}")
        if len(self.A) != L + 1:
            raise ValueError(f"A needs A[0] = X and A[1..{L}], got {len(self.A)} items")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; expected one of {sorted(LOSSES)}")
        m = self.A[0].shape[1]
        for l in range(1, L + 1):
            n_l, n_prev = self.W[l].shape
            expected = {
                "W": (self.W[l].shape, (n_l, self.A[l - 1].shape[0])),
                "b": (self.b[l].shape, (n_l, 1)),
                "Z": (self.Z[l].shape, (n_l, m)),
                "A": (self.A[l].shape, (n_l, m)),
            }
            for name, (got, want) in expected.items():
                if got != want:
                    raise ValueError(f"{name}[{l}] has shape {got}, expected {want}")
        if self.T.shape != self.A[L].shape:
            raise ValueError(f"T has shape {self.T.shape}, expected A[{L}]'s {self.A[L].shape}")

    @property
    def L(self) -> int:
        """Number of the output layer."""
        return len(self.W) - 1

    @property
    def m(self) -> int:
        """Number of examples (columns)."""
        return self.A[0].shape[1]

    @property
    def X(self) -> np.ndarray:
        """The inputs, ``A[0]``."""
        return self.A[0]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths ``(n_0, n_1, ..., n_L)``."""
        return tuple(a.shape[0] for a in self.A)

    @property
    def all_elementwise(self) -> bool:
        """Whether every layer's activation is elementwise (no softmax layer)."""
        return all(act.elementwise for act in self.activations[1:])

    def first_non_elementwise(self) -> int | None:
        """The first layer whose activation is not elementwise, or None."""
        for l in range(1, self.L + 1):
            if not self.activations[l].elementwise:
                return l
        return None


def forward(
    W: Sequence[np.ndarray | None],
    b: Sequence[np.ndarray | None],
    activations: Sequence[Activation | None],
    X: np.ndarray,
    T: np.ndarray,
    loss: str,
) -> ForwardCache:
    """Run ``Z[l] = W[l] @ A[l-1] + b[l]``, ``A[l] = act_l(Z[l])`` and return the cache.

    Shapes are checked by :class:`ForwardCache` and named in the error.
    """
    W, b, activations = _layered(W, "W"), _layered(b, "b"), _layered(activations, "activations")
    Z: list[np.ndarray | None] = [None]
    A: list[np.ndarray] = [X]
    for l in range(1, len(W)):
        if W[l].shape[1] != A[l - 1].shape[0]:
            raise ValueError(
                f"W[{l}] has shape {W[l].shape} but A[{l - 1}] has {A[l - 1].shape[0]} rows"
            )
        Z.append(W[l] @ A[l - 1] + b[l])
        A.append(activations[l].fn(Z[l]))
    return ForwardCache(W=W, b=b, Z=tuple(Z), A=tuple(A), activations=activations, T=T, loss=loss)
