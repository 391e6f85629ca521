r"""Rojas, *Vectorized Back-propagation Derivation* (v1.0, 2019): his entry forms, as loops.

His notation: :math:`\Theta^{[l]}_{i,j}` (our ``W[l][i-1, j-1]``), :math:`A_i^{[l](c)}` (row
``i``, example ``c``), :math:`err\{a, y\}` one term of the cost (2). Scaling as his: the entries
of (7) and (14) carry no ``1/m`` (``m`` times ``dJ/dZ[L]``, ``dJ/dA[L-1]``: the typo
``rojas-missing-m``), while (10)-(12) apply it (``dJ/dW[L]``, ``dJ/db[L]`` themselves). Targets
are read with their example, :math:`y_i^{(c)}` (the note ``rojas-y-index``), and the printed
slips of (2) and (14) are corrected (``rojas-2``, ``rojas-14-prime``, ``rojas-14-column``).
"""

from __future__ import annotations

import math

import numpy as np

from ..network import ForwardCache
from .scalars import sigma


def err(loss: str, a: float, y: float) -> float:
    """One term of (2): ``½(a - y)²`` (mse) or ``-[y log a + (1 - y) log(1 - a)]`` (binary
    cross-entropy). Softmax cross-entropy is not a sum of such terms, so it is refused."""
    if loss == "mse":
        return 0.5 * (a - y) ** 2
    if loss == "binary_cross_entropy":
        return -(y * math.log(a) + (1 - y) * math.log(1 - a))
    raise ValueError(f"(2) sums elementwise err terms; {loss!r} is not such a sum")


def err_prime(loss: str, a: float, y: float) -> float:
    """``err'{a, y}``, the derivative of one term of (2) with respect to ``a``."""
    if loss == "mse":
        return a - y
    if loss == "binary_cross_entropy":
        return (a - y) / (a * (1 - a))
    raise ValueError(f"(2) sums elementwise err terms; {loss!r} is not such a sum")


def _unit(cache: ForwardCache, l: int, r: int, c: int) -> float:
    r"""One nested level of (2), :math:`\alpha^{[l]}(\sum_s \Theta^{[l]}_{r,s} (\dots) +
    b_r^{[l]})`, recomputed from ``X`` for every use (no cache, as the expanded sum reads)."""
    if l == 0:
        return float(cache.X[r, c])  # X_s^{(c)}
    Theta, b = cache.W[l], cache.b[l]
    inner = sum(Theta[r, s] * _unit(cache, l - 1, s, c) for s in range(Theta.shape[1]))
    return sigma(cache.activations[l], inner + b[r, 0])


def cost_2(cache: ForwardCache) -> float:
    r"""(2), the long form of the cost, evaluated as nested sums:

    :math:`J = \frac1m \sum_{c=1}^m \sum_{i=1}^{n_L} err\{\alpha^{[L]}(\sum_{j=1}^{n_{L-1}}
    \Theta_{i,j}^{[L]} \alpha^{[L-1]}(\dots(\sum_{s=1}^{n_0} \Theta_{r,s}^{[1]} X_s^{(c)} +
    b_r^{[1]})\dots) + b_i^{[L]}), y_i^{(c)}\}`,

    the innermost sum corrected (``rojas-2``: ``s`` to ``n_0``, the bias ``b_r``). Includes the
    ``1/m``: this is ``J`` itself.
    """
    L, m, T = cache.L, cache.m, cache.T
    total = 0.0
    for c in range(m):
        for i in range(cache.sizes[L]):
            total += err(cache.loss, _unit(cache, L, i, c), float(T[i, c]))
    return total / m


def dZ_L_7(cache: ForwardCache) -> np.ndarray:
    r"""(7): entry ``(i, c)`` is :math:`err'\{A_i^{[L](c)}, y_i^{(c)}\} \cdot
    \alpha'^{[L]}(Z_i^{[L](c)})`. No ``1/m``: ``m * dJ/dZ[L]``."""
    L, A, Z, T = cache.L, cache.A, cache.Z, cache.T
    alpha_prime = cache.activations[L].derivative(Z[L])  # alpha'^{[L]} at every entry
    dZ = np.empty_like(Z[L])
    for i in range(cache.sizes[L]):
        for c in range(cache.m):
            dZ[i, c] = err_prime(cache.loss, A[L][i, c], T[i, c]) * alpha_prime[i, c]
    return dZ


