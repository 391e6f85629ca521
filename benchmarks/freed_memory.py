"""Step times with and without ``autograd_core.memory.keep_freed_memory()``.

Each measurement is a fresh process (spawned), so that one setting's heap never serves the
other: it calls ``keep_freed_memory()`` or not, builds the step of ``run.py`` (``numpy``,
``tensor``, ``nn``, ``compiled``) on the same data and weights, and reports its median step time and
minor page faults per step. Processes alternate between the two settings, ``--processes``
of each; the table gives the medians over them.

Usage: python benchmarks/freed_memory.py [--processes 6] [--seconds 1.0] [--steps nn,compiled]
"""

from __future__ import annotations

import os

for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # as run.py: one BLAS thread

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from run import FACTORIES, make_problem  # noqa: E402  # same folder

CASES = [((2, 4, 1), 400), ((64, 64, 10), 256)]
STEPS = ("numpy", "tensor", "nn", "compiled")


def _measure(keep: bool, sizes: tuple[int, ...], m: int, name: str, seconds: float
             ) -> tuple[bool, float, float]:
    from autograd_core import memory

    kept = memory.keep_freed_memory() if keep else False
    X, Y, Ws, bs = make_problem(sizes, m, np.float64)
    step = FACTORIES[name](X, Y, Ws, bs)
    for _ in range(20):
        step()
    times = []
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    steps = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
        steps += 1
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    return kept, statistics.median(times), faults / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=6, help="processes per setting")
    parser.add_argument("--seconds", type=float, default=1.0, help="timed seconds a process")
    parser.add_argument("--steps", default=",".join(STEPS), help="which of run.py's steps")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} | {platform.machine()} | {os.cpu_count()} cores "
          f"| Python {platform.python_version()} | NumPy {np.__version__} | "
          f"{args.processes} processes per setting, {args.seconds:g} s each\n")
    print("| network | m | step | glibc defaults | keep_freed_memory() | ratio | "
          "faults/step (defaults → kept) |")
    print("|---|---|---|---|---|---|---|")
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:  # a fresh process every measurement
        for sizes, m in CASES:
            for name in (n for n in args.steps.split(",") if n in FACTORIES):
                results: dict[bool, list] = {False: [], True: []}
                for _ in range(args.processes):
                    for keep in (False, True):
                        results[keep].append(pool.apply(_measure, (keep, sizes, m, name,
                                                                    args.seconds)))
                assert all(kept for kept, _, _ in results[True]), "glibc refused the setting"
                t = {k: statistics.median(r[1] for r in v) for k, v in results.items()}
                f = {k: statistics.median(r[2] for r in v) for k, v in results.items()}
                print(f"| {'-'.join(map(str, sizes))} | {m} | {name} | {t[False] * 1e6:.1f} µs "
                      f"| {t[True] * 1e6:.1f} µs | {t[True] / t[False]:.2f} | "
                      f"{f[False]:.1f} → {f[True]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
