"""The three costs of DESIGN.md, and their gradient with respect to the output ``A[L]``.

Every cost is averaged over the ``m`` columns (examples) and summed over the rows (outputs):

* ``"mse"``: ``J = 1/(2m) * sum_c ||a_c - t_c||^2`` (the documents' form),
* ``"binary_cross_entropy"``: ``J = -1/m * sum [t log a + (1 - t) log(1 - a)]`` on probabilities,
* ``"cross_entropy"``: ``A[L]`` holds logits ``(C, m)``; ``J = -1/m * sum_c t_c . log softmax(a_c)``
  with softmax over axis 0 and one-hot ``T``.
"""

from __future__ import annotations

import numpy as np

LOSSES = ("mse", "binary_cross_entropy", "cross_entropy")


def log_softmax(Z: np.ndarray) -> np.ndarray:
    """``log softmax`` over axis 0 (the class axis), exact for large logits."""
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softmax(Z: np.ndarray) -> np.ndarray:
    """``softmax`` over axis 0 (the class axis)."""
    return np.exp(log_softmax(Z))


def loss_value(loss: str, A_L: np.ndarray, T: np.ndarray) -> float:
    """The cost ``J`` for the output ``A_L`` and targets ``T`` (both ``(n_L, m)``)."""
    m = A_L.shape[1]
    if loss == "mse":
        return float(np.sum((A_L - T) ** 2) / (2 * m))
    if loss == "binary_cross_entropy":
        return float(-np.sum(T * np.log(A_L) + (1 - T) * np.log(1 - A_L)) / m)
    if loss == "cross_entropy":
        return float(-np.sum(T * log_softmax(A_L)) / m)
    raise ValueError(f"unknown loss {loss!r}; expected one of {LOSSES}")


def dJ_dA_L(loss: str, A_L: np.ndarray, T: np.ndarray) -> np.ndarray:
    """``dJ/dA[L]``, with the ``1/m`` of the average, as reverse-mode autodiff computes it.

    * mse: ``(A - T) / m``;
    * binary_cross_entropy: ``(A - T) / (A (1 - A)) / m`` (infinite where ``A`` is exactly 0
      or 1 and ``T`` differs; an autodiff loss that clips its input differs there);
    * cross_entropy: ``(softmax(A) * sum_i T_i - T) / m``, which is ``(softmax(A) - T) / m``
      for one-hot (or any column-normalised) ``T``.
    """
    m = A_L.shape[1]
    if loss == "mse":
        return (A_L - T) / m
    if loss == "binary_cross_entropy":
        return (A_L - T) / (A_L * (1 - A_L)) / m
    if loss == "cross_entropy":
        return (softmax(A_L) * T.sum(axis=0, keepdims=True) - T) / m
    raise ValueError(f"unknown loss {loss!r}; expected one of {LOSSES}")
