"""The step page's style and player script (``animate`` inlines them, with svg-pan-zoom).

The player reads the frames (``_frames``) from the page's JSON block, marks each frame's
nodes and edges in the drawing, writes the panel, zooms so that the drawing's smallest text
is at least ``MIN_TEXT_PX`` on screen and pans the frame's nodes into view. Predict mode asks
for one element before it reveals a step's contributions, and keeps a score.
"""

from __future__ import annotations

from importlib import resources

MIN_TEXT_PX = 14.0  # the smallest text of the drawing on screen (a projector at the back)


def pan_zoom_js() -> str:
    """svg-pan-zoom 3.6.2 (npm, BSD-2-Clause), vendored unchanged, with its licence."""
    vendor = resources.files("autograd_core.viz") / "vendor"
    licence = (vendor / "svg-pan-zoom.LICENSE").read_text(encoding="utf-8")
    code = (vendor / "svg-pan-zoom.min.js").read_text(encoding="utf-8")
    return f"/*! svg-pan-zoom 3.6.2, https://github.com/bumbu/svg-pan-zoom\n{licence}*/\n{code}"


CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh;
  font-size:16px;color:#222;overflow-x:hidden}
#bar{padding:6px 12px;background:#f3f3f3;display:flex;gap:10px;align-items:center;
  flex-wrap:wrap;border-bottom:1px solid #ccc}
#bar button{font-size:16px;padding:4px 10px}
#bar input[type=range]{flex:1;min-width:120px}
#frame{font-variant-numeric:tabular-nums;min-width:4em}
#score{font-weight:bold;color:#006d4e}
#main{display:flex;flex:1;min-height:0}
#graph{flex:3;min-width:0;position:relative;background:#fff}
#graph svg{width:100%;height:100%;display:block}
#panel{flex:2;min-width:0;padding:10px 16px;border-left:1px solid #ccc;overflow:auto;
  overflow-wrap:anywhere}
