"""Errata of document 002, Wichmann, *General feed forward neural networks* (2017).

His layer numbers are ours and his quantities already include the ``1/N`` of ``J``, so values
need no conversion. His ``N`` is our ``m``; section 6 writes ``m`` for it (a note).
"""

from __future__ import annotations

import numpy as np

from .. import wichmann
from ..losses import dJ_dA_L, loss_value
from ..network import ForwardCache
from .entry import Erratum, Reading, Target, at_least, different, hadamard, requiring

DOC = wichmann.DOCUMENT


def _general(cache: ForwardCache) -> tuple[bool, str]:
    return wichmann.applicable(cache)


def _two_points(cache: ForwardCache) -> tuple[bool, str]:
    return at_least("N", lambda c: c.m, 2)(cache)


def _bce(cache: ForwardCache) -> tuple[bool, str]:
    ok = cache.loss == "binary_cross_entropy"
    return ok, f"needs the cross-entropy cost (3.8), got {cache.loss!r}"


def _section6(cache: ForwardCache) -> tuple[bool, str]:
    return wichmann.applicable_two_layer_tanh(cache)


def _H(cache: ForwardCache) -> dict[int, np.ndarray]:
    return wichmann.backprop(cache)["H"]


# (2.13), (2.17), (4.16), (5.1), (5.20): J_N^t --------------------------------------------------
def _JN_printed(cache: ForwardCache) -> np.ndarray:
    H_L = _H(cache)[cache.L]
    return H_L @ np.ones((cache.m, 1), dtype=H_L.dtype).T  # H J_N^t


# (3.3) and (3.11): the sum over data points ------------------------------------------------------
def _eq3_3_printed(cache: ForwardCache) -> np.ndarray:
    delta_over_N = dJ_dA_L(cache.loss, cache.A[cache.L], cache.T)  # column i: delta_i / N
    return delta_over_N.sum(axis=1, keepdims=True)  # (1/N) sum_i delta_i


def _eq3_11_printed(cache: ForwardCache) -> np.ndarray:
    a, t, N = cache.A[cache.L], cache.T, cache.m
    return ((a - t) / (a * (1 - a))).sum(axis=1, keepdims=True) / N


def _eq3_11_corrected(cache: ForwardCache) -> np.ndarray:
    a, t, N = cache.A[cache.L], cache.T, cache.m
    return (a - t) / (a * (1 - a)) / N


# (3.8) -------------------------------------------------------------------------------------------
def _eq3_8_printed(cache: ForwardCache) -> np.ndarray:
    a, t, N = cache.A[cache.L][:, 0], cache.T[:, 0], cache.m  # the free index i, taken as 1
    term = np.sum(t * np.log(a) + (1 - t) * np.log(1 - a))
    return np.asarray(-sum(term for _ in range(N)) / N)  # sum_{m=1}^N of a term without m


def _eq3_8_corrected(cache: ForwardCache) -> np.ndarray:
    return np.asarray(loss_value("binary_cross_entropy", cache.A[cache.L], cache.T))


# (4.10) ------------------------------------------------------------------------------------------
def _eq4_10_matrix_product_first(cache: ForwardCache) -> np.ndarray:
    L, H = cache.L, _H(cache)
    sigma_prime = cache.activations[L - 1].derivative(cache.Z[L - 1])
    return hadamard(cache.W[L].T @ H[L], sigma_prime @ cache.A[L - 2].T)


def _eq4_10_left_to_right(cache: ForwardCache) -> np.ndarray:
    L, H = cache.L, _H(cache)
    sigma_prime = cache.activations[L - 1].derivative(cache.Z[L - 1])
    return hadamard(cache.W[L].T @ H[L], sigma_prime) @ cache.A[L - 2].T  # = (4.11)


# (4.9), (4.15): the Hadamard product before the matrix product -----------------------------------
def _WtH_then_hadamard(cache: ForwardCache) -> np.ndarray:
    L, H = cache.L, _H(cache)
    sigma_prime = cache.activations[L - 1].derivative(cache.Z[L - 1])
    return hadamard(cache.W[L].T @ H[L], sigma_prime)  # H^{(L-1)}, as (4.11) brackets it


