"""What the step page shows at each frame: which nodes to mark, and the panel's HTML.

Frame 0 introduces the drawing; then one frame per forward op (in evaluation order: the
values), then one per backward step (in the engine's order: the gradients). Node ids are the
drawing's (``t3``: a tensor, ``op3``: the op that made it). Every text is escaped here
(``_labels.html``, ``html.escape``), so the page may insert the panel as HTML; the page's
JSON block is encoded on top of that (``animate.encode_json``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np

from . import _graph, _labels
from ._graph import INTERMEDIATE
from ._style import _op_text
from .explain import contribution
from .steps import Step, Steps, summary

SMALL = 16  # arrays of up to this many elements are shown whole


def values(a: Any) -> str:
    """An array as the panel shows it: every number when small, else a summary."""
    a = np.asarray(a)
    if a.size <= SMALL:
        text = np.array2string(a, precision=4, suppress_small=True, separator=", ",
                               max_line_width=60)
        return html.escape(text)
    flat = a.astype(np.float64).ravel()
    return html.escape(f"{_labels.shape(a.shape)}: min {flat.min():.4g}, max {flat.max():.4g}, "
                       f"mean {flat.mean():.4g}, ‖·‖ {np.linalg.norm(flat):.4g}; first "
                       f"{np.array2string(flat[:4], precision=4, separator=', ')}")


def _row(name_html: str, a: Any, role: str, shape: bool = True, name: str = "") -> str:
    a = np.asarray(a)
    size = f' <span class="shape">{_labels.shape(a.shape)}</span>' if shape else ""
    return (f'<div class="row"><span class="name">{name_html}</span>{size} ='
            f'<div class="num" data-role="{role}">{values(a)}</div>{heat(a, name)}</div>')


def heat(a: np.ndarray, name: str) -> str:
    """A large 1-D or 2-D array as a grid of coloured cells that the page draws; the element
    under the pointer (or the finger) is written out, ``A[1][2,37] = 0.5231``."""
    if a.size <= SMALL or a.ndim not in (1, 2) or not name:
        return ""
    rows, cols = (1, a.shape[0]) if a.ndim == 1 else a.shape
    numbers = ",".join(f"{v:.6g}" for v in a.astype(np.float64).ravel())
    return (f'<div class="heat" data-name="{html.escape(_labels.plain(name), quote=True)}" '
            f'data-rows="{rows}" data-cols="{cols}" data-ndim="{a.ndim}" '
            f'data-values="{numbers}"><canvas></canvas><div class="readout" '
            f'data-role="pointer">point at a cell to read its value</div></div>')


def _what(t: Any) -> str:
    _, word, extras = _op_text(t)
    return html.escape(" ".join(filter(None, (word, extras))) or t.op.name)


def frames(recorded: Steps, predict: bool = False) -> list[dict[str, Any]]:
    """Every frame of the page, as JSON-ready dicts."""
    graph = recorded.graph
    forward = [i for i, kind in enumerate(graph.kinds) if kind == INTERMEDIATE]
    root = f"t{graph.root}"
    out = [{"phase": "intro", "name": "", "node": root, "nodes": [], "reads": [], "writes": [],
            "edges": [], "focus": [root], "predict": None,
            "html": _intro(len(forward), len(recorded))}]
    for n, i in enumerate(forward, 1):
        out.append(_forward(graph, i, n, len(forward)))
    gnames, _ = _graph.gradient_names(graph)
    for s in recorded:
        out.append(_backward(recorded, gnames, s, predict))
    return out


def _intro(n_forward: int, n_backward: int) -> str:
    return (
        "<h2>The backward graph: what <code>J.backward()</code> runs</h2>"
        "<p>Each white box is a tensor, labelled with the name of its gradient (dZ is "
        "∂J/∂Z); each orange-bordered box is an op with its local rules; the arrows carry "
        "gradients from J back to the parameters (orange boxes).</p>"
        f"<p>Press → (or ▶) to run the <b>forward pass</b> first ({n_forward} ops: the "
        f"values), then the <b>backward pass</b> ({n_backward} steps: the gradients), one "
        "node at a time, in the order the engine runs them. The backward pass has fewer "
        "steps than the graph has ops where the engine runs two ops as one (a loss fused "
        "with the sigmoid before it) or an op as one node (Z = W A + b).</p>"
        '<p class="key"><span class="k cur">red</span> this step\'s node '
        '<span class="k rd">blue</span> values it reads '
        '<span class="k wr">green</span> what it writes</p>')


def _forward(graph: _graph.Graph, i: int, n: int, total: int) -> dict[str, Any]:
    t = graph.tensors[i]
    name = graph.names[i]
    parents = [graph.index[p] for p in t.parents]
    reads = [f"t{j}" for j in parents]
    head = f"Forward {n} of {total}: {_what(t)} → {_labels.html(name.text)}"
    body = [f"<h2>{head}</h2>"]
    if isinstance(t, _graph._Fused):  # two forward ops drawn as one backward node
        y = t._node.parents[0]
        z, target = (_labels.html(graph.names[j].text) for j in parents[:2])
        body.append(f"<p>{_labels.html(t.params['y'])} = σ({z}), then "
                    f"{_labels.html(name.text)} = binary cross-entropy of it and {target}</p>")
        inputs = [(graph.names[j].text, graph.tensors[j].data) for j in parents]
        outputs = [(t.params["y"], y.data), (name.text, t.data)]
    else:
        derived = _graph.derive(t, [graph.names[j] for j in parents])
        if derived is not None and derived.text != name.text:
            body.append(f"<p>{_labels.html(name.text)} = {_labels.html(derived.text)}</p>")
        inputs = [(graph.names[j].text, graph.tensors[j].data) for j in parents]
        outputs = [(name.text, t.data)]
    body.append("<h3>Inputs</h3>")
    body += [_row(_labels.html(nm), v, "value", name=nm) for nm, v in inputs]
    body.append("<h3>Output</h3>")
    body += [_row(_labels.html(nm), v, "output", name=nm) for nm, v in outputs]
    return {"phase": "forward", "name": name.text, "node": f"t{i}",
            "nodes": [f"op{i}", f"t{i}"], "reads": reads, "writes": [f"t{i}"],
            "edges": [[r, f"op{i}"] for r in reads] + [[f"op{i}", f"t{i}"]],
            "focus": [f"op{i}", f"t{i}", *reads], "predict": None, "html": "".join(body)}


def _worked_html(line: str, idx: tuple[int, ...]) -> str:
    """A line of a worked element as HTML: names with their layer superscripts, but a 1-D
    element index (``a[1]``) kept as an index (a word joiner stops it reading as a layer)."""
    if len(idx) == 1:
        line = line.replace(f"[{idx[0]}]", f"\u2060[{idx[0]}]")
    return _labels.html(line)


def _mentions(rules: list[str], name: str) -> bool:
    """Does a rule read the value ``name`` (``A[1]``, not the ``A[1]`` inside ``dA[1]``)?"""
    pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?![\w\[])") if _graph.is_simple(
        name) else re.compile(re.escape(name))
    return any(pattern.search(r.partition(" = ")[2]) for r in rules)


def _backward(recorded: Steps, gnames: list[str | None], s: Step,
              predict: bool) -> dict[str, Any]:
    graph = recorded.graph
    i = graph.index[s.node]
    drawn = graph.tensors[i]
    ids, ops = [f"op{i}", f"t{i}"], [i]
    for p in drawn.parents:  # the matmul inside an addmm node is drawn as its own op
        if isinstance(p, _graph._Product) and p.requires_grad:
            j = graph.index[p]
            ids += [f"op{j}", f"t{j}"]
            ops.append(j)
    writes = [f"t{graph.index[c.target]}" for c in s.contributions if c.target in graph.index]
    reads = []
    for j in ops:
        reads += [f"t{graph.index[p]}" for p in graph.tensors[j].parents
                  if f"t{graph.index[p]}" not in ids]
    reads = [r for r in dict.fromkeys([f"t{i}", *reads])  # only what a rule names
             if _mentions(s.rules, graph.names[int(r[1:])].text)]
    edges = [[f"op{j}", f"t{j}"] for j in ops]
    for j in ops:
        for p in graph.tensors[j].parents:
            k = graph.index[p]
            if p.requires_grad and (f"t{k}" in writes or k in ops):  # gradient flows there
                edges.append([f"t{k}", f"op{j}"])
    n_back = len(recorded)
    head = (f"Backward step {s.number} of {n_back}: {_what(drawn)} → "
            f"{_labels.html(graph.names[i].text)}")
    body = [f"<h2>{head}</h2>",
            f"<p>The gradient {_labels.html(s.grad_name)} arrives at "
            f"{_labels.html(graph.names[i].text)}; the rules send it on to "
            f"{', '.join(_labels.html(graph.names[int(w[1:])].text) for w in writes) or '—'}."
            f"</p>",
            _row(f"<b>{_labels.html(s.grad_name)}</b> (arriving)", s.grad, "grad",
                 name=s.grad_name),
            "<h3>Forward values the rules read</h3>"]
    for r in reads:
        k = int(r[1:])
        body.append(_row(_labels.html(graph.names[k].text), graph.tensors[k].data, "value",
                         name=graph.names[k].text))
    body.append("<h3>Rules</h3>")
    body += [f'<div class="rule">{_labels.html(r)}</div>' for r in s.rules]
    reveal = ["<h3>Contributions</h3>"]
    for c in s.contributions:
        reveal.append(_row(_labels.html(c.label), c.grad, "contribution", name=c.label))
        if c.sum_text():
            reveal.append(_row(_labels.html(c.sum_text()), c.total, "total", shape=False))
    question = None
    chosen = next((c for c in s.contributions if c.target._op is None), None) \
        or (s.contributions[0] if s.contributions else None)
    if chosen is not None:
        idx = tuple(n // 2 for n in chosen.grad.shape)
        worked = contribution(recorded, s, chosen, idx)
        label = _labels.html(f"{chosen.label}") + html.escape(
            f"[{','.join(map(str, idx))}]" if idx else "")
        reveal.append('<h3>One element worked out</h3><div class="num" data-role="worked">'
                      + "<br>".join(_worked_html(line, idx)
                                    for line in str(worked).splitlines())
                      + "</div>")
        if predict:
            question = {"label": label, "value": worked.value}
    return {"phase": "backward", "number": s.number, "op": s.op, "grad_name": s.grad_name,
            "shape": str(s.grad.shape), "grad": summary(s.grad), "rules": s.rules,
            "contributions": [{"name": c.name, "label": c.label, "accumulated": c.accumulated,
                               "value": summary(c.grad), "shape": str(c.grad.shape)}
                              for c in s.contributions],
            "name": s.name, "node": f"t{i}", "nodes": ids,
            "reads": reads, "writes": writes, "edges": edges, "focus": ids + writes,
            "predict": question,
            "html": "".join(body) + '<div class="reveal">' + "".join(reveal) + "</div>"}
