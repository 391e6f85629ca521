"""Errata of document 000, Rojas, *Vectorized Back-propagation Derivation*.

Values are returned in ``dJ/d(.)`` units: where the equation is about Rojas's ``dA``/``dZ``
(``m`` times the gradient, see ``rojas-5``), it is divided by ``m`` before it is returned, so
each entry isolates one error.
"""

from __future__ import annotations

import numpy as np

from .. import rojas
from ..losses import dJ_dA_L
from ..network import ForwardCache
from .entry import Erratum, Target, at_least, different, requiring

DOC = rojas.DOCUMENT


def _elementwise(cache: ForwardCache) -> tuple[bool, str]:
    return rojas.applicable(cache)


def _two_examples(cache: ForwardCache) -> tuple[bool, str]:
    return at_least("m", lambda c: c.m, 2)(cache)


def _output_dZ(cache: ForwardCache, targets: np.ndarray | None = None) -> np.ndarray:
    """Rojas's dZ^{[L]} = err' ⊙ α'(Z^{[L]}) (7)-(8), no 1/m."""
    T = cache.T if targets is None else targets
    L = cache.L
    return rojas.err_prime(cache.loss, cache.A[L], T) * cache.activations[L].derivative(cache.Z[L])


# (2) -------------------------------------------------------------------------------------------
def _eq2_printed(cache: ForwardCache) -> np.ndarray:
    Theta, X, b = cache.W[1], cache.X, cache.b[1]
    s = np.arange(Theta.shape[0])  # s = 1..n_1
    return Theta[:, s] @ X[s, :] + b[s].sum()  # sum_s (Theta_{r,s} X_s + b_s)


def _eq2_corrected(cache: ForwardCache) -> np.ndarray:
    return cache.W[1] @ cache.X + cache.b[1]


# (3) -------------------------------------------------------------------------------------------
def _eq3_printed(cache: ForwardCache) -> np.ndarray:
    return rojas.backprop(cache)["dW"][cache.L]  # the matrix of d J / d Theta^{[L]}_{i,j}


def _eq3_corrected(cache: ForwardCache) -> np.ndarray:
    return dJ_dA_L(cache.loss, cache.A[cache.L], cache.T)


# (4)-(5), (6)-(7), (13)-(15): the missing 1/m ---------------------------------------------------
def _eq5_printed(cache: ForwardCache) -> np.ndarray:
    return rojas.err_prime(cache.loss, cache.A[cache.L], cache.T)


def _eq7_printed(cache: ForwardCache) -> np.ndarray:
    return _output_dZ(cache)


def _eq15_printed(cache: ForwardCache) -> np.ndarray:
    return cache.W[cache.L].T @ _output_dZ(cache)


# (14) ------------------------------------------------------------------------------------------
def _eq14_alpha_printed(cache: ForwardCache) -> np.ndarray:
    L = cache.L
    err = rojas.err_prime(cache.loss, cache.A[L], cache.T)
    return cache.W[L].T @ (err * cache.activations[L].fn(cache.Z[L])) / cache.m


def _eq14_column_printed(cache: ForwardCache) -> np.ndarray:
    first = cache.W[cache.L].T @ _output_dZ(cache)[:, :1]  # example (1) ...
    return np.repeat(first, cache.m, axis=1) / cache.m  # ... in every column


def _eq15_corrected(cache: ForwardCache) -> np.ndarray:
    return cache.W[cache.L].T @ _output_dZ(cache) / cache.m


# (5), (7), (10), (14): y_i without (c) --------------------------------------------------------
def _eq10_printed(cache: ForwardCache) -> np.ndarray:
    same_y = np.repeat(cache.T[:, :1], cache.m, axis=1)  # y_i: one target for all columns
    return _output_dZ(cache, same_y) @ cache.A[cache.L - 1].T / cache.m


def _eq10_corrected(cache: ForwardCache) -> np.ndarray:
    return _output_dZ(cache) @ cache.A[cache.L - 1].T / cache.m


# (9) -------------------------------------------------------------------------------------------
def _eq9_printed(cache: ForwardCache) -> np.ndarray:
    L = cache.L
    columns = np.arange(cache.sizes[L] - 1)  # j = 1..n_L - 1
    return rojas.backprop(cache)["dW"][L][:, columns]


