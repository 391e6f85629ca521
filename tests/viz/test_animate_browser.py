"""viz.animate: the page, played in headless Chromium (Debian's chromium, driven by Playwright),
at 1280×720 (a projector) and at a phone's size; and draw()'s SVG measured the same way.

Skips with a message where chromium or playwright is missing, fails instead where ``CI`` or
``BACKPROP_REQUIRE_BROWSER`` is set (the ``chromium`` fixture in conftest)."""

import os
import re
from pathlib import Path

import pytest

import nn
from autograd_core import Tensor, viz
from autograd_core.viz._frames import frames
from autograd_core.viz._render import to_bytes
from autograd_core.viz.animate import animate
from autograd_core.viz.steps import steps

from .conftest import open_page

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "backprop_steps.png"
MIN_PX = 14.0

# Every <text> of the drawing: its font size on screen (font-size times the screen scale)
# and the box its glyphs cover (canvas measureText at that size, from the text's baseline
# point on screen); only texts inside the drawing's viewport count for the size (the rest
# is panned away). Glyph boxes, not em boxes: Graphviz spaces a label's lines closer than
# the font's ascent + descent, in its PNG too, without any glyphs touching.
MEASURE = """(sel) => {
  const svg = document.querySelector(sel);
  const view = svg.getBoundingClientRect();
  const ctx = new OffscreenCanvas(8, 8).getContext('2d');
  const out = [];
  svg.querySelectorAll('text').forEach(t => {
    if (!t.textContent.trim()) return;
    const m = t.getScreenCTM(), style = getComputedStyle(t);
    const px = parseFloat(style.fontSize) * Math.hypot(m.a, m.b);
    const p = svg.createSVGPoint();
    p.x = parseFloat(t.getAttribute('x')); p.y = parseFloat(t.getAttribute('y'));
    const q = p.matrixTransform(m);
    ctx.font = style.fontWeight + ' ' + px + 'px ' + style.fontFamily;
    ctx.textAlign = {middle: 'center', end: 'right'}[t.getAttribute('text-anchor')] || 'left';
    const g = ctx.measureText(t.textContent);
    const box = [q.x - g.actualBoundingBoxLeft, q.y - g.actualBoundingBoxAscent,
                 q.x + g.actualBoundingBoxRight, q.y + g.actualBoundingBoxDescent];
    const inside = box[2] > view.left && box[0] < view.right && box[3] > view.top
                   && box[1] < view.bottom;
    out.push({text: t.textContent, px: px, inside: inside, box: box});
  });
  return out;
}"""


def settle(tab):
    """Wait two animation frames: svg-pan-zoom applies a zoom or pan on the next one."""
    tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def measure(tab, selector="#graph svg"):
    settle(tab)
    return tab.evaluate(MEASURE, selector)


def overlaps(texts, tolerance=1.0):
    """Pairs of texts whose boxes overlap by more than ``tolerance`` px in both directions."""
    found = []
    for k, a in enumerate(texts):
        for b in texts[k + 1:]:
            dx = min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0])
            dy = min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1])
            if dx > tolerance and dy > tolerance:
                found.append((a["text"], b["text"], round(dx, 1), round(dy, 1)))
    return found


def too_small(texts):
    return [(t["text"], round(t["px"], 2)) for t in texts
            if t["inside"] and t["px"] < MIN_PX - 1e-6]


def _section6(m=4):
    X, Y = nn.flower(m=m)
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=1)
    return nn.binary_cross_entropy(model(Tensor(X, name="A[0]")), Y)


def test_page_is_self_contained_and_deterministic(tmp_path):
    J = _section6()
    a = animate(J, tmp_path / "a.html").html
    b = animate(J, tmp_path / "b.html").html
    assert a == b
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == a
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", a)  # nothing fetched
    assert "<svg" in a and 'id="steps"' in a
    assert 'name="viewport"' in a
    assert "svg-pan-zoom v3.6.2" in a and "Redistribution and use in source" in a  # licence
    assert "<iframe" in animate(J)._repr_html_()
    assert not list(tmp_path.glob(".*.tmp"))


def test_page_never_half_written(tmp_path):
    with pytest.raises(ValueError):
        animate(Tensor([1.0, 2.0], requires_grad=True) * 2, tmp_path / "x.html")
    assert not list(tmp_path.iterdir())


def test_frames_draw_what_the_engine_does():
    J = _section6()
    recorded = steps(J)
    data = frames(recorded)
    backward = [f for f in data if f["phase"] == "backward"]
    assert len(backward) == len(recorded) == 4  # the fused loss is one step
    assert [f["name"] for f in backward] == [s.name for s in recorded]
    first = backward[0]  # J → dZ[2] in one rule: the fused node, and Z[2] receives
    graph = recorded.graph
    z2 = f"t{graph.index[recorded[1].node]}"
    assert first["writes"] == [z2] and first["node"] == f"t{graph.root}"
    for f in data:
        for a, _ in f["edges"]:  # a constant or an input never carries a gradient
            if f["phase"] == "backward" and a.startswith("t"):
                assert graph.tensors[int(a[1:])].requires_grad, (f["name"], a)
    assert data[0]["phase"] == "intro" and "backward graph" in data[0]["html"]
    assert any(f["phase"] == "forward" for f in data)


