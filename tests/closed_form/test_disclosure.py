"""Every comparison row says which printed equations it corrected to agree (or that it uses
them as printed), how a per-example quantity became the batch's, and when it agrees by
construction; in the text table, the Markdown and the JSON alike."""

from __future__ import annotations

import json

import pytest

from nn.closed_form import compare

from .test_compare import problem, section6


def _rows(report) -> dict[tuple[str, str, int], object]:
    return {(row.formulation, row.key, row.layer): row for row in report.rows}


@pytest.fixture(scope="module")
def bce():
    model, X, Y = section6()
    return compare(model, X, Y, loss="binary_cross_entropy")


@pytest.fixture(scope="module")
def mse():
    model, X, T = problem(3, (3, 4, 2), "tanh", "sigmoid", "mse", 5)
    return compare(model, X, T, loss="mse")


def test_every_row_discloses_in_every_rendering(bce, mse) -> None:
    for report in (bce, mse):
        text, markdown = str(report), report.to_markdown()
        as_json = json.loads(json.dumps(report.to_dict()))
        for row, data in zip(report.rows, as_json["rows"]):
            assert row.disclosure and ("as printed" in row.disclosure) != bool(row.corrected)
            assert row.disclosure in text
            assert row.disclosure.replace("|", "\\|") in markdown
            assert data["disclosure"] == row.disclosure
            assert data["corrected"] == row.corrected
            assert data["per_example"] == row.per_example


def test_rojas_says_its_c_has_the_prime_restored(bce) -> None:
    rows = _rows(bce)
    for layer in (1, 2):
        assert "(C) printed dZ = dA ⊙ α(Z), without the prime" in rows["rojas", "dZ", layer] \
            .corrected
        assert "rojas-missing-m" in rows["rojas", "dA", layer].corrected
        assert rows["rojas", "dW", layer].corrected == ""  # (A) as printed
    assert "as written" not in bce.applicable["rojas"]
    assert "prime restored" in bce.applicable["rojas"]


@pytest.mark.parametrize("key, layer, equation", [
    ("dW", 2, "(6.4)"), ("db", 2, "(6.5)"), ("H", 1, "(6.7)"), ("dW", 1, "(6.8)"),
    ("db", 1, "(6.8)"),
])
def test_section_6_rows_name_the_printed_equation_they_correct(bce, key, layer,
                                                              equation) -> None:
    row = _rows(bce)["wichmann_two_layer_tanh", key, layer]
    assert row.corrected.startswith(f"{equation} print")
    assert f"corrected: {row.corrected}" in str(bce)


def test_section_6_rows_that_hold_as_printed_say_so(bce) -> None:
    rows = _rows(bce)
    for key, layer in (("H", 2), ("Delta", 1)):
        assert rows["wichmann_two_layer_tanh", key, layer].disclosure == "as printed"


def test_zhang_steps_1_and_3_and_his_averaging(mse) -> None:
    rows = _rows(mse)
    assert "step 1) prints −(y − h_p)" in rows["zhang", "delta", 2].corrected
    assert rows["zhang", "delta", 1].corrected == ""
    for layer in (1, 2):
        assert "step 3) prints ∂h_p/∂W" in rows["zhang", "dW", layer].corrected
        for key in ("dW", "db"):
            assert "then the mean over the m examples" in rows["zhang", key, layer].per_example
        assert "per example: column k is example k's" in rows["zhang", "delta", layer] \
            .per_example


def test_zhangs_bias_gradient_is_not_marked_as_in_the_document(mse) -> None:
    for layer in (1, 2):
        row = _rows(mse)["zhang", "db", layer]
        assert not row.in_document
    assert "(not in the document) δ_i^(l+1), 'derived in the same way'" in str(mse)


def test_the_blog_rows_say_per_sample_then_averaged(mse) -> None:
    rows = _rows(mse)
    for layer in (1, 2):
        assert rows["blog", "dW", layer].per_example == "per sample, then the mean over the N " \
                                                        "samples"
        assert "blog-per-sample" in rows["blog", "dW", layer].corrected
        assert rows["blog", "dg_dz", layer].per_example.startswith("per sample: column i")


def test_wichmann_general_delta_l_agrees_by_construction() -> None:
    model, X, T = problem(4, (3, 4, 3), "tanh", "identity", "cross_entropy", 6)
    report = compare(model, X, T, loss="cross_entropy", formulations="wichmann")
    rows = _rows(report)
    top = rows["wichmann", "Delta", 2]
    assert top.remark.startswith("agrees by construction, tests nothing")
    assert "the document derives none for this cost" in top.remark
    assert rows["wichmann", "Delta", 1].remark == ""
    assert top.remark in str(report)


def test_wichmann_sigmoid_cross_entropy_says_binary(bce, mse) -> None:
    assert "binary cross-entropy" in bce.applicable["wichmann_sigmoid_cross_entropy"]
    (reason,) = [item.reason for item in mse.not_applicable
                 if item.formulation == "wichmann_sigmoid_cross_entropy"]
    assert "binary cross-entropy" in reason
