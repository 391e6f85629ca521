"""``backprop errata``: the table of every erratum with its numbers, filters, Markdown, JSON."""

import json

from nn.cli import main
from nn.closed_form.errata import ERRATA, NOTES


def test_table_lists_every_erratum_with_both_equations_and_numbers(capsys):
    assert main(["errata"]) == 0
    out = capsys.readouterr().out
    for document in ("000 Rojas", "001 Zhang", "002 Wichmann", "003 blog"):
        typos = sum(e.document == document and e.kind == "typo" for e in ERRATA)
        assert f"\n{document}: {typos} typo" in out
    for erratum in ERRATA:
        assert f"  {erratum.key} " in out
    assert out.count("      printed    ") == len(ERRATA)
    assert out.count("      corrected  ") == len(ERRATA)
    assert "printed vs autodiff" in out and "corrected vs autodiff" in out
    assert "does not evaluate (ValueError)" in out  # e.g. Wichmann (6.4), H A^(1)
    assert "< 1e-13" in out
    typos = sum(e.kind == "typo" for e in ERRATA)
    assert f"{typos} typos: {typos} printed forms disagree with autodiff" in out
    assert "1 ambiguity" in out and f"{len(NOTES)} notes" in out
    assert "\\frac" not in out and "\\partial" not in out  # equations in Unicode: ∂, ⊙


def test_document_filter(capsys):
    assert main(["errata", "--document", "002"]) == 0
    out = capsys.readouterr().out
    assert "002 Wichmann: " in out
    assert "000 Rojas" not in out and "001 Zhang" not in out and "003 blog" not in out
    assert "  wichmann-6.4 " in out or "(6.4)" in out
    assert main(["errata", "--document", "000", "--document", "003"]) == 0
    out = capsys.readouterr().out
    assert "000 Rojas: " in out and "003 blog: " in out and "002 Wichmann" not in out


def test_notes_are_listed_on_request(capsys):
    assert main(["errata", "--document", "001", "--notes"]) == 0
    out = capsys.readouterr().out
    assert "notes (slips that change no value):" in out
    assert "001 Zhang, step 2)" in out


def test_markdown_is_the_write_up(capsys):
    assert main(["errata", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Errata of the four documents")
    assert "| erratum | document | equation |" in out


def test_markdown_does_not_combine_with_a_filter(capsys):
    assert main(["errata", "--markdown", "--document", "002"]) == 2
    assert "does not combine with --document" in capsys.readouterr().err


def test_json_parses(capsys):
    assert main(["errata", "--json", "--document", "003", "--notes"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {row["document"] for row in data["errata"]} == {"003 blog"}
    assert all(row["printed_disagrees"] and row["corrected_agrees"] for row in data["errata"])
    blog_notes = [note for note in NOTES if note.document == "003 blog"]
    assert [note["key"] for note in data["notes"]] == [note.key for note in blog_notes]