def test_every_frame_in_chromium(tmp_path, chromium):
    """At 1280×720: each key press moves one frame (the slider focused too); the marked nodes
    are the frame's and the panel names the marked node; the smallest text on screen is
    14 px or more and no two texts overlap; no console error."""
    J = _section6()
    recorded = steps(J)
    expected = frames(recorded)
    path = animate(J, tmp_path / "backprop.html").path
    tab = open_page(chromium, path)
    assert tab.get_attribute("#panel", "data-step") == "0"
    texts = measure(tab)
    assert not too_small(texts) and not overlaps(texts)
    tab.focus("#slider")  # a focused range input moves by itself too: not a second step
    for k, f in enumerate(expected[1:], start=1):
        tab.keyboard.press("ArrowRight")
        assert tab.get_attribute("#panel", "data-step") == str(k)
        assert tab.get_attribute("#panel", "data-node") == f["name"]
        current = tab.eval_on_selector_all(
            "g.node.current", "els => els.map(e => e.querySelector('title').textContent)")
        assert sorted(current) == sorted(f["nodes"])
        assert tab.get_attribute("#panel", "data-node-id") in current
        assert "_{" not in tab.text_content("#panel")  # Σ_{cols} written as a subscript
        texts = measure(tab)
        assert not too_small(texts), (k, too_small(texts))
        assert not overlaps(texts), (k, overlaps(texts))
        visible = [t["text"] for t in texts if t["inside"]]
        assert visible, k
        settle(tab)
        inside = tab.evaluate("""(ids) => { const v = document.querySelector('#graph svg')
              .getBoundingClientRect(); return ids.every(id => { const g = [...document
              .querySelectorAll('g.node')].find(n => n.querySelector('title').textContent
              === id); const r = g.getBoundingClientRect(); return r.right > v.left &&
              r.left < v.right && r.bottom > v.top && r.top < v.bottom; }); }""", f["nodes"])
        assert inside, k  # panned into view
        if k == 8 and os.environ.get("BACKPROP_SCREENSHOT"):
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SCREENSHOT))
    tab.keyboard.press("ArrowRight")  # past the end: stays
    assert tab.get_attribute("#panel", "data-step") == str(len(expected) - 1)
    tab.keyboard.press("ArrowLeft")
    assert tab.get_attribute("#panel", "data-step") == str(len(expected) - 2)
    tab.click("#overview")  # the whole graph in view
    settle(tab)
    whole = tab.evaluate("""() => { const v = document.querySelector('#graph svg')
        .getBoundingClientRect(); const g = document.querySelector('#graph svg g g')
        .getBoundingClientRect(); return g.left >= v.left - 1 && g.right <= v.right + 1 &&
        g.top >= v.top - 1 && g.bottom <= v.bottom + 1; }""")
    assert whole
    assert not tab.errors
    tab.close()


def test_phone_layout_in_chromium(tmp_path, chromium):
    """A phone (390×844, mobile viewport): laid out at its own width (the viewport meta), the
    drawing above the panel, no horizontal scrolling, text still 14 px or more."""
    path = animate(_section6(), tmp_path / "p.html").path
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(path.as_uri())
    for k in (0, 3, 8):
        tab.evaluate(f"window.backpropShow({k})")
        assert tab.evaluate("window.innerWidth") == 390
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        graph, panel = tab.locator("#graph").bounding_box(), tab.locator("#panel").bounding_box()
        assert graph["y"] + graph["height"] <= panel["y"] + 1
        texts = measure(tab)
        assert not too_small(texts) and not overlaps(texts)
    assert not errors
    context.close()


def test_predict_mode_hides_then_reveals_and_scores(tmp_path, chromium):
    J = _section6()
    data = frames(steps(J), predict=True)
    asked = [k for k, f in enumerate(data) if f["predict"]]
    assert len(asked) == 4 and all(data[k]["phase"] == "backward" for k in asked)
    path = animate(J, tmp_path / "p.html", predict=True).path
    tab = open_page(chromium, path)
    first, second, third = asked[:3]
    tab.evaluate(f"window.backpropShow({first})")
    assert tab.locator("[data-role=predict]").is_visible()
    assert not tab.locator("#panel .reveal").is_visible()  # the contributions wait
    want = data[first]["predict"]["value"]
    tab.fill("#guess", repr(want * 1.5 + 1.0))  # wrong
    tab.press("#guess", "ArrowRight")  # typing in the box does not step
    tab.press("#guess", "Enter")
    assert tab.get_attribute("#panel", "data-step") == str(first)
    assert "wrong" in tab.get_attribute("[data-role=verdict]", "class")
    assert tab.locator("#panel .reveal").is_visible()
    assert tab.locator("[data-role=worked]").is_visible()
    assert tab.text_content("[data-role=score]") == "0 / 1 right"
    tab.evaluate(f"window.backpropShow({second})")
    assert not tab.locator("#panel .reveal").is_visible()
    want = data[second]["predict"]["value"]
    tab.fill("#guess", repr(want * 1.009))  # within 1 %
    tab.click("#check")
    assert "right" in tab.get_attribute("[data-role=verdict]", "class").split()
    assert tab.text_content("[data-role=score]") == "1 / 2 right"
    tab.evaluate(f"window.backpropShow({third})")
    tab.fill("#guess", repr(data[third]["predict"]["value"] * 1.02))  # 2 % off: wrong
    tab.click("#check")
    assert tab.text_content("[data-role=score]") == "1 / 3 right"
    tab.evaluate(f"window.backpropShow({first})")  # an answered step stays answered
    assert tab.locator("#panel .reveal").is_visible()
    tab.evaluate(f"window.backpropShow({asked[3]})")
    tab.click("#giveup")  # shown, not scored
    assert tab.locator("#panel .reveal").is_visible()
    assert tab.text_content("[data-role=score]") == "1 / 3 right"
    assert not tab.errors
    tab.close()


