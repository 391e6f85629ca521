"""How a :class:`~nn.closed_form.compare.Comparison` reads: text table, Markdown, JSON.

Every rendering carries the same facts: each row's document symbol (or "(not in the
document)" and the document's own expression), the document's layer name where it numbers
layers otherwise (Zhang), the conversion, which printed equations were corrected to agree (or
"as printed"), how a per-example quantity was averaged, a scale-only difference as a factor
(``"factor m = 400"``) rather than a relative error, the caveats of every applicable
formulation, the formulations that do not apply with their reasons, and the verdict.
``compare`` computes; this module only presents.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .factors import describe_factor
from .rows import ATOL, RELATIVE_DIFFERENCE, RTOL

if TYPE_CHECKING:
    from .compare import Comparison, Row

RIGHT = (2, 5, 6)
"""Columns aligned right: layer, max abs, max rel."""


def _fmt(value: float) -> str:
    return f"{value:.1e}" if math.isfinite(value) else str(value)


def shown_symbol(row: Row) -> str:
    """The document's symbol, or ``"(not in the document) <its expression>"``, and the
    document's layer name where it differs from ours (``"δ [his layer n_l-1]"``)."""
    text = row.symbol if row.in_document else f"(not in the document) {row.symbol}"
    return f"{text} [{row.document_layer}]" if row.document_layer else text


def relative_text(row: Row) -> str:
    """``max rel`` as a number, or the factor when the difference is a scale only."""
    return describe_factor(row.scale, row.m) if row.scale is not None else _fmt(row.max_rel)


def summary(report: Comparison, rtol: float | None = None, atol: float | None = None) -> str:
    """One sentence: how many quantities agree, or which disagree, and the worst of them."""
    rtol, atol = (RTOL if rtol is None else rtol), (ATOL if atol is None else atol)
    if not report.rows:
        return "no formulation applies to this network and loss"
    worst = report.worst(rtol, atol)
    assert worst is not None  # there are rows
    where = f"{worst.formulation} {worst.name}" + (
        f" ({worst.symbol})" if worst.symbol != worst.quantity and worst.in_document else "")
    failed = report.failures(rtol, atol)
    if not failed:
        return (f"all {len(report.rows)} quantities agree (worst: {where}, "
                f"max rel {_fmt(worst.max_rel)}, max abs {_fmt(worst.max_abs)})")
    names = sorted({row.formulation for row in failed})
    how = relative_text(worst) if worst.scale is not None else f"max rel {_fmt(worst.max_rel)}"
    return (f"{len(failed)} of {len(report.rows)} quantities DISAGREE, in "
            f"{', '.join(names)} (worst: {where}, {how})")


def body(report: Comparison, rtol: float, atol: float) -> tuple[list[str], list[list[str]]]:
    """The table's header and rows as text cells (formulation and document once per block)."""
    header = ["formulation", "document", "layer", "symbol", "quantity", "max abs", "max rel",
              "ok", "conversion and corrections"]
    rows, previous = [], None
    for row in report.rows:
        first = row.formulation != previous
        previous = row.formulation
        rows.append([
            row.formulation if first else "", row.document if first else "",
            str(row.layer), shown_symbol(row), row.name, _fmt(row.max_abs), relative_text(row),
            "ok" if row.passes(rtol, atol) else "FAIL", row.disclosure,
        ])
    return header, rows


def _caveat_lines(report: Comparison) -> list[tuple[str, str, str]]:
    return [(name, report.documents.get(name, ""), caveat)
            for name, caveats in report.caveats.items() for caveat in caveats]


def text(report: Comparison, rtol: float, atol: float) -> str:
    """The fixed-width table ``print(report)`` shows."""
    header, rows = body(report, rtol, atol)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in RIGHT else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines = [
        f"autodiff vs closed form: {report.network}, J = {report.J:.6g}",
        f"max rel = {RELATIVE_DIFFERENCE}; ok: max rel <= {rtol:g} or max abs <= {atol:g}; "
        f"a difference that is a scale only reads 'factor ...'",
        "",
    ]
    if rows:
        lines += [line(header), line(["-" * w for w in widths]), *map(line, rows)]
    caveats = _caveat_lines(report)
    if caveats:
        lines += ["", "caveats (what a formulation reads into or adds to its document):"]
        width = max(len(name) for name, _, _ in caveats)
        lines += [f"  {name.ljust(width)}  ({doc}) {caveat}" if doc else
                  f"  {name.ljust(width)}  {caveat}" for name, doc, caveat in caveats]
    if report.not_applicable:
        lines += ["", "not applicable:"]
        width = max(len(item.formulation) for item in report.not_applicable)
        for item in report.not_applicable:
            doc = report.documents.get(item.formulation, "")
            doc = f"({doc}) " if doc else ""
            lines.append(f"  {item.formulation.ljust(width)}  {doc}{item.reason}")
    lines += ["", summary(report, rtol, atol)]
    return "\n".join(lines)


def markdown(report: Comparison, rtol: float, atol: float) -> str:
    """The table as GitHub Markdown (what Jupyter renders), with the same caveats and lists."""
    header, rows = body(report, rtol, atol)

    def cell(value: str) -> str:
        return value.replace("|", "\\|")

    lines = [f"Autodiff vs closed form: {report.network}, J = {report.J:.6g}.", "",
             "| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in RIGHT else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    caveats = _caveat_lines(report)
    if caveats:
        lines += ["", "Caveats (what a formulation reads into or adds to its document):", ""]
        lines += [f"- `{name}` ({doc}): {caveat}" for name, doc, caveat in caveats]
    if report.not_applicable:
        lines += ["", "Not applicable:", ""]
        lines += [f"- `{item.formulation}` ({report.documents.get(item.formulation, '')}): "
                  f"{item.reason}" for item in report.not_applicable]
    lines += ["", f"Relative difference: {RELATIVE_DIFFERENCE}; a difference that is a scale "
                  f"only reads as a factor. {summary(report, rtol, atol)}."]
    return "\n".join(lines)


def as_dict(report: Comparison, rtol: float, atol: float) -> dict[str, Any]:
    """Everything, JSON-serialisable (non-finite differences become ``None``)."""
    worst = report.worst(rtol, atol)
    return {
        "network": {"sizes": list(report.sizes), "activations": list(report.activations)},
        "loss": report.loss,
        "m": report.m,
        "dtype": report.dtype,
        "J": report.J,
        "relative_difference": RELATIVE_DIFFERENCE,
        "rtol": rtol,
        "atol": atol,
        "ok": report.ok(rtol, atol),
        "summary": summary(report, rtol, atol),
        "worst": None if worst is None else _row(worst),
        "rows": [_row(row) for row in report.rows],
        "applicable": [{"formulation": name, "document": report.documents.get(name, ""),
                        "reason": reason, "caveats": list(report.caveats.get(name, ()))}
                       for name, reason in report.applicable.items()],
        "not_applicable": [{"formulation": item.formulation,
                            "document": report.documents.get(item.formulation, ""),
                            "reason": item.reason} for item in report.not_applicable],
    }


def _row(row: Row) -> dict[str, Any]:
    out = row.to_dict()
    out["shown_symbol"] = shown_symbol(row)
    out["scale_text"] = None if row.scale is None else describe_factor(row.scale, row.m)
    return out
