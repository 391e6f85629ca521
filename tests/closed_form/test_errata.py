"""Every erratum: the printed form disagrees with the truth (or cannot be evaluated), the
corrected form agrees; an ambiguity's readings do what they claim; a note's check agrees; the
conditions under which the printed form is harmless are real. The truth here is finite
differences of J (``test_errata_autodiff`` holds the same to autodiff)."""

import numpy as np
import pytest

from nn.closed_form import NotApplicableError, errata
from nn.closed_form.errata import (
    BY_KEY,
    CHECKS,
    ERRATA,
    KINDS,
    NOTES,
    NOTES_BY_KEY,
    Target,
    by_kind,
    counts,
    evaluate,
)

from .helpers import network, rel_error, true_value

# A pool of networks covering every erratum's conditions: deep and shallow, equal and unequal
# widths (shapes that conform by accident), every loss, identity and curved outputs.
POOL = [
    ((3, 5, 4, 3, 2), ("tanh", "sigmoid", "softplus", "sigmoid"), "mse", 7),
    ((2, 4, 1), ("tanh", "sigmoid"), "binary_cross_entropy", 9),
    ((2, 3, 1), ("tanh", "sigmoid"), "binary_cross_entropy", 3),
    ((4, 6, 3), ("relu", "identity"), "cross_entropy", 5),
    ((3, 3, 3), ("tanh", "tanh"), "mse", 3),
    ((2, 5, 4, 3), ("leaky_relu", "tanh", "sigmoid"), "binary_cross_entropy", 4),
    ((4, 3, 2, 3, 2, 2), ("softplus", "tanh", "leaky_relu", "tanh", "identity"), "mse", 5),
    ((5, 2, 4), ("sigmoid", "softplus"), "mse", 2),
]
CACHES = [network(seed, *config) for seed, config in enumerate(POOL)]


def covered(erratum):
    return [cache for cache in CACHES if erratum.requires(cache)[0]]


@pytest.mark.parametrize("key", sorted(BY_KEY))
def test_every_erratum_is_exercised_by_some_network(key):
    assert covered(BY_KEY[key]), f"no network in the pool satisfies {key}'s conditions"


@pytest.mark.parametrize("key", sorted(BY_KEY))
def test_corrected_form_matches_the_truth_and_printed_form_does_not(key):
    erratum = BY_KEY[key]
    for cache in covered(erratum):
        evaluation = evaluate(erratum, cache)
        truth = true_value(cache, erratum.target)
        assert rel_error(evaluation.corrected, truth) <= 1e-6, (key, cache.sizes)
        if evaluation.printed is None:
            assert evaluation.printed_error, key
            continue
        if evaluation.printed.shape != truth.shape:
            continue  # the printed form has the wrong shape: evidence enough
        assert rel_error(evaluation.printed, truth) > 1e-3, (key, cache.sizes)


@pytest.mark.parametrize("key", [e.key for e in ERRATA if e.readings])
def test_each_reading_of_an_ambiguity_does_what_it_claims(key):
    erratum = BY_KEY[key]
    for cache in covered(erratum):
        truth = true_value(cache, erratum.target)
        for reading, value, error in evaluate(erratum, cache).readings:
            if reading.agrees:
                assert error is None and rel_error(value, truth) <= 1e-6, (key, reading.name)
            else:
                assert error or value.shape != truth.shape or rel_error(value, truth) > 1e-3


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_a_checked_note_changes_no_value(key):
    check = CHECKS[key]
    caches = [cache for cache in CACHES if check.requires(cache)[0]]
    assert caches, key
    for cache in caches:
        assert rel_error(check.evaluate(cache), true_value(cache, check.target)) <= 1e-6, key


def test_printed_forms_that_cannot_be_evaluated_report_the_mismatch():
    section6 = CACHES[1]  # (2, 4, 1), m = 9
    message = evaluate(BY_KEY["wichmann-6.4"], section6).printed_error
    assert message.startswith("ValueError") and "matmul" in message
    message = evaluate(BY_KEY["wichmann-JN"], CACHES[0]).printed_error
    assert message.startswith("ValueError")
    message = evaluate(BY_KEY["rojas-2"], CACHES[0]).printed_error  # n_1 = 5 > n_0 = 3
    assert message.startswith("IndexError")
    message = evaluate(BY_KEY["wichmann-4.10"], CACHES[0]).printed_error
    assert "Hadamard product of shapes" in message


def test_shape_mismatches_are_real_not_artefacts():
    cache = CACHES[0]  # (3, 5, 4, 3, 2), m = 7
    assert evaluate(BY_KEY["wichmann-5.16"], cache).printed.shape == (5, 5)  # H^(1) (A^(1))^t
    assert evaluate(BY_KEY["zhang-step-1"], cache).printed.shape == (2, 2, 7)
    assert evaluate(BY_KEY["zhang-step-3"], cache).printed.shape == (2, 5, 3)
    assert evaluate(BY_KEY["wichmann-3.3"], cache).printed.shape == (2, 1)
    assert evaluate(BY_KEY["rojas-3"], cache).printed.shape == (2, 3)


def test_with_equal_shapes_the_printed_values_are_still_wrong():
    cache = CACHES[4]  # (3, 3, 3), m = 3: the wrong shapes conform by accident
    for key in ("wichmann-5.16", "rojas-3", "rojas-2"):
        erratum = BY_KEY[key]
        evaluation = evaluate(erratum, cache)
        truth = true_value(cache, erratum.target)
        assert evaluation.printed.shape == truth.shape
        assert rel_error(evaluation.printed, truth) > 1e-2, key


