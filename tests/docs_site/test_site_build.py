"""The site builds in strict mode, every link and asset in it resolves inside it, nothing loads
from elsewhere, and the pages learners use are there: the exercise notebooks, the step page."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat

from .conftest import ROOT

# (tag, attribute) pairs the browser fetches by itself: none may leave the site
FETCHED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("link", "href"),
           ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(site: Path, page: Path, url: str) -> Path:
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):  # 404.html: from the site's root (served at /)
        target = (site / path.lstrip("/")).resolve()
    else:
        target = (page.parent / path).resolve() if path else page
    if target.is_dir():
        target = target / "index.html"
    assert target.is_relative_to(site.resolve()), f"{page}: {url} leaves the site"
    return target


def test_every_link_and_asset_resolves_inside_the_site(site):
    pages = sorted(site.rglob("*.html"))
    parsed = {p.resolve(): _parse(p) for p in pages}
    broken, outside = [], []
    for page in pages:
        for tag, attribute, url in parsed[page.resolve()].links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                if (tag, attribute) in FETCHED and not url.startswith("data:"):
                    outside.append(f"{page.relative_to(site)}: <{tag} {attribute}={url}>")
                continue  # a link a reader may follow out (mkdocs.org in the footer)
            target = _target(site, page, url)
            where = f"{page.relative_to(site)}: <{tag} {attribute}={url!r}>"
            if not target.exists():
                broken.append(where)
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in parsed[target.resolve()].ids:
                    broken.append(where + " (no such anchor)")
    assert not outside, "fetched from outside the site:\n" + "\n".join(outside)
    assert not broken, "broken:\n" + "\n".join(broken)


def test_no_raw_sphinx_roles_and_math_is_left_for_katex(site):
    raw = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        raw += [f"{page.relative_to(site)}: {m.group()}"
                for m in re.finditer(r":(?:py:)?[a-z]+:(?:<code>|`)", text)]
    assert not raw, "\n".join(raw)
    grading = (site / "api" / "closed_form" / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in grading  # :math: roles became \( \) for KaTeX
    errata = (site / "errata" / "index.html").read_text(encoding="utf-8")
    assert errata.count('<div class="arithmatex">') >= 33  # every $$ block, one display each
    assert '<a href="c">' not in errata


def test_api_reference_and_architecture(site):
    page = (site / "api" / "autograd_core" / "index.html").read_text(encoding="utf-8")
    assert "register_hook" in page and "create_graph" in page
    assert (site / "architecture" / "index.html").exists()


def test_every_exercise_notebook_is_a_page_with_its_cells(site):
    notebooks = sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb"))
    names = {p.stem for p in notebooks}
    assert any(n.endswith("_exercise") for n in names), names  # blank and solved
    assert any(n.endswith("_solved") for n in names), names
    index = (site / "exercises" / "index.html").read_text(encoding="utf-8")
    for path in notebooks:
        page = site / "exercises" / path.stem / "index.html"
        text = page.read_text(encoding="utf-8")
        assert f'href="{path.stem}/"' in index and (site / "exercises" / path.name).exists()
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert text.count('<div class="codehilite">') + text.count("<pre><code") >= len(code)
        for cell in code:  # each cell's first name, as the highlighter splits it
            first = re.match(r"\w+", cell.source.strip())
            assert first is None or first.group() in text
        if path.stem.endswith("_solved"):
            assert "is right" in text  # the grader's stored verdicts are shown


def test_the_step_page_is_what_animate_writes(site):
    import importlib.util

    spec = importlib.util.spec_from_file_location("step_page", ROOT / "docs_hooks" / "step_page.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    from autograd_core.viz import animate

    J = hook.section6_cost()
    for name, (_, _, options) in hook.STEP_PAGES.items():
        hosted = (site / "steps" / name).read_text(encoding="utf-8")
        assert hosted == animate(J, **options).html
        assert f'src="{name}"' in (site / "steps" / "index.html").read_text(encoding="utf-8")


def test_the_hosted_step_pages_are_what_backprop_steps_writes(site, tmp_path, capsys):
    from nn.cli import main

    for name, flags in (("section6.html", []), ("section6_predict.html", ["--predict"])):
        assert main(["steps", "--html", str(tmp_path / name), *flags]) == 0
        capsys.readouterr()
        assert (tmp_path / name).read_bytes() == (site / "steps" / name).read_bytes(), name


def test_home_links_the_pages_learners_use(site):
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")  # its body, not the nav
    pages = ["steps/index.md", "exercises/index.md", "notation.md", "errata.md"]
    if (ROOT / "docs" / "course.md").exists():
        pages.append("course.md")
    for page in pages:
        assert f"]({page})" in home, f"docs/index.md does not link {page}"
