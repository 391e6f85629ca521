"""``draw``: a ``Graph`` (``_graph.py``) as a ``graphviz.Digraph``, styled for a lecture."""

from __future__ import annotations

import math
import os
from collections import Counter
from typing import Any

import graphviz

from ..atomic import write_text
from . import _graph, _labels, _render
from ._graph import CONSTANT, INPUT, INTERMEDIATE, Graph
from ._style import (
    _FLOAT64,
    CLUSTER_BORDER,
    CLUSTER_FILLS,
    EDGE,
    FANOUT,
    FONT,
    GRADIENT,
    INK,
    LEGEND,  # noqa: F401 - part of the viz API, re-exported
    MUTED,
    OP_BORDER,
    OP_FILL,
    RANKDIRS,
    RULE_FILL,
    SMALL,
    STYLES,
    _attributes,
    _legend,
    _op_text,
    _small,
)

# A thin empty line before each rule: Graphviz spaces lines by their font size, so a rule's
# superscripts (drawn at the size it measured, see _render.fix_scripts) would touch the
# descenders of the line above.
_GAP = '<font point-size="3"> </font><br align="left"/>'


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows itself in Jupyter without a system Graphviz.

    Inline display renders through ``autograd_core.viz``'s renderer (the system ``dot`` if it
    is on PATH, else the Graphviz inside the ``pygraphviz`` wheel). Everything else is the
    ``graphviz`` package's: ``.source`` is the DOT text.
    """

    def __repr__(self) -> str:  # no memory address: notebooks stay the same run to run
        nodes = sum(" [label=<" in line and not line.lstrip().startswith("graph [")
                    for line in self.body)
        edges = sum(" -> " in line and "invis" not in line for line in self.body)
        return f"<Drawing: {nodes} nodes, {edges} edges>"

    def _repr_image_svg_xml(self) -> str:
        return _render.to_bytes(self.source, "svg").decode("utf-8")

    def _repr_image_png(self) -> bytes:
        return _render.to_bytes(self.source, "png")

    def _repr_image_jpeg(self) -> bytes:  # not offered: Jupyter asks for svg or png
        raise NotImplementedError("autograd_core.viz renders svg, png or pdf")

    # graphviz's own save/render write in place (a full disk leaves half a file, a link at
    # the path is followed) and render needs a system ``dot``: both go through the project's
    # atomic writer and renderer instead.
    def save(self, filename: str | os.PathLike[str] | None = None,
             directory: str | os.PathLike[str] | None = None, *,
             skip_existing: bool | None = False) -> str:
        """Write the DOT text to ``filepath`` (graphviz's ``save``), atomically."""
        if filename is not None:
            self.filename = os.fspath(filename)
        if directory is not None:
            self.directory = os.fspath(directory)
        path = self.filepath
        if skip_existing and os.path.exists(path):
            return path
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        write_text(path, self.source, "Drawing.save")
        return path

    def render(self, filename: str | os.PathLike[str] | None = None,  # type: ignore[override]
               directory: str | os.PathLike[str] | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, renderer: str | None = None,
               formatter: str | None = None, neato_no_op: bool | int | None = None,
               quiet: bool = False, quiet_view: bool = False, *,
               outfile: str | os.PathLike[str] | None = None, engine: str | None = None,
               raise_if_result_exists: bool = False, overwrite_source: bool = False) -> str:
        """graphviz's ``render`` (the DOT file, then ``<filepath>.<format>``, or ``outfile``),
        drawn by ``autograd_core.viz``'s renderer and written atomically; svg, png or pdf."""
        unsupported = {"view": view, "renderer": renderer, "formatter": formatter,
                       "neato_no_op": neato_no_op,
                       "engine": None if engine in (None, "dot") else engine}
        given = sorted(name for name, value in unsupported.items() if value)
        if given:
            raise ValueError(f"Drawing.render: {', '.join(given)} not supported here; use "
                             f"graphviz.Source(drawing.source).render(...) with a system "
                             f"Graphviz, or viz.render(drawing, path)")
        if outfile is not None:
            out = os.fspath(outfile)
            fmt = format or os.path.splitext(out)[1].lstrip(".") or self.format
            if filename is None:
                filename = os.path.splitext(os.path.basename(out))[0] + ".gv"
                directory = os.path.dirname(out) if directory is None else directory
        fmt = (format or self.format) if outfile is None else fmt
        if fmt not in _render.FORMATS:
            raise ValueError(f"Drawing.render: cannot write format {fmt!r}; expected one of "
                             f"{', '.join(_render.FORMATS)}")
        source = self.save(filename, directory)
        target = out if outfile is not None else f"{source}.{fmt}"
        if os.path.splitext(target)[1].lstrip(".").lower() != fmt:
            raise ValueError(f"Drawing.render: format {fmt!r} does not match the suffix of "
                             f"{target!r}")
        if raise_if_result_exists and os.path.exists(target):
            raise FileExistsError(f"Drawing.render: {target!r} already exists")
        try:
            _render.write(self.source, target)
        finally:
            if cleanup:  # asked for the picture only: no DOT file left, whatever happened
                os.remove(source)
        return target


def draw(root: Any, *, show_shapes: bool = True, show_grads: bool = False,
         backward: bool = False, rankdir: str = "LR", max_ops: int | None = None,
         legend: bool = False) -> Drawing:
    """The computation graph that produced ``root``, as a ``graphviz.Digraph``.

    Args:
        root: the Tensor to draw the graph of (usually the loss ``J``).
        show_shapes: write each tensor's shape (``4×2``) under its name.
        show_grads: also summarise values and gradients: ``= 0.693`` or ``[min, max]`` for a
            value, ``= 0.12`` or ``‖·‖ = 0.034`` (the Euclidean norm) for ``.grad`` where it is
            set (leaves, and ``retain_grad()`` tensors such as ``nn.MLP``'s ``Z[l]``, ``A[l]``,
            after ``backward()``).
        backward: draw the gradient flow instead: the same layout, arrows reversed, each
            tensor labelled with its gradient's name (``dW[1]``) and each op with its local
            rules (``dW[2] = dZ[2] A[1]ᵀ``).
        rankdir: ``"LR"`` (inputs on the left), ``"TB"`` (top to bottom), ``"RL"``, ``"BT"``.
        max_ops: draw at most this many ops: the first half and the last half in evaluation
            order; one dashed box stands for the middle and counts what it hides. ``None``
            draws every op.
        legend: add a key explaining the colours and shapes (see ``LEGEND``).

    Returns:
        A ``Drawing`` (a ``graphviz.Digraph``); the same graph always gives the same
        ``.source``, byte for byte. ``render(root, path)`` writes it to a file.
    """
    if not hasattr(root, "parents") or not hasattr(root, "requires_grad"):
        raise TypeError(f"draw: expects a Tensor, got {type(root).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if max_ops is not None and (isinstance(max_ops, bool) or not isinstance(max_ops, int)
                                or max_ops < 2):
        raise ValueError(f"draw: max_ops must be an integer >= 2 or None, got {max_ops!r}")
    graph = Graph(root, fuse=backward)  # backward: drawn as the engine runs it
    return _Builder(graph, show_shapes, show_grads, backward, rankdir, max_ops, legend).build()


class _Builder:
    def __init__(self, graph: Graph, show_shapes: bool, show_grads: bool, backward: bool,
                 rankdir: str, max_ops: int | None, legend: bool) -> None:
        self.g, self.show_shapes, self.show_grads = graph, show_shapes, show_grads
        self.backward, self.rankdir, self.legend = backward, rankdir, legend
        self.grads, self.shares = _graph.gradient_names(graph)
        self.hidden = _hide_middle(graph, max_ops)
        self.scopes: dict[Any, int] = {}  # Scope -> cluster number, in order of appearance
        self.members: dict[Any, list[tuple[str, str, dict]]] = {None: []}
        self.edges: list[tuple[str, str, dict]] = []
        self.placed: dict[str, Any] = {}  # node -> the scope box it is drawn in
        self.ranks: list[tuple[str, str]] = []  # (leaf, op) drawn side by side
        self.sources: dict[tuple[int, int], str] = {}  # (user, position) -> a copy's node
        self.line: set[int] = set()  # leaves that start the main line (X)
        self.max_ops = max_ops

    # ------------------------------------------------------------ assembly

    def build(self) -> Drawing:
        g, hidden = self.g, self.hidden
        copies = self._plan_copies()
        beside = self._plan_ranks(copies)
        for i, t in enumerate(g.tensors):
            if hidden[i]:
                continue
            label, attrs = self._tensor_label(i), self._tensor_attrs(i)
            if i in copies:
                again = dict(attrs, style=attrs["style"] + ",dashed") if "style" in attrs \
                    else attrs
                for number, (j, _) in enumerate(copies[i], 1):
                    self._add(self._scope_of(j) if g.kinds[i] != INPUT else None,
                              f"t{i}_{number}", label, again)
                    self.ranks.append((f"t{i}_{number}", f"op{j}"))
            if not t.is_leaf or i in self.line:
                attrs["group"] = "chain"  # Graphviz keeps a group's edges straight
            self._add(self._scope_of(i), f"t{i}", label, attrs)
            if t.is_leaf:
                continue
            self._add(self._scope_of(i), f"op{i}", self._op_label(i),
                      dict(self._op_attrs(i), group="chain"))
            sources = [self.sources.get((i, k), f"t{g.index[p]}") for k, p in enumerate(t.parents)]
            for k, p in enumerate(t.parents):
                if not hidden[g.index[p]]:  # else the box for the hidden ops stands for it
                    self._edge(sources[k], f"op{i}", p.requires_grad)
            self._edge(f"op{i}", f"t{i}", True)
            self._keep_boxes_apart(i, sources, beside)
        self.ranks += [(f"t{leaf}", f"op{op}") for leaf, op in beside.items()]
        if any(hidden):
            self._summarise()
        return self._emit()

    def _plan_ranks(self, copies: dict) -> dict[int, int]:
        """Leaves drawn beside the op that uses them (same rank), off the main line.

        Each op has one input on the line through the drawing (its first computed input, else
        its first input): ``X → @ → W[1]A[0] → + → Z[1] → tanh → A[1] → ...``. Its other
        inputs that are leaves used only here (``W[1]``, ``b[1]``, ``Y``, constants) sit
        next to it, so the line stays straight and the layer boxes stand in a row.
        """
        g, hidden = self.g, self.hidden
        beside: dict[int, int] = {}
        for i, t in enumerate(g.tensors):
            if t.is_leaf or hidden[i]:
                continue
            parents = t.parents
            line = next((p for p in parents if not p.is_leaf),
                        next((p for p in parents if g.kinds[g.index[p]] == INPUT), parents[0]))
            if line.is_leaf and len(g.consumers[g.index[line]]) == 1:
                self.line.add(g.index[line])
            for p in parents:
                j = g.index[p]
                if p is not line and p.is_leaf and len(g.consumers[j]) == 1 and j not in copies:
                    beside[j] = i
        return beside

    def _keep_boxes_apart(self, i: int, sources: list[str], beside: dict[int, int]) -> None:
        """Rank a leaf drawn in a scope box after the op's inputs coming from outside it.

        Else a shared ``W`` may share a rank with the ``A`` coming into its layer, and the
        layer boxes, which may not overlap, are stacked like stairs instead of standing in a
        row. An invisible edge says so. (Leaves drawn beside their op need none.)
        """
        g = self.g
        parents = g.tensors[i].parents
        for k, leaf in enumerate(parents):
            inside = self.placed.get(sources[k])
            if not leaf.is_leaf or inside is None or g.index[leaf] in beside \
                    or (i, k) in self.sources:  # beside their op already
                continue
            for k2 in range(len(parents)):
                if k2 != k and not _within(self.placed.get(sources[k2]), inside):
                    self.edges.append((sources[k2], sources[k], {"style": "invis"}))

    def _add(self, scope: Any, node: str, label: str, attrs: dict) -> None:
        self.placed[node] = scope
        self.members.setdefault(scope, []).append((node, label, attrs))

    def _edge(self, tail: str, head: str, carries_gradient: bool) -> None:
        attrs: dict[str, str] = {}
        if self.backward:
            attrs = {"dir": "back", "color": GRADIENT, "penwidth": "1.4"} if carries_gradient \
                else {"style": "dashed", "color": "#BBBBBB", "arrowhead": "none"}
        self.edges.append((tail, head, attrs))

    def _emit(self) -> Drawing:
        """The DOT body, written here (the graphviz package's quoting of 30,000 attribute
        lists takes seconds): nodes by scope box, boxes nested, then edges and ranks."""
        lines: dict[Any, list[str]] = {None: [], **{scope: [] for scope in self.scopes}}
        for scope, nodes in self.members.items():
            lines[scope] += [f"{node} [label=<{label}>{_attributes(attrs)}]"
                             for node, label, attrs in nodes]
        for scope in sorted(self.scopes, key=_depth, reverse=True):  # innermost first
            fill = CLUSTER_FILLS[min(_depth(scope), len(CLUSTER_FILLS) - 1)]
            box = {"label": f"<{_labels.html(scope.label)}>", "labeljust": "l", "labelloc": "t",
                   "fontsize": "12", "fontcolor": MUTED, "style": "rounded,filled",
                   "fillcolor": fill, "color": CLUSTER_BORDER, "margin": "10"}
            lines[scope.parent] += [f"subgraph cluster_{self.scopes[scope]} {{",
                                    f"\tgraph [{_attributes(box).strip()}]",
                                    *("\t" + line for line in lines[scope]), "}"]
        body = lines[None]
        body += [f"{tail} -> {head}" + (f" [{_attributes(attrs).strip()}]" if attrs else "")
                 for tail, head, attrs in self.edges]
        body += [f"{{rank=same; {leaf}; {op}}}" for leaf, op in self.ranks]
        graph_attrs = self._graph_attrs()
        if self.legend:  # the graph's own label: under the drawing, outside its layout
            rows = 1 if self.rankdir in ("LR", "RL") else 2  # a narrow drawing: two rows
            graph_attrs.update(label=f"<{_legend(self.backward, rows)}>", labelloc="b",
                               labeljust="l", fontsize=str(SMALL + 3))  # scripts: 14 px
        return Drawing(name="autograd", graph_attr=graph_attrs,
                       node_attr={"fontname": FONT, "fontsize": "14", "fontcolor": INK,
                                  "penwidth": "1.2", "margin": "0.08,0.04", "height": "0.3"},
                       edge_attr={"color": EDGE, "arrowsize": "0.7", "penwidth": "1.1"},
                       body=[f"\t{line}\n" for line in body])

    def _graph_attrs(self) -> dict[str, str]:
        return {"rankdir": self.rankdir, "fontname": FONT, "bgcolor": "white", "pad": "0.25",
                "nodesep": "0.22", "ranksep": "0.32", "newrank": "true"}

    # ------------------------------------------------------------ placement

    def _scope_of(self, i: int) -> Any:
        """The scope box a node goes in: an op's own; a leaf's, the one its uses share."""
        g = self.g
        kind = g.kinds[i]
        if kind == INTERMEDIATE:
            scope = g.tensors[i].scope
        elif kind == INPUT:
            return None
        else:
            scope = _common([g.tensors[j].scope for j, _ in g.consumers[i]])
        if scope is not None and scope not in self.scopes:
            for s in scope.path():  # outermost first, so numbers follow first appearance
                self.scopes.setdefault(s, len(self.scopes))
        return scope

    def _plan_copies(self) -> dict[int, list[tuple[int, int]]]:
        """A tensor used by more than ``FANOUT`` ops is drawn again beside each later use.

        One edge per use from a single node would cost Graphviz a node per rank each edge
        crosses: a weight shared by the 10,000 adds of a loop would take it hours (or crash
        it). Returns, per such tensor, the uses ``(user, position)`` that get a copy.
        """
        g, hidden = self.g, self.hidden
        copies: dict[int, list[tuple[int, int]]] = {}
        for i, uses in enumerate(g.consumers):
            uses = [u for u in uses if not hidden[u[0]]]
            if hidden[i] or len(uses) <= FANOUT:
                continue
            copies[i] = uses[1:]
            for number, use in enumerate(uses[1:], 1):
                self.sources[use] = f"t{i}_{number}"
        return copies

    def _summarise(self) -> None:
        """One dashed box for the hidden middle, wired to the drawn ops around it."""
        g, hidden = self.g, self.hidden
        ops = Counter(g.tensors[i].op.name for i in range(len(g))
                      if hidden[i] and g.kinds[i] == INTERMEDIATE)
        kinds = sorted(ops.items(), key=lambda item: (-item[1], item[0]))
        what = ", ".join(f"{name} ×{count:,}" for name, count in kinds[:3])
        if len(kinds) > 3:
            what += ", …"
        what += f" (max_ops={self.max_ops})"
        n = sum(ops.values())
        label = (f"⋯ {n:,} op{'s' if n != 1 else ''} not drawn ⋯<br/>"
                 f'<font point-size="{SMALL}" color="{MUTED}">{_labels.html(what)}</font>')
        self._add(None, "hidden", label, {"shape": "box", "style": "rounded,dashed",
                                          "color": MUTED, "fontcolor": MUTED})
        into: dict[int, None] = {}  # drawn tensors that hidden ops use (ordered, no repeats)
        out_of: dict[int, None] = {}  # drawn ops that use hidden tensors
        for j in range(len(g)):
            if g.kinds[j] != INTERMEDIATE:
                continue
            for p in g.tensors[j].parents:
                i = g.index[p]
                if hidden[j] and not hidden[i]:
                    into[i] = None
                if not hidden[j] and hidden[i]:
                    out_of[j] = None
        for i in into:
            self._edge(f"t{i}", "hidden", g.tensors[i].requires_grad)
        for j in out_of:
            self._edge("hidden", f"op{j}", True)

    # ------------------------------------------------------------ labels

    def _tensor_label(self, i: int) -> str:
        g, t = self.g, self.g.tensors[i]
        name, kind = g.names[i], g.kinds[i]
        lines = []
        if kind == CONSTANT:
            lines.append(_labels.html(name.text))
            if self.show_shapes and math.prod(t.shape) != 1:
                lines.append(_small(_labels.shape(t.shape)))
            return "<br/>".join(lines)
        grad_name = self.grads[i]
        if self.backward and grad_name is not None:  # named exactly when t requires grad
            text = _labels.html(grad_name)
        else:
            text = _labels.html(name.text)
        lines.append(f"<b>{text}</b>" if name.user else text)
        if self.show_shapes:
            dtype = "" if t.dtype == _FLOAT64 else f" {t.dtype}"
            lines.append(_small(_labels.shape(t.shape) + dtype))
        summed = _graph.total(g, self.grads, i) if self.backward else None
        if summed:  # a tensor used several times: its contributions, then their sum
            lines.append(_small(_labels.html(summed), GRADIENT))
        if self.backward and i == g.root and t.requires_grad and math.prod(t.shape) == 1 \
                and t.grad is None:
            lines.append(_small("= 1 (the seed)", GRADIENT))
        if self.show_grads:
            if not self.backward:
                lines.append(_small(_labels.values(t.data)))
            grad = g.tensors[self.shares[i]].grad if self.backward else t.grad
            if grad is not None:
                prefix = "" if self.backward else "grad "
                lines.append(_small(prefix + _labels.gradient(grad), GRADIENT))
        return "<br/>".join(lines)

    def _tensor_attrs(self, i: int) -> dict[str, str]:
        g, t = self.g, self.g.tensors[i]
        kind = g.kinds[i]
        tip = f"{_labels.plain(g.names[i].text)}: {kind}, shape {t.shape}, {t.dtype}"
        if kind == CONSTANT:
            return {"shape": "plaintext", "fontsize": str(SMALL + 1), "fontcolor": MUTED,
                    "height": "0.2", "tooltip": tip}
        fill, border = STYLES["loss" if i == g.root and kind == INTERMEDIATE else kind]
        attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": fill, "color": border,
                 "tooltip": tip}
        if i == g.root:
            attrs["penwidth"] = "2.2"
        if self.backward and not t.requires_grad:  # no gradient reaches it
            attrs.update(style="rounded,dashed", color="#BBBBBB", fontcolor=MUTED)
        return attrs

    def _op_label(self, i: int) -> str:
        t = self.g.tensors[i]
        glyph, word, extras = _op_text(t)
        if self.backward:
            rules = _graph.rules(self.g, self.grads, i) or ["(passes the gradient on)"]
            head = _small(_labels.html(", ".join(filter(None, (word, extras)))))
            return head + '<br align="left"/>' + "".join(
                _GAP + _labels.html(r) + '<br align="left"/>' for r in rules)
        if word == t.op.symbol:
            word = ""  # tanh, exp, log: the glyph says it
        if t.op.name == "pow":
            word = extras = ""  # x² says it
        caption = " ".join(filter(None, (word, extras)))
        main = f'<font point-size="15">{glyph}</font>'
        return main + ("<br/>" + _small(_labels.html(caption)) if caption else "")

    def _op_attrs(self, i: int) -> dict[str, str]:
        doc = (self.g.tensors[i].op.__doc__ or self.g.tensors[i].op.name).strip()
        tip = doc.splitlines()[0]
        if self.backward:
            return {"shape": "box", "style": "rounded,filled", "fillcolor": RULE_FILL,
                    "color": GRADIENT, "fontsize": "14", "tooltip": tip}
        return {"shape": "ellipse", "style": "filled", "fillcolor": OP_FILL, "color": OP_BORDER,
                "margin": "0.04,0.02", "tooltip": tip}


