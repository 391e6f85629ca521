"""``backprop train``: every built-in data set, options, save and load."""

import re
import sys

import numpy as np
import pytest

from nn.cli import main


def train(capsys, *argv):
    status = main(["train", "--no-progress", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def results(out):
    """``{part: (loss, accuracy %)}`` from the train/test lines."""
    return {part: (float(loss), float(acc)) for part, loss, acc in
            re.findall(r"^(train|test) +loss (\S+), accuracy (\S+) %", out, re.M)}


def test_flower_with_few_epochs_prints_loss_and_accuracy(capsys):
    status, out, _ = train(capsys, "--epochs", "20")
    assert status == 0
    assert "data      flower: 400 examples of 2 features, 2 classes" in out
    assert "MLP([2, 4, 1]," in out
    assert "training  20 epochs of sgd (lr 1.2), full batch, loss binary_cross_entropy" in out
    loss, accuracy = results(out)["train"]
    assert 0 < loss < 0.7 and 0 <= accuracy <= 100


@pytest.mark.parametrize("data", ["xor", "moons", "spirals"])
def test_toy_data_sets_train_with_their_defaults(data, capsys):
    status, out, _ = train(capsys, "--data", data, "--epochs", "300")
    assert status == 0
    assert f"data      {data}: 200 examples" in out
    assert results(out)["train"][1] > 80


def test_sizes_are_the_hidden_widths_and_options_reach_the_model(capsys):
    status, out, _ = train(capsys, "--data", "moons", "--sizes", "5,3", "--hidden", "relu",
                           "--init", "he", "--optimizer", "adam", "--epochs", "3",
                           "--batch-size", "50", "--test-fraction", "0.25")
    assert status == 0
    assert "MLP([2, 5, 3, 1]," in out and "relu(Z[1])" in out
    assert "3 epochs of adam (lr 0.01), batches of 50" in out
    assert "150 examples" not in out and "50 held out for testing" in out
    assert set(results(out)) == {"train", "test"}


def test_identity_output_trains_cross_entropy_with_one_output_per_class(capsys):
    status, out, _ = train(capsys, "--data", "xor", "--output", "identity", "--epochs", "5")
    assert status == 0
    assert "MLP([2, 4, 2]," in out and "loss cross_entropy" in out


def test_progress_option_reaches_fit(capsys, progress_seen):
    assert main(["train", "--epochs", "1"]) == 0
    assert main(["train", "--epochs", "1", "--no-progress"]) == 0
    assert progress_seen == [True, False]


def test_save_then_load_gives_the_same_model(tmp_path, capsys):
    path = tmp_path / "flower.npz"
    common = ["--sizes", "6", "--epochs", "50", "--batch-size", "64", "--momentum", "0.5",
              "--lr", "0.3", "--test-fraction", "0.2"]
    status, out, _ = train(capsys, *common, "--save", str(path))
    assert status == 0 and f"saved     {path}" in out
    trained = results(out)
    with np.load(path) as archive:
        assert sorted(archive.files) == ["layer1.bias", "layer1.weight", "layer2.bias",
                                         "layer2.weight"]
        assert archive["layer1.weight"].shape == (6, 2)
    status, out, _ = train(capsys, "--sizes", "6", "--test-fraction", "0.2", "--epochs", "0",
                           "--load", str(path))
    assert status == 0
    assert f"loaded    {path}" in out and "training  none (--epochs 0)" in out
    assert results(out) == trained
    status, out, _ = train(capsys, "--sizes", "6", "--epochs", "0", "--test-fraction", "0.2",
                           "--seed", "5")  # the same network untrained is different
    assert results(out) != trained


def test_loading_a_file_of_another_network_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "six.npz"
    assert train(capsys, "--sizes", "6", "--epochs", "1", "--save", str(path))[0] == 0
    status, out, err = train(capsys, "--epochs", "0", "--load", str(path))
    assert status == 1 and out == ""
    assert err.startswith("backprop: error: nn.load:")
    assert "this network is [2, 4, 1]" in err and "Traceback" not in err


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"not a zip archive", "is not an .npz file"),
    ("folder", "is a folder, not a file nn.save wrote"),
])
def test_a_missing_or_damaged_load_file_is_a_clear_error(content, message, tmp_path, capsys):
    path = tmp_path / "params.npz"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    status, out, err = train(capsys, "--epochs", "0", "--load", str(path))
    assert status == 1 and out == ""
    assert err.startswith("backprop: error: nn.load:") and message in err
    assert err.count("\n") == 1


def test_a_save_path_in_a_missing_folder_is_refused_before_training(tmp_path, capsys):
    path = tmp_path / "no" / "such" / "dir.npz"
    status, out, err = train(capsys, "--epochs", "1", "--save", str(path))
    assert status == 1 and out == ""  # nothing trained for nothing
    assert err == (f"backprop: error: cannot save to {str(path)!r}: the folder "
                   f"{str(path.parent)!r} does not exist; create it, or give another --save "
                   f"path\n")


