r"""Zhang, *Derivation of the back-propagation algorithm*: the five-layer derivation, line by line.

His five layers, left to right, carry the unit indices ``j, i, k, q, p`` on his layers
``n_l - 4 .. n_l``, which are our layers ``L - 4 .. L`` (a 2-5-4-3-2 network is exactly his
case: ``j`` on the 2 inputs, ``p`` on the 2 outputs). His weight
:math:`W_{a \leftarrow b}^{(n_l - r)}` goes from unit ``b`` of his layer ``n_l - r`` to unit ``a``
of the next, our ``W[L - r + 1][a, b]``. One example ``c`` at a time, cost
:math:`J = \frac12 \|y - h\|^2`; ``da_x/dz_x`` is the activation's derivative at that unit.

Every line of the derivation from :math:`\partial h_p / \partial W_{i \leftarrow j}^{(n_l-4)}`
down to "bring back the sum" is a function here returning the ``(s_{n_l-3}, s_{n_l-4})``
matrix over all ``(i, j)``: the nested sums, the double sum, the factored form, "the trick",
the derivation's substitution of delta (the da/dz chain of one output ``p``: the note
``zhang-delta``), the first line :math:`-\sum_p (y_p - h_p) \partial h_p/\partial W`, and the
formula after "bring back the sum". The line with the clashing index ``i`` (``zhang-bound-
index``) is evaluated with the summation index kept apart, as the next line reads it. Steps
1)-3) follow, as loops over the units of every layer. Per example, no ``1/m``.
"""

from __future__ import annotations

import numpy as np

from ..network import ForwardCache


class _Five:
    """The five layers of the derivation for example ``c``: weights, da/dz, a and y."""

    def __init__(self, cache: ForwardCache, c: int) -> None:
        if cache.L < 4:
            raise ValueError(f"the derivation has five layers j, i, k, q, p: L >= 4, got {cache.L}")
        L, W = cache.L, cache.W
        self.W_pq, self.W_qk, self.W_ki = W[L], W[L - 1], W[L - 2]  # W^{(n_l-1)}, ..., W^{(n_l-3)}
        da = {l: cache.activations[l].derivative(cache.Z[l])[:, c] for l in range(L - 3, L + 1)}
        self.da_p, self.da_q, self.da_k, self.da_i = da[L], da[L - 1], da[L - 2], da[L - 3]
        self.a_j = cache.A[L - 4][:, c]  # a^{(n_l-4)}
        self.h, self.y = cache.A[L][:, c], cache.T[:, c]
        self.s = {name: len(v) for name, v in
                  (("p", self.da_p), ("q", self.da_q), ("k", self.da_k), ("i", self.da_i),
                   ("j", self.a_j))}

    def ij(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(self.s["i"]) for j in range(self.s["j"])]


def dh_dW_nested(cache: ForwardCache, c: int, p: int) -> np.ndarray:
    r""":math:`\frac{da_p}{dz_p} (\sum_q W_{p \leftarrow q} (\frac{da_q}{dz_q} (\sum_k
    W_{q \leftarrow k} (\frac{da_k}{dz_k} W_{k \leftarrow i} \frac{da_i}{dz_i} a_j))))`, the
    nested line that ends in :math:`a_j^{(n_l-4)}`."""
    f = _Five(cache, c)
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        out[i, j] = f.da_p[p] * sum(
            f.W_pq[p, q] * (f.da_q[q] * sum(
                f.W_qk[q, k] * (f.da_k[k] * f.W_ki[k, i] * f.da_i[i] * f.a_j[j])
                for k in range(f.s["k"])))
            for q in range(f.s["q"]))
    return out


