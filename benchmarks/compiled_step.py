"""The compiled mode for run.py: the step of ``tensor_step_factory`` (raw Tensor ops, BCE,
SGD) as one function under ``autograd_core.compile``; and the per-op chain of overhead.py,
compiled (its forward; backward() on the result replays the recorded backward)."""

from __future__ import annotations

import statistics
import time

import numpy as np

import nn
from autograd_core import Tensor, compile

LR = 0.01


def compiled_step_factory(X, Y, Ws, bs):
    """The whole step compiled: zero_grad, forward, backward and the SGD update are recorded
    at the first call and replayed as one flat function from the second on."""
    W = [Tensor(w.copy(), requires_grad=True) for w in Ws]
    b = [Tensor(v.copy(), requires_grad=True) for v in bs]
    L = len(W)
    optimizer = nn.optim.SGD(W + b, lr=LR)

    @compile
    def step(X, Y):
        optimizer.zero_grad()
        A = X
        for l in range(L):
            Z = W[l] @ A + b[l]
            A = Z.tanh() if l < L - 1 else Z.sigmoid()
        loss = nn.binary_cross_entropy(A, Y)
        loss.backward()
        optimizer.step()
        return loss

    Xt, Yt = Tensor(X), Tensor(Y)

    def run() -> float:
        return step(Xt, Yt).item()

    run.held_bytes = lambda: sum(plan.nbytes() for plan in step.plans.values())  # type: ignore[attr-defined]
    return run


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
