"""``backprop grade FILE`` through ``add_grade``: exit 0 only when every quantity is right."""

from __future__ import annotations

import argparse
from pathlib import Path

from nn.cli.grade import WRONG, add_grade

RIGHT = """
def backprop(c):
    dZ2 = (c.A[2] - c.Y) / c.m
    dZ1 = (c.W[2].T @ dZ2) * (1 - c.A[1] ** 2)
    return {"dZ2": dZ2, "dW2": dZ2 @ c.A[1].T, "dZ1": dZ1, "dW1": dZ1 @ c.X.T}
"""


def run(path: Path) -> int:
    parser = argparse.ArgumentParser()
    add_grade(parser.add_subparsers())
    args = parser.parse_args(["grade", str(path)])
    return args.run(args)


def test_right_file_exits_0_and_wrong_one_3(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.py"
    good.write_text(RIGHT)
    assert run(good) == 0
    bad = tmp_path / "bad.py"
    bad.write_text(RIGHT.replace("1 - c.A[1] ** 2", "1 - c.A[1]"))
    assert run(bad) == WRONG
    assert "first error: dZ[1]" in capsys.readouterr().out
