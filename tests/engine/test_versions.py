"""In-place edits of saved values are caught at backward; edits after backward are fine."""

import numpy as np
import pytest

from autograd_core import Tensor


def leaf(values):
    return Tensor(np.asarray(values, dtype=float), requires_grad=True, name="W")


@pytest.mark.parametrize("edit", [
    lambda t: t.data.__setitem__(Ellipsis, 5.0),
    lambda t: t.data.__setitem__(0, 5.0),
    lambda t: t.data[0:1].__setitem__(0, 5.0),
    lambda t: t.data.T.__setitem__(0, 5.0),
    lambda t: t.data.fill(5.0),
    lambda t: np.copyto(t.data, 5.0),
    lambda t: np.add(t.data, 1.0, out=t.data),
    lambda t: np.add.at(t.data, 0, 1.0),
], ids=["setitem-all", "setitem-one", "slice-view", "transposed-view", "fill", "copyto",
        "ufunc-out", "ufunc-at"])
def test_in_place_edit_of_a_saved_input_is_detected_at_backward(edit):
    w = leaf([1.0, 2.0])
    y = (w * w).sum()  # mul saves w
    edit(w)
    with pytest.raises(RuntimeError, match=r"mul saved input 0 \(W\).*modified in place"):
        y.backward()


def test_augmented_assignment_on_data_is_detected():
    w = leaf([1.0, 2.0])
    y = (w * 3.0).sum()
    w.data += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_in_place_edit_of_a_saved_output_is_detected():
    x = leaf([1.0, 2.0])
    h = x.tanh()  # tanh saves its output
    y = h.sum()
    h.data[0] = 0.0
    with pytest.raises(RuntimeError, match="tanh saved its output"):
        y.backward()


def test_edit_through_a_detached_tensor_is_detected():
    w = leaf([1.0, 2.0])
    y = (w * w).sum()
    w.detach().data[0] = 9.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_edit_through_a_view_op_output_is_detected():
    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = (w * w).sum()
    w.T.data[0, 0] = 9.0  # the transpose shares w's memory
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_edit_of_an_input_the_rule_does_not_use_is_not_an_error():
    w = leaf([1.0, 2.0])
    y = (w + 1.0).sum()  # add saves nothing
    w.data[0] = 9.0
    y.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_rebinding_data_does_not_corrupt_the_saved_value():
    w = leaf([1.0, 2.0])
    y = (w * w).sum()
    w.data = np.array([7.0, 7.0])  # a new array: the saved one is untouched
    y.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_no_false_alarm_for_edits_after_backward():
    w = leaf([1.0, 2.0])
    for _ in range(3):  # an optimizer's loop: forward, backward, edit, repeat
        y = (w * w).sum()
        y.backward()
        w.data -= 0.1 * w.grad
        w.grad = None
    np.testing.assert_allclose(w.data, np.array([1.0, 2.0]) * 0.8**3)


def test_copies_of_data_are_free_to_edit():
    w = leaf([1.0, 2.0])
    y = (w * w).sum()
    c = w.data.copy()
    c[0] = 5.0
    a = w.data.astype(np.float32)
    a[0] = 5.0
    arr = np.array(w.data)
    arr[0] = 5.0
    y.backward()
    assert type(c) is np.ndarray and type(arr) is np.ndarray


def test_results_computed_from_data_are_plain_arrays():
    w = leaf([1.0, 2.0])
    for result in (w.data * 2, w.data + w.data, np.tanh(w.data), w.data @ w.data):
        assert type(result) is np.ndarray or np.isscalar(result)
    assert repr(w.data) == "array([1., 2.])"


def test_a_tensor_made_from_another_tensors_data_shares_its_version_counter():
    w = leaf([1.0, 2.0])
    y = (w * w).sum()
    Tensor(w.data).data[0] = 9.0  # same memory, so the same counter
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()
    assert Tensor(w)._version is w._version


def test_writes_elsewhere_or_before_recording_are_not_alarms():
    w, other = leaf([1.0, 2.0]), leaf([3.0])
    w.data[0] = 5.0  # before the op is recorded: the saved value is the edited one
    y = (w * w).sum()
    other.data[0] = 0.0  # after, but to an array no rule of this graph reads
    y.backward()
    np.testing.assert_array_equal(w.grad, [10.0, 4.0])


def test_an_edit_between_two_recordings_is_seen_only_by_the_earlier_one():
    w = leaf([1.0, 2.0])
    early = (w * w).sum()
    w.data[1] = 3.0
    late = (w * w).sum()
    late.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 6.0])
    with pytest.raises(RuntimeError, match="modified in place"):
        early.backward()


@pytest.mark.parametrize("view", [lambda t: t.T, lambda t: t[0], lambda t: t.reshape(4)])
def test_a_view_made_under_no_grad_shares_the_counter(view):
    from autograd_core import no_grad

    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = (w * w).sum()
    with no_grad():
        v = view(w)
        v += 1.0  # writes w's memory
    with pytest.raises(RuntimeError, match=r"mul saved input 0 \(W\).*modified in place"):
        y.backward()


def test_a_copy_made_under_no_grad_does_not_share_the_counter():
    from autograd_core import no_grad

    w = leaf([1.0, 2.0])
    y = (w * w).sum()
    with no_grad():
        c = w * 1.0
        c += 1.0
    y.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
