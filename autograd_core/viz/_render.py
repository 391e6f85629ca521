"""DOT text to SVG, PNG or PDF: the system ``dot`` when on PATH, else pygraphviz's engine."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..atomic import write_bytes

FORMATS = ("svg", "png", "pdf")
_CHILD = Path(__file__).with_name("_bundled_graphviz.py")
PYGRAPHVIZ = "pygraphviz"  # the module that ships the engine (a seam for tests)
_INSTALL = ("install the Graphviz engine: `pip install pygraphviz` (its wheel ships Graphviz), "
            "or a system Graphviz so that `dot` is on PATH (apt install graphviz, "
            "brew install graphviz, conda install graphviz)")


MAX_NODES = 25_000
"""The most nodes ``render`` lays out unless told otherwise (``max_nodes=None``).

Graphviz's ``dot`` layout grows faster than the node count and depends on the shape. Measured
here (the Graphviz bundled with pygraphviz, one core): a chain of 10,000 tanh (20,001 nodes)
2 s and of 40,000 (80,001 nodes) 10 s; a loop adding one tensor 5,000 times (15,001 nodes)
11 s and 10,000 times (30,001 nodes) 60 s; a 1,000-layer MLP (9,014 nodes) 8 s; 100,000
nodes ran for more than 94 s. So at most about a minute, and a 10,000-op chain still fits."""


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
    if fmt == "svg":
        return fix_scripts(_picture(source, fmt, dpi))
    return _picture(source, fmt, dpi)


def _picture(source: str, fmt: str, dpi: float | None) -> bytes:
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


SCRIPT_SCALE = 0.8  # the size Graphviz lays a <sup>/<sub> out at, relative to its text's
_SCRIPT = re.compile(rb'<text([^>]*?) baseline-shift="(super|sub)"([^>]*)>')
_Y = re.compile(rb' y="(-?[\d.]+)"')
_SIZE = re.compile(rb' font-size="([\d.]+)"')


def fix_scripts(svg: bytes) -> bytes:
    """Sub- and superscripts drawn as Graphviz laid them out.

    Graphviz's SVG writes each at its text's full font size, raised by
    ``baseline-shift``; it measured (and Cairo draws) them smaller, so in a browser they ran
    into the next word and the line above. Each becomes a text of its own at the measured
    size, moved up or down by ``y``: the same picture as the PNG.
    """
    def one(match: re.Match) -> bytes:
        attrs = match[1] + match[3]
        size_m, y_m = _SIZE.search(attrs), _Y.search(attrs)
        if size_m is None or y_m is None:
            return match[0]
        size = float(size_m[1])
        shift = -0.3 * size if match[2] == b"super" else 0.15 * size
        attrs = _SIZE.sub(f' font-size="{size * SCRIPT_SCALE:.2f}"'.encode(), attrs, count=1)
        attrs = _Y.sub(f' y="{float(y_m[1]) + shift:.2f}"'.encode(), attrs, count=1)
        return b"<text" + attrs + b">"
    return _SCRIPT.sub(one, svg)


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
    return write_bytes(path, to_bytes(source, fmt, dpi), "render")


# ---------------------------------------------------------------- the size guard

_ID = r'"(?:[^"\\]|\\.)*"|[\w.]+'
_NODE = re.compile(rf"\s*({_ID})\s*(?:\[|$)")
_EDGE = re.compile(rf"\s*(?:{_ID})(?:\s*-[->]\s*(?:{_ID}))+")
_KEYWORDS = {"graph", "node", "edge", "subgraph", "digraph", "strict"}


def count_nodes(source: str) -> int:
    """The nodes of the DOT ``source``: those declared and the ends of edges, read statement
    by statement: each line up to its first attribute list (``[...]``, whose labels may hold
    any character), split at ``;``, ``{`` and ``}``. Exact for the text ``draw`` and the
    graphviz package write (a statement a line); approximate for other layouts."""
    names: set[str] = set()
    for line in source.splitlines():
        for statement in re.split(r"[;{}]", line.split("[", 1)[0]):  # labels come after "["
            edge = _EDGE.match(statement)
            if edge:
                names.update(re.findall(_ID, edge[0]))
            elif node := _NODE.match(statement):
                names.add(node[1])
    return len(names - _KEYWORDS)


def count_graph(root: Any) -> int:
    """A lower bound of the nodes ``draw(root)`` makes: a node per tensor reaching ``root``
    and one per op. An iterative walk of ``parents``, far faster than drawing."""
    seen, stack, ops = {id(root)}, [root], 0
    while stack:
        t = stack.pop()
        parents = getattr(t, "parents", ())
        ops += bool(parents)
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen) + ops


def check_size(nodes: int, max_nodes: int | None, *, at_least: bool, tensor: bool) -> None:
    """A ``ValueError`` if a drawing of ``nodes`` nodes is more than ``max_nodes`` to lay out;
    it names both, and ``max_ops=`` and ``max_nodes=None`` as the ways out."""
    if max_nodes is None or nodes <= max_nodes:
        return
    fewer = ("render(root, path, max_ops=1000) draws the first and last 500 ops and one box "
             "for the middle" if tensor else
             "draw it again with draw(root, max_ops=1000), which collapses the middle ops into "
             "one box")
    raise ValueError(f"render: the drawing has {'at least ' if at_least else ''}{nodes:,} "
                     f"nodes, more than max_nodes={max_nodes:,}: Graphviz would take minutes "
                     f"or more to lay it out, so it was not started. To draw fewer ops, "
                     f"{fewer}; or pass max_nodes=None to lay it out anyway")


def check_max_nodes(max_nodes: Any) -> None:
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 1):
        raise ValueError(f"render: max_nodes must be a positive integer or None, "
                         f"got {max_nodes!r}")
