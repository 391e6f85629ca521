"""``animate(J, "backprop.html")``: one self-contained page that plays the backward pass.

The backward drawing (inline SVG, laid out by the Graphviz inside pygraphviz), then one frame
per engine step with the current node and its edges highlighted, a panel with the rule and
its numbers, play/pause, a slider and the arrow keys. No network: it opens offline. The same
graph gives the same bytes.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ._draw import draw
from ._render import to_bytes
from .steps import MAX_STEPS, Steps, TooManySteps, steps, summary

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh}
#bar{padding:8px 12px;background:#f3f3f3;display:flex;gap:12px;align-items:center}
#bar input[type=range]{flex:1}
#main{display:flex;flex:1;min-height:0}
#graph{flex:3;overflow:auto;padding:8px}
#graph svg{width:100%;height:auto;max-height:calc(100vh - 70px)}
#panel{flex:2;padding:12px 16px;border-left:1px solid #ccc;overflow:auto;font-size:15px}
#panel h2{font-size:18px;margin:0 0 8px}
.rule{font-family:serif;font-size:18px;margin:6px 0}
.num{font-family:monospace;font-size:13px;color:#333;white-space:pre-wrap}
g.node.current polygon,g.node.current ellipse,g.node.current path{stroke:#d62728;stroke-width:4}
g.node.input polygon,g.node.input ellipse{stroke:#ff7f0e;stroke-width:3}
g.node.done{opacity:.55}
g.edge.current path{stroke:#d62728;stroke-width:3}
g.edge.current polygon{stroke:#d62728;fill:#d62728}
"""

_JS = """
(function(){
const S=JSON.parse(document.getElementById('steps').textContent);
const svg=document.querySelector('#graph svg');
const nodes={},edges=[];
svg.querySelectorAll('g.node').forEach(g=>{nodes[g.querySelector('title').textContent]=g;});
svg.querySelectorAll('g.edge').forEach(g=>{edges.push([g.querySelector('title').textContent,g]);});
const slider=document.getElementById('slider'),panel=document.getElementById('panel');
const play=document.getElementById('play');let frame=0,timer=null;
slider.max=S.length;
function esc(t){const d=document.createElement('div');d.textContent=t;return d.innerHTML;}
function show(f){
  frame=Math.max(0,Math.min(S.length,f));slider.value=frame;
  Object.values(nodes).forEach(g=>g.classList.remove('current','input','done'));
  edges.forEach(e=>e[1].classList.remove('current'));
  document.getElementById('frame').textContent=frame+' / '+S.length;
  panel.dataset.step=frame;
  if(frame===0){panel.dataset.node='';
    panel.innerHTML='<h2>The forward graph</h2><p>Press ▶ or → to run backward, one node '+
    'at a time, in the order the engine processes them.</p>';return;}
  for(let k=0;k<frame-1;k++){S[k].nodes.forEach(n=>nodes[n]&&nodes[n].classList.add('done'));}
  const s=S[frame-1];
  s.nodes.forEach(n=>{if(nodes[n]){nodes[n].classList.remove('done');nodes[n].classList.add('current');}});
  s.inputs.forEach(n=>nodes[n]&&nodes[n].classList.add('input'));
  edges.forEach(([t,g])=>{if(s.ops.some(o=>t.endsWith('>'+o)||t.startsWith(o+'-')))g.classList.add('current');});
  panel.dataset.node=s.name;
  let h='<h2>Step '+s.number+' of '+S.length+': '+esc(s.op)+' → '+esc(s.name)+'</h2>';
  h+='<div>arriving: <b>'+esc(s.grad_name)+'</b> '+esc(s.shape)+'</div>';
  h+='<div class="num" data-role="grad">'+esc(s.grad)+'</div><h3>Rules</h3>';
  s.rules.forEach(r=>{h+='<div class="rule">'+esc(r)+'</div>';});
  h+='<h3>Contributions</h3>';
  s.contributions.forEach(c=>{h+='<div class="rule">'+esc(c.name)+' '+(c.accumulated?'+=':'=')+
    '</div><div class="num"><span data-role="contribution">'+esc(c.value)+
    '</span>  '+esc(c.shape)+'</div>';});
  panel.innerHTML=h;}
function stop(){if(timer){clearInterval(timer);timer=null;play.textContent='▶ play';}}
play.onclick=()=>{if(timer){stop();return;}if(frame>=S.length)show(0);
  play.textContent='⏸ pause';
  timer=setInterval(()=>{if(frame>=S.length)stop();else show(frame+1);},1200);};
slider.oninput=()=>{stop();show(+slider.value);};
document.addEventListener('keydown',e=>{if(e.key==='ArrowRight'){stop();show(frame+1);}
  else if(e.key==='ArrowLeft'){stop();show(frame-1);}
  else if(e.key===' '){e.preventDefault();play.onclick();}});
window.backpropShow=show;window.backpropSteps=S;show(0);})();
"""


