"""Run a learner's ``backprop(cache)`` in a child process, so that nothing it does decides the
grade: ``run_learner(file, function, cache, time_limit)``.

The child (this module's :func:`child`, started as ``python -c``) loads the file, calls the
function on the cache the parent pickled for it, and writes back only plain data: a JSON
description of what was returned and an ``.npz`` of the arrays (read with
``allow_pickle=False``: nothing the learner made is ever unpickled here). The parent grades
those values itself. So a file that exits (``sys.exit``, ``exit()``, ``os._exit``), hangs,
crashes the interpreter, raises from anywhere (a returned mapping's ``items``, an array's
``__array__``), returns odd objects or prints megabytes gives an :class:`Outcome` whose
``failure`` says in one line what happened; the grade never ends early, never hangs past the
time limit, and never reads the learner's word for the result.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core.atomic import replacing, write_bytes, write_text

from ..closed_form.grading.grader import Unreadable
from ..closed_form.grading.rules import Cache
from ..closed_form.result import BackpropResult, Quantity

_WHO = "backprop grade"
_STARTUP = 120.0  # seconds the interpreter may take to start, before the file's time
_MAX_REPORT = 64_000_000  # bytes of JSON: a line per returned entry
_KEPT_OUTPUT = 64_000  # bytes kept from the pipe; the rest is counted and dropped
_MAX_ENTRIES = 10_000  # returned entries: a network of 1,000 layers (the most) has 4,001
_STAGES = {"load": "while loading the file", "call": "while running {function}",
           "convert": "while its result was read", "": "before the file was loaded"}


@dataclass(frozen=True)
class Outcome:
    """What the learner's code did: ``returned`` (rebuilt from plain data) or a one-line
    ``failure``; ``output`` is the start of what it printed, ``printed`` how much in all."""

    returned: Any = None
    failure: str = ""
    output: str = ""
    printed: int = 0


# ---------------------------------------------------------------- the parent


def run_learner(file: str, function: str, cache: Cache, time_limit: float,
                max_values: int) -> Outcome:
    """Run ``function`` of ``file`` on ``cache`` in a child process for at most
    ``time_limit`` seconds; a returned array of more than ``max_values`` values is not sent
    back (only its shape)."""
    with tempfile.TemporaryDirectory(prefix="backprop-grade-",
                                     ignore_cleanup_errors=True) as folder:
        job = Path(folder)
        write_bytes(job / "cache.pickle",  # ours, read by the child
                    pickle.dumps(_picklable(cache), protocol=pickle.HIGHEST_PROTOCOL), _WHO)
        write_text(job / "job.json", json.dumps({"file": os.path.abspath(file),
                                                 "function": function,
                                                 "max_values": max_values}), _WHO)
        here = str(Path(__file__).resolve().parents[2])  # the folder holding nn/
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        code = "import sys; del sys.path[0]; from nn.cli.grade_runner import child; child()"
        process = subprocess.Popen([sys.executable, "-c", code, folder], env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        reader = _Reader(process.stdout)
        reader.start()
        try:
            timed_out = _wait(process, job / "stage", time_limit)
        finally:  # on a timeout, Ctrl-C, anything: the child and what it started go
            _kill_group(process)
        reader.join(1.0)  # a grandchild that left the group may hold the pipe: not waited on
        output, printed = reader.text(), reader.total
        stage = _read_text(job / "stage")
        if timed_out:
            where = _STAGES.get(stage, _STAGES[""]).format(function=f"{function}(cache)")
            return Outcome(failure=f"your code did not finish within {time_limit:g} s "
                                   f"({where}): an endless loop, or input() waiting? "
                                   f"(--time-limit changes the limit)",
                           output=output, printed=printed)
        return _outcome(job, process.returncode, stage, function, output, printed,
                        max_values)


def _wait(process: subprocess.Popen, stage: Path, time_limit: float) -> bool:
    """Wait for the child; True if the learner's file ran past ``time_limit`` (counted from
    when the child starts loading it, so a slow interpreter start is not charged to it)."""
    started, deadline = time.monotonic(), None
    while process.poll() is None:
        now = time.monotonic()
        if deadline is None and stage.exists():
            deadline = now + time_limit
        if now > (deadline if deadline is not None else started + _STARTUP + time_limit):
            return True
        time.sleep(0.02)
    return False


def _picklable(cache: Cache) -> Cache:
    """``cache`` with fresh activation modules: a model's carry its forward hooks (closures)."""
    def fresh(act: Any) -> Any:
        if act is None:
            return None
        slope = getattr(act, "negative_slope", None)
        return type(act)() if slope is None else type(act)(slope)

    return replace(cache, activations=[fresh(act) for act in cache.activations])


