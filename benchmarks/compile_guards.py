"""What compile's call boundary costs: the guards at each call, and the time to record.

Guards: the 2-4-1 and 64-64-10 compiled training steps (``compiled_step.py``'s raw Tensor
step, and an ``nn.MLP`` step reading its model and optimizer as globals, as a notebook
does), each timed with its guards checked and with the check replaced by a no-op, in
interleaved rounds in this one process; reported: the median step time of each and the
median of the same-round ratios. Recording: a chain of tanh(x * w) ops with a backward()
inside the function, 1,000, 8,000 and 20,000 ops, recorded (the first call) and, for
scale, run eagerly.

Usage: python benchmarks/compile_guards.py [--rounds 15] [--m 400]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))

from compiled_step import compiled_step_factory  # noqa: E402

import nn  # noqa: E402
from autograd_core import Tensor, compile  # noqa: E402


def _data(sizes: list[int], m: int):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((sizes[0], m))
    Y = (rng.random((sizes[-1], m)) > 0.5).astype(np.float64)
    Ws = [rng.standard_normal((sizes[i + 1], sizes[i])) * 0.1 for i in range(len(sizes) - 1)]
    bs = [np.zeros((n, 1)) for n in sizes[1:]]
    return X, Y, Ws, bs


def nn_step_factory(sizes: list[int], m: int):
    """An nn.MLP step whose model and optimizer are globals of its namespace."""
    X, Y, _, _ = _data(sizes, m)
    space = {"nn": nn, "X": Tensor(X), "Y": Tensor(Y)}
    space["model"] = nn.MLP(sizes, hidden="tanh", output="sigmoid", rng=0)
    space["opt"] = nn.optim.SGD(space["model"].parameters(), lr=0.1)
    exec("def step():\n"  # noqa: S102
         "    opt.zero_grad()\n"
         "    J = nn.binary_cross_entropy(model(X), Y)\n"
         "    J.backward()\n"
         "    opt.step()\n"
         "    return J\n", space)
    step = compile(space["step"])
    return step, lambda: step()


def tensor_step_factory(sizes: list[int], m: int):
    run = compiled_step_factory(*_data(sizes, m))
    step = run.__closure__[next(i for i, name in enumerate(run.__code__.co_freevars)
                                if name == "step")].cell_contents
    return step, run


def guard_cost(factory, sizes: list[int], m: int, rounds: int, repeat: int) -> str:
    step, run = factory(sizes, m)
    run()
    run()
    (plan,) = step.plans.values()
    checked, free = plan.guards.check, (lambda: -1)
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        for mode in ("on", "off"):
            plan.guards.check = checked if mode == "on" else free
            start = time.perf_counter()
            for _ in range(repeat):
                run()
            times[mode].append((time.perf_counter() - start) / repeat * 1e6)
    plan.guards.check = checked
    start = time.perf_counter()
    for _ in range(10_000):
        checked()
    alone = (time.perf_counter() - start) / 10_000 * 1e6
    ratios = [a / b for a, b in zip(times["on"], times["off"])]
    return (f"{'-'.join(map(str, sizes)):>9}: guards on {statistics.median(times['on']):7.1f} "
            f"us, off {statistics.median(times['off']):7.1f} us, median ratio "
            f"{statistics.median(ratios):.3f}; the check alone {alone:.2f} us "
            f"({len(plan.guards.labels)} tests)")


def recording_times(counts=(1000, 8000, 20000)) -> list[str]:
    w = Tensor(np.full(3, 0.5), requires_grad=True)
    rows = []
    for ops in counts:
        def chain(x, n=ops // 2):
            y = x
            for _ in range(n):
                y = (y * w).tanh()
            J = y.sum()
            J.backward()
            return J

        start = time.perf_counter()
        compile(chain)(Tensor(np.ones(3)))
        recorded = time.perf_counter() - start
        start = time.perf_counter()
        chain(Tensor(np.ones(3)))
        eager = time.perf_counter() - start
        rows.append(f"{ops:>6} ops: recorded in {recorded:6.2f} s (eager forward + backward "
                    f"{eager:.3f} s)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--m", type=int, default=400)
    args = parser.parse_args()
    print("guards, per compiled step (median of interleaved rounds):")
    for name, factory in (("raw Tensor step", tensor_step_factory),
                          ("nn.MLP step", nn_step_factory)):
        print(f" {name}")
        for sizes, repeat in (([2, 4, 1], 300), ([64, 64, 10], 60)):
            print("  " + guard_cost(factory, sizes, args.m, args.rounds, repeat))
    print("recording:")
    for row in recording_times():
        print("  " + row)


if __name__ == "__main__":
    main()
