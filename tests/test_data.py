"""Tests for nn.data: the toy data sets, the digits loader and the column helpers."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from nn.data import (
    DATASETS,
    flower,
    load_digits,
    minibatches,
    moons,
    one_hot,
    spirals,
    train_test_split,
    xor,
)

TOY = {"flower": flower, "xor": xor, "moons": moons, "spirals": spirals}
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None


def legacy_load_planar_dataset(seed: int = 1, m: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar_utils.load_planar_dataset(), verbatim apart from seed and m, run
    with NumPy's global random state saved and restored."""
    saved = np.random.get_state()
    try:
        np.random.seed(seed)
        N = int(m / 2)
        D = 2
        X = np.zeros((m, D))
        Y = np.zeros((m, 1), dtype="uint8")
        a = 4
        for j in range(2):
            ix = range(N * j, N * (j + 1))
            t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
            r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
            X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
            Y[ix] = j
        X = X.T
        Y = Y.T
    finally:
        np.random.set_state(saved)
    return X, Y


# --------------------------------------------------------------------------- flower


def test_flower_defaults_reproduce_load_planar_dataset_bit_for_bit():
    X, Y = flower()
    X_ref, Y_ref = legacy_load_planar_dataset()
    assert X.shape == X_ref.shape == (2, 400)
    assert np.array_equal(X, X_ref)  # exact, not approximate
    assert np.array_equal(Y, Y_ref)


@pytest.mark.parametrize(("seed", "m"), [(0, 400), (3, 100), (1, 2)])
def test_flower_matches_legacy_code_for_other_seeds_and_sizes(seed, m):
    X, Y = flower(m=m, seed=seed)
    X_ref, Y_ref = legacy_load_planar_dataset(seed=seed, m=m)
    assert np.array_equal(X, X_ref)
    assert np.array_equal(Y, Y_ref)


def test_flower_fixed_values():
    X, Y = flower()
    expected = {
        0: (1.204442292254319, 3.5761141481288448),
        199: (-0.5858464101358456, -3.091259938950624),
        200: (-1.0704958072229525, 3.682524609580073),
        399: (0.7307808250007513, 3.0683292081876545),
    }
    for column, values in expected.items():
        np.testing.assert_allclose(X[:, column], values, rtol=1e-12, atol=0)
    np.testing.assert_allclose(X.sum(), 10.087983277441666, rtol=1e-10)
    assert Y[0, :200].sum() == 0 and Y[0, 200:].sum() == 200


def test_flower_does_not_touch_global_random_state():
    np.random.seed(123)
    before = np.random.get_state()
    flower()
    after = np.random.get_state()
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_flower_points_lie_near_the_petals():
    X, _ = flower(noise=0.0)
    r = np.hypot(X[0], X[1])
    t = np.arctan2(X[0], X[1])  # the point is (r sin t, r cos t)
    np.testing.assert_allclose(r, np.abs(4 * np.sin(4 * t)), atol=1e-9)


# --------------------------------------------------------------------------- all toy sets


@pytest.mark.parametrize("name", TOY)
def test_toy_shapes_dtypes_and_balance(name):
    X, Y = TOY[name](m=64)
    assert X.shape == (2, 64) and Y.shape == (1, 64)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert Y.sum() == 32
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", TOY)
def test_toy_default_size(name):
    X, Y = TOY[name]()
    expected_m = 400 if name == "flower" else 200
    assert X.shape == (2, expected_m) and Y.shape == (1, expected_m)


@pytest.mark.parametrize("name", TOY)
def test_toy_same_seed_same_data(name):
    X1, Y1 = TOY[name](m=50, seed=7)
    X2, Y2 = TOY[name](m=50, seed=7)
    assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)


@pytest.mark.parametrize("name", TOY)
def test_toy_different_seeds_differ(name):
    X1, _ = TOY[name](m=50, seed=7)
    X2, _ = TOY[name](m=50, seed=8)
    assert not np.allclose(X1, X2)


@pytest.mark.parametrize("name", TOY)
def test_toy_zero_noise_is_the_same_for_every_seed(name):
    X1, _ = TOY[name](m=40, noise=0.0, seed=1)
    X2, _ = TOY[name](m=40, noise=0.0, seed=2)
    assert np.array_equal(X1, X2)


@pytest.mark.parametrize("name", TOY)
@pytest.mark.parametrize("m", [0, -2, 3, 2.0, True, "4"])
def test_toy_rejects_bad_m(name, m):
    with pytest.raises(ValueError, match=r"m \(number of examples\) must be a positive even"):
        TOY[name](m=m)