def dh_dW_sum_over_i(cache: ForwardCache, c: int, p: int) -> np.ndarray:
    r"""The line with the sum over layer ``n_l - 3``, its summation index written ``i'`` (printed
    ``i``, the fixed unit's letter: ``zhang-bound-index``): :math:`\frac{da_p}{dz_p} (\sum_q
    W_{p \leftarrow q} (\frac{da_q}{dz_q} (\sum_k W_{q \leftarrow k} (\frac{da_k}{dz_k}
    (\sum_{i'} W_{k \leftarrow i'} \frac{\partial a_{i'}}{\partial W_{i \leftarrow j}})))))`,
    where :math:`\partial a_{i'}/\partial W_{i \leftarrow j}` is :math:`\frac{da_i}{dz_i} a_j`
    for ``i' = i`` and 0 otherwise (the next lines)."""
    f = _Five(cache, c)
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        def da_dW(i_: int, i: int = i, j: int = j) -> float:
            return f.da_i[i] * f.a_j[j] if i_ == i else 0.0

        out[i, j] = f.da_p[p] * sum(
            f.W_pq[p, q] * (f.da_q[q] * sum(
                f.W_qk[q, k] * (f.da_k[k] * sum(f.W_ki[k, i_] * da_dW(i_)
                                                for i_ in range(f.s["i"])))
                for k in range(f.s["k"])))
            for q in range(f.s["q"]))
    return out


def dh_dW_double_sum(cache: ForwardCache, c: int, p: int) -> np.ndarray:
    r""":math:`\sum_q \sum_k \frac{da_p}{dz_p} W_{p \leftarrow q} \frac{da_q}{dz_q}
    W_{q \leftarrow k} \frac{da_k}{dz_k} W_{k \leftarrow i} \frac{da_i}{dz_i} a_j`."""
    f = _Five(cache, c)
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        for q in range(f.s["q"]):
            for k in range(f.s["k"]):
                out[i, j] += (f.da_p[p] * f.W_pq[p, q] * f.da_q[q] * f.W_qk[q, k] * f.da_k[k]
                              * f.W_ki[k, i] * f.da_i[i] * f.a_j[j])
    return out


def dh_dW_factored(cache: ForwardCache, c: int, p: int) -> np.ndarray:
    r""":math:`(\sum_q \sum_k \frac{da_p}{dz_p} W_{p \leftarrow q} \frac{da_q}{dz_q}
    W_{q \leftarrow k} \frac{da_k}{dz_k} W_{k \leftarrow i}) \cdot \frac{da_i}{dz_i} \cdot a_j`."""
    f = _Five(cache, c)
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        bracket = sum(f.da_p[p] * f.W_pq[p, q] * f.da_q[q] * f.W_qk[q, k] * f.da_k[k] * f.W_ki[k, i]
                      for q in range(f.s["q"]) for k in range(f.s["k"]))
        out[i, j] = bracket * f.da_i[i] * f.a_j[j]
    return out


def dh_dW_trick(cache: ForwardCache, c: int, p: int) -> np.ndarray:
    r"""'The trick': :math:`(\frac{da_i}{dz_i} \sum_k W_{k \leftarrow i} (\frac{da_k}{dz_k}
    \sum_q W_{q \leftarrow k} (\frac{da_q}{dz_q} W_{p \leftarrow q} (\frac{da_p}{dz_p}))))
    \cdot a_j`."""
    f = _Five(cache, c)
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        out[i, j] = f.da_i[i] * sum(
            f.W_ki[k, i] * (f.da_k[k] * sum(
                f.W_qk[q, k] * (f.da_q[q] * f.W_pq[p, q] * f.da_p[p]) for q in range(f.s["q"])))
            for k in range(f.s["k"])) * f.a_j[j]
    return out


def dh_dW_delta(cache: ForwardCache, c: int, p: int) -> np.ndarray:
    r"""The substitutions after 'the trick', with the derivation's delta (one output ``p``):
    :math:`\delta_p^{(n_l)} = \frac{da_p}{dz_p}`,
    :math:`\delta_q^{(n_l-1)} = \frac{da_q}{dz_q} W_{p \leftarrow q} \delta_p^{(n_l)}` (no sum
    over ``p``), :math:`\delta_k^{(n_l-2)} = \frac{da_k}{dz_k} \sum_q W_{q \leftarrow k}
    \delta_q^{(n_l-1)}`, :math:`\delta_i^{(n_l-3)} = \frac{da_i}{dz_i} \sum_k W_{k \leftarrow i}
    \delta_k^{(n_l-2)}`; the line :math:`= \delta_i^{(n_l-3)} \cdot a_j^{(n_l-4)}`."""
    f = _Five(cache, c)
    delta_p = f.da_p[p]
    delta_q = [f.da_q[q] * f.W_pq[p, q] * delta_p for q in range(f.s["q"])]
    delta_k = [f.da_k[k] * sum(f.W_qk[q, k] * delta_q[q] for q in range(f.s["q"]))
               for k in range(f.s["k"])]
    delta_i = [f.da_i[i] * sum(f.W_ki[k, i] * delta_k[k] for k in range(f.s["k"]))
               for i in range(f.s["i"])]
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        out[i, j] = delta_i[i] * f.a_j[j]
    return out


