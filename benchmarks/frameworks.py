"""The same training step in eager PyTorch and in jax.jit, for ``run.py``'s optional columns.

Neither framework is a dependency of this project: measure them from a throwaway virtual
environment outside the repository (``python3.11 -m venv /tmp/fw && /tmp/fw/bin/pip install
torch==2.13.0 jax jaxlib numpy && /tmp/fw/bin/pip install -e .``, then run ``run.py`` with
``/tmp/fw/bin/python``). ``FACTORIES`` holds only the ones that import.

Each factory has ``run.py``'s contract: ``factory(X, Y, Ws, bs) -> step``, ``step()`` does one
forward, backward and SGD update in place and returns the loss as a float. A framework is
imported only by the process that runs its step: importing torch or jax changes the process
(its allocator's state among other things), and the other columns' processes stay as a
NumPy user's would be.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import statistics
import time
from collections.abc import Callable

LR = 0.01  # run.py's
OPS_PER_CHAIN = 100  # overhead.py's chain: tanh, x ⊙ c, x + c, sigmoid, repeated

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")  # 1 thread


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _jax():
    import jax

    jax.config.update("jax_enable_x64", True)  # float64 stays float64 (float32 stays float32)
    return jax


def torch_step_factory(X, Y, Ws, bs):
    """Eager PyTorch as a user writes it: raw ops, autograd, SGD under ``no_grad``."""
    torch = _torch()
    W = [torch.tensor(w, requires_grad=True) for w in Ws]
    b = [torch.tensor(v, requires_grad=True) for v in bs]
    params = W + b
    A0, T = torch.tensor(X), torch.tensor(Y)
    L, m = len(W), X.shape[1]

    def step() -> float:
        A = A0
        for l in range(L):
            Z = W[l] @ A + b[l]
            A = torch.tanh(Z) if l < L - 1 else torch.sigmoid(Z)
        loss = -(T * torch.log(A) + (1 - T) * torch.log(1 - A)).sum() / m
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss.item()

    return step


@functools.cache
def _jax_update(m: int) -> Callable:
    """The jitted step for ``m`` columns (one per ``m``: each round's fresh factory reuses it,
    and jit itself specializes on the shapes and dtypes)."""
    jax = _jax()
    jnp = jax.numpy

    def loss_fn(params, X, T):
        A = X
        for l, (w, v) in enumerate(params):
            Z = w @ A + v
            A = jnp.tanh(Z) if l < len(params) - 1 else jax.nn.sigmoid(Z)
        return -(T * jnp.log(A) + (1 - T) * jnp.log(1 - A)).sum() / m

    @jax.jit
    def update(params, X, T):
        loss, grads = jax.value_and_grad(loss_fn)(params, X, T)
        return [(w - LR * dw, v - LR * dv) for (w, v), (dw, dv) in zip(params, grads)], loss

    return update


def jax_step_factory(X, Y, Ws, bs):
    """The whole step (forward, gradient, SGD) as one ``jax.jit`` function, on the CPU."""
    jnp = _jax().numpy
    update = _jax_update(X.shape[1])
    state = [[(jnp.asarray(w), jnp.asarray(v)) for w, v in zip(Ws, bs)]]
    X, Y = jnp.asarray(X), jnp.asarray(Y)

    def step() -> float:
        state[0], loss = update(state[0], X, Y)
        return float(loss)  # waits for the result, as .item() does

    return step


def torch_per_op_us(rounds: int = 30, repeat: int = 20) -> float:
    """``overhead.py``'s chain in eager PyTorch: microseconds per op, forward + backward."""
    from overhead import X0, C  # same folder

    torch = _torch()
    x0, c = torch.tensor(X0), torch.tensor(C)
    seed = torch.ones_like(x0)

    def chain() -> None:
        x = x0.clone().requires_grad_(True)
        y = x
        for _ in range(OPS_PER_CHAIN // 4):
            y = torch.sigmoid(torch.tanh(y) * c + c)
        y.backward(seed)

    chain()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            chain()
        times.append((time.perf_counter() - start) / repeat / OPS_PER_CHAIN * 1e6)
    return statistics.median(times)


FACTORIES: dict[str, Callable] = {}  # those this interpreter can import
if importlib.util.find_spec("torch") is not None:
    FACTORIES["torch"] = torch_step_factory
if importlib.util.find_spec("jax") is not None:
    FACTORIES["jax.jit"] = jax_step_factory
