"""Each option of draw changes what it says it changes, and bad values are refused."""

import numpy as np
import pytest

from autograd_core import Tensor, viz

from .conftest import edges, labels, node_by_text, nodes, text, two_layer_network


def test_show_shapes(net):
    with_shapes = labels(viz.draw(net.J).source)
    without = labels(viz.draw(net.J, show_shapes=False).source)
    assert "W[1]\n4×2" in with_shapes and "Z[1]\n4×5" in with_shapes
    assert "W[1]" in without and not any("×" in label for label in without)


def test_show_grads_summarises_values_and_gradients(net):
    source = viz.draw(net.J, show_grads=True).source
    w1 = text(node_by_text(source, "W[1]")[1]).split("\n")
    norm = np.linalg.norm(net.W1.grad)
    assert w1[2] == f"[{net.W1.data.min():.3g}, {net.W1.data.max():.3g}]".replace("-", "−")
    assert w1[3] == f"grad ‖·‖ = {norm:.3g}"
    assert text(node_by_text(source, "J")[1]).split("\n")[2] == f"= {net.J.item():.3g}"
    plain = labels(viz.draw(net.J).source)
    assert not any("‖" in label or "[" in label.split("\n")[-1] for label in plain)


def test_show_grads_before_backward_has_no_gradient_line():
    fresh = two_layer_network(backward=False)
    source = viz.draw(fresh.J, show_grads=True).source
    assert "‖" not in source and "grad" not in "".join(labels(source))


def test_backward_view_in_the_same_layout(net):
    J = (net.A2 * net.A2).sum()  # no fused loss: backward runs every op drawn forward
    forward, backward = viz.draw(J).source, viz.draw(J, backward=True).source
    assert [(t, h) for t, h, _ in edges(forward)] == [(t, h) for t, h, _ in edges(backward)]
    assert list(nodes(forward)) == list(nodes(backward))
    assert "dir=back" in backward and "dir=back" not in forward
    assert "dW[1]" in labels(backward)[0] or any(
        label.startswith("dW[1]") for label in labels(backward))
    assert not any(label.startswith("dW") for label in labels(forward))


def test_backward_with_grads_shows_the_gradient_norms(net):
    source = viz.draw(net.J, backward=True, show_grads=True).source
    z1 = text(node_by_text(source, "dZ[1]")[1]).split("\n")
    assert z1[-1] == f"‖·‖ = {np.linalg.norm(net.Z1.grad):.3g}"


@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
def test_rankdir(net, rankdir):
    assert f"rankdir={rankdir}" in viz.draw(net.J, rankdir=rankdir).source


def test_max_ops_draws_the_ends_and_counts_the_middle():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x
    for _ in range(50):
        y = y.tanh()
    source = viz.draw(y.sum(), max_ops=10).source
    ops = [n for n in nodes(source) if n.startswith("op")]
    assert len(ops) == 10
    assert "hidden" in nodes(source)
    assert "41 ops not drawn" in text(nodes(source)["hidden"][0])
    assert "tanh ×41 (max_ops=10)" in text(nodes(source)["hidden"][0])
    found = [(t, h) for t, h, _ in edges(source)]
    assert sum(1 for t, h in found if h == "hidden") == 1
    assert sum(1 for t, h in found if t == "hidden") == 1
    every_node = set(nodes(source))
    assert all(t in every_node and h in every_node for t, h in found)
    assert "hidden" not in viz.draw(y.sum(), max_ops=51).source


@pytest.mark.parametrize("bad", [0, 1, -3, 2.5, True, "10"])
def test_max_ops_must_be_an_integer_of_two_or_more(net, bad):
    with pytest.raises(ValueError, match="max_ops"):
        viz.draw(net.J, max_ops=bad)


def test_rankdir_is_checked(net):
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(net.J, rankdir="left")


def test_draw_needs_a_tensor():
    with pytest.raises(TypeError, match="expects a Tensor"):
        viz.draw(np.ones(3))


def test_legend_is_off_by_default_and_explains_the_colours(net):
    assert "key" not in viz.draw(net.J).source
    source = viz.draw(net.J, legend=True).source
    for words in ("parameter", "input", "constant", "intermediate", "root (loss)", "op"):
        assert f"{words}" in source
    assert "local rules" in viz.draw(net.J, backward=True, legend=True).source
    assert "parameter" in viz.LEGEND and "parameter" in viz.__doc__
    # the key is the graph's label, at the bottom; the layer boxes keep theirs at the top
    assert "labelloc=b" in source
    assert source.count("labelloc=t") == source.count("subgraph cluster_") == 2


def test_float32_is_named():
    x = Tensor(np.ones(3, np.float32), requires_grad=True, name="x")
    assert "x\n3 float32" in labels(viz.draw(x.tanh()).source)