def _hadamard_first(cache: ForwardCache) -> np.ndarray:
    L, H = cache.L, _H(cache)
    sigma_prime = cache.activations[L - 1].derivative(cache.Z[L - 1])
    return cache.W[L].T @ hadamard(H[L], sigma_prime)  # conforms when S_L = S_{L-1}


def _ones(cache: ForwardCache) -> np.ndarray:
    return np.ones((cache.m, 1), dtype=cache.X.dtype)


# (5.7) -------------------------------------------------------------------------------------------
def _eq5_7_printed(cache: ForwardCache) -> np.ndarray:
    """(Δ ⊙ ∂σ/∂Z) ∂Z/∂A read as matrices, ∂Z^{(l)}/∂A^{(l-1)} = W^{(l)}, on the right."""
    L = cache.L
    return _H(cache)[L] @ cache.W[L]


# (5.10) ------------------------------------------------------------------------------------------
def _eq5_10_printed(cache: ForwardCache) -> np.ndarray:
    L = cache.L
    WtH = cache.W[L].T @ _H(cache)[L]
    return WtH[:, np.arange(cache.sizes[L])]  # [(W^{(l)})^t H^{(l)}]_{ij}, j = 1..S_l


# Section 6 -------------------------------------------------------------------------------------
def _s6(cache: ForwardCache):
    return wichmann.two_layer_tanh(cache)


def _eq6_4_printed(cache: ForwardCache) -> np.ndarray:
    return _s6(cache)["H"][2] @ cache.A[1]  # H^{(2)} A^{(1)}, in (6.4) and (6.5)


def _eq6_7_printed(cache: ForwardCache) -> np.ndarray:
    """H_i = Delta_i (1 - (a_i)^2) per data point i, the juxtaposition read as the matrix product
    it is everywhere else in the document ((a_i)^2 taken entrywise)."""
    result = _s6(cache)
    Delta1, A1 = result["Delta"][1], cache.A[1]
    columns = [Delta1[:, i : i + 1] @ (1 - A1[:, i : i + 1] ** 2) for i in range(cache.m)]
    return np.hstack(columns)


def _eq6_7_squared_norm(cache: ForwardCache) -> np.ndarray:
    """H_i = Delta_i (1 - (a_i)^2) with (a_i)^2 the square of a vector, a_i^t a_i: a number
    times the column Delta_i."""
    result = _s6(cache)
    Delta1, A1 = result["Delta"][1], cache.A[1]
    return Delta1 * (1 - (A1 * A1).sum(axis=0, keepdims=True))