#panel h2{font-size:19px;margin:0 0 6px}
#panel h3{font-size:16px;margin:12px 0 4px;color:#444}
#panel p{margin:4px 0}
.row{margin:3px 0}
.shape{color:#666;font-size:15px}
.rule{font-family:serif;font-size:19px;margin:4px 0}
.num{font-family:monospace;font-size:15px;white-space:pre-wrap;margin:2px 0 4px 12px}
.heat{margin:2px 0 6px 12px}.heat canvas{display:block;border:1px solid #ccc;cursor:crosshair}
.readout{font-family:monospace;font-size:15px;color:#333}
.key .k{padding:0 6px;border:3px solid;border-radius:4px;margin-right:4px}
.key .cur{border-color:#d62728}.key .rd{border-color:#0072b2}.key .wr{border-color:#009e73}
.question{background:#fff7d6;border:1px solid #e6c200;padding:8px;margin:10px 0;border-radius:6px}
.question input{font-size:16px;width:9em}
.question button{font-size:16px}
body.predict #panel:not(.answered) .reveal{display:none}
.verdict.right{color:#006d4e;font-weight:bold}.verdict.wrong{color:#b00020;font-weight:bold}
g.node.current path,g.node.current polygon,g.node.current ellipse{stroke:#d62728;stroke-width:4}
g.node.reads path,g.node.reads polygon,g.node.reads ellipse{stroke:#0072b2;stroke-width:3.5}
g.node.writes path,g.node.writes polygon,g.node.writes ellipse{stroke:#009e73;stroke-width:4}
g.node.done{opacity:.6}
g.edge.current path{stroke:#d62728;stroke-width:3.5}
g.edge.current polygon{stroke:#d62728;fill:#d62728}
g.edge.forward path{stroke:#0072b2;stroke-width:3.5}
g.edge.forward polygon{stroke:#0072b2;fill:#0072b2}
@media (max-width:700px){
  body{height:auto;min-height:100vh}
  #main{flex-direction:column}
  #graph{flex:none;height:55vh;border-bottom:1px solid #ccc}
  #panel{flex:none;border-left:none}
  .hint{display:none}
}
"""

JS = """
(function(){
const F=JSON.parse(document.getElementById('steps').textContent);
const PREDICT=document.body.classList.contains('predict');
const MIN_PX=%(min_px)s;
const svg=document.querySelector('#graph svg');
const nodes={},edges={};
svg.querySelectorAll('g.node').forEach(g=>{nodes[g.querySelector('title').textContent]=g;});
svg.querySelectorAll('g.edge').forEach(g=>{edges[g.querySelector('title').textContent]=g;});
let minFont=Infinity;
svg.querySelectorAll('text').forEach(t=>{const s=parseFloat(t.getAttribute('font-size'));
  if(t.textContent.trim()&&s>0&&s<minFont)minFont=s;});  // spacer lines are blank
if(!isFinite(minFont))minFont=14;
svg.removeAttribute('width');svg.removeAttribute('height');
const pz=svgPanZoom(svg,{zoomEnabled:true,panEnabled:true,controlIconsEnabled:false,
  dblClickZoomEnabled:false,fit:true,center:true,minZoom:0.05,maxZoom:50});
const slider=document.getElementById('slider'),panel=document.getElementById('panel');
const play=document.getElementById('play'),score=document.getElementById('score');
let frame=0,timer=null,overview=false;const answers={};
slider.max=F.length-1;
// svg-pan-zoom applies its transform on the next animation frame, so the layout is read
// from the drawing's own coordinates (node boxes through Graphviz's group transform) and
// the pan computed from its state, never from the screen.
const drawn=svg.querySelector('.svg-pan-zoom_viewport > g')||svg.querySelector('g');
function boxOf(ids){const t=drawn.transform.baseVal.consolidate();
  const M=t?t.matrix:svg.createSVGMatrix();let l=Infinity,u=Infinity,r=-Infinity,d=-Infinity;
  ids.forEach(id=>{const g=nodes[id];if(!g)return;const b=g.getBBox();
    [[b.x,b.y],[b.x+b.width,b.y+b.height]].forEach(([x,y])=>{
      const X=M.a*x+M.c*y+M.e,Y=M.b*x+M.d*y+M.f;
      l=Math.min(l,X);r=Math.max(r,X);u=Math.min(u,Y);d=Math.max(d,Y);});});
  return isFinite(l)?{l:l,t:u,r:r,b:d}:null;}
function focus(ids){
  overview=false;document.body.classList.remove('overview');pz.resize();
  pz.zoom(pz.getZoom()*(MIN_PX+0.5)/minFont/pz.getSizes().realZoom);
  const s=pz.getSizes(),z=s.realZoom,b=boxOf(ids);if(!b)return;
  let x=s.width/2-z*(b.l+b.r)/2,y=s.height/2-z*(b.t+b.b)/2;
  if(z*(b.r-b.l)>s.width-16)x=8-z*b.l;if(z*(b.b-b.t)>s.height-16)y=8-z*b.t;
  pz.pan({x:x,y:y});}
function showOverview(){overview=true;document.body.classList.add('overview');
  pz.resize();pz.fit();pz.center();}
function score_(){const a=Object.values(answers).filter(x=>x.scored);
  score.textContent=PREDICT?(a.filter(x=>x.right).length+' / '+a.length+' right'):'';}
function mark(cls,ids){ids.forEach(id=>nodes[id]&&nodes[id].classList.add(cls));}
function show(f){
  frame=Math.max(0,Math.min(F.length-1,f));slider.value=frame;const s=F[frame];
  Object.values(nodes).forEach(g=>g.classList.remove('current','reads','writes','done'));
  Object.values(edges).forEach(g=>g.classList.remove('current','forward'));
  for(let k=1;k<frame;k++){if(F[k].phase===s.phase)mark('done',F[k].nodes);}
  mark('reads',s.reads);mark('writes',s.writes);
  s.nodes.forEach(id=>{if(nodes[id]){nodes[id].classList.remove('done','reads','writes');
    nodes[id].classList.add('current');}});
  s.edges.forEach(([a,b])=>{const e=edges[a+'->'+b];
    if(e)e.classList.add(s.phase==='forward'?'forward':'current');});
  document.getElementById('frame').textContent=frame+' / '+(F.length-1);
  panel.dataset.step=frame;panel.dataset.node=s.name;panel.dataset.phase=s.phase;
  panel.dataset.nodeId=s.node;
  panel.innerHTML=s.html;panel.classList.remove('answered');
  panel.querySelectorAll('.heat').forEach(heat);
  if(PREDICT&&s.predict){const a=answers[frame];
    const q=document.createElement('div');q.className='question';q.dataset.role='predict';
    q.innerHTML='<label>Predict <b>'+s.predict.label+'</b>: <input id="guess" type="text" '+
      'inputmode="decimal" autocomplete="off"></label> <button id="check">check</button> '+
      '<button id="giveup">show me</button><div class="verdict" data-role="verdict"></div>';
    const r=panel.querySelector('.reveal');panel.insertBefore(q,r);
    q.querySelector('#check').onclick=()=>answer(q.querySelector('#guess').value);
    q.querySelector('#guess').addEventListener('keydown',e=>{if(e.key==='Enter')
      answer(e.target.value);});
    q.querySelector('#giveup').onclick=()=>answer(null);
    if(a)verdict(a);}
  else if(PREDICT){panel.classList.add('answered');}
  focus(s.focus);}
function color(v,top){const t=top?Math.max(-1,Math.min(1,v/top)):0;
  const w=Math.round(255*(1-Math.abs(t)));
  return t>=0?'rgb(255,'+w+','+w+')':'rgb('+w+','+w+',255)';}
function heat(el){const rows=+el.dataset.rows,cols=+el.dataset.cols;
  const v=el.dataset.values.split(',').map(Number);
  const c=el.querySelector('canvas'),out=el.querySelector('.readout');
  const width=Math.max(120,Math.min(el.parentNode.clientWidth-16,600));
  const ch=Math.max(6,Math.min(18,Math.floor(120/rows)));
  c.width=width;c.height=ch*rows;c.style.width=width+'px';c.style.height=ch*rows+'px';
  const ctx=c.getContext('2d'),cw=width/cols;let top=0;
  v.forEach(x=>{top=Math.max(top,Math.abs(x));});
  for(let r=0;r<rows;r++)for(let k=0;k<cols;k++){ctx.fillStyle=color(v[r*cols+k],top);
    ctx.fillRect(k*cw,r*ch,Math.ceil(cw),ch);}
  const read=e=>{const b=c.getBoundingClientRect();
    const k=Math.min(cols-1,Math.max(0,Math.floor((e.clientX-b.left)/cw)));
    const r=Math.min(rows-1,Math.max(0,Math.floor((e.clientY-b.top)/ch)));
    const idx=el.dataset.ndim==='1'?'['+k+']':'['+r+','+k+']';
    out.textContent=el.dataset.name+idx+' = '+v[r*cols+k];out.dataset.index=idx;};
  c.addEventListener('mousemove',read);c.addEventListener('click',read);}
function verdict(a){const v=panel.querySelector('[data-role=verdict]');
  panel.classList.add('answered');const want=F[frame].predict.value;
  if(a.guess===null){v.textContent='The value is '+want.toPrecision(6)+' (not scored).';
    v.className='verdict';}
  else if(a.right){v.textContent='Right: '+a.guess+' is within 1 % of '+want.toPrecision(6)+'.';
    v.className='verdict right';}
  else{v.textContent='Not quite: you said '+a.guess+'; it is '+want.toPrecision(6)+
    '. The worked arithmetic is below.';v.className='verdict wrong';}
  const i=panel.querySelector('#guess');if(i){i.value=a.guess===null?'':a.guess;i.disabled=true;}
  panel.querySelectorAll('.question button').forEach(b=>b.disabled=true);}
function answer(text){if(answers[frame])return;const want=F[frame].predict.value;let a;
  if(text===null){a={guess:null,right:false,scored:false};}
  else{const g=Number(String(text).trim().replace('\\u2212','-'));
    if(String(text).trim()===''||!isFinite(g)){
      const v=panel.querySelector('[data-role=verdict]');
      v.textContent='Enter a number, such as 0.25 or -1.5e-3.';v.className='verdict';return;}
    a={guess:g,right:Math.abs(g-want)<=0.01*Math.abs(want)+(want===0?1e-12:0),scored:true};}
  answers[frame]=a;verdict(a);score_();}
function stop(){if(timer){clearInterval(timer);timer=null;play.textContent='▶ play';}}
play.onclick=()=>{if(timer){stop();return;}if(frame>=F.length-1)show(0);
  play.textContent='⏸ pause';
  timer=setInterval(()=>{if(frame>=F.length-1)stop();else show(frame+1);},1500);};
document.getElementById('overview').onclick=()=>{if(overview)show(frame);else showOverview();};
slider.addEventListener('input',()=>{stop();show(+slider.value);});
document.addEventListener('keydown',e=>{
  if(e.target&&e.target.id==='guess')return;
  const move={ArrowRight:1,ArrowDown:1,PageDown:1,ArrowLeft:-1,ArrowUp:-1,PageUp:-1}[e.key];
  if(move){e.preventDefault();stop();show(frame+move);}
  else if(e.key==='Home'){e.preventDefault();stop();show(0);}
  else if(e.key==='End'){e.preventDefault();stop();show(F.length-1);}
  else if(e.key===' '&&e.target.tagName!=='BUTTON'){e.preventDefault();play.onclick();}
  else if(e.key==='o'){if(overview)show(frame);else showOverview();}});
window.addEventListener('resize',()=>{if(overview)showOverview();else focus(F[frame].focus);});
score_();
window.backpropShow=show;window.backpropSteps=F;window.backpropPanZoom=pz;
window.backpropMinFont=minFont;show(0);})();
"""
