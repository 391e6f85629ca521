"""MkDocs hook: the exercise notebooks, blank and solved, as pages of the site.

Each ``notebooks/exercises/*.ipynb`` becomes ``exercises/<name>/`` at build time (markdown
cells as they are, so their ``$...$`` goes through arithmatex and KaTeX like every other
page; code cells and their stored outputs as fenced blocks), with the notebook itself beside
it to download. ``exercises/index.md`` lists them all, so a new notebook needs no edit here or
in ``mkdocs.yml``. Nothing is executed: the solved notebooks carry their outputs.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {"exercises": ROOT / "notebooks" / "exercises"}  # site folder -> notebook folder

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

INDEX_INTRO = """\
# Exercises: backprop yourself

One notebook per document: write its backward pass in its own notation, one quantity at a
time, and a grader checks each against autodiff and names the slip when it is wrong. Each
comes blank (to fill in) and solved (with the grader's output). Download a notebook and open
it in Jupyter where autograd-core is installed (`pip install -e '.[notebooks]'` in a clone), or
write fresh ones with `backprop exercise`.
"""


def _fence(text: str, lang: str = "") -> list[str]:
    """A fenced block that no backtick run inside ``text`` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", text.rstrip("\n"), fence, ""]


def _output(output: Any) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        return _fence(_ANSI.sub("", "".join(output.get("text", ""))), "text")
    if kind == "error":
        return _fence(_ANSI.sub("", "\n".join(output.get("traceback", []))), "text")
    data = output.get("data", {})
    for mime in ("image/svg+xml", "image/png", "image/jpeg"):
        if mime in data:
            payload = data[mime]
            if mime == "image/svg+xml":  # stored as text: encode it to keep it one element
                payload = base64.b64encode("".join(payload).encode("utf-8")).decode("ascii")
            return [f'<p><img alt="output" src="data:{mime};base64,{"".join(payload).strip()}">'
                    "</p>", ""]
    if "text/html" in data:  # raw HTML block: a blank line on each side, none inside
        body = "".join(data["text/html"]).strip()
        return ['<div class="nb-output">' + re.sub(r"\n\s*\n", "\n", body) + "</div>", ""]
    if "text/plain" in data:
        return _fence("".join(data["text/plain"]), "text")
    return []


def _relink(source: str, path: Path) -> str:
    """Links in a notebook's markdown, relative to the notebook, made relative to its page:
    ``../../docs/errata.md`` to ``../errata.md``, ``other.ipynb`` beside it to ``other.md``.
    A target that is neither is left alone (a bracket pair inside math, or a link that the
    strict build then reports)."""
    docs = ROOT / "docs"

    def link(m: re.Match[str]) -> str:
        target, _, fragment = m.group(1).partition("#")
        if not target or re.match(r"[a-z][a-z0-9+.-]*:", target):
            return m.group()
        resolved = (path.parent / target).resolve()
        if resolved.suffix == ".ipynb" and resolved.parent == path.parent and resolved.exists():
            new = resolved.with_suffix(".md").name
        elif resolved.is_relative_to(docs) and resolved.is_file():
            new = "../" + resolved.relative_to(docs).as_posix()  # pages sit one folder down
        else:
            return m.group()
        return f"]({new}{'#' + fragment if fragment else ''})"

    return re.sub(r"\]\(([^()\s]+)\)", link, source)


def notebook_markdown(path: Path, download: str) -> str:
    """One notebook as a markdown page, with a link to ``download`` (the notebook's URL)."""
    notebook = nbformat.read(path, as_version=4)
    body: list[str] = []
    heading = f"# {_title(notebook, path)}"
    for cell in notebook.cells:
        source = cell.source.strip("\n")
        if cell.cell_type == "markdown":
            if not body and source.startswith("# "):  # its heading is the page's
                heading, _, source = source.partition("\n")
            body += [_relink(source, path), ""]
        elif cell.cell_type == "code":
            body += _fence(source, "python")
            for output in cell.get("outputs", []):
                body += _output(output)
    where = path.relative_to(ROOT).as_posix()
    return "\n".join([heading, "", f"[Download the notebook]({download}) (`{where}` in the "
                      "repository)", "", *body]) + "\n"


def _title(notebook: Any, path: Path) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            first = cell.source.lstrip().split("\n", 1)[0]
            if first.startswith("# "):
                return first[2:].strip()
            break
    return path.stem.replace("_", " ")


def _index(folder: str, notebooks: list[Path]) -> str:
    """One row per exercise (by title, so by level), its blank and solved notebooks side by
    side; a notebook named neither ``*_exercise`` nor ``*_solved`` gets a row of its own."""
    rows: dict[str, dict[str, Path]] = {}
    for path in notebooks:
        base, _, kind = path.stem.rpartition("_")
        if kind not in ("exercise", "solved"):
            base, kind = path.stem, "exercise"
        rows.setdefault(base, {})[kind] = path

    def cell(path: Path | None) -> str:
        return f"[page]({path.stem}.md), [{path.name}]({path.name})" if path else ""

    def title(paths: dict[str, Path]) -> str:
        path = next(iter(paths.values()))
        text = _title(nbformat.read(path, as_version=4), path)
        return html.escape(text, quote=False).replace("|", "\\|")

    lines = [INDEX_INTRO, "| exercise | blank | solved |", "|---|---|---|"]
    for paths in sorted(rows.values(), key=title):
        lines.append(f"| {title(paths)} | {cell(paths.get('exercise'))} | "
                     f"{cell(paths.get('solved'))} |")
    if not rows:
        lines.append(f"| (none in `notebooks/{folder}`) | | |")
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    for folder, source in SOURCES.items():
        notebooks = sorted(source.glob("*.ipynb"))
        for path in notebooks:
            files.append(File.generated(
                config, f"{folder}/{path.stem}.md", inclusion=InclusionLevel.NOT_IN_NAV,
                content=notebook_markdown(path, path.name)))
            files.append(File.generated(config, f"{folder}/{path.name}",
                                        abs_src_path=str(path)))
        files.append(File.generated(config, f"{folder}/index.md",
                                    content=_index(folder, notebooks)))
    return files
