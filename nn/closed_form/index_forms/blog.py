r"""*Bro, do you even backprop?* (blog post): its per-sample steps, entry by entry.

Notation as the post's: per-sample columns :math:`\mathbf{a}^l, \mathbf{z}^l`, weight rows
:math:`\mathbf{W}^l = [\mathbf{w}_1^l, \dots, \mathbf{w}_{n_l}^l]^T`, the basis vectors
:math:`\mathbf{e}_k`, Jacobians stacked "row by row" (row ``j`` of :math:`\partial \mathbf{a} /
\partial \mathbf{b}` is :math:`\partial \mathbf{a} / \partial b_j`). ``x`` is one sample
``s`` (the post reuses ``i`` for it and for a row of ``W``: the note ``blog-i-index``), its
loss :math:`g_s = g(\mathbf{a}^L(\mathbf{x}_s) - \mathbf{y}_s)`, and
:math:`L = \frac1N \sum_s g_s`. The interior recursion and the weight formulas are run per
sample, as they hold (the ambiguity ``blog-per-sample``, its per-sample reading), and
averaged over the ``N`` samples where the post's ``L`` is meant. Elementwise activations (the
diagonal Jacobians the post derives).
"""

from __future__ import annotations

import numpy as np

from ..network import ForwardCache


def _fprime(cache: ForwardCache, l: int, s: int) -> np.ndarray:
    return cache.activations[l].derivative(cache.Z[l])[:, s]  # f'(z_k^l) of sample s


def da_db_output(cache: ForwardCache, s: int) -> np.ndarray:
    r"""'For the output layer', sample ``s``: :math:`\frac{\partial \mathbf{a}^L}{\partial b_j^L}
    = \sum_{k=1}^{n_L} \frac{\partial \mathbf{a}^L}{\partial z_k^L} \frac{\partial z_k^L}
    {\partial b_j^L}` with :math:`\frac{\partial \mathbf{a}^L}{\partial z_k^L} = f'(z_k^L)
    \mathbf{e}_k` and :math:`\frac{\partial z_k^L}{\partial b_j^L} = \delta_{jk}`, stacked row
    by row: :math:`\mathrm{diag}(f'(z_1^L), \dots, f'(z_{n_L}^L))`."""
    L, n_L = cache.L, cache.sizes[cache.L]
    fprime = _fprime(cache, L, s)
    rows = []
    for j in range(n_L):
        da_dbj = np.zeros(n_L)
        for k in range(n_L):
            e_k = np.eye(n_L)[k]
            da_dbj += fprime[k] * e_k * (1.0 if j == k else 0.0)
        rows.append(da_dbj)
    return np.array(rows)


def dL_db_output(cache: ForwardCache) -> np.ndarray:
    r""":math:`\frac{\partial L}{\partial \mathbf{b}^L} = \frac1N \sum_{s=1}^N
    \mathrm{diag}(f'(z_1^L), \dots) \cdot (\mathbf{a}^L(\mathbf{x}_s) - \mathbf{y}_s)`, the diagonal
    of sample ``s`` in term ``s``: ``dJ/db[L]``."""
    L, N = cache.L, cache.m
    total = np.zeros((cache.sizes[L], 1))
    for s in range(N):
        total += da_db_output(cache, s) @ (cache.A[L][:, s : s + 1] - cache.T[:, s : s + 1])
    return total / N


def da_L_db(cache: ForwardCache, l: int, s: int) -> np.ndarray:
    r""":math:`\partial \mathbf{a}^L / \partial \mathbf{b}^l` of sample ``s`` in the row layout, by
    the chain rule the post applies: :math:`\frac{\partial \mathbf{a}^l}{\partial \mathbf{b}^l}
    \frac{\partial \mathbf{z}^{l+1}}{\partial \mathbf{a}^l} \frac{\partial \mathbf{a}^{l+1}}
    {\partial \mathbf{z}^{l+1}} \cdots \frac{\partial \mathbf{a}^L}{\partial \mathbf{z}^L}`, with
    :math:`\partial \mathbf{z}^{k+1}/\partial \mathbf{a}^k = (\mathbf{W}^{k+1})^T` and
    :math:`\partial \mathbf{a}^k/\partial \mathbf{z}^k = \mathrm{diag}(f'(\mathbf{z}^k))`."""
    J = np.diag(_fprime(cache, l, s))
    for k in range(l + 1, cache.L + 1):
        J = J @ cache.W[k].T @ np.diag(_fprime(cache, k, s))
    return J


