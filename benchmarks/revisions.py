"""One training step (or the per-op chain) timed for two source trees, in alternating processes.

The measure behind "this change costs the large step nothing" and "this fix buys so much": the
same work run in a fresh process per round, old tree and new tree taking turns, so a noisy
machine slows both alike. ``--step nn`` (the default) is ``run.py``'s ``nn`` column
(``nn.MLP`` + ``nn.binary_cross_entropy`` + ``nn.optim.SGD``), ``--step tensor`` its raw
Tensor column (BCE written out, SGD under ``no_grad``), ``--step per-op`` ``overhead.py``'s
chain of 100 elementwise ops on 4x4 (microseconds per op, not a step). One BLAS thread.

Usage: python benchmarks/revisions.py OLD_TREE NEW_TREE [--step nn|tensor|per-op]
       [--sizes 784,1024,1024,10] [--m 1024] [--dtype float64] [--rounds 5] [--steps 8]
(a tree is a checkout, e.g. ``git worktree add /tmp/old <commit>``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

CHILD = """
import sys, time, statistics
sys.path.insert(0, {tree!r})
import numpy as np
import nn
from autograd_core import Tensor, no_grad
sizes, m, dtype, kind = {sizes!r}, {m}, np.dtype({dtype!r}), {step!r}
rng = np.random.default_rng(0)
X = rng.standard_normal((sizes[0], m)).astype(dtype)
Y = (rng.random((sizes[-1], m)) < 0.5).astype(dtype)
model = nn.MLP(list(sizes), hidden="tanh", output="sigmoid", dtype=dtype, rng=0)
params = model.parameters()
optimizer = nn.optim.SGD(params, lr=0.01)
A0, T = Tensor(X), Tensor(Y)
def nn_step():
    optimizer.zero_grad()
    nn.binary_cross_entropy(model(X), Y).backward()
    optimizer.step()
def tensor_step():
    A = A0
    for l in range(1, model.L + 1):
        Z = model.W[l] @ A + model.b[l]
        A = Z.tanh() if l < model.L else Z.sigmoid()
    (-(T * A.log() + (1 - T) * (1 - A).log()).sum() / m).backward()
    with no_grad():
        for p in params:
            p -= 0.01 * p.grad
            p.grad = None
C, X0 = np.full((4, 4), 0.9), np.random.default_rng(0).standard_normal((4, 4))
def chain():  # overhead.py's
    x = Tensor(X0, requires_grad=True)
    y = x
    for _ in range(25):
        y = (y.tanh() * C + C).sigmoid()
    y.backward(np.ones_like(X0))
step, per = {{"nn": (nn_step, 1), "tensor": (tensor_step, 1), "per-op": (chain, 100)}}[kind]
for _ in range(2):
    step()
times = []
for _ in range({steps}):
    start = time.perf_counter(); step(); times.append((time.perf_counter() - start) / per)
print(statistics.median(times))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--step", default="nn", choices=("nn", "tensor", "per-op"))
    parser.add_argument("--sizes", default="784,1024,1024,10")
    parser.add_argument("--m", type=int, default=1024)
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(","))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    medians: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for which in ("old", "new"):
            code = CHILD.format(tree=getattr(args, which), sizes=sizes, m=args.m,
                                dtype=args.dtype, step=args.step, steps=args.steps)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd="/", env=env)
            medians[which].append(float(out.stdout))
    old, new = (statistics.median(medians[k]) for k in ("old", "new"))
    unit, scale = ("us per op", 1e6) if args.step == "per-op" else ("ms", 1e3)
    what = "per-op chain" if args.step == "per-op" else f"{args.step} step {args.sizes} " \
        f"m={args.m} {args.dtype}"
    print(f"{what}: old {old * scale:.2f} {unit}, new {new * scale:.2f} {unit}, new/old "
          f"{new / old:.3f} (median of {args.rounds} rounds of {args.steps})")


if __name__ == "__main__":
    main()
