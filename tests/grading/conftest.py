"""What the grading tests share: the section-6 network the grader and the exercises use by
default, a right ``backprop(cache)`` file, and a level's functions as a learner writes them."""

import numpy as np
import pytest

from nn.closed_form.grading import Exercise
from nn.closed_form.grading.exercise import section6 as build_section6

# A learner's file for ``backprop grade``: all eight quantities, right.
RIGHT = """
def backprop(c):
    dA2 = (c.A[2] - c.Y) / (c.A[2] * (1 - c.A[2])) / c.m
    dZ2 = (c.A[2] - c.Y) / c.m
    dA1 = c.W[2].T @ dZ2
    dZ1 = dA1 * (1 - c.A[1] ** 2)
    return {"dA2": dA2, "dZ2": dZ2, "dW2": dZ2 @ c.A[1].T, "db2": dZ2.sum(1, keepdims=True),
            "dA1": dA1, "dZ1": dZ1, "dW1": dZ1 @ c.X.T, "db1": dZ1.sum(1, keepdims=True)}
"""


def learner_functions(level: str, **written: str) -> tuple[Exercise, list]:
    """The level's solved functions, with some replaced by a learner's ``written`` source."""
    exercise = Exercise(level)
    namespace: dict = {"np": np}
    for task in exercise.level.tasks:
        exec(written.get(task.name, task.cell), namespace)
    return exercise, [namespace[name] for name in exercise.names]


@pytest.fixture(scope="module")
def section6() -> tuple:
    return build_section6()