def dJ_dW_first_line(cache: ForwardCache, c: int) -> np.ndarray:
    r"""The first line: :math:`\frac{\partial J}{\partial W_{i \leftarrow j}^{(n_l-4)}} =
    -\sum_{p=1}^{s_{n_l}} (y_p - h_p) \cdot \frac{\partial h_p}{\partial W_{i \leftarrow
    j}^{(n_l-4)}}`, with the nested form of :math:`\partial h_p/\partial W`."""
    f = _Five(cache, c)
    return -sum((f.y[p] - f.h[p]) * dh_dW_nested(cache, c, p) for p in range(f.s["p"]))


def dJ_dW_bring_back_the_sum(cache: ForwardCache, c: int) -> np.ndarray:
    r"""After 'bring back the sum': :math:`(\frac{da_i}{dz_i}) \sum_k W_{k \leftarrow i}
    (\frac{da_k}{dz_k}) \sum_q W_{q \leftarrow k} (\frac{da_q}{dz_q} (\sum_p W_{p \leftarrow q}
    (-\frac{da_p}{dz_p} (y_p - h_p)))) \cdot a_j`: one example's ``dJ/dW[L - 3]``."""
    f = _Five(cache, c)
    out = np.zeros((f.s["i"], f.s["j"]))
    for i, j in f.ij():
        out[i, j] = f.da_i[i] * sum(
            f.W_ki[k, i] * f.da_k[k] * sum(
                f.W_qk[q, k] * (f.da_q[q] * sum(
                    f.W_pq[p, q] * (-f.da_p[p] * (f.y[p] - f.h[p])) for p in range(f.s["p"])))
                for q in range(f.s["q"]))
            for k in range(f.s["k"])) * f.a_j[j]
    return out


def steps_1_to_3(cache: ForwardCache, c: int) -> tuple[dict[int, np.ndarray], dict]:
    r"""Steps 1)-3) for example ``c``, unit by unit, in our layer numbers:

    1) :math:`\delta_p^{(n_l)} = -(y_p - h_p) \frac{da_p^{(n_l)}}{dz_p^{(n_l)}}` (``y_p``, as the
       derivation has it: ``zhang-step-1``);
    2) :math:`\delta_k^{(l)} = (\sum_{q=1}^{s_{l+1}} W_{q \leftarrow k}^{(l)} \delta_q^{(l+1)})
       \frac{da_k^{(l)}}{dz_k^{(l)}}`;
    3) :math:`\frac{\partial J}{\partial W_{i \leftarrow j}^{(l)}} = \delta_i^{(l+1)} a_j^{(l)}`
       (``J`` on the left: ``zhang-step-3``).

    Returns ``(delta, dW)``: ``delta[l]`` is his delta on our layer ``l`` (``m * dJ/dZ[l]``
    column ``c``), ``dW[l]`` this example's gradient of our ``W[l]``.
    """
    L, W, A, T = cache.L, cache.W, cache.A, cache.T
    da = {l: cache.activations[l].derivative(cache.Z[l])[:, c] for l in range(1, L + 1)}
    delta = {L: np.array([-(T[p, c] - A[L][p, c]) * da[L][p] for p in range(cache.sizes[L])])}
    for l in range(L - 1, 0, -1):
        delta[l] = np.array([
            sum(W[l + 1][q, k] * delta[l + 1][q] for q in range(cache.sizes[l + 1])) * da[l][k]
            for k in range(cache.sizes[l])])
    dW = {}
    for l in range(1, L + 1):
        dW[l] = np.array([[delta[l][i] * A[l - 1][j, c] for j in range(cache.sizes[l - 1])]
                          for i in range(cache.sizes[l])])
    return delta, dW
