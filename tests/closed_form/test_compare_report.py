"""How a comparison reads (``compare_report``): no invented symbols, Zhang's layer names,
caveats in the text and in Jupyter, a scale-only difference as a factor, an honest header."""

import numpy as np
import pytest

import nn
from nn.closed_form import BackpropResult, Quantity, compare, rojas
from nn.closed_form.factors import describe_factor, scale_factor

from .test_compare import problem, section6


def test_quantities_a_document_does_not_name_say_so_with_its_own_expression():
    """Zhang has no dA and never prints his bias gradient, the blog has no dz: those rows give
    the page's expression instead."""
    model, X, T = problem(1, (3, 4, 2), "tanh", "sigmoid", "mse", 5)
    report = compare(model, X, T, loss="mse")
    unnamed = {(r.formulation, r.key) for r in report.rows if not r.in_document}
    assert unnamed == {("zhang", "sum_W_delta"), ("zhang", "db"), ("blog", "dg_dz")}
    text, markdown = str(report), report.to_markdown()
    for expression in ("(not in the document) Σ_q W_q←k δ_q",
                       "(not in the document) ∂g(a^L(x_i) − y_i)/∂z^l, written ∂L/∂z^l"):
        assert expression in text and expression in markdown
    assert "−(y_p − h_p)" in text  # what the bracket is at his output layer
    symbols = {r.symbol for r in report.rows}
    assert "dA" not in {r.symbol for r in report.rows if r.formulation == "zhang"}
    assert "dz" not in symbols


def test_zhang_rows_say_which_of_his_layers_each_is():
    """Counted from his output n_l: units of our layer l are his n_l - (L - l); our W[l] is his
    W^(n_l - (L - l) - 1), the weight into that layer."""
    model, X, T = problem(2, (3, 5, 4, 2), "tanh", "sigmoid", "mse", 4)
    rows = {(r.key, r.layer): r for r in compare(model, X, T, "mse", "zhang").rows}
    assert rows["delta", 3].document_layer == "his layer n_l"
    assert rows["delta", 1].document_layer == "his layer n_l-2"
    assert rows["dW", 3].document_layer == "his W^(n_l-1)"
    assert rows["dW", 1].document_layer == "his W^(n_l-3)"
    assert rows["db", 2].document_layer == "his b^(n_l-2)"
    text = str(compare(model, X, T, "mse", "zhang"))
    assert "δ [his layer n_l-1]" in text and "∂J/∂W [his W^(n_l-3)]" in text
    rojas_rows = compare(model, X, T, "mse", "rojas").rows
    assert all(r.document_layer == "" for r in rojas_rows)  # his numbers are ours


def test_caveats_show_in_the_text_table_and_in_jupyter_not_only_in_json():
    model, X, T = problem(3, (4, 6, 3), "relu", "identity", "cross_entropy", 9)
    report = compare(model, X, T, loss="cross_entropy")
    assert "rojas" in report.caveats
    caveat = report.caveats["rojas"][0]
    assert "err' is read as" in caveat
    assert caveat in str(report) and "caveats" in str(report)
    assert caveat in report._repr_markdown_()
    assert report.to_dict()["applicable"][0]["caveats"] == [caveat]
    model, X, T = problem(4, (3, 4, 2), "softmax", "tanh", "mse", 5)  # a softmax hidden layer
    report = compare(model, X, T, loss="mse")
    assert "full Jacobian in place of diag(f'(z))" in str(report)
    assert "an extension" in report.to_markdown()
    model, X, T = problem(5, (3, 4, 2), "tanh", "sigmoid", "mse", 5)
    report = compare(model, X, T, loss="mse")
    assert "rojas" not in report.caveats  # nothing read into (A)-(D)
    assert "one f for every layer" in report.caveats["blog"][0]  # tanh, then sigmoid
    model, X, T = problem(5, (3, 4, 2), "tanh", "tanh", "mse", 5)
    assert "blog" not in compare(model, X, T, loss="mse").caveats


def test_a_difference_that_is_a_scale_only_reads_as_a_factor():
    """A closed form missing the 1/m (the slip Rojas prints) reads 'factor m = 400'."""
    def without_conversion(cache):
        right = rojas.backprop(cache)
        quantities = {key: Quantity(q.key, q.symbol, q.gradient, 1.0, "1", "", q.equations)
                      for key, q in right.quantities.items()}
        return BackpropResult(rojas.DOCUMENT, "unconverted", right.arrays, quantities)

    model, X, Y = section6()
    report = compare(model, X, Y, formulations=[without_conversion])
    failed = {row.name: row for row in report.failures()}
    assert set(failed) == {"dA[2]", "dZ[2]", "dA[1]", "dZ[1]"}
    assert all(row.scale == pytest.approx(400, rel=1e-12) for row in failed.values())
    text = str(report)
    assert "factor m = 400" in text and "4.0e+02" not in text
    assert "factor m = 400" in report.to_markdown()
    assert report.to_dict()["worst"]["scale_text"] == "factor m = 400"
    assert "(worst: without_conversion" in text and "factor m = 400)" in text


def test_the_header_names_each_layer_activation_never_a_hidden_layer_that_is_not_there():
    model = nn.MLP([3, 2], output="sigmoid", rng=0)
    X = np.random.default_rng(0).standard_normal((3, 4))
    report = compare(model, X, np.full((2, 4), 0.5), loss="binary_cross_entropy")
    assert report.network.startswith("MLP [3, 2] (sigmoid),")
    assert "hidden" not in str(report).splitlines()[0]


def test_factors_are_found_only_where_the_difference_is_a_scale():
    truth = np.array([[1.0, -2.0, 3.0]])
    assert scale_factor(400 * truth, truth) == pytest.approx(400)
    assert describe_factor(400.0, 400) == "factor m = 400"
    assert describe_factor(1 / 400, 400) == "factor 1/m = 1/400"
    assert describe_factor(1.001, 400) == "factor 1.001"
    assert scale_factor(truth + [[0.0, 0.0, 1e-6]], truth) is None  # not a scale
    assert scale_factor(np.array([2.0]), np.array([1.0])) is None  # one number: any ratio
    assert scale_factor(truth.T, truth) is None and scale_factor(None, truth) is None
