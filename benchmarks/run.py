"""Training-step benchmark: autodiff against the hand-written closed-form NumPy step.

One step = forward, backward, SGD update of a tanh-hidden, sigmoid-output MLP trained with
binary cross-entropy, samples as columns. The implementations of the same step run in
interleaved rounds on the same data, each in a process of its own (``--shared``: all in this
one):

- ``numpy``:    the closed-form equations written by hand (our floor: the same BLAS calls),
- ``tensor``:   raw ``autograd_core`` Tensor ops as a user writes them (``Z = W @ A + b``,
  tanh, sigmoid, BCE as ``-(T*log(A) + (1-T)*log(1-A)).sum()/m``), SGD under ``no_grad``,
- ``nn``:       ``nn.MLP`` + ``nn.binary_cross_entropy`` (fused) + ``nn.optim.SGD``,
- ``compiled``: the ``tensor`` step through ``autograd_core.compile`` (``compiled_step.py``),
- ``torch``, ``jax.jit``: the ``tensor`` step in eager PyTorch and as one jitted JAX function
  (``frameworks.py``), only where they import: run this file with an interpreter that has
  them (a throwaway virtual environment, never a dependency of the project).

Every column runs with one BLAS thread (``OPENBLAS_NUM_THREADS=1`` and friends, set here
before NumPy loads, so the spawned workers inherit them; torch and XLA are told the same), in
a process that called ``autograd_core.memory.keep_freed_memory()`` (``freed_memory.py``
measures the steps without it).

Reported: median step time per implementation and the median of same-round ratios to
``numpy``. Then the per-op overhead, the peak memory of one step (tracemalloc), a 100,000-op
chain's backward, and memory over 10,000 training steps.

Usage: python benchmarks/run.py [--quick] [--shared]
"""

from __future__ import annotations

import os

for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # before NumPy loads its BLAS: the 1 thread

import argparse  # noqa: E402
import gc  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
from frameworks import FACTORIES as FRAMEWORKS  # noqa: E402  # same folder; torch, jax if any

import nn  # noqa: E402
from autograd_core import Tensor, memory, no_grad  # noqa: E402

try:  # the compiled mode's step, where this tree has it
    from compiled_step import compiled_per_op_us, compiled_step_factory
except ImportError:
    compiled_per_op_us = compiled_step_factory = None

# (sizes, m, dtype): the table
CASES = [
    ((2, 4, 1), 400, np.float64),
    ((64, 64, 10), 256, np.float64),
    ((784, 256, 128, 10), 256, np.float64),
    ((784, 256, 128, 10), 256, np.float32),
    ((784, 1024, 1024, 10), 1024, np.float64),
    ((784, 1024, 1024, 10), 1024, np.float32),
]
LR = 0.01
# between rounds: OpenBLAS threads spin about 0.1 s after their last call (none with 1 thread)
PAUSE_S = 0.3 if os.environ["OPENBLAS_NUM_THREADS"] != "1" else 0.02


