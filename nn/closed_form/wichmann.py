r"""Wichmann, *General feed forward neural networks* (2017) -- document 002.

Notation: layers ``0..L``, sizes :math:`S_l`, :math:`W^{(l)}` is :math:`S_l \times S_{l-1}`,
:math:`Z^{(l)} = W^{(l)} A^{(l-1)} + b^{(l)} J_N^t` (1.4) with :math:`J_N` a *column* of ``N``
ones, :math:`A^{(l)} = \sigma_l(Z^{(l)})`, :math:`A^{(0)} = X`, ``N`` data points as columns,
targets ``T``, any cost :math:`J(T, A^{(L)})`. His layer numbers are ours; his ``N`` is our ``m``.

General layer (section 5), as used here:

* (5.2) :math:`\Delta^{(L)} = \partial J / \partial A^{(L)}`,
  :math:`\Delta^{(l)} = (W^{(l+1)})^t H^{(l+1)}`,
  :math:`H^{(l)} = \Delta^{(l)} \odot \partial\sigma_l / \partial Z^{(l)}`;
* (5.1) :math:`\partial J / \partial W^{(l)} = H^{(l)} (A^{(l-1)})^t`,
  :math:`\partial J / \partial b^{(l)} = H^{(l)} J_N` (printed :math:`H^{(l)} J_N^t`, which does not
  conform for ``N > 1``; the typo ``wichmann-JN`` in ``errata``).

Lemma (5.3): :math:`\Delta^{(l)} = \partial J / \partial A^{(l)}`; hence ``H[l] = dJ/dZ[l]`` for
elementwise :math:`\sigma_l`. Every quantity already includes the ``1/N`` of ``J``: factor 1.
Worked cases: (3.7) :math:`\Delta^{(L)} = \frac1N (A^{(L)} - T)` for the Euclidean cost (3.4);
(3.12) :math:`H^{(L)} = \frac1N (A^{(L)} - T)` for sigmoid output with binary cross-entropy (3.8);
section 6, the two-layer tanh/sigmoid network, (6.3)-(6.8).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .losses import dJ_dA_L
from .network import ForwardCache
from .result import BackpropResult, NotApplicableError, Quantity, every_layer

DOCUMENT = "002 Wichmann"


def _elementwise(cache: ForwardCache) -> tuple[bool, str]:
    l = cache.first_non_elementwise()
    if l is not None:
        return False, (
            f"layer {l} uses {cache.activations[l].name}: H = Δ ⊙ ∂σ/∂Z is a Hadamard product "
            "(2.3)-(2.4), which needs an elementwise σ"
        )
    return True, ""


def applicable(cache: ForwardCache) -> tuple[bool, str]:
    """(5.1)-(5.2) hold for any cost J(T, A^(L)) and elementwise activations."""
    ok, reason = _elementwise(cache)
    return (ok, reason) if not ok else (True, f"any cost through Δ^(L) = ∂J/∂A^(L) ({cache.loss})")


def applicable_mse(cache: ForwardCache) -> tuple[bool, str]:
    """(3.7) is the Euclidean cost (3.4), our ``mse``."""
    ok, reason = _elementwise(cache)
    if not ok:
        return ok, reason
    if cache.loss != "mse":
        return False, f"(3.7) is the Euclidean cost (3.4), not {cache.loss!r}"
    return True, "Euclidean cost (3.4): Δ^(L) = (A^(L) - T)/N"


def applicable_sigmoid_cross_entropy(cache: ForwardCache) -> tuple[bool, str]:
    """(3.12) needs binary cross-entropy (3.8) on a logistic sigmoid output layer."""
    ok, reason = _elementwise(cache)
    if not ok:
        return ok, reason
    if cache.loss != "binary_cross_entropy":
        return False, f"(3.12) is for the binary cross-entropy cost (3.8), not {cache.loss!r}"
    if cache.activations[cache.L].name != "sigmoid":
        name = cache.activations[cache.L].name
        return False, f"(3.12) cancels the sigmoid's a(1 - a); the output layer uses {name}"
    return True, "sigmoid output with binary cross-entropy (3.8): H^(L) = (A^(L) - T)/N"


def applicable_two_layer_tanh(cache: ForwardCache) -> tuple[bool, str]:
    """Section 6: ``L = 2``, tanh hidden layer, one sigmoid output, cross-entropy."""
    if cache.L != 2:
        return False, f"section 6 has two layers, this network has {cache.L}"
    names = (cache.activations[1].name, cache.activations[2].name)
    if names != ("tanh", "sigmoid"):
        return False, f"section 6 uses (tanh, sigmoid) (6.1), this network uses {names}"
    if cache.sizes[2] != 1:
        return False, f"section 6 has one output unit, this network has {cache.sizes[2]}"
    if cache.loss != "binary_cross_entropy":
        return False, f"section 6 uses the average cross-entropy, not {cache.loss!r}"
    return True, "two-layer tanh/sigmoid network with cross-entropy (section 6; any n_0, n_h)"


def caveats_sigmoid_cross_entropy(cache: ForwardCache) -> tuple[str, ...]:
    """(3.8)-(3.9) are written for one output; with more, the loss is summed over them."""
    S_L = cache.sizes[cache.L]
    if S_L > 1:
        return (f"(3.8)-(3.9) have one output; with S_L = {S_L} the cross-entropy is summed over "
                "the outputs (an extension)",)
    return ()


def caveats_two_layer_tanh(cache: ForwardCache) -> tuple[str, ...]:
    """Section 6 has two inputs (X is 2 x 400); other input sizes are an extension."""
    if cache.sizes[0] != 2:
        return (f"section 6 has 2 inputs; n_0 = {cache.sizes[0]} is an extension (the equations "
                "hold for any n_0)",)
    return ()


_JN = ("(5.1), (5.20) print H J_N^t, which does not conform: used with J_N, the sum over the "
       "data points (wichmann-JN)")


def _quantities(H_equations: str, Delta_equations: str, L: int,
                Delta: dict[int, str] | None = None, remarks: dict[int, str] | None = None
                ) -> dict[str, Quantity]:
    included = "J's 1/N is already inside Δ^(L) = ∂J/∂A^(L), so nothing to convert"
    return {
        "Delta": Quantity("Delta", r"\Delta^{(l)}", "dA", 1.0, "1", included, Delta_equations,
                          corrected=Delta or {}, remarks=remarks or {}),
        "H": Quantity("H", r"H^{(l)}", "dZ", 1.0, "1", included, H_equations),
        "dW": Quantity(
            "dW",
            r"\partial J/\partial W^{(l)} = H^{(l)} (A^{(l-1)})^t",
            "dW",
            1.0,
            "1",
            included,
            "(5.1), (2.16), (4.12)",
        ),
        "db": Quantity(
            "db",
            r"\partial J/\partial b^{(l)} = H^{(l)} J_N",
            "db",
            1.0,
            "1",
            included,
            "(5.1), (5.20) (J_N, not the printed J_N^t)",
            corrected=every_layer(L, _JN),
        ),
    }


def _by_construction(loss: str) -> str:
    """What the general formulation's Δ^(L) row can say: nothing, it is the cost's own
    derivative, computed as autodiff's reference is."""
    derived = {"mse": "(3.7) derives it for this cost (formulation wichmann_mse)",
               "binary_cross_entropy": "(3.10) derives it for this cost (formulation "
                                       "wichmann_sigmoid_cross_entropy)",
               }.get(loss, "the document derives none for this cost")
    return (f"agrees by construction, tests nothing: Δ^(L) = ∂J/∂A^(L) (2.14) is taken from "
            f"the cost's derivative as autodiff's reference is; {derived}")


