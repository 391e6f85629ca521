"""compile's guards: whatever Python value a recording read, a call after it changed gives
what eager gives now (a new recording), never the recording's value. Each case changes one
kind of dependency between calls and compares compiled with eager, bit for bit."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import nn
from autograd_core import Tensor, compile
from autograd_core.stamps import Stamped

from .helpers import assert_same, rand

X = rand((2, 5), 0)
Y = (rand((1, 5), 1) > 0).astype(np.float64)
scale = 2.0  # read as a global by the functions below


def _twice(fn, change, *args):
    """fn compiled: called, changed, called again; each result next to eager's."""
    compiled = compile(fn)
    first = compiled(*args)
    assert_same(first.data, fn(*args).data, "before the change")
    change()
    assert_same(compiled(*args).data, fn(*args).data, "after the change")
    return compiled


def test_a_global_number():
    def f(x):
        return (x * scale).sum()

    def change():
        global scale
        scale = 5.0

    try:
        compiled = _twice(f, change, Tensor(X))
        assert len(compiled.recorded) == 2
    finally:
        globals()["scale"] = 2.0


def test_a_global_read_by_a_helper_function_fn_calls():
    def helper(x):
        return x * scale

    def f(x):
        return helper(x).sum()

    def change():
        globals()["scale"] = -1.5

    try:
        _twice(f, change, Tensor(X))
    finally:
        globals()["scale"] = 2.0


def test_an_element_of_a_closed_over_list_and_dict_and_a_rebound_cell():
    weights, options = [1.0, 2.0], {"shift": 0.5}
    k = 3.0

    def f(x):
        return ((x * weights[1] + options["shift"]) * k).sum()

    def change():
        nonlocal k
        weights[1] = 7.0
        options["shift"] = -2.0
        k = 4.0

    _twice(f, change, Tensor(X))


def test_the_values_of_a_closed_over_array_written_in_place():
    offsets = np.arange(5.0)

    def f(x):
        return (x + offsets).sum()

    def change():
        offsets[2] = 100.0

    _twice(f, change, Tensor(X))


def test_a_mutable_default_argument():
    def f(x, coefficients=[1.0]):  # noqa: B006 - the point of the test
        return (x * coefficients[0]).sum()

    _twice(f, lambda: f.__defaults__[0].__setitem__(0, 3.0), Tensor(X))


def test_an_attribute_of_a_plain_object_and_of_a_callable_object():
    class Config:
        factor = 1.0

    config = Config()
    config.factor = 2.0

    class Scaled:
        def __init__(self):
            self.factor = 3.0

        def __call__(self, x):
            return (x * self.factor * config.factor).sum()

    fn = Scaled()

    def change():
        fn.factor = 0.25
        config.factor = 8.0

    _twice(fn, change, Tensor(X))


def _model_step():
    """A training step that reads its model and optimizer as globals of a namespace, as a
    notebook does."""
    space = {"nn": nn, "X": X, "Y": Y}
    space["model"] = nn.MLP([2, 3, 1], hidden="tanh", output="sigmoid", rng=0)
    space["opt"] = nn.optim.SGD(space["model"].parameters(), lr=0.5)
    exec("def step():\n"  # noqa: S102 - a function whose globals are ``space``
         "    opt.zero_grad()\n"
         "    J = nn.binary_cross_entropy(model(X), Y)\n"
         "    J.backward()\n"
         "    opt.step()\n"
         "    return J\n", space)
    return space


@pytest.mark.parametrize("change", ["re-create the model", "re-create the optimizer",
                                    "replace a weight", "replace an activation",
                                    "change a slope"])
