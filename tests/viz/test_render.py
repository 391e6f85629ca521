"""Pictures: svg, png and pdf without a system Graphviz, the choice of renderer, the errors."""

import os
import struct
import sys

import graphviz
import pytest

from autograd_core import viz
from autograd_core.viz import _render

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


@pytest.fixture
def no_system_graphviz(monkeypatch, tmp_path):
    """PATH holds one empty folder: no `dot` anywhere."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_each_format_without_dot_on_path(net, tmp_path, no_system_graphviz, fmt):
    path = viz.render(net.J, tmp_path / f"graph.{fmt}")
    assert path == tmp_path / f"graph.{fmt}"
    data = path.read_bytes()
    assert data.startswith(MAGIC[fmt])
    assert len(data) > 1000


def test_svg_holds_the_labels(net, tmp_path, no_system_graphviz):
    svg = viz.render(net.J, tmp_path / "g.svg", backward=True).read_text("utf-8")
    assert "dW" in svg and "matmul" in svg and "layer 1" in svg


def test_suffix_picks_the_format_case_blind(net, tmp_path, no_system_graphviz):
    assert viz.render(net.J, str(tmp_path / "G.PNG")).read_bytes().startswith(MAGIC["png"])


def test_unknown_suffix_is_refused(net, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf"):
        viz.render(net.J, tmp_path / "graph.gif")
    assert not (tmp_path / "graph.gif").exists()


def test_render_takes_a_drawing_too(net, tmp_path, no_system_graphviz):
    drawing = viz.draw(net.J, backward=True)
    assert viz.render(drawing, tmp_path / "d.svg").read_bytes().startswith(MAGIC["svg"])
    with pytest.raises(TypeError, match="draw options"):
        viz.render(drawing, tmp_path / "d.svg", backward=True)
    source = graphviz.Source("digraph { a -> b }")
    assert viz.render(source, tmp_path / "s.pdf").read_bytes().startswith(MAGIC["pdf"])


@pytest.mark.parametrize("max_nodes", [0, -5, 2.5, True, "many"])
def test_max_nodes_must_be_a_positive_integer_or_none(net, tmp_path, max_nodes):
    with pytest.raises(ValueError, match=rf"render: max_nodes must be a positive integer or "
                                         rf"None, got {max_nodes!r}"):
        viz.render(net.J, tmp_path / "g.svg", max_nodes=max_nodes)


def png_width(data: bytes) -> int:
    return struct.unpack(">I", data[16:20])[0]


def test_dpi_sets_the_png_resolution(net, tmp_path, no_system_graphviz):
    small = viz.render(net.J, tmp_path / "a.png").read_bytes()
    large = viz.render(net.J, tmp_path / "b.png", dpi=192).read_bytes()
    assert png_width(large) == pytest.approx(2 * png_width(small), rel=0.02)


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands for dot")


def fake_dot(folder, body):
    folder.mkdir(exist_ok=True)
    script = folder / "dot"
    script.write_text("#!/bin/sh\ncat > /dev/null\n" + body + "\n")
    script.chmod(0o755)
    return folder


@posix_only
def test_system_dot_is_used_when_on_path(net, tmp_path, monkeypatch):
    dot = fake_dot(tmp_path / "bin", "printf 'from system dot %s' \"$1\"")
    monkeypatch.setenv("PATH", str(dot))
    path = viz.render(net.J, tmp_path / "g.svg")
    assert path.read_bytes() == b"from system dot -Tsvg"


@posix_only
def test_a_broken_system_dot_falls_back_to_pygraphviz(net, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(fake_dot(tmp_path / "bin", "echo 'no plugin' >&2; exit 1")))
    assert viz.render(net.J, tmp_path / "g.png").read_bytes().startswith(MAGIC["png"])


@posix_only
def test_one_clear_error_when_neither_renderer_works(net, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(fake_dot(tmp_path / "bin", "echo 'dot: broken' >&2; exit 3")))
    monkeypatch.setattr(_render, "PYGRAPHVIZ", "pygraphviz_is_not_installed_here")
    with pytest.raises(RuntimeError) as caught:
        viz.render(net.J, tmp_path / "g.pdf")
    message = str(caught.value)
    assert "system Graphviz" in message and "dot: broken" in message
    assert "pygraphviz" in message and "is not installed" in message
    assert not (tmp_path / "g.pdf").exists()


def test_nothing_installed_says_how_to_install(net, tmp_path, monkeypatch, no_system_graphviz):
    monkeypatch.setattr(_render, "PYGRAPHVIZ", "pygraphviz_is_not_installed_here")
    expected = "(?s)no `dot` executable on PATH.*pip install pygraphviz"
    with pytest.raises(RuntimeError, match=expected):
        viz.render(net.J, tmp_path / "g.svg")


def test_graphviz_refusing_a_graph_is_reported_as_such(no_system_graphviz):
    with pytest.raises(RuntimeError, match="(?s)bundled with pygraphviz.*could not draw this"):
        viz.to_bytes("digraph { a -> }", "svg")


def test_jupyter_shows_drawings_inline_without_dot(net, no_system_graphviz):
    drawing = viz.draw(net.J)
    assert isinstance(drawing, viz.Drawing)
    bundle = drawing._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and bundle["image/svg+xml"].startswith("<?xml")
    png = drawing._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png.startswith(MAGIC["png"])


def test_the_engine_never_imports_graphviz():
    import subprocess

    code = ("import sys, autograd_core; autograd_core.Tensor([1.0]).tanh(); "
            "print(sorted(m for m in sys.modules if 'graphviz' in m))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ})
    assert done.stdout.strip() == "[]"


def test_ipython_displays_a_drawing_inline_without_dot(net, no_system_graphviz):
    interactive = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactive.InteractiveShell.instance()
    data, _ = shell.display_formatter.format(viz.draw(net.J, backward=True))
    assert data["image/svg+xml"].startswith("<?xml") and "dW" in data["image/svg+xml"]