def _backpropagate(
    cache: ForwardCache, Delta_L: np.ndarray | None, H_L: np.ndarray | None
) -> tuple[dict, dict, dict, dict]:
    """(5.1)-(5.2) from the output layer's Δ^(L) (and H^(L) when a shortcut gives it)."""
    L, W, A, N = cache.L, cache.W, cache.A, cache.m
    J_N = np.ones((N, 1), dtype=A[L].dtype)  # a column of N ones (section 1)
    Delta = {L: Delta_L}
    H: dict[int, np.ndarray] = {}
    dW: dict[int, np.ndarray] = {}
    db: dict[int, np.ndarray] = {}
    for l in range(L, 0, -1):
        if l == L and H_L is not None:
            H[l] = H_L
        else:
            H[l] = Delta[l] * cache.activations[l].derivative(cache.Z[l])  # (5.2)
        dW[l] = H[l] @ A[l - 1].T  # (5.1)
        db[l] = H[l] @ J_N  # (5.1)
        if l > 1:
            Delta[l - 1] = W[l].T @ H[l]  # (5.2)
    return Delta, H, dW, db


def backprop(cache: ForwardCache) -> BackpropResult:
    """(5.1)-(5.2) for any cost, with Δ^(L) = ∂J/∂A^(L) (2.14) from ``losses.dJ_dA_L``.

    Returns ``Delta`` (= dJ/dA[l]), ``H`` (= dJ/dZ[l]), ``dW``, ``db``, all with factor 1.
    """
    ok, reason = applicable(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT}: {reason}")
    Delta_L = dJ_dA_L(cache.loss, cache.A[cache.L], cache.T)
    Delta, H, dW, db = _backpropagate(cache, Delta_L, None)
    return BackpropResult(
        document=DOCUMENT,
        formulation="wichmann.backprop",
        arrays={"Delta": Delta, "H": H, "dW": dW, "db": db},
        quantities=_quantities("(5.2), (2.15), (4.13)", "(5.2), (5.3), (2.14)", cache.L,
                               remarks={cache.L: _by_construction(cache.loss)}),
    )


def backprop_mse(cache: ForwardCache) -> BackpropResult:
    """The Euclidean cost (3.4): Δ^(L) = (A^(L) - T)/N (3.7), then (5.1)-(5.2)."""
    ok, reason = applicable_mse(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT} (3.7): {reason}")
    N = cache.m
    Delta_L = (cache.A[cache.L] - cache.T) / N  # (3.7)
    Delta, H, dW, db = _backpropagate(cache, Delta_L, None)
    return BackpropResult(
        document=DOCUMENT,
        formulation="wichmann.backprop_mse",
        arrays={"Delta": Delta, "H": H, "dW": dW, "db": db},
        quantities=_quantities("(5.2)", "(3.7) at L, (5.2) below", cache.L),
    )


