"""``nn.lesson``: the course notebooks' task check (not done, correct, what is wrong) and
``blank``, which turns a solved answer cell into the one that ships."""

import numpy as np
import pytest

from autograd_core import Tensor
from nn.lesson import NOT_DONE, blank, check, has_solution

W = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])


def test_none_is_not_done_and_does_not_raise(capsys) -> None:
    assert check("dW[1]", None, W) == "not done"
    assert NOT_DONE in capsys.readouterr().out


@pytest.mark.parametrize("answer", [W.copy(), W + 1e-12, Tensor(W.copy()), W.tolist()])
def test_right_answers_in_any_form_are_correct(answer, capsys) -> None:
    assert check("dW[1]", answer, W) == "correct"
    assert "✓ dW[1]: correct" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "says"), [
    (W.T, "transposed: a missing or extra .T?"),
    (W[:, :2], "wrong shape: got (2, 2), expected (2, 3) (like W[1])"),
    (-W, "the sign is flipped"),
    (400 * W, "400 times the right value"),
    (W / 8, "0.125 times the right value"),
    (W + np.array([[0, 0, 0], [0, 0, 2.0]]), "largest difference is at index (1, 2): got 1, "
                                               "expected -1"),
    ("W", "expected a number or an array of shape (2, 3)"),
    (np.full((2, 3), np.nan), "nan or inf"),
])
def test_wrong_answers_say_what_is_wrong(answer, says, capsys) -> None:
    assert check("dW[1]", answer, W, like="W[1]") == "wrong"
    out = capsys.readouterr().out
    assert out.startswith("✗ dW[1]: ") and says in out, out


def test_a_named_slip_is_recognised(capsys) -> None:
    alpha_dropped = W * 3.7 - 1
    assert check("dZ[1]", alpha_dropped, W, slips={"the α' dropped": alpha_dropped}) == "wrong"
    assert "this is the value with the α' dropped" in capsys.readouterr().out


def test_a_square_transpose_is_named(capsys) -> None:
    S = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert check("dW", S.T, S) == "wrong"
    assert "the transpose of the answer" in capsys.readouterr().out


def test_scalars_and_one_by_one_arrays_are_interchangeable(capsys) -> None:
    assert check("db[2]", 0.5, np.array([[0.5]])) == "correct"
    assert check("db[2]", np.array([[0.25]]), 0.5) == "wrong"
    assert "0.5 times the right value" in capsys.readouterr().out


def test_word_answers_ignore_case_and_spaces(capsys) -> None:
    assert check("which node", "  Tanh ", "tanh") == "correct"
    assert check("which node", "sum", "tanh") == "wrong"
    assert check("which node", 3, "tanh") == "wrong"
    out = capsys.readouterr().out
    assert "'sum' is not the answer" in out and "got int 3" in out


def test_the_notebook_must_give_an_expected_value() -> None:
    with pytest.raises(TypeError, match="expected is None"):
        check("t", 1.0, None)
    with pytest.raises(TypeError, match="expected must be a number, an array or a string"):
        check("t", 1.0, object())


def test_blank_sets_each_assigned_name_to_none_in_order() -> None:
    solved = ("x = 3.0\n### BEGIN SOLUTION\ndz = 2 * x\ndx, dy = dz, -dz\ndz += 1\n"
              "### END SOLUTION\ncheck('t', dx, 6.0)\n")
    assert blank(solved) == ("x = 3.0\n# YOUR CODE HERE: replace each None\ndz = None\n"
                             "dx = None\ndy = None\ncheck('t', dx, 6.0)\n")
    assert has_solution(solved) and not has_solution(blank(solved))


def test_blank_inside_a_function_returns_none_at_its_indentation() -> None:
    solved = ("def f(x):\n    ### BEGIN SOLUTION\n    y = x * x\n    return 2 * y\n"
              "    ### END SOLUTION\n")
    assert blank(solved) == "def f(x):\n    # YOUR CODE HERE\n    return None\n"


def test_blank_refuses_a_region_with_nothing_to_stub() -> None:
    with pytest.raises(ValueError, match="assigns no name"):
        blank("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n")
