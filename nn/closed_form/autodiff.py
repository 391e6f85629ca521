"""One autodiff forward and backward pass of an ``nn.MLP``, as the closed forms take it.

``run_autodiff(model, X, T, loss)`` records the model's graph, retains every ``Z[l]``, ``A[l]``
gradient for its pass, runs ``J.backward()`` and returns the cost, the :class:`ForwardCache`
built from the model's own ``Z[l]``, ``A[l]`` (a formulation never recomputes the forward
pass) and every gradient. ``compare`` and ``errata.report`` measure the documents against it;
with them it is the only part of ``closed_form`` that runs the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_core import Tensor, enable_grad

from .. import losses as nn_losses
from .losses import LOSSES
from .network import ForwardCache

LOSS_FUNCTIONS: dict[str, Callable[..., Tensor]] = {
    "mse": nn_losses.mse,
    "binary_cross_entropy": nn_losses.binary_cross_entropy,
    "cross_entropy": nn_losses.cross_entropy,
}


@dataclass(frozen=True)
class Autodiff:
    """One autodiff forward and backward pass: the cost, the forward cache, every gradient.

    ``gradients[(quantity, l)]`` for ``quantity`` in ``("dA", "dZ", "dW", "db")`` and
    ``l = 1..L`` (and ``("dA", 0)``, ``dJ/dX``, when ``X`` required a gradient).
    """

    J: float
    cache: ForwardCache
    gradients: dict[tuple[str, int], np.ndarray]


def _array(value: Any) -> np.ndarray:
    return np.asarray(value.data if isinstance(value, Tensor) else value)


def closed_form_targets(loss: str, T: Any, n_L: int, dtype: np.dtype) -> np.ndarray:
    """Targets as the closed forms take them: ``(n_L, m)``, one-hot columns for integer labels."""
    T = _array(T)
    if loss == "cross_entropy" and T.ndim == 1:
        one_hot = np.zeros((n_L, T.shape[0]), dtype)
        one_hot[T.astype(np.intp), np.arange(T.shape[0])] = 1
        return one_hot
    return T.astype(dtype, copy=False)


def run_autodiff(model: Any, X: Any, T: Any, loss: str, *, input_grad: bool = False) -> Autodiff:
    """Zero the model's gradients, run ``J = loss(model(X), T)`` and ``J.backward()``.

    The parameters are not changed; afterwards their ``.grad`` holds this batch's gradient
    (and ``model.Z[l].grad``, ``model.A[l].grad`` the layer gradients). Recording is switched
    on for the call even inside ``no_grad()``. With ``input_grad`` the input is a Tensor that
    requires a gradient, so ``gradients[("dA", 0)]`` is ``dJ/dX``.
    """
    if loss not in LOSS_FUNCTIONS:
        raise ValueError(f"unknown loss {loss!r}; expected one of {list(LOSSES)}")
    X0 = Tensor(_array(X), requires_grad=input_grad, name="A[0]")
    model.zero_grad()
    L = model.L
    with enable_grad():
        prediction = model(X0)
        for l in range(1, L + 1):  # what is compared, kept even by MLP(retain_grads=False)
            model.Z[l].retain_grad()
            model.A[l].retain_grad()
        J = LOSS_FUNCTIONS[loss](prediction, T)
        J.backward()
    W = (None, *(model.W[l].data for l in range(1, L + 1)))
    b = (None, *(model.b[l].data for l in range(1, L + 1)))
    Z = (None, *(model.Z[l].data for l in range(1, L + 1)))
    A = (X0.data, *(model.A[l].data for l in range(1, L + 1)))
    targets = closed_form_targets(loss, T, A[L].shape[0], A[L].dtype)
    cache = ForwardCache(W=W, b=b, Z=Z, A=A, activations=model.activations, T=targets, loss=loss)

    def grad(tensor: Tensor) -> np.ndarray:  # no path from J means a zero gradient
        return np.zeros_like(tensor.data) if tensor.grad is None else tensor.grad

    gradients = {}
    for l in range(1, L + 1):
        gradients["dA", l] = grad(model.A[l])
        gradients["dZ", l] = grad(model.Z[l])
        gradients["dW", l] = grad(model.W[l])
        gradients["db", l] = grad(model.b[l])
    if input_grad:
        gradients["dA", 0] = grad(X0)
    return Autodiff(J=float(J.item()), cache=cache, gradients=gradients)
