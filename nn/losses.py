"""Losses ``J(prediction, target)``: averaged over the ``m`` examples (columns), summed over
the outputs (rows), built from engine ops only, so autodiff gives their gradients.

Predictions are Tensors (or arrays) of shape ``(n, m)``. Targets may be ndarrays or Tensors;
an array target is converted to the prediction's dtype, so float32 in gives float32 out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor, functional
from autograd_core.compiled import is_recording


def mse(prediction: Tensor, target: Any) -> Tensor:
    """Mean squared error in the documents' form: ``J = 1/(2m) Σ_k ||a_k − t_k||²``.

    ``dJ/dA = (A − T) / m``. Shapes: ``prediction`` and ``target`` ``(n, m)``; returns a
    scalar Tensor.
    """
    A = _prediction(prediction, "mse")
    T = _target(target, A, "mse")
    return ((A - T) ** 2).sum() * (0.5 / A.shape[1])


def binary_cross_entropy(prediction: Tensor, target: Any) -> Tensor:
    """Cross-entropy of probabilities: ``J = −1/m Σ [t log p + (1 − t) log(1 − p)]``.

    ``prediction`` holds probabilities in [0, 1] (a sigmoid output; other values are refused),
    ``target`` 0/1 labels (or any values in [0, 1]; others are refused, naming one), both
    ``(n, m)``; returns a scalar Tensor.
    One fused engine op (``autograd_core.functional.binary_cross_entropy``). When the
    prediction is a sigmoid's output ``σ(Z)`` (an MLP's sigmoid layer), it is computed from
    ``Z``: exact for any ``Z``, with ``dZ[L] = (A − T)/m`` (Wichmann's (3.12)) even where
    ``1 − A`` rounds to 0. Given bare probabilities, each log is clamped at −100, so the loss
    and its gradient stay finite when ``p`` is exactly 0 or 1.
    """
    P = _prediction(prediction, "binary_cross_entropy")
    T = _target(target, P, "binary_cross_entropy")
    return functional.binary_cross_entropy(P, T)


def binary_cross_entropy_with_logits(logits: Tensor, target: Any) -> Tensor:
    """``binary_cross_entropy(σ(Z), T)`` from the logits ``Z`` (PyTorch's name).

    ``J = 1/m Σ [t softplus(−z) + (1 − t) softplus(z)]``, exact for any logit, float32 kept;
    targets in [0, 1] (others are refused);
    ``dJ/dZ = (σ(Z) − T)/m``. ``logits`` and ``target`` ``(n, m)``; returns a scalar Tensor.
    """
    Z = _prediction(logits, "binary_cross_entropy_with_logits", "logits")
    T = _target(target, Z, "binary_cross_entropy_with_logits")
    return functional.binary_cross_entropy_with_logits(Z, T)


def cross_entropy(logits: Tensor, target: Any) -> Tensor:
    """Softmax cross-entropy from logits: ``J = −1/m Σ_k Σ_i t_ik log softmax(z_k)_i``.

    ``logits`` ``Z`` has shape ``(C, m)``, one column of class scores per example (softmax is
    taken over axis 0 inside, with ``log_softmax``, exact for large logits). ``target`` is
    either integer labels ``(m,)`` in ``[0, C)`` or one-hot (or any probability) columns
    ``(C, m)`` with values in [0, 1] (others are refused). Returns a scalar Tensor;
    ``dJ/dZ = (softmax(Z) − T) / m``.
    """
    Z = _prediction(logits, "cross_entropy", "logits")
    C, m = Z.shape
    if isinstance(target, Tensor) and (target.requires_grad or target.ndim == 2):
        T: Tensor | np.ndarray = _target(target, Z, "cross_entropy")
        if not is_recording():  # a compiled function's targets are not read
            _check_probabilities(np.asarray(T.data))
    else:
        if isinstance(target, Tensor) and is_recording():
            raise RuntimeError("cross_entropy: integer labels (m,) become one-hot targets by "
                               "reading their values, which a compiled function cannot "
                               "replay; pass one-hot targets (C, m) (nn.one_hot(labels, C))")
        labels = np.asarray(target.data if isinstance(target, Tensor) else target)
        if labels.ndim == 1:
            T = _one_hot(labels, C, m, Z.dtype)
        else:
            _check_probabilities(labels)
            T = _target(labels, Z, "cross_entropy")
    if not isinstance(T, Tensor):
        T = Tensor(T, name="Y")
    return (Z.log_softmax(axis=0) * T).sum() * (-1 / m)


# ---------------------------------------------------------------- argument checks


def _prediction(prediction: Any, loss: str, what: str = "prediction") -> Tensor:
    P = prediction if isinstance(prediction, Tensor) else Tensor(prediction)
    if P.ndim != 2 or P.dtype.kind != "f":
        raise ValueError(f"{loss}: {what} must be a 2-D float array of shape (n, m), one "
                         f"example per column, got shape {P.shape}, dtype {P.dtype}")
    if P.shape[1] == 0:
        raise ValueError(f"{loss}: the {what} {P.shape} hold no examples (m = 0), and a loss "
                         f"averages over the m columns")
    return P


def _target(target: Any, like: Tensor, loss: str) -> Tensor:
    """The target as a constant Tensor named ``Y`` (as drawings show it) of ``like``'s dtype;
    a Tensor that requires grad stays itself."""
    if isinstance(target, Tensor) and target.requires_grad:
        T: Tensor | np.ndarray = target
    elif isinstance(target, Tensor) and target.dtype == like.dtype:
        # the same memory, not a copy of the values: under compile() the target stays the
        # argument it was (a copy would be a constant of the recording)
        T = Tensor(target, name=target.name or "Y")
    elif isinstance(target, Tensor) and target.dtype.kind in "biuf" and target.ndim == like.ndim:
        T = target.astype(like.dtype)  # a recorded cast, the values astype gives
        T.name = target.name or "Y"
    else:
        T = np.asarray(target.data if isinstance(target, Tensor) else target)
        if T.dtype.kind not in "biuf":
            raise ValueError(f"{loss}: target must be numeric, got dtype {T.dtype}")
        T = T.astype(like.dtype, copy=False)
    if T.shape != like.shape:
        hint = " (reshape labels (m,) with Y.reshape(1, -1))" if T.shape == like.shape[1:] \
            else ""
        raise ValueError(f"{loss}: target has shape {T.shape}, expected {like.shape} like "
                         f"the prediction{hint}")
    if isinstance(T, np.ndarray):
        name = target.name if isinstance(target, Tensor) and target.name else "Y"
        T = Tensor(T, name=name)
    return T


def _check_probabilities(T: np.ndarray) -> None:
    """Columns of probabilities lie in [0, 1]: a target of 2 or −1 gives a loss (even a
    negative one) that means nothing, so it is refused, naming a value."""
    inside = (T >= 0) & (T <= 1)
    if not inside.all():
        bad = T[~inside]
        raise ValueError(f"cross_entropy: target columns hold probabilities (one-hot or soft) "
                         f"in [0, 1], but {bad.size} of {T.size} values do not (e.g. "
                         f"{float(bad.flat[0])}); integer labels go in as shape (m,)")


def _one_hot(labels: np.ndarray, C: int, m: int, dtype: np.dtype) -> np.ndarray:
    """One-hot columns ``(C, m)`` from integer labels ``(m,)``, checked."""
    if labels.shape != (m,):
        raise ValueError(f"cross_entropy: the labels have shape {labels.shape}, expected "
                         f"({m},) to match logits of shape ({C}, {m})")
    if labels.dtype.kind not in "iu" and not (labels.dtype.kind in "fb" and
                                             np.array_equal(labels, np.round(labels))):
        raise ValueError(f"cross_entropy: a 1-D target holds class labels and must be whole "
                         f"numbers, got dtype {labels.dtype}")
    if m and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"cross_entropy: labels must lie in [0, {C}) for {C} classes, got "
                         f"values from {labels.min()} to {labels.max()}")
    T = np.zeros((C, m), dtype)
    T[labels.astype(np.intp), np.arange(m)] = 1
    return T