def _shared():
    x = Tensor([[0.5, -1.0]], requires_grad=True, name="x")
    W = Tensor([[1.0, 2.0], [0.5, -0.5]], requires_grad=True, name="W[1]")
    return ((W @ x.T).tanh().sum() + (x * x * x).sum())


@pytest.mark.parametrize("backward", [False, True])
def test_draw_svg_is_readable_at_its_own_size(tmp_path, chromium, backward):
    """draw()'s SVG as a notebook shows it (scale 1): text 14 px or more, sub- and
    superscripts included, and no two texts overlapping."""
    tab = chromium.new_page(viewport={"width": 1280, "height": 720})
    J6 = _section6()
    J6.backward(retain_graph=True)  # .grad set: show_grads writes the gradient summaries
    for J, options in ((J6, {"legend": True}), (J6, {"show_grads": True, "rankdir": "TB"}),
                       (_shared(), {})):
        drawing = viz.draw(J, backward=backward, **options)
        svg = drawing._repr_image_svg_xml().encode("utf-8")  # what Jupyter shows
        assert svg == to_bytes(drawing.source, "svg")  # and what render() writes
        (tmp_path / "d.svg").write_bytes(svg)
        tab.goto((tmp_path / "d.svg").as_uri())
        texts = [dict(t, inside=True) for t in tab.evaluate(MEASURE, "svg")]
        assert not too_small(texts), too_small(texts)
        assert not overlaps(texts), overlaps(texts)
    tab.close()


def test_large_arrays_show_a_summary_and_the_element_under_the_pointer(tmp_path, chromium):
    J = _section6(m=40)  # A[1] is 4×40: too many numbers to print
    path = animate(J, tmp_path / "p.html").path
    tab = open_page(chromium, path)
    data = frames(steps(J))
    k = next(n for n, f in enumerate(data) if f["phase"] == "forward" and f["name"] == "A[1]")
    tab.evaluate(f"window.backpropShow({k})")
    heat = tab.locator("#panel [data-role=output] + .heat canvas")
    assert "min" in tab.text_content("#panel [data-role=output]")  # the summary
    box = heat.bounding_box()
    col, row = 37, 2
    settle(tab)
    tab.mouse.move(box["x"] + box["width"] * (col + 0.5) / 40,
                   box["y"] + box["height"] * (row + 0.5) / 4)
    readout = tab.text_content("#panel [data-role=output] + .heat [data-role=pointer]")
    A1 = next(t for t in steps(J).graph.tensors if t.name == "A[1]").data
    assert readout.startswith("A[1][2,37] = ")
    assert float(readout.split("= ")[1]) == pytest.approx(A1[row, col], rel=1e-5)
    assert not tab.errors
    tab.close()


def _deep():
    X, Y = nn.flower(m=4)
    model = nn.MLP([2, 3, 3, 1], hidden="relu", output="sigmoid", rng=2)
    return nn.binary_cross_entropy(model(Tensor(X, name="A[0]")), Y)


@pytest.mark.parametrize("make", [_shared, _deep], ids=["shared", "deep"])
def test_other_graphs_every_frame(tmp_path, chromium, make):
    """The same measurements on a tensor used three times and a deeper ReLU network."""
    J = make()
    expected = frames(steps(J))
    tab = open_page(chromium, animate(J, tmp_path / "p.html").path)
    for k, f in enumerate(expected):
        tab.evaluate(f"window.backpropShow({k})")
        assert tab.get_attribute("#panel", "data-node") == f["name"]
        current = tab.eval_on_selector_all(
            "g.node.current", "els => els.map(e => e.querySelector('title').textContent)")
        assert sorted(current) == sorted(f["nodes"]), k
        texts = measure(tab)
        assert not too_small(texts), (k, too_small(texts))
        assert not overlaps(texts), (k, overlaps(texts))
    assert not tab.errors
    tab.close()


def test_a_one_dimensional_element_index_is_not_a_layer():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    worked = [f["html"] for f in frames(steps((a * a * a).sum())) if f["phase"] == "backward"]
    assert all("<sup>[1]</sup>" not in h for h in worked)
    assert any("a\u2060[1]" in h for h in worked)
