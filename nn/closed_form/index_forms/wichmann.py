r"""Wichmann, *General feed forward neural networks* (2017): his index forms, as loops.

His notation: :math:`W_{ij}^{(l)}`, :math:`A_{kn}^{(l)}` (unit ``k``, data point ``n``),
:math:`\Delta^{(l)} = \partial J/\partial A^{(l)}`, :math:`\partial\sigma_l/\partial Z_{kn}^{(l)}`
the activation's derivative at that entry, Kronecker deltas :math:`\delta_{ik}`. Layer numbers
are ours, his ``N`` is our ``m``, and every quantity already includes the ``1/N`` of ``J``
(factor 1), except the per-point errors :math:`\delta_i^{(L)}` of (3.6), (3.10), which carry
none. The sums run over every index the page sums over, Kronecker deltas included, so the
quadruple sum (4.5) costs ``S_L N S_{L-1} N`` terms per entry: use a small batch.
"""

from __future__ import annotations

import math

import numpy as np

from ..losses import dJ_dA_L
from ..network import ForwardCache


def _kronecker(a: int, b: int) -> int:
    return 1 if a == b else 0


def _sigma_prime(cache: ForwardCache, l: int) -> np.ndarray:
    """:math:`\\partial \\sigma_l / \\partial Z^{(l)}`, entry by entry (elementwise activations)."""
    return cache.activations[l].derivative(cache.Z[l])


def _Delta_L(cache: ForwardCache) -> np.ndarray:
    return dJ_dA_L(cache.loss, cache.A[cache.L], cache.T)  # (2.14), with the 1/N of J


def _H_L(cache: ForwardCache) -> np.ndarray:
    """(2.15) entry by entry: :math:`H_{kn}^{(L)} = \\Delta_{kn}^{(L)} \\partial\\sigma_L/\\partial
    Z_{kn}^{(L)}`."""
    Delta, sp = _Delta_L(cache), _sigma_prime(cache, cache.L)
    H = np.empty_like(Delta)
    for k, n in np.ndindex(H.shape):
        H[k, n] = Delta[k, n] * sp[k, n]
    return H


def dW_L_2_7(cache: ForwardCache, kronecker: bool = True) -> np.ndarray:
    r"""(2.7): :math:`\frac{\partial J}{\partial W_{ij}^{(L)}} = \sum_k \sum_n \frac{\partial J}
    {\partial A_{kn}^{(L)}} \frac{\partial \sigma_L}{\partial Z_{kn}^{(L)}} \delta_{ik}
    A_{jn}^{(L-1)}` (``kronecker``), or its right side :math:`\sum_n \frac{\partial J}{\partial
    A_{in}^{(L)}} \frac{\partial \sigma_L}{\partial Z_{in}^{(L)}} A_{jn}^{(L-1)}`."""
    L, N = cache.L, cache.m
    Delta, sp, A_prev = _Delta_L(cache), _sigma_prime(cache, L), cache.A[L - 1]
    S_L, S_prev = cache.sizes[L], cache.sizes[L - 1]
    dW = np.zeros((S_L, S_prev))
    for i in range(S_L):
        for j in range(S_prev):
            if kronecker:
                dW[i, j] = sum(Delta[k, n] * sp[k, n] * _kronecker(i, k) * A_prev[j, n]
                               for k in range(S_L) for n in range(N))
            else:
                dW[i, j] = sum(Delta[i, n] * sp[i, n] * A_prev[j, n] for n in range(N))
    return dW


def db_L_2_12(cache: ForwardCache, kronecker: bool = True) -> np.ndarray:
    r"""(2.12): :math:`\frac{\partial J}{\partial b_i^{(L)}} = \sum_k \sum_n \frac{\partial J}
    {\partial A_{kn}^{(L)}} \frac{\partial \sigma_L}{\partial Z_{kn}^{(L)}} \delta_{ik}`
    (``kronecker``), or :math:`\sum_n \frac{\partial J}{\partial A_{in}^{(L)}}
    \frac{\partial \sigma_L}{\partial Z_{in}^{(L)}}`."""
    L, N = cache.L, cache.m
    Delta, sp, S_L = _Delta_L(cache), _sigma_prime(cache, L), cache.sizes[L]
    db = np.zeros((S_L, 1))
    for i in range(S_L):
        if kronecker:
            db[i, 0] = sum(Delta[k, n] * sp[k, n] * _kronecker(i, k)
                           for k in range(S_L) for n in range(N))
        else:
            db[i, 0] = sum(Delta[i, n] * sp[i, n] for n in range(N))
    return db


def cost_3_4(cache: ForwardCache) -> float:
    r"""(3.4): :math:`J = \frac{1}{2N} \sum_{m=1}^N \|a_m^{(L)} - t_m\|^2`, the norm summed over
    the ``S_L`` entries of each column."""
    A, T, N = cache.A[cache.L], cache.T, cache.m
    return sum(sum((A[k, m] - T[k, m]) ** 2 for k in range(A.shape[0])) for m in range(N)) / (2 * N)


