"""compile's contract at the call boundary: a call replays what eager computes now, or it is
refused before any effect. Random draws, routes to values, refusals after a step, two
models through one function, the bound on recordings, threads, a function of no op."""

from __future__ import annotations

import copy
import pickle
import random
import threading
import warnings

import numpy as np
import pytest

import nn
from autograd_core import Tensor, compile, no_grad

from .helpers import assert_same, rand

X = rand((2, 6), 0)
Y = (rand((1, 6), 1) > 0).astype(np.float64)


# ---------------------------------------------------------------- random draws

RNG = np.random.default_rng(5)


class Noisy(nn.Module):
    def __init__(self):
        super().__init__()
        self.rng = np.random.default_rng(1)

    def forward(self, x):
        return x * Tensor(self.rng.standard_normal(x.shape))


DRAWS = {
    "dropout mask": lambda x: (x * Tensor((np.random.rand(*x.shape) > 0.5) * 2.0)).sum(),
    "noise": lambda x: (x + Tensor(np.random.randn(*x.shape))).sum(),
    "np.random.seed": lambda x: (np.random.seed(3), x.sum())[1],
    "a global Generator": lambda x: (x * RNG.standard_normal()).sum(),
    "a Generator argument": lambda x, rng: (x * rng.normal(size=x.shape)).sum(),
    "a Generator made inside": lambda x: (x * np.random.default_rng().random()).sum(),
    "a module's own Generator": lambda x, m: m(x).sum(),
    "Python's random": lambda x: (x * random.random()).sum(),
    "random.gauss": lambda x: (x * random.gauss(0.0, 1.0)).sum(),
}


@pytest.mark.parametrize("kind", DRAWS)
def test_random_draws_while_recording_are_refused_and_undone(kind):
    fn = DRAWS[kind]
    extra = {"a Generator argument": (np.random.default_rng(2),),
             "a module's own Generator": (Noisy(),)}.get(kind, ())
    W = Tensor(np.ones(6), requires_grad=True)
    np.random.seed(0)
    random.seed(0)
    before = [g.bit_generator.state for g in (RNG, *[e for e in extra
                                                    if isinstance(e, np.random.Generator)])]
    with pytest.raises(RuntimeError, match="random.*pass them in as an argument"):
        compile(lambda x, *more: fn(x * W, *more))(Tensor(X), *extra)
    assert W.grad is None
    # the refused call drew nothing: the same numbers come next, as after the seed
    assert np.random.rand() == np.random.RandomState(0).rand()
    assert random.random() == random.Random(0).random()
    after = [g.bit_generator.state for g in (RNG, *[e for e in extra
                                                   if isinstance(e, np.random.Generator)])]
    assert after == before


def test_randomness_passed_as_an_argument_replays_eagers_numbers():
    W = Tensor(np.ones((2, 6)), requires_grad=True)

    def fn(x, mask):
        return (x * W * mask).sum()

    compiled = compile(fn)
    np.random.seed(0)
    got = [compiled(Tensor(X), np.random.rand(2, 6) > 0.5).item() for _ in range(6)]
    np.random.seed(0)
    want = [fn(Tensor(X), Tensor(np.random.rand(2, 6) > 0.5)).item() for _ in range(6)]
    assert got == want
    assert len(set(got)) > 1


# ---------------------------------------------------------------- routes to values


ROUTES = {
    ".item()": lambda t: t.sum().item(),
    ".data": lambda t: t.data,
    ".grad": lambda t: t.grad,
    ".numpy()": lambda t: t.numpy(),
    "np.asarray": lambda t: np.asarray(t),
    "np.array": lambda t: np.array(t),
    "np.sum": lambda t: np.sum(t),
    "copy.copy": lambda t: copy.copy(t),
    "copy.deepcopy": lambda t: copy.deepcopy(t),
    "pickle": lambda t: pickle.dumps(t),
    "list of items": lambda t: [float(v.data) for v in t],
    ".data =": lambda t: setattr(t, "data", np.zeros(t.shape)),
    ".grad = array": lambda t: setattr(t, "grad", np.zeros(t.shape)),
    "register_hook": lambda t: t.register_hook(lambda g: g),
}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_to_a_tensors_values_while_recording_is_refused(route):
    W = Tensor(np.ones(4), requires_grad=True)

    def fn(x):
        y = x * W
        ROUTES[route](y if route not in (".grad = array", "register_hook") else W)
        return y.sum()

    with pytest.raises((RuntimeError, TypeError)):  # np.sum: Tensor.sum takes no out=
        compile(fn)(Tensor(np.arange(4.0)))
    assert W.grad is None


def test_no_public_attribute_of_a_tensor_hands_out_its_values_while_recording():
    """The whole class: every attribute a tensor has, read while recording, gives a Tensor,
    a description (shape, dtype, name...) or an error; never numbers."""
    seen: dict[str, object] = {}

    def fn(x):
        y = x * 2.0
        for name in dir(Tensor):
            if name.startswith("__") and name not in ("__repr__", "__str__", "__len__",
                                                      "__array__", "__reduce__"):
                continue
            try:
                value = getattr(y, name)
                if callable(value) and name in ("__repr__", "__str__", "numpy", "item",
                                                "_repr_html_", "__array__", "__reduce__",
                                                "detach"):
                    value = value()
            except (RuntimeError, TypeError, AttributeError):
                continue
            seen[name] = (value, str(value))  # shown while recording
        return y.sum()

    compile(fn)(Tensor(np.array([1.25, 3.5])))
    for name, (value, shown) in seen.items():
        if name == "_data":
            continue  # the private slot: not a route the library offers
        if isinstance(value, Tensor):
            continue
        if isinstance(value, np.ndarray | np.generic | float):
            raise AssertionError(f"Tensor.{name} gave numbers while recording: {value!r}")
        assert "1.25" not in shown and "2.5" not in shown, (name, shown)


