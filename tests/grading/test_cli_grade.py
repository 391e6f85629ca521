"""``backprop grade FILE`` through ``add_grade``: exit 0 only when every quantity is right."""

from __future__ import annotations

import argparse
from pathlib import Path

from nn.cli.grade import WRONG, add_grade

from .conftest import RIGHT


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


def test_help_says_what_the_network_defaults_really_are(capsys) -> None:
    from nn.cli import main

    assert main(["grade", "--help"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert "(default: the 400 flower points of section 6; 16 with other" in " ".join(out.split())
    assert f"{WRONG}   a quantity is wrong or missing" in out


def test_network_options_are_checked(tmp_path: Path, capsys) -> None:
    from nn.cli import main

    good = tmp_path / "good.py"
    good.write_text(RIGHT)
    assert main(["grade", str(good), "--output", "identity"]) == 2
    assert "--loss binary_cross_entropy needs probabilities" in capsys.readouterr().err