@pytest.mark.parametrize("name", TOY)
@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf"), "0.1", None])
def test_toy_rejects_bad_noise(name, noise):
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        TOY[name](noise=noise)


def test_xor_blobs_sit_at_corners_labelled_by_xor():
    X, Y = xor(m=400, noise=0.0)
    corners = {tuple(c) for c in X.T}
    assert corners == {(1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0)}
    assert np.array_equal(Y[0], (np.sign(X[0]) != np.sign(X[1])).astype(float))
    counts = [int(np.sum(np.all(X.T == c, axis=1))) for c in [(1, 1), (-1, -1), (1, -1), (-1, 1)]]
    assert counts == [100, 100, 100, 100]


def test_xor_noise_is_the_blob_standard_deviation():
    X, _ = xor(m=20_000, noise=0.3)
    offsets = X - np.sign(X)
    np.testing.assert_allclose(offsets.std(axis=1), 0.3, rtol=0.03)


def test_moons_without_noise_match_scikit_learn_geometry():
    X, Y = moons(m=100, noise=0.0)
    s = np.linspace(0, np.pi, 50)
    np.testing.assert_allclose(X[:, :50], [np.cos(s), np.sin(s)], atol=1e-15)
    np.testing.assert_allclose(X[:, 50:], [1 - np.cos(s), 0.5 - np.sin(s)], atol=1e-15)
    if HAS_SKLEARN:
        from sklearn.datasets import make_moons

        X_sk, y_sk = make_moons(n_samples=100, shuffle=False, noise=None)
        np.testing.assert_allclose(X, X_sk.T, atol=1e-15)
        assert np.array_equal(Y[0], y_sk)


def test_spirals_classes_are_half_a_turn_apart():
    X, _ = spirals(m=200, noise=0.0, turns=2.0)
    np.testing.assert_allclose(X[:, 100:], -X[:, :100], atol=0)
    r = np.hypot(X[0], X[1])
    assert r.min() == pytest.approx(0.1) and r.max() == pytest.approx(1.0)


def test_spirals_turns_sets_the_total_angle():
    for turns in (0.5, 1.0, 3.0):
        X, _ = spirals(m=2000, noise=0.0, turns=turns)
        arm = X[:, :1000]
        angle = np.unwrap(np.arctan2(arm[1], arm[0]))
        assert angle[-1] - angle[0] == pytest.approx(2 * np.pi * turns, rel=1e-9)


@pytest.mark.parametrize("turns", [0, -1.0, float("nan"), "2"])
def test_spirals_rejects_bad_turns(turns):
    with pytest.raises(ValueError, match="turns must be a finite number > 0"):
        spirals(turns=turns)


# --------------------------------------------------------------------------- digits


@pytest.mark.skipif(not HAS_SKLEARN, reason="scikit-learn (extra 'digits') is not installed")
def test_load_digits_one_hot_columns():
    X, T = load_digits()
    assert X.shape == (64, 1797) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert T.shape == (10, 1797) and T.dtype == np.float64
    assert np.array_equal(T.sum(axis=0), np.ones(1797))
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    np.testing.assert_array_equal(X[:, 5] * 16, bunch.images[5].ravel())
    assert np.array_equal(T.argmax(axis=0), bunch.target)


@pytest.mark.skipif(not HAS_SKLEARN, reason="scikit-learn (extra 'digits') is not installed")
def test_load_digits_integer_labels():
    X, labels = load_digits(one_hot=False)
    assert X.shape == (64, 1797)
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert set(labels.tolist()) == set(range(10))


def test_load_digits_without_scikit_learn_names_the_extra(monkeypatch):
    # None in sys.modules makes any import of that name raise ImportError.
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install 'autograd-core\[digits\]'") as info:
        load_digits()
    assert "pip install -e '.[digits]'" in str(info.value)
    assert isinstance(info.value.__cause__, ImportError)


# --------------------------------------------------------------------------- DATASETS


def test_datasets_maps_names_to_loaders():
    assert set(DATASETS) == {"flower", "xor", "moons", "spirals", "digits"}
    assert DATASETS["flower"] is flower and DATASETS["digits"] is load_digits
    for name in TOY:
        X, Y = DATASETS[name]()
        assert X.shape[1] == Y.shape[1] and X.shape[0] == 2


# --------------------------------------------------------------------------- one_hot


