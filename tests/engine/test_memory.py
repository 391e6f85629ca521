"""``autograd_core.memory.keep_freed_memory()``: an explicit call that keeps freed arrays in the
process for the next step (no page faults every step), made by the ``backprop`` command for
its own process; importing the library, or calling ``nn.cli.main``, leaves the host's
allocator as it was; the user's own allocator settings win."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10, the floor: pytest's own dependency
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
GLIBC = hasattr(os, "confstr") and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
glibc_only = pytest.mark.skipif(not GLIBC, reason="the setting is glibc's (mallopt)")

# A round writes and frees ``arrays``, then the page faults a round costs are counted.
_ROUNDS = """
import resource
import numpy as np
def round_():
    arrays = {arrays}
    del arrays
round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range({rounds}):
    round_()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(KEPT, faults / {rounds})
"""

# Eight (64, 256) float64 arrays (128 KiB each, the 64-64-10 network's), 200 times: with
# memory kept, no round faults.
ROUNDS = _ROUNDS.format(arrays="[np.ones((64, 256)) for _ in range(8)]", rounds=200)

# Whether glibc still returns freed memory, whatever the heap's history: sixteen 8 MiB arrays
# (128 MiB), 10 times. With glibc's defaults the free top of the heap goes back to the system
# every round (its adaptive trim threshold stops at 64 MiB), about 8,200 faults a round; with
# memory kept (256 MiB), none. ROUNDS's 128 KiB arrays cannot tell a host left alone: whether
# they fault depends on what the process happened to allocate and free before (a transient
# allocation of a few MiB raises glibc's adaptive thresholds past them).
BIG_ROUNDS = _ROUNDS.format(arrays="[np.ones(2**20) for _ in range(16)]", rounds=10)

# The host: 240 MB of arrays made and freed; the resident memory after, in MB.
RESIDENT = """
import numpy as np
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6
arrays = [np.ones(2**20) for _ in range(30)]
del arrays
print(KEPT, resident())
"""


def run(setup, measure, **env):
    """``setup`` (which sets KEPT), then ``measure``, in a fresh interpreter; its two values."""
    out = subprocess.run([sys.executable, "-c", setup + measure], capture_output=True,
                         text=True, check=True, cwd=ROOT, env={**os.environ, **env})
    kept, value = out.stdout.split()
    return kept == "True", float(value)


IMPORT_ONLY = """
import autograd_core, nn, numpy as np
from autograd_core import Tensor
(Tensor(np.ones((64, 256)), requires_grad=True).tanh().sum()).backward()  # a step, too
KEPT = None
"""
CALLED = "import autograd_core\nKEPT = autograd_core.memory.keep_freed_memory()\n"


@glibc_only
def test_importing_and_using_the_library_leaves_the_allocator_alone():
    _, faults = run(IMPORT_ONLY, BIG_ROUNDS)
    assert faults > 1000  # glibc's defaults: the pages come back every round (with memory kept: 0)
    _, resident = run(IMPORT_ONLY, RESIDENT)
    assert resident < 150  # the 240 MB went back to the system (about 30 MB remain)


@glibc_only
def test_keep_freed_memory_reuses_freed_arrays_without_page_faults():
    kept, faults = run(CALLED, ROUNDS)
    assert kept
    assert faults < 1  # none, after the first round
    kept, faults = run(CALLED, BIG_ROUNDS)
    assert kept and faults < 1
    kept, resident = run(CALLED, RESIDENT)
    assert kept and resident > 200  # what it costs: the freed 240 MB stay for reuse


@glibc_only
def test_a_malloc_variable_of_the_user_leaves_glibc_alone():
    kept, faults = run(CALLED, BIG_ROUNDS, MALLOC_ARENA_MAX="4")
    assert not kept
    assert faults > 1000


COMMAND = """
import sys
import autograd_core.memory, nn.cli
calls = []
real = autograd_core.memory.keep_freed_memory
autograd_core.memory.keep_freed_memory = lambda: calls.append(1) or real()
{call}
KEPT = len(calls) == 1
"""


@glibc_only
def test_the_backprop_command_keeps_freed_memory_for_its_own_process_only():
    script = COMMAND.format(call="sys.argv = ['backprop', '--version']\n"
                                 "import contextlib, io\n"
                                 "try:\n"
                                 "    with contextlib.redirect_stdout(io.StringIO()):\n"
                                 "        nn.cli.script()\n"
                                 "except SystemExit as e:\n"
                                 "    assert e.code == 0, e.code\n")
    called, faults = run(script, ROUNDS)
    assert called and faults < 1
    in_process = COMMAND.format(call="import contextlib, io\n"
                                     "with contextlib.redirect_stdout(io.StringIO()):\n"
                                     "    assert nn.cli.main(['--version']) == 0")
    called, faults = run(in_process, BIG_ROUNDS)
    assert not called and faults > 1000  # main() called by a host changes nothing


def test_the_command_and_python_m_nn_start_through_the_entry_point_that_keeps_memory():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["backprop"] == "nn.cli:script"
    out = subprocess.run([sys.executable, "-m", "nn", "--version"], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    assert out.stdout.startswith("backprop ")
    assert "script()" in (ROOT / "nn" / "__main__.py").read_text(encoding="utf-8")


EVERY_MODULE = """
import importlib, pkgutil
import autograd_core, nn
for package in (autograd_core, nn):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith(("__main__", "_bundled_graphviz")):  # scripts, not imports
            importlib.import_module(module.name)
KEPT = None
"""


@glibc_only
def test_importing_every_module_of_the_library_leaves_the_allocator_alone():
    _, faults = run(EVERY_MODULE, BIG_ROUNDS)
    assert faults > 1000
