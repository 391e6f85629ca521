"""Grade a learner's own backprop against autodiff: ``grade(fn, model, X, Y, loss)``.

``grader`` compares and finds the first error, ``diagnosis`` names the slip, ``names`` the
accepted names and notations, ``rules`` the backward steps and the learner's ``Cache``.
"""

from .grader import GradeReport, Line, grade, grade_cache
from .names import NOTATIONS
from .planted import SLIPS, plant
from .rules import Cache, reference

__all__ = ["NOTATIONS", "SLIPS", "Cache", "GradeReport", "Line", "grade", "grade_cache", "plant",
           "reference"]
