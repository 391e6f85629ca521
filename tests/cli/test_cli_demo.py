"""``backprop demo``: train the section-6 network, print accuracy and the comparison, write the
graph (SVG) and the decision boundary (PNG)."""

import re

import numpy as np
import pytest

import nn
import nn.cli.demo
from nn.cli import main
from nn.cli.common import CLIError

pytest.importorskip("autograd_core.viz", reason="autograd_core.viz (the drawings) is not there")
pytest.importorskip("matplotlib", reason="the decision-boundary plot needs matplotlib")

PNG = b"\x89PNG\r\n\x1a\n"


def accuracy(out):
    return float(re.search(r"accuracy (\d+\.\d+) %", out).group(1))


def test_demo_writes_the_graphs_and_the_plot_into_the_folder(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    assert main(["demo", "--steps", "200", "--no-progress", "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert (out_dir / "decision_boundary.png").read_bytes().startswith(PNG)
    for name in ("graph.svg", "backward_graph.svg"):
        svg = (out_dir / name).read_text()
        assert "<svg" in svg and "</svg>" in svg
    assert "W" in (out_dir / "graph.svg").read_text()
    assert f"wrote into {out_dir.resolve()}/:" in out
    for name in ("graph.svg", "backward_graph.svg", "decision_boundary.png"):
        assert f"\n  {name} " in out
    assert "200 steps of full-batch gradient descent, lr 1.2" in out
    assert 50 <= accuracy(out) <= 100


def test_demo_prints_the_table_for_every_formulation(tmp_path, capsys):
    assert main(["demo", "--steps", "5", "--no-progress", "--hidden-units", "3",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MLP([2, 3, 1]," in out
    table, not_applicable = out.split("not applicable:")
    for name in ("rojas", "wichmann", "wichmann_sigmoid_cross_entropy",
                 "wichmann_two_layer_tanh"):
        assert f"\n{name} " in table
    for name in ("zhang", "wichmann_mse", "blog"):
        assert f"  {name} " in not_applicable
    assert "quantities agree" in out and "FAIL" not in out


def test_demo_with_the_defaults_reaches_the_courses_accuracy(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--no-progress"]) == 0  # 10,000 steps, as in the course
    out = capsys.readouterr().out
    assert "10000 steps" in out and "seed 2" in out
    assert accuracy(out) >= 90.0
    assert (tmp_path / "backprop-demo" / "decision_boundary.png").exists()


def test_progress_bar_is_on_unless_asked_off(tmp_path, monkeypatch, capsys, progress_seen):
    monkeypatch.setattr(nn.cli.demo, "plot_decision_boundary", lambda *a: None)
    monkeypatch.setattr(nn.cli.demo, "render_graph", lambda *a, **k: None)
    assert main(["demo", "--steps", "1", "--out", str(tmp_path)]) == 0
    assert main(["demo", "--steps", "1", "--out", str(tmp_path), "--no-progress"]) == 0
    assert progress_seen == [True, False]


def test_a_part_that_cannot_be_written_is_reported_and_the_rest_is_written(tmp_path,
                                                                           monkeypatch,
                                                                           capsys):
    def no_drawing(*args, **kwargs):
        raise CLIError("cannot draw graphs: autograd_core.viz is not available")

    monkeypatch.setattr(nn.cli.demo, "render_graph", no_drawing)
    assert main(["demo", "--steps", "1", "--no-progress", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert (tmp_path / "decision_boundary.png").read_bytes().startswith(PNG)
    assert not (tmp_path / "graph.svg").exists()
    assert "backprop: error: graph.svg not written: cannot draw graphs" in captured.err
    assert "\n  decision_boundary.png " in captured.out


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["demo", "--steps", "1", "--out", str(blocker / "demo")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backprop: error: cannot create the output folder")


@pytest.fixture
def no_files(monkeypatch):
    """The demo without its drawings and plot: the training and the table only."""
    monkeypatch.setattr(nn.cli.demo, "plot_decision_boundary", lambda *a: None)
    monkeypatch.setattr(nn.cli.demo, "render_graph", lambda *a, **k: None)


def test_a_disagreeing_formulation_gives_exit_status_3(wrong_rojas, no_files, tmp_path,
                                                       capsys):
    assert main(["demo", "--steps", "5", "--no-progress", "--out", str(tmp_path)]) == 3
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "DISAGREE: rojas differs from autodiff beyond rtol=1e-12, atol=1e-14" in out
    assert "wrote into" in out  # the files are still written


def test_a_disagreement_outranks_a_file_not_written(wrong_rojas, tmp_path, monkeypatch, capsys):
    def no_drawing(*args, **kwargs):
        raise CLIError("cannot draw graphs")

    monkeypatch.setattr(nn.cli.demo, "render_graph", no_drawing)
    monkeypatch.setattr(nn.cli.demo, "plot_decision_boundary", lambda *a: None)
    assert main(["demo", "--steps", "1", "--no-progress", "--out", str(tmp_path)]) == 3
    assert "graph.svg not written" in capsys.readouterr().err


def test_nan_in_the_data_stops_training_with_one_line(no_files, tmp_path, monkeypatch, capsys):
    X, Y = nn.flower()
    X[0, 7] = np.nan
    monkeypatch.setattr(nn, "flower", lambda: (X, Y))
    assert main(["demo", "--steps", "10", "--no-progress", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == ("backprop: error: training stopped: the loss is nan at epoch 1, step 1; "
                   "the data hold NaN or inf values\n")


def test_a_wide_hidden_layer_plots_its_grid_in_parts(tmp_path, monkeypatch):
    """300 x 300 grid points through n_h units: evaluated in chunks, the same picture."""
    model = nn.MLP([2, 8, 1], rng=0)
    X, Y = nn.flower()
    calls = []
    real = model.forward

    def counting(A):
        calls.append(A.shape[1])
        return real(A)

    monkeypatch.setattr(model, "forward", counting)
    monkeypatch.setattr(nn.cli.demo, "PLOT_VALUES", 8 * 10_000)
    nn.cli.demo.plot_decision_boundary(model, X, Y, tmp_path / "b.png", "title")
    assert calls == [10_000] * 9 and (tmp_path / "b.png").read_bytes().startswith(PNG)
