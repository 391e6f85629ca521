"""README.md stays true: its library example runs, and CI runs its two commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_library_examples_run_in_order(tmp_path, monkeypatch, capsys):
    library, compiled = re.findall(r"```python\n(.*?)```", README, re.S)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(library, "README.md", "exec"), namespace)
    assert "(4, 400) (4, 2)" in capsys.readouterr().out
    assert (tmp_path / "graph.svg").read_text().lstrip().startswith("<?xml")
    before = namespace["model"].W[1].data.copy()
    exec(compile(compiled, "README.md", "exec"), namespace)  # the compiled mode, on that model
    assert "def forward(" in capsys.readouterr().out
    assert not (namespace["model"].W[1].data == before).all()  # the replays trained it
    assert len(namespace["train_step"].plans) == 1


def test_ci_runs_the_two_commands_exactly_as_written():
    (block,) = re.findall(r"## Two commands\n\n```bash\n(.*?)```", README, re.S)
    commands = block.strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci.splitlines(), command
