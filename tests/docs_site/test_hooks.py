"""The site's build hooks on their own: a notebook's cells and outputs as markdown, and the
Sphinx roles of docstrings rewritten for markdown."""

import importlib.util
import re

import nbformat
import pytest

from .conftest import ROOT


def _hook(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs_hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def notebooks():
    return _hook("notebooks")


def _notebook(tmp_path, cells, name="x.ipynb"):
    notebook = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def test_cells_and_every_kind_of_output(notebooks, tmp_path, monkeypatch):
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    code = nbformat.v4.new_code_cell("print('```')\nx = 1", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="```\n"),
        nbformat.v4.new_output("error", ename="E", evalue="v",
                               traceback=["\x1b[31mTraceback\x1b[0m", "E: v"]),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                     "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg></svg>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<b>a</b>\n\n<i>b</i>"}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
    ])
    path = _notebook(tmp_path, [nbformat.v4.new_markdown_cell("# Title\nThe $x^2$ text."),
                                code])
    text = notebooks.notebook_markdown(path, "x.ipynb")
    assert text.startswith("# Title\n\n[Download the notebook](x.ipynb)")
    assert "The $x^2$ text." in text
    assert "````python\nprint('```')\nx = 1\n````" in text  # a longer fence than the code's
    assert "````text\n```\n````" in text
    assert "Traceback" in text and "\x1b" not in text
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in text and "<Figure>" not in text
    assert 'src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="' in text
    assert '<div class="nb-output"><b>a</b>\n<i>b</i></div>' in text  # one raw HTML block
    assert "```text\n42\n```" in text


def test_links_relative_to_the_notebook_become_relative_to_its_page(notebooks, tmp_path,
                                                                   monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "errata.md").write_text("# Errata")
    folder = tmp_path / "notebooks" / "exercises"
    folder.mkdir(parents=True)
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    _notebook(folder, [], "other.ipynb")
    path = _notebook(folder, [nbformat.v4.new_markdown_cell(
        "[e](../../docs/errata.md#rojas-2), [o](other.ipynb), [w](https://x.org/a.md), "
        "$A^{[L](c)}$, [m](missing.md)")])
    text = notebooks.notebook_markdown(path, "x.ipynb")
    assert ("[e](../errata.md#rojas-2), [o](other.md), [w](https://x.org/a.md), "
            "$A^{[L](c)}$, [m](missing.md)") in text


def test_a_notebook_without_a_heading_is_titled_by_its_name(notebooks, tmp_path, monkeypatch):
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    path = _notebook(tmp_path, [nbformat.v4.new_markdown_cell("Some text")], "my_notes.ipynb")
    assert notebooks.notebook_markdown(path, "my_notes.ipynb").startswith("# my notes\n")


@pytest.mark.parametrize("text, expected", [
    (":func:`compare` and :class:`~nn.closed_form.Row`", "`compare` and `Row`"),
    (":py:meth:`Row.excess` of :data:`NETWORKS`", "`Row.excess` of `NETWORKS`"),
    (":class:`the row <nn.closed_form.Row>`", "`the row`"),
    (":math:`A^{[L](c)}` is", r"\(A^{[L](c)}\) is"),
    ("plain ``code`` stays", "plain ``code`` stays"),
])
def test_sphinx_roles(text, expected):
    assert _hook("sphinx_roles").rewrite_roles(text) == expected


def test_no_docstring_role_survives_the_rewrite():
    rewrite = _hook("sphinx_roles").rewrite_roles
    left = []
    for path in [*ROOT.glob("autograd_core/**/*.py"), *ROOT.glob("nn/**/*.py")]:
        text = rewrite(path.read_text(encoding="utf-8"))
        left += [f"{path.relative_to(ROOT)}: {m.group()}"
                 for m in re.finditer(r":(?:py:)?[a-z]+:`", text)]
    assert not left, left
