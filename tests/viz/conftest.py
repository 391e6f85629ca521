"""Graphs to draw, and helpers that read a drawing's DOT text back."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from autograd_core import Tensor, scope
from autograd_core.functional import binary_cross_entropy


def two_layer_network(m: int = 5, seed: int = 0, backward: bool = True) -> SimpleNamespace:
    """Section 6 of Wichmann (002): X (2, m), W[1] (4, 2), tanh, W[2] (1, 4), sigmoid, BCE.

    Built by hand with Tensors and scopes (as nn.MLP does), so these tests need only the engine.
    """
    rng = np.random.default_rng(seed)
    X = Tensor(rng.standard_normal((2, m)), name="A[0]")
    Y = Tensor((rng.random((1, m)) > 0.5).astype(float), name="Y")
    W1 = Tensor(rng.standard_normal((4, 2)) * 0.5, requires_grad=True, name="W[1]")
    b1 = Tensor(np.zeros((4, 1)), requires_grad=True, name="b[1]")
    W2 = Tensor(rng.standard_normal((1, 4)) * 0.5, requires_grad=True, name="W[2]")
    b2 = Tensor(np.zeros((1, 1)), requires_grad=True, name="b[2]")
    with scope("layer 1"):
        Z1 = W1 @ X + b1
        Z1.name = "Z[1]"
        A1 = Z1.tanh()
        A1.name = "A[1]"
    with scope("layer 2"):
        Z2 = W2 @ A1 + b2
        Z2.name = "Z[2]"
        A2 = Z2.sigmoid()
        A2.name = "A[2]"
    for t in (Z1, A1, Z2, A2):
        t.retain_grad()
    J = binary_cross_entropy(A2, Y)
    if backward:
        J.backward()
    return SimpleNamespace(X=X, Y=Y, W1=W1, b1=b1, W2=W2, b2=b2, Z1=Z1, A1=A1, Z2=Z2, A2=A2,
                           J=J)


@pytest.fixture
def net() -> SimpleNamespace:
    return two_layer_network()


# ---------------------------------------------------------------- reading DOT back

_NODE = re.compile(r"^\s*(\w+) \[label=<(.*)>((?: \w+=(?:\"(?:[^\"\\]|\\.)*\"|[^\s\]]+))*)\]$",
                   re.MULTILINE)
_EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", re.MULTILINE)


def nodes(source: str) -> dict[str, tuple[str, str]]:
    """node id -> (HTML label, attribute text), in the order they are declared."""
    return {m[1]: (m[2], m[3]) for m in _NODE.finditer(source)}


def edges(source: str, visible: bool = True) -> list[tuple[str, str, str]]:
    """(tail, head, attribute text) in the order declared (invisible ones left out)."""
    found = [(m[1], m[2], m[3] or "") for m in _EDGE.finditer(source)]
    return [e for e in found if not visible or "invis" not in e[2]]


def text(label: str) -> str:
    """What a reader sees in an HTML label: tags dropped, entities decoded, lines joined."""
    import html

    plain = re.sub(r"<br[^>]*>", "\n", label)
    plain = re.sub(r"<[^>]+>", "", plain)
    return html.unescape(plain)


def labels(source: str) -> list[str]:
    return [text(label) for label, _ in nodes(source).values()]


def node_by_text(source: str, first_line: str) -> tuple[str, str, str]:
    """(id, label, attributes) of the node whose label's first line is ``first_line``."""
    for node, (label, attrs) in nodes(source).items():
        if text(label).split("\n")[0] == first_line:
            return node, label, attrs
    raise AssertionError(f"no node labelled {first_line!r} in {labels(source)}")


def attribute(attrs: str, key: str) -> str | None:
    m = re.search(rf"\b{key}=(\"(?:[^\"\\]|\\.)*\"|[^\s\]]+)", attrs)
    return None if m is None else m[1].strip('"')


# ---------------------------------------------------------------- a real browser
# (the chromium fixture itself: tests/conftest.py)


def open_page(browser, path, width: int = 1280, height: int = 720):
    """A tab at ``width``×``height`` showing ``path``; ``tab.errors`` collects page errors and
    console errors."""
    tab = browser.new_page(viewport={"width": width, "height": height})
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.goto(path.as_uri())
    return tab
