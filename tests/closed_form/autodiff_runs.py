"""Autodiff runs the index-form tests hold the documents' equations to (float64, nn.MLP).

``run(name, every=k)`` is network ``name`` of ``errata.NETWORKS`` (A: 2-4-1 tanh/sigmoid with
binary cross-entropy on the 400 flower points; B: 2-5-4-3-2 tanh/sigmoid with mse, one-hot
targets) on every ``k``-th data point, run forward and backward by the engine: its ``cache``
is the model's own forward pass and ``gradients[("dW", l)]`` etc. are ``model.W[l].grad``,
``model.Z[l].grad``, ... (``compare.run_autodiff``). ``per_example`` gives one example's.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from nn.closed_form.compare import Autodiff, run_autodiff
from nn.closed_form.errata import NETWORKS

TOLERANCE = 1e-12
NETWORK = {network.name: network for network in NETWORKS}


@cache
def run(name: str, every: int = 1) -> Autodiff:
    network = NETWORK[name]
    model, X, T = network.build(0)
    return run_autodiff(model, X[:, ::every], T[:, ::every], network.loss)


def per_example(name: str, c: int) -> Autodiff:
    """Autodiff of one example's cost (``mse`` with ``m = 1`` is ``½||y - h||²``)."""
    network = NETWORK[name]
    model, X, T = network.build(0)
    return run_autodiff(model, X[:, c : c + 1], T[:, c : c + 1], network.loss)


def output_gradient(name: str, c: int, p: int, layer: int) -> np.ndarray:
    """``d h_p / d W[layer]`` for example ``c`` by autodiff: backward from one output unit."""
    model, X, _ = NETWORK[name].build(0)
    model.zero_grad()
    model(X[:, c : c + 1])[p, 0].backward()
    return np.array(model.W[layer].grad)


def relative(value: np.ndarray, truth: np.ndarray) -> float:
    """``max|value - truth| / max|truth|``; the shapes must match."""
    value, truth = np.asarray(value, dtype=np.float64), np.asarray(truth, dtype=np.float64)
    assert value.shape == truth.shape, (value.shape, truth.shape)
    return float(np.max(np.abs(value - truth)) / np.max(np.abs(truth)))
