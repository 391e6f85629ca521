"""Errata of document 000, Rojas, *Vectorized Back-propagation Derivation* (2019).

Values are returned in ``dJ/d(.)`` units: where the equation is about Rojas's ``dA``/``dZ``
(``m`` times the gradient, see ``rojas-missing-m``), it is divided by ``m`` before it is
returned, so each entry isolates one slip.
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


def _output_dZ(cache: ForwardCache) -> np.ndarray:
    """Rojas's dZ^{[L]} = err' ⊙ α'(Z^{[L]}) (7)-(8), no 1/m."""
    L = cache.L
    err = rojas.err_prime(cache.loss, cache.A[L], cache.T)
    return err * cache.activations[L].derivative(cache.Z[L])


def _eq2_printed(cache: ForwardCache) -> np.ndarray:
    Theta, X, b = cache.W[1], cache.X, cache.b[1]
    s = np.arange(Theta.shape[0])  # s = 1..n_1
    return Theta[:, s] @ X[s, :] + b[s].sum()  # sum_s (Theta_{r,s} X_s + b_s)


def _eq5_printed(cache: ForwardCache) -> np.ndarray:
    return rojas.err_prime(cache.loss, cache.A[cache.L], cache.T)  # [err'], no 1/m


def _eq14_alpha_printed(cache: ForwardCache) -> np.ndarray:
    L = cache.L
    err = rojas.err_prime(cache.loss, cache.A[L], cache.T)
    return cache.W[L].T @ (err * cache.activations[L].fn(cache.Z[L])) / cache.m


def _eq14_column_printed(cache: ForwardCache) -> np.ndarray:
    first = cache.W[cache.L].T @ _output_dZ(cache)[:, :1]  # example (1) ...
    return np.repeat(first, cache.m, axis=1) / cache.m  # ... in every column


def _eq15_over_m(cache: ForwardCache) -> np.ndarray:
    return cache.W[cache.L].T @ _output_dZ(cache) / cache.m  # (15), his dA^{[L-1]} / m


def _eq9_printed(cache: ForwardCache) -> np.ndarray:
    columns = np.arange(cache.sizes[cache.L] - 1)  # j = 1..n_L - 1
    return rojas.backprop(cache)["dW"][cache.L][:, columns]


