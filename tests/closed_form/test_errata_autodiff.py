"""Every erratum on a real nn.MLP against autodiff, and docs/errata.md generated from it."""

import json
from pathlib import Path

import numpy as np
import pytest

from nn.closed_form.errata import (
    BY_KEY,
    CHECKS,
    ERRATA,
    NETWORKS,
    NOTES,
    counts,
    errata_table,
    evidence,
    note_evidence,
    render_markdown,
)
from nn.closed_form.errata.__main__ import main
from nn.closed_form.errata.report import AGREES, DISAGREES, truth_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "errata.md"
EVIDENCE = {item.key: item for item in evidence()}
CHECKED = {item.note.key: item for item in note_evidence()}
RUNS = {network.name: network.run() for network in NETWORKS}


def test_every_erratum_has_evidence_on_a_network_meeting_its_conditions():
    assert list(EVIDENCE) == [erratum.key for erratum in ERRATA]
    for item in EVIDENCE.values():
        ok, reason = item.erratum.requires(RUNS[item.network.name].cache)
        assert ok, (item.key, reason)


@pytest.mark.parametrize("key", [erratum.key for erratum in ERRATA])
def test_printed_form_disagrees_with_autodiff_and_corrected_form_agrees(key):
    item = EVIDENCE[key]
    assert item.corrected_rel <= AGREES == 1e-12, (key, item.corrected_rel)
    assert item.printed_rel > DISAGREES == 1e-3, (key, item.printed_rel)  # (the other reading)
    if item.printed_error is None and item.printed_shape == item.truth_shape:
        assert np.isfinite(item.printed_rel)  # a value that is simply wrong
    else:
        assert item.printed_error or item.printed_shape != item.truth_shape


@pytest.mark.parametrize("key", [e.key for e in ERRATA if e.kind == "ambiguity"])
def test_an_ambiguity_names_the_reading_that_agrees_with_autodiff(key):
    readings = EVIDENCE[key].readings
    assert len(readings) == 2
    assert [r.agrees for r in readings] == [r.claimed for r in readings]
    assert sorted(r.agrees for r in readings) == [False, True]


def test_every_checked_note_agrees_with_autodiff():
    assert set(CHECKED) == set(CHECKS)
    for key, item in CHECKED.items():
        assert item.rel <= AGREES, (key, item.rel)
        assert item.network.name in {n.name for n in NETWORKS}


def test_the_truth_is_autodiff_not_a_formulation():
    run = RUNS["A"]  # section 6: 2-4-1 on 400 flower points
    model_grad = run.gradients["dW", 2]
    assert model_grad.shape == (1, 4) and run.cache.m == 400
    np.testing.assert_array_equal(truth_of(run, "dW", 2), model_grad)
    np.testing.assert_array_equal(truth_of(run, "Z", 1), run.cache.Z[1])
    assert truth_of(run, "J", None) == pytest.approx(run.J, rel=0)
    assert run.gradients["dA", 0].shape == (2, 400)  # dJ/dX is there for targets at layer 0


def test_evidence_numbers_that_the_document_quotes():
    missing_m = EVIDENCE["rojas-missing-m"]  # (5) without the 1/m: m times the gradient
    assert missing_m.printed_scale == pytest.approx(400, rel=1e-12)
    assert missing_m.printed_text() == "factor m = 400"  # not "relative error 4.0e+02"
    assert EVIDENCE["rojas-2"].printed_error.startswith("IndexError")
    assert EVIDENCE["wichmann-6.4"].printed_error.startswith("ValueError")
    assert EVIDENCE["wichmann-6.7"].printed_error.startswith("ValueError")  # (4x1)(4x1)
    assert EVIDENCE["zhang-step-1"].printed_shape == (2, 2, 400)
    assert EVIDENCE["wichmann-4.10"].erratum.certain is False
    assert EVIDENCE["wichmann-4.10"].printed_text() == (
        "reading 1 < 1e-13; reading 2 does not evaluate (ValueError)")
    assert EVIDENCE["wichmann-3.8"].printed_scale is None  # a scalar is a multiple of anything
    assert {EVIDENCE[k].network.name for k in ("zhang-step-3", "blog-output-layer")} == {"B"}
    assert {item.network.name for item in EVIDENCE.values()
            if item.key.startswith("wichmann-6")} == {"A"}


def test_errata_table_is_json():
    rows = json.loads(json.dumps(errata_table(), allow_nan=False))
    assert [row["key"] for row in rows] == [erratum.key for erratum in ERRATA]
    for row in rows:
        assert row["printed_disagrees"] and row["corrected_agrees"], row["key"]
        assert {"document", "equation", "kind", "quote", "printed", "corrected",
                "printed_evidence", "readings"} <= set(row)
    ambiguities = [row for row in rows if row["kind"] == "ambiguity"]
    assert len(ambiguities) == 4
    for ambiguity in ambiguities:
        assert sorted(r["agrees"] for r in ambiguity["readings"]) == [False, True]
    for typo in (row for row in rows if row["kind"] == "typo" and row["readings"]):
        assert not any(r["agrees"] for r in typo["readings"]), typo["key"]  # hence a typo
    assert next(r for r in rows if r["key"] == "rojas-missing-m")["printed_factor"] == \
        pytest.approx(400)


def test_committed_errata_document_is_up_to_date():
    text = render_markdown()
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/errata.md is stale: run python -m nn.closed_form.errata")


def test_errata_document_lists_every_entry_by_kind_with_its_quote():
    text = DOC.read_text(encoding="utf-8")
    assert text.startswith("# Errata") and "python -m nn.closed_form.errata" in text
    assert "23 typos, 4 ambiguities, 17 notes." in text
    assert counts() == {"typo": 23, "ambiguity": 4, "note": 17}
    typos = text.split("## Typos")[1].split("## Ambiguities")[0]
    ambiguities = text.split("## Ambiguities")[1].split("## Notes")[0]
    for erratum in ERRATA:
        section = typos if erratum.kind == "typo" else ambiguities
        assert f"### {erratum.key}\n" in section and f"[{erratum.key}]" in text
        assert erratum.quote in section
    notes = text.split("## Notes (slips that change no value)")[1]
    assert notes.count("\n| <a id=") == len(NOTES) == 17
    assert "factor m = 400" in text
    assert "reading 1, left to right" in ambiguities and "(agrees)" in ambiguities
    assert "shared/" not in text and "seeds/" not in text  # cited by title, never by path
    assert len(BY_KEY) == 27


def test_module_entry_point_writes_and_checks(tmp_path, capsys):
    target = tmp_path / "errata.md"
    assert main(["--check", "--output", str(target)]) == 1  # missing
    assert main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert main(["--check", "--output", str(target)]) == 0
    target.write_text("stale\n", encoding="utf-8")
    assert main(["--check", "--output", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
