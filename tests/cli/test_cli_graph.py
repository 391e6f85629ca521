"""``backprop graph``: forward and backward drawings to .svg, .png and .pdf."""

import sys

import pytest

from nn.cli import main

pytest.importorskip("autograd_core.viz", reason="autograd_core.viz (the drawings) is not there")

MAGIC = {".svg": b"<svg", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF"}


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_forward_graph_in_every_format(suffix, tmp_path, capsys):
    path = tmp_path / f"forward{suffix}"
    assert main(["graph", "-o", str(path)]) == 0
    data = path.read_bytes()
    assert MAGIC[suffix] in data[:4096]
    assert "wrote the forward graph of J for MLP [2, 4, 1]" in capsys.readouterr().out


def test_backward_graph_names_the_gradients(tmp_path, capsys):
    path = tmp_path / "backward.svg"
    assert main(["graph", "--backward", "--sizes", "3,5,2", "--hidden", "relu",
                 "--output", "identity", "--loss", "mse", "--rankdir", "TB",
                 "--out", str(path)]) == 0
    svg = path.read_text()
    assert "<svg" in svg and "dW" in svg and "dZ" in svg
    assert "the backward graph" in capsys.readouterr().out


def test_show_grads_draws_the_gradients(tmp_path):
    plain, with_grads = tmp_path / "plain.svg", tmp_path / "grads.svg"
    assert main(["graph", "-o", str(plain)]) == 0
    assert main(["graph", "--show-grads", "-o", str(with_grads)]) == 0
    assert ">grad " not in plain.read_text()  # a text node of a label, not the title
    assert ">grad " in with_grads.read_text()


def test_unwritable_path_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["graph", "-o", str(tmp_path / "missing" / "folder" / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backprop: error: could not write") and "Traceback" not in err


def test_without_the_drawing_module_the_error_says_what_is_missing(monkeypatch, tmp_path,
                                                                    capsys):
    monkeypatch.setitem(sys.modules, "autograd_core.viz", None)  # import fails
    assert main(["graph", "-o", str(tmp_path / "g.svg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backprop: error: cannot draw graphs: autograd_core.viz")
    assert not (tmp_path / "g.svg").exists()
