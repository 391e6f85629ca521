"""The backward steps in our notation (``dJ/d·``, samples as columns), the learner's view of the
forward cache, and the order and dependencies the grader walks.

Backward order, for ``l = L .. 1``: ``dA[l], dZ[l], dW[l], db[l]``, then ``dA[0]`` (``dJ/dX``).
Each quantity is built from one other (its *input*): ``dZ[l]`` from ``dA[l]``; ``dW[l]``,
``db[l]`` and ``dA[l-1]`` from ``dZ[l]``; ``dA[L]`` from the loss alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..losses import dJ_dA_L
from ..network import ForwardCache
from .names import NOTATIONS, parse_key

Key = tuple[str, int]


_LAYERED = ("W", "b", "Z", "A", "act", "activations")
_WHOLE = ("X", "Y", "T", "m", "L", "loss", *_LAYERED)


@dataclass
class Cache:
    """What a learner's ``backprop(cache)`` receives: its own copies of the forward pass's
    arrays, to change at will (nothing the grader keeps is touched).

    ``X`` (``A[0]``), ``Y`` (also ``T``), and per layer ``W[l]``, ``b[l]``, ``Z[l]``, ``A[l]``
    (lists; index 0 is ``None`` except ``A[0] = X``); ``m`` examples, ``L`` the output layer,
    ``act[l]`` the name of layer ``l``'s activation, ``activations[l]`` the activation object,
    ``loss`` the cost's name. As a mapping: ``cache["W"][1]``, ``cache["Z1"]``,
    ``cache["Z[1]"]``, ``cache["Z", 1]`` and ``cache["X"]`` read, and assigning to them writes,
    the same arrays as ``cache.W[1]``, ``cache.Z[1]``, ``cache.X``.
    """

    X: np.ndarray
    Y: np.ndarray
    W: list
    b: list
    Z: list
    A: list
    act: list
    activations: list
    loss: str

    @property
    def T(self) -> np.ndarray:
        return self.Y

    @property
    def m(self) -> int:
        return int(self.X.shape[1])

    @property
    def L(self) -> int:
        return len(self.W) - 1

    def _where(self, key: Any) -> tuple[str, int | None]:
        """``"Z1"``, ``"Z[1]"``, ``("Z", 1)`` -> ``("Z", 1)``; ``"W"`` -> ``("W", None)``."""
        if isinstance(key, str) and key in _WHOLE:
            return key, None
        parsed = parse_key(key)
        if parsed is None or parsed[0] not in _LAYERED:
            raise KeyError(f"cache[{key!r}]: not in the cache; it holds {', '.join(_WHOLE)}, "
                           f"and per layer W1, b1, Z1, A1 (also 'Z[1]' or ('Z', 1))")
        name, l = parsed
        if not 0 <= l <= self.L or (l == 0 and name != "A"):
            raise KeyError(f"cache[{key!r}]: there is no {name}[{l}]: layers 1..{self.L}"
                           + (" (and A[0] = X)" if name == "A" else ""))
        return name, l

    def __getitem__(self, key: Any) -> Any:
        name, l = self._where(key)
        return getattr(self, name) if l is None else getattr(self, name)[l]

    def __setitem__(self, key: Any, value: Any) -> None:
        name, l = self._where(key)
        if l is None:
            if name in ("m", "L", "T"):
                raise KeyError(f"cache[{key!r}]: {name} follows from the arrays and cannot "
                               f"be set")
            setattr(self, name, value)
        else:
            getattr(self, name)[l] = value
            if name == "A" and l == 0:
                self.X = value

    def __contains__(self, key: Any) -> bool:
        try:
            self._where(key)
        except KeyError:
            return False
        return True

    def keys(self) -> tuple[str, ...]:
        """The names it holds (each per-layer name holds a list)."""
        return _WHOLE

    def forward_cache(self) -> ForwardCache:
        """The same arrays as a :class:`ForwardCache`, for the closed-form formulations."""
        return ForwardCache(W=tuple(self.W), b=tuple(self.b), Z=tuple(self.Z),
                            A=(self.X, *self.A[1:]), activations=tuple(self.activations),
                            T=self.Y, loss=self.loss)


def learner_cache(cache: ForwardCache) -> Cache:
    """Fresh copies of ``cache``'s arrays: what the learner's code may change at will."""
    def copy(seq: tuple) -> list:
        return [None if a is None else np.array(a, copy=True) for a in seq]

    A = copy(cache.A)
    return Cache(X=A[0], Y=np.array(cache.T, copy=True), W=copy(cache.W), b=copy(cache.b),
                 Z=copy(cache.Z), A=A,
                 act=[None, *(a.name for a in cache.activations[1:])],
                 activations=list(cache.activations), loss=cache.loss)


def backward_order(L: int) -> list[Key]:
    """``dA[L], dZ[L], dW[L], db[L], dA[L-1], ..., db[1], dA[0]``."""
    order: list[Key] = []
    for l in range(L, 0, -1):
        order += [("dA", l), ("dZ", l), ("dW", l), ("db", l)]
    return order + [("dA", 0)]


def parent(key: Key, L: int) -> Key | None:
    """The quantity ``key`` is computed from, or None for ``dA[L]``."""
    name, l = key
    if name == "dA":
        return None if l == L else ("dZ", l + 1)
    if name == "dZ":
        return ("dA", l)
    return ("dZ", l)


def step(key: Key, value: np.ndarray, cache: ForwardCache) -> np.ndarray:
    """``key`` computed right from ``value``, its input (``parent(key)``)."""
    name, l = key
    if name == "dZ":
        act = cache.activations[l]
        if act.elementwise:
            return value * act.derivative(cache.Z[l])
        jac = act.derivative(cache.Z[l])  # (m, n, n)
        return np.einsum("kji,jk->ik", jac, value)
    if name == "dW":
        return value @ cache.A[l - 1].T
    if name == "db":
        return value.sum(axis=1, keepdims=True)
    return cache.W[l + 1].T @ value  # dA[l] from dZ[l + 1]


def reference(cache: ForwardCache) -> dict[Key, np.ndarray]:
    """Every gradient in our notation, by the steps above (the grader's own solution)."""
    L = cache.L
    out: dict[Key, np.ndarray] = {("dA", L): dJ_dA_L(cache.loss, cache.A[L], cache.T)}
    for key in backward_order(L)[1:]:
        out[key] = step(key, out[parent(key, L)], cache)  # type: ignore[index]
    return out


def written_in(notation: str) -> Any:
    """The reference as a learner writes it in ``notation``: a function ``Cache -> {name:
    array}`` with the document's own names (``dTheta``, ``Delta``, ``H``, ``delta``, ``dg_dz``
    where it has them) and its scaling (``m`` times the gradient where the name says so)."""
    if notation not in NOTATIONS:
        raise ValueError(f"unknown notation {notation!r}; expected one of {list(NOTATIONS)}")
    names: dict[str, tuple[str, bool]] = {}
    for written, meaning in NOTATIONS[notation].items():  # a document's own name wins
        if meaning.gradient not in names or written != meaning.gradient:
            names[meaning.gradient] = (written, meaning.per_m)

    def backprop(c: Cache) -> dict[str, np.ndarray]:
        out = {}
        for (gradient, l), value in reference(c.forward_cache()).items():
            if l > 0 and gradient in names:
                written, per_m = names[gradient]
                out[f"{written}[{l}]"] = value * c.m if per_m else value
        return out

    return backprop
