"""``animate(J, "backprop.html")``: one self-contained page that plays the backward pass.

The backward drawing as the engine runs it (inline SVG, laid out by Graphviz; a fused loss is
one node), then a frame per forward op (the values) and per engine step (the gradients), with
the step's node, what it reads and what it writes marked, and a panel with the rules, the
values and one element worked out. The drawing is zoomed so its smallest text is at least
14 px and panned to each step (svg-pan-zoom, vendored); an overview shows the whole graph.
Play/pause, a slider, the arrow keys; predict mode asks before it tells. No network: it opens
offline, and the same graph gives the same bytes.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from ..atomic import write_text
from . import _page_assets
from ._draw import draw
from ._frames import frames
from ._render import to_bytes
from .steps import MAX_STEPS, Steps, TooManySteps, steps


def step_data(recorded: Steps) -> list[dict[str, Any]]:
    """The page's backward frames, one per engine step (``frames`` has them all)."""
    return [f for f in frames(recorded) if f["phase"] == "backward"]


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def encode_json(value: Any) -> str:
    """``value`` as JSON that is inert inside ``<script>``: no ``<``, ``>`` or ``&`` (so no
    ``</script``, ``<!--``, ``<script`` or ``]]>`` can switch the HTML parser's state) and no
    U+2028/U+2029 (line ends to old JavaScript). JSON allows these only inside strings, where
    the ``\\uXXXX`` escape means the same character, so ``JSON.parse`` gives back ``value``."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_SAFE)


class Page:
    """The page's HTML; shows itself inline in Jupyter (in an iframe)."""

    def __init__(self, text: str, path: Path | None = None) -> None:
        self.html, self.path = text, path

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:640px;border:1px solid #ccc"></iframe>')

    def __repr__(self) -> str:
        return f"Page({str(self.path)!r})" if self.path else "Page()"


def page(J: Any, *, title: str = "Watching backprop", max_steps: int | None = MAX_STEPS,
         predict: bool = False, **draw_options: Any) -> str:
    """The page as a string (``animate`` writes it)."""
    try:
        recorded = steps(J, max_steps=max_steps)
    except TooManySteps as e:
        raise TooManySteps("animate", e.limit) from None
    draw_options.setdefault("rankdir", "TB")  # top to bottom: fits beside the panel
    drawing = draw(J, backward=True, **draw_options)
    svg = to_bytes(drawing.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    data = encode_json(frames(recorded, predict=predict))
    script = _page_assets.JS.replace("%(min_px)s", repr(_page_assets.MIN_TEXT_PX))
    mode = ' class="predict"' if predict else ""
    score = '<span id="score" data-role="score"></span>' if predict else \
        '<span id="score" hidden></span>'
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{_page_assets.CSS}</style></head>"
            f"<body{mode}>\n<div id=\"bar\"><button id=\"play\">▶ play</button>"
            f"<input id=\"slider\" type=\"range\" min=\"0\" value=\"0\" "
            f"aria-label=\"frame\"><span id=\"frame\"></span>"
            f"<button id=\"overview\" title=\"the whole graph (o)\">overview</button>{score}"
            f"<span class=\"hint\">← → step, space plays, o: overview</span></div>\n"
            f"<div id=\"main\"><div id=\"graph\">{svg}</div><div id=\"panel\"></div></div>\n"
            f"<script id=\"steps\" type=\"application/json\">{data}</script>\n"
            f"<script>{_page_assets.pan_zoom_js()}</script>\n"
            f"<script>{script}</script></body></html>\n")


def animate(J: Any, path: str | os.PathLike[str] | None = None, *,
            max_steps: int | None = MAX_STEPS, predict: bool = False,
            **draw_options: Any) -> Page:
    """Write the page to ``path`` (atomically: a temp file, then replaced) and return it;
    without ``path``, just return it (it displays inline in Jupyter).

    ``predict=True``: before each backward step's contributions are shown, the page names one
    element and asks the learner for its value; within 1 % (relative) counts as right; then
    it reveals the value with ``explain``'s worked arithmetic and keeps a score. A graph of
    more than ``max_steps`` ops is refused (``TooManySteps``); ``max_steps=None`` lifts the
    limit. Other keyword arguments go to ``draw`` (``rankdir="TB"`` by default)."""
    text = page(J, max_steps=max_steps, predict=predict, **draw_options)
    if path is None:
        return Page(text)
    return Page(text, write_text(path, text, "animate"))
