"""``backprop errata``: every wrong printed equation of the four documents, with the corrected
equation and the evidence, both forms measured against autodiff on a real network."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import textwrap

from .common import add_command, seed

DOCUMENTS = ("000", "001", "002", "003")


def add_errata(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "errata", "the documents' wrong equations, printed versus corrected",
        "List the documents' errata: each printed equation that is wrong, the corrected one, "
        "and\nboth checked against autodiff.\n\n"
        "Both forms of every erratum are evaluated on an nn.MLP; the truth comes from autodiff "
        "on the\nsame model and batch. The relative error is max|form - autodiff| / "
        "max|autodiff|; a printed\nform may also fail to evaluate or give the wrong shape, "
        "which is evidence too.",
        """
        backprop errata
        backprop errata --document 002 --notes
        backprop errata --markdown > errata.md
        """,
    )
    parser.add_argument("--document", choices=DOCUMENTS, action="append", dest="documents",
                        help="only this document's errata (repeatable): 000 Rojas, 001 Zhang, "
                             "002 Wichmann, 003 blog")
    parser.add_argument("--notes", action="store_true",
                        help="also list the slips that change no value (typesetting, wording)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--markdown", action="store_true",
                        help="print the whole write-up as Markdown (docs/errata.md) instead")
    output.add_argument("--json", action="store_true", help="print the rows as JSON instead")
    parser.add_argument("--seed", type=seed, default=0,
                        help="seed of the networks' weights (default: %(default)s)")
    parser.set_defaults(run=run_errata, parser=parser,
                        memory_hint="close other programs and run it again")


def run_errata(args: argparse.Namespace) -> int:
    from ..closed_form.errata import ERRATA, NOTES, note_evidence, summary
    from ..closed_form.errata.markdown import render_markdown
    from ..closed_form.errata.report import NETWORKS, evidence

    if args.markdown:
        if args.documents or args.notes:
            args.parser.error("--markdown prints the whole write-up (notes included); "
                              "it does not combine with --document or --notes")
        print(render_markdown(args.seed), end="")
        return 0
    wanted = set(args.documents or DOCUMENTS)
    chosen = tuple(e for e in ERRATA if e.document[:3] in wanted)
    items = evidence(args.seed, chosen)
    notes = [note for note in NOTES if note.document[:3] in wanted] if args.notes else []
    if args.json:
        print(json.dumps({"errata": [item.to_dict() for item in items],
                          "notes": [note.__dict__ for note in notes]}, indent=2))
        return 0

    width = shutil.get_terminal_size((100, 24)).columns
    used = {item.network.name for item in items}
    for network in NETWORKS:
        if network.name in used:
            print(f"network {network.name}: {network.description.replace('`', '')}")
    print()
    header = ("erratum", "kind", "equation", "quantity", "net", "printed vs autodiff",
              "corrected vs autodiff")
    rows = [(item.key, item.kind, item.erratum.location, item.target, item.network.name,
             item.printed_text(), item.corrected_text()) for item in items]
    widths = [max(len(cells[i]) for cells in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths)).rstrip()

    document = None
    for item, cells in zip(items, rows):
        if item.erratum.document != document:
            document = item.erratum.document
            mine = [i for i in items if i.erratum.document == document]
            kinds = ", ".join(f"{n} {k}{'' if n == 1 else 's'}" for k, n in (
                ("typo", sum(i.kind == "typo" for i in mine)),
                ("ambiguity", sum(i.kind == "ambiguity" for i in mine))) if n)
            print(f"{document}: {kinds}")
            print(f"  {line(header)}")
            print(f"  {line(tuple('-' * w for w in widths))}")
        print(f"  {line(cells)}")
        for label, latex in (("printed  ", item.erratum.printed),
                             ("corrected", item.erratum.corrected)):
            print(textwrap.fill(unicode_math(latex), max(width, 60),
                                initial_indent=f"      {label}  ", subsequent_indent=" " * 17,
                                break_long_words=False, break_on_hyphens=False))
    print()
    print("printed/corrected vs autodiff: the relative error max|form − autodiff| / "
          "max|autodiff|, a factor when the form is a multiple of autodiff, or why it has no "
          "value")
    shown = [note for note in NOTES if note.document[:3] in wanted]
    print(summary(items, shown, note_evidence(args.seed, shown)))
    if notes:
        print()
        print(f"{len(notes)} notes (slips that change no value):")
        for note in notes:
            print(f"  {note.document}, {note.location} [{note.key}]: {note.explanation}")
    return 0


_MACROS = [(r"\leftarrow", "←"), (r"\left", ""), (r"\right", ""), (r"\odot", "⊙"),
           (r"\cdots", "⋯"), (r"\cdot", "·"), (r"\ldots", "…"), (r"\dots", "…"),
           (r"\partial", "∂"), (r"\sum", "Σ"), (r"\Delta", "Δ"), (r"\delta", "δ"),
           (r"\sigma", "σ"), (r"\alpha", "α"), (r"\Theta", "Θ"), (r"\theta", "θ"),
           (r"\times", "×"), (r"\prime", "′"), (r"\log", "log "), (r"\exp", "exp "),
           (r"\diag", "diag "), (r"\vdots", "⋮"), (r"\ddots", "⋱"), (r"\quad", "  "),
           (r"\limits", ""), (r"\,", " "), (r"\;", " ")]
_OLD_STYLE = re.compile(r"\{\\(?:bf|rm|it)\s+([^{}]*)\}")
_WRAPPERS = re.compile(r"\\(?:mathcal|mathrm|mathbf|text|operatorname|bf)\s*\{([^{}]*)\}")


def _script(match: re.Match) -> str:
    body = match.group(2)
    simple = len(body) == 1 or body.startswith("(") and body.endswith(")")
    return match.group(1) + (body if simple else f"({body})")


def _frac(match: re.Match) -> str:
    parts = [p.strip() for p in match.groups()]
    return "/".join(p if re.fullmatch(r"[\w.]+", p) else f"({p})" for p in parts)


def unicode_math(latex: str) -> str:
    """LaTeX as a terminal shows it: Greek letters and operators in Unicode, ``\\frac{a}{b}``
    as ``(a)/(b)``, ``^t`` as ``ᵀ``, matrices in brackets; ``_`` and ``^`` stay."""
    text = latex.replace("\\{", "\x01").replace("\\}", "\x02")  # literal braces, kept
    text = re.sub(r"\\begin\{[pb]?matrix\}", "[", text)
    text = re.sub(r"\\end\{[pb]?matrix\}", "]", text).replace("&", ",").replace("\\\\", ";")
    text = re.sub(r"\^\{t\}|\^t(?![A-Za-z])", "ᵀ", text)
    for _ in range(8):  # innermost braces first, until nothing changes
        new = _OLD_STYLE.sub(r"\1", text)  # {\bf a}: the blog's old-style bold
        new = _WRAPPERS.sub(r"\1", re.sub(r"([_^])\{([^{}]*)\}", _script, new))
        new = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", _frac, new)
        new = re.sub(r"\\frac\s*([0-9A-Za-z])\s*([0-9A-Za-z])", r"\1/\2", new)  # \frac1N
        if new == text:
            break
        text = new
    for macro, symbol in _MACROS:
        tail = r"(?![A-Za-z])\s*" if macro[-1].isalpha() else ""
        text = re.sub(re.escape(macro) + tail, symbol, text)
    text = text.replace("{", "").replace("}", "").replace("\x01", "{").replace("\x02", "}")
    return re.sub(r"\s+", " ", text).strip()
