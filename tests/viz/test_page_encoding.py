"""The step page's data cannot change how the page is parsed (issue 25, item 3), and every
remedy its size refusal suggests works."""

import html
import json

import numpy as np
import pytest

from autograd_core import Tensor
from autograd_core.viz.animate import animate, encode_json, page
from autograd_core.viz.steps import TooManySteps, steps

# Everything that switches the HTML tokenizer's state inside or around a <script>, an SVG
# or a comment, and JavaScript's own line ends.
HOSTILE = ["<!--", "-->", "<script>", "</script>", "</SCRIPT >", "<!--<script>", "]]>",
           "<![CDATA[", "<!", "</style>", "<svg>", "</svg>", "</title>", "&amp;", "&lt;",
           "&#x3c;", "\u2028", "\u2029", "'\"`", "${x}", "\\u003c", "<\\/script>"]


def test_encoded_json_has_no_html_significant_character():
    value = {"name": "".join(HOSTILE), "rules": HOSTILE}
    text = encode_json(value)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == value


def _graph_named(name: str):
    x = Tensor(np.array([[0.5, -1.0]]), requires_grad=True, name=name)
    y = (x * 1.5).tanh()
    y.name = name + "2"
    return y.sum()


def test_each_hostile_name_leaves_the_page_intact_in_chromium(chromium):
    """One page per sequence: in one page, a later sequence can undo an earlier one's effect
    (``-->`` ends what ``<!--`` began), hiding it."""
    tab = chromium.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    for seq in HOSTILE:
        tab.set_content(page(_graph_named(seq), title="t"))
        assert tab.evaluate("typeof window.backpropShow") == "function", seq
        shown = tab.evaluate("""() => { const out = [];
            for (let f = 0; f <= window.backpropSteps.length; f++) {
              window.backpropShow(f); out.push(document.getElementById('panel').dataset.node); }
            return out; }""")
        assert seq + "2" in shown, seq
        assert seq in tab.text_content("#panel"), seq  # the last step: the leaf's gradient
        assert tab.locator("#graph svg g.node").count() >= 4, seq
    assert not errors
    tab.close()


def test_hostile_title_in_chromium(chromium):
    """The title is escaped text (``html.escape``): each sequence alone, then all at once."""
    tab = chromium.new_page(viewport={"width": 1280, "height": 720})
    text = page(_graph_named("x"), title="TITLE")
    for title in [*HOSTILE, "".join(HOSTILE)]:
        escaped = html.escape(title)
        tab.set_content(text.replace("<title>TITLE</title>", f"<title>{escaped}</title>"))
        assert tab.title() == title
        assert tab.evaluate("typeof window.backpropShow") == "function", title
    title = "".join(HOSTILE)
    assert f"<title>{html.escape(title)}</title>" in page(_graph_named("x"), title=title)
    tab.close()


def _long_chain(n: int):
    t = Tensor([1.0, 2.0], requires_grad=True)
    for _ in range(n):
        t = t * 1.0001
    return t.sum()


def test_every_remedy_the_refusal_suggests_works(tmp_path):
    J = _long_chain(30)
    with pytest.raises(TooManySteps) as refused:
        steps(J, max_steps=10)
    assert "max_steps=None" in str(refused.value) and "max_ops" not in str(refused.value)
    assert len(steps(J, max_steps=None)) == 31
    with pytest.raises(TooManySteps, match=r"animate\(\.\.\., max_steps=None\)"):
        animate(J, tmp_path / "p.html", max_steps=10)
    assert not list(tmp_path.iterdir())
    assert 'id="steps"' in page(J, max_steps=None)
    animate(J, tmp_path / "p.html", max_steps=None)
    assert (tmp_path / "p.html").exists()
    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(ValueError, match="max_steps must be"):
            steps(J, max_steps=bad)