def _eq9_corrected(cache: ForwardCache) -> np.ndarray:
    return rojas.backprop(cache)["dW"][cache.L]


# (C) -------------------------------------------------------------------------------------------
def _summary_dZ1(cache: ForwardCache, printed: bool) -> np.ndarray:
    """(A)-(D) down to dZ^{[1]}, with (C) as printed (α) or as (8) has it (α')."""
    dA = rojas.err_prime(cache.loss, cache.A[cache.L], cache.T)
    for l in range(cache.L, 0, -1):
        act = cache.activations[l]
        dZ = dA * (act.fn(cache.Z[l]) if printed else act.derivative(cache.Z[l]))  # (C)
        dA = cache.W[l].T @ dZ  # (D)
    return dZ / cache.m


def _eqC_printed(cache: ForwardCache) -> np.ndarray:
    return _summary_dZ1(cache, printed=True)


def _eqC_corrected(cache: ForwardCache) -> np.ndarray:
    return _summary_dZ1(cache, printed=False)


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        key="rojas-2",
        document=DOC,
        location="(2), innermost sum",
        printed=r"\sum_{s=1}^{n_1} \Theta_{r,s}^{[1]} \cdot X_s^{(c)} + b_s^{[1]}",
        corrected=r"\sum_{s=1}^{n_0} \Theta_{r,s}^{[1]} \cdot X_s^{(c)} + b_r^{[1]}",
        explanation=(
            "Theta^{[1]} has n_0 columns (one per input feature), so s runs to n_0, not n_1; "
            "the bias belongs to unit r, as b_i^{[L]} does in the outer sum of the same "
            "equation. b_s has no meaning outside the sum; read inside it, every unit gets every "
            "bias. Evaluated as sum_{s<=n_1}(Theta_rs X_s + b_s): an IndexError when n_1 > n_0."
        ),
        kind="index",
        target=Target("Z", 1),
        evaluate_printed=_eq2_printed,
        evaluate_corrected=_eq2_corrected,
    ),
    Erratum(
        key="rojas-3",
        document=DOC,
        location="(3)",
        printed=r"\frac{\partial}{\partial \Theta_{i,j}^{[L]}} J(\Theta)",
        corrected=r"\frac{\partial}{\partial A_{i,j}^{[L]}} J(\Theta)",
        explanation=(
            "The sentence before (3) asks for the partials with respect to each entry of A^{[L]}, "
            "and (4) stores the results of (3) as dA^{[L]} = dJ/dA^{[L]}; the partials w.r.t. "
            "Theta^{[L]} come later, in (9)-(11). The printed matrix is dJ/dTheta^{[L]}, of "
            "shape (n_L, n_{L-1}), not (n_L, m)."
        ),
        kind="label",
        target=Target("dA", -1),
        evaluate_printed=_eq3_printed,
        evaluate_corrected=_eq3_corrected,
        requires=_elementwise,
    ),
    Erratum(
        key="rojas-5",
        document=DOC,
        location="(4)-(5)",
        printed=(
            r"\frac{\partial}{\partial A^{[L]}} J(\Theta) = dA^{[L]} = "
            r"\begin{bmatrix} err'\{A_i^{[L](c)}, y_i\} \end{bmatrix}"
        ),
        corrected=(
            r"\frac{\partial}{\partial A^{[L]}} J(\Theta) = \frac{1}{m} dA^{[L]}, \quad "
            r"dA^{[L]} = \begin{bmatrix} err'\{A_i^{[L](c)}, y_i^{(c)}\} \end{bmatrix}"
        ),
        explanation=(
            "J = (1/m) sum_c sum_i err (2), so dJ/dA_i^{[L](c)} = (1/m) err'. The 1/m is dropped "
            "here and applied later in (10)-(12) and (A)-(B), which is only consistent if "
            "dA^{[L]} := m dJ/dA^{[L]}; as printed, the first and last members of (5) differ by "
            "a factor m."
        ),
        kind="scaling",
        target=Target("dA", -1),
        evaluate_printed=_eq5_printed,
        evaluate_corrected=lambda cache: _eq5_printed(cache) / cache.m,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-7",
        document=DOC,
        location="(6)-(7)",
        printed=(
            r"\frac{\partial}{\partial Z^{[L]}} J(\Theta) = dZ^{[L]} := \begin{bmatrix} "
            r"err'\{A_i^{[L](c)}, y_i\} \cdot \alpha'^{[L]}(Z_i^{[L](c)}) \end{bmatrix}"
        ),
        corrected=(
            r"\frac{\partial}{\partial Z^{[L]}} J(\Theta) = \frac{1}{m} dZ^{[L]}, \quad "
            r"dZ^{[L]} := \begin{bmatrix} err'\{A_i^{[L](c)}, y_i^{(c)}\} "
            r"\cdot \alpha'^{[L]}(Z_i^{[L](c)}) \end{bmatrix}"
        ),
        explanation=(
            "Same missing 1/m as (4)-(5): (11) dTheta = (1/m) dZ A^T is right only for this dZ "
            "without 1/m, so dZ^{[L]} = m dJ/dZ^{[L]}, not dJ/dZ^{[L]} as (6) states."
        ),
        kind="scaling",
        target=Target("dZ", -1),
        evaluate_printed=_eq7_printed,
        evaluate_corrected=lambda cache: _eq7_printed(cache) / cache.m,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-15",
        document=DOC,
        location="(13), (15)",
        printed=(
            r"\frac{\partial}{\partial A^{[L-1]}} J(\Theta) = dA^{[L-1]} = "
            r"(\Theta^{[L]})^T \times dZ^{[L]}"
        ),
        corrected=(
            r"\frac{\partial}{\partial A^{[L-1]}} J(\Theta) = \frac{1}{m} dA^{[L-1]}, \quad "
            r"dA^{[L-1]} = (\Theta^{[L]})^T \times dZ^{[L]}"
        ),
        explanation=(
            "(15) itself is consistent with Rojas's dZ, but that dZ is m dJ/dZ (see (6)-(7)), so "
            "dA^{[L-1]} is m dJ/dA^{[L-1]}, not dJ/dA^{[L-1]} as (13) defines it."
        ),
        kind="scaling",
        target=Target("dA", -2),
        evaluate_printed=_eq15_printed,
        evaluate_corrected=_eq15_corrected,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-14-prime",
        document=DOC,
        location="(14), every entry",
        printed=(
            r"\sum_{i=1}^{n_L} err'\{A_i^{[L](c)}, y_i\} \cdot \alpha^{[L]}(Z^{[L](c)}) "
            r"\cdot \Theta_{i,j}^{[L]}"
        ),
        corrected=(
            r"\sum_{i=1}^{n_L} err'\{A_i^{[L](c)}, y_i^{(c)}\} \cdot \alpha'^{[L]}(Z_i^{[L](c)}) "
            r"\cdot \Theta_{i,j}^{[L]}"
        ),
        explanation=(
            "The chain rule through A^{[L]} = alpha(Z^{[L]}) brings the derivative alpha', as in "
            "(7) and (10); (14) prints alpha itself, and Z^{[L](c)} without the unit index i. "
            "Evaluated with the right example index, divided by m (his dA is m dJ/dA)."
        ),
        kind="derivative",
        target=Target("dA", -2),
        evaluate_printed=_eq14_alpha_printed,
        evaluate_corrected=_eq15_corrected,
        requires=_elementwise,
    ),
    Erratum(
        key="rojas-14-column",
        document=DOC,
        location="(14), example index of every column",
        printed=(
            r"\begin{bmatrix} \sum_i err'\{A_i^{[L](1)}, y_i\} \cdots \Theta_{i,1}^{[L]} & \dots & "
            r"\sum_i err'\{A_i^{[L](1)}, y_i\} \cdots \Theta_{i,1}^{[L]} \\ \vdots \end{bmatrix}"
        ),
        corrected=(
            r"\begin{bmatrix} \sum_i err'\{A_i^{[L](1)}, y_i^{(1)}\} \cdots \Theta_{i,1}^{[L]} & "
            r"\dots & \sum_i err'\{A_i^{[L](m)}, y_i^{(m)}\} \cdots \Theta_{i,1}^{[L]} \\ "
            r"\vdots \end{bmatrix}"
        ),
        explanation=(
            "Column c of dA^{[L-1]} belongs to example c, as in (5) and (7), but every column of "
            "(14) is written with example (1): as printed all m columns are equal. Evaluated "
            "with alpha' restored, divided by m."
        ),
        kind="index",
        target=Target("dA", -2),
        evaluate_printed=_eq14_column_printed,
        evaluate_corrected=_eq15_corrected,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-y-index",
        document=DOC,
        location="(5), (7), (10), (14): the targets",
        printed=(
            r"\frac{\partial J}{\partial \Theta_{i,j}^{[L]}} = \frac{1}{m} \sum_{c=1}^m "
            r"err'\{A_i^{[L](c)}, y_i\} \cdot \alpha'^{[L]}(Z_i^{[L](c)}) \cdot A_j^{[L-1](c)}"
        ),
        corrected=(
            r"\frac{\partial J}{\partial \Theta_{i,j}^{[L]}} = \frac{1}{m} \sum_{c=1}^m "
            r"err'\{A_i^{[L](c)}, y_i^{(c)}\} \cdot \alpha'^{[L]}(Z_i^{[L](c)}) "
            r"\cdot A_j^{[L-1](c)}"
        ),
        explanation=(
            "The cost (2) pairs A_i^{[L](c)} with y_i^{(c)}, and the notation section says "
            "targets carry the example superscript; (5), (7), (10) and (14) drop it. Read "
            "literally, one target vector serves all m examples (evaluated here with y^{(1)}); "
            "read as shorthand it is harmless, but nothing on the page marks it as one."
        ),
        kind="index",
        target=Target("dW", -1),
        evaluate_printed=_eq10_printed,
        evaluate_corrected=_eq10_corrected,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-9",
        document=DOC,
        location="(9)",
        printed=(
            r"d\Theta^{[L]} = \begin{bmatrix} \frac{\partial J}{\partial \Theta_{1,1}^{[L](1)}} "
            r"& \dots & \frac{\partial J}{\partial \Theta_{1,n_L-1}^{[L](m)}} \\ \vdots \\ "
            r"\frac{\partial J}{\partial \Theta_{n_L,1}^{[L](1)}} & \dots & "
            r"\frac{\partial J}{\partial \Theta_{n_L,n_L-1}^{[L](m)}} \end{bmatrix}"
        ),
        corrected=(
            r"d\Theta^{[L]} = \begin{bmatrix} \frac{\partial J}{\partial \Theta_{1,1}^{[L]}} "
            r"& \dots & \frac{\partial J}{\partial \Theta_{1,n_{L-1}}^{[L]}} \\ \vdots \\ "
            r"\frac{\partial J}{\partial \Theta_{n_L,1}^{[L]}} & \dots & "
            r"\frac{\partial J}{\partial \Theta_{n_L,n_{L-1}}^{[L]}} \end{bmatrix}"
        ),
        explanation=(
            "Theta^{[L]} is n_L x n_{L-1}: the last column index is n_{L-1}, printed n_L - 1; and "
            "the weights are shared by all examples, so the superscripts (1), (m) (example "
            "indices) do not belong on Theta. Evaluated as the first n_L - 1 columns of dTheta."
        ),
        kind="index",
        target=Target("dW", -1),
        evaluate_printed=_eq9_printed,
        evaluate_corrected=_eq9_corrected,
        requires=requiring(
            _elementwise,
            different("n_L - 1 != n_{L-1}", lambda c: c.sizes[c.L] - 1, lambda c: c.sizes[c.L - 1]),
        ),
    ),
    Erratum(
        key="rojas-C",
        document=DOC,
        location="summary (C)",
        printed=r"dZ^{[l]} = dA^{[l]} \odot \alpha^{[l]}(Z^{[l]})",
        corrected=r"dZ^{[l]} = dA^{[l]} \odot \alpha'^{[l]}(Z^{[l]})",
        explanation=(
            "The chain rule through A = alpha(Z) needs the derivative, as (8) has it; the summary "
            "drops the prime. Evaluated as a reader would run the summary: (C) at every layer "
            "down to dZ^{[1]}, divided by m."
        ),
        kind="derivative",
        target=Target("dZ", 1),
        evaluate_printed=_eqC_printed,
        evaluate_corrected=_eqC_corrected,
        requires=_elementwise,
    ),
)
