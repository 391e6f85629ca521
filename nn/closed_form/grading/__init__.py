"""Grade a learner's own backprop against autodiff: ``grade(fn, model, X, Y, loss)``.

``grader`` compares and finds the first error, ``diagnosis`` names the slip, ``names`` the
accepted names and notations, ``rules`` the backward steps and the learner's ``Cache``;
``exercise`` is the checker that the exercise notebooks run (``Exercise(level).check(...)``),
``levels`` what each of the three levels asks, ``notebook`` the notebook writer.
"""

from .exercise import Exercise
from .grader import GradeReport, Line, Unreadable, grade, grade_cache
from .names import NOTATIONS
from .planted import SLIPS, plant
from .rules import Cache, reference, written_in

__all__ = ["NOTATIONS", "SLIPS", "Cache", "Exercise", "GradeReport", "Line", "Unreadable",
           "grade", "grade_cache", "plant", "reference", "written_in"]