class _Reader(threading.Thread):
    """Drains the child's output, keeping its first ``_KEPT_OUTPUT`` bytes."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream, self.kept, self.total = stream, bytearray(), 0

    def run(self) -> None:
        while chunk := self.stream.read1(65536):
            self.total += len(chunk)
            if len(self.kept) < _KEPT_OUTPUT:
                self.kept += chunk[:_KEPT_OUTPUT - len(self.kept)]

    def text(self) -> str:
        return bytes(self.kept).decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):  # the child leads its own group: what it started goes too
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _read(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path``, a file the learner's process could replace: None unless it is a
    regular file (not a link, a FIFO that would block, a device) of at most ``limit`` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return stream.read(limit + 1)[:limit]


def _read_text(path: Path) -> str:
    data = _read(path, 100)
    return "" if data is None else data.decode("utf-8", "replace").strip()


def _outcome(job: Path, status: int, stage: str, function: str, output: str,
             printed: int, max_values: int) -> Outcome:
    """The child's report, or what its exit status says happened."""
    where = _STAGES.get(stage, _STAGES[""]).format(function=f"{function}(cache)")

    def failed(failure: str) -> Outcome:
        return Outcome(failure=one_line(failure), output=output, printed=printed)

    report_bytes = _read(job / "result.json", _MAX_REPORT)
    if report_bytes is None:
        if status < 0:
            name = signal.Signals(-status).name if -status in signal.valid_signals() else "?"
            return failed(f"your code was killed (SIGKILL: out of memory?) {where}"
                          if name == "SIGKILL" else
                          f"your code crashed the process ({name}) {where}")
        return failed(f"your code ended the process (exit status {status}) {where}, without "
                      f"returning: os._exit() or a crash?")
    try:  # written by our child, but in the learner's process: read as untrusted data
        report = json.loads(report_bytes.decode("utf-8"))
        arrays = _arrays(job / "result.npz", max_values)
        if report.get("kind") == "error":
            return failed(str(report["message"]))
        return Outcome(returned=_rebuild(report, arrays), output=output, printed=printed)
    except Exception as error:  # noqa: BLE001 - any malformed report is one line
        return failed(f"your code's result could not be read back ({type(error).__name__}: "
                      f"{error})")


def one_line(text: str, most: int = 500) -> str:
    """``text`` on one line of at most ``most`` characters (an exception's message may hold
    line breaks, or megabytes)."""
    line = " | ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= most else line[:most] + " ..."


