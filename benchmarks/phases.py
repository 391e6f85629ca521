"""Where one nn training step spends its time: zero_grad, forward, loss, backward, SGD step.

Prints the best of many steps for each phase of the ``nn`` step of ``run.py`` (same network,
data and optimizer) and the whole hand-written NumPy step beside it. Best-of, not median:
each phase is too short to time alone without the noise of the others.

Usage: python benchmarks/phases.py [--sizes 2,4,1] [--m 400] [--steps 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from run import LR, make_problem, numpy_step_factory

import nn

PHASES = ("zero_grad", "forward", "loss", "backward", "step")


def measure(sizes: tuple[int, ...], m: int, steps: int) -> dict[str, float]:
    X, Y, Ws, bs = make_problem(sizes, m, np.float64)
    model = nn.MLP(list(sizes))
    for l, (w, v) in enumerate(zip(Ws, bs), start=1):
        model.W[l].data = w.copy()
        model.b[l].data = v.copy()
    optimizer = nn.optim.SGD(model.parameters(), lr=LR)
    best = dict.fromkeys(PHASES, float("inf"))
    for _ in range(steps):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        t1 = time.perf_counter()
        A = model(X)
        t2 = time.perf_counter()
        loss = nn.binary_cross_entropy(A, Y)
        t3 = time.perf_counter()
        loss.backward()
        t4 = time.perf_counter()
        optimizer.step()
        t5 = time.perf_counter()
        for name, a, b in zip(PHASES, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5)):
            best[name] = min(best[name], b - a)
    by_hand = numpy_step_factory(X, Y, Ws, bs)
    best["numpy step"] = float("inf")
    for _ in range(steps):
        t0 = time.perf_counter()
        by_hand()
        best["numpy step"] = min(best["numpy step"], time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,4,1")
    parser.add_argument("--m", type=int, default=400)
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(","))
    best = measure(sizes, args.m, args.steps)
    print(f"nn step of {'-'.join(map(str, sizes))}, m={args.m}, best of {args.steps}:")
    for name in PHASES:
        print(f"  {name:<10} {best[name] * 1e6:8.1f} us")
    print(f"  {'sum':<10} {sum(best[n] for n in PHASES) * 1e6:8.1f} us   "
          f"(NumPy by hand, whole step: {best['numpy step'] * 1e6:.1f} us)")


if __name__ == "__main__":
    main()