def cost_3_8(cache: ForwardCache) -> float:
    r"""(3.8), summed over the data points ``i`` (printed with ``m``: ``wichmann-3.8``) and, for
    ``S_L > 1``, over the outputs (the note ``wichmann-3.9``): :math:`J = -\frac1N \sum_{i=1}^N
    [t_i \log a_i^{(L)} + (1 - t_i) \log(1 - a_i^{(L)})]`."""
    A, T, N = cache.A[cache.L], cache.T, cache.m
    return -sum(T[k, i] * math.log(A[k, i]) + (1 - T[k, i]) * math.log(1 - A[k, i])
                for i in range(N) for k in range(A.shape[0])) / N


def delta_3_6(cache: ForwardCache) -> np.ndarray:
    r"""(3.6), one column per data point: :math:`\delta_i^{(L)} = a_i^{(L)} - t_i`; placed in
    columns and divided by ``N`` it is :math:`\Delta^{(L)}` (3.7). No ``1/N``: ``N * dJ/dA[L]``."""
    A, T = cache.A[cache.L], cache.T
    return np.column_stack([A[:, i] - T[:, i] for i in range(cache.m)])


def delta_3_10(cache: ForwardCache) -> np.ndarray:
    r"""(3.10), one column per data point: :math:`\delta_i^{(L)} = \frac{a_i^{(L)} - t_i}
    {a_i^{(L)}(1 - a_i^{(L)})}`. No ``1/N``: ``N * dJ/dA[L]`` for the cross-entropy (3.8)."""
    A, T = cache.A[cache.L], cache.T
    return np.column_stack([(A[:, i] - T[:, i]) / (A[:, i] * (1 - A[:, i]))
                            for i in range(cache.m)])


def dW_Lminus1(cache: ForwardCache, equation: str) -> np.ndarray:
    r"""``dJ/dW[L-1]`` by one of the lines (4.5)-(4.10), entry ``(i, j)`` each:

    * ``"4.5"``: :math:`\sum_k \sum_n \sum_{k'} \sum_{n'} \Delta_{kn}^{(L)} \sigma'_{L,kn}
      W_{kk'}^{(L)} \delta_{nn'} \sigma'_{L-1,k'n'} \delta_{ik'} A_{jn'}^{(L-2)}`;
    * ``"4.6"``: :math:`\sum_k \sum_n H_{kn}^{(L)} W_{ki}^{(L)} \sigma'_{L-1,in} A_{jn}^{(L-2)}`;
    * ``"4.7"``: :math:`\sum_k \sum_n (W^{(L)})^t_{ik} H_{kn}^{(L)} \sigma'_{L-1,in}
      (A^{(L-2)})^t_{nj}`;
    * ``"4.8"``: :math:`\sum_n [(W^{(L)})^t H^{(L)}]_{in} \sigma'_{L-1,in} (A^{(L-2)})^t_{nj}`;
    * ``"4.9"``: :math:`\sum_n [(W^{(L)})^t H^{(L)} \odot \sigma'_{L-1}]_{in} (A^{(L-2)})^t_{nj}`;
    * ``"4.10"``: :math:`[(W^{(L)})^t H^{(L)} \odot \sigma'_{L-1} (A^{(L-2)})^t]_{ij}`, read left to
      right (the reading that agrees: the ambiguity ``wichmann-4.10``).
    """
    L, N = cache.L, cache.m
    if L < 2:
        raise ValueError("(4.5)-(4.10) need a layer L - 1, so L >= 2")
    W, Delta, H = cache.W[L], _Delta_L(cache), _H_L(cache)
    sp_L, sp, A2 = _sigma_prime(cache, L), _sigma_prime(cache, L - 1), cache.A[L - 2]
    S_L, S_1, S_2 = cache.sizes[L], cache.sizes[L - 1], cache.sizes[L - 2]
    Wt, A2t = W.T, A2.T
    WtH = Wt @ H  # the bracket of (4.8)-(4.10), a matrix product
    WtH_odot = WtH * sp  # (4.9)'s Hadamard product
    left_to_right = WtH_odot @ A2t  # (4.10)
    dW = np.zeros((S_1, S_2))
    for i in range(S_1):
        for j in range(S_2):
            if equation == "4.5":
                dW[i, j] = sum(
                    Delta[k, n] * sp_L[k, n] * W[k, k_] * _kronecker(n, n_) * sp[k_, n_]
                    * _kronecker(i, k_) * A2[j, n_]
                    for k in range(S_L) for n in range(N) for k_ in range(S_1) for n_ in range(N))
            elif equation == "4.6":
                dW[i, j] = sum(H[k, n] * W[k, i] * sp[i, n] * A2[j, n]
                               for k in range(S_L) for n in range(N))
            elif equation == "4.7":
                dW[i, j] = sum(Wt[i, k] * H[k, n] * sp[i, n] * A2t[n, j]
                               for k in range(S_L) for n in range(N))
            elif equation == "4.8":
                dW[i, j] = sum(WtH[i, n] * sp[i, n] * A2t[n, j] for n in range(N))
            elif equation == "4.9":
                dW[i, j] = sum(WtH_odot[i, n] * A2t[n, j] for n in range(N))
            elif equation == "4.10":
                dW[i, j] = left_to_right[i, j]
            else:
                raise ValueError(f"unknown equation {equation!r}; one of 4.5 ... 4.10")
    return dW


