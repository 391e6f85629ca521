"""10,000 ops: DOT in about a second with no recursion; a picture in seconds, or collapsed."""

import sys
import time

import numpy as np
import pytest

from autograd_core import Tensor, viz

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
