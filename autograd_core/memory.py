"""``keep_freed_memory()``: keep freed array memory in the process, so that a training step's
fresh arrays do not page-fault every step. An explicit call for a training script (the
``backprop`` command makes it for its own process); importing the library changes nothing in
the host process.

Every op and every rule returns a fresh array, and a training step frees them all again. With
glibc's defaults, memory freed at the top of the heap goes back to the system once more than
128 KiB is free there (the threshold rises only after some array of more than 128 KiB has
been freed, and then only to twice that array's size), so the next step's arrays fault their
pages in again, one 4 KiB page at a time. On the 64-64-10 network at m = 256, whose
(64, 256) float64 arrays are exactly 128 KiB, that was about 150 page faults and half the
time of a step (the hand-written NumPy step pays the same, about 100 faults). PyTorch's and
JAX's processes do not: importing them frees large arrays, which raises glibc's thresholds.

The call sets glibc's two thresholds for the rest of the process: arrays up to 32 MiB come
from the heap (glibc's own adaptive limit for the mapping threshold; larger arrays are mapped
and unmapped as before), and the free memory at the top of the heap goes back to the system
only when there is more than 256 MiB of it (64 MiB, where the adaptive rule stops, still let
the benchmarks' 784-1024-1024-10 step, about 100 MiB, fault 4,600 pages a step). Memory is
reused, not leaked, but the process keeps up to 256 MiB of freed memory resident: after
freeing 240 MB of arrays it stays at about 268 MB instead of 26. That is right for a training
run and wrong for a host that merely imports the library (a Jupyter kernel, a web service),
which is why it is never done at import. Setting any of glibc's own ``MALLOC_*`` variables
(or ``GLIBC_TUNABLES``) leaves the allocator alone.
"""

from __future__ import annotations

import ctypes
import os

__all__ = ["keep_freed_memory"]

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 * 2**20  # glibc's largest adaptive value on 64-bit
TRIM_THRESHOLD = 256 * 2**20  # free heap kept for the next step


def keep_freed_memory() -> bool:
    """Keep up to 256 MiB of freed memory in this process for the next arrays (glibc only).

    Call it once at the start of a training script: a step's arrays are then reused instead
    of page-faulted in again (on the 64-64-10 network at m = 256, about half of each step's
    time). Returns True when set; False where there is no glibc, or where the user set
    glibc's ``MALLOC_*`` variables or ``GLIBC_TUNABLES`` (their choice wins). Calling it
    again changes nothing more.
    """
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return False
    except (AttributeError, ValueError, OSError):  # not Linux, or no glibc
        return False
    if "GLIBC_TUNABLES" in os.environ or any(name.startswith("MALLOC_") for name in os.environ):
        return False  # the user's choice
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and \
        bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
