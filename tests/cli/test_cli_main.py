"""The ``backprop`` command as a whole: help everywhere, argparse errors (exit 2, a message, no
traceback), ``python -m nn`` and the console script."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nn.cli import main

COMMANDS = ("demo", "check", "errata", "graph", "train")
REPO = Path(__file__).resolve().parents[2]


def test_top_level_help_lists_every_command_and_exits_0(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: backprop")
    for command in COMMANDS:
        assert f"\n    {command} " in out
    assert "examples:" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_a_description_and_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: backprop {command}")
    description = out.split("\n\n")[1]
    assert description.strip() and not description.startswith(("options", "usage"))
    examples = out.split("examples:\n", 1)[1]
    assert f"  backprop {command}" in examples


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("backprop ")


BAD = [
    (["check", "--sizes", "2,x,1"], "argument --sizes: expected comma-separated positive"),
    (["check", "--sizes", "2,0,1"], "argument --sizes: expected comma-separated positive"),
    (["check", "--sizes", "3"], "--sizes needs at least two layer widths"),
    (["check", "--hidden", "swish"], "argument --hidden: invalid choice: 'swish'"),
    (["check", "--output", "tanh"], "--loss binary_cross_entropy needs probabilities"),
    (["check", "--loss", "hinge"], "argument --loss: invalid choice: 'hinge'"),
    (["check", "--m", "0"], "argument --m: expected a positive integer, got '0'"),
    (["check", "--rtol", "-1"], "argument --rtol: expected a number >= 0"),
    (["check", "--formulation", "nobody"], "argument --formulation: invalid choice"),
    (["graph", "-o", "graph.jpg"], "the file name must end in .svg, .png, .pdf"),
    (["graph", "--rankdir", "UP"], "argument --rankdir: invalid choice"),
    (["train", "--data", "iris"], "argument --data: invalid choice: 'iris'"),
    (["train", "--optimizer", "adam", "--momentum", "0.9"], "--momentum applies to"),
    (["train", "--save", "model.pkl"], "argument --save: 'model.pkl': the file name must end"),
    (["train", "--batch-size", "0"], "expected a positive integer or 'full', got '0'"),
    (["train", "--test-fraction", "1"], "argument --test-fraction: expected a number in [0, 1)"),
    (["train", "--lr", "fast"], "argument --lr: expected a positive number, got 'fast'"),
    (["errata", "--document", "004"], "argument --document: invalid choice: '004'"),
    (["errata", "--markdown", "--json"], "not allowed with argument"),
    (["demo", "--steps", "-1"], "argument --steps: expected an integer >= 0"),
    (["demo", "--hidden-units", "0"], "argument --hidden-units: expected a positive integer"),
    (["fly"], "invalid choice: 'fly'"),
    ([], "the following arguments are required: COMMAND"),
]


@pytest.mark.parametrize("argv, message", BAD, ids=[" ".join(a) or "nothing" for a, _ in BAD])
def test_bad_options_are_argparse_errors_with_exit_status_2(argv, message, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "usage: backprop" in captured.err
    assert message in captured.err
    assert "Traceback" not in captured.err


def _run(args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=env, **kwargs)


def test_python_dash_m_nn_runs_the_same_command():
    result = _run([sys.executable, "-m", "nn", "--help"], cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: backprop [-h]")
    result = _run([sys.executable, "-m", "nn", "check", "--sizes", "nope"], cwd=REPO)
    assert result.returncode == 2
    assert "backprop check: error: argument --sizes" in result.stderr
    assert "Traceback" not in result.stderr


def _console_script() -> str | None:
    beside = Path(sys.executable).with_name("backprop")
    return str(beside) if beside.exists() else shutil.which("backprop")


@pytest.mark.skipif(_console_script() is None,
                    reason="the backprop console script is not installed (pip install -e .)")
def test_backprop_console_script(tmp_path):
    result = _run([_console_script(), "check", "--m", "4"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "backprop check: MLP [2, 4, 1]" in result.stdout
    assert "OK: rojas, wichmann" in result.stdout
