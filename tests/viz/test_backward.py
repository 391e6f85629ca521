"""The backward drawing: gradient names and each op's local rules, in the documents' notation."""

import numpy as np

from autograd_core import Tensor, viz

from .conftest import attribute, edges, node_by_text, nodes, text


def rules(source):
    """Every rule line of every op box, as a reader sees it."""
    found = []
    for node, (label, _) in nodes(source).items():
        if node.startswith("op"):
            found += text(label).split("\n")[1:]
    return [line for line in found if line.strip()]


def test_two_layer_rules_read_like_the_documents(net):
    found = rules(viz.draw(net.J, backward=True).source)
    for rule in ("dW[2] = dZ[2] (A[1])ᵀ",  # Rojas (A), Wichmann (6.4)
                 "dA[1] = (W[2])ᵀ dZ[2]",  # Rojas (D), Wichmann (6.6)
                 "dW[1] = dZ[1] (A[0])ᵀ",
                 "db[1] = Σcols dZ[1]",  # the broadcast bias: summed over the m columns
                 "db[2] = Σcols dZ[2]",
                 "dZ[1] = dA[1] ⊙ (1 − (A[1])²)",  # Wichmann (6.7)
                 "dZ[2] = (A[2] − Y) / m"):  # the fused step, as the engine runs it
        assert rule in found, f"{rule!r} not in {found}"
    assert not any(r.startswith("dA[2]") for r in found)  # backward never computes dA[2]


def test_fused_loss_is_one_node_in_the_backward_drawing_only(net):
    source = viz.draw(net.J, backward=True).source
    assert not any(t.startswith("dA[2]") for t in (text(lab) for lab, _ in nodes(source).values()))
    forward = viz.draw(net.J).source
    assert any(text(lab).startswith("A[2]") for lab, _ in nodes(forward).values())


def test_no_rule_for_inputs_without_grad(net):
    found = rules(viz.draw(net.J, backward=True).source)
    assert not any(line.startswith(("dA[0]", "dY")) for line in found)


def test_sum_over_columns_is_written_as_a_subscript(net):
    assert "Σ<sub>cols</sub> dZ<sup>[1]</sup>" in viz.draw(net.J, backward=True).source


def test_matmul_output_takes_the_gradient_name_of_Z(net):
    # W[1]A[0] only passes through + b[1]: its gradient is dZ[1], so it is labelled so
    source = viz.draw(net.J, backward=True).source
    named = [text(label).split("\n")[0] for node, (label, _) in nodes(source).items()
             if node.startswith("t")]
    assert named.count("dZ[1]") == 2 and named.count("dZ[2]") == 2
    assert "dW[1]" in named and "db[2]" in named


def test_gradient_edges_point_back_and_inputs_get_none(net):
    source = viz.draw(net.J, backward=True).source
    x = node_by_text(source, "A[0]")[0]
    w = node_by_text(source, "dW[1]")[0]
    by_tail = {tail: attrs for tail, _, attrs in edges(source)}
    assert attribute(by_tail[w], "dir") == "back"
    assert attribute(by_tail[x], "dir") is None and "dashed" in by_tail[x]
    assert "dashed" in attribute(node_by_text(source, "A[0]")[2], "style")


def test_a_tensor_feeding_two_ops_accumulates():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x.tanh() + x.exp()  # too long for a label: v1
    source = viz.draw(y, backward=True).source
    assert rules(source) == [  # numbered as backward delivers them: the later op's first
        "dx⁽²⁾ = dv1 ⊙ (1 − tanh(x)²)",  # tanh(x) only passes through the add: its gradient is dv1
        "dx⁽¹⁾ = dv1 ⊙ exp(x)",
        "(passes the gradient on)",
    ]
    assert "dx = dx⁽¹⁾ + dx⁽²⁾" in text(node_by_text(source, "dx")[1])


def test_scalar_root_is_seeded_with_one(net):
    _, label, _ = node_by_text(viz.draw(net.J, backward=True).source, "dJ")
    assert "= 1" in text(label)


def test_pass_through_op_says_so():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    b = Tensor([1.0, 2.0], requires_grad=True, name="b")
    c = Tensor([3.0, 4.0], requires_grad=True, name="c")
    assert rules(viz.draw((a * b + c * a).sum(), backward=True).source) == [
        "da⁽²⁾ = dv1 ⊙ b", "db = dv1 ⊙ a",
        "dc = dv1 ⊙ a", "da⁽¹⁾ = dv1 ⊙ c",
        "(passes the gradient on)",  # the add: both products take its gradient dv1
        "dv1 = dJ broadcast to v1's shape",
    ]


def test_broadcast_row_is_summed_over_rows():
    x = Tensor(np.ones((3, 4)), requires_grad=True, name="x")
    r = Tensor(np.ones((1, 4)), requires_grad=True, name="r")
    found = rules(viz.draw((x * r).sum(), backward=True).source)
    assert found[:2] == ["dx = d(x ⊙ r) ⊙ r", "dr = Σrows (d(x ⊙ r) ⊙ x)"]