def test_a_model_or_optimizer_changed_between_calls_trains_what_eager_trains(change):
    eager, compiled = _model_step(), _model_step()
    step = compile(compiled["step"])
    for space in (eager, compiled):
        space["model"].layer1.weight.data = np.full((3, 2), 0.3)
    for k in range(5):
        if k == 2:
            for space in (eager, compiled):
                if change == "re-create the model":
                    space["model"] = nn.MLP([2, 3, 1], hidden="tanh", output="sigmoid", rng=1)
                    space["opt"] = nn.optim.SGD(space["model"].parameters(), lr=0.5)
                elif change == "re-create the optimizer":
                    space["opt"] = nn.optim.SGD(space["model"].parameters(), lr=2.0)
                elif change == "replace a weight":
                    model = space["model"]
                    model.layer2.weight = Tensor(np.full((1, 3), -0.7), requires_grad=True)
                    space["opt"] = nn.optim.SGD(model.parameters(), lr=0.5)
                elif change == "replace an activation":
                    model = space["model"]
                    model.activations = (None, nn.activation("leaky_relu", negative_slope=0.3),
                                         model.activations[2])
                else:
                    model = space["model"]
                    model.activations = (None, nn.activation("leaky_relu", negative_slope=0.3),
                                         model.activations[2])
        if k == 3 and change == "change a slope":
            for space in (eager, compiled):
                space["model"].activations[1].negative_slope = 0.05
        J_e, J_c = eager["step"](), step()
        assert_same(J_c.data, J_e.data, f"step {k}: loss")
        for (name, p_e), (_, p_c) in zip(eager["model"].named_parameters(),
                                         compiled["model"].named_parameters()):
            assert_same(p_c.data, p_e.data, f"step {k}: {name}")


def test_an_optimizer_learning_rate_schedule_needs_no_new_recording():
    eager, compiled = _model_step(), _model_step()
    step = compile(compiled["step"])
    for k in range(12):
        for space in (eager, compiled):
            space["opt"].lr = 1.0 / (k + 1)
        assert_same(step().data, eager["step"]().data, f"step {k}")
    assert len(step.recorded) == 1  # step() reads lr at each replay


def test_a_stamped_object_of_the_users_own():
    class Temperature(Stamped):
        def __init__(self):
            self.value = 2.0

        def _stamp_parts(self):
            return ()

    temperature = Temperature()
    _twice(lambda x: (x / temperature.value).sum(),
           lambda: setattr(temperature, "value", 0.5), Tensor(X))


# ---------------------------------------------------------------- what cannot be guarded


@pytest.mark.parametrize("kind", ["deque", "bytearray", "large array"])
def test_a_dependency_that_cannot_be_guarded_is_refused_at_the_recording(kind):
    held = {"deque": collections.deque([1.0]), "bytearray": bytearray(b"\x02"),
            "large array": np.zeros(1_000_001)}[kind]

    def f(x):
        return (x * (len(held) + 1)).sum()

    W = Tensor(np.ones(5), requires_grad=True)
    with pytest.raises(RuntimeError, match="argument"):
        compile(lambda x: f(x) * W.sum())(Tensor(X))
    assert W.grad is None


def test_assigning_a_global_or_a_nonlocal_is_refused():
    calls = 0

    def counts(x):
        nonlocal calls
        calls += 1
        return x.sum()

    def sets_global(x):
        global scale
        scale = 3.0
        return x.sum()

    with pytest.raises(RuntimeError, match="nonlocal 'calls'"):
        compile(counts)(Tensor(X))
    with pytest.raises(RuntimeError, match="global 'scale'"):
        compile(sets_global)(Tensor(X))
    assert scale == 3.0  # fn ran (Python's effects are its own); nothing was replayed
    globals()["scale"] = 2.0


def test_guards_hold_across_many_calls_when_nothing_changes():
    weights = [2.0]
    compiled = compile(lambda x: (x * weights[0] * scale).sum())
    for _ in range(20):
        compiled(Tensor(X))
    assert len(compiled.recorded) == 1


def test_a_parameter_reached_through_nothing_watched_is_refused():
    """A leaf that requires grad, reached by a route the guards do not follow (an attribute
    of a module, which is guarded by identity only): were the route to give another tensor,
    a replay would not see it."""
    import types

    W = Tensor(np.ones(5), requires_grad=True, name="W")
    store = types.ModuleType("store")
    store.weight = W

    def f(x):
        return (x * store.weight).sum()

    with pytest.raises(RuntimeError, match="'W'.*pass it as an argument"):
        compile(f)(Tensor(X))
    assert compile(lambda x, w: (x * w).sum())(Tensor(X), W).shape == ()