@pytest.mark.parametrize(
    "key, config",
    [
        ("rojas-missing-m", ((3, 4, 2), ("tanh", "sigmoid"), "mse", 1)),
        ("rojas-14-column", ((3, 4, 2), ("tanh", "sigmoid"), "mse", 1)),
        ("wichmann-3.3", ((3, 4, 2), ("tanh", "sigmoid"), "mse", 1)),
        ("wichmann-6.7", ((2, 1, 1), ("tanh", "sigmoid"), "binary_cross_entropy", 5)),
        ("zhang-step-1", ((3, 4, 1), ("tanh", "sigmoid"), "mse", 5)),
        ("blog-output-layer", ((3, 4, 2), ("tanh", "identity"), "mse", 5)),
        ("zhang-bound-index", ((3, 1, 2, 2, 2), ("tanh", "tanh", "tanh", "sigmoid"), "mse", 4)),
    ],
)
def test_conditions_mark_exactly_where_the_printed_form_is_harmless(key, config):
    """Outside its conditions an erratum is refused, and there the printed form is right."""
    erratum = BY_KEY[key]
    cache = network(0, *config)
    ok, reason = erratum.requires(cache)
    assert not ok and reason
    with pytest.raises(NotApplicableError):
        evaluate(erratum, cache)
    printed = np.asarray(erratum.evaluate_printed(cache))
    truth = true_value(cache, erratum.target)
    if key == "zhang-step-1":
        printed = printed[:, 0, :]  # one output: y is y_p
    assert rel_error(printed, truth) <= 1e-6


def test_rojas_summary_C_without_prime_is_wrong_at_every_layer_not_only_the_first():
    cache = CACHES[0]
    erratum = BY_KEY["rojas-C"]
    assert erratum.target == Target("dZ", 1)
    evaluation = evaluate(erratum, cache)
    assert rel_error(evaluation.printed, true_value(cache, Target("dZ", 1))) > 1e-1


def test_errata_entries_are_complete_and_documented():
    documents = {"000 Rojas", "001 Zhang", "002 Wichmann", "003 blog"}
    assert {e.document for e in ERRATA} == documents
    keys = [e.key for e in ERRATA] + [n.key for n in NOTES]
    assert len(set(keys)) == len(keys)
    for e in ERRATA:
        assert e.quote and e.printed and e.corrected and e.printed != e.corrected, e.key
        assert len(e.explanation) > 60, e.key
        assert e.kind in ("typo", "ambiguity"), e.key
        assert e.category in {"derivative", "index", "transpose", "scaling", "per-example",
                              "label", "grouping", "notation"}, e.key
    assert sorted(e.key for e in ERRATA if not e.certain) == [
        "blog-per-sample", "wichmann-4.10", "wichmann-4.15", "wichmann-4.9"]
    assert {e.document for e in errata.by_document("001 Zhang")} == {"001 Zhang"}
    for note in NOTES:
        assert note.kind == "note" and note.quote and note.corrected and note.explanation
    assert {note.document for note in NOTES} == documents
    assert set(CHECKS) <= set(NOTES_BY_KEY)


def test_every_entry_has_a_kind_and_the_counts_are_per_kind():
    assert counts() == {"typo": 23, "ambiguity": 4, "note": 17}
    assert list(counts()) == list(KINDS)
    assert sum(len(by_kind(kind)) for kind in KINDS) == len(ERRATA) + len(NOTES)
    with pytest.raises(ValueError):
        by_kind("erratum")


def test_the_entries_the_issue_disputed_are_no_longer_typos():
    """Rojas (15) and his y_i, Wichmann (4.10), the blog's per-sample formulas: each rests on a
    reading, not on a slip of the printed text under the document's own conventions."""
    assert NOTES_BY_KEY["rojas-15"].kind == "note" and "rojas-15" not in BY_KEY
    assert NOTES_BY_KEY["rojas-y-index"].kind == "note"
    assert BY_KEY["wichmann-4.10"].kind == "ambiguity"
    assert BY_KEY["blog-per-sample"].kind == "ambiguity"  # both readings evaluated
    assert not {"blog-weights", "blog-interior-recursion", "rojas-5", "rojas-7"} & set(BY_KEY)
    assert BY_KEY["rojas-missing-m"].category == "scaling"  # (5), (7), (14): one cause, merged
    reading = {r.agrees: r.name for r in BY_KEY["wichmann-4.10"].readings}
    assert "left to right" in reading[True] and "matrix product first" in reading[False]


def test_quotes_are_the_printed_text_of_the_page():
    """A few quotes held to the text they quote (the tests never read the documents)."""
    assert BY_KEY["wichmann-6.7"].quote == r"H_i^{(1)} = \Delta_i^{(1)} (1 - (a_i^{(1)})^2)"
    assert BY_KEY["rojas-C"].quote == (
        r"(C) \quad dZ^{[l]} = dA^{[l]} \odot \alpha^{[l]}(Z^{[l]})")
    assert r"y - h_p(W, b; x, y)" in BY_KEY["zhang-step-1"].quote
    assert r"\sum_{m=1}^{N} \left[t_i" in BY_KEY["wichmann-3.8"].quote
    assert r"err'\{A_1^{[L](m)}, y_1\}" in BY_KEY["rojas-missing-m"].quote


def test_target_counts_layers_from_the_output_when_negative():
    assert Target("dW", -1).resolve(4) == 4
    assert Target("dA", -2).resolve(4) == 3
    assert Target("dW", 2).resolve(4) == 2
    assert Target("J").resolve(3) is None
    assert Target("dA", -2).describe() == "dJ/dA[L-1]"
    assert Target("dW", -1).describe(3) == "dJ/dW[3]"
    assert Target("Z", 1).describe() == "Z[1]"
    with pytest.raises(ValueError):
        Target("dX", 1)
    with pytest.raises(ValueError):
        Target("dW")
