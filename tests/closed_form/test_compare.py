"""``compare``: autodiff on an ``nn.MLP`` against every closed-form formulation, as a table."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_core import no_grad
from nn.closed_form import (
    FORMULATIONS,
    BackpropResult,
    Comparison,
    Formulation,
    Quantity,
    compare,
    rojas,
)
from nn.closed_form.compare import difference, run_autodiff

ACTIVATIONS = tuple(nn.ACTIVATIONS)  # all seven, softmax included
ELEMENTWISE = tuple(name for name, cls in nn.ACTIVATIONS.items() if cls.elementwise)


def mlp(seed, sizes, hidden="tanh", output="sigmoid", dtype=np.float64):
    """An nn.MLP with Xavier weights and biases N(0, 0.5^2), so no bias term vanishes."""
    rng = np.random.default_rng(seed)
    model = nn.MLP(list(sizes), hidden=hidden, output=output, rng=rng, dtype=dtype)
    for l in range(1, model.L + 1):
        model.b[l].data = (0.5 * rng.standard_normal(model.b[l].shape)).astype(dtype)
    return model


def targets(rng, loss, n_L, m):
    if loss == "mse":
        return rng.standard_normal((n_L, m))
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, (n_L, m))
    labels = rng.integers(0, n_L, m)
    return labels if rng.integers(2) else nn.one_hot(labels, n_L)


def problem(seed, sizes, hidden, output, loss, m):
    """Model, X, T; for binary cross-entropy redrawn until every output is in [0.01, 0.99]
    (near 0 or 1 autodiff's dA[L] * sigmoid'(Z[L]) loses the digits the closed forms keep)."""
    for attempt in range(100):
        rng = np.random.default_rng([seed, attempt])
        model = mlp(rng, sizes, hidden, output)
        X = rng.standard_normal((sizes[0], m))
        with no_grad():
            A_L = model(X).data
        if loss != "binary_cross_entropy" or (A_L.min() >= 0.01 and A_L.max() <= 0.99):
            return model, X, targets(rng, loss, sizes[-1], m)
    raise AssertionError("no unsaturated network in 100 draws")


def section6():
    X, Y = nn.flower()
    return nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=0), X, Y


# --------------------------------------------------------------------- the section-6 network


def test_section6_network_every_applicable_formulation_agrees_with_autodiff():
    model, X, Y = section6()
    report = compare(model, X, Y, loss="binary_cross_entropy")
    assert isinstance(report, Comparison) and report.ok()
    assert report.ok(rtol=1e-14, atol=1e-16)  # observed: <= 6e-14 relative, 3e-17 absolute
    compared = {row.formulation for row in report.rows}
    assert compared == {"rojas", "wichmann", "wichmann_sigmoid_cross_entropy",
                        "wichmann_two_layer_tanh"}
    reasons = dict(report.not_applicable)
    assert set(reasons) == {"zhang", "wichmann_mse", "blog"}
    assert all("mse" in reasons[name] or "(3.4)" in reasons[name] for name in reasons)
    assert compared | set(reasons) == set(FORMULATIONS)  # nothing skipped silently
    names = {(row.formulation, row.name) for row in report.rows}
    for layer in (1, 2):
        for quantity in ("dA", "dZ", "dW", "db"):
            assert ("rojas", f"{quantity}[{layer}]") in names
            assert ("wichmann", f"{quantity}[{layer}]") in names
    assert len(report.rows) == 31  # 8 + 8 + 8 + 7 (section 6 has no Delta^(2))


def test_section6_table_shows_conversions_symbols_and_the_not_applicable():
    model, X, Y = section6()
    report = compare(model, X, Y, loss="binary_cross_entropy")
    rojas_dZ = next(r for r in report.rows if r.formulation == "rojas" and r.key == "dZ")
    assert rojas_dZ.note == "×1/m: Rojas's dZ is m·∂J/∂Z" and rojas_dZ.factor == "1/m"
    rojas_dW = next(r for r in report.rows if r.formulation == "rojas" and r.key == "dW")
    assert rojas_dW.symbol == "dΘ" and rojas_dW.note == ""
    wichmann = {r.key: r for r in report.rows if r.formulation == "wichmann"}
    assert (wichmann["Delta"].symbol, wichmann["Delta"].quantity) == ("Δ", "dA")
    assert (wichmann["H"].symbol, wichmann["H"].quantity, wichmann["H"].note) == ("H", "dZ", "")
    text = str(report)
    for expected in ("MLP [2, 4, 1] (tanh, sigmoid)", "binary_cross_entropy", "m = 400",
                     "×1/m: Rojas's dZ is m·∂J/∂Z", "not applicable:", "zhang", "blog",
                     "wichmann_mse", "all 31 quantities agree", "H", "dZ[2]"):
        assert expected in text, expected
    assert "FAIL" not in text
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("formulation"))
    assert lines[lines.index(header) + 1].startswith("-----")
    assert "| rojas | 000 Rojas |" in report.to_markdown()


def test_compare_leaves_parameters_alone_and_zeroes_gradients_first():
    model, X, Y = section6()
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    for p in model.parameters():
        p.grad = np.full_like(p.data, 123.0)  # stale gradients must not leak into the check
    first = compare(model, X, Y)
    grads = {name: p.grad.copy() for name, p in model.named_parameters()}
    second = compare(model, X, Y)  # no accumulation across calls
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])
        np.testing.assert_array_equal(p.grad, grads[name])
    assert first.ok() and second.ok()
    fresh, X, Y = section6()
    J = nn.binary_cross_entropy(fresh(X), Y)
    J.backward()
    np.testing.assert_array_equal(fresh.W[1].grad, model.W[1].grad)
    assert first.J == pytest.approx(J.item(), rel=1e-15)


def test_compare_retains_the_layer_gradients_of_a_model_that_does_not():
    model, X, Y = section6()
    lean, _, _ = section6()
    lean.retain_grads = False
    expected, got = compare(model, X, Y), compare(lean, X, Y)
    assert got.ok() and lean.retain_grads is False
    assert [(r.formulation, r.key, r.layer, r.max_abs) for r in got.rows] == \
        [(r.formulation, r.key, r.layer, r.max_abs) for r in expected.rows]
    np.testing.assert_array_equal(lean.Z[1].grad, model.Z[1].grad)


def test_compare_records_the_graph_even_inside_no_grad():
    model, X, Y = section6()
    with no_grad():
        report = compare(model, X, Y)
    assert report.ok() and len(report.rows) == 31


# ----------------------------------------------------------------- random architectures


@st.composite
def architectures(draw):
    """(seed, sizes, hidden, output, loss, m): depth 1-5, widths 1-8, m 1-16, every activation."""
    L = draw(st.integers(1, 5))
    sizes = tuple(draw(st.lists(st.integers(1, 8), min_size=L + 1, max_size=L + 1)))
    loss = draw(st.sampled_from(("mse", "binary_cross_entropy", "cross_entropy")))
    hidden = draw(st.sampled_from(ACTIVATIONS))
    if loss == "binary_cross_entropy":
        output = "sigmoid"  # probabilities
    elif loss == "cross_entropy":
        output = draw(st.sampled_from(ELEMENTWISE))  # logits; Rojas and Wichmann take any
    else:
        output = draw(st.sampled_from(ACTIVATIONS))
    return draw(st.integers(0, 2**32 - 1)), sizes, hidden, output, loss, draw(st.integers(1, 16))


def check_complete_and_within_tolerance(report, L):
    assert report.ok(rtol=1e-12, atol=1e-14), str(report)
    assert {row.formulation for row in report.rows} | {n for n, _ in report.not_applicable} \
        == set(FORMULATIONS)
    for name in {row.formulation for row in report.rows}:
        seen = {(row.quantity, row.layer) for row in report.rows if row.formulation == name}
        assert {(q, l) for q in ("dW", "db") for l in range(1, L + 1)} <= seen, name
    for name, reason in report.not_applicable:
        assert isinstance(reason, str) and reason, name


@settings(max_examples=80, deadline=None)
@given(architectures())
def test_every_quantity_agrees_with_autodiff_on_random_networks(arch):
    seed, sizes, hidden, output, loss, m = arch
    model, X, T = problem(seed, sizes, hidden, output, loss, m)
    report = compare(model, X, T, loss=loss)
    check_complete_and_within_tolerance(report, len(sizes) - 1)
    if loss == "mse" and hidden in ELEMENTWISE and output in ELEMENTWISE:
        assert {row.formulation for row in report.rows} == set(FORMULATIONS) - {
            "wichmann_sigmoid_cross_entropy", "wichmann_two_layer_tanh"}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "cross_entropy"])
def test_every_activation_with_every_loss(activation, loss):
    output = {"binary_cross_entropy": "sigmoid", "cross_entropy": "identity"}.get(loss, activation)
    model, X, T = problem(7, (3, 5, 4, 3), activation, output, loss, 6)
    report = compare(model, X, T, loss=loss)
    check_complete_and_within_tolerance(report, 3)
    compared = {row.formulation for row in report.rows}
    if activation == "softmax":  # only the blog (mse, by its full Jacobian) takes a softmax layer
        assert compared == ({"blog"} if loss == "mse" else set())
    else:
        assert {"rojas", "wichmann"} <= compared


def test_cross_entropy_takes_integer_labels_or_one_hot_columns_alike():
    model, X, _ = problem(3, (4, 6, 3), "relu", "identity", "cross_entropy", 9)
    labels = np.array([0, 2, 1, 1, 0, 2, 2, 0, 1])
    by_label = compare(model, X, labels, loss="cross_entropy")
    by_one_hot = compare(model, X, nn.one_hot(labels, 3), loss="cross_entropy")
    assert by_label.ok() and by_one_hot.ok()
    assert [r.max_abs for r in by_label.rows] == [r.max_abs for r in by_one_hot.rows]
    assert {n for n, _ in by_label.not_applicable} == {"zhang", "wichmann_mse", "blog",
                                                      "wichmann_sigmoid_cross_entropy",
                                                      "wichmann_two_layer_tanh"}


def test_float32_models_are_compared_in_float32():
    model, X, T = problem(2, (3, 4, 2), "tanh", "sigmoid", "mse", 5)
    model32 = nn.MLP([3, 4, 2], rng=0, dtype=np.float32)
    model32.load_state_dict({k: v.astype(np.float32) for k, v in model.state_dict().items()})
    report = compare(model32, X.astype(np.float32), T.astype(np.float32), loss="mse")
    assert report.dtype == "float32" and "float32" in str(report)
    assert report.ok(rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------- a deliberately broken formulation


def rojas_without_derivative(layers):
    """Rojas (A)-(D) with α' left out of (C), dZ = dA, at the given layers."""

    def backprop(cache):
        result = rojas.backprop(cache)
        dA, dZ, dW, db = {}, {}, {}, {}
        dA[cache.L] = result["dA"][cache.L]
        for l in range(cache.L, 0, -1):
            act = cache.activations[l].derivative(cache.Z[l])
            dZ[l] = dA[l] if l in layers else dA[l] * act
            dW[l] = dZ[l] @ cache.A[l - 1].T / cache.m
            db[l] = dZ[l].sum(axis=1, keepdims=True) / cache.m
            if l > 1:
                dA[l - 1] = cache.W[l].T @ dZ[l]
        arrays = {"dA": dA, "dZ": dZ, "dW": dW, "db": db}
        return BackpropResult(rojas.DOCUMENT, "broken", arrays, dict(result.quantities))

    return Formulation("rojas_no_prime", rojas.DOCUMENT, backprop, rojas.applicable, "broken")


