"""viz.explain and the backprop steps/explain commands."""

import argparse
import re

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from autograd_core.viz.explain import explain, tex_name
from autograd_core.viz.steps import steps
from nn.cli.steps import add_explain, add_steps


def _section6(m=None, hidden="tanh"):
    X, Y = nn.flower() if m is None else nn.flower(m=m)
    model = nn.MLP([2, 4, 1], hidden=hidden, output="sigmoid", rng=1)
    J = nn.binary_cross_entropy(model(Tensor(X, name="A[0]")), Y)
    return J


def _grads(J):
    """Every gradient backward computes, by name: the parameters' and the retained Z, A."""
    recorded = steps(J)
    return recorded, {c.name: c.target for s in recorded for c in s.contributions}


@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid"])
def test_every_element_of_every_gradient_adds_up(hidden):
    """The whole class: for each gradient (dW, db, dZ, dA) and each of its elements, the
    printed arithmetic, in plain Python, is what backward computes."""
    J = _section6(m=4, hidden=hidden)
    recorded, targets = _grads(J)
    captured = recorded.grads()
    totals = {c.target: c.total for s in recorded for c in s.contributions}
    for name, t in targets.items():
        expected = captured.get(t, totals[t])
        for idx in np.ndindex(expected.shape):
            e = explain(J, name, idx, recorded=recorded)
            assert abs(eval(e.arithmetic(), {}) - expected[idx]) < 1e-12, (name, idx)
            assert e.value == pytest.approx(expected[idx], abs=1e-15)
            assert "the rule above" not in str(e), (name, str(e))  # expanded with numbers


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


def test_a_long_sum_is_elided_in_the_middle():
    J = _section6()  # m = 400 examples: 400 terms
    e = explain(J, "dW[2]", (0, 3))
    line = str(e).splitlines()[1]
    first, last = e.terms[0].write("text"), e.terms[-1].write("text")
    assert line.index(first) < line.index("… 397 more terms …") < line.index(last)
    assert line.endswith(f"= {e.value:.6g}")


def test_scaling_per_document():
    """Rojas's dΘ, db carry the 1/m (his (A), (B)); only his dZ, dA are m times ours."""
    J = _section6(m=4)
    dw = str(explain(J, "dW[2]", (0, 1)))
    assert "Rojas's dΘ, db" in dw and "Rojas's dZ" not in dw
    assert "Rojas: m·∂J/∂Z" not in dw
    dz = explain(J, "dZ[1]", (1, 2))
    text = str(dz)
    factor = f"({dz.value:.6g})" if dz.value < 0 else f"{dz.value:.6g}"
    assert "Rojas's dZ" in text and f"m·dZ[1][1,2] = 4·{factor} = {4 * dz.value:.6g}" in text
    assert "Wichmann (H)" in text
    assert "Wichmann (Δ)" in str(explain(J, "dA[1]", (0, 0)))


_COMMANDS = re.compile(r"\\([A-Za-z]+|.)")
_KNOWN = {"mathrm", "sum", "cdot", "dots", "text", "times", "odot", "sigma", "top", "Sigma",
          "Vert", "surd", "left", "right", "{", "}", "_", "^", "#", "%", "&", "$", "~", "\\"}


def tex_errors(tex: str) -> list[str]:
    """What MathJax and KaTeX both refuse: unbalanced braces, unknown commands, and a
    second superscript or subscript on one base (``x^{a}^{b}``)."""
    errors = [f"unknown \\{c}" for c in _COMMANDS.findall(tex) if c not in _KNOWN]
    errors += [f"non-ASCII {ch!r}" for ch in tex if ord(ch) > 127]  # fonts differ: none
    depth, last = 0, []  # per brace level: the scripts seen since the last base
    last.append(set())
    i = 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            m = _COMMANDS.match(tex, i)
            i = m.end()
            last[-1] = set()
            continue
        if ch == "{":
            depth += 1
            last.append(set())
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return errors + ["unbalanced }"]
            last.pop()
        elif ch in "^_":
            if ch in last[-1]:
                errors.append(f"double {ch} at {i}: {tex[max(0, i - 20):i + 5]!r}")
            last[-1].add(ch)
            i += 1
            if tex[i] == "{":  # the script's group: skip it whole
                level, j = 0, i
                while True:
                    level += {"{": 1, "}": -1}.get(tex[j], 0)
                    j += 1
                    if level == 0:
                        break
                i = j
            else:
                i += 1
            continue
        elif not ch.isspace():
            last[-1] = set()
        i += 1
    return errors + (["unbalanced {"] if depth else [])


def test_tex_checker_catches_the_old_double_superscript():
    assert tex_errors(r"dZ^{[2]}^{[0,k]}")
    assert not tex_errors(tex_name("dZ[2]", "0,k"))


def test_latex_is_valid_for_every_gradient():
    J = _section6(m=4)
    recorded, targets = _grads(J)
    for name, t in targets.items():
        idx = tuple(0 for _ in t.shape)
        latex = explain(J, name, idx, recorded=recorded)._repr_latex_()
        assert latex.startswith("$") and latex.endswith("$")
        assert not tex_errors(latex[1:-1]), (name, latex)
    long = explain(_section6(), "dW[2]", (0, 3))._repr_latex_()
    assert not tex_errors(long[1:-1]) and r"\dots" in long


def test_tensor_used_three_times_names_each_contribution():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    J = (a * a * a).sum()
    e = explain(J, "da", (1,))
    assert not tex_errors(e._repr_latex_()[1:-1])
    v = Tensor([1.0, 2.0], requires_grad=True)  # unnamed: a placeholder v_{1}, markup in TeX
    for c in {c.name for s in steps((v.tanh() * v).sum()) for c in s.contributions}:
        latex = explain((v.tanh() * v).sum(), c, (0,))._repr_latex_()
        assert not tex_errors(latex[1:-1]), latex
    assert "da⁽¹⁾[1] + da⁽²⁾[1] + da⁽³⁾[1]" in str(e)
    assert eval(e.arithmetic(), {}) == pytest.approx(12.0)


def test_unknown_name():
    J = _section6()
    with pytest.raises(ValueError, match="dW"):
        explain(J, "dQ[9]", (0, 0))


@pytest.mark.parametrize("index", [(0,), (0, 9), (0, 0, 0), (-1, 0), (1, 0), "a", 1.5])
def test_bad_index_is_one_clear_error(index):
    J = _section6(m=4)
    with pytest.raises(ValueError, match=r"explain: .*(shape|range|integers)") as e:
        explain(J, "dW[2]", index)
    assert "\n" not in str(e.value)


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
    args = _parser().parse_args(["steps", "--m", "5"])
    assert args.run(args) == 1


@pytest.mark.parametrize("index", ["0", "0,9", "0,0,0", "a,b", "", "0,", "5,0"])
def test_cli_explain_bad_index_is_one_line(capsys, index):
    args = _parser().parse_args(["explain", "dW[2]", index])
    assert args.run(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("backprop: explain:") and "\n" not in err, err
    assert "Traceback" not in err


def test_cli_steps_default_batch_shows_every_number_and_predict(capsys, tmp_path):
    args = _parser().parse_args(["steps"])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert "(1, 4)" in out and "dZ[2] = [[" in out  # m = 4: dZ[2] printed whole
    page = tmp_path / "p.html"
    args = _parser().parse_args(["steps", "--html", str(page), "--predict"])
    assert args.run(args) == 0
    assert '<body class="predict">' in page.read_text(encoding="utf-8")
    args = _parser().parse_args(["steps", "--predict"])
    assert args.run(args) == 1
    assert "--html" in capsys.readouterr().err