def make_problem(sizes, m, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    Y = (rng.random((sizes[-1], m)) < 0.5).astype(dtype)
    Ws = [(rng.standard_normal((n, k)) / np.sqrt(k)).astype(dtype)
          for k, n in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros((n, 1), dtype) for n in sizes[1:]]
    return X, Y, Ws, bs


# ---------------------------------------------------------------- the steps


def numpy_step_factory(X, Y, Ws, bs):
    """The closed-form step, as a careful person writes it by hand."""
    W = [w.copy() for w in Ws]
    b = [v.copy() for v in bs]
    m, L = X.shape[1], len(W)

    def step() -> float:
        A = [X]
        for l in range(L):
            Z = W[l] @ A[l] + b[l]
            A.append(np.tanh(Z) if l < L - 1 else 1 / (1 + np.exp(-Z)))
        P = A[L]
        loss = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / m
        dZ = (P - Y) / m  # sigmoid + cross-entropy
        for l in range(L - 1, -1, -1):
            dW = dZ @ A[l].T
            db = dZ.sum(axis=1, keepdims=True)
            if l > 0:
                dZ = (W[l].T @ dZ) * (1 - A[l] * A[l])
            W[l] -= LR * dW
            b[l] -= LR * db
        return float(loss)

    return step


def tensor_step_factory(X, Y, Ws, bs):
    """Raw Tensor ops as a user writes them: the network and the loss written out, SGD by
    hand under ``no_grad`` (the issue's formulation, also the torch and jax columns')."""
    W = [Tensor(w, requires_grad=True) for w in Ws]  # Tensor copies an ndarray
    b = [Tensor(v, requires_grad=True) for v in bs]
    params = W + b
    A0, T = Tensor(X), Tensor(Y)
    L, m = len(W), X.shape[1]

    def step() -> float:
        A = A0
        for l in range(L):
            Z = W[l] @ A + b[l]
            A = Z.tanh() if l < L - 1 else Z.sigmoid()
        loss = -(T * A.log() + (1 - T) * (1 - A).log()).sum() / m
        loss.backward()
        with no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss.item()

    return step


def nn_step_factory(X, Y, Ws, bs, retain_grads=True):
    """The library as a user writes it (``retain_grads=False``: as one who needs no dZ, dA)."""
    model = nn.MLP([X.shape[0]] + [w.shape[0] for w in Ws], hidden="tanh", output="sigmoid",
                   retain_grads=retain_grads)
    for l, (w, v) in enumerate(zip(Ws, bs), start=1):
        model.W[l].data = w.copy()
        model.b[l].data = v.copy()
    optimizer = nn.optim.SGD(model.parameters(), lr=LR)

    def step() -> float:
        optimizer.zero_grad()
        loss = nn.binary_cross_entropy(model(X), Y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


FACTORIES: dict[str, Callable] = {"numpy": numpy_step_factory, "tensor": tensor_step_factory,
                                   "nn": nn_step_factory}
if compiled_step_factory is not None:
    FACTORIES["compiled"] = compiled_step_factory
FACTORIES.update(FRAMEWORKS)
COLUMNS = {"numpy": "NumPy by hand", "tensor": "raw Tensor", "nn": "nn.MLP + SGD",
           "compiled": "compiled", "torch": "eager torch", "jax.jit": "jax.jit"}


# ---------------------------------------------------------------- measurement


def time_steps(step: Callable[[], float], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def _worker(conn, name: str, sizes, m: int, dtype) -> None:
    """One implementation in a process of its own: times rounds of steps when asked."""
    memory.keep_freed_memory()  # as README recommends for a training script
    X, Y, Ws, bs = make_problem(sizes, m, dtype)
    make = FACTORIES[name]
    conn.send(make(X, Y, Ws, bs)())  # the first loss, to check that they all agree
    while (steps := conn.recv()) is not None:
        # Fresh parameters every round: a long run on random labels saturates the tanh
        # units, and subnormal gradients would then time the FPU, not the step.
        step = make(X, Y, Ws, bs)
        step()
        conn.send(time_steps(step, steps))


def bench_case(sizes, m, dtype, rounds: int, budget_s: float, separate: bool = True) -> dict:
    """Median step times and same-round ratios to ``numpy``.

    ``separate``: each implementation runs in a process of its own, as a user's training
    would, and the rounds still alternate between them. In one shared process the allocator
    state one implementation leaves (glibc's heap size and mmap threshold) changes the page
    faults of the next, and the mid-size ratios then depend on the order they run in.
    """
    if separate:
        context = multiprocessing.get_context("spawn")
        pipes = {}
        for name in FACTORIES:
            ours, theirs = context.Pipe()
            context.Process(target=_worker, args=(theirs, name, sizes, m, dtype),
                            daemon=True).start()
            pipes[name] = ours

        def run_round(name: str, steps: int) -> float:
            pipes[name].send(steps)
            return pipes[name].recv()

        losses = {name: pipe.recv() for name, pipe in pipes.items()}
    else:
        X, Y, Ws, bs = make_problem(sizes, m, dtype)

        def run_round(name: str, steps: int) -> float:
            step = FACTORIES[name](X, Y, Ws, bs)
            step()
            return time_steps(step, steps)

        losses = {name: make(X, Y, Ws, bs)() for name, make in FACTORIES.items()}
    for name, value in losses.items():  # they all compute the same step
        assert abs(value - losses["numpy"]) <= 1e-4 * abs(losses["numpy"]), (name, losses)
    one = run_round("numpy", 1)
    per_round = max(1, int(budget_s / rounds / len(FACTORIES) / max(one, 1e-6)))
    times = {name: [] for name in FACTORIES}
    for _ in range(rounds):
        for name in FACTORIES:
            times[name].append(run_round(name, per_round))
            time.sleep(PAUSE_S)  # let the BLAS threads of the last one stop spinning
    if separate:
        for pipe in pipes.values():
            pipe.send(None)
    ratios = {name: statistics.median(t / f for t, f in zip(times[name], times["numpy"]))
              for name in FACTORIES}
    return {"median_s": {n: statistics.median(t) for n, t in times.items()}, "ratio": ratios}


def peak_memory(sizes, m, dtype) -> dict[str, int]:
    """Peak bytes NumPy allocates during one step beyond what the model already holds (for
    the compiled step, plus the buffers its plan keeps between steps)."""
    X, Y, Ws, bs = make_problem(sizes, m, dtype)
    result = {}
    makers = {name: make for name, make in FACTORIES.items() if name not in FRAMEWORKS}
    makers["nn retain_grads=False"] = lambda *problem: nn_step_factory(*problem,
                                                                       retain_grads=False)
    for name, make in makers.items():
        step = make(X, Y, Ws, bs)
        step()
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        step()
        # a compiled step's buffers, allocated once before this step, hold what the others
        # allocate during it: counted too
        held = getattr(step, "held_bytes", lambda: 0)()
        result[name] = tracemalloc.get_traced_memory()[1] - base + held
        tracemalloc.stop()
    return result


def chain_backward_seconds(n: int = 100_000) -> float:
    x = Tensor(np.ones((1,)), requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    start = time.perf_counter()
    y.backward(np.ones(1))
    return time.perf_counter() - start


def memory_over_training(steps: int) -> list[tuple[int, float]]:
    """Traced NumPy/Python memory (MiB) while training the 64-64-10 network with nn."""
    X, Y, Ws, bs = make_problem((64, 64, 10), 256, np.float64)
    step = nn_step_factory(X, Y, Ws, bs)
    tracemalloc.start()
    marks = []
    for i in range(1, steps + 1):
        step()
        if i in (100, steps // 4, steps // 2, 3 * steps // 4, steps):
            marks.append((i, tracemalloc.get_traced_memory()[0] / 2**20))
    tracemalloc.stop()
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter budgets")
    parser.add_argument("--shared", action="store_true",
                        help="run the implementations in this one process (by default each "
                             "has a process of its own)")
    args = parser.parse_args()
    memory.keep_freed_memory()  # this process's columns under --shared, as the workers'
    rounds, budget = (5, 1.0) if args.quick else (15, 6.0)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} | {platform.machine()} | "
          f"{platform.processor() or ''} | {os.cpu_count()} cores | Python "
          f"{platform.python_version()} | NumPy {np.__version__} | "
          f"{os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s)\n")
    others = [name for name in COLUMNS if name != "numpy"]
    print("| network | m | dtype | " + " | ".join(COLUMNS.values()) + " | " +
          " | ".join(f"ratio {COLUMNS[name]}" for name in others) + " |")
    print("|---" * (3 + len(COLUMNS) + len(others)) + "|")
    for sizes, m, dtype in CASES:
        r = bench_case(sizes, m, dtype, rounds, budget, separate=not args.shared)
        times = [_fmt(r["median_s"][n]) if n in FACTORIES else "–" for n in COLUMNS]
        ratios = [f"{r['ratio'][n]:.3f}" if n in FACTORIES else "–" for n in others]
        print(f"| {'-'.join(map(str, sizes))} | {m} | {np.dtype(dtype).name} | " +
              " | ".join(times + ratios) + " |", flush=True)

    from overhead import measure  # same folder

    per_op_rounds = 10 if args.quick else 30
    o = measure(per_op_rounds)
    extra = ""
    if compiled_per_op_us is not None:
        extra += f", compiled {compiled_per_op_us(per_op_rounds):.2f} us"
    if "torch" in FRAMEWORKS:  # in a process of its own, as its step column
        from frameworks import torch_per_op_us

        with multiprocessing.get_context("spawn").Pool(1) as pool:
            extra += f", eager torch {pool.apply(torch_per_op_us, (per_op_rounds,)):.2f} us"
    print(f"\nper-op overhead (100 elementwise ops, 4x4 float64, forward + backward): "
          f"{o['engine_us']:.2f} us per op (NumPy by hand {o['numpy_us']:.2f} us{extra})")
    for sizes, m, dtype in [CASES[4]]:
        mem = peak_memory(sizes, m, dtype)
        print(f"peak memory of one step, {'-'.join(map(str, sizes))} m={m}: " +
              ", ".join(f"{n} {v / 2**20:.1f} MiB" for n, v in mem.items()) +
              f" (nn / numpy = {mem['nn'] / mem['numpy']:.3f}, without retained dZ, dA "
              f"{mem['nn retain_grads=False'] / mem['numpy']:.3f}" +
              (f", compiled / numpy = {mem['compiled'] / mem['numpy']:.3f}"
               if "compiled" in mem else "") + ")")
    print(f"backward of a 100,000-op chain: {chain_backward_seconds():.3f} s")
    n = 1_000 if args.quick else 10_000
    marks = memory_over_training(n)
    print(f"traced memory over {n} nn training steps (64-64-10): " +
          ", ".join(f"step {i}: {mib:.2f} MiB" for i, mib in marks))


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} us"


if __name__ == "__main__":
    main()
