"""Per-op overhead: a chain of 100 elementwise ops on a 4x4 float64 tensor, forward + backward.

Prints microseconds per op for the engine and for the same chain written by hand in NumPy
(forward, then the backward rules applied in reverse), measured in interleaved rounds, and
their ratio. Usage: python benchmarks/overhead.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from autograd_core import Tensor

OPS_PER_CHAIN = 100  # tanh, x ⊙ c, x + c, sigmoid, repeated
X0 = np.random.default_rng(0).standard_normal((4, 4))
C = np.full((4, 4), 0.9)


def engine_chain() -> None:
    x = Tensor(X0, requires_grad=True)
    y = x
    for _ in range(OPS_PER_CHAIN // 4):
        y = (y.tanh() * C + C).sigmoid()
    y.backward(np.ones_like(X0))


def numpy_chain() -> None:
    y, saved = X0, []
    for _ in range(OPS_PER_CHAIN // 4):
        t = np.tanh(y)
        y = 1.0 / (1.0 + np.exp(-(t * C + C)))
        saved.append((t, y))
    g = np.ones_like(X0)
    for t, s in reversed(saved):
        g = g * (s * (1 - s))  # sigmoid
        g = g * C  # mul; the add passes g through
        g = g * (1 - t * t)  # tanh


def per_op_us(fn, rounds: int, repeat: int = 20) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        times.append((time.perf_counter() - start) / repeat / OPS_PER_CHAIN * 1e6)
    return times


def measure(rounds: int = 30) -> dict[str, float]:
    engine_chain(), numpy_chain()  # warm up
    engine, numpy_ = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine state
        engine += per_op_us(engine_chain, 1)
        numpy_ += per_op_us(numpy_chain, 1)
    ratios = [e / n for e, n in zip(engine, numpy_)]
    return {"engine_us": statistics.median(engine), "numpy_us": statistics.median(numpy_),
            "ratio": statistics.median(ratios)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    result = measure(parser.parse_args().rounds)
    print(f"per elementwise op, forward + backward, 4x4 float64 (median of rounds):\n"
          f"  autograd_core  {result['engine_us']:6.2f} us\n"
          f"  NumPy by hand  {result['numpy_us']:6.2f} us\n"
          f"  ratio          {result['ratio']:6.2f}")


if __name__ == "__main__":
    main()