def test_a_formulation_without_the_activation_derivative_is_caught():
    model, X, Y = section6()
    report = compare(model, X, Y, formulations=["rojas", rojas_without_derivative({1, 2})])
    assert not report.ok()
    failed = {row.name for row in report.failures()}
    assert {row.formulation for row in report.failures()} == {"rojas_no_prime"}
    assert failed == {"dZ[2]", "dW[2]", "db[2]", "dA[1]", "dZ[1]", "dW[1]", "db[1]"}
    worst = report.worst()
    assert worst.formulation == "rojas_no_prime" and worst.max_rel > 1e-2
    text = str(report)
    assert "FAIL" in text and "7 of 16 quantities DISAGREE, in rojas_no_prime" in text
    assert report.to_dict()["ok"] is False


def test_the_broken_layer_is_the_one_that_fails():
    model, X, Y = section6()
    report = compare(model, X, Y, formulations=[rojas_without_derivative({1})])
    assert {row.name for row in report.failures()} == {"dZ[1]", "dW[1]", "db[1]"}
    assert all(row.passes() for row in report.rows if row.layer == 2)
    assert report.worst().layer == 1


def test_a_wrong_shape_fails_with_infinite_difference_and_says_so():
    def transposed(cache):
        result = rojas.backprop(cache)
        arrays = {key: dict(value) for key, value in result.items()}
        arrays["dW"][1] = arrays["dW"][1].T
        return BackpropResult(rojas.DOCUMENT, "transposed", arrays, dict(result.quantities))

    model, X, Y = section6()
    report = compare(model, X, Y, formulations=[transposed])
    (bad,) = report.failures()
    assert bad.name == "dW[1]" and math.isinf(bad.max_abs) and "shape (2, 4)" in bad.note
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["worst"]["max_rel"] is None and data["worst"]["name"] == "dW[1]"


