"""What the forward drawing says: nodes, labels, names, edges, clusters, styles."""

import numpy as np
import pygraphviz

from autograd_core import Tensor, scope, viz

from .conftest import attribute, edges, labels, node_by_text, nodes, text


def test_a_node_per_tensor_and_per_op(net):
    found = nodes(viz.draw(net.J).source)
    tensors = [n for n in found if n.startswith("t")]
    ops = [n for n in found if n.startswith("op")]
    # leaves X, Y, W[1], b[1], W[2], b[2]; results W[1]A[0], Z[1], A[1], W[2]A[1], Z[2], A[2], J
    assert len(tensors) == 13
    assert len(ops) == 7


def test_layer_index_is_a_superscript(net):
    source = viz.draw(net.J).source
    for name in ("W", "b", "Z", "A"):
        for layer in (1, 2):
            assert f"{name}<sup>[{layer}]</sup>" in source
    assert "A<sup>[0]</sup>" in source
    assert not any("W[1]" in label for label, _ in nodes(source).values())


def test_user_names_are_bold_and_derived_ones_are_not(net):
    source = viz.draw(net.J).source
    assert node_by_text(source, "Z[1]")[1].startswith("<b>Z<sup>[1]</sup></b>")
    _, label, _ = node_by_text(source, "W[1]A[0]")  # the matmul before + b[1]
    assert label.startswith("W<sup>[1]</sup>A<sup>[0]</sup>")


def test_unnamed_scalar_loss_is_called_J(net):
    assert node_by_text(viz.draw(net.J).source, "J")


def test_ops_say_what_they_do(net):
    x = Tensor(np.ones((3, 2)), requires_grad=True, name="x")
    source = viz.draw(net.J).source + viz.draw(x * x.exp()).source
    seen = "\n".join(labels(source))
    for words in ("matmul", "broadcast add", "tanh", "σ\nsigmoid", "binary cross-entropy",
                  "⊙\nHadamard product", "exp"):
        assert words in seen


def test_edges_in_evaluation_order(net):
    source = viz.draw(net.J).source
    ids = {text(label).split("\n")[0]: node for node, (label, _) in nodes(source).items()
           if node.startswith("t")}
    found = [(tail, head) for tail, head, _ in edges(source)]
    first_matmul = found.index((ids["W[1]"], f"op{ids['W[1]A[0]'][1:]}"))
    assert found[first_matmul + 1] == (ids["A[0]"], f"op{ids['W[1]A[0]'][1:]}")  # a, then b
    # every op comes after the ops that made its inputs
    producers = [int(head[2:]) for tail, head in found if head.startswith("op")]
    assert producers == sorted(producers)
    assert found[-1] == (f"op{ids['J'][1:]}", ids["J"])


def test_parameters_inputs_intermediates_and_loss_look_different(net):
    source = viz.draw(net.J).source
    fills = {name: attribute(node_by_text(source, name)[2], "fillcolor")
             for name in ("W[1]", "A[0]", "Z[1]", "J")}
    assert len(set(fills.values())) == 4
    assert attribute(node_by_text(source, "J")[2], "penwidth") is not None  # a thick border
    assert fills["W[1]"] == attribute(node_by_text(source, "b[2]")[2], "fillcolor")


def test_constants_are_small_plain_nodes_with_their_value():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="x")
    y = (x * 0.5 + np.ones((2, 3))).mean()
    found = labels(viz.draw(y).source)
    assert "0.5" in found
    assert "1/6" in found  # mean: sum times the constant 1/n
    assert "c1\n2×3" in found  # an array constant: placeholder and shape
    node, _, attrs = node_by_text(viz.draw(y).source, "0.5")
    assert attribute(attrs, "shape") == "plaintext"


def test_html_is_escaped_and_graphviz_parses_it():
    x = Tensor([1.0, 2.0], requires_grad=True, name='a<b & "c"')
    source = viz.draw(x.tanh()).source
    assert "a&lt;b &amp; &quot;c&quot;" in source
    graph = pygraphviz.AGraph(string=source)
    assert graph.number_of_nodes() == 3


def test_subtraction_and_division_read_as_written():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    b = Tensor([3.0, 4.0], requires_grad=True, name="b")
    found = labels(viz.draw((a - b) * (a / b)).source)
    assert "a − b\n2" in found
    assert "1/b\n2" in found  # a / b is a ⊙ b⁻¹
    assert "a − 3\n2" in labels(viz.draw(a - 3.0).source)
    minus_y = Tensor([-1.0, -2.0], name="−Y")  # a constant named for what it is
    assert "a − Y\n2" in labels(viz.draw(a + minus_y).source)


def test_long_derived_names_become_placeholders():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x
    for _ in range(6):
        y = y.tanh()
    found = [label.split("\n")[0] for label in labels(viz.draw(y).source) if label != "tanh"]
    # tanh(tanh(x)) is longer than a node label should be: it becomes v1, and so on
    assert found == ["x", "tanh(x)", "v1", "tanh(v1)", "v2", "tanh(v2)", "v3"]


def test_scopes_become_nested_clusters(net):
    source = viz.draw(net.J).source
    layer1 = source.index("label=<layer 1>")
    layer2 = source.index("label=<layer 2>")
    w1 = source.index(node_by_text(source, "W[1]")[0] + " [")
    w2 = source.index(node_by_text(source, "W[2]")[0] + " [")
    assert layer1 < w1 < layer2 < w2  # each layer's parameters inside its own box
    assert source.count("subgraph cluster_") == 2
    with scope("model"):
        J = net.W1 @ net.X
    nested = viz.draw(J.sum()).source
    assert "subgraph cluster_0" in nested and "label=<model>" in nested


def test_nested_scopes_draw_boxes_in_boxes():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    with scope("outer"):
        with scope("inner"):
            y = x.tanh()
        z = y.exp()
    source = viz.draw(z).source
    outer, inner = source.index("label=<outer>"), source.index("label=<inner>")
    assert source.index("subgraph cluster_0") < outer < source.index("subgraph cluster_1") \
        < inner
    body = source[source.index("subgraph cluster_1"):]
    assert body.index("}") > body.index("op")  # tanh's op node is inside the inner box


def test_a_tensor_used_many_times_is_drawn_again_beside_each_use():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x
    for _ in range(40):
        y = y + x
    found = nodes(viz.draw(y).source)
    # x is used 41 times (the first add is x + x): drawn once, then again beside 40 uses
    assert sum(1 for n in found if n.startswith("t0_")) == 40
    assert "dashed" in attribute(found["t0_1"][1], "style")


def test_leaf_root_is_one_node():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    assert list(nodes(viz.draw(x).source)) == ["t0"]
