"""Graph mechanics: traversal, accumulation, retained gradients, freeing, no_grad, grad()."""

import numpy as np
import pytest

from autograd_core import Tensor, enable_grad, grad, is_grad_enabled, no_grad


def leaf(values, name=None):
    return Tensor(np.asarray(values, dtype=float), requires_grad=True, name=name)


def test_diamond_accumulates_both_paths():
    x = leaf(3.0)
    a, b = x * 2.0, x * x  # x feeds two branches that meet again
    (a + b).backward()
    assert x.grad == pytest.approx(2 + 2 * 3)


def test_shared_subexpression_used_twice():
    x = leaf([1.0, 2.0])
    h = x.tanh()
    (h * h + h).sum().backward()
    t = np.tanh([1.0, 2.0])
    np.testing.assert_allclose(x.grad, (2 * t + 1) * (1 - t**2), rtol=1e-14)


def test_ladder_of_60_levels_is_linear_not_2_to_the_60():
    x = leaf(1.0)
    y = x
    for _ in range(60):
        y = y + y  # 2^60 paths from y to x
    y.backward()
    assert x.grad == 2.0**60


def test_chain_of_100000_ops_backward_without_recursion_error():
    x = leaf(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_leaves_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3 + 2, 3 + 4])
    x.zero_grad()
    assert x.grad is None


def test_non_leaf_grad_only_with_retain_grad():
    x = leaf([1.0, -2.0])
    h = x * 2.0
    kept = (x * 3.0).retain_grad()
    (h.relu() + kept).sum().backward()
    assert h.grad is None
    np.testing.assert_array_equal(kept.grad, [1.0, 1.0])
    assert x.is_leaf and not h.is_leaf


def test_leaf_grad_is_not_aliased_with_other_gradients_or_the_seed():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    seed = np.array([1.0, 1.0])
    (x + y).backward(seed)
    x.grad[0] = 100.0
    assert y.grad[0] == 1.0 and seed[0] == 1.0


def test_leaf_grad_of_sum_is_a_writable_array():
    x = leaf(np.ones((2, 3)))
    x.sum().backward()
    x.grad[0, 0] = 5.0  # a broadcast view would be read-only
    assert x.grad.flags.writeable and x.grad.sum() == 10.0


def test_gradients_summed_in_place_leave_every_handed_out_array_alone():
    # Backward runs latest first, so x's first gradient is d(out) passed through by the
    # adds: the seed itself, also u's gradient. Summing the rest into it in place would
    # change the caller's seed and u.grad.
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    product = x * y
    u = (x + y).retain_grad()
    out = (product + (u + x)).retain_grad()
    seed = np.array([1.0, 1.0])
    out.backward(seed)
    np.testing.assert_array_equal(x.grad, 1 + 1 + np.array([3.0, 4.0]))
    np.testing.assert_array_equal(y.grad, 1 + np.array([1.0, 2.0]))
    np.testing.assert_array_equal(u.grad, [1.0, 1.0])
    np.testing.assert_array_equal(out.grad, [1.0, 1.0])
    np.testing.assert_array_equal(seed, [1.0, 1.0])


def test_a_tensor_used_many_times_sums_its_gradients_exactly():
    x = leaf(np.linspace(-1, 1, 6).reshape(2, 3))
    h = x.tanh().retain_grad()
    (h * h + h * 3.0 + h.exp()).sum().backward()
    t = np.tanh(x.data)
    expected_h = ((np.ones_like(t) * t + np.ones_like(t) * t) + 3.0) + np.exp(t)
    np.testing.assert_allclose(h.grad, expected_h, rtol=1e-15)
    np.testing.assert_allclose(x.grad, expected_h * (1 - t * t), rtol=1e-15)


def test_backward_frees_the_graph_and_a_second_backward_says_so():
    x = leaf(2.0)
    y = (x * x).tanh()
    y.backward()
    with pytest.raises(RuntimeError, match="already freed.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf(2.0)
    y = (x * x).tanh()
    y.backward(retain_graph=True)
    first = x.grad.copy()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * first)


def test_backward_needs_grad_for_more_than_one_element():
    y = leaf([1.0, 2.0]) * 2.0
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*pass grad="):
        y.backward()


def test_backward_refuses_a_grad_of_the_wrong_shape():
    y = leaf([1.0, 2.0]) * 2.0
    with pytest.raises(ValueError, match=r"grad has shape \(3,\).*\(2,\)"):
        y.backward(np.ones(3))


def test_backward_on_a_tensor_without_graph_says_so():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(1.0).backward()


def test_no_grad_records_nothing_and_restores_the_mode_after_an_exception():
    x = leaf(1.0)
    with no_grad():
        y = x * 2.0
    assert not y.requires_grad and y.is_leaf and y.parents == ()
    with pytest.raises(ZeroDivisionError), no_grad():
        raise ZeroDivisionError("inside no_grad")
    assert is_grad_enabled()
    assert (x * 2.0).requires_grad


def test_no_grad_as_decorator_and_nested_enable_grad():
    x = leaf(1.0)

    @no_grad()
    def double(t):
        assert not is_grad_enabled()
        with enable_grad():
            inner = t * 2.0
        return t * 2.0, inner

    outer, inner = double(x)
    assert not outer.requires_grad and inner.requires_grad and is_grad_enabled()

    @no_grad()
    def boom():
        raise ValueError("inside")

    with pytest.raises(ValueError):
        boom()
    assert is_grad_enabled()


def test_constants_need_no_grad_and_receive_none():
    c = Tensor([1.0, 2.0])
    x = leaf([3.0, 4.0])
    (x * c).sum().backward()
    assert c.grad is None and not c.requires_grad
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_grad_returns_gradients_without_touching_dot_grad():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    unused = leaf(0.0)
    out = (x * y).sum()
    gx, gy, gu = grad(out, [x, y, unused])
    np.testing.assert_array_equal(gx, [3, 4])
    np.testing.assert_array_equal(gy, [1, 2])
    np.testing.assert_array_equal(gu, 0.0)
    assert x.grad is None and y.grad is None


def test_grad_of_an_intermediate_and_with_grad_output():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    out = h.tanh()
    (gh,) = grad(out, [h], grad_output=np.array([1.0, 2.0]))
    np.testing.assert_allclose(gh, np.array([1.0, 2.0]) * (1 - np.tanh([3.0, 6.0]) ** 2))


def test_detach_shares_data_but_leaves_the_graph():
    x = leaf([1.0, 2.0])
    d = (x * 2.0).detach()
    assert d.is_leaf and not d.requires_grad
    np.testing.assert_array_equal(d.data, [2.0, 4.0])


def test_item_numpy_and_properties():
    t = Tensor([[1.5]], name="J")
    assert t.item() == 1.5 and t.shape == (1, 1) and t.ndim == 2 and t.size == 1
    assert t.dtype == np.float64 and t.numpy()[0, 0] == 1.5 and t.name == "J"
    with pytest.raises(ValueError, match="item.*3 elements"):
        Tensor([1.0, 2.0, 3.0]).item()


def test_repr_shows_name_and_op():
    x = leaf([1.0], name="W[1]")
    assert "name='W[1]'" in repr(x) and "requires_grad=True" in repr(x)
    assert "op=tanh" in repr(x.tanh())
    assert "<b>W[1]</b>" in x._repr_html_()
