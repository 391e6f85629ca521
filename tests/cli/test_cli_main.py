"""The ``backprop`` command as a whole: help everywhere, the exit statuses, argparse errors
(exit 2, a message, no traceback), expected failures (exit 1, one line), ``python -m nn`` and
the console script."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nn
import nn.cli.check
import nn.cli.common
import nn.cli.demo
import nn.cli.graph
import nn.cli.steps
import nn.cli.train
import nn.closed_form.errata.report
from nn.cli import build_parser, main
from nn.training import History, NonFiniteLossError

COMMANDS = ("demo", "check", "errata", "graph", "train", "steps", "explain", "grade", "exercise")
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
    (["check", "--m", "0"], "argument --m: expected a positive integer of at most 50,000,000"),
    (["check", "--m", "50000001"], "argument --m: expected a positive integer of at most"),
    (["check", "--sizes", "2,50000001"], "argument --sizes: expected widths of at most 50,000"),
    (["check", "--sizes", ",".join(["2"] * 1001)], "argument --sizes: expected at most 1,000"),
    (["check", "--sizes", "100000,100000,1", "--m", "100000"],
     "--sizes 100000,100000,1 with --m 100000 needs 10,000,200,001 weights and 20,000,100,000 "
     "activation values, about 1,920.0 GB of memory; the limit is 50,000,000 values"),
    (["graph", "--sizes", "2,10000,10000,1"], "use smaller --sizes or --m"),
    (["check", "--atol", "inf"], "argument --atol: expected a number >= 0, got 'inf'"),
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
    (["train", "--lr", "nan"], "argument --lr: expected a positive number, got 'nan'"),
    (["train", "--momentum", "1"], "argument --momentum: expected a number in [0, 1), got '1'"),
    (["train", "--epochs", "-1"], "argument --epochs: expected an integer from 0 to 100,000,000"),
    (["train", "--epochs", "100000001"], "(more would run for hours or days)"),
    (["train", "--sizes", "100000000"], "argument --sizes: expected widths of at most"),
    (["train", "--data", "digits", "--sizes", "100000"],
     "--sizes 100000 on --data digits (1797 examples) needs"),
    (["train", "--test-fraction", "0.9999"],
     "--test-fraction 0.9999 leaves none of the 400 examples of flower for training"),
    (["errata", "--document", "004"], "argument --document: invalid choice: '004'"),
    (["errata", "--markdown", "--json"], "not allowed with argument"),
    (["demo", "--steps", "-1"], "argument --steps: expected an integer from 0 to 100,000,000"),
    (["demo", "--hidden-units", "0"], "argument --hidden-units: expected an integer from 1 to"),
    (["demo", "--hidden-units", "10001"], "from 1 to 10,000 (a wider layer only slows"),
    (["demo", "--lr", "0"], "argument --lr: expected a positive number, got '0'"),
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


SEEDED = ("demo", "check", "errata", "graph", "train")


@pytest.mark.parametrize("seed", ["-1", "4294967296", "1.5", "two"])
@pytest.mark.parametrize("command", SEEDED)
def test_every_seed_option_takes_numpys_range_only(command, seed, capsys):
    assert main([command, "--seed", seed]) == 2
    err = capsys.readouterr().err
    assert (f"argument --seed: expected an integer from 0 to 4294967295 (NumPy's seeds), "
            f"got '{seed}'") in err
    assert "Traceback" not in err


def test_the_largest_seed_is_taken(capsys):
    assert main(["check", "--seed", "4294967295"]) == 0
    assert main(["train", "--seed", "4294967295", "--epochs", "1", "--no-progress"]) == 0


def _subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


# option types that take any value of their kind: each one's run must handle what it gets
UNCHECKED_TYPES_ALLOWED = {("demo", "--out"), ("train", "--load")}  # folders and files


def test_every_option_value_is_checked_by_argparse():
    """No option takes a bare int, float or str: each has a checking type= or choices=, or
    is a flag; a bare Path is allowed where the command reports its errors (listed)."""
    commands = _subparsers()
    assert set(commands) == set(COMMANDS)
    for name, parser in commands.items():
        for action in parser._actions:
            if not action.option_strings or action.nargs == 0:  # positionals, flags, --help
                continue
            option = max(action.option_strings, key=len)
            if (name, option) in UNCHECKED_TYPES_ALLOWED:
                continue
            assert action.choices is not None or action.type not in (None, int, float, str), \
                f"backprop {name} {option} takes any {action.type}: give it a checking type="


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_documents_its_exit_statuses(command, capsys):
    assert main([command, "--help"]) == 0
    epilog = capsys.readouterr().out.split("exit status:\n", 1)[1]
    for line in ("  0   success", "  1   failure: a file", "  2   usage error", "  130 "):
        assert line in epilog
    assert ("  3   an applicable closed-form formulation disagrees" in epilog) == \
        (command in ("check", "demo"))


def test_the_module_docstring_documents_the_exit_statuses():
    import nn.cli

    doc = nn.cli.__doc__
    for line in ("0    success", "1    failure", "2    usage error", "3    ``check`` or ``demo``"):
        assert line in doc


# a function each command calls early, made to fail: (module, attribute)
FIRST_CALL = {
    "check": (nn.cli.check, "random_network"),
    "graph": (nn.cli.graph, "random_network"),
    "train": (nn.cli.train, "load_data"),
    "demo": (nn, "flower"),
    "errata": (nn.closed_form.errata.report, "evidence"),
    "steps": (nn.cli.steps, "random_network"),
    "explain": (nn.cli.steps, "random_network"),
}
ARGV = {"demo": ["--no-progress", "--steps", "1"], "train": ["--no-progress"],
        "explain": ["dW[2]", "0,0"]}
FAILURES = [
    (MemoryError("Unable to allocate 74.5 GiB for an array with shape (100000, 100000)"),
     "out of memory (Unable to allocate 74.5 GiB for an array with shape (100000, 100000)): "),
    (PermissionError(13, "Permission denied"),
     "[Errno 13] Permission denied: check the path, its folder and their permissions"),
    (ValueError("MLP: something the checks missed"),
     "MLP: something the checks missed (the options passed backprop's checks but the library "
     "refused them: try other values, and please report this as a bug)"),
]


@pytest.mark.parametrize("failure, message", FAILURES,
                         ids=[type(f).__name__ for f, _ in FAILURES])
@pytest.mark.parametrize("command", FIRST_CALL)  # grade: the learner's errors, tests/grading
def test_an_expected_failure_is_one_line_with_exit_status_1(command, failure, message,
                                                            monkeypatch, tmp_path, capsys):
    def fail(*args, **kwargs):
        raise failure

    monkeypatch.chdir(tmp_path)  # demo writes its folder here
    monkeypatch.setattr(*FIRST_CALL[command], fail)
    assert main([command, *ARGV.get(command, [])]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"backprop: error: {message}") and err.count("\n") == 1, err


@pytest.mark.parametrize("command, hint", [
    ("check", "use smaller --sizes or --m"), ("graph", "use smaller --sizes or --m"),
    ("train", "use smaller --sizes or --batch-size"), ("demo", "use a smaller --hidden-units"),
    ("errata", "close other programs and run it again"),
])
def test_out_of_memory_says_what_to_make_smaller(command, hint, monkeypatch, tmp_path, capsys):
    def fail(*args, **kwargs):
        raise MemoryError

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(*FIRST_CALL[command], fail)
    assert main([command, *ARGV.get(command, [])]) == 1
    assert capsys.readouterr().err == f"backprop: error: out of memory: {hint}\n"


def test_a_real_allocation_failure_is_one_line(monkeypatch, capsys):
    """With the memory check lifted, NumPy's own ArrayMemoryError (80 petabytes, more than
    any address space) reaches main and becomes one line."""
    monkeypatch.setattr(nn.cli.common, "MAX_VALUES", 10**30)
    assert main(["check", "--sizes", "100000000,100000000", "--m", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backprop: error: out of memory (Unable to allocate ")
    assert err.endswith("): use smaller --sizes or --m\n")


@pytest.mark.parametrize("cause, hint", [
    ("diverged", "the learning rate 3 may be too large: try a smaller --lr"),
    ("data", "the data hold NaN or inf values"),
    ("start", "the initial parameters already give it: try another --seed"),
])
@pytest.mark.parametrize("command", ["demo", "train"])
def test_a_non_finite_loss_is_one_line_naming_epoch_step_value_and_hint(command, cause, hint,
                                                                        monkeypatch, tmp_path,
                                                                        capsys):
    def diverge(*args, **kwargs):
        raise NonFiniteLossError("fit: ...", epoch=7, step=13, loss=float("inf"),
                                 quantity="loss", cause=cause, lr=3.0, history=History())

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nn, "fit", diverge)
    assert main([command, *ARGV.get(command, [])]) == 1
    assert capsys.readouterr().err == (f"backprop: error: training stopped: the loss is inf at "
                                       f"epoch 7, step 13; {hint}\n")


def test_an_output_encoding_that_cannot_print_is_one_line(monkeypatch, capsys):
    def unprintable(*args, **kwargs):
        "→".encode("ascii")

    monkeypatch.setattr(nn.cli.check, "random_network", unprintable)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == ("backprop: error: cannot print in this output's encoding "
                                       "(ascii): set PYTHONIOENCODING=utf-8\n")


def test_a_bug_keeps_its_traceback(monkeypatch):
    """Only the expected failures become one line: anything else is a bug to report."""
    def bug(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr(nn.cli.check, "random_network", bug)
    with pytest.raises(TypeError, match="a bug"):
        main(["check"])


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