def test_one_hot_puts_a_one_in_each_column():
    T = one_hot(np.array([2, 0, 1, 2]), 3)
    expected = np.array([[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]], dtype=float)
    assert T.dtype == np.float64
    assert np.array_equal(T, expected)


def test_one_hot_accepts_whole_floats_and_keeps_requested_dtype():
    _, Y = flower(m=10)
    T = one_hot(Y[0], 2, dtype=np.float32)
    assert T.dtype == np.float32 and T.shape == (2, 10)
    assert np.array_equal(T[1], Y[0])


def test_one_hot_of_no_labels_is_empty():
    assert one_hot(np.array([], dtype=int), 4).shape == (4, 0)


@pytest.mark.parametrize(
    ("labels", "num_classes", "message"),
    [
        (np.array([0, 3]), 3, r"labels must lie in \[0, num_classes\) = \[0, 3\)"),
        (np.array([-1, 0]), 3, r"labels must lie in"),
        (np.array([[0, 1]]), 2, r"labels must be 1-D"),
        (np.array([0.5, 1.0]), 2, r"labels must be whole numbers"),
        (np.array([0, 1]), 0, r"num_classes must be a positive integer"),
        (np.array([0, 1]), 2.0, r"num_classes must be a positive integer"),
    ],
)
def test_one_hot_rejects_bad_arguments(labels, num_classes, message):
    with pytest.raises(ValueError, match=message):
        one_hot(labels, num_classes)


# --------------------------------------------------------------------------- train_test_split


def test_train_test_split_partitions_columns_consistently():
    X = np.arange(30.0).reshape(3, 10)
    Y = np.arange(10.0)[np.newaxis, :] * 100
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_fraction=0.3, seed=5)
    assert X_train.shape == (3, 7) and X_test.shape == (3, 3)
    assert Y_train.shape == (1, 7) and Y_test.shape == (1, 3)
    train_cols, test_cols = X_train[0].astype(int), X_test[0].astype(int)
    assert sorted(np.concatenate([train_cols, test_cols]).tolist()) == list(range(10))
    assert np.all(np.diff(train_cols) > 0) and np.all(np.diff(test_cols) > 0)  # order kept
    assert np.array_equal(X_train, X[:, train_cols]) and np.array_equal(Y_test, Y[:, test_cols])


def test_train_test_split_with_integer_labels_and_seeds():
    X = np.arange(20.0).reshape(1, 20)
    labels = np.arange(20)
    a = train_test_split(X, labels, 0.25, seed=1)
    b = train_test_split(X, labels, 0.25, seed=1)
    c = train_test_split(X, labels, 0.25, seed=2)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])
    assert np.array_equal(a[1][0], a[3]) and a[3].shape == (5,)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, True, 0.99])
def test_train_test_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(np.zeros((2, 10)), np.zeros((1, 10)), fraction)


def test_train_test_split_rejects_mismatched_columns():
    with pytest.raises(ValueError, match="same number of columns m"):
        train_test_split(np.zeros((2, 10)), np.zeros((1, 9)))


# --------------------------------------------------------------------------- minibatches


def test_minibatches_cover_every_column_once():
    X = np.arange(20.0).reshape(2, 10)
    Y = np.arange(10)
    batches = list(minibatches(X, Y, 4, seed=0))
    assert [b[0].shape for b in batches] == [(2, 4), (2, 4), (2, 2)]
    seen = np.concatenate([xb[0] for xb, _ in batches])
    assert sorted(seen.tolist()) == X[0].tolist()
    assert not np.array_equal(seen, X[0])  # shuffled
    for xb, yb in batches:
        assert np.array_equal(xb, X[:, yb])


def test_minibatches_without_shuffle_keep_order():
    X = np.arange(10.0).reshape(1, 10)
    Y = X * 2
    batches = list(minibatches(X, Y, 3, shuffle=False))
    assert [b[0].tolist() for b in batches] == [[[0, 1, 2]], [[3, 4, 5]], [[6, 7, 8]], [[9]]]
    assert np.array_equal(batches[1][1], [[6.0, 8.0, 10.0]])


def test_minibatches_generator_seed_gives_new_order_each_epoch():
    X = np.arange(50.0).reshape(1, 50)
    rng = np.random.default_rng(0)
    first = np.concatenate([xb[0] for xb, _ in minibatches(X, X, 50, seed=rng)])
    second = np.concatenate([xb[0] for xb, _ in minibatches(X, X, 50, seed=rng)])
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_minibatches_rejects_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        minibatches(np.zeros((1, 4)), np.zeros(4), batch_size)  # raises at the call