# ------------------------------------------------------------------ arguments and definitions


def test_formulations_by_name_object_or_function():
    model, X, Y = section6()
    assert {r.formulation for r in compare(model, X, Y, formulations="rojas").rows} == {"rojas"}
    report = compare(model, X, Y, formulations=["zhang", FORMULATIONS["wichmann"]])
    assert {r.formulation for r in report.rows} == {"wichmann"}
    assert report.not_applicable[0].formulation == "zhang"
    report = compare(model, X, Y, formulations=[rojas.backprop])
    assert {r.formulation for r in report.rows} == {"backprop"} and report.ok()
    assert report.documents["backprop"] == "000 Rojas"
    with pytest.raises(ValueError, match="unknown formulation 'rojass'"):
        compare(model, X, Y, formulations=["rojass"])
    with pytest.raises(ValueError, match="unknown loss"):
        compare(model, X, Y, loss="hinge")


def test_conversions_of_zhang_and_the_blog_are_stated():
    model, X, T = problem(1, (3, 4, 2), "tanh", "sigmoid", "mse", 5)
    report = compare(model, X, T, loss="mse")
    notes = {(r.formulation, r.key): r.note for r in report.rows}
    assert notes["zhang", "delta"] == "×1/m: Zhang's δ is m·∂J/∂Z"
    assert notes["blog", "dg_dz"] == "×1/N: this is N·∂J/∂Z"  # unnamed: no symbol invented
    assert notes["zhang", "sum_W_delta"] == "×1/m: this is m·∂J/∂A"
    assert notes["wichmann_mse", "H"] == "" and notes["blog", "dW"] == ""


