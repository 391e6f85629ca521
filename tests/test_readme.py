"""README.md stays true: its library example runs, and CI runs its two commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_library_example_runs(tmp_path, monkeypatch, capsys):
    (example,) = re.findall(r"```python\n(.*?)```", README, re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    assert "(4, 400) (4, 2)" in capsys.readouterr().out
    assert (tmp_path / "graph.svg").read_text().lstrip().startswith("<?xml")


def test_ci_runs_the_two_commands_exactly_as_written():
    (block,) = re.findall(r"## Two commands\n\n```bash\n(.*?)```", README, re.S)
    commands = block.strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci.splitlines(), command