def _depth(scope: Any) -> int:
    return len(scope.path()) - 1


def _within(scope: Any, box: Any) -> bool:
    """Is ``scope`` ``box`` or inside it?"""
    while scope is not None:
        if scope is box:
            return True
        scope = scope.parent
    return False


def _common(scopes: list[Any]) -> Any:
    """The innermost scope containing every one of ``scopes`` (None if they share none)."""
    if not scopes or any(s is None for s in scopes):
        return None
    common = scopes[0].path()
    for s in scopes[1:]:
        path = s.path()
        n = 0
        while n < min(len(common), len(path)) and common[n] is path[n]:
            n += 1
        common = common[:n]
    return common[-1] if common else None


def _hide_middle(graph: Graph, max_ops: int | None) -> list[bool]:
    """Which tensors the drawing leaves out: the ops between the first and last max_ops/2."""
    hidden = [False] * len(graph)
    ops = [i for i, kind in enumerate(graph.kinds) if kind == INTERMEDIATE]
    if max_ops is None or len(ops) <= max_ops:
        return hidden
    head = (max_ops + 1) // 2
    for i in ops[head:len(ops) - (max_ops - head)]:
        hidden[i] = True
    for i, kind in enumerate(graph.kinds):  # leaves that only hidden ops use
        uses = graph.consumers[i]
        if kind != INTERMEDIATE and uses and all(hidden[j] for j, _ in uses):
            hidden[i] = True
    return hidden
