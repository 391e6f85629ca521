"""Two source trees, every case the engine's speed is judged on, interleaved in one run.

The per-op chain (``overhead.py``'s 100 elementwise ops on 4x4, forward + backward) and the
``nn`` training step (``nn.MLP`` + ``nn.binary_cross_entropy`` + ``nn.optim.SGD``) of the
2-4-1, 64-64-10 and 784-1024-1024-10 networks, each round running every case once in a fresh
process per tree, old and new taking turns (which goes first alternates by round), so a noisy
machine slows both alike. Reported per case: the median time of each tree and the median of
the same-round ratios new/old (the figure to judge: above 1.05 is a slowdown). One BLAS thread.

Usage: python benchmarks/old_vs_new.py OLD_TREE NEW_TREE [--rounds 15]
(a tree is a folder holding ``autograd_core`` and ``nn``: a checkout, or
``git archive <commit> autograd_core nn | tar -x -C /tmp/old``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from revisions import CHILD  # same folder: the child process that times one case

# (label, step, sizes, m, steps per process)
CASES = [
    ("per-op chain (us/op)", "per-op", (2, 4, 1), 1, 60),
    ("2-4-1 m=400 (us)", "nn", (2, 4, 1), 400, 300),
    ("64-64-10 m=256 (us)", "nn", (64, 64, 10), 256, 200),
    ("784-1024-1024-10 m=1024 (ms)", "nn", (784, 1024, 1024, 10), 1024, 5),
]


def run(tree: str, step: str, sizes: tuple[int, ...], m: int, steps: int) -> float:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    code = CHILD.format(tree=tree, sizes=sizes, m=m, dtype="float64", step=step, steps=steps)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd="/", env=env)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, dict[str, list[float]]] = {c[0]: {"old": [], "new": []} for c in CASES}
    for r in range(args.rounds):
        for label, step, sizes, m, steps in CASES:
            for which in (("old", "new") if r % 2 == 0 else ("new", "old")):
                times[label][which].append(run(getattr(args, which), step, sizes, m, steps))
    print(f"| case | old | new | new/old (median of {args.rounds} same-round ratios) |")
    print("|---|---|---|---|")
    for label, *_ in CASES:
        old, new = times[label]["old"], times[label]["new"]
        scale = 1e3 if label.endswith("(ms)") else 1e6
        ratio = statistics.median(n / o for n, o in zip(new, old))
        print(f"| {label} | {statistics.median(old) * scale:.2f} | "
              f"{statistics.median(new) * scale:.2f} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
