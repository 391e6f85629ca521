"""``backprop check``: the comparison table, --json, and exit status 3 on a disagreement."""

import json

import pytest

from nn.cli import main
from nn.cli.common import DISAGREE


@pytest.mark.parametrize("argv", [
    [],
    ["--sizes", "3,5,4,2", "--hidden", "relu", "--output", "identity", "--loss", "mse"],
    ["--sizes", "4,6,3", "--output", "identity", "--loss", "cross_entropy", "--m", "5"],
    ["--sizes", "2,3,3", "--hidden", "softplus", "--output", "softmax", "--loss", "mse"],
    ["--seed", "7", "--m", "1"],
], ids=["defaults", "relu-mse", "cross-entropy", "softmax-mse", "one-example"])
def test_every_applicable_formulation_agrees_exit_0(argv, capsys):
    assert main(["check", *argv]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backprop check: MLP [")
    assert "autodiff vs closed form" in out
    assert "\nOK: " in out
    assert "FAIL" not in out


def test_default_check_lists_the_table_and_the_formulations_that_do_not_apply(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    for name in ("rojas", "wichmann", "wichmann_sigmoid_cross_entropy",
                 "wichmann_two_layer_tanh"):
        assert f"\n{name} " in out
    for quantity in ("dA[2]", "dZ[2]", "dW[1]", "db[1]"):
        assert quantity in out
    not_applicable = out.split("not applicable:")[1]
    for name in ("zhang", "wichmann_mse", "blog"):
        assert name in not_applicable
    assert "(mse), not 'binary_cross_entropy'" in not_applicable  # the reason is given


def test_formulation_option_restricts_the_comparison(capsys):
    assert main(["check", "--formulation", "rojas", "--formulation", "rojas"]) == 0
    out = capsys.readouterr().out
    assert "\nrojas " in out and "\nwichmann " not in out
    assert "OK: rojas agree" in out


def test_no_applicable_formulation_compares_nothing_and_says_so(capsys):
    assert main(["check", "--formulation", "zhang"]) == 4  # zhang needs mse: its own status
    captured = capsys.readouterr()
    assert "nothing was compared" in captured.err
    assert main(["check", "--formulation", "zhang", "--json"]) == 4


def test_json_parses_and_carries_the_verdict_and_every_row(capsys):
    assert main(["check", "--json", "--sizes", "3,4,2", "--loss", "mse", "--m", "6"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert data["network"]["sizes"] == [3, 4, 2]
    assert data["loss"] == "mse" and data["m"] == 6
    assert data["rtol"] == 1e-12 and data["atol"] == 1e-14
    assert {row["formulation"] for row in data["rows"]} >= {"rojas", "zhang", "blog"}
    assert all(row["passes"] for row in data["rows"])


def test_a_disagreeing_formulation_gives_its_own_exit_status_3(wrong_rojas, capsys):
    assert DISAGREE == 3
    assert main(["check"]) == 3
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "DISAGREE: rojas differs from autodiff beyond rtol=1e-12, atol=1e-14" in out


def test_a_disagreeing_formulation_gives_ok_false_in_json(wrong_rojas, capsys):
    assert main(["check", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    failed = {row["formulation"] for row in data["rows"] if not row["passes"]}
    assert failed == {"rojas"}


def test_tolerances_decide_the_exit_status(wrong_rojas, capsys):
    assert main(["check", "--rtol", "1e-2"]) == 0  # 0.1 % off passes a 1 % tolerance
    out = capsys.readouterr().out
    assert "OK: rojas, wichmann" in out
    assert "FAIL" not in out  # the table judges with the tolerances given
    assert main(["check", "--rtol", "1e-4", "--atol", "0"]) == 3


def test_the_disagreeing_formulation_is_not_blamed_on_others(wrong_rojas, capsys):
    assert main(["check", "--formulation", "wichmann"]) == 0
    out = capsys.readouterr().out
    assert "\nrojas " not in out and "OK: wichmann agree" in out
