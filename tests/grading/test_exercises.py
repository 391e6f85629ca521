"""The exercise notebooks: nbgrader's cell metadata, the committed files equal what the writer
writes, a blank notebook runs in a kernel with every check failing with the grader's message,
the solved one passes, and a learner's usual mistakes get the diagnosis that leads to the fix."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from nn.closed_form.grading import Exercise
from nn.closed_form.grading.levels import LEVELS
from nn.closed_form.grading.notebook import STUB, blank, file_name, notebook, write

from .conftest import learner_functions

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks" / "exercises"


def kind(cell) -> str:
    meta = cell.metadata["nbgrader"]
    return "answer" if meta["solution"] else "check" if meta["grade"] else "given"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("solved", [False, True])
def test_cells_carry_nbgrader_metadata(level, solved) -> None:
    nb = notebook(level, solved)
    nbformat.validate(nb)
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells]
    assert len(ids) == len(set(ids)) and ids == [cell["id"] for cell in nb.cells]
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        assert meta["schema_version"] == 3
        if kind(cell) == "answer":
            assert meta == {"solution": True, "grade": False, "locked": False,
                            "grade_id": meta["grade_id"], "schema_version": 3}
            assert cell.cell_type == "code" and "editable" not in cell.metadata
        elif kind(cell) == "check":
            assert meta["locked"] and meta["points"] == 1 and not meta["solution"]
            assert cell.source.startswith("exercise.check(")
        else:
            assert meta["locked"] and not meta["grade"] and "points" not in meta
        if kind(cell) != "answer":
            assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False


@pytest.mark.parametrize("level", LEVELS)
def test_one_answer_and_one_check_per_quantity_in_backward_order(level) -> None:
    nb = notebook(level)
    names = [task.name for task in LEVELS[level].tasks]
    kinds = [kind(cell) for cell in nb.cells]
    assert kinds.count("answer") == kinds.count("check") == len(names)
    answers = [cell for cell in nb.cells if kind(cell) == "answer"]
    checks = [cell for cell in nb.cells if kind(cell) == "check"]
    for n, (answer, check) in enumerate(zip(answers, checks)):
        assert answer.source.startswith(f"def {names[n]}(c, d):")
        assert nb.cells[nb.cells.index(answer) + 1] is check  # the check right after
        assert check.source == f"exercise.check({', '.join(names[:n + 1])})"
    setup = nb.cells[1].source
    assert f'Exercise("{level}")' in setup and "Z2 = c.W[2] @ A1 + c.b[2]" in setup


@pytest.mark.parametrize("level", LEVELS)
def test_blank_is_the_solved_with_solutions_cleared_as_nbgrader_does(level) -> None:
    solved, empty = notebook(level, True), notebook(level, False)
    for full, cleared in zip(solved.cells, empty.cells):
        if kind(full) == "answer":
            assert "### BEGIN SOLUTION" in full.source and "### END SOLUTION" in full.source
            assert "SOLUTION" not in cleared.source and STUB.splitlines()[1] in cleared.source
            assert cleared.source == blank(full.source).rstrip("\n")
        else:
            assert cleared.source == full.source


def test_blank_keeps_the_indentation_of_the_region() -> None:
    source = "def f(c, d):\n    x = 1\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert blank(source) == ("def f(c, d):\n    x = 1\n    # YOUR CODE HERE\n"
                             "    raise NotImplementedError()\n")


def _cells(nb) -> list:
    return [(cell.cell_type, cell["id"], cell.source,
             {k: v for k, v in cell.metadata.items() if k != "execution"}) for cell in nb.cells]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("solved", [False, True])
def test_committed_notebook_is_what_the_writer_writes(level, solved) -> None:
    committed = nbformat.read(FOLDER / file_name(level, solved), as_version=4)
    assert _cells(committed) == _cells(notebook(level, solved)), (
        "regenerate: backprop exercise --level all --out notebooks/exercises --force "
        "(and --solved --execute)")
    code = [cell for cell in committed.cells if cell.cell_type == "code"]
    if solved:  # committed executed, every check passed
        assert all(cell.outputs for cell in code if kind(cell) == "check")
        assert not any(out.output_type == "error" for cell in code for out in cell.outputs)
    else:
        assert not any(cell.outputs for cell in code)


def test_write_is_deterministic(tmp_path) -> None:
    first = write("zhang", tmp_path / "a.ipynb").read_text()
    assert write("zhang", tmp_path / "b.ipynb").read_text() == first
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "a.ipynb").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown level 'hinton'; expected one of"):
        notebook("hinton")
    with pytest.raises(ValueError, match="unknown level"):
        Exercise("hinton")


@pytest.mark.parametrize("level", LEVELS)
def test_blank_notebook_runs_in_a_kernel_and_every_check_fails_with_the_graders_message(
        level, tmp_path) -> None:
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(FOLDER / file_name(level, False), as_version=4)
    nbclient.NotebookClient(nb, timeout=60, allow_errors=True, record_timing=False,
                            resources={"metadata": {"path": str(FOLDER)}}).execute()
    exercise = Exercise(level)
    names = iter(exercise.names)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [out for out in cell.outputs if out.output_type == "error"]
        if kind(cell) != "check":
            assert not errors, (cell.source, errors)
            continue
        name = next(names)
        (error,) = errors
        assert error.ename == "AssertionError"
        assert error.evalue.startswith(f"{name} is not written yet: replace raise "
                                       f"NotImplementedError() with your code; expected "
                                       f"{exercise.expected(name)}")
        progress = error.evalue.splitlines()[1]
        assert name in progress.split("not written yet: ")[1].split(", ")
        assert error.evalue.splitlines()[1].startswith(f"{level}: 0 of {len(exercise.names)} "
                                                       f"right")
    assert next(names, None) is None



@pytest.mark.parametrize("level", LEVELS)
def test_solved_functions_pass_every_check(level, capsys) -> None:
    exercise, functions = learner_functions(level)
    for n in range(1, len(functions) + 1):
        exercise.check(*functions[:n])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" is right")[0] for line in lines[::2]] == [f"✓ {n}"
                                                                  for n in exercise.names]
    total = len(exercise.names)
    assert lines[1::2] == [f"{level}: {n} of {total} right" for n in range(1, total + 1)]
    report, raised = exercise.report(*functions)
    assert report.ok and not raised


def check_fails(level: str, upto: str, **written: str) -> str:
    exercise, functions = learner_functions(level, **written)
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:exercise.names.index(upto) + 1])
    return str(failure.value).split("\n")[0]


# A new user's mistakes, each with the first line of what the check cell says.
MISTAKES = [
    ("rojas", "dTheta2", {"dTheta2": "def dTheta2(c, d):\n    return d['dZ2'] @ c.A[1].T\n"},
     "dTheta2 is wrong: off by a factor m = 400 (the 1/m of J is missing)"),
    ("rojas", "dZ1", {"dZ1": "def dZ1(c, d):\n    return d['dA1']\n"},
     "dZ1 is wrong: the activation derivative is missing: dZ = dA, without ⊙ α'(Z)"),
    ("rojas", "dA1", {"dA1": "def dA1(c, d):\n    return c.W[2] @ d['dZ2']\n"},
     "dA1 raised ValueError: matmul: Input operand 1 has a mismatch"),
    ("rojas", "dA1", {"dA1": "def dA1(c, d):\n    return d['dZ2'].T @ c.W[2]\n"},
     "dA1 is wrong: got shape (400, 4); expected a float array of shape (4, 400), m·∂J/∂A[1] "
     "(Rojas's dA: no 1/m): transposed"),
    ("rojas", "dZ2", {"dZ2": "def dZ2(c, d):\n    return d['dA2'] / (1 + np.exp(-c.Z[2]))\n"},
     "dZ2 is wrong: α(Z) where α'(Z) belongs: Rojas's (C) as printed"),
    ("rojas", "db1", {"db1": "def db1(c, d):\n    return d['dZ1'].sum(axis=0, keepdims=True)"
                             " / c.m\n"},
     "db1 is wrong: got shape (1, 400)"),
    ("rojas", "dTheta1", {"dTheta1": "def dTheta1(c, d):\n    return d['dZ1'] @ c.A[1].T / c.m\n"},
     "dTheta1 is wrong: got shape (4, 4)"),
    ("rojas", "dZ1", {"dA1": "def dA1(c, d):\n    return c.W[2].T @ d['dZ2'] / c.m\n"},
     "dZ1 is wrong only because dA1 is: it is the right step from your dA1, so fix dA1 first"),
    ("zhang", "delta2", {"delta2": "def delta2(c, d):\n    out = np.zeros_like(c.Z[2])\n"
                                   "    for k in range(c.m):\n"
                                   "        out[:, k] = d['sum_W_delta2'][:, k]\n    return out\n"},
     "delta2 is wrong: the activation derivative is missing"),
    ("zhang", "dW2", {"dW2": "def dW2(c, d):\n    out = np.zeros_like(c.W[2])\n"
                             "    for k in range(c.m):\n"
                             "        out += np.outer(d['delta2'][:, k], c.A[1][:, k])\n"
                             "    return out\n"},
     "dW2 is wrong: off by a factor m = 400"),
    ("blog", "db1", {"db1": "def db1(c, d):\n    f = (1 - c.A[1] ** 2).mean(axis=1)\n"
                            "    return np.diag(f) @ c.W[2].T @ d['db2']\n"},
     "db1 is wrong: the blog's per-sample recursion run on averages"),
    ("blog", "dW1", {"dW1": "def dW1(c, d):\n    return d['db1'] @ c.X.mean(axis=1, keepdims=True)"
                            ".T\n"},
     "dW1 is wrong: the blog's per-sample formula on averages"),
    ("blog", "dg_dz2", {"dg_dz2": "def dg_dz2(c, d):\n    out = np.zeros_like(c.Z[2])\n"},
     "dg_dz2 is wrong: got None (not computed yet, or a missing return?)"),
]


@pytest.mark.parametrize("level, upto, written, message", MISTAKES,
                         ids=[f"{m[0]}-{m[1]}-{n}" for n, m in enumerate(MISTAKES)])
def test_a_learners_mistake_gets_the_diagnosis_that_leads_to_the_fix(level, upto, written,
                                                                     message) -> None:
    assert check_fails(level, upto, **written).startswith(message)


def test_a_shape_error_shows_the_shapes_at_hand() -> None:
    said = check_fails("rojas", "dA1", dA1="def dA1(c, d):\n    return c.W[2] @ d['dZ2']\n")
    assert ('(c.W[2] is (1, 4), d["dZ2"] is (1, 400), and dA1 should be (4, 400))' in said)
    assert re.search(r"at line 2 of \S+", said)


def test_a_right_quantity_passes_though_an_earlier_one_is_wrong(capsys) -> None:
    exercise, functions = learner_functions(
        "rojas", dTheta2="def dTheta2(c, d):\n    return d['dZ2'] @ c.A[1].T\n")
    exercise.check(*functions[:4])  # db2 is right; dTheta2 is not
    assert capsys.readouterr().out.startswith("✓ db2 is right")
    with pytest.raises(AssertionError):
        exercise.check(*functions[:3])


def test_an_unwritten_function_is_replaced_by_the_right_values_for_the_next(capsys) -> None:
    exercise, functions = learner_functions("rojas", dZ2=blank(LEVELS["rojas"].tasks[1].cell))
    exercise.check(*functions[:3])  # dTheta2 from the right dZ2
    assert "rojas: 2 of 8 right; not written yet: dZ2" in capsys.readouterr().out
    report, raised = exercise.report(*functions[:3])
    assert list(raised) == ["dZ2"] and not report.ok


def test_bad_calls_to_check_say_what_to_pass() -> None:
    exercise, functions = learner_functions("rojas")
    with pytest.raises(TypeError, match=r"check needs your functions, in order: check\(dA2"):
        exercise.check()
    with pytest.raises(TypeError, match="this level has 8 quantities"):
        exercise.check(*functions, functions[0])
    with pytest.raises(TypeError, match=r"dZ2 is a int, not a function: define it with def "
                                        r"dZ2\(c, d\)"):
        exercise.check(functions[0], 3)


def test_the_cache_is_a_copy(capsys) -> None:
    exercise = Exercise("rojas")
    c = exercise.cache()
    c.A[2][:] = 0
    assert exercise.cache().A[2].min() > 0
    assert "dTheta2  shape (1, 4), ∂J/∂W[2] (Rojas's dΘ)" in str(exercise)


def test_the_message_quoted_in_the_readme_is_what_the_check_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (quoted,) = re.findall(r"^    AssertionError: (dZ1 is wrong: .*\n    .*)$", readme, re.M)
    exercise, functions = learner_functions("rojas", dZ1="def dZ1(c, d):\n    return d['dA1']\n")
    with pytest.raises(AssertionError) as failure:
        exercise.check(*functions[:6])
    assert str(failure.value) == quoted.replace("\n    ", "\n")  # the message and progress