def step_data(recorded: Steps) -> list[dict[str, Any]]:
    """What the page shows at each frame, as JSON-ready dicts (node ids of the drawing)."""
    graph = recorded.graph
    out = []
    for s in recorded:
        i = graph.index[s.node]
        ids, ops = [f"t{i}", f"op{i}"], [f"op{i}"]
        drawn = graph.tensors[i]
        for p in drawn.parents:  # the matmul inside an addmm node is drawn as its own op
            j = graph.index[p]
            if p.op is not None and getattr(p, "_node", p) is not p and j != i:
                pass
            if type(p).__name__ == "_Product" and p.requires_grad:
                ids += [f"t{j}", f"op{j}"]
                ops.append(f"op{j}")
        inputs = [f"t{graph.index[c.target]}" for c in s.contributions
                  if c.target in graph.index]
        out.append({"number": s.number, "name": s.name, "op": s.op, "grad_name": s.grad_name,
                    "shape": str(s.grad.shape), "grad": summary(s.grad), "rules": s.rules,
                    "nodes": ids, "ops": ops, "inputs": inputs,
                    "contributions": [{"name": c.name, "accumulated": c.accumulated,
                                       "value": summary(c.grad), "shape": str(c.grad.shape)}
                                      for c in s.contributions]})
    return out


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
         **draw_options: Any) -> str:
    """The page as a string (``animate`` writes it)."""
    try:
        recorded = steps(J, max_steps=max_steps)
    except TooManySteps as e:
        raise TooManySteps("animate", e.limit) from None
    draw_options.setdefault("rankdir", "TB")  # top to bottom: fits beside the panel
    drawing = draw(J, backward=True, **draw_options)
    svg = to_bytes(drawing.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    data = encode_json(step_data(recorded))
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            f"<div id=\"bar\"><button id=\"play\">▶ play</button><input id=\"slider\" "
            f"type=\"range\" min=\"0\" value=\"0\"><span id=\"frame\"></span>"
            f"<span>← → step, space plays</span></div>\n<div id=\"main\"><div id=\"graph\">"
            f"{svg}</div><div id=\"panel\"></div></div>\n"
            f"<script id=\"steps\" type=\"application/json\">{data}</script>\n"
            f"<script>{_JS}</script></body></html>\n")


def animate(J: Any, path: str | os.PathLike[str] | None = None, *,
            max_steps: int | None = MAX_STEPS, **draw_options: Any) -> Page:
    """Write the page to ``path`` (atomically: a temp file, then replaced) and return it;
    without ``path``, just return it (it displays inline in Jupyter). A graph of more than
    ``max_steps`` ops is refused (``TooManySteps``); ``max_steps=None`` lifts the limit."""
    text = page(J, max_steps=max_steps, **draw_options)
    if path is None:
        return Page(text)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Page(text, target)
