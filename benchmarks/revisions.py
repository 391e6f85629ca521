"""One nn training step of a network timed for two source trees, in alternating processes.

The measure behind "this change costs the large step nothing": the same step as ``run.py``'s
``nn`` column (``nn.MLP`` + ``nn.binary_cross_entropy`` + ``nn.optim.SGD``), run in a fresh
process per round, old tree and new tree taking turns, so a noisy machine slows both alike.

Usage: python benchmarks/revisions.py OLD_TREE NEW_TREE [--sizes 784,1024,1024,10]
       [--m 1024] [--dtype float64] [--rounds 5] [--steps 8]
(a tree is a checkout, e.g. ``git worktree add /tmp/old <commit>``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

CHILD = """
import sys, time, statistics
sys.path.insert(0, {tree!r})
import numpy as np
import nn
sizes, m, dtype = {sizes!r}, {m}, np.dtype({dtype!r})
rng = np.random.default_rng(0)
X = rng.standard_normal((sizes[0], m)).astype(dtype)
Y = (rng.random((sizes[-1], m)) < 0.5).astype(dtype)
model = nn.MLP(list(sizes), hidden="tanh", output="sigmoid", dtype=dtype, rng=0)
optimizer = nn.optim.SGD(model.parameters(), lr=0.01)
def step():
    optimizer.zero_grad()
    nn.binary_cross_entropy(model(X), Y).backward()
    optimizer.step()
for _ in range(2):
    step()
times = []
for _ in range({steps}):
    start = time.perf_counter(); step(); times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--sizes", default="784,1024,1024,10")
    parser.add_argument("--m", type=int, default=1024)
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(","))
    medians: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for which in ("old", "new"):
            code = CHILD.format(tree=getattr(args, which), sizes=sizes, m=args.m,
                                dtype=args.dtype, steps=args.steps)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd="/")
            medians[which].append(float(out.stdout))
    old, new = (statistics.median(medians[k]) for k in ("old", "new"))
    print(f"{args.sizes} m={args.m} {args.dtype}: old {old * 1e3:.2f} ms, new {new * 1e3:.2f} "
          f"ms, new/old {new / old:.3f} (median of {args.rounds} rounds of {args.steps} steps)")


if __name__ == "__main__":
    main()
