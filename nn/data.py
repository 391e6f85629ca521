"""Small data sets and data helpers, in the column convention.

Every loader returns ``(X, Y)`` with the samples as **columns**: ``X`` has shape ``(n_0, m)``
and ``Y`` has shape ``(n_L, m)``, both float64. The 2-D toy sets are binary: ``Y`` is
``(1, m)`` of 0.0/1.0 with ``m / 2`` examples of each class, class 0 first.

=======  ===================================================  ==========  ==========
name     what                                                 ``X``       ``Y``
=======  ===================================================  ==========  ==========
flower   planar "flower" of the Deep Learning Specialization  (2, m)      (1, m)
xor      four Gaussian blobs at the corners, label = XOR      (2, m)      (1, m)
moons    two interleaving half circles                        (2, m)      (1, m)
spirals  two interleaved spirals                              (2, m)      (1, m)
digits   scikit-learn's 8x8 handwritten digits                (64, 1797)  (10, 1797)
=======  ===================================================  ==========  ==========

``DATASETS`` maps these names to their loaders; calling one with no arguments gives the default
data set. The toy loaders are deterministic for a given ``seed``; ``seed=None`` draws fresh
entropy from the operating system. None of them touches NumPy's global random state.

Helpers for a training loop: ``one_hot``, ``train_test_split`` and ``minibatches``, all working
on columns.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator

import numpy as np

__all__ = [
    "DATASETS",
    "flower",
    "load_digits",
    "minibatches",
    "moons",
    "one_hot",
    "spirals",
    "train_test_split",
    "xor",
]

Dataset = tuple[np.ndarray, np.ndarray]
"""``(X, Y)``: inputs ``(n_0, m)`` and targets ``(n_L, m)`` (or labels ``(m,)``)."""

DIGITS_INSTALL_HINT = (
    "pip install 'autograd-core[digits]'  (from a clone: pip install -e '.[digits]')"
)


# --------------------------------------------------------------------------- argument checks


def _check_m(m: int) -> int:
    """Return ``m`` as an int if it is a positive even integer, else raise ``ValueError``."""
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m <= 0 or m % 2:
        raise ValueError(
            "m (number of examples) must be a positive even integer, so that the two "
            f"classes have m/2 examples each; got {m!r}"
        )
    return int(m)


def _check_real(value: float, name: str, *, positive: bool = False) -> float:
    """Return ``value`` as a float if it is a finite number >= 0 (> 0 with ``positive``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
        or (positive and value == 0)
    ):
        raise ValueError(
            f"{name} must be a finite number {'>' if positive else '>='} 0; got {value!r}"
        )
    return float(value)


