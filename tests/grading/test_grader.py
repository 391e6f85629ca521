"""The grader on the section-6 network: the reference passes, a slip is the first error."""

from __future__ import annotations

import pytest

from nn.closed_form.grading import grade, reference


def ours(c) -> dict:
    return {f"{g}[{l}]": v for (g, l), v in reference(c.forward_cache()).items() if l > 0}


def test_reference_passes(section6) -> None:
    report = grade(ours, *section6)
    assert report.ok, str(report)


def test_factor_m_is_first_error_and_downstream_inherited(section6) -> None:
    def slip(c):
        d = ours(c)
        d["dA[1]"] = d["dA[1]"] * c.m
        d["dZ[1]"] = d["dA[1]"] * (1 - c.A[1] ** 2)
        return d

    report = grade(slip, *section6)
    assert not report.ok and report.first_error == ("dA", 1)
    assert "factor m = 400" in report.diagnosis
    assert report.line("dZ[1]").status == "inherited"
    assert all(report.line(k).status == "right" for k in ("dZ[2]", "dW[2]", "db[2]"))


def test_a_raising_function_is_reported(section6) -> None:
    def crash(c):
        raise ValueError("oops")

    report = grade(crash, *section6)
    assert not report.ok and "ValueError: oops" in str(report)


DIAGNOSES = {
    "times_m": "factor m = 400", "sign": "wrong sign", "no_derivative": "derivative is missing",
    "rojas_C": "Rojas's (C)", "wrong_axis": "wrong axis", "wrong_layer_A": "wrong layer's A",
    "transpose": "transposed", "dls_dW2_doubled": "factor 2", "dls_db1_4_over_m": "4/m",
    "blog_per_sample": "the blog's per-sample recursion run on averages",
    "blog_mean_a": "the blog's per-sample formula on averages",
    "sigmoid_prime": "sigmoid′ written in A", "prime_at_Z": "tanh′ evaluated at Z",
    "matmul": "a matrix product where ⊙ belongs", "batch_mean_prime": "averaged over the batch",
    "float32": "your array is float32", "float16": "your array is float16",
}


def test_every_slip_has_a_diagnosis_under_test() -> None:
    from nn.closed_form.grading import SLIPS

    assert sorted(SLIPS) == sorted(DIAGNOSES)


@pytest.mark.parametrize("slip", sorted(DIAGNOSES))
def test_planted_slip_is_root_cause_and_diagnosed(section6, slip) -> None:
    from nn.closed_form.grading import plant
    from nn.closed_form.grading.planted import _QUANTITY

    report = grade(plant(slip), *section6)
    layer = 2 if slip == "dls_dW2_doubled" else 1
    assert report.first_error == (_QUANTITY[slip], layer)
    assert DIAGNOSES[slip] in report.diagnosis
    before = [line for line in report.lines if line.key == report.first_error]
    index = report.lines.index(before[0])
    assert all(line.status in ("right", "missing") for line in report.lines[:index])


@pytest.mark.parametrize("slip", ["blog_per_sample", "blog_mean_a"])
@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy"])
def test_blog_per_sample_slip_shows_with_two_examples_and_not_with_one(section6, slip,
                                                                       loss) -> None:
    from nn.closed_form.grading import plant

    model, X, Y = section6
    two = grade(plant(slip), model, X[:, :2], Y[:, :2], loss)
    assert two.first_error == ({"blog_per_sample": "db"}.get(slip, "dW"), 1), str(two)
    assert DIAGNOSES[slip] in two.diagnosis and "m ≥ 2" in two.diagnosis
    assert [line.key for line in two.lines
            if line.status not in ("right", "missing")] == [two.first_error]
    one = grade(plant(slip), model, X[:, :1], Y[:, :1], loss)
    assert one.ok, str(one)  # one sample: the batch is the sample, the formula is right


def test_blog_mean_a_at_the_output_layer_is_diagnosed(section6) -> None:
    from nn.closed_form.grading import plant

    report = grade(plant("blog_mean_a", 2), *section6, "mse")
    assert report.first_error == ("dW", 2)
    assert DIAGNOSES["blog_mean_a"] in report.diagnosis


def test_blog_per_sample_at_the_output_layer_is_refused(section6) -> None:
    from nn.closed_form.grading import plant

    report = grade(plant("blog_per_sample", 2), *section6, "mse")
    assert not report.ok and "interior layer (1..1), not of the output layer 2" in str(report)
