"""nn.Module and nn.Sequential: registration on assignment, the parameter tree, state dicts."""

import numpy as np
import pytest

import nn
from autograd_core import Tensor


class Affine(nn.Module):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.scale = Tensor(np.ones((n, 1)), requires_grad=True)
        self.shift = Tensor(np.zeros((n, 1)), requires_grad=True)

    def forward(self, x):
        return x * self.scale + self.shift


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = nn.Linear(2, 3, rng=0)
        self.norm = Affine(3)
        self.second = nn.Linear(3, 1, rng=1)

    def forward(self, x):
        return self.second(self.norm(self.first(x)).tanh())


def test_named_parameters_are_dotted_in_assignment_order():
    names = [name for name, _ in Net().named_parameters()]
    assert names == ["first.weight", "first.bias", "norm.scale", "norm.shift",
                     "second.weight", "second.bias"]


def test_parameters_are_the_registered_tensors():
    net = Net()
    assert net.parameters()[0] is net.first.weight
    assert all(p.requires_grad and p.is_leaf for p in net.parameters())


def test_own_parameters_come_before_submodules():
    class Mixed(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = Affine(1)
            self.gain = Tensor([[2.0]], requires_grad=True)

    assert [n for n, _ in Mixed().named_parameters()] == ["gain", "inner.scale", "inner.shift"]


def test_computed_and_constant_tensors_are_not_parameters():
    net = Net()
    net.constant = Tensor(np.ones(3))  # no grad
    net.cache = net.first.weight * 2  # a computed tensor, not a leaf
    net.sizes = [1, 2]
    assert len(net.parameters()) == 6


def test_reassigning_a_name_replaces_its_registration():
    net = Net()
    net.norm = None
    assert [n for n, _ in net.named_parameters()] == ["first.weight", "first.bias",
                                                       "second.weight", "second.bias"]
    net.second = Tensor(np.ones(2), requires_grad=True)
    assert [n for n, _ in net.named_parameters()] == ["second", "first.weight", "first.bias"]


def test_deleting_an_attribute_unregisters_it():
    net = Net()
    del net.first
    assert "first.weight" not in dict(net.named_parameters())


def test_a_shared_parameter_is_listed_once():
    net = Net()
    net.second.weight = net.first.weight
    assert sum(p is net.first.weight for p in net.parameters()) == 1


def test_assigning_before_init_says_to_call_super_init():
    class Forgetful(nn.Module):
        def __init__(self):
            self.w = Tensor([1.0], requires_grad=True)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgetful()


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        nn.Module()(1)


def test_zero_grad_clears_every_gradient():
    net = Net()
    net(np.ones((2, 4))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_state_dict_holds_copies():
    net = Net()
    state = net.state_dict()
    assert list(state) == [n for n, _ in net.named_parameters()]
    before = state["first.weight"].copy()
    net.first.weight.data += 1
    assert np.array_equal(state["first.weight"], before)
    assert type(state["first.weight"]) is np.ndarray


def test_load_state_dict_copies_values_into_the_same_tensors():
    source, target = Net(), Net()
    target.first.weight.data[...] = 0
    weight = target.first.weight
    target.load_state_dict(source.state_dict())
    assert target.first.weight is weight
    for (name, p), q in zip(target.named_parameters(), source.parameters()):
        assert np.array_equal(p.data, q.data), name


def test_load_state_dict_casts_to_the_parameter_dtype():
    net = nn.Linear(2, 2, dtype=np.float32)
    net.load_state_dict({"weight": np.eye(2), "bias": np.ones((2, 1))})
    assert net.weight.dtype == np.float32 and np.array_equal(net.weight.data, np.eye(2))


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("norm.shift"), r"missing 'norm.shift'"),
    (lambda s: s.update(extra=np.ones(1)), r"unexpected 'extra'"),
    (lambda s: s.update({"first.bias": np.ones((3,))}),
     r"'first.bias' has shape \(3,\), the parameter has \(3, 1\)"),
    (lambda s: s.update({"first.bias": np.array([["a"], ["b"], ["c"]])}),
     r"'first.bias' has non-numeric dtype"),
])
def test_load_state_dict_refuses_a_mismatch_and_changes_nothing(change, message):
    net = Net()
    state = {name: value + 1 for name, value in net.state_dict().items()}
    change(state)
    before = net.state_dict()
    with pytest.raises(ValueError, match=message):
        net.load_state_dict(state)
    for name, value in net.state_dict().items():
        assert np.array_equal(value, before[name]), name


def test_load_state_dict_names_every_problem_at_once():
    net = Net()
    state = net.state_dict()
    del state["first.weight"]
    state["bogus"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"missing 'first.weight'; unexpected 'bogus'"):
        net.load_state_dict(state)


def test_repr_nests_submodules():
    assert repr(Net()) == (
        "Net(\n"
        "  (first): Linear(n_in=2, n_out=3)\n"
        "  (norm): Affine()\n"
        "  (second): Linear(n_in=3, n_out=1)\n"
        ")")
    nested = nn.Sequential(nn.Sequential(nn.Tanh()))
    assert repr(nested) == "Sequential(\n  (0): Sequential(\n    (0): Tanh()\n  )\n)"


def test_sequential_applies_modules_in_order():
    first, second = nn.Linear(2, 3, rng=0), nn.Linear(3, 1, rng=1)
    seq = nn.Sequential(first, nn.Tanh(), second)
    X = np.random.default_rng(0).standard_normal((2, 5))
    expected = second.weight.data @ np.tanh(first.weight.data @ X)
    assert np.allclose(seq(X).data, expected)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(seq) == 3 and seq[2] is second and list(seq)[0] is first


def test_sequential_refuses_a_non_module():
    with pytest.raises(TypeError, match="Sequential: argument 1 is a ufunc, not a Module"):
        nn.Sequential(nn.Tanh(), np.tanh)


def test_a_container_records_its_ops_in_a_scope_named_after_it():
    net = Net()
    out = net(np.ones((2, 4)))
    assert out.scope.label == "Net"
    leaf_only = nn.Linear(2, 1)(np.ones((2, 1)))
    assert leaf_only.scope is None  # a single layer opens no box of its own