def backprop_sigmoid_cross_entropy(cache: ForwardCache) -> BackpropResult:
    """Sigmoid output with cross-entropy: H^(L) = (A^(L) - T)/N (3.12), then (5.1)-(5.2).

    ``Delta[L]`` is reported from (3.10) placed column by column, δ_i/N in column ``i`` (the
    printed (3.11) sums the columns instead; see ``errata``); H^(L) never uses it.
    """
    ok, reason = applicable_sigmoid_cross_entropy(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT} (3.12): {reason}")
    N, A_L, T = cache.m, cache.A[cache.L], cache.T
    H_L = (A_L - T) / N  # (3.12)
    Delta_L = (A_L - T) / (A_L * (1 - A_L)) / N  # (3.10), one column per data point
    Delta, H, dW, db = _backpropagate(cache, Delta_L, H_L)
    return BackpropResult(
        document=DOCUMENT,
        formulation="wichmann.backprop_sigmoid_cross_entropy",
        arrays={"Delta": Delta, "H": H, "dW": dW, "db": db},
        quantities=_quantities(
            "(3.12) at L, (5.2) below", "(3.10)-(3.11) at L, (5.2) below", cache.L,
            Delta={cache.L: "(3.11) sums the data points' errors into one column: placed "
                            "column by column, δ_i/N in column i, as (3.10) gives them "
                            "(wichmann-3.11)"}),
    )


def two_layer_tanh(cache: ForwardCache) -> BackpropResult:
    """Section 6, the two-layer tanh network for binary classification, (6.3)-(6.8).

    Printed (6.4), (6.5), (6.7) and (6.8) contain typos (``errata``); this uses the corrected
    forms: H^(2) = (A^(2) - Y)/m (6.3); ∂J/∂W^(2) = H^(2) (A^(1))^t (6.4);
    ∂J/∂b^(2) = H^(2) J_m (6.5); Δ^(1) = (W^(2))^t H^(2) (6.6);
    H^(1) = Δ^(1) ⊙ (1 - A^(1) ⊙ A^(1)) (6.7 with ⊙, tanh' read off A^(1));
    ∂J/∂W^(1) = H^(1) X^t and ∂J/∂b^(1) = H^(1) J_m (6.8). Section 6 writes ``m`` for ``N``
    (a note); every quantity includes its 1/m, factor 1.
    """
    ok, reason = applicable_two_layer_tanh(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT} section 6: {reason}")
    m, X, A1, A2, Y, W2 = cache.m, cache.X, cache.A[1], cache.A[2], cache.T, cache.W[2]
    J_m = np.ones((m, 1), dtype=A2.dtype)
    H2 = (A2 - Y) / m  # (6.3)
    dW2 = H2 @ A1.T  # (6.4), corrected
    db2 = H2 @ J_m  # (6.5), corrected
    Delta1 = W2.T @ H2  # (6.6)
    H1 = Delta1 * (1 - A1 * A1)  # (6.7), elementwise
    dW1 = H1 @ X.T  # (6.8), corrected
    db1 = H1 @ J_m  # (6.8), corrected
    quantities = _quantities("(6.3), (6.7)", "(6.6)", 2)
    quantities["H"] = replace(quantities["H"], corrected={
        1: "(6.7) prints Δ_i (1 − (a_i)²), a product of two columns that does not conform: "
           "used element by element, Δ ⊙ (1 − A ⊙ A), as (2.15), (5.2) write it "
           "(wichmann-6.7)"})
    quantities["dW"] = Quantity(
        "dW", r"\partial J/\partial W^{(l)}", "dW", 1.0, "1", "H already holds 1/m", "(6.4), (6.8)",
        corrected={2: "(6.4) prints H^(2) A^(1): used with (A^(1))^t, as (5.1) and its own sum "
                      "have it (wichmann-6.4)",
                   1: "(6.8) prints H^(1) (A^(1))^t: used with (A^(0))^t = X^t, as (5.1) "
                      "(wichmann-6.8-W)"})
    quantities["db"] = Quantity(
        "db", r"\partial J/\partial b^{(l)}", "db", 1.0, "1", "H already holds 1/m", "(6.5), (6.8)",
        corrected={2: "(6.5) prints H^(2) A^(1), copied from (6.4): used with J_m, the sum over "
                      "the data points its own right side says (wichmann-6.5)",
                   1: "(6.8) prints H^(1) (J_2)^t: used with J_m, a column of m ones "
                      "(wichmann-6.8-b)"})
    return BackpropResult(
        document=DOCUMENT,
        formulation="wichmann.two_layer_tanh",
        arrays={
            "Delta": {1: Delta1},
            "H": {1: H1, 2: H2},
            "dW": {1: dW1, 2: dW2},
            "db": {1: db1, 2: db2},
        },
        quantities=quantities,
    )