def test_a_save_that_fails_after_training_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "taken.npz"
    path.mkdir()  # a folder where the file should go: the final rename fails
    status, _, err = train(capsys, "--epochs", "1", "--save", str(path))
    assert status == 1 and err.startswith(f"backprop: error: cannot save to {str(path)!r}")
    assert err.count("\n") == 1


def test_a_diverging_learning_rate_stops_with_one_line_and_exit_status_1(capsys):
    status, out, err = train(capsys, "--data", "moons", "--loss", "mse", "--output", "identity",
                             "--lr", "1e6", "--epochs", "100")
    assert status == 1
    assert "train     loss" not in out  # no results from a run that failed
    assert re.fullmatch(r"backprop: error: training stopped: the loss diverged to \S+ at "
                        r"epoch 2, step 2, more than 1000 times its first value \S+; the "
                        r"learning rate 1e\+06 is too large: try a smaller --lr\n", err), err


def test_digits_without_scikit_learn_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # as if not installed
    status, out, err = train(capsys, "--data", "digits", "--epochs", "1")
    assert status == 1 and out == ""
    assert err.startswith("backprop: error: --data digits:")
    assert "pip install 'autograd-core[digits]'" in err


def test_digits_trains_with_a_test_split(capsys):
    pytest.importorskip("sklearn", reason="digits needs scikit-learn")
    status, out, _ = train(capsys, "--data", "digits", "--epochs", "2")
    assert status == 0
    assert "1797 examples of 64 features, 10 classes, 360 held out for testing" in out
    assert "MLP([64, 32, 10]," in out and "loss cross_entropy" in out
    assert results(out)["test"][1] > 80


CANNOT_LEARN = [
    (["--output", "softmax", "--loss", "mse"], "--output softmax over a single output unit is "
                                               "always 1"),
    (["--data", "moons", "--output", "softmax"], "--output softmax over a single output unit"),
    (["--output", "softmax", "--loss", "binary_cross_entropy"], "over a single output unit"),
    (["--hidden", "softmax", "--sizes", "4,1"], "--hidden softmax over a hidden layer of width "
                                                "1 is always 1"),
    (["--data", "digits", "--hidden", "softmax", "--sizes", "1"], "hidden layer of width 1"),
    (["--data", "xor", "--hidden", "identity"], "--data xor is not linearly separable and "
                                                "--hidden identity makes the network linear"),
    (["--data", "xor", "--hidden", "identity", "--output", "identity"], "not linearly separable"),
    (["--data", "xor", "--sizes", "1"], "hidden layers of width 1 (--sizes 1) pass one number"),
    (["--data", "xor", "--sizes", "1,1", "--hidden", "relu"], "not linearly separable"),
    (["--epochs", "0"], "--epochs 0 trains nothing"),
    (["--data", "moons", "--epochs", "0"], "give --load PATH.npz"),
]


@pytest.mark.parametrize("argv, message", CANNOT_LEARN, ids=[" ".join(a) for a, _ in CANNOT_LEARN])
def test_a_combination_that_cannot_learn_the_data_is_refused_before_training(argv, message,
                                                                              capsys):
    status, out, err = train(capsys, *argv)
    assert status == 2 and out == ""
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1 and lines[0].startswith("backprop train: error: "), err
    assert message in lines[0]


@pytest.mark.parametrize("argv", [
    ["--data", "xor", "--sizes", "1,4"],  # a wider layer after the narrow one bends the line
    ["--data", "moons", "--hidden", "identity"],  # a straight line gets most of the moons
    ["--data", "xor", "--output", "softmax", "--loss", "cross_entropy"],  # two output units
    ["--hidden", "softmax", "--sizes", "4"],
], ids=" ".join)
def test_neighbouring_combinations_that_can_learn_are_accepted(argv, capsys):
    status, out, _ = train(capsys, *argv, "--epochs", "2")
    assert status == 0 and "train     loss" in out


def test_what_is_refused_truly_learns_nothing():
    """The refusals' reasons, measured with the library: a softmax over one unit is 1 for any
    input, and a linear network stays at chance on xor."""
    import nn

    X, Y = nn.xor()
    model = nn.MLP([2, 4, 1], hidden="tanh", output="softmax", rng=0)
    nn.fit(model, X, Y, nn.mse, nn.optim.SGD(model.parameters(), lr=0.5), 50, progress=False)
    np.testing.assert_array_equal(model(X).data, np.ones((1, 200)))
    linear = nn.MLP([2, 4, 1], hidden="identity", output="sigmoid", rng=0)
    nn.fit(linear, X, Y, nn.binary_cross_entropy, nn.optim.Adam(linear.parameters(), lr=0.01),
           1000, progress=False)
    assert nn.accuracy(linear(X), Y) < 0.6
