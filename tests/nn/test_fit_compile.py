"""fit(compile=True) and backprop train --compile: the same numbers as eager, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.cli import main


def _train(compiled: bool, loss, output: str, Y, batch_size, optimizer: str):
    X = np.random.default_rng(3).standard_normal((3, 50))
    model = nn.MLP([3, 5, 4, Y.shape[0] if Y.ndim == 2 else 3], output=output, rng=4)
    params = model.parameters()
    opt = nn.optim.SGD(params, lr=0.3, momentum=0.5) if optimizer == "sgd" else \
        nn.optim.Adam(params, lr=0.01)
    history = nn.fit(model, X, Y, loss, opt, epochs=6, batch_size=batch_size, rng=7,
                     progress=False, track_accuracy=True, compile=compiled)
    return history, model


TARGETS = {
    "bce": (nn.binary_cross_entropy, "sigmoid",
            (np.random.default_rng(1).random((2, 50)) < 0.5).astype(float)),
    "mse": (nn.mse, "tanh", np.random.default_rng(1).standard_normal((2, 50))),
    "ce": (nn.cross_entropy, "identity", nn.one_hot(np.arange(50) % 3, 3)),
}


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("batch_size", [None, 16])  # 16: batches of 16 and a last one of 2
@pytest.mark.parametrize("case", sorted(TARGETS))
def test_compiled_fit_equals_eager_bit_for_bit(case, batch_size, optimizer):
    loss, output, Y = TARGETS[case]
    eager, m1 = _train(False, loss, output, Y, batch_size, optimizer)
    compiled, m2 = _train(True, loss, output, Y, batch_size, optimizer)
    assert eager.loss == compiled.loss and eager.accuracy == compiled.accuracy
    for (name, p), q in zip(m1.named_parameters(), m2.parameters()):
        assert np.array_equal(p.data, q.data), name
        assert np.array_equal(p.grad, q.grad), name
    for l in range(1, m1.L + 1):  # noqa: E741 - the documents' layer index
        for eager_t, compiled_t in ((m1.Z[l], m2.Z[l]), (m1.A[l], m2.A[l])):
            assert np.array_equal(eager_t.data, compiled_t.data)
            assert np.array_equal(eager_t.grad, compiled_t.grad)


def test_compiled_fit_refuses_integer_labels_with_a_way_out():
    X = np.zeros((2, 4))
    model = nn.MLP([2, 3], output="identity")
    with pytest.raises(RuntimeError, match=r"one-hot targets \(C, m\)"):
        nn.fit(model, X, np.array([0, 1, 2, 0]), nn.cross_entropy,
               nn.optim.SGD(model.parameters(), lr=0.1), epochs=1, progress=False,
               compile=True)


@pytest.mark.parametrize("options", [[], ["--data", "moons", "--batch-size", "64"],
                                     ["--data", "spirals", "--optimizer", "adam"]])
def test_train_compile_prints_what_eager_prints(options, capsys):
    common = ["train", "--no-progress", "--epochs", "40", *options]
    assert main(common) == 0
    eager = capsys.readouterr().out
    assert main([*common, "--compile"]) == 0
    compiled = capsys.readouterr().out
    assert compiled == eager and "accuracy" in eager
