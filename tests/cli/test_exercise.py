"""``backprop exercise``: the notebooks it writes, --solved, --level all, a learner's work kept
unless --force, bad folders as one line, --help."""

from __future__ import annotations

import nbformat
import pytest

from nn.cli import main
from nn.closed_form.grading.notebook import notebook


def _sources(path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells]


def test_writes_the_blank_rojas_notebook_by_default(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["exercise"]) == 0
    out = capsys.readouterr().out
    assert "wrote rojas_exercise.ipynb" in out and "jupyter lab rojas_exercise.ipynb" in out
    assert _sources(tmp_path / "rojas_exercise.ipynb") == [
        cell.source for cell in notebook("rojas").cells]


@pytest.mark.parametrize("solved, name", [(False, "exercise"), (True, "solved")])
def test_level_all_writes_one_notebook_per_level(tmp_path, solved, name, capsys) -> None:
    argv = ["exercise", "--level", "all", "--out", str(tmp_path / "new" / "folder")]
    assert main(argv + (["--solved"] if solved else [])) == 0
    written = sorted(path.name for path in (tmp_path / "new" / "folder").iterdir())
    assert written == sorted(f"{level}_{name}.ipynb" for level in ("rojas", "zhang", "blog",
                                                                    "wichmann", "softmax",
                                                                    "lab"))
    text = (tmp_path / "new" / "folder" / f"blog_{name}.ipynb").read_text()
    assert ("### BEGIN SOLUTION" in text) == solved
    assert ("raise NotImplementedError()" in text) != solved


def test_an_existing_notebook_is_kept_unless_force(tmp_path, capsys) -> None:
    work = tmp_path / "zhang_exercise.ipynb"
    work.write_text("my work")
    argv = ["exercise", "--level", "zhang", "--out", str(tmp_path)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("backprop: error: ") and "already exists (it may hold your work)" in err
    assert "--force" in err and work.read_text() == "my work"
    assert main([*argv, "--force"]) == 0
    assert "my work" not in work.read_text()


def test_out_that_is_a_file_is_one_line(tmp_path, capsys) -> None:
    (tmp_path / "file").write_text("")
    assert main(["exercise", "--out", str(tmp_path / "file")]) == 1
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err


def test_out_that_cannot_be_created_is_one_line(tmp_path, capsys) -> None:
    (tmp_path / "file").write_text("")
    assert main(["exercise", "--out", str(tmp_path / "file" / "below")]) == 1
    err = capsys.readouterr().err
    assert "cannot create the output folder" in err and "Traceback" not in err


def test_unknown_level_is_a_usage_error(capsys) -> None:
    assert main(["exercise", "--level", "hinton"]) == 2
    assert "argument --level: invalid choice: 'hinton'" in capsys.readouterr().err


def test_help_describes_the_levels_and_gives_examples(capsys) -> None:
    assert main(["exercise", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: backprop exercise")
    for words in ("rojas   Rojas's vectorized form", "zhang   Zhang's per-example δ",
                  "blog    the blog's explicit Jacobians", "nbgrader", "--solved",
                  "  backprop exercise --level rojas", "(default: rojas)"):
        assert words in out, words
    assert main(["--help"]) == 0
    assert "\n    exercise " in capsys.readouterr().out


def test_execute_runs_the_solved_notebook_with_every_check_passing(tmp_path, capsys) -> None:
    pytest.importorskip("nbclient")
    assert main(["exercise", "--level", "blog", "--solved", "--execute", "--out",
                 str(tmp_path)]) == 0
    nb = nbformat.read(tmp_path / "blog_solved.ipynb", as_version=4)
    checks = [cell for cell in nb.cells if cell.metadata["nbgrader"]["grade"]]
    assert all(cell.outputs[0].text.startswith("✓ ") for cell in checks)
