"""viz.steps: the recorded backward pass replays .grad bit for bit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import Tensor
from autograd_core.viz.steps import format_steps, steps


def _check_replay(J, params):
    recorded = steps(J)
    replay = recorded.grads()
    for p in params:
        p.grad = None
    J.backward(retain_graph=True)
    for p in params:
        if p.grad is None:  # not reached from J
            assert p not in replay
            continue
        assert np.array_equal(replay[p], p.grad), p.name
        assert np.array_equal(recorded.leaves[p], p.grad)
    return recorded


def _section6(loss=nn.binary_cross_entropy, output="sigmoid", m=400):
    X, Y = nn.flower(m=m)
    model = nn.MLP([2, 4, 1], hidden="tanh", output=output, rng=1)
    J = loss(model(Tensor(X, name="A[0]")), Y)
    return J, list(model.parameters())


def test_section6_bit_for_bit():
    J, params = _section6()
    recorded = _check_replay(J, params)
    text = format_steps(recorded)
    assert "dW[2]" in text and "step 1:" in text


def test_mse_bit_for_bit():
    J, params = _section6(loss=nn.mse, m=50)
    _check_replay(J, params)


def test_used_twice_sums_two_contributions_at_each_level():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    b = a + a
    c = b + b
    J = c.sum()
    recorded = _check_replay(J, [a])
    for node in (b, c):
        step = next(s for s in recorded if s.node is node)
        assert len(step.contributions) == 2
        assert [x.accumulated for x in step.contributions] == [False, True]
    text = format_steps(recorded)
    assert "da⁽¹⁾ = " in text and "da⁽²⁾ = " in text and "da = da⁽¹⁾ + da⁽²⁾ = [4., 4.]" in text
    assert np.array_equal(a.grad, [4.0, 4.0])


def test_bad_input():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="grad="):
        steps(x * 2)
    y = (x * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="freed"):
        steps(y)
    big = x
    for _ in range(30):
        big = big * 1.0001
    with pytest.raises(ValueError, match="max_steps=None"):
        steps(big.sum(), max_steps=10)
    with pytest.raises(ValueError):
        steps(Tensor([1.0]))


_UNARY = ["tanh", "sigmoid", "exp"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "mul", "tanh", "sigmoid", "exp", "sub"]),
                          st.integers(0, 10), st.integers(0, 10)), min_size=1, max_size=8),
       st.integers(0, 2**31 - 1))
def test_random_graphs_bit_for_bit(program, seed):
    rng = np.random.default_rng(seed)
    leaves = [Tensor(rng.normal(size=(2, 3)), requires_grad=True, name=f"x{i}")
              for i in range(3)]
    leaves.append(Tensor(rng.normal(size=(1, 3)), requires_grad=True, name="b"))
    values = list(leaves)
    for op, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        if op in _UNARY:
            values.append(getattr(a, op)())
        elif op == "add":
            values.append(a + b)
        elif op == "sub":
            values.append(a - b)
        else:
            values.append(a * b)
    J = (values[-1] * values[-1]).sum()
    _check_replay(J, leaves)