def _eq6_8b_printed(cache: ForwardCache) -> np.ndarray:
    H1 = _s6(cache)["H"][1]
    return H1 @ np.ones((2, 1), dtype=H1.dtype).T  # H^{(1)} (J_2)^t


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        key="wichmann-JN",
        document=DOC,
        location="(2.13), (2.17), (4.16), (5.1), (5.20)",
        quote=r"\frac{\partial J}{\partial b^{(l)}} = H^{(l)} J_N^t",
        corrected=r"\frac{\partial J}{\partial b^{(l)}} = H^{(l)} J_N",
        explanation=(
            "Section 1 defines J_N as a column of N ones (b J_N^t adds b to every column). "
            "H^{(l)} is S_l x N, so H J_N^t (N x 1 transposed: 1 x N) does not conform for "
            "N > 1; the sum over data points in (2.12), (4.15), (5.19) is H J_N."
        ),
        kind="typo",
        category="transpose",
        target=Target("db", -1),
        evaluate_printed=_JN_printed,
        evaluate_corrected=lambda c: _H(c)[c.L] @ np.ones((c.m, 1), c.X.dtype),  # H J_N
        requires=requiring(_general, _two_points),
    ),
    Erratum(
        key="wichmann-3.3",
        document=DOC,
        location="(3.3)",
        quote=(
            r"\Delta^{(L)} = \frac{1}{m} \sum_{i=1}^{N} \underbrace{\frac{\partial}"
            r"{\partial a_i^{(L)}} \mathcal{L}(t_i, a_i^{(L)})}_{\delta_i^{(L)}}"
        ),
        printed=(
            r"\Delta^{(L)} = \frac{1}{m} \sum_{i=1}^{N} \frac{\partial}{\partial a_i^{(L)}} "
            r"\mathcal{L}(t_i, a_i^{(L)})"
        ),
        corrected=(
            r"\Delta^{(L)} = \frac{1}{N} \begin{pmatrix} \delta_1^{(L)} & \cdots & "
            r"\delta_N^{(L)} \end{pmatrix}, \quad \delta_i^{(L)} = "
            r"\frac{\partial}{\partial a_i^{(L)}} \mathcal{L}(t_i, a_i^{(L)})"
        ),
        explanation=(
            "In (3.2) each term d L(t_i, a_i)/dA^{(L)} is an S_L x N matrix, zero outside column "
            "i, so the sum is right. (3.3) replaces it by the S_L-vector dL/da_i: the sum then "
            "adds the data points' errors into one column instead of placing delta_i in column "
            "i ((3.7) places them). Its 1/m is the note wichmann-m-for-N."
        ),
        kind="typo",
        category="per-example",
        target=Target("dA", -1),
        evaluate_printed=_eq3_3_printed,
        evaluate_corrected=lambda c: dJ_dA_L(c.loss, c.A[c.L], c.T),
        requires=requiring(_general, _two_points),
    ),
    Erratum(
        key="wichmann-3.8",
        document=DOC,
        location="(3.8)",
        quote=(
            r"J(T, A^{(L)}) = -\frac{1}{N} \sum_{m=1}^{N} \left[t_i \log a_i^{(L)} + (1 - t_i) "
            r"\log(1 - a_i^{(L)}) \right]"
        ),
        corrected=(
            r"J(T, A^{(L)}) = -\frac{1}{N} \sum_{i=1}^{N} \left[ t_i \log a_i^{(L)} + (1 - t_i) "
            r"\log(1 - a_i^{(L)}) \right]"
        ),
        explanation=(
            "The summation index is m but the summand is indexed by i, so as printed the sum "
            "adds N copies of one data point's loss (evaluated with i = 1) and J is that single "
            "loss. (3.4) uses one letter for both."
        ),
        kind="typo",
        category="index",
        target=Target("J"),
        evaluate_printed=_eq3_8_printed,
        evaluate_corrected=_eq3_8_corrected,
        requires=requiring(_bce, _two_points),
    ),
    Erratum(
        key="wichmann-3.11",
        document=DOC,
        location="(3.11)",
        quote=(
            r"\Delta^{(L)} = \frac{1}{N} \sum_{i=1}^{N} \frac{a_i^{(L)} - t_i}{a_i^{(L)} "
            r"(1 - a_i^{(L)})}"
        ),
        corrected=(
            r"\Delta^{(L)} = \frac{1}{N} \begin{pmatrix} \cdots & "
            r"\frac{a_i^{(L)} - t_i}{a_i^{(L)} (1 - a_i^{(L)})} & \cdots \end{pmatrix}"
        ),
        explanation=(
            "The same collapse as (3.3): the per-point errors (3.10) belong in the columns of "
            "Delta^{(L)}, one per data point; summed they give one column. (3.12) is right "
            "because it is written with the matrices."
        ),
        kind="typo",
        category="per-example",
        target=Target("dA", -1),
        evaluate_printed=_eq3_11_printed,
        evaluate_corrected=_eq3_11_corrected,
        requires=requiring(_general, _bce, _two_points),
    ),
    Erratum(
        key="wichmann-4.10",
        document=DOC,
        location="(4.10)",
        quote=(
            r"\left[\left(W^{(L)} \right)^t H^{(L)} \odot \frac{\partial \sigma_{L-1}}"
            r"{\partial Z^{(L-1)}} \left(A^{(L-2)} \right)^t \right]_{ij}"
        ),
        corrected=(
            r"\left[ \left( \left(W^{(L)}\right)^t H^{(L)} \odot \frac{\partial \sigma_{L-1}}"
            r"{\partial Z^{(L-1)}} \right) \left(A^{(L-2)}\right)^t \right]_{ij}"
        ),
        explanation=(
            "Two readings; nothing in the notation fixes whether the matrix product or the "
            "Hadamard product binds first. Read left to right, the way the document writes "
            "(2.4) ('a Hadamard product between the first two terms') and (5.7), it is (4.11) "
            "and right. Read with the matrix product first, W^t H ⊙ (sigma' (A^{(L-2)})^t) is an "
            "S_{L-1} x N by S_{L-1} x S_{L-2} Hadamard product that does not conform unless "
            "N = S_{L-2}. The bracket of (4.9) closes before (A^{(L-2)})^t; in (4.10) after it."
        ),
        kind="ambiguity",
        category="grouping",
        target=Target("dW", -2),
        readings=(
            Reading("left to right, as (2.4) and (5.7): (W^t H ⊙ σ') (A^{(L-2)})^t",
                    _eq4_10_left_to_right, agrees=True),
            Reading("matrix product first: W^t H ⊙ (σ' (A^{(L-2)})^t)",
                    _eq4_10_matrix_product_first, agrees=False),
        ),
        evaluate_corrected=_eq4_10_left_to_right,
        requires=requiring(_general, at_least("L", lambda c: c.L, 2)),
    ),
    Erratum(
        key="wichmann-4.9",
        document=DOC,
        location="(4.9)",
        quote=(
            r"\frac{\partial J}{\partial W_{ij}^{(L-1)}} = \sum_{n=1}^{N} \left[\left(W^{(L)} "
            r"\right)^{t} H^{(L)} \odot \frac{\partial \sigma_{L-1}}{\partial Z^{(L-1)}} "
            r"\right]_{in} \left(A^{(L-2)} \right)_{nj}^{t}"
        ),
        corrected=(
            r"\frac{\partial J}{\partial W_{ij}^{(L-1)}} = \sum_{n=1}^{N} \left[\left("
            r"\left(W^{(L)}\right)^{t} H^{(L)}\right) \odot \frac{\partial \sigma_{L-1}}"
            r"{\partial Z^{(L-1)}} \right]_{in} \left(A^{(L-2)} \right)_{nj}^{t}"
        ),
        explanation=(
            "Two readings of the bracket: the matrix product first, ((W^{(L)})^t H^{(L)}) ⊙ "
            "sigma', as (4.8) computes it and (4.11) brackets it, is right; the Hadamard "
            "product first, (W^{(L)})^t (H^{(L)} ⊙ sigma'), multiplies H^{(L)} (S_L x N) "
            "with sigma'_{L-1} (S_{L-1} x N). That conforms whenever S_L = S_{L-1}, so on a "
            "2-3-3 network it evaluates and is wrong: no error warns the reader."
        ),
        kind="ambiguity",
        category="grouping",
        target=Target("dW", -2),
        readings=(
            Reading("matrix product first, as (4.8) and (4.11): ((W^{(L)})^t H^{(L)}) ⊙ σ'",
                    lambda c: _WtH_then_hadamard(c) @ c.A[c.L - 2].T, agrees=True),
            Reading("Hadamard product first: (W^{(L)})^t (H^{(L)} ⊙ σ')",
                    lambda c: _hadamard_first(c) @ c.A[c.L - 2].T, agrees=False),
        ),
        evaluate_corrected=lambda c: _WtH_then_hadamard(c) @ c.A[c.L - 2].T,
        requires=requiring(_general, at_least("L", lambda c: c.L, 2)),
    ),
    Erratum(
        key="wichmann-4.15",
        document=DOC,
        location="(4.15)",
        quote=(
            r"\frac{\partial J}{\partial b_i^{(L-1)}} = \sum_{n=1}^{N} \left[\left(W^{(L)} "
            r"\right)^t H^{(L)} \odot \frac{\partial \sigma_{L-1}}{\partial Z^{(L-1)}} "
            r"\right]_{in} = \sum_{n=1}^{N} H_{in}^{(L-1)}"
        ),
        corrected=(
            r"\frac{\partial J}{\partial b_i^{(L-1)}} = \sum_{n=1}^{N} \left[\left("
            r"\left(W^{(L)} \right)^t H^{(L)}\right) \odot \frac{\partial \sigma_{L-1}}"
            r"{\partial Z^{(L-1)}} \right]_{in} = \sum_{n=1}^{N} H_{in}^{(L-1)}"
        ),
        explanation=(
            "The bracket of (4.9) again, summed over the data points: with the matrix product "
            "first it is sum_n H_in^{(L-1)}, as the right-hand side says; with the Hadamard "
            "product first, (W^{(L)})^t (H^{(L)} ⊙ sigma'), it evaluates whenever S_L = "
            "S_{L-1} (a 2-3-3 network) and gives another vector."
        ),
        kind="ambiguity",
        category="grouping",
        target=Target("db", -2),
        readings=(
            Reading("matrix product first, as the right-hand side sum_n H_in^{(L-1)}",
                    lambda c: _WtH_then_hadamard(c) @ _ones(c), agrees=True),
            Reading("Hadamard product first: (W^{(L)})^t (H^{(L)} ⊙ σ')",
                    lambda c: _hadamard_first(c) @ _ones(c), agrees=False),
        ),
        evaluate_corrected=lambda c: _WtH_then_hadamard(c) @ _ones(c),
        requires=requiring(_general, at_least("L", lambda c: c.L, 2)),
    ),
    Erratum(
        key="wichmann-5.7",
        document=DOC,
        location="(5.7)",
        quote=(
            r"\frac{\partial J}{\partial A^{(l-1)}} = \Delta^{(l)} \odot \frac{\partial "
            r"\sigma_l}{\partial Z^{(l)}} \frac{\partial Z^{(l)}}{\partial A^{(l-1)}}"
        ),
        printed=(
            r"\frac{\partial J}{\partial A^{(l-1)}} = \left(\Delta^{(l)} \odot "
            r"\frac{\partial \sigma_l}{\partial Z^{(l)}}\right) W^{(l)}"
        ),
        corrected=(
            r"\frac{\partial J}{\partial A^{(l-1)}} = \left(\frac{\partial Z^{(l)}}"
            r"{\partial A^{(l-1)}}\right)^t \left(\Delta^{(l)} \odot \frac{\partial "
            r"\sigma_l}{\partial Z^{(l)}}\right) = \left(W^{(l)}\right)^t H^{(l)}"
        ),
        explanation=(
            "Read as matrices, the way the rest of section 5 is, dZ^{(l)}/dA^{(l-1)} is "
            "W^{(l)} (1.4), and it stands on the wrong side: (S_l x N)(S_l x S_{l-1}) does not "
            "conform unless N = S_l, and even then it is not the gradient. The coordinate form "
            "(5.8)-(5.10) sums over j, the rows of W: the factor is (W^{(l)})^t, on the left, "
            "as (5.2) has it."
        ),
        kind="typo",
        category="transpose",
        target=Target("dA", -2),
        evaluate_printed=_eq5_7_printed,
        evaluate_corrected=lambda c: c.W[c.L].T @ _H(c)[c.L],
        requires=requiring(_general, at_least("L", lambda c: c.L, 2)),
    ),
    Erratum(
        key="wichmann-5.10",
        document=DOC,
        location="(5.10) and the sentence after it",
        quote=(
            r"= \left[\left(W^{(l)}\right)^t H^{(l)}\right]_{ij} ... This is exactly the ij'th "
            r"element of $\Delta^{(l-1)}$"
        ),
        printed=(
            r"\left[\frac{\partial J}{\partial A^{(l-1)}}\right]_{in} = \sum_{j=1}^{S_l} "
            r"\left(W^{(l)}\right)_{ij}^t \left(\Delta_{jn}^{(l)} \frac{\partial \sigma_l}"
            r"{\partial Z_{jn}^{(l)}}\right) = \left[\left(W^{(l)}\right)^t H^{(l)}\right]_{ij}"
        ),
        corrected=(
            r"\left[\frac{\partial J}{\partial A^{(l-1)}}\right]_{in} = \sum_{j=1}^{S_l} "
            r"\left(W^{(l)}\right)_{ij}^t \left(\Delta_{jn}^{(l)} \frac{\partial \sigma_l}"
            r"{\partial Z_{jn}^{(l)}}\right) = \left[\left(W^{(l)}\right)^t H^{(l)}\right]_{in}"
        ),
        explanation=(
            "The left side is entry (i, n); j is the summation index and is not free on the "
            "right. The result is the in'th (not ij'th) element of Delta^{(l-1)}. Read as "
            "printed, j = 1..S_l indexes the N columns: evaluated at l = L, an IndexError "
            "when S_L > N, the wrong shape otherwise."
        ),
        kind="typo",
        category="index",
        target=Target("dA", -2),
        evaluate_printed=_eq5_10_printed,
        evaluate_corrected=lambda c: c.W[c.L].T @ _H(c)[c.L],  # _{in}
        requires=requiring(_general, different("S_L != N", lambda c: c.sizes[c.L], lambda c: c.m)),
    ),
    Erratum(
        key="wichmann-5.16",
        document=DOC,
        location="(5.13)-(5.16)",
        quote=r"\frac{\partial J}{\partial W^{(l)}} = H^{(l)} \left(A^{(l)} \right)^t",
        corrected=r"\frac{\partial J}{\partial W^{(l)}} = H^{(l)} \left( A^{(l-1)} \right)^t",
        explanation=(
            "Z^{(l)} = W^{(l)} A^{(l-1)} + b^{(l)} (1.4), so dZ_kn/dW_ij = delta_ki A_jn^{(l-1)}, "
            "as (2.6) has it for l = L and (5.1) states; (5.13)-(5.16) write A^{(l)}. The "
            "printed product is S_l x S_l, not S_l x S_{l-1}. Evaluated at l = 1."
        ),
        kind="typo",
        category="index",
        target=Target("dW", 1),
        evaluate_printed=lambda c: _H(c)[1] @ c.A[1].T,
        evaluate_corrected=lambda c: _H(c)[1] @ c.A[0].T,
        requires=_general,
    ),
    Erratum(
        key="wichmann-6.4",
        document=DOC,
        location="(6.4)",
        quote=r"\frac{\partial J}{\partial W^{(2)}} = H^{(2)} A^{(1)}",
        corrected=r"\frac{\partial J}{\partial W^{(2)}} = H^{(2)} \left(A^{(1)}\right)^t",
        explanation=(
            "(5.1) has the transpose, and so does the sum on the right of (6.4) itself, "
            "(1/m) sum_i (A_i^{(2)} - Y_i)(A_i^{(1)})^t. H^{(2)} A^{(1)} is (1 x m)(n_h x m): it "
            "does not conform unless m = n_h."
        ),
        kind="typo",
        category="transpose",
        target=Target("dW", 2),
        evaluate_printed=_eq6_4_printed,
        evaluate_corrected=lambda cache: _s6(cache)["dW"][2],
        requires=_section6,
    ),
    Erratum(
        key="wichmann-6.5",
        document=DOC,
        location="(6.5)",
        quote=r"\frac{\partial J}{\partial b^{(2)}} = H^{(2)} A^{(1)}",
        corrected=r"\frac{\partial J}{\partial b^{(2)}} = H^{(2)} J_m",
        explanation=(
            "Copied from (6.4): the bias gradient sums H^{(2)} over the data points, H J_N "
            "(5.1), which is what the right-hand side (1/m) sum_i (A_i^{(2)} - Y_i) says."
        ),
        kind="typo",
        category="index",
        target=Target("db", 2),
        evaluate_printed=_eq6_4_printed,
        evaluate_corrected=lambda cache: _s6(cache)["db"][2],
        requires=requiring(_section6, _two_points),
    ),
    Erratum(
        key="wichmann-6.7",
        document=DOC,
        location="(6.7)",
        quote=r"H_i^{(1)} = \Delta_i^{(1)} (1 - (a_i^{(1)})^2)",
        corrected=(
            r"H_i^{(1)} = \Delta_i^{(1)} \odot (1 - a_i^{(1)} \odot a_i^{(1)}), \quad "
            r"H^{(1)} = \Delta^{(1)} \odot (1 - A^{(1)} \odot A^{(1)})"
        ),
        explanation=(
            "Section 6 indexes data points with i ((6.4), (6.5): A_i^{(1)} is a column of n_h "
            "entries), so Delta_i^{(1)} and 1 - (a_i^{(1)})^2 are both n_h x 1 columns. Both "
            "readings of the page's notation are evaluated: juxtaposed, as everywhere else in "
            "the document, they are a matrix product that does not conform unless n_h = 1; "
            "with (a_i)^2 the square of a vector, a_i^t a_i, the product evaluates and is "
            "wrong. Neither agrees, so this is a typo: the product is elementwise, the "
            "Hadamard product that (2.15) and (5.2) write with ⊙, and the square too."
        ),
        kind="typo",
        category="notation",
        target=Target("dZ", 1),
        readings=(
            Reading("juxtaposition as the matrix product, the square entrywise",
                    _eq6_7_printed, agrees=False),
            Reading("(a_i)^2 as the square of a vector, a_i^t a_i: a number times Delta_i",
                    _eq6_7_squared_norm, agrees=False),
        ),
        evaluate_printed=_eq6_7_printed,
        evaluate_corrected=lambda cache: _s6(cache)["H"][1],
        requires=requiring(_section6, at_least("n_h", lambda c: c.sizes[1], 2)),
    ),
    Erratum(
        key="wichmann-6.8-W",
        document=DOC,
        location="(6.8), first equation",
        quote=r"\frac{\partial J}{\partial W^{(1)}} = H^{(1)}(A^{(1)})^t",
        corrected=r"\frac{\partial J}{\partial W^{(1)}} = H^{(1)} (A^{(0)})^t = H^{(1)} X^t",
        explanation=(
            "(5.1) with l = 1 gives (A^{(0)})^t = X^t; the printed H^{(1)} (A^{(1)})^t is "
            "n_h x n_h, not n_h x 2."
        ),
        kind="typo",
        category="index",
        target=Target("dW", 1),
        evaluate_printed=lambda cache: _s6(cache)["H"][1] @ cache.A[1].T,
        evaluate_corrected=lambda cache: _s6(cache)["dW"][1],
        requires=_section6,
    ),
    Erratum(
        key="wichmann-6.8-b",
        document=DOC,
        location="(6.8), second equation",
        quote=r"\frac{\partial J}{\partial b^{(1)}} = H^{(1)}(J_2)^t",
        corrected=r"\frac{\partial J}{\partial b^{(1)}} = H^{(1)} J_m",
        explanation=(
            "The sum runs over the m = 400 data points, so J_m (a column of m ones), not J_2 (2 "
            "is the input dimension); and the transpose is the same slip as in (5.1). "
            "H^{(1)} (J_2)^t is (n_h x m)(1 x 2)."
        ),
        kind="typo",
        category="index",
        target=Target("db", 1),
        evaluate_printed=_eq6_8b_printed,
        evaluate_corrected=lambda cache: _s6(cache)["db"][1],
        requires=requiring(_section6, _two_points),
    ),
)
