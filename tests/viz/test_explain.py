"""viz.explain and the backprop steps/explain commands."""

import argparse

import pytest

import nn
from autograd_core import Tensor
from autograd_core.viz.explain import explain
from nn.cli.steps import add_explain, add_steps


def _section6():
    X, Y = nn.flower()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=1)
    J = nn.binary_cross_entropy(model(Tensor(X, name="A[0]")), Y)
    return J


@pytest.mark.parametrize("name,index", [("dW[2]", (0, 3)), ("dW[1]", (1, 0)),
                                        ("db[1]", (2, 0)), ("db[2]", (0, 0))])
def test_printed_arithmetic_gives_grad(name, index):
    J = _section6()
    e = explain(J, name, index, chain=True)
    value = eval(e.arithmetic(), {})  # the sum, in plain Python
    J.backward()
    target = next(p for p in _params(J) if p.name == name[1:])
    assert abs(value - target.grad[index]) < 1e-12
    assert abs(e.value - target.grad[index]) < 1e-12
    text = str(e)
    assert f"{name}[{','.join(map(str, index))}] =" in text and "chain:" in text
    assert e._repr_latex_().startswith("$")


def _params(J):
    seen, stack, out = {J}, [J], []
    while stack:
        t = stack.pop()
        for p in t.parents:
            if p not in seen:
                seen.add(p)
                stack.append(p)
                if p.is_leaf and p.requires_grad:
                    out.append(p)
    return out


def test_unknown_name():
    J = _section6()
    with pytest.raises(ValueError, match="dW"):
        explain(J, "dQ[9]", (0, 0))


def _parser():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    add_steps(sub)
    add_explain(sub)
    return parser


def test_cli_steps(capsys, tmp_path):
    args = _parser().parse_args(["steps", "--html", str(tmp_path / "p.html")])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert "step 1:" in out and "dW[2] = dZ[2] (A[1])ᵀ" in out
    assert (tmp_path / "p.html").exists()


def test_cli_explain(capsys):
    args = _parser().parse_args(["explain", "dW[2]", "0,3", "--chain"])
    assert args.run(args) == 0
    assert "dW[2][0,3] = Σ_k" in capsys.readouterr().out
    args = _parser().parse_args(["explain", "dW[2]", "0,9"])
    assert args.run(args) == 1
    args = _parser().parse_args(["steps", "--m", "5"])
    assert args.run(args) == 1
