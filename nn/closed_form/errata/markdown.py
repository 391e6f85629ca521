"""``docs/errata.md`` from the code: the evidence of ``report``, written up per kind.

Deterministic (fixed seeds; relative errors below 1e-13 written ``< 1e-13``), so the committed
file can be checked against the code: ``python -m nn.closed_form.errata --check``.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograd_core.atomic import write_text

from .entry import KINDS, Note
from .notes import NOTES
from .report import NETWORKS, Evidence, NoteEvidence, counts, evidence, note_evidence, summary

DOCUMENTS = {
    "000 Rojas": "Nate Rojas, *Vectorized Back-propagation Derivation* (v1.0, 2019)",
    "001 Zhang": "Rui Zhang, *Derivation of the back-propagation algorithm*",
    "002 Wichmann": "Kristian Wichmann, *General feed forward neural networks* (2017)",
    "003 blog": "*Bro, do you even backprop?* (blog post, unnamed author)",
}

HEADINGS = {"typo": "Typos", "ambiguity": "Ambiguities", "note": "Notes"}

INTRO = """\
# Errata of the four documents, checked against autodiff

Every slip found in the four backpropagation documents, read equation by equation under each
document's own conventions, with a verbatim quote of the printed text. Each entry has a kind:

- **typo**: wrong as printed: a wrong value, a wrong shape, or no value at all; where a
  careful reader might try more than one reading, each is evaluated, and none agrees;
- **ambiguity**: the printed text has two readings; both are evaluated, and the entry says
  which one agrees (so the kind follows from the numbers);
- **note**: no value changes (typesetting, wording, a shorthand or a notation with only one
  sensible reading).

Printed and corrected forms are written in NumPy (`nn/closed_form/errata/`) and evaluated on a
real `nn.MLP`; the true quantity comes from the engine's reverse-mode autodiff on the same
model and batch (`Z[l]`, `A[l]` and `J` from its forward pass, `dA`, `dZ`, `dW`, `db` from
`backward()`), never from finite differences. The relative error is
`max|form − autodiff| / max|autodiff|` over the whole quantity; a printed form that is a
constant multiple of the truth is reported as that factor. Every typo's printed form
disagrees (> 1e-3, a factor, a wrong shape, or an exception) and its corrected form agrees
(≤ 1e-12); for every ambiguity exactly the reading it names agrees; every note with a check
agrees. `tests/closed_form/test_errata_autodiff.py` checks all of it, and that this file is up
to date.

This file is generated: do not edit it. Regenerate it from the repository root with

    python -m nn.closed_form.errata