def _summary_dZ1(cache: ForwardCache, printed: bool) -> np.ndarray:
    """(A)-(D) down to dZ^{[1]}, with (C) as printed (α) or as (8) has it (α')."""
    dA = rojas.err_prime(cache.loss, cache.A[cache.L], cache.T)
    for l in range(cache.L, 0, -1):
        act = cache.activations[l]
        dZ = dA * (act.fn(cache.Z[l]) if printed else act.derivative(cache.Z[l]))  # (C)
        dA = cache.W[l].T @ dZ  # (D)
    return dZ / cache.m


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        key="rojas-2",
        document=DOC,
        location="(2), innermost sum",
        quote=r"\sum_{s=1}^{n_1} \Theta_{r,s}^{[1]} \cdot X_s^{(c)} + b_s^{[1]}",
        corrected=r"\sum_{s=1}^{n_0} \Theta_{r,s}^{[1]} \cdot X_s^{(c)} + b_r^{[1]}",
        explanation=(
            "Theta^{[1]} has one column per row of X (z_i^{[l](j)} = row_i(Theta^{[l]}) x "
            "col_j(A^{[l-1]}), A^{[0]} = X), so s runs over the input features, not to n_1. The "
            "document never names that count; n_0 is his n_l ('the number of neurons in the "
            "l-th layer') at the input layer. The bias belongs to unit r, as b_i^{[L]} does in "
            "the outer sum of the same equation: b_s has no meaning outside the sum, and read "
            "inside it every unit gets every bias. Evaluated as sum_{s<=n_1}(Theta_rs X_s + b_s): "
            "an IndexError when n_1 > n_0."
        ),
        kind="typo",
        category="index",
        target=Target("Z", 1),
        evaluate_printed=_eq2_printed,
        evaluate_corrected=lambda c: c.W[1] @ c.X + c.b[1],
    ),
    Erratum(
        key="rojas-3",
        document=DOC,
        location="(3)",
        quote=r"(3) \quad \frac{\partial}{\partial \Theta_{i,j}^{[L]}} J(\Theta)",
        printed=r"\frac{\partial}{\partial \Theta_{i,j}^{[L]}} J(\Theta)",
        corrected=r"\frac{\partial}{\partial A_{i,j}^{[L]}} J(\Theta)",
        explanation=(
            "The sentence before (3) asks for the partials 'with respect to each entry in "
            "A^{[L]}', and (4) stores the results of (3) as dA^{[L]}; the partials w.r.t. "
            "Theta^{[L]} come later, in (9)-(11). The printed matrix is dJ/dTheta^{[L]}, of "
            "shape (n_L, n_{L-1}), not (n_L, m)."
        ),
        kind="typo",
        category="label",
        target=Target("dA", -1),
        evaluate_printed=lambda c: rojas.backprop(c)["dW"][c.L],
        evaluate_corrected=lambda c: dJ_dA_L(c.loss, c.A[c.L], c.T),
        requires=_elementwise,
    ),
    Erratum(
        key="rojas-missing-m",
        document=DOC,
        location="(4)-(5), (6)-(7), (13)-(14)",
        quote=(
            r"(5) \quad dA^{[L]} = \begin{bmatrix} \frac{\partial}{\partial A_1^{[L](1)}} "
            r"J(\Theta) & \dots ... \end{bmatrix} = \begin{bmatrix} err'\{A_1^{[L](1)}, y_1\} "
            r"& \dots & err'\{A_1^{[L](m)}, y_1\}"
        ),
        printed=(
            r"\frac{\partial}{\partial A^{[L]}} J(\Theta) = dA^{[L]} = \begin{bmatrix} "
            r"\frac{\partial J}{\partial A_i^{[L](c)}} \end{bmatrix} = \begin{bmatrix} "
            r"err'\{A_i^{[L](c)}, y_i\} \end{bmatrix}"
        ),
        corrected=(
            r"\frac{\partial}{\partial A^{[L]}} J(\Theta) = \frac{1}{m} dA^{[L]}, \quad "
            r"dA^{[L]} = \begin{bmatrix} err'\{A_i^{[L](c)}, y_i^{(c)}\} \end{bmatrix}"
        ),
        explanation=(
            "J = (1/m) sum_c sum_i err (2), so dJ/dA_i^{[L](c)} = (1/m) err'. The last member of "
            "(5) drops the 1/m, and so do (7) for dZ^{[L]} (called dJ/dZ^{[L]} in (6)) and the "
            "entries of (14) for dA^{[L-1]} (called dJ/dA^{[L-1]} in (13)): one slip, one cause. "
            "The 1/m is applied later instead, in (10)-(12) and (A)-(B), which is consistent "
            "only if dA = m dJ/dA and dZ = m dJ/dZ; (8), (15) and (C)-(D) are right with that "
            "scaling. Evaluated at (5); (7) and (14) are off by the same factor m."
        ),
        kind="typo",
        category="scaling",
        target=Target("dA", -1),
        evaluate_printed=_eq5_printed,
        evaluate_corrected=lambda c: _eq5_printed(c) / c.m,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-14-prime",
        document=DOC,
        location="(14), every entry",
        quote=(
            r"\sum_{i=1}^{n_L} \text{err}'\{A_i^{[L](1)}, y_i\} \cdot \alpha^{[L]}(Z^{[L](1)}) "
            r"\cdot \Theta_{i,1}^{[L]}"
        ),
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
            "(7) and (10); (14) prints alpha itself, and Z^{[L](c)} without the unit index i "
            "(a whole column, where the sum needs entry i). Evaluated with the right example "
            "index, divided by m (his dA is m dJ/dA)."
        ),
        kind="typo",
        category="derivative",
        target=Target("dA", -2),
        evaluate_printed=_eq14_alpha_printed,
        evaluate_corrected=_eq15_over_m,
        requires=_elementwise,
    ),
    Erratum(
        key="rojas-14-column",
        document=DOC,
        location="(14), example index of every column",
        quote=(
            r"\sum_{i=1}^{n_L} \text{err}'\{A_i^{[L](1)}, y_i\} \cdot \alpha^{[L]}(Z^{[L](1)}) "
            r"\cdot \Theta_{i,1}^{[L]} & \dots & \sum_{i=1}^{n_L} \text{err}'\{A_i^{[L](1)}, y_i\} "
            r"\cdot \alpha^{[L]}(Z^{[L](1)}) \cdot \Theta_{i,1}^{[L]}"
        ),
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
            "Column c of dA^{[L-1]} belongs to example c, as in (5), (7) and (13), but the last "
            "column of (14) is written with example (1) like the first: as printed all m "
            "columns are equal. Evaluated with alpha' restored, divided by m."
        ),
        kind="typo",
        category="index",
        target=Target("dA", -2),
        evaluate_printed=_eq14_column_printed,
        evaluate_corrected=_eq15_over_m,
        requires=requiring(_elementwise, _two_examples),
    ),
    Erratum(
        key="rojas-9",
        document=DOC,
        location="(9)",
        quote=(
            r"\frac{\partial}{\partial \Theta_{1,1}^{[L](1)}} J(\Theta) & \dots & "
            r"\frac{\partial}{\partial \Theta_{1,n_L-1}^{[L](m)}} J(\Theta)"
        ),
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
            "Theta^{[L]} is n_L x n_{L-1}: the last column index is n_{L-1} (as (13) writes "
            "it), printed n_L-1; and the weights are shared by all examples, so the "
            "superscripts (1), (m) (example indices) do not belong on Theta. Evaluated as the "
            "first n_L - 1 columns of dTheta."
        ),
        kind="typo",
        category="index",
        target=Target("dW", -1),
        evaluate_printed=_eq9_printed,
        evaluate_corrected=lambda c: rojas.backprop(c)["dW"][c.L],
        requires=requiring(
            _elementwise,
            different("n_L - 1 != n_{L-1}", lambda c: c.sizes[c.L] - 1, lambda c: c.sizes[c.L - 1]),
        ),
    ),
    Erratum(
        key="rojas-C",
        document=DOC,
        location="summary (C)",
        quote=r"(C) \quad dZ^{[l]} = dA^{[l]} \odot \alpha^{[l]}(Z^{[l]})",
        printed=r"dZ^{[l]} = dA^{[l]} \odot \alpha^{[l]}(Z^{[l]})",
        corrected=r"dZ^{[l]} = dA^{[l]} \odot \alpha'^{[l]}(Z^{[l]})",
        explanation=(
            "The chain rule through A = alpha(Z) needs the derivative, as (8) has it; the summary "
            "drops the prime. Evaluated as a reader would run the summary: (C) at every layer "
            "down to dZ^{[1]}, divided by m."
        ),
        kind="typo",
        category="derivative",
        target=Target("dZ", 1),
        evaluate_printed=lambda c: _summary_dZ1(c, printed=True),
        evaluate_corrected=lambda c: _summary_dZ1(c, printed=False),
        requires=_elementwise,
    ),
)
