"""Where Graphviz puts things: a straight main line, layer boxes in a row, leaves beside ops."""

import numpy as np
import pygraphviz
import pytest

from autograd_core import Tensor, viz

from .conftest import edges, node_by_text


def positions(source):
    graph = pygraphviz.AGraph(string=source)
    graph.layout(prog="dot")
    return {n: tuple(map(float, graph.get_node(n).attr["pos"].split(","))) for n in graph.nodes()}


@pytest.mark.parametrize("backward", [False, True])
def test_main_line_is_straight_so_layer_boxes_stand_in_a_row(net, backward):
    source = viz.draw(net.J, backward=backward).source
    where = positions(source)
    line = [node_by_text(source, name)[0]
            for name in (("A[0]", "dZ[1]", "dA[1]", "dZ[2]", "dJ") if backward  # dA[2]: fused
                         else ("A[0]", "Z[1]", "A[1]", "Z[2]", "A[2]", "J"))]
    heights = {round(where[n][1]) for n in line}
    assert len(heights) == 1, heights  # one row, left to right
    xs = [where[n][0] for n in line]
    assert xs == sorted(xs)


def test_parameters_sit_beside_the_op_they_feed(net):
    source = viz.draw(net.J).source
    where = positions(source)
    for name in ("W[1]", "b[1]", "W[2]", "b[2]", "Y"):
        node = node_by_text(source, name)[0]
        op = next(h for t, h, _ in edges(source) if t == node and h.startswith("op"))
        assert where[node][0] == pytest.approx(where[op][0]), name


def test_copies_of_a_much_used_tensor_sit_beside_their_uses():
    x = Tensor(np.ones(2), requires_grad=True, name="x")
    y = x
    for _ in range(20):
        y = y * x
    source = viz.draw(y).source
    where = positions(source)
    copies = [n for n in where if n.startswith("t0_")]
    assert len(copies) == 20
    assert len({round(where[n][0]) for n in copies}) == 20  # each in its own column


def test_a_shared_tensor_does_not_bend_the_main_line():
    x = Tensor(np.ones(2), requires_grad=True, name="x")
    y = x
    for _ in range(10):  # x feeds every add: its edges would pull the line into stairs
        y = y + x
    where = positions(viz.draw(y.sum()).source)
    assert len({round(xy[1]) for node, xy in where.items() if node.startswith("op")}) == 1