# ---------------------------------------------------------------- refusals before effects


def _training(momentum=0.9):
    model = nn.MLP([2, 3, 1], hidden="tanh", output="sigmoid", rng=0)
    return model, nn.optim.SGD(model.parameters(), lr=0.5, momentum=momentum)


def _state(model, opt):
    return ([p.data.copy() for p in model.parameters()],
            [None if p.grad is None else p.grad.copy() for p in model.parameters()],
            copy.deepcopy(vars(opt).get("velocity", vars(opt).get("buffers"))))


REFUSED_AFTER_STEP = {
    "a random draw": lambda J: J * float(np.random.rand() > 2),
    "a hook on an intermediate tensor": lambda J: J.register_hook(lambda g: g) and J,
    "a read of a value": lambda J: J * J.item(),
}


@pytest.mark.parametrize("cause", REFUSED_AFTER_STEP)
def test_a_step_refused_after_backward_and_step_has_changed_nothing(cause):
    model, opt = _training()
    opt.zero_grad()  # a first step outside, so the optimizer has state to protect
    nn.binary_cross_entropy(model(X), Y).backward()
    opt.step()
    before = _state(model, opt)

    @compile
    def step(X, Y):
        opt.zero_grad()
        J = nn.binary_cross_entropy(model(X), Y)
        J.backward()
        opt.step()
        return REFUSED_AFTER_STEP[cause](J)

    for _ in range(3):
        with pytest.raises(RuntimeError, match="compile"):
            step(X, Y)
        after = _state(model, opt)
        for a, b in zip(after[0], before[0]):
            assert_same(a, b, "W after a refused step")
        for a, b in zip(after[1], before[1]):
            assert_same(a, b, "grad after a refused step")
        assert repr(after[2]) == repr(before[2])


# ---------------------------------------------------------------- two models, one function


def test_two_models_through_one_compiled_function_keep_their_layers_apart():
    models_c = [nn.MLP([2, 3, 1], rng=k) for k in (0, 1)]
    models_e = [nn.MLP([2, 3, 1], rng=k) for k in (0, 1)]

    def loss(model, X, Y):
        J = nn.binary_cross_entropy(model(X), Y)
        J.backward()
        return J

    compiled = compile(loss)
    for k in range(3):
        for model_c, model_e in zip(models_c, models_e):
            compiled(model_c, X, Y)
            loss(model_e, X, Y)
        for i, (model_c, model_e) in enumerate(zip(models_c, models_e)):
            for l in (1, 2):  # noqa: E741
                assert_same(model_c.A[l].data, model_e.A[l].data, f"call {k} model {i} A[{l}]")
                assert_same(model_c.Z[l].grad, model_e.Z[l].grad,
                            f"call {k} model {i} dZ[{l}]")


# ---------------------------------------------------------------- the bound


def test_an_argument_that_changes_every_call_is_recorded_at_most_8_times():
    W = Tensor(np.ones(6), requires_grad=True)

    def fn(x, lr):
        return (x * W * lr).sum()

    compiled = compile(fn)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for k in range(20):
            lr = 0.1 * 0.9 ** k
            assert_same(compiled(Tensor(X), lr).data, fn(Tensor(X), lr).data, f"call {k}")
    assert len(compiled.plans) == 8 and len(compiled.recorded) == 8
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert messages and all("'lr'" in m and "eager" in m for m in messages)


def test_a_value_that_changes_every_call_is_named_in_the_warning():
    box = [1.0]

    def fn(x):
        return (x * box[0]).sum()

    compiled = compile(fn)
    with pytest.warns(RuntimeWarning, match=r"box"):
        for k in range(10):
            box[0] = float(k)
            assert_same(compiled(Tensor(X)).data, fn(Tensor(X)).data, f"call {k}")


# ---------------------------------------------------------------- small cases


def test_a_function_that_records_no_op_returns_its_argument():
    x = Tensor(X)
    W = Tensor(np.ones(3), requires_grad=True)
    identity, leaf = compile(lambda x: x), compile(lambda: W)
    for _ in range(3):
        assert identity(x) is x
        assert leaf() is W


def test_the_overwritten_message_names_another_thread_when_another_thread_called():
    W = Tensor(np.ones((2, 6)), requires_grad=True)
    compiled = compile(lambda x: (x * W).sum())
    compiled(Tensor(X)).backward()  # recorded
    mine = compiled(Tensor(X))
    worker = threading.Thread(target=lambda: compiled(Tensor(X)))
    worker.start()
    worker.join()
    with pytest.raises(RuntimeError, match="another thread"):
        mine.backward()
    again = compiled(Tensor(X))
    compiled(Tensor(X))
    with pytest.raises(RuntimeError, match="call backward\\(\\) before calling the function"):
        again.backward()


def test_a_no_grad_call_after_a_refusal_still_works():
    W = Tensor(np.ones(6), requires_grad=True)
    with pytest.raises(RuntimeError):
        compile(lambda x: (x * W * np.random.rand()).sum())(Tensor(X))
    with no_grad():
        assert compile(lambda x: (x * W).sum())(Tensor(X)).shape == ()
