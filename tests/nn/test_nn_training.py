"""nn.fit and nn.accuracy: the loop against a hand-written one, minibatches, the history, the
progress bar, and the course's flower network end to end."""

import io
import time

import numpy as np
import pytest

import nn
from nn import training

# ---------------------------------------------------------------- accuracy


def test_accuracy_thresholds_one_row_at_one_half():
    P = np.array([[0.9, 0.2, 0.51, 0.5]])
    assert nn.accuracy(P, np.array([[1.0, 0.0, 1.0, 1.0]])) == 0.75  # 0.5 is class 0
    assert nn.accuracy(P, np.array([1, 0, 1, 0])) == 1.0  # labels (m,)


def test_accuracy_takes_the_argmax_of_several_rows():
    P = np.array([[0.7, 0.1, 0.3], [0.2, 0.8, 0.3], [0.1, 0.1, 0.4]])
    assert nn.accuracy(P, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert nn.accuracy(P, np.eye(3)[:, [0, 1, 2]]) == 1.0


def test_accuracy_of_tensors():
    from autograd_core import Tensor

    assert nn.accuracy(Tensor([[0.8, 0.3]]), Tensor([[1.0, 1.0]])) == 0.5


@pytest.mark.parametrize("P, T, message", [
    (np.zeros(3), np.zeros(3), r"prediction must be \(n, m\)"),
    (np.zeros((1, 3)), np.zeros((2, 3)), r"expected \(1, 3\) or \(3,\)"),
    (np.zeros((2, 3)), np.zeros((3, 3)), r"expected labels \(3,\) or one-hot \(2, 3\)"),
])
def test_accuracy_refuses_mismatched_shapes(P, T, message):
    with pytest.raises(ValueError, match=f"accuracy: .*{message}"):
        nn.accuracy(P, T)


# ---------------------------------------------------------------- fit


def hand_written_loop(model, X, Y, lr, epochs):
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        J = nn.binary_cross_entropy(model(X), Y)
        J.backward()
        opt.step()
        losses.append(J.item())
    return losses


def test_full_batch_fit_is_the_hand_written_loop():
    X, Y = nn.xor(m=40)
    a, b = nn.MLP([2, 3, 1], rng=0), nn.MLP([2, 3, 1], rng=0)
    history = nn.fit(a, X, Y, nn.binary_cross_entropy, nn.optim.SGD(a.parameters(), lr=0.5),
                     epochs=25, progress=False)
    assert history.loss == hand_written_loop(b, X, Y, lr=0.5, epochs=25)
    for p, q in zip(a.parameters(), b.parameters()):
        assert np.array_equal(p.data, q.data)
    assert len(history) == 25 and history.accuracy is None


class Recorder(nn.Module):
    """A model that remembers which columns each call saw (feature 0 holds the column)."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(2, 1, rng=0)
        self.seen = []

    def forward(self, X):
        self.seen.append(X[0].astype(int).tolist())
        return self.layer(X).sigmoid()


def recorded_batches(batch_size, rng, epochs=2, m=10):
    X = np.vstack([np.arange(m, dtype=float), np.zeros(m)])
    Y = (np.arange(m) % 2).astype(float)[None, :]
    model = Recorder()
    nn.fit(model, X, Y, nn.binary_cross_entropy, nn.optim.SGD(model.parameters(), lr=0.1),
           epochs=epochs, batch_size=batch_size, rng=rng, progress=False)
    return model.seen


def test_minibatches_cover_every_column_once_per_epoch_in_shuffled_order():
    seen = recorded_batches(batch_size=4, rng=0)
    assert [len(b) for b in seen] == [4, 4, 2, 4, 4, 2]
    first, second = sum(seen[:3], []), sum(seen[3:], [])
    assert sorted(first) == sorted(second) == list(range(10))
    assert first != list(range(10)) and first != second


def test_minibatch_order_is_reproducible_from_a_seed():
    assert recorded_batches(3, rng=5) == recorded_batches(3, rng=5)
    assert recorded_batches(3, rng=5) != recorded_batches(3, rng=6)


def test_full_batch_keeps_the_original_order():
    assert recorded_batches(None, rng=0) == [list(range(10))] * 2
    assert recorded_batches(50, rng=0) == [list(range(10))] * 2


def test_history_is_the_size_weighted_mean_over_minibatches():
    X, Y = nn.xor(m=10)
    model = nn.MLP([2, 3, 1], rng=0)
    losses, hits = [], []

    def loss(prediction, target):
        J = nn.binary_cross_entropy(prediction, target)
        losses.append(J.item() * target.shape[1])
        hits.append(nn.accuracy(prediction, target) * target.shape[1])
        return J

    history = nn.fit(model, X, Y, loss, nn.optim.SGD(model.parameters(), lr=0.1), epochs=2,
                     batch_size=4, rng=0, progress=False, track_accuracy=True)
    assert history.loss == pytest.approx([sum(losses[:3]) / 10, sum(losses[3:]) / 10])
    assert history.accuracy == pytest.approx([sum(hits[:3]) / 10, sum(hits[3:]) / 10])
    assert "History(epochs=2, loss" in repr(history) and "accuracy" in repr(history)


def test_fit_trains_a_softmax_classifier_with_adam_and_labels():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    labels = np.repeat(np.arange(3), 50)
    X = centres[:, labels] + rng.standard_normal((2, 150))
    model = nn.MLP([2, 8, 3], hidden="relu", output="identity", rng=0)
    history = nn.fit(model, X, labels, nn.cross_entropy, nn.optim.Adam(model.parameters(), 0.05),
                     epochs=30, batch_size=32, rng=0, progress=False, track_accuracy=True)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert nn.accuracy(model(X), labels) > 0.95


class FakeBar:
    made = []

    def __init__(self, **options):
        self.options, self.postfixes, self.updates = options, [], 0
        FakeBar.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def set_postfix(self, refresh=True, **values):
        self.postfixes.append(values)

    def update(self, n=1):
        self.updates += n


class Terminal(io.StringIO):
    def isatty(self):
        return True


def fit_briefly(progress, monkeypatch, stderr):
    FakeBar.made.clear()
    monkeypatch.setattr(training, "tqdm", FakeBar)
    monkeypatch.setattr("sys.stderr", stderr)
    X, Y = nn.xor(m=8)
    model = nn.MLP([2, 2, 1], rng=0)
    nn.fit(model, X, Y, nn.mse, nn.optim.SGD(model.parameters(), lr=0.1), epochs=3,
           progress=progress)
    return FakeBar.made[0]


def test_progress_bar_shows_the_loss_on_a_terminal(monkeypatch):
    bar = fit_briefly(True, monkeypatch, Terminal())
    assert bar.options["disable"] is False and bar.options["total"] == 3
    assert bar.options["delay"] > 0  # short runs print nothing
    assert bar.updates == 3 and set(bar.postfixes[-1]) == {"loss"}


@pytest.mark.parametrize("progress, stderr", [(False, Terminal()), (True, io.StringIO())])
def test_progress_bar_is_silent_when_asked_or_not_a_terminal(monkeypatch, progress, stderr):
    bar = fit_briefly(progress, monkeypatch, stderr)
    assert bar.options["disable"] is True and bar.updates == 0


def test_fit_prints_nothing_without_a_terminal(capsys):
    X, Y = nn.xor(m=8)
    model = nn.MLP([2, 2, 1], rng=0)
    nn.fit(model, X, Y, nn.mse, nn.optim.SGD(model.parameters(), lr=0.1), epochs=3)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=-1), r"fit: epochs must be an integer >= 0, got -1"),
    (dict(epochs=2.5), r"fit: epochs must be an integer"),
    (dict(epochs=1, batch_size=0), r"fit: batch_size must be an integer >= 1, got 0"),
    (dict(epochs=1, X=np.zeros(8)), r"fit: X must be \(n_0, m\)"),
    (dict(epochs=1, Y=np.zeros((1, 7))), r"fit: Y has shape \(1, 7\); expected \(n_L, 8\)"),
])
def test_fit_refuses_bad_arguments(kwargs, message):
    X, Y = nn.xor(m=8)
    model = nn.MLP([2, 2, 1], rng=0)
    arguments = dict(X=X, Y=Y) | kwargs
    with pytest.raises(ValueError, match=message):
        nn.fit(model, arguments.pop("X"), arguments.pop("Y"), nn.mse,
               nn.optim.SGD(model.parameters(), lr=0.1), progress=False, **arguments)


# ---------------------------------------------------------------- non-finite losses


def params_of(model):
    return [p.data.copy() for p in model.parameters()]


def diverging_fit(epochs=100, **kwargs):
    """mse on an identity output with lr=1e6: the loss overflows to inf within 30 epochs
    (with the divergence stop turned off: it would stop at the second step)."""
    kwargs.setdefault("divergence_factor", None)
    X, Y = nn.xor(m=40)
    model = nn.MLP([2, 4, 1], output="identity", rng=0)
    optimizer = nn.optim.SGD(model.parameters(), lr=1e6)
    with pytest.raises(FloatingPointError) as caught:
        nn.fit(model, X, Y, nn.mse, optimizer, epochs, progress=False, **kwargs)
    return model, caught.value


def test_a_diverging_learning_rate_stops_at_the_first_non_finite_loss():
    model, error = diverging_fit()
    assert isinstance(error, training.NonFiniteLossError)
    assert error.quantity == "loss" and error.cause == "diverged" and error.lr == 1e6
    assert not np.isfinite(error.loss) and 1 < error.epoch == error.step <= 100
    assert len(error.history) == error.epoch - 1  # the epochs completed
    assert np.isfinite(error.history.loss).all()
    message = str(error)
    assert message.startswith(f"fit: the loss is {error.loss:g} at epoch {error.epoch} of 100, "
                              f"step {error.step}; stopped before that step's update")
    assert "the learning rate 1e+06 may be too large: try a smaller lr" in message


def test_the_non_finite_step_is_not_applied():
    """The parameters are those after the last finite step: the same as a run that stops
    there, and finite."""
    model, error = diverging_fit()
    assert all(np.isfinite(p).all() for p in params_of(model))
    X, Y = nn.xor(m=40)
    again = nn.MLP([2, 4, 1], output="identity", rng=0)
    nn.fit(again, X, Y, nn.mse, nn.optim.SGD(again.parameters(), lr=1e6), error.epoch - 1,
           progress=False, divergence_factor=None)
    for got, expected in zip(params_of(model), params_of(again)):
        np.testing.assert_array_equal(got, expected)


def test_nan_in_the_data_is_named_as_the_cause_at_its_minibatch():
    X, Y = nn.xor(m=40)
    X[1, 17] = np.nan
    model = nn.MLP([2, 4, 1], rng=0)
    before = params_of(model)
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(training.NonFiniteLossError) as caught:
        nn.fit(model, X, Y, nn.binary_cross_entropy, optimizer, 5, batch_size=8, rng=0,
               progress=False)
    error = caught.value
    assert error.cause == "data" and error.epoch == 1 and 1 <= error.step <= 5
    assert f"at epoch 1 of 5, step {error.step};" in str(error)
    assert "this minibatch of X or Y holds NaN or inf values" in str(error)
    assert all(np.isfinite(p).all() for p in params_of(model))
    if error.step == 1:
        for got, expected in zip(params_of(model), before):
            np.testing.assert_array_equal(got, expected)


def test_nan_targets_at_the_first_step_leave_the_initial_parameters():
    X, Y = nn.xor(m=8)
    Y[0, 0] = np.nan
    model = nn.MLP([2, 3, 1], output="identity", rng=0)
    before = params_of(model)
    with pytest.raises(training.NonFiniteLossError, match=r"step 1; .*are the initial ones"):
        nn.fit(model, X, Y, nn.mse, nn.optim.Adam(model.parameters()), 3, progress=False)
    for got, expected in zip(params_of(model), before):
        np.testing.assert_array_equal(got, expected)


def test_a_finite_loss_with_a_non_finite_gradient_stops_before_the_step():
    """sqrt at 0 is finite, its derivative is not: backward gives NaN gradients."""
    X, Y = nn.xor(m=8)
    model = nn.MLP([2, 3, 1], rng=0)
    before = params_of(model)

    def root_of_zero(prediction, target):
        return (prediction * 0.0).sum().sqrt()

    with pytest.raises(training.NonFiniteLossError) as caught:
        nn.fit(model, X, Y, root_of_zero, nn.optim.SGD(model.parameters(), lr=0.1), 2,
               progress=False)
    assert caught.value.quantity == "gradient" and caught.value.loss == 0.0
    assert caught.value.cause == "start"  # the first step, with finite data
    assert str(caught.value).startswith("fit: a gradient is not finite (the loss is 0)")
    for got, expected in zip(params_of(model), before):
        np.testing.assert_array_equal(got, expected)


# ---------------------------------------------------------------- a diverging finite loss


def flower_fit(lr, epochs=10, **kwargs):
    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=2)
    history = nn.fit(model, X, Y, nn.binary_cross_entropy,
                     nn.optim.SGD(model.parameters(), lr=lr), epochs, progress=False, **kwargs)
    return model, history


@pytest.mark.parametrize("compile", [False, True])
def test_a_loss_past_1000_times_its_first_value_stops_naming_step_loss_first_and_lr(compile):
    with pytest.raises(nn.DivergenceError) as caught:
        flower_fit(1e6, compile=compile)
    error = caught.value
    assert isinstance(error, RuntimeError) and training.DivergenceError is nn.DivergenceError
    assert error.step == error.epoch == 2 and error.lr == 1e6 and error.factor == 1000
    assert error.loss > 1000 * error.first_loss and np.isfinite(error.loss)
    assert error.first_loss == pytest.approx(0.78118205, abs=1e-8)
    assert len(error.history) == 1 and error.history.loss[0] == error.first_loss
    assert str(error) == (f"fit: the loss diverged: {error.loss:g} at epoch 2 of 10, step 2, "
                          f"more than 1000 times its first value 0.781182, with learning rate "
                          f"1e+06; stopped before that step's update: try a smaller learning "
                          f"rate (or divergence_factor=None to go on)")


def test_the_diverged_step_is_not_applied():
    with pytest.raises(nn.DivergenceError) as caught:
        model, _ = flower_fit(1e6)
    X, Y = nn.flower()
    again = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=2)
    stopped = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=2)
    nn.fit(again, X, Y, nn.binary_cross_entropy, nn.optim.SGD(again.parameters(), lr=1e6),
           caught.value.step - 1, progress=False)
    with pytest.raises(nn.DivergenceError):
        nn.fit(stopped, X, Y, nn.binary_cross_entropy,
               nn.optim.SGD(stopped.parameters(), lr=1e6), 10, progress=False)
    for got, expected in zip(params_of(stopped), params_of(again)):
        np.testing.assert_array_equal(got, expected)


def test_divergence_factor_none_goes_on_and_a_smaller_factor_stops_sooner():
    _, history = flower_fit(1e6, epochs=5, divergence_factor=None)
    assert len(history) == 5 and max(history.loss) > 1000 * history.loss[0]
    with pytest.raises(nn.DivergenceError) as caught:
        flower_fit(30.0, epochs=50, divergence_factor=1.5)
    assert caught.value.factor == 1.5 and caught.value.loss > 1.5 * caught.value.first_loss
    _, history = flower_fit(30.0, epochs=50)  # the default lets this run go on
    assert len(history) == 50


def test_minibatch_losses_are_compared_with_the_first_minibatch():
    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=2)
    with pytest.raises(nn.DivergenceError) as caught:
        nn.fit(model, X, Y, nn.binary_cross_entropy, nn.optim.SGD(model.parameters(), lr=1e6),
               3, batch_size=100, rng=0, progress=False)
    assert caught.value.epoch == 1 and caught.value.step == 2 and caught.value.history.loss == []


def test_a_first_loss_of_zero_or_below_gives_no_scale():
    """Any later loss would be "more than 1000 times" a first loss of 0 (a perfect fit), or
    of a negative one (a custom loss): no stop then."""
    X, Y = nn.xor(m=8)
    for first in (0.0, -1.0):
        calls = []

        def loss(prediction, target, first=first, calls=calls):
            calls.append(1)
            return (prediction * 0.0).sum() + (first if len(calls) == 1 else 5.0)

        model = nn.MLP([2, 3, 1], rng=0)
        history = nn.fit(model, X, Y, loss, nn.optim.SGD(model.parameters(), lr=0.1), 3,
                         progress=False)
        assert history.loss == [first, 5.0, 5.0]


@pytest.mark.parametrize("factor", [0, 1, -5, 0.5, float("nan"), float("inf"), True, "1000"])
def test_a_bad_divergence_factor_is_refused(factor):
    with pytest.raises(ValueError, match=r"fit: divergence_factor must be a number > 1 \(or "
                                         r"None to never stop\), got"):
        flower_fit(0.1, epochs=1, divergence_factor=factor)


# ---------------------------------------------------------------- end to end


def test_course_flower_network_reaches_the_course_accuracy():
    """The Deep Learning Specialization's planar example: 2-4-1 tanh/sigmoid, W = 0.01 randn
    after np.random.seed(2), b = 0, gradient descent with learning rate 1.2 for 10,000
    full-batch steps of binary cross-entropy: 90.5 % training accuracy in the course
    (logistic regression: 47 %)."""
    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="normal", scale=0.01,
                   rng=np.random.RandomState(2))
    start = time.perf_counter()
    history = nn.fit(model, X, Y, nn.binary_cross_entropy,
                     nn.optim.SGD(model.parameters(), lr=1.2), epochs=10_000, progress=False)
    seconds = time.perf_counter() - start
    # the costs the course prints after iterations 0, 1000, 2000, 3000 (later ones drift in
    # the 4th digit: rounding differences grow in this long run at a high learning rate)
    course = [0.693048, 0.288083, 0.254385, 0.233864]
    assert history.loss[:3001:1000] == pytest.approx(course, abs=1e-6)
    assert history.loss[-1] < 0.22
    assert nn.accuracy(model(X), Y) >= 0.90
    assert seconds < 60  # a few seconds on a laptop; this catches a pathological slowdown
