"""``backprop errata``: every wrong printed equation of the four documents, with the corrected
equation and the evidence, both forms measured against autodiff on a real network."""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap

from .cli_common import add_command, seed

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
    from .closed_form.errata import ERRATA, NOTES
    from .closed_form.errata.report import NETWORKS, evidence, render_markdown

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
    header = ("erratum", "equation", "quantity", "net", "printed vs autodiff",
              "corrected vs autodiff")
    rows = [(item.key, item.erratum.location + ("" if item.erratum.certain else " (ambiguous)"),
             item.target, item.network.name, item.printed_text(), item.corrected_text())
            for item in items]
    widths = [max(len(cells[i]) for cells in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths)).rstrip()

    document = None
    for item, cells in zip(items, rows):
        if item.erratum.document != document:
            document = item.erratum.document
            count = sum(i.erratum.document == document for i in items)
            print(f"{document}: {count} errat{'um' if count == 1 else 'a'}")
            print(f"  {line(header)}")
            print(f"  {line(tuple('-' * w for w in widths))}")
        print(f"  {line(cells)}")
        for label, latex in (("printed  ", item.erratum.printed),
                             ("corrected", item.erratum.corrected)):
            print(textwrap.fill(latex, max(width, 60), initial_indent=f"      {label}  ",
                                subsequent_indent=" " * 17, break_long_words=False,
                                break_on_hyphens=False))
    print()
    disagree = sum(item.disagrees for item in items)
    agree = sum(item.agrees for item in items)
    print(f"{len(items)} errata: {disagree} printed forms disagree with autodiff (rel. error "
          f"> 1e-3, a wrong shape, or no value); {agree} corrected forms agree (<= 1e-12)")
    if notes:
        print()
        print(f"{len(notes)} notes (slips that change no value, not evaluated):")
        for note in notes:
            print(f"  {note.document}, {note.location}: {note.explanation}")
    return 0