def test_to_dict_is_strict_json_with_every_row():
    model, X, Y = section6()
    report = compare(model, X, Y)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["ok"] is True and len(data["rows"]) == len(report.rows)
    assert data["loss"] == "binary_cross_entropy" and data["m"] == 400
    assert {item["formulation"] for item in data["not_applicable"]} == {"zhang", "wichmann_mse",
                                                                        "blog"}
    row = data["rows"][0]
    assert {"formulation", "document", "layer", "symbol", "quantity", "max_abs", "max_rel",
            "note", "passes"} <= set(row)


def test_relative_difference_is_against_the_largest_autodiff_entry():
    assert difference(np.array([1.0, 2.0]), np.array([1.0, 4.0])) == (2.0, 0.5)
    assert difference(np.zeros(3), np.zeros(3)) == (0.0, 0.0)
    max_abs, max_rel = difference(np.array([1e-300]), np.zeros(1))
    assert max_abs == 1e-300 and max_rel > 1  # relative to tiny: only atol can pass it
    assert difference(np.zeros((2, 3)), np.zeros((3, 2))) == (math.inf, math.inf)
    assert all(math.isnan(v) for v in difference(np.array([np.nan]), np.zeros(1)))


def test_nothing_applicable_is_reported_not_hidden():
    model, X, T = problem(0, (3, 4, 2), "softmax", "sigmoid", "binary_cross_entropy", 4)
    report = compare(model, X, T, loss="binary_cross_entropy")
    assert report.rows == [] and report.ok() and report.worst() is None
    assert len(report.not_applicable) == len(FORMULATIONS)
    assert "no formulation applies" in str(report)


def test_run_autodiff_gives_dJ_dX_on_request():
    model, X, Y = section6()
    run = run_autodiff(model, X, Y, "binary_cross_entropy", input_grad=True)
    np.testing.assert_allclose(run.gradients["dA", 0], model.W[1].data.T @ run.gradients["dZ", 1],
                               rtol=1e-12, atol=1e-18)
    quantity = Quantity("dZ", "dZ", "dZ", 1.0, "1", "", "")
    assert quantity.gradient == "dZ"
