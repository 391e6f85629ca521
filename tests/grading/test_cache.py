"""The learner's cache is a real, mutable copy: attribute and mapping access as the notebooks
say, in-place changes allowed, the grader's own arrays untouched."""

from __future__ import annotations

import numpy as np
import pytest

from nn.closed_form.grading import Exercise, grade, reference


def test_in_place_changes_work_and_stay_in_the_copy() -> None:
    exercise = Exercise("rojas")
    c = exercise.cache()
    before = c.Z[1].copy()
    c.Z[1] *= 2  # a tuple made this a TypeError
    c["A1"] *= 0
    c.W[2] = np.zeros_like(c.W[2])
    assert np.array_equal(c.Z[1], 2 * before) and not c.A[1].any() and not c.W[2].any()
    fresh = exercise.cache()
    assert np.array_equal(fresh.Z[1], before) and fresh.A[1].any() and fresh.W[2].any()


@pytest.mark.parametrize("key", ["Z1", "Z[1]", "Z_1", ("Z", 1)])
def test_mapping_access_by_layer_name(key) -> None:
    c = Exercise("rojas").cache()
    assert c[key] is c.Z[1]
    c[key] = np.ones((4, 400))
    assert c.Z[1].sum() == 1600


def test_mapping_access_by_whole_name() -> None:
    c = Exercise("rojas").cache()
    assert c["W"][1] is c.W[1] and c["X"] is c.X is c["A0"] and c["m"] == 400 and c["L"] == 2
    assert "Z2" in c and "Z3" not in c and "Q1" not in c
    assert set(c.keys()) >= {"X", "Y", "W", "b", "Z", "A", "m", "L"}


@pytest.mark.parametrize("key, words", [
    ("Z3", "cache['Z3']: there is no Z[3]: layers 1..2"),
    ("W0", "cache['W0']: there is no W[0]: layers 1..2"),
    ("dZ1", "cache['dZ1']: not in the cache; it holds X, Y"),
    ("weights", "cache['weights']: not in the cache"),
])
def test_a_wrong_key_says_what_the_cache_holds(key, words) -> None:
    c = Exercise("rojas").cache()
    with pytest.raises(KeyError) as failure:
        c[key]
    assert words in str(failure.value)


def test_m_cannot_be_set() -> None:
    c = Exercise("rojas").cache()
    with pytest.raises(KeyError, match="m follows from the arrays"):
        c["m"] = 3


def test_a_backprop_that_changes_its_cache_in_place_is_graded_on_autodiffs_numbers(
        section6) -> None:
    def vandal(c):
        right = {f"{g}[{l}]": v.copy() for (g, l), v in reference(c.forward_cache()).items()
                 if l > 0}
        for l in (1, 2):
            c.Z[l] *= 0
            c.A[l] *= 0
            c.W[l] *= 0
        return right

    assert grade(vandal, *section6).ok
    assert grade(vandal, *section6).ok  # and again: the first call changed nothing kept
