"""A retained sigmoid output that the fused BCE's shortcut goes past: compiled as eager.

The engine gives such a tensor ``g + kept`` (its own path's gradient plus the one the shortcut
kept for it) and its rules ``g`` alone; a replay must do the same, whether the tensor is
reached by the shortcut only or by a path of its own too, inside fn's backward or outside.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import compile

from .helpers import DTYPES, assert_same


def _data(k: int, dtype):
    rng = np.random.default_rng(k)
    return (rng.standard_normal((2, 7)).astype(dtype),
            (rng.random((1, 7)) < 0.5).astype(dtype))


LOSSES = {
    "shortcut only": lambda A, Y: nn.binary_cross_entropy(A, Y),
    "and a path of its own": lambda A, Y: nn.binary_cross_entropy(A, Y) + (A * A).sum() * 0.3,
}


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("inside", [False, True], ids=["backward outside", "backward inside"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_the_retained_output_of_a_shortcut_sigmoid(loss, inside, dtype):
    models = [nn.MLP([2, 3, 1], rng=1, dtype=dtype) for _ in range(2)]
    optimizers = [nn.optim.SGD(m.parameters(), lr=0.5) for m in models]

    def step(model, optimizer, X, Y, backward):
        optimizer.zero_grad()
        J = LOSSES[loss](model(X), Y)
        if backward:
            J.backward()
            optimizer.step()
        return J

    compiled = compile(lambda X, Y: step(models[1], optimizers[1], X, Y, inside))
    for k in range(4):
        X, Y = _data(k, dtype)
        J_e, J_c = step(models[0], optimizers[0], X, Y, True), compiled(X, Y)
        if not inside:
            J_c.backward()
            optimizers[1].step()
        assert_same(J_c.data, J_e.data, f"call {k}: J")
        eager, model = models
        for t_e, t_c, name in [(eager.A[2], model.A[2], "dA[2]"), (eager.Z[2], model.Z[2], "dZ[2]"),
                               (eager.A[1], model.A[1], "dA[1]")]:
            assert_same(t_c.grad, t_e.grad, f"call {k}: {name}")
        for p_e, p_c in zip(eager.parameters(), model.parameters()):
            assert_same(p_c.data, p_e.data, f"call {k}: parameters after the step")
    assert len(compiled.plans) == 1
