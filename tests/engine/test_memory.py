"""Freed arrays stay in the process for the next step (``autograd_core.memory``): a step's
fresh arrays do not page-fault every step, and the user's own allocator settings win."""

import os
import subprocess
import sys

import pytest

GLIBC = hasattr(os, "confstr") and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
pytestmark = pytest.mark.skipif(not GLIBC, reason="the setting is glibc's (mallopt)")

# Eight (64, 256) float64 arrays (128 KiB each, the 64-64-10 network's) written and freed,
# 200 times: with glibc's defaults the freed MiB at the top of the heap goes back to the
# system every time and the next round faults its 256 pages in again.
ROUNDS = """
import resource, sys
import numpy as np
import autograd_core.memory as memory
def round_():
    arrays = [np.ones((64, 256)) for _ in range(8)]
    del arrays
round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    round_()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(memory.KEPT, faults / 200)
"""


def run_rounds(**env):
    out = subprocess.run([sys.executable, "-c", ROUNDS], capture_output=True, text=True,
                         check=True, env={**os.environ, **env})
    kept, faults = out.stdout.split()
    return kept == "True", float(faults)


def test_freed_arrays_are_reused_without_page_faults():
    kept, faults = run_rounds()
    assert kept
    assert faults < 1  # none, after the first round


def test_a_malloc_variable_of_the_user_leaves_glibc_alone():
    kept, faults = run_rounds(MALLOC_ARENA_MAX="4")
    assert not kept
    # glibc's defaults: the pages come back every round (about 256 a round here, once 80 on
    # a busy machine; with memory kept, under 1)
    assert faults > 10
