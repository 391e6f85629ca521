"""The course notebooks (``notebooks/*.ipynb``): each one says what it is for and what the
learner will be able to do, has a task with a check and a summary; its answer cells ship
unanswered (the committed outputs say "not done yet"), are exactly ``nn.lesson.blank`` of the
solved cells in ``notebooks/SOLUTIONS.md``; and it runs with those solutions filled in, every
check then saying "correct". (nbmake runs each one as shipped.)"""

import re
from pathlib import Path

import nbformat
import pytest

from nn.lesson import NOT_DONE, blank, solutions

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"), key=lambda p: (len(p.name.split("_")[0]), p.name))
SOLUTIONS = solutions((FOLDER / "SOLUTIONS.md").read_text(encoding="utf-8"))
CHECK = re.compile(r"^\s*check\(", re.M)


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _answer_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"
            and c.metadata.get("nbgrader", {}).get("solution")]


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


def _marks(text: str) -> list[str]:
    return re.findall(r"^([✓✗○]) ", text, re.M)


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def course(request):
    return request.param


def test_the_numbered_notebooks_run_from_1_without_gaps() -> None:
    numbers = sorted(int(p.name.split("_")[0]) for p in NOTEBOOKS if p.name[0].isdigit())
    assert numbers == list(range(1, len(numbers) + 1))


def test_notebook_teaches(course: Path) -> None:
    nb = _read(course)
    intro = nb.cells[0].source
    assert "**What this notebook is for.**" in intro and "**After it you can**" in intro, (
        f"{course.name}: the first cell says what the notebook is for and what the learner "
        "will be able to do")
    headings = [line for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("## ")]
    assert "## Your turn" in headings and headings[-1] == "## Summary", (course.name, headings)


def test_answer_cells_are_the_blanked_solutions_and_a_check_follows(course: Path) -> None:
    nb = _read(course)
    answers = _answer_cells(nb)
    assert answers, f"{course.name} has no answer cell"
    for cell in answers:
        gid = cell.metadata["nbgrader"]["grade_id"]
        assert gid in SOLUTIONS, f"{course.name}: no solution for {gid!r} in SOLUTIONS.md"
        assert cell.source.strip() == blank(SOLUTIONS[gid]).strip(), (
            f"{course.name}: the answer cell {gid!r} is not blank() of its solution")
        after = nb.cells[nb.cells.index(cell) + 1:]
        assert any(c.cell_type == "code" and CHECK.search(c.source) for c in after), gid


def test_every_solution_belongs_to_one_answer_cell() -> None:
    ids = [c.metadata["nbgrader"]["grade_id"] for p in NOTEBOOKS for c in _answer_cells(_read(p))]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(SOLUTIONS)


def test_committed_checks_say_not_done_yet(course: Path) -> None:
    checks = [c for c in _read(course).cells if c.cell_type == "code" and CHECK.search(c.source)]
    for cell in checks:
        text = _text(cell)
        assert NOT_DONE in text and set(_marks(text)) == {"○"}, (course.name, cell.source, text)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_notebook_runs_with_its_solutions_filled_in(course: Path) -> None:
    from nbclient import NotebookClient

    nb = _read(course)
    for cell in _answer_cells(nb):
        cell.source = SOLUTIONS[cell.metadata["nbgrader"]["grade_id"]]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(FOLDER)}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and CHECK.search(c.source)]
    marks = [mark for c in checks for mark in _marks(_text(c))]
    assert marks and set(marks) == {"✓"}, (
        course.name, [_text(c) for c in checks if set(_marks(_text(c))) != {"✓"}])
