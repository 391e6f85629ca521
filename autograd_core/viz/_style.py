"""The look of a drawing: colours, fonts, how an op node reads, DOT quoting, the key.

Nothing here knows the layout (``_draw``) or the graph walk (``_graph``); ``_draw`` asks it
how each node and the legend look.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np

from . import _graph, _labels
from ._graph import INPUT, INTERMEDIATE, PARAMETER

# ---------------------------------------------------------------- the look (see LEGEND)

FONT = "Helvetica,Arial,sans-serif"
INK, MUTED, EDGE = "#222222", "#6B6B6B", "#5C5C5C"
GRADIENT = "#D55E00"  # vermilion (Okabe-Ito): gradient flow
STYLES = {  # kind: (fill, border)
    PARAMETER: ("#FFE8C2", "#E69F00"),  # orange: what training learns
    INPUT: ("#D9ECFA", "#0072B2"),  # blue: data
    INTERMEDIATE: ("#FFFFFF", "#8F8F8F"),
    "loss": ("#FAD9CE", "#D55E00"),  # the root
}
OP_FILL, OP_BORDER = "#ECECEC", "#B5B5B5"
RULE_FILL = "#FFF3EB"
CLUSTER_FILLS = ("#F3F5F8", "#E6EBF1", "#DAE1EA")  # by nesting depth
CLUSTER_BORDER = "#C3CCD8"
SMALL = 11  # point size of shapes, summaries and captions: 14.7 px at 1:1 (1 pt = 4/3 px)

RANKDIRS = ("LR", "RL", "TB", "BT")
_FLOAT64 = np.dtype(np.float64)  # the default: not written
FANOUT = 16  # a tensor used by more ops than this is drawn again beside each use


def _small(text: str, color: str = MUTED) -> str:
    return f'<font point-size="{SMALL}" color="{color}">{text}</font>'


_BARE = re.compile(r"-?(?:\.\d+|\d+(?:\.\d*)?)|[A-Za-z_][A-Za-z_0-9]*")  # DOT IDs
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def _attributes(attrs: dict[str, str]) -> str:
    """`` key=value`` pairs for DOT, values quoted where needed (HTML labels pass as they are)."""
    return "".join(f" {key}={_quote(value, key == 'label')}" for key, value in attrs.items())


@functools.lru_cache(maxsize=4096)
def _quote(value: str, html: bool = False) -> str:
    if html and value.startswith("<") and value.endswith(">"):
        return value
    if _BARE.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- what an op node says

_WORDS = {"neg": "negate", "pow": "power", "getitem": "index",
          "binary_cross_entropy": "binary cross-entropy",
          "binary_cross_entropy_with_logits": "binary cross-entropy of logits",
          "sigmoid_binary_cross_entropy": "σ and binary cross-entropy, fused"}


def _op_text(t: Any) -> tuple[str, str, str]:
    """(glyph as HTML, what the op does, its constant arguments) for the op that made ``t``."""
    op, params = t.op, t.params
    name = op.name
    shapes = [p.shape for p in t.parents]
    broadcast = any(s != t.shape for s in shapes)
    glyph = _labels.html(op.symbol)
    if name == "add":
        return glyph, "broadcast add" if broadcast else "add", ""
    if name == "mul":
        if any(_graph.scalar_constant(p) for p in t.parents):
            return "×", "scale", ""
        return glyph, "broadcast product" if broadcast else "Hadamard product", ""
    if name == "pow":
        p = _labels.number(params.get("p", 0))
        return f"x<sup>{_labels.html(p)}</sup>", "power", f"p = {p}"
    if name == "sum":
        axis = params.get("axis")
        word = "" if axis is None else _labels.axes_word(tuple(axis), len(shapes[0]))
        return glyph, f"sum over {word}" if word else "sum", ""
    extras = []
    for key, value in params.items():
        if key == "axis" and value is not None:
            extras.append("axis " + ",".join(map(str, value)))
        elif key == "slope":
            extras.append(f"slope {_labels.number(value)}")
        elif key == "lo":
            lo, hi = value, params.get("hi")
            extras.append(f"[{'−∞' if lo is None else _labels.number(lo)}, "
                          f"{'∞' if hi is None else _labels.number(hi)}]")
        elif key == "shape":
            extras.append("→ " + _labels.shape(tuple(value)))
        elif key == "index":
            extras.append(_index(value))
        elif key not in ("keepdims", "axes", "hi", "y"):
            extras.append(f"{key} {value}")
    return glyph, _WORDS.get(name, name.replace("_", " ")), " ".join(extras)


def _index(index: Any) -> str:
    """NumPy basic indexing as written: ``[0:1, :]``, ``[..., None]``."""
    def one(part: Any) -> str:
        if isinstance(part, slice):
            text = ":".join("" if v is None else str(v) for v in (part.start, part.stop))
            return text + (f":{part.step}" if part.step is not None else "")
        return "…" if part is Ellipsis else str(part)

    parts = index if isinstance(index, tuple) else (index,)
    text = "[" + ", ".join(map(one, parts)) + "]"
    return text if len(text) <= 24 else text[:23] + "…"


# ---------------------------------------------------------------- the key

LEGEND = """\
Forward drawing (draw(root)):
  orange box        parameter: a leaf that requires grad (W[l], b[l])
  blue box          input: a named leaf without grad (X or A[0], Y)
  grey text         constant: an unnamed operand (a scalar shows its value, 1/400;
                    an array its placeholder c_k and shape)
  white box         intermediate: bold if named (Z[l], A[l]), else a derived label
                    (W[1]A[0], tanh(Z[1])) or a placeholder v_k
  red box, thick    the root (the loss J)
  grey ellipse      an op: its symbol and what it does (matmul, broadcast add, ...)
  shaded boxes      module scopes (nn.MLP: one box per layer, inside one for the model)
  dashed box        with max_ops: the ops left out, counted
  dashed tensor     the same tensor drawn again near a far use (tensors used many times)
