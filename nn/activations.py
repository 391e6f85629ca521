"""Activation functions, as modules and by name, each with its NumPy ``fn`` and ``derivative``.

``forward`` runs on Tensors through one engine op (``Z.tanh()``), so autodiff needs nothing
from this file. ``fn(Z)`` and ``derivative(Z)`` are the same function and its derivative in
plain NumPy, for the closed-form backpropagation equations (``dZ = dA ⊙ f'(Z)``); they are
the only hand-written derivatives in ``nn``, and the tests check each one against autodiff.

Protocol (what ``nn.closed_form`` relies on): ``name``; ``elementwise``; ``fn(Z)``;
``derivative(Z)``, which is ``f'(Z)`` with ``Z``'s shape for the elementwise activations and
the per-example Jacobians ``(m, n, n)`` for ``softmax``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor

from .module import Module


def _sigmoid(Z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # e^-Z = inf for Z << 0 gives exactly 0, as it should
        return 1 / (1 + np.exp(-Z))


class Activation(Module):
    """Base of the activation modules: ``A = f(Z)``, applied to every element of ``Z``."""

    name: str = "activation"
    elementwise: bool = True

    @staticmethod
    def fn(Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def derivative(Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Identity(Activation):
    """``f(Z) = Z``, ``f'(Z) = 1``. ``forward`` returns ``Z`` itself (no op is recorded)."""

    name = "identity"

    def forward(self, Z: Tensor) -> Tensor:
        return Z

    @staticmethod
    def fn(Z: np.ndarray) -> np.ndarray:
        return np.asarray(Z)

    @staticmethod
    def derivative(Z: np.ndarray) -> np.ndarray:
        return np.ones_like(Z)


class Sigmoid(Activation):
    """``σ(Z) = 1 / (1 + e^-Z)``, ``σ'(Z) = σ(Z) (1 − σ(Z))``."""

    name = "sigmoid"

    def forward(self, Z: Tensor) -> Tensor:
        return Z.sigmoid()

    fn = staticmethod(_sigmoid)

    @staticmethod
    def derivative(Z: np.ndarray) -> np.ndarray:
        # σ(Z) σ(−Z) equals σ(Z)(1 − σ(Z)) and stays accurate where σ(Z) rounds to 1
        return _sigmoid(Z) * _sigmoid(-Z)


class Tanh(Activation):
    """``tanh Z``, ``tanh'(Z) = 1 − tanh² Z``."""

    name = "tanh"

    def forward(self, Z: Tensor) -> Tensor:
        return Z.tanh()

    @staticmethod
    def fn(Z: np.ndarray) -> np.ndarray:
        return np.tanh(Z)

    @staticmethod
    def derivative(Z: np.ndarray) -> np.ndarray:
        T = np.tanh(Z)
        return 1 - T * T


class ReLU(Activation):
    """``max(Z, 0)``, derivative ``[Z > 0]`` (0 at 0, as the engine's rule)."""

    name = "relu"

    def forward(self, Z: Tensor) -> Tensor:
        return Z.relu()

    @staticmethod
    def fn(Z: np.ndarray) -> np.ndarray:
        return np.maximum(Z, 0)

    @staticmethod
    def derivative(Z: np.ndarray) -> np.ndarray:
        Z = np.asarray(Z)
        return (Z > 0).astype(Z.dtype if Z.dtype.kind == "f" else np.float64)


class LeakyReLU(Activation):
    """``Z`` where ``Z > 0``, else ``negative_slope · Z``; derivative 1 or ``negative_slope``.

    ``fn`` and ``derivative`` are bound methods here: they use this instance's slope.
    """

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, int | float) \
                or not np.isfinite(negative_slope):
            raise ValueError(f"LeakyReLU: negative_slope must be a finite number, got "
                             f"{negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, Z: Tensor) -> Tensor:
        return Z.leaky_relu(self.negative_slope)

    def fn(self, Z: np.ndarray) -> np.ndarray:  # type: ignore[override]
        return np.where(Z > 0, Z, self.negative_slope * Z)

    def derivative(self, Z: np.ndarray) -> np.ndarray:  # type: ignore[override]
        Z = np.asarray(Z)
        dtype = Z.dtype if Z.dtype.kind == "f" else np.float64
        return np.where(Z > 0, 1, self.negative_slope).astype(dtype, copy=False)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softplus(Activation):
    """``ln(1 + e^Z)``, derivative ``σ(Z)``."""

    name = "softplus"

    def forward(self, Z: Tensor) -> Tensor:
        return Z.softplus()

    @staticmethod
    def fn(Z: np.ndarray) -> np.ndarray:
        return np.logaddexp(0, Z)  # no overflow for large Z

    derivative = staticmethod(_sigmoid)


class Softmax(Activation):
    """``softmax`` over axis 0, the class axis: column ``k`` of ``Z (n, m)`` gives
    ``s_k = e^{z_k} / Σ_i e^{z_ik}``.

    Not elementwise: each output depends on the whole column, so ``derivative(Z)`` returns
    the Jacobian of every column, shape ``(m, n, n)``: ``J[k] = diag(s_k) − s_k s_kᵀ``
    (a 1-D ``Z (n,)`` gives one ``(n, n)``). Applying it: ``dZ[:, k] = J[k]ᵀ dA[:, k]`` for
    each column ``k``, i.e. ``dZ = np.einsum("kji,jk->ik", J, dA)`` (``J[k]`` is symmetric, so
    the transpose changes nothing). In a network, softmax is usually paired with
    ``cross_entropy``, where ``dZ[L] = (A[L] − T) / m`` makes the Jacobian unnecessary.
    """

    name = "softmax"
    elementwise = False

    def forward(self, Z: Tensor) -> Tensor:
        return Z.softmax(axis=0)

    @staticmethod
    def fn(Z: np.ndarray) -> np.ndarray:
        E = np.exp(Z - np.max(Z, axis=0, keepdims=True))  # shifted: exact for large logits
        return E / E.sum(axis=0, keepdims=True)

    @staticmethod
    def derivative(Z: np.ndarray) -> np.ndarray:
        Z = np.asarray(Z)
        if Z.ndim not in (1, 2):
            raise ValueError(f"softmax derivative: Z must be (n, m) or (n,), got shape {Z.shape}")
        S = Softmax.fn(Z).T  # (m, n): one row per example
        J = -S[..., :, None] * S[..., None, :]  # −s_k s_kᵀ for every k
        i = np.arange(S.shape[-1])
        J[..., i, i] += S  # + diag(s_k)
        return J


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softplus, Softmax)
}
"""Activation name -> module class."""


def activation(name: str | Activation, **options: Any) -> Activation:
    """The activation module called ``name`` (``"tanh"``), built with ``options``
    (``activation("leaky_relu", negative_slope=0.2)``); an ``Activation`` is returned as is.
    """
    if isinstance(name, Activation):
        return name
    cls = ACTIVATIONS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown activation {name!r}; choose one of "
                         f"{', '.join(map(repr, ACTIVATIONS))} or pass an nn.Activation")
    return cls(**options)