def _binary_labels(m: int) -> np.ndarray:
    """Targets ``(1, m)``: ``m/2`` zeros then ``m/2`` ones, float64."""
    return np.repeat(np.array([0.0, 1.0]), m // 2)[np.newaxis, :]


# --------------------------------------------------------------------------- 2-D toy sets


def flower(m: int = 400, noise: float = 0.2, seed: int | None = 1) -> Dataset:
    """The planar "flower" data set of the Deep Learning Specialization (course 1, week 3).

    Two classes of ``m/2`` points each. Class ``j`` (0 or 1) takes angles ``t`` evenly spaced
    over ``[3.12 j, 3.12 (j+1)]`` and radii on the petals ``r = 4 sin(4t)``, with Gaussian noise
    of standard deviation ``noise`` added to ``t`` and to ``r``; the point is
    ``(r sin t, r cos t)``. This is the data of Wichmann's section 6 (two-layer tanh network).

    With the defaults the result is bit-for-bit that of the course's
    ``planar_utils.load_planar_dataset()`` (transposed into columns, labels as float64), for
    any ``seed``: the legacy ``np.random.RandomState`` stream is what ``np.random.seed(seed)``
    gives, drawn in the same order. The global random state is not touched.

    Returns:
        ``X`` of shape ``(2, m)`` and ``Y`` of shape ``(1, m)``, float64, class 0 first.
    """
    m = _check_m(m)
    noise = _check_real(noise, "noise")
    rng = np.random.RandomState(seed)  # legacy stream on purpose: reproduces the course's data
    n, a = m // 2, 4.0
    X = np.zeros((2, m))
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise
        r = a * np.sin(4 * t) + rng.randn(n) * noise
        X[:, n * j : n * (j + 1)] = r * np.sin(t), r * np.cos(t)
    return X, _binary_labels(m)


def xor(m: int = 200, noise: float = 0.2, seed: int | None = 0) -> Dataset:
    """Four Gaussian blobs at the corners ``(+-1, +-1)``, labelled by XOR of the signs.

    Blobs at ``(1, 1)`` and ``(-1, -1)`` are class 0, blobs at ``(1, -1)`` and ``(-1, 1)`` are
    class 1: no straight line separates the classes. Each class has ``m/2`` points shared as
    evenly as possible between its two blobs; ``noise`` is the standard deviation of each blob.
    A point keeps the label of its blob, so a large ``noise`` makes the classes overlap.

    Returns:
        ``X`` of shape ``(2, m)`` and ``Y`` of shape ``(1, m)``, float64, class 0 first.
    """
    m = _check_m(m)
    noise = _check_real(noise, "noise")
    rng = np.random.default_rng(seed)
    n = m // 2
    counts = (n - n // 2, n // 2)  # points in the first and the second blob of a class
    corners = (((1.0, 1.0), (-1.0, -1.0)), ((1.0, -1.0), (-1.0, 1.0)))  # class 0, class 1
    centres = np.concatenate(
        [np.repeat(np.array(pair), counts, axis=0) for pair in corners], axis=0
    ).T
    X = centres + rng.normal(scale=noise, size=(2, m))
    return X, _binary_labels(m)


def moons(m: int = 200, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (the shape of scikit-learn's ``make_moons``).

    Class 0 is the upper half of the unit circle, ``(cos s, sin s)`` for ``s`` evenly spaced in
    ``[0, pi]``; class 1 is the lower half circle ``(1 - cos s, 0.5 - sin s)``. Gaussian noise
    of standard deviation ``noise`` is added to both coordinates. Same geometry as
    ``sklearn.datasets.make_moons(shuffle=False)``, but a different random stream.

    Returns:
        ``X`` of shape ``(2, m)`` and ``Y`` of shape ``(1, m)``, float64, class 0 first.
    """
    m = _check_m(m)
    noise = _check_real(noise, "noise")
    rng = np.random.default_rng(seed)
    s = np.linspace(0.0, np.pi, m // 2)
    upper = np.stack([np.cos(s), np.sin(s)])
    lower = np.stack([1.0 - np.cos(s), 0.5 - np.sin(s)])
    X = np.concatenate([upper, lower], axis=1) + rng.normal(scale=noise, size=(2, m))
    return X, _binary_labels(m)


def spirals(m: int = 200, noise: float = 0.05, seed: int | None = 0, turns: float = 1.5) -> Dataset:
    """Two interleaved spirals, each making ``turns`` turns around the origin.

    Along each arm the angle is ``theta = 2 pi turns sqrt(u)`` for ``u`` evenly spaced in
    ``[0, 1]`` (so the points are roughly evenly spread along the arm) and the radius grows
    linearly from 0.1 to 1: ``r = 0.1 + 0.9 sqrt(u)``. Class 0 is ``(r cos theta, r sin theta)``,
    class 1 the same arm turned by half a turn, ``-(r cos theta, r sin theta)``. Gaussian noise
    of standard deviation ``noise`` is added to both coordinates. Neighbouring arms are
    ``0.45 / turns`` apart, so noise well below that keeps the classes apart.

    Returns:
        ``X`` of shape ``(2, m)`` and ``Y`` of shape ``(1, m)``, float64, class 0 first.
    """
    m = _check_m(m)
    noise = _check_real(noise, "noise")
    turns = _check_real(turns, "turns", positive=True)
    rng = np.random.default_rng(seed)
    u = np.sqrt(np.linspace(0.0, 1.0, m // 2))
    theta = 2.0 * np.pi * turns * u
    arm = (0.1 + 0.9 * u) * np.stack([np.cos(theta), np.sin(theta)])
    X = np.concatenate([arm, -arm], axis=1) + rng.normal(scale=noise, size=(2, m))
    return X, _binary_labels(m)


# --------------------------------------------------------------------------- digits


def load_digits(one_hot: bool = True) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1797 images, bundled with scikit-learn).

    Pixel intensities (0 to 16) are scaled to ``[0, 1]``; column ``i`` of ``X`` is image ``i``
    flattened row by row. Needs the optional extra ``digits`` (scikit-learn):
    ``pip install 'autograd-core[digits]'``; without it an ``ImportError`` says so.

    Args:
        one_hot: if True, targets are one-hot ``(10, 1797)`` float64; if False, integer labels
            ``(1797,)`` int64 (both forms are accepted by ``nn.cross_entropy``).

    Returns:
        ``X`` of shape ``(64, 1797)`` float64 in ``[0, 1]``, and the targets.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as error:
        raise ImportError(
            "load_digits needs scikit-learn, the optional extra 'digits': " + DIGITS_INSTALL_HINT
        ) from error
    bunch = sklearn_load_digits()
    X = np.ascontiguousarray(bunch.data.T, dtype=np.float64) / 16.0
    labels = np.asarray(bunch.target, dtype=np.int64)
    if one_hot:
        return X, np.eye(10)[:, labels]  # column i is row labels[i] of the identity
    return X, labels


# --------------------------------------------------------------------------- helpers


def one_hot(labels: np.ndarray, num_classes: int, dtype: type = np.float64) -> np.ndarray:
    """One-hot targets ``(C, m)`` from integer labels ``(m,)``: column ``i`` has a 1 in row
    ``labels[i]``.

    ``labels`` may be any 1-D array of whole numbers in ``[0, num_classes)`` (integer dtype, or
    floats such as ``Y[0]`` of a binary data set).
    """
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, numbers.Integral)
        or num_classes <= 0
    ):
        raise ValueError(f"num_classes must be a positive integer; got {num_classes!r}")
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D of shape (m,); got shape {labels.shape}")
    if labels.size and not (
        np.issubdtype(labels.dtype, np.integer)
        or (np.issubdtype(labels.dtype, np.floating) and np.all(labels == np.round(labels)))
    ):
        raise ValueError(f"labels must be whole numbers; got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, num_classes) = [0, {num_classes}); "
            f"got values from {labels.min()} to {labels.max()}"
        )
    T = np.zeros((num_classes, labels.size), dtype=dtype)
    T[labels.astype(np.intp), np.arange(labels.size)] = 1
    return T


def _check_columns(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Check ``X (n_0, m)`` and ``Y (n_L, m)`` or ``(m,)`` agree on ``m``; return them and m."""
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (n_0, m); got shape {X.shape}")
    if Y.ndim not in (1, 2):
        raise ValueError(f"Y must be of shape (n_L, m) or (m,); got shape {Y.shape}")
    if Y.shape[-1] != X.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of columns m; got X {X.shape}, Y {Y.shape}"
        )
    return X, Y, X.shape[1]


def train_test_split(
    X: np.ndarray, Y: np.ndarray, test_fraction: float = 0.2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the columns of ``X (n_0, m)`` and ``Y (n_L, m)`` (or ``(m,)``) at random.

    ``ceil(test_fraction * m)`` columns go to the test set, the rest to the training set, each
    keeping its original order. Deterministic for a given ``seed``.

    Returns:
        ``X_train, X_test, Y_train, Y_test`` (scikit-learn's order), columns chosen together.
    """
    X, Y, m = _check_columns(X, Y)
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, numbers.Real)
        or not 0 < test_fraction < 1
    ):
        raise ValueError(f"test_fraction must be a number in (0, 1); got {test_fraction!r}")
    n_test = math.ceil(test_fraction * m)
    if n_test >= m:
        raise ValueError(f"test_fraction={test_fraction} leaves no training example out of m={m}")
    order = np.random.default_rng(seed).permutation(m)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return X[:, train], X[:, test], Y[..., train], Y[..., test]


def minibatches(
    X: np.ndarray,
    Y: np.ndarray,
    batch_size: int,
    *,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch (n_0, b), Y_batch (n_L, b) or (b,))`` over the columns, one epoch.

    Every column appears exactly once; the last batch is smaller when ``batch_size`` does not
    divide ``m``. With ``shuffle`` the columns are visited in a random order drawn from
    ``seed`` (pass one ``np.random.Generator`` for a new order every epoch).
    """
    X, Y, m = _check_columns(X, Y)
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size <= 0
    ):
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    # A generator expression, not a generator function, so that bad arguments raise at the call.
    batches = (order[start : start + batch_size] for start in range(0, m, batch_size))
    return ((X[:, columns], Y[..., columns]) for columns in batches)


Loader = Callable[..., Dataset]

DATASETS: dict[str, Loader] = {
    "flower": flower,
    "xor": xor,
    "moons": moons,
    "spirals": spirals,
    "digits": load_digits,
}
"""Data set name -> loader; ``DATASETS[name]()`` gives the default ``(X, Y)``."""
