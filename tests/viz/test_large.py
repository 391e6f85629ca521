"""10,000 ops: DOT in about a second with no recursion; a picture in seconds, or collapsed.
Larger drawings: refused up front (max_nodes), never a layout that seems to hang."""

import sys
import time

import graphviz
import numpy as np
import pytest

from autograd_core import Tensor, viz
from autograd_core.viz import _render

from .conftest import nodes


def tanh_chain(n):
    x = Tensor(np.linspace(-1, 1, 4), requires_grad=True, name="x")
    y = x
    for _ in range(n):
        y = y.tanh()
    return y


def add_loop(n):
    x = Tensor(np.linspace(-1, 1, 4), requires_grad=True, name="x")
    y = x
    for _ in range(n):
        y = y + x
    return y


@pytest.fixture
def shallow_stack():
    """A recursion limit far below the graph's depth: any recursive walk would fail."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)
    yield
    sys.setrecursionlimit(limit)


@pytest.mark.parametrize("build", [tanh_chain, add_loop])
def test_10000_ops_give_dot_in_seconds_without_recursion(build, shallow_stack):
    root = build(10_000)
    start = time.perf_counter()
    source = viz.draw(root).source
    backward = viz.draw(root, backward=True).source
    elapsed = time.perf_counter() - start
    assert sum(1 for n in nodes(source) if n.startswith("op")) == 10_000
    assert len(nodes(backward)) == len(nodes(source))
    assert elapsed < 10  # about 1 s each here


def test_10000_op_chain_renders_in_full(tmp_path):
    start = time.perf_counter()
    path = viz.render(tanh_chain(10_000), tmp_path / "chain.svg")
    assert time.perf_counter() - start < 60  # about 5 s here
    assert path.read_bytes().count(b'class="node"') == 20_001


@pytest.mark.parametrize("build", [tanh_chain, add_loop])
def test_10000_ops_collapsed_render_in_a_second(build, tmp_path):
    start = time.perf_counter()
    path = viz.render(build(10_000), tmp_path / "big.png", max_ops=100)
    assert time.perf_counter() - start < 15  # under a second here
    assert path.read_bytes().startswith(b"\x89PNG")


@pytest.fixture
def no_layout(monkeypatch):
    """Record what reaches Graphviz instead of laying it out (a large layout takes minutes)."""
    sources = []

    def fake(source, fmt, dpi=None):
        sources.append(source)
        return b"<svg/>"

    monkeypatch.setattr(_render, "to_bytes", fake)
    return sources


def test_100000_ops_are_refused_up_front_naming_the_count_the_limit_and_max_ops(tmp_path,
                                                                                no_layout):
    root = tanh_chain(100_000)
    start = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        viz.render(root, tmp_path / "huge.svg")
    assert time.perf_counter() - start < 2  # before drawing: about 0.05 s here
    message = str(caught.value)
    assert message.startswith("render: the drawing has at least 200,001 nodes, more than "
                              "max_nodes=25,000: Graphviz would take minutes")
    assert "max_ops=1000" in message and "max_nodes=None" in message
    assert no_layout == [] and not (tmp_path / "huge.svg").exists()


def test_the_limit_counts_the_drawing_not_only_the_ops(tmp_path, no_layout):
    """10,000 adds of one tensor draw 30,001 nodes (a copy of x beside each use): refused,
    once drawn (its layout took a minute here), though a 10,000-op chain is not."""
    with pytest.raises(ValueError, match=r"has 30,001 nodes, more than max_nodes=25,000"):
        viz.render(add_loop(10_000), tmp_path / "loop.svg")
    assert no_layout == []
    assert viz.MAX_NODES == 25_000 >= 20_001  # test_10000_op_chain_renders_in_full


def test_max_ops_draws_a_large_graph_under_the_limit(tmp_path, no_layout):
    viz.render(tanh_chain(30_000), tmp_path / "collapsed.svg", max_ops=1000)
    assert len(no_layout) == 1
    assert _render.count_nodes(no_layout[0]) == 2 * 1000 + 2  # x, 1000 ops, the hidden box


def test_max_nodes_none_lays_out_anyway_and_a_lower_limit_refuses_sooner(tmp_path, no_layout):
    viz.render(tanh_chain(20_000), tmp_path / "big.svg", max_nodes=None)
    assert len(no_layout) == 1 and _render.count_nodes(no_layout[0]) == 40_001
    with pytest.raises(ValueError, match=r"at least 201 nodes, more than max_nodes=200"):
        viz.render(tanh_chain(100), tmp_path / "small.svg", max_nodes=200)
    viz.render(tanh_chain(100), tmp_path / "small.svg", max_nodes=201)
    assert len(no_layout) == 2


def test_a_drawing_already_made_is_counted_too(tmp_path, no_layout):
    drawing = viz.draw(tanh_chain(200))
    with pytest.raises(ValueError, match=r"has 401 nodes, more than max_nodes=400.*"
                                         r"draw it again with draw\(root, max_ops=1000\)"):
        viz.render(drawing, tmp_path / "d.svg", max_nodes=400)
    chain = "digraph {\n" + "".join(f"\tn{i} -> n{i + 1}\n" for i in range(30_000)) + "}\n"
    with pytest.raises(ValueError, match=r"has 30,001 nodes"):
        viz.render(graphviz.Source(chain), tmp_path / "s.svg")
    assert no_layout == []


@pytest.mark.parametrize("source, count", [
    ("digraph { a -> b -> c; d; \"e f\" -> a [label=\"x -> y; z\"]\n node [shape=box]\n}", 5),
    ("digraph {\n\ta [label=<W<sup>[1]</sup>; {x}>]\n\ta -> b [color=red]\n\tsubgraph "
     "cluster_0 {\n\t\tgraph [label=<box>]\n\t\tc\n\t}\n}", 3),
])
def test_count_nodes_reads_declarations_and_edge_ends(source, count):
    assert _render.count_nodes(source) == count
