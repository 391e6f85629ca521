"""The notation helpers: names to HTML, numbers and shapes as a reader writes them."""

import numpy as np
import pytest

from autograd_core.viz import _labels


@pytest.mark.parametrize("name, html", [
    ("W[1]", "W<sup>[1]</sup>"),
    ("dZ[l]", "dZ<sup>[l]</sup>"),
    ("A[l-1]", "A<sup>[l−1]</sup>"),
    ("W[1]A[0]", "W<sup>[1]</sup>A<sup>[0]</sup>"),
    ("v_{3}", "v<sub>3</sub>"),
    ("x^{2}", "x<sup>2</sup>"),
    ("x[0:2]", "x[0:2]"),  # not a layer index: left as written
    ("[1]", "[1]"),  # nothing before it to index
    ("a<b>&\"c\"", "a&lt;b&gt;&amp;&quot;c&quot;"),
    ("<sup>[1]</sup>", "&lt;sup&gt;[1]&lt;/sup&gt;"),
])
def test_html(name, html):
    assert _labels.html(name) == html


def test_plain_drops_the_markup():
    assert _labels.plain("v_{3} + W[1]^{2}") == "v3 + W[1]2"


@pytest.mark.parametrize("x, text", [
    (2.0, "2"), (-3.0, "−3"), (0.5, "0.5"), (0.0025, "0.0025"), (1 / 6, "1/6"),
    (-1 / 3, "−1/3"), (np.pi, "3.142"), (1e-9, "1e−09"), (float("inf"), "inf"),
])
def test_number(x, text):
    assert _labels.number(x) == text


def test_shape_and_summaries():
    assert _labels.shape((4, 2)) == "4×2" and _labels.shape((5,)) == "5"
    assert _labels.shape(()) == "scalar"
    assert _labels.values(np.array([[-1.5, 2.0]])) == "[−1.5, 2]"
    assert _labels.values(np.array(0.25)) == "= 0.25"
    assert _labels.gradient(np.array([3.0, 4.0])) == "‖·‖ = 5"


@pytest.mark.parametrize("text, shown", [
    ("v_{1}", "v₁"), ("v_{12}", "v₁₂"), ("x^{2}", "x²"), ("e^{-1}", "e⁻¹"),
    ("db[2] = Σ_{cols} dZ[2]", "db[2] = Σ_cols dZ[2]"),  # no small c: stays marked
    ("Σ_{axis 0} g", "Σ_(axis 0) g"), ("W[1]", "W[1]"), ("a_{}", "a"),
])
def test_terminal_writes_scripts_as_a_terminal_shows_them(text, shown):
    assert _labels.terminal(text) == shown


def test_steps_and_explain_print_no_markup():
    from autograd_core import Tensor
    from autograd_core.viz.explain import explain
    from autograd_core.viz.steps import steps

    W = Tensor(np.ones((2, 3)), requires_grad=True, name="W[1]")
    b = Tensor(np.zeros((2, 1)), requires_grad=True, name="b[1]")
    X = Tensor(np.arange(12.0).reshape(3, 4))
    J = ((W @ X + b).tanh() * (W @ X + b).exp()).sum()  # unnamed intermediates: v_{k}
    for text in (str(steps(J)), str(explain(J, "db[1]", (1, 0)))):
        assert "_{" not in text and "^{" not in text, text