def dL_db_chain_rule(cache: ForwardCache, l: int) -> np.ndarray:
    r"""The first chain rule of the post, for any layer: :math:`\frac{\partial L}{\partial
    \mathbf{b}^l} = \frac1N \sum_{s=1}^N \frac{\partial \mathbf{a}^L}{\partial \mathbf{b}^l}
    \cdot (\mathbf{a}^L(\mathbf{x}_s) - \mathbf{y}_s)`: ``dJ/db[l]``."""
    L, N = cache.L, cache.m
    total = np.zeros((cache.sizes[l], 1))
    for s in range(N):
        total += da_L_db(cache, l, s) @ (cache.A[L][:, s : s + 1] - cache.T[:, s : s + 1])
    return total / N


def dg_db_interior(cache: ForwardCache, s: int) -> dict[int, np.ndarray]:
    r"""'For an interior layer l', per sample: :math:`\frac{\partial g_s}{\partial \mathbf{b}^l}
    = \mathrm{diag}(f'(z_1^l), \dots, f'(z_{n_l}^l)) \cdot (\mathbf{W}^{l+1})^T \cdot
    \frac{\partial g_s}{\partial \mathbf{b}^{l+1}}`, from the output layer's term ``s`` down:
    column ``s`` of ``N * dJ/dZ[l]`` for every ``l``."""
    L = cache.L
    dg = {L: da_db_output(cache, s) @ (cache.A[L][:, s : s + 1] - cache.T[:, s : s + 1])}
    for l in range(L - 1, 0, -1):
        dg[l] = np.diag(_fprime(cache, l, s)) @ cache.W[l + 1].T @ dg[l + 1]
    return dg


def dg_dw_row(cache: ForwardCache, l: int, row: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The row formula for sample ``s``, both of its lines: :math:`\frac{\partial g_s}{\partial
    \mathbf{w}_{row}^l} = [\dots, 0, \mathbf{a}^{l-1}, 0, \dots] \cdot \frac{\partial g_s}
    {\partial \mathbf{b}^l}` (the ``n_{l-1} x n_l`` matrix :math:`\partial \mathbf{z}^l /
    \partial \mathbf{w}_{row}^l` with :math:`\mathbf{a}^{l-1}` in column ``row``) and
    :math:`= \mathbf{a}^{l-1} \frac{\partial g_s}{\partial b_{row}^l}`."""
    a_prev = cache.A[l - 1][:, s]
    dz_dw = np.zeros((cache.sizes[l - 1], cache.sizes[l]))
    dz_dw[:, row] = a_prev
    dg_db = dg_db_interior(cache, s)[l][:, 0]
    return dz_dw @ dg_db, a_prev * dg_db[row]


def dL_dW(cache: ForwardCache, l: int) -> np.ndarray:
    r"""'we stack all :math:`\partial L/\partial \mathbf{w}_i^l` in columns then take the
    transpose', per sample (:math:`\partial g_s / \partial \mathbf{W}^l =
    \partial g_s / \partial \mathbf{b}^l \cdot (\mathbf{a}^{l-1})^T`), averaged over the ``N``
    samples: ``dJ/dW[l]``."""
    N = cache.m
    total = np.zeros(cache.W[l].shape)
    for s in range(N):
        columns = [dg_dw_row(cache, l, row, s)[1] for row in range(cache.sizes[l])]
        total += np.column_stack(columns).T
    return total / N
