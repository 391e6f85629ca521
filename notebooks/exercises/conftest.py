"""The blank exercise notebooks' checks fail by design (nothing is written yet), so nbmake does
not run them as ordinary notebooks: tests/grading/test_exercises.py runs each one, expecting
every check cell to fail with the grader's message. The solved ones run here like any other.
Both are written by ``backprop exercise --level all --out notebooks/exercises --force`` (add
``--solved --execute`` for the solved ones)."""

collect_ignore_glob = ["*_exercise.ipynb"]