(fixed seeds; errors below 1e-13 are rounding and are written `< 1e-13`)."""


# The entries' prose writes its symbols in plain-text LaTeX: A_i^{[L](c)}, W_{i<-j}, (A^{(1)})^t.
# Left bare, Markdown reads [L](c) as a link and drops a backslash; so each symbol goes inside
# $...$, typeset by KaTeX on the site and by GitHub's own math support.
_SCRIPT = r"[_^](?:\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z0-9]+)"
_BASE = r"(?:[A-Za-z]+'?|\((?:[^()]|\([^()]*\))*\)(?=[_^]))"
_TERM = rf"{_BASE}(?:{_SCRIPT})*"  # a ' after a script closes a quote
_SYMBOL = re.compile(rf"(?<![\w$\\])(?<!\w\.){_TERM}(?:/{_TERM})*")
_GREEK = re.compile(r"(?<![A-Za-z\\])(d?)(alpha|beta|gamma|delta|Delta|epsilon|eta|theta|Theta|"
                    r"lambda|mu|sigma|Sigma|phi|Phi|sum)(?![A-Za-z])")
_CODE = re.compile(r"(``?)[^`]*?\1")


def _math(symbol: str) -> str:
    symbol = re.sub(r"([_^])([A-Za-z0-9]{2,})", r"\1{\2}", symbol)  # Theta_rs: both indices
    symbol = _GREEK.sub(r"\1\\\2", symbol).replace("<-", r"\leftarrow ")
    return f"${symbol}$"


def prose(text: str) -> str:
    """``text`` for Markdown: each symbol with a sub- or superscript in ``$...$``, a literal
    ``$`` as an entity; code spans as they are."""
    out, last = [], 0
    for code in _CODE.finditer(text):
        out += [_prose_part(text[last:code.start()]), code.group()]
        last = code.end()
    return "".join(out + [_prose_part(text[last:])])


def _prose_part(text: str) -> str:
    text = text.replace("$", "&#36;")

    def symbol(m: re.Match[str]) -> str:
        dotted = re.match(r"\.?\w", text[m.end():])  # part of a name: nn.closed_form.x
        return _math(m.group()) if re.search("[_^]", m.group()) and not dotted else m.group()

    return _SYMBOL.sub(symbol, text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    text = _cell(text)
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _formula(text: str) -> str:
    """A table cell's formula, typeset: in ``$...$``; words (two in a row outside ``\\text``)
    as prose; as code where a cell cannot hold it."""
    if "|" in text or "$" in text or "\n" in text:
        return _code(text)
    if re.search(r"\b[a-z]{3,} [a-z]{3,}\b", re.sub(r"\\[a-z]+(\{[^{}]*\})?", " ", text)):
        return prose(text)
    return f"${text.strip()}$"


def _anchor(key: str) -> str:
    return key.replace(".", "").lower()


def _counts_line() -> str:
    numbers = counts()
    return ", ".join(f"{numbers[kind]} {HEADINGS[kind].lower() if numbers[kind] != 1 else kind}"
                     for kind in KINDS)


def _summary_table(items: list[Evidence]) -> list[str]:
    lines = ["| erratum | document | equation | kind | quantity | network | printed vs autodiff "
             "| corrected vs autodiff |", "|---|---|---|---|---|---|---|---|"]
    for item in items:
        e = item.erratum
        lines.append(f"| [{e.key}](#{_anchor(e.key)}) | {e.document} | "
                     f"{_cell(prose(e.location))} | "
                     f"{e.kind} | `{item.target}` | {item.network.name} | "
                     f"{_cell(item.printed_text())} | {item.corrected_text()} |")
    return lines


def _entry(item: Evidence) -> list[str]:
    e = item.erratum
    lines = ["", f"### {e.key}", "",
             f"{e.document}, {prose(e.location)}: **{e.kind}** ({prose(e.category)}).",
             "", "Printed (verbatim):", "", "```text", e.quote, "```", ""]
    if e.printed != e.quote:
        lines += ["That is:", "", f"$$ {e.printed} $$", ""]
    lines += ["Corrected:", "", f"$$ {e.corrected} $$", "", prose(e.explanation), ""]
    where = (f"Evidence on network {item.network.name}, `{item.target}` of shape "
             f"{item.truth_shape} from autodiff: ")
    if item.readings:
        lines.append(where + "; ".join(
            f"reading {i}, {prose(r.name)}: {_reading_text(item, r)}"
            for i, r in enumerate(item.readings, 1)) + f". Corrected form: relative error "
            f"{item.corrected_text()}.")
    else:
        lines.append(where + f"printed form {_printed_sentence(item)}; corrected form relative "
                     f"error {item.corrected_text()}.")
    return lines


def _reading_text(item: Evidence, reading) -> str:
    verdict = "agrees" if reading.agrees else "disagrees"
    if reading.error:
        return f"does not evaluate, `{reading.error}` ({verdict})"
    if reading.shape != item.truth_shape:
        return f"has shape {reading.shape} ({verdict})"
    text = f"< {1e-13:.0e}" if reading.rel < 1e-13 else f"{reading.rel:.1e}"
    return f"relative error {text} ({verdict})"


def _printed_sentence(item: Evidence) -> str:
    if item.printed_error:
        return f"does not evaluate: `{item.printed_error}`"
    if item.printed_shape != item.truth_shape:
        return f"has shape {item.printed_shape}"
    if item.printed_scale is not None:
        return f"is the truth times a constant, {item.printed_text()}"
    return f"relative error {item.printed_text()}"


def _notes(notes: tuple[Note, ...], checks: dict[str, NoteEvidence]) -> list[str]:
    lines = ["| note | document | where | printed (verbatim) | should read | why | checked |",
             "|---|---|---|---|---|---|---|"]
    for note in notes:
        check = checks.get(note.key)
        checked = (f"{check.check.description}: `{check.target}` on {check.network.name}, "
                   f"{check.text()}" if check else "")
        lines.append(f"| <a id=\"{_anchor(note.key)}\"></a>{note.key} | {note.document} | "
                     f"{_cell(prose(note.location))} | {_code(note.quote)} | "
                     f"{_formula(note.corrected)} | "
                     f"{_cell(prose(note.explanation))} | {_cell(prose(checked))} |")
    return lines


def render_markdown(seed: int = 0) -> str:
    """``docs/errata.md``: counts per kind, the summary table, every entry, and the notes."""
    items = evidence(seed)
    checks = note_evidence(seed)
    lines = [INTRO, "", "## The documents", ""]
    lines += [f"- **{doc}**: {title}" for doc, title in DOCUMENTS.items()]
    lines += ["", "## Networks", ""]
    lines += [f"- **{n.name}**: {n.description}. Weights Xavier-initialised (seed {seed}), "
              f"biases drawn N(0, 0.5²)." for n in NETWORKS]
    lines += ["", "Each entry is evaluated on a network that meets its conditions, the "
              "document's own loss first (squared error for 001 and 003), preferring one on "
              "which the printed form yields a value to compare over one where it cannot.",
              "", "## Summary", "", f"{_counts_line()}.", ""]
    lines += [f"- {line}" for line in summary(items, NOTES, checks).splitlines()]
    lines += ["", *_summary_table(items)]
    for kind in ("typo", "ambiguity"):
        lines += ["", f"## {HEADINGS[kind]}"]
        for item in items:
            if item.kind == kind:
                lines += _entry(item)
    lines += ["", "## Notes (slips that change no value)", "",
              "Typesetting, wording, shorthand and notation. Where the claim that no value "
              "changes can be computed, the printed form, read as the document means it, is "
              "evaluated against autodiff (last column).", ""]
    lines += _notes(NOTES, {c.note.key: c for c in checks})
    return "\n".join(lines) + "\n"


def write_markdown(path: str | Path = "docs/errata.md", seed: int = 0) -> Path:
    """Write :func:`render_markdown` to ``path`` (UTF-8, ``\\n`` line ends) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text(path, render_markdown(seed), "errata markdown")