def dTheta_L_10(cache: ForwardCache) -> np.ndarray:
    r"""(10): :math:`\frac{\partial J}{\partial \Theta_{i,j}^{[L]}} = \frac1m \sum_{c=1}^m
    err'\{A_i^{[L](c)}, y_i^{(c)}\} \cdot \alpha'^{[L]}(Z_i^{[L](c)}) \cdot A_j^{[L-1](c)}`:
    ``dJ/dW[L]``."""
    L, A, Z, T, m = cache.L, cache.A, cache.Z, cache.T, cache.m
    alpha_prime = cache.activations[L].derivative(Z[L])
    dTheta = np.zeros_like(cache.W[L])
    for i in range(cache.sizes[L]):
        for j in range(cache.sizes[L - 1]):
            for c in range(m):
                dTheta[i, j] += (err_prime(cache.loss, A[L][i, c], T[i, c]) * alpha_prime[i, c]
                                 * A[L - 1][j, c])
            dTheta[i, j] /= m
    return dTheta


def dTheta_L_10a(cache: ForwardCache) -> np.ndarray:
    r"""(10.a): :math:`\frac1m \sum_{c=1}^m ent_{i,c}(dZ^{[L]}) \cdot ent_{j,c}(A^{[L-1]})`,
    with his ``dZ^{[L]}`` from (7): ``dJ/dW[L]``."""
    dZ, A_prev, m = dZ_L_7(cache), cache.A[cache.L - 1], cache.m
    dTheta = np.zeros((dZ.shape[0], A_prev.shape[0]))
    for i in range(dZ.shape[0]):
        for j in range(A_prev.shape[0]):
            dTheta[i, j] = sum(dZ[i, c] * A_prev[j, c] for c in range(m)) / m
    return dTheta


def dTheta_L_10b(cache: ForwardCache) -> np.ndarray:
    r"""(10.b): :math:`\frac1m row_i(dZ^{[L]}) \times col_j((A^{[L-1]})^T)`, a row times a column
    for every ``(i, j)``: ``dJ/dW[L]``."""
    dZ, A_prev_T, m = dZ_L_7(cache), cache.A[cache.L - 1].T, cache.m
    dTheta = np.zeros((dZ.shape[0], A_prev_T.shape[1]))
    for i in range(dZ.shape[0]):
        for j in range(A_prev_T.shape[1]):
            row_i, col_j = dZ[i : i + 1, :], A_prev_T[:, j : j + 1]  # (1, m) and (m, 1)
            dTheta[i, j] = (row_i @ col_j)[0, 0] / m
    return dTheta


def db_L_12(cache: ForwardCache) -> np.ndarray:
    r"""(12): :math:`db^{[L]} = \frac1m \sum_{c=1}^m dZ^{[L](c)}`, the columns of (7) added one
    by one: ``dJ/db[L]``."""
    dZ, m = dZ_L_7(cache), cache.m
    db = np.zeros((dZ.shape[0], 1))
    for c in range(m):
        db += dZ[:, c : c + 1]
    return db / m


def dA_Lminus1_14(cache: ForwardCache) -> np.ndarray:
    r"""(14), corrected (``rojas-14-prime``, ``rojas-14-column``): entry ``(j, c)`` is
    :math:`\sum_{i=1}^{n_L} err'\{A_i^{[L](c)}, y_i^{(c)}\} \cdot \alpha'^{[L]}(Z_i^{[L](c)})
    \cdot \Theta_{i,j}^{[L]}`. No ``1/m``: ``m * dJ/dA[L-1]``, as (15) gives it."""
    L, A, Z, T, Theta = cache.L, cache.A, cache.Z, cache.T, cache.W[cache.L]
    alpha_prime = cache.activations[L].derivative(Z[L])
    dA = np.zeros_like(A[L - 1])
    for j in range(cache.sizes[L - 1]):
        for c in range(cache.m):
            dA[j, c] = sum(err_prime(cache.loss, A[L][i, c], T[i, c]) * alpha_prime[i, c]
                           * Theta[i, j] for i in range(cache.sizes[L]))
    return dA
