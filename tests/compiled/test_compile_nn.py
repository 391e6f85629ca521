"""nn under compile(): an MLP's loss, compiled, over SGD and Adam steps equals the eager one
bit for bit: the loss, every parameter's gradient, and the kept Z[l], A[l] with their
gradients dZ[l], dA[l] (kept current by every replay)."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor, compile

from .helpers import DTYPES, assert_same, assert_same_grad

LOSSES = {"bce": nn.binary_cross_entropy, "mse": nn.mse}


def _data(k, dtype, m=7):
    rng = np.random.default_rng(100 + k)
    X = rng.standard_normal((3, m)).astype(dtype)
    Y = (rng.uniform(size=(2, m)) > 0.5).astype(dtype)
    return X, Y


def _pair(hidden, output, dtype, retain_grads):
    return [nn.MLP([3, 5, 4, 2], hidden=hidden, output=output, rng=1, dtype=dtype,
                   retain_grads=retain_grads) for _ in range(2)]


def _run_steps(eager, model, loss, optimizer, dtype, n_steps=4, as_tensors=False):
    opt_e = optimizer(eager.parameters())
    opt_c = optimizer(model.parameters())
    step = compile(lambda X, Y: loss(model(X), Y))
    for k in range(n_steps):
        X, Y = _data(k, dtype)
        args = (Tensor(X), Tensor(Y)) if as_tensors else (X, Y)
        J_e = loss(eager(X), Y)
        J_c = step(*args)
        assert_same(J_c.data, J_e.data, f"step {k}: loss")
        J_e.backward()
        J_c.backward()
        for (name, pe), pc in zip(eager.named_parameters(), model.parameters()):
            assert_same(pc.grad, pe.grad, f"step {k}: d{name}")
        for layer in range(1, eager.L + 1):
            for kind in "ZA":
                te, tc = getattr(eager, kind)[layer], getattr(model, kind)[layer]
                assert_same(tc.data, te.data, f"step {k}: {kind}[{layer}]")
                assert_same_grad(tc.grad, te.grad, f"step {k}: d{kind}[{layer}]")
        opt_e.step()
        opt_c.step()
        opt_e.zero_grad()
        opt_c.zero_grad()
        for (name, pe), pc in zip(eager.named_parameters(), model.parameters()):
            assert_same(pc.data, pe.data, f"step {k}: {name} after the update")
    assert len(step.plans) == 1
    return step


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("retain_grads", [True, False], ids=["retain", "no_retain"])
@pytest.mark.parametrize("hidden", sorted(nn.ACTIVATIONS))
def test_mlp_sgd_steps_with_binary_cross_entropy(hidden, retain_grads, dtype):
    eager, model = _pair(hidden, "sigmoid", dtype, retain_grads)
    _run_steps(eager, model, nn.binary_cross_entropy,
               lambda p: nn.optim.SGD(p, lr=0.5), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("retain_grads", [True, False], ids=["retain", "no_retain"])
@pytest.mark.parametrize("output", sorted(nn.ACTIVATIONS))
def test_mlp_adam_steps_with_mse(output, retain_grads, dtype):
    eager, model = _pair("tanh", output, dtype, retain_grads)
    _run_steps(eager, model, nn.mse, lambda p: nn.optim.Adam(p, lr=0.01), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_mlp_adam_steps_with_binary_cross_entropy_and_tensor_arguments(output, dtype):
    eager, model = _pair("relu", output, dtype, True)
    _run_steps(eager, model, nn.binary_cross_entropy,
               lambda p: nn.optim.Adam(p, lr=0.05), dtype, as_tensors=True)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_mlp_sgd_momentum_with_binary_cross_entropy_with_logits(dtype):
    eager, model = _pair("leaky_relu", "identity", dtype, True)
    _run_steps(eager, model, nn.binary_cross_entropy_with_logits,
               lambda p: nn.optim.SGD(p, lr=0.3, momentum=0.9), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_mlp_cross_entropy_with_labels_fn_closes_over(dtype):
    """cross_entropy reads integer labels' values: as a constant of the recording it works."""
    labels = np.array([0, 1, 1, 0, 1, 0, 0])
    eager, model = _pair("tanh", "identity", dtype, True)
    _run_steps(eager, model, lambda A, _: nn.cross_entropy(A, labels),
               lambda p: nn.optim.SGD(p, lr=0.5), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_mlp_cross_entropy_with_one_hot_targets_as_an_argument(dtype):
    eager, model = _pair("tanh", "identity", dtype, True)
    _run_steps(eager, model, nn.cross_entropy, lambda p: nn.optim.SGD(p, lr=0.5), dtype)


def test_cross_entropy_with_integer_labels_as_an_argument_is_refused():
    model = nn.MLP([3, 2], output="identity", rng=1)
    step = compile(lambda X, y: nn.cross_entropy(model(X), y))
    with pytest.raises(RuntimeError, match="compile"):
        step(_data(0, np.float64)[0], np.array([0, 1, 1, 0, 1, 0, 0]))


def test_mlp_float32_with_a_float64_target_argument():
    eager, model = _pair("tanh", "sigmoid", np.float32, True)
    opt = [nn.optim.SGD(m.parameters(), lr=0.5) for m in (eager, model)]
    step = compile(lambda X, Y: nn.mse(model(X), Y))
    for k in range(3):
        X, Y = _data(k, np.float32)
        Y = Y.astype(np.float64)
        J_e, J_c = nn.mse(eager(X), Y), step(X, Y)
        assert_same(J_c.data, J_e.data, f"step {k}: loss")
        J_e.backward()
        J_c.backward()
        for pe, pc in zip(eager.parameters(), model.parameters()):
            assert_same(pc.grad, pe.grad, f"step {k}: grad")
        for o in opt:
            o.step()
            o.zero_grad()


def test_kept_tensors_carry_the_current_values_and_refuse_their_own_backward():
    eager, model = _pair("tanh", "sigmoid", np.float64, True)
    step = compile(lambda X, Y: nn.binary_cross_entropy(model(X), Y))
    for k in range(3):
        X, Y = _data(k, np.float64)
        step(X, Y).backward()
        eager_J = nn.binary_cross_entropy(eager(X), Y)
        eager_J.backward()
        assert_same(model.A[model.L].data, eager.A[eager.L].data, f"call {k}: A[L]")
        assert_same(model.Z[1].grad, eager.Z[1].grad, f"call {k}: dZ[1]")
        for m in (eager, model):
            m.zero_grad()
    with pytest.raises(RuntimeError, match="compiled function"):
        model.A[model.L].sum().backward()


def _alternate_batch_sizes(check_kept):
    eager, model = _pair("tanh", "sigmoid", np.float64, True)
    step = compile(lambda X, Y: nn.binary_cross_entropy(model(X), Y))
    for k, m in enumerate([7, 3, 7, 3, 7]):
        X, Y = _data(k, np.float64, m)
        J_c, J_e = step(X, Y), nn.binary_cross_entropy(eager(X), Y)
        assert_same(J_c.data, J_e.data, f"call {k}, m={m}")
        J_c.backward()
        J_e.backward()
        for pe, pc in zip(eager.parameters(), model.parameters()):
            assert_same(pc.grad, pe.grad, f"call {k}, m={m}: grad")
        if check_kept:
            assert_same(model.A[1].data, eager.A[1].data, f"call {k}, m={m}: A[1]")
            assert_same(model.Z[2].grad, eager.Z[2].grad, f"call {k}, m={m}: dZ[2]")
        for x in (eager, model):
            x.zero_grad()
    assert len(step.plans) == 2


def test_mlp_with_a_new_batch_size_records_again_and_both_replay():
    _alternate_batch_sizes(check_kept=False)


def test_mlp_kept_tensors_follow_the_plan_replayed_when_batch_sizes_alternate():
    _alternate_batch_sizes(check_kept=True)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_a_module_compiled_directly(dtype):
    """compile(model): the forward pass only; the loss is taken eagerly on its result."""
    eager, model = _pair("relu", "sigmoid", dtype, True)
    forward = compile(model)
    for k in range(4):
        X, Y = _data(k, dtype)
        A_e, A_c = eager(X), forward(X)
        assert_same(A_c.data, A_e.data, f"call {k}: A[L]")
        nn.mse(A_e, Y).backward()
        nn.mse(A_c, Y).backward()
        for (name, pe), pc in zip(eager.named_parameters(), model.parameters()):
            assert_same(pc.grad, pe.grad, f"call {k}: d{name}")
        assert_same(model.Z[1].grad, eager.Z[1].grad, f"call {k}: dZ[1]")
        for m in (eager, model):
            m.zero_grad()
    assert len(forward.plans) == 1
