"""The compiled mode's step for run.py: raw Tensor ops as in ``tensor_step_factory``, the
forward pass under ``autograd_core.compile``, ``nn.optim.SGD`` for the update (as a user of
the library writes it); and the per-op chain of overhead.py, compiled."""

from __future__ import annotations

import statistics
import time

import numpy as np

import nn
from autograd_core import Tensor, compile

LR = 0.01


def compiled_step_factory(X, Y, Ws, bs):
    W = [Tensor(w.copy(), requires_grad=True) for w in Ws]
    b = [Tensor(v.copy(), requires_grad=True) for v in bs]
    params = W + b
    L = len(W)

    @compile
    def loss_of(X, Y):
        A = X
        for l in range(L):
            Z = W[l] @ A + b[l]
            A = Z.tanh() if l < L - 1 else Z.sigmoid()
        return nn.binary_cross_entropy(A, Y)

    Xt, Yt = Tensor(X), Tensor(Y)
    optimizer = nn.optim.SGD(params, lr=LR)

    def step() -> float:
        optimizer.zero_grad()
        loss = loss_of(Xt, Yt)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


OPS_PER_CHAIN = 100
X0 = np.random.default_rng(0).standard_normal((4, 4))
C = np.full((4, 4), 0.9)


def compiled_per_op_us(rounds: int = 30, repeat: int = 20) -> float:
    """The overhead.py chain (tanh, ⊙ c, + c, sigmoid, repeated), forward + backward."""
    x = Tensor(X0, requires_grad=True)

    @compile
    def chain(x):
        y = x
        for _ in range(OPS_PER_CHAIN // 4):
            y = (y.tanh() * C + C).sigmoid()
        return y

    seed = np.ones_like(X0)
    chain(x).backward(seed)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            chain(x).backward(seed)
            x.grad = None
        times.append((time.perf_counter() - start) / repeat / OPS_PER_CHAIN * 1e6)
    return statistics.median(times)