def _arrays(path: Path, max_values: int) -> dict[str, np.ndarray]:
    """The arrays of the child's ``.npz``: never unpickled, never more than the limit."""
    if not os.path.lexists(path):
        return {}
    most = 64 * (max_values + 1024) * 8
    data = _read(path, most)
    if data is None:
        raise ValueError("the arrays are not a regular file of a result's size")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    if declared > most:
        raise ValueError(f"{declared:,} bytes of arrays, more than a result can hold")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _value(entry: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    if entry.get("none"):
        return None
    if "why" in entry:
        return Unreadable(str(entry["why"]))
    return arrays[str(entry["array"])]


def _rebuild(report: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    """The returned value, as plain objects the grader reads as it would the original."""
    if report["kind"] == "other":  # the grader names the type: an empty one of that name
        return type(str(report["type"]), (), {})()
    entries = report["entries"]
    if report["kind"] == "result":
        quantities = {str(k): Quantity(str(k), "", str(q["gradient"]), float(q["factor"]),
                                       str(q["factor_text"]), "", "", plain=str(q["plain"]))
                      for k, q in report["quantities"].items()}
        per_key: dict[str, dict[int, Any]] = {k: {} for k in quantities}
        for entry in entries:
            per_key[str(entry["key"])][int(entry["layer"])] = _value(entry, arrays)
        return BackpropResult("your result", "your backprop", per_key, quantities)
    return {str(entry["key"]["text"]) if "text" in entry["key"]
            else (str(entry["key"]["tuple"][0]), int(entry["key"]["tuple"][1])):
            _value(entry, arrays) for entry in entries}


# ---------------------------------------------------------------- the child


def child() -> None:
    """The child's whole life: load, call, send back plain data, and leave by ``os._exit``
    (so nothing the learner registered, an ``atexit`` or a thread, runs or waits after)."""
    job = Path(sys.argv[1])
    spec = json.loads((job / "job.json").read_text(encoding="utf-8"))
    with open(job / "cache.pickle", "rb") as stream:
        cache = pickle.load(stream)
    import runpy

    function = spec["function"]
    stage = "load"
    try:
        _stage(job, stage)
        sys.path.insert(0, os.path.dirname(spec["file"]))  # as `python file.py`: its helpers
        namespace = runpy.run_path(spec["file"], run_name="__learner__")
        fn = namespace.get(function)
        if not callable(fn):
            _send(job, {"kind": "error", "message": (
                f"{spec['file']} defines no function {function}(cache): define def "
                f"{function}(cache): return {{'dZ[2]': ..., ...}}")})
            os._exit(0)
        stage = "call"
        _stage(job, stage)
        returned = fn(cache)
        stage = "convert"
        _stage(job, stage)
        report, arrays = _describe(returned, int(spec["max_values"]), function)
    except BaseException as error:  # SystemExit, KeyboardInterrupt too: all the learner's
        try:
            message = _raised(error, stage, function, spec["file"])
        except BaseException:  # an exception whose repr raises in turn
            message = f"your code raised an exception ({stage})"
        _send(job, {"kind": "error", "message": message})
        os._exit(0)
    _send(job, report, arrays)
    os._exit(0)


def _stage(job: Path, stage: str) -> None:
    write_text(job / "stage", stage, _WHO)
    sys.stdout.flush()


def _raised(error: BaseException, stage: str, function: str, file: str) -> str:
    """``"your file called sys.exit(0) while loading it (line 3 of f.py)"``."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename != __file__]
    mine = [f for f in frames if os.path.abspath(f.filename) == file]
    frames = mine or frames  # exit() is raised in site's code: the learner's line is news
    where = f" (line {frames[-1].lineno} of {frames[-1].filename})" if frames else ""
    if isinstance(error, SyntaxError) and error.lineno:  # raised by the compiler: no frame
        where = f" (line {error.lineno} of {error.filename})"
    who = {"load": "your file", "call": f"your {function}(cache)",
           "convert": f"reading what {function}(cache) returned"}[stage]
    if isinstance(error, SystemExit):
        code = "" if error.code is None else repr(error.code)
        return (f"{who} called sys.exit({code}) or exit({code}){where}: return the result "
                f"instead")
    text = traceback.format_exception_only(type(error), error)[-1].strip()
    return f"{who} raised {text}{where}"


def _describe(returned: Any, max_values: int, function: str
              ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Plain data for ``returned``: its entries, each an array (by name in ``arrays``), None
    or why it is no array; anything the learner's objects raise propagates to ``child``."""
    from ..closed_form.grading.names import parse_key

    arrays: dict[str, np.ndarray] = {}

    def value(v: Any) -> dict[str, Any]:
        if v is None:
            return {"none": True}
        if not isinstance(v, (np.ndarray, np.generic, int, float, complex, list, tuple)):
            return {"why": f"got a {type(v).__name__}, not an array"}
        array = np.asarray(v)
        if array.size > max_values:
            return {"why": f"got shape {array.shape}"}
        if array.dtype.kind == "O":  # converted here, where the objects live
            try:
                array = np.asarray(v, dtype=np.float64)
            except (TypeError, ValueError) as error:
                return {"why": f"got {type(v).__name__} that is not numbers ({error})"}
        if array.dtype.hasobject:  # records holding objects: they cannot travel unpickled
            return {"why": f"got {array.dtype} values, not real numbers: return a float "
                           f"array"}
        # complex, text, dates travel as they are: the grader refuses them, naming the dtype
        name = f"a{len(arrays)}"
        arrays[name] = np.array(array, copy=True, subok=False)
        return {"array": name}

    if isinstance(returned, BackpropResult):
        quantities = {_short(str(k)): {"gradient": str(q.gradient), "factor": float(q.factor),
                                       "factor_text": _short(str(q.factor_text)),
                                       "plain": _short(str(q.plain or k))}
                      for k, q in returned.quantities.items()}
        if len(quantities) > _MAX_ENTRIES or sum(map(len, returned.arrays.values())) > \
                _MAX_ENTRIES:
            return {"kind": "error", "message": f"the result {function}(cache) returned has "
                    f"more than {_MAX_ENTRIES} entries"}, {}
        entries = [{"key": _short(str(k)), "layer": int(layer), **value(v)}
                   for k, per_layer in returned.arrays.items() for layer, v in per_layer.items()]
        return {"kind": "result", "quantities": quantities, "entries": entries}, arrays
    if not isinstance(returned, Mapping):
        return {"kind": "other", "type": _short(type(returned).__name__)}, arrays
    entries = []
    for key, v in returned.items():  # as names.flatten reads it, nested dicts unfolded
        if isinstance(key, str) and isinstance(v, Mapping):
            items = [(f"{key}[{layer}]", array, parse_key((key, layer)))
                     for layer, array in v.items()]
        else:
            items = [(key if isinstance(key, str) else repr(key), v, parse_key(key))]
        for written, array, parsed in items:
            if len(entries) == _MAX_ENTRIES:
                return {"kind": "error", "message": f"what {function}(cache) returned has more "
                        f"than {_MAX_ENTRIES} entries: return one array per quantity"}, {}
            entries.append({"key": _key(_short(str(written)), parsed), **value(array)})
    return {"kind": "mapping", "entries": entries}, arrays


def _short(text: str, most: int = 60) -> str:
    """A returned key as the report shows it: a name, not megabytes, and printable (a lone
    surrogate would stop the report at ``print``)."""
    text = text if len(text) <= most else text[:most] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _key(written: str, parsed: tuple[str, int] | None) -> dict[str, Any]:
    """The key the parent puts in the rebuilt dict: the text as written when the grader reads
    it the same way, else the parsed ``(name, layer)``; an unknown name stays unknown."""
    from ..closed_form.grading.names import parse_key

    if parsed is None:
        return {"text": written if parse_key(written) is None else f"<{written}>"}
    if parse_key(written) == parsed:
        return {"text": written}
    return {"tuple": [str(parsed[0]), int(parsed[1])]}


def _send(job: Path, report: dict[str, Any], arrays: dict[str, np.ndarray] | None = None
          ) -> None:
    """Write the report (and arrays) for the parent, the JSON last: its presence says done."""
    if arrays:
        with replacing(job / "result.npz", _WHO) as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
    write_text(job / "result.json", json.dumps(report), _WHO)
