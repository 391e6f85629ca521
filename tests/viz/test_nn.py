"""nn.MLP drawn with no effort from the user: layer boxes and the documents' names."""

import numpy as np
import pytest

from autograd_core import viz

from .conftest import labels, nodes, text

nn = pytest.importorskip("nn")


def mlp_loss(sizes, m=6, seed=0):
    rng = np.random.default_rng(seed)
    model = nn.MLP(sizes, hidden="tanh", output="sigmoid", rng=seed)
    X = rng.standard_normal((sizes[0], m))
    Y = (rng.random((sizes[-1], m)) > 0.5).astype(float)
    J = nn.binary_cross_entropy(model(X), Y)
    J.backward()
    return J


def test_each_layer_is_one_box_inside_the_model():
    source = viz.draw(mlp_loss([2, 4, 1])).source
    assert source.index("label=<MLP>") < source.index("label=<layer 1>") \
        < source.index("label=<layer 2>")
    assert source.count("subgraph cluster_") == 3


def test_names_come_from_the_model():
    found = [label.split("\n")[0] for label in labels(viz.draw(mlp_loss([2, 4, 1])).source)]
    for name in ("A[0]", "W[1]", "b[1]", "Z[1]", "A[1]", "W[2]", "b[2]", "Z[2]", "A[2]",
                 "W[1]A[0]", "W[2]A[1]"):
        assert name in found


def test_five_layers_five_boxes_and_every_rule():
    J = mlp_loss([3, 5, 5, 5, 5, 1])
    source = viz.draw(J, backward=True).source
    for l in range(1, 6):
        assert f"label=<layer {l}>" in source
    rules = [line for node, (label, _) in nodes(source).items() if node.startswith("op")
             for line in text(label).split("\n")]
    for l in range(2, 6):
        assert f"dW[{l}] = dZ[{l}] (A[{l - 1}])ᵀ" in rules
        assert f"dA[{l - 1}] = (W[{l}])ᵀ dZ[{l}]" in rules
        assert f"db[{l}] = Σcols dZ[{l}]" in rules


@pytest.mark.parametrize("w_requires_grad", [True, False])
def test_an_addmm_node_is_drawn_exactly_as_matmul_then_add(w_requires_grad):
    from autograd_core import Tensor
    from autograd_core.functional import addmm

    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((3, 2)), requires_grad=w_requires_grad, name="W[1]")
    b = Tensor(np.zeros((3, 1)), requires_grad=True, name="b[1]")
    X = Tensor(rng.standard_normal((2, 4)), name="A[0]")
    fused, unfused = addmm(b, W, X).tanh().sum(), (W @ X + b).tanh().sum()
    for options in ({}, {"backward": True}, {"show_grads": True}):
        fused.backward(retain_graph=True)
        unfused.backward(retain_graph=True)
        assert viz.draw(fused, **options).source == viz.draw(unfused, **options).source
