"""DOT text to SVG, PNG or PDF: the system ``dot`` when on PATH, else pygraphviz's engine."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

FORMATS = ("svg", "png", "pdf")
_CHILD = Path(__file__).with_name("_bundled_graphviz.py")
PYGRAPHVIZ = "pygraphviz"  # the module that ships the engine (a seam for tests)
_INSTALL = ("install the Graphviz engine: `pip install pygraphviz` (its wheel ships Graphviz), "
            "or a system Graphviz so that `dot` is on PATH (apt install graphviz, "
            "brew install graphviz, conda install graphviz)")


class _Failed(Exception):
    """One renderer could not make the picture. ``ran``: it started (so it is installed)."""

    def __init__(self, reason: str, ran: bool) -> None:
        super().__init__(reason)
        self.ran = ran


def to_bytes(source: str, fmt: str, dpi: float | None = None) -> bytes:
    """The picture of the DOT ``source`` in ``fmt`` (svg, png or pdf).

    Tries the system ``dot`` if it is on PATH, then the Graphviz inside the ``pygraphviz``
    wheel; if neither works, one ``RuntimeError`` says what was tried, why each failed, and
    what to do. ``dpi`` sets the resolution of bitmaps (PNG); Graphviz's default is 96.
    """
    if fmt not in FORMATS:
        raise ValueError(f"render: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    data = source.encode("utf-8")
    failures: list[tuple[str, _Failed]] = []
    dot = shutil.which("dot")
    if dot is None:
        failures.append(("system Graphviz", _Failed("no `dot` executable on PATH", ran=False)))
    else:
        try:
            return _system_dot(dot, data, fmt, dpi)
        except _Failed as failure:
            failures.append((f"system Graphviz ({dot})", failure))
    try:
        return _bundled(data, fmt, dpi)
    except _Failed as failure:
        failures.append(("the Graphviz bundled with pygraphviz", failure))
    tried = "\n".join(f"  - {who}: {failure}" for who, failure in failures)
    if any(failure.ran for _, failure in failures):
        fix = ("Graphviz is installed but could not draw this graph: for a large graph "
               "draw fewer ops (max_ops=...) or write .svg, which has no size limit")
    else:
        fix = f"To fix, {_INSTALL}"
    raise RuntimeError(f"render: could not make a {fmt} picture; tried\n{tried}\n{fix}. "
                       f"The DOT text itself is always available: draw(...).source")


def _system_dot(dot: str, data: bytes, fmt: str, dpi: float | None) -> bytes:
    args = [dot, f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if dpi is not None else [])
    try:
        done = subprocess.run(args, input=data, capture_output=True, check=False)
    except OSError as err:
        raise _Failed(f"could not run it ({err})", ran=False) from None
    if done.returncode != 0 or not done.stdout:
        raise _Failed(_reason(done), ran=True)
    return done.stdout


def _bundled(data: bytes, fmt: str, dpi: float | None) -> bytes:
    if importlib.util.find_spec(PYGRAPHVIZ) is None:
        raise _Failed("pygraphviz is not installed", ran=False)
    args = [sys.executable, str(_CHILD), fmt] + ([str(dpi)] if dpi is not None else [])
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    try:
        done = subprocess.run(args, input=data, capture_output=True, check=False, env=env)
    except OSError as err:
        raise _Failed(f"could not start {sys.executable} ({err})", ran=False) from None
    if done.returncode != 0 or not done.stdout:
        raise _Failed(_reason(done), ran=done.returncode != 3)
    return done.stdout


def _reason(done: subprocess.CompletedProcess) -> str:
    """Why a renderer failed: its own error lines, else how it ended."""
    lines = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
             if line.strip() and "Fontconfig" not in line and "layout may take" not in line]
    if done.returncode < 0:
        return (f"Graphviz crashed (signal {-done.returncode})"
                + (f": {lines[-1]}" if lines else ""))
    if lines:
        return "; ".join(lines[-3:])
    return f"exit status {done.returncode}, no output"


def write(source: str, path: str | os.PathLike, dpi: float | None = None) -> Path:
    """Write the picture of ``source`` to ``path`` in the format its suffix names."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"render: cannot tell the format from {str(path)!r}; end the path "
                         f"with {', '.join('.' + f for f in FORMATS)}")
    path.write_bytes(to_bytes(source, fmt, dpi))
    return path