Backward drawing (draw(root, backward=True)): the same layout with
  vermilion arrows  the gradient flowing from each op back to its inputs
  op boxes          the op's local rules: dW[2] = dZ[2] A[1]ᵀ; where a tensor feeds
                    several ops, each contribution has its own name (dx⁽¹⁾, dx⁽²⁾, in the
                    order backward delivers them) and the tensor shows their sum; Σ_cols
                    where a broadcast operand's gradient is summed back to its shape; a
                    loss the engine fuses with the sigmoid before it is one box, one rule
  tensor labels     each tensor's gradient (dZ[1]); dashed and grey: no gradient
"""


def _legend(backward: bool, rows: int = 1) -> str:
    """The key as an HTML table: a swatch and a few words per element, in one or two rows."""
    def item(fill: str, border: str, sample: str, words: str, color: str = INK) -> str:
        cell = (f'<td bgcolor="{fill}" color="{border}" border="1">' if border
                else '<td>') + f'<font color="{color}">{sample}</font></td>'
        return f'{cell}<td align="left">{words}    </td>'

    items = [
        item(*STYLES[PARAMETER], "W<sup>[l]</sup>", "parameter"),
        item(*STYLES[INPUT], "X", "input"),
        item("white", "", "1/m", "constant", MUTED),
        item(*STYLES[INTERMEDIATE], "<b>Z<sup>[l]</sup></b>", "intermediate"),
        item(*STYLES["loss"], "J", "root (loss)"),
    ]
    if backward:
        items += [item(RULE_FILL, GRADIENT, "dW = dZ Aᵀ", "local rules"),
                  item("white", "", "⟵", "gradient", GRADIENT)]
    else:
        items.append(item(OP_FILL, OP_BORDER, "tanh", "op"))
    items.append(item(CLUSTER_FILLS[1], CLUSTER_BORDER, "layer l", "module"))
    per_row = -(-len(items) // rows)
    lines = ["".join(items[r * per_row:(r + 1) * per_row]) for r in range(rows)]
    head = f'<td rowspan="{rows}" valign="top"><font color="{MUTED}">key:  </font></td>'
    return ('<table border="0" cellspacing="2" cellpadding="3">'
            + "".join(f"<tr>{head if r == 0 else ''}{line}</tr>" for r, line in enumerate(lines))
            + "</table>")
