"""Optimizers: ``SGD`` (with momentum) and ``Adam``, PyTorch's update rules.

Each takes the parameters to update (``model.parameters()``); ``step()`` updates every
parameter that has a gradient, in place (``p -= ...`` under ``no_grad``: the same Tensor
objects, so the model sees the new values), and ``zero_grad()`` clears the gradients before
the next backward. A parameter whose ``.grad`` is None is skipped.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad
from autograd_core.compiled import replayed
from autograd_core.stamps import bump


class Optimizer:
    """Base class: holds the parameter list; subclasses define ``step()``."""

    def __init__(self, params: Iterable[Tensor]) -> None:
        if isinstance(params, Tensor) or not isinstance(params, Iterable) \
                or hasattr(params, "named_parameters"):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of Tensors, "
                            f"e.g. model.parameters(), got {type(params).__name__}")
        unique: dict[int, Tensor] = {}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise ValueError(f"{type(self).__name__}: params[{i}] is not a Tensor with "
                                 f"requires_grad=True")
            unique.setdefault(id(p), p)  # a tensor listed twice is updated once
        if not unique:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        self.params: list[Tensor] = list(unique.values())

    # compile (autograd_core.stamps): a compiled step records zero_grad() for the tensors
    # in ``params`` and replays step() as a call, which reads the learning rate and the
    # state afresh each time; so only ``params`` is guarded, and a schedule that sets
    # ``lr`` needs no new recording
    _stamp = 0

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name == "params":
            bump(self)

    def _stamp_parts(self) -> tuple[Any, ...]:
        return (self.params,)

    def zero_grad(self) -> None:
        """Clear every parameter's gradient (``p.grad = None``)."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        raise NotImplementedError

    def _check(self, value: Any, name: str, lo: float, hi: float | None = None) -> float:
        """``value`` as a float in ``[lo, hi)`` (``[lo, ∞)`` without ``hi``), or ValueError."""
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool) \
            and math.isfinite(value) and float(value) >= lo and (hi is None or value < hi)
        if not ok:
            where = f"[{lo}, {hi})" if hi is not None else f">= {lo}"
            raise ValueError(f"{type(self).__name__}: {name} must be a finite number {where}, "
                             f"got {value!r}")
        return float(value)


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum (PyTorch's rule)::

        v ← momentum · v + g        (v = g on the first step)
        p ← p − lr · v

    With ``momentum=0`` this is plain gradient descent, ``p ← p − lr · g``: the documents'
    update ``W[l] ← W[l] − α dW[l]``.
    """

    def __init__(self, params: Iterable[Tensor], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params)
        self.lr = self._check(lr, "lr", 0.0)
        self.momentum = self._check(momentum, "momentum", 0.0, 1.0)
        self.velocity: list[np.ndarray | None] = [None] * len(self.params)

    @replayed  # inside a compiled function: run again at each replay
    @no_grad()
    def step(self) -> None:
        """Update every parameter that has a gradient."""
        lr, momentum = self.lr, self.momentum
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if momentum:
                v = self.velocity[i]
                if v is None:
                    v = self.velocity[i] = np.array(g, copy=True)
                else:
                    v *= momentum
                    v += g
                g = v
            p -= lr * g


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015), bias-corrected, as PyTorch computes it::

        m ← β1 m + (1 − β1) g          v ← β2 v + (1 − β2) g²
        m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
        p ← p − lr · m̂ / (√v̂ + eps)

    ``t`` counts the steps in which the parameter had a gradient.
    """

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        super().__init__(params)
        self.lr = self._check(lr, "lr", 0.0)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (self._check(betas[0], "betas[0]", 0.0, 1.0),
                      self._check(betas[1], "betas[1]", 0.0, 1.0))
        self.eps = self._check(eps, "eps", 0.0)
        self.t = [0] * len(self.params)
        self.m: list[np.ndarray | None] = [None] * len(self.params)
        self.v: list[np.ndarray | None] = [None] * len(self.params)

    @replayed
    @no_grad()
    def step(self) -> None:
        """Update every parameter that has a gradient."""
        beta1, beta2 = self.betas
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if self.m[i] is None:
                self.m[i], self.v[i] = np.zeros_like(g), np.zeros_like(g)
            m, v = self.m[i], self.v[i]
            assert m is not None and v is not None  # set just above on the first step
            self.t[i] = t = self.t[i] + 1
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * (g * g)
            # p -= lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps): PyTorch's order of operations
            denominator = np.sqrt(v) / math.sqrt(1 - beta2**t)
            denominator += self.eps
            p -= (self.lr / (1 - beta1**t)) * m / denominator