def db_Lminus1_4_15(cache: ForwardCache) -> np.ndarray:
    r"""(4.15): :math:`\frac{\partial J}{\partial b_i^{(L-1)}} = \sum_n [(W^{(L)})^t H^{(L)} \odot
    \sigma'_{L-1}]_{in} = \sum_n H_{in}^{(L-1)}` (the bracket is :math:`H^{(L-1)}`, (4.13))."""
    L, N = cache.L, cache.m
    bracket = (cache.W[L].T @ _H_L(cache)) * _sigma_prime(cache, L - 1)  # = H^{(L-1)} (4.13)
    return np.array([[sum(bracket[i, n] for n in range(N))] for i in range(cache.sizes[L - 1])])


def Delta_5_10(cache: ForwardCache, l: int, Delta_l: np.ndarray) -> np.ndarray:
    r"""(5.9)-(5.10), with the ``in``'th element (``wichmann-5.10``):
    :math:`\Delta_{in}^{(l-1)} = \sum_{j=1}^{S_l} (W^{(l)})^t_{ij} (\Delta_{jn}^{(l)}
    \partial\sigma_l/\partial Z_{jn}^{(l)})`, from :math:`\Delta^{(l)}`."""
    Wt, sp = cache.W[l].T, _sigma_prime(cache, l)
    out = np.zeros((cache.sizes[l - 1], cache.m))
    for i, n in np.ndindex(out.shape):
        out[i, n] = sum(Wt[i, j] * (Delta_l[j, n] * sp[j, n]) for j in range(cache.sizes[l]))
    return out


def dW_5_14(cache: ForwardCache, l: int, Delta_l: np.ndarray) -> np.ndarray:
    r"""(5.13)-(5.14) with :math:`A^{(l-1)}` (``wichmann-5.16``): :math:`\frac{\partial J}
    {\partial W_{ij}^{(l)}} = \sum_n \Delta_{in}^{(l)} \frac{\partial\sigma_l}{\partial
    Z_{in}^{(l)}} A_{jn}^{(l-1)}`."""
    sp, A_prev = _sigma_prime(cache, l), cache.A[l - 1]
    out = np.zeros(cache.W[l].shape)
    for i, j in np.ndindex(out.shape):
        out[i, j] = sum(Delta_l[i, n] * sp[i, n] * A_prev[j, n] for n in range(cache.m))
    return out


def db_5_19(cache: ForwardCache, l: int, Delta_l: np.ndarray) -> np.ndarray:
    r"""(5.19): :math:`[\frac{\partial J}{\partial b^{(l)}}]_i = \sum_j \sum_n \Delta_{jn}^{(l)}
    \frac{\partial\sigma_l}{\partial Z_{jn}^{(l)}} \delta_{ji}`."""
    sp, S_l = _sigma_prime(cache, l), cache.sizes[l]
    return np.array([[sum(Delta_l[j, n] * sp[j, n] * _kronecker(j, i)
                          for j in range(S_l) for n in range(cache.m))] for i in range(S_l)])


def section6_sums(cache: ForwardCache) -> dict[str, np.ndarray]:
    r"""The sums on the right of (6.4) and (6.5), and (6.7) with ⊙ (``wichmann-6.7``), one data
    point ``i`` at a time (section 6 writes ``m`` for ``N``):
    ``"6.4"``: :math:`\frac1m \sum_i (A_i^{(2)} - Y_i)(A_i^{(1)})^t`; ``"6.5"``:
    :math:`\frac1m \sum_i (A_i^{(2)} - Y_i)`; ``"6.7"``: :math:`H_i^{(1)} = \Delta_i^{(1)} \odot
    (1 - a_i^{(1)} \odot a_i^{(1)})` with :math:`\Delta^{(1)}` from (6.6)."""
    A1, A2, Y, m = cache.A[1], cache.A[2], cache.T, cache.m
    dW2 = sum((A2[:, i : i + 1] - Y[:, i : i + 1]) @ A1[:, i : i + 1].T for i in range(m)) / m
    db2 = sum(A2[:, i : i + 1] - Y[:, i : i + 1] for i in range(m)) / m
    Delta1 = cache.W[2].T @ (A2 - Y) / m  # (6.6)
    H1 = np.column_stack([Delta1[:, i] * (1 - A1[:, i] * A1[:, i]) for i in range(m)])
    return {"6.4": dW2, "6.5": db2, "6.7": H1}
