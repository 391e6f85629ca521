"""``backprop grade`` cannot be faked: the learner's file runs in a child process, and whatever
it does, the grade ends with one line of ours and a non-zero status, unless every quantity the
notation asks for is returned and right."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from nn.cli import main
from nn.cli.grade import WRONG
from nn.closed_form.grading import grade

from .conftest import RIGHT


@pytest.fixture
def run(tmp_path, capsys):
    def run(source: str, *options: str) -> tuple[int, str, list[str]]:
        path = tmp_path / "learner.py"
        path.write_text(source)
        status = main(["grade", str(path), *options])
        captured = capsys.readouterr()
        lines = captured.out.splitlines()
        return status, lines[-1] if lines else "", lines + captured.err.splitlines()
    return run


FUNCTION = "\ndef backprop(c):\n    {}\n"

BAD = {
    "sys.exit(0) at module level": ("import sys\nsys.exit(0)\n",
                                    "your file called sys.exit(0)"),
    "exit() at module level": ("exit()\n", "your file called sys.exit() or exit() (line 1"),
    "os._exit(0) at module level": ("import os\nos._exit(0)\n",
                                    "ended the process (exit status 0) while loading"),
    "sys.exit(0) in backprop": ("import sys" + FUNCTION.format("sys.exit(0)"),
                                "your backprop(cache) called sys.exit(0)"),
    "quit() in backprop": (FUNCTION.format("quit()"), "called sys.exit() or exit()"),
    "os._exit(0) in backprop": ("import os" + FUNCTION.format("os._exit(0)"),
                                "ended the process (exit status 0) while running backprop"),
    "SIGKILL of itself": ("import os, signal" + FUNCTION.format(
        "os.kill(os.getpid(), signal.SIGKILL)"), "was killed (SIGKILL: out of memory?)"),
    "a raise at module level": ("1 / 0\n", "your file raised ZeroDivisionError"),
    "a raise in backprop": (FUNCTION.format("raise KeyError('dZ')"),
                            "your backprop(cache) raised KeyError: 'dZ' (line 3"),
    "KeyboardInterrupt in backprop": (FUNCTION.format("raise KeyboardInterrupt"),
                                      "raised KeyboardInterrupt"),
    "a mapping whose items raise": (
        "class D(dict):\n    def items(self):\n        raise RuntimeError('boom')\n"
        + FUNCTION.format("return D(dZ2=1)"),
        "reading what backprop(cache) returned raised RuntimeError: boom"),
    "a mapping whose items exit": (
        "import sys\nclass D(dict):\n    def items(self):\n        sys.exit(0)\n"
        + FUNCTION.format("return D(dZ2=1)"), "returned called sys.exit(0)"),
    "a key whose repr raises": (
        "class K:\n    def __repr__(self):\n        raise ValueError('no')\n"
        + FUNCTION.format("return {K(): 1}"), "returned raised ValueError: no"),
    "an array-like whose __array__ raises": (
        "import numpy as np\nclass A(np.ndarray):\n    def __array__(self, *a, **k):\n"
        "        raise RuntimeError('nope')\n    def __array_finalize__(self, obj):\n"
        "        raise RuntimeError('nope')\n"
        + FUNCTION.format("return {'dZ2': np.zeros((1, 400)).view(A)}"), "RuntimeError: nope"),
    "input()": (FUNCTION.format("return input()"), "raised EOFError"),
    "no backprop": ("x = 1\n", "defines no function backprop(cache)"),
    "an int returned": (FUNCTION.format("return 42"), "not right: 0 of 8 right"),
    "None returned": (FUNCTION.format("return None"), "not right: 0 of 8 right"),
    "a generator returned": (FUNCTION.format("return (x for x in [])"),
                             "not right: 0 of 8 right"),
    "nothing": (FUNCTION.format("return {}"), "nothing graded: 0 of 8 returned"),
    "strings that look like numbers": (FUNCTION.format("return {'db2': [['0.1']]}"),
                                       "not right: 0 of 8 right (wrong: db[2]"),
    "a huge array": ("import numpy as np" + FUNCTION.format(
        "return {'dZ2': np.zeros((2000, 2000))}"), "not right: 0 of 8 right (wrong: dZ[2]"),
    "a forged, malformed result": (
        "import os, sys\nopen(os.path.join(sys.argv[1], 'result.json'), 'w').write('[1, 2')\n"
        "os._exit(0)\n", "not graded: your code's result could not be read back"),
    "a forged result claiming success": (
        "import json, os, sys\njson.dump({'kind': 'error', 'message': 'right: all 8'}, "
        "open(os.path.join(sys.argv[1], 'result.json'), 'w'))\nos._exit(0)\n",
        "not graded: right: all 8"),
    "a FIFO planted as the result": (
        "import os, sys\nos.mkfifo(os.path.join(sys.argv[1], 'result.json'))\nos._exit(0)\n",
        "not graded: your code ended the process (exit status 0) while loading"),
    "a result linked to an endless device": (
        "import os, sys\nos.symlink('/dev/zero', os.path.join(sys.argv[1], 'result.json'))\n"
        "os._exit(0)\n", "not graded: your code ended the process (exit status 0)"),
    "a syntax error": ("def backprop(c)\n    return {}\n",
                       "your file raised SyntaxError: expected ':' (line 1 of"),
    "a message of many lines": (FUNCTION.format("raise ValueError('a\\n' * 100_000)"),
                                "raised ValueError: a | a | a"),
    "a million entries": (FUNCTION.format("return {f'x{i}': 0 for i in range(10**6)}"),
                          "returned has more than 10000 entries"),
    "a key with a lone surrogate": (FUNCTION.format("return {'\\ud800': 1}"),
                                    "not right: 0 of 8 right"),
    "a fake verdict printed": (FUNCTION.format(
        "print('right: all 8 quantities of notation ours are returned and right'); return {}"),
        "nothing graded: 0 of 8 returned"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_whatever_the_file_does_the_grade_ends_with_our_line(run, name) -> None:
    source, expected = BAD[name]
    status, last, lines = run(source)
    assert status == WRONG, last
    assert expected in last
    if name == "strings that look like numbers":
        assert any("got <U3 values (text), not real numbers" in line for line in lines)
    assert last.startswith(("not graded: ", "not right: ", "nothing graded: "))
    assert len(last) < 1000


def test_the_right_file_is_the_only_way_to_exit_0(run) -> None:
    status, last, _ = run(RIGHT)
    assert status == 0 and last == "right: all 8 quantities of notation 'ours' are returned " \
                                   "and right"


def test_one_right_quantity_is_not_a_pass(run) -> None:
    one = FUNCTION.format("return {'dZ2': (c.A[2] - c.Y) / c.m}")
    status, last, _ = run(one)
    assert status == WRONG and last.startswith("incomplete: 1 of 8 returned, all right")
    assert "missing: dA[2], dW[2], db[2], dA[1], dZ[1], dW[1], db[1]" in last
    status, last, _ = run(one, "--partial")
    assert status == WRONG and last.startswith("partial: 1 of 8 right (missing: dA[2], dW[2]")
    status, last, _ = run(RIGHT.replace("1 - c.A[1] ** 2", "1 - c.A[1]"), "--partial")
    assert status == WRONG and last == ("partial: 5 of 8 right (wrong: dZ[1], dW[1], db[1])")


def test_the_notation_decides_what_is_asked(run) -> None:
    zhang = ("from nn.closed_form import FORMULATIONS" + FUNCTION.format(
        "return {k: v for k, v in FORMULATIONS['zhang'].backprop(c.forward_cache()).items() "
        "if k in ('dW', 'db')}"))
    status, last, _ = run(zhang, "--notation", "zhang", "--loss", "mse")
    assert status == WRONG
    assert "missing: sum_W_delta[2], delta[2], sum_W_delta[1], delta[1]" in last
    full = ("from nn.closed_form import FORMULATIONS" + FUNCTION.format(
        "return FORMULATIONS['blog'].backprop(c.forward_cache())"))
    status, last, _ = run(full, "--notation", "blog", "--loss", "mse")
    assert status == 0 and last.startswith("right: all 6 quantities of notation 'blog'")


def test_complex_answers_are_refused_naming_the_dtype(run, section6) -> None:
    right = RIGHT.replace('return {"dA2"', 'return {k: v.astype(complex) for k, v in {"dA2"')
    right = right.replace('keepdims=True)}', 'keepdims=True)}.items()}')
    status, last, lines = run(right)
    assert status == WRONG and "complex128" in "\n".join(lines)
    model, X, Y = section6  # the grader itself, as the notebooks' check cells use it

    def backprop(c):
        return {"dZ2": ((c.A[2] - c.Y) / c.m).astype(np.complex64)}

    report = grade(backprop, model, X, Y)
    assert not report.ok and "complex64" in report.line("dZ[2]").note


def test_a_key_of_megabytes_is_shown_short(run) -> None:
    status, last, lines = run(FUNCTION.format("return {'k' * 5_000_000: 1}"))
    assert status == WRONG and sum(map(len, lines)) < 10_000


def test_megabytes_printed_are_cut_short(run) -> None:
    status, last, lines = run(FUNCTION.format("print('x' * 5_000_000); return {}"))
    assert status == WRONG and lines[0] == "your code printed 5,000,001 bytes; the start:"
    assert sum(map(len, lines)) < 10_000


def test_a_hang_is_stopped_at_the_time_limit_with_what_it_started(run, tmp_path) -> None:
    pid_file = tmp_path / "pid"
    source = ("import subprocess, sys, time\n"
              "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
              f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
              + FUNCTION.format("while True: pass"))
    start = time.monotonic()
    status, last, _ = run(source, "--time-limit", "2")
    assert time.monotonic() - start < 60
    assert status == WRONG and last.startswith("not graded: your code did not finish within 2 s")
    assert "--time-limit" in last
    pid = int(pid_file.read_text())
    for _ in range(100):  # killed with the group; reaped by init, which may take a moment
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").exists() and \
                Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the learner's own child outlived the grade")


def test_time_limit_is_checked(run, capsys) -> None:
    for bad in ("0", "-1", "nan", "soon"):
        status, _, lines = run(RIGHT, "--time-limit", bad)
        assert status == 2 and any("--time-limit" in line for line in lines)


def test_the_files_folder_is_importable_as_with_python_file(run, tmp_path) -> None:
    (tmp_path / "helpers.py").write_text(RIGHT)
    status, last, _ = run("from helpers import backprop\n")
    assert status == 0, last


def test_a_missing_file_is_one_line(run, tmp_path, capsys) -> None:
    assert main(["grade", str(tmp_path / "absent.py")]) == 1
    assert "no such file" in capsys.readouterr().err
