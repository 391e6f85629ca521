r"""Rojas, *Vectorized Back-propagation Derivation* (v1.0, 2019) -- document 000.

Notation (his, beside ours): weights :math:`\Theta^{[l]}` (our ``W[l]``), biases
:math:`b^{[l]}`, activation :math:`\alpha^{[l]}`,
:math:`Z^{[l]} = \Theta^{[l]} A^{[l-1]} + b^{[l]}`, :math:`A^{[l]} = \alpha^{[l]}(Z^{[l]})`,
:math:`A^{[0]} = X`, ``m`` examples as columns, cost (2)
:math:`J = \frac{1}{m}\sum_{c=1}^m \sum_{i=1}^{n_L} err\{A_i^{[L](c)}, y_i^{(c)}\}`.

Summary equations, as used here (with (C) corrected, see ``errata``):

* (5)  :math:`dA^{[L]} = [err'\{A_i^{[L](c)}, y_i^{(c)}\}]`
* (C)  :math:`dZ^{[l]} = dA^{[l]} \odot \alpha'^{[l]}(Z^{[l]})`
  (printed without the prime; (8) has it)
* (A)  :math:`d\Theta^{[l]} = \frac{1}{m} dZ^{[l]} (A^{[l-1]})^T`
* (B)  :math:`db^{[l]} = \frac{1}{m} \sum_c dZ^{[l](c)}`
* (D)  :math:`dA^{[k]} = (\Theta^{[k+1]})^T dZ^{[k+1]}`

Scaling: the ``1/m`` of ``J`` sits only in (A) and (B). His ``dA`` and ``dZ`` carry none, so
``dA^{[l]} = m * dJ/dA[l]`` and ``dZ^{[l]} = m * dJ/dZ[l]`` although (4), (6) and (13) write them
as ``dJ/dA``, ``dJ/dZ`` (the typo ``rojas-missing-m``); ``dTheta`` and ``db`` equal ``dJ/dW``,
``dJ/db``.
"""

from __future__ import annotations

import numpy as np

from .losses import softmax
from .network import ForwardCache
from .result import BackpropResult, NotApplicableError, Quantity, every_layer

DOCUMENT = "000 Rojas"


def err_prime(loss: str, A_L: np.ndarray, T: np.ndarray) -> np.ndarray:
    r"""The matrix of (5): :math:`err'\{A_i^{[L](c)}, y_i^{(c)}\}`, the derivative of a term of (2).

    * mse, :math:`err\{a, y\} = \frac12 (a - y)^2`: :math:`err' = a - y`;
    * binary_cross_entropy, :math:`err = -[y\log a + (1-y)\log(1-a)]`:
      :math:`err' = (a - y) / (a(1-a))`;
    * cross_entropy: softmax couples the outputs of a column, so the loss is not a sum of
      elementwise ``err`` terms as (2) assumes; ``err'`` is read as the partial derivative of the
      example's loss with respect to :math:`A_i^{[L](c)}`, :math:`softmax(a)_i \sum_j y_j - y_i`.

    No ``1/m``: that is why his ``dA`` is ``m`` times ``dJ/dA``.
    """
    if loss == "mse":
        return A_L - T
    if loss == "binary_cross_entropy":
        return (A_L - T) / (A_L * (1 - A_L))
    if loss == "cross_entropy":
        return softmax(A_L) * T.sum(axis=0, keepdims=True) - T
    raise ValueError(f"unknown loss {loss!r}")


def applicable(cache: ForwardCache) -> tuple[bool, str]:
    """Whether (A)-(D) cover this network: every activation must be elementwise."""
    l = cache.first_non_elementwise()
    if l is not None:
        name = cache.activations[l].name
        return False, (
            f"layer {l} uses {name}, which is not elementwise: (C) dZ = dA ⊙ α'(Z) needs an "
            "elementwise α (a softmax layer needs its Jacobian, which Rojas never writes)"
        )
    if cache.loss == "cross_entropy":
        return True, (
            "softmax cross-entropy is not a sum of elementwise err terms as (2) writes; err' is "
            "read as the partial derivative of each example's loss (softmax(a) - y)"
        )
    return True, (f"elementwise activations and loss {cache.loss!r}: (A)-(D) apply, (C) with "
                  f"its prime restored as (8) has it")


def caveats(cache: ForwardCache) -> tuple[str, ...]:
    """Readings beyond the page: softmax cross-entropy is not a sum of elementwise ``err``."""
    if cache.loss == "cross_entropy":
        return ("softmax cross-entropy is not a sum of elementwise err terms as (2) writes; err' "
                "is read as the partial derivative of each example's loss, softmax(a) - y",)
    return ()


def backprop(cache: ForwardCache) -> BackpropResult:
    """Rojas's summary equations (A)-(D), dA^{[L]} from (5), on the whole batch at once.

    Returns ``dA`` and ``dZ`` (no ``1/m``, factor ``1/m`` to ``dJ/dA``, ``dJ/dZ``) and ``dW``
    (his ``dTheta``) and ``db`` (factor 1), for layers ``1..L``.
    """
    ok, reason = applicable(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT}: {reason}")
    L, m, Theta, A, Z = cache.L, cache.m, cache.W, cache.A, cache.Z
    dA = {L: err_prime(cache.loss, A[L], cache.T)}  # (5)
    dZ: dict[int, np.ndarray] = {}
    dTheta: dict[int, np.ndarray] = {}
    db: dict[int, np.ndarray] = {}
    for l in range(L, 0, -1):
        dZ[l] = dA[l] * cache.activations[l].derivative(Z[l])  # (C), with the prime of (8)
        dTheta[l] = dZ[l] @ A[l - 1].T / m  # (A)
        db[l] = dZ[l].sum(axis=1, keepdims=True) / m  # (B)
        if l > 1:
            dA[l - 1] = Theta[l].T @ dZ[l]  # (D)
    no_m = "err' in (5) has no 1/m although J has one, so this is m times the gradient"
    label = ("read as m·∂J/∂{0}: (4), (6), (13) write ∂J/∂{0}, which the value is not "
             "(rojas-missing-m)")
    prime = ("(C) printed dZ = dA ⊙ α(Z), without the prime: used with α'(Z), as (8) has it "
             "(rojas-C)")
    quantities = {
        "dA": Quantity("dA", r"dA^{[l]}", "dA", 1 / m, "1/m", no_m, "(5), (D), (15)",
                       corrected=every_layer(L, label.format("A"))),
        "dZ": Quantity("dZ", r"dZ^{[l]}", "dZ", 1 / m, "1/m", no_m, "(C), (7), (8)",
                       corrected=every_layer(L, f"{prime}; {label.format('Z')}")),
        "dW": Quantity(
            "dW", r"d\Theta^{[l]}", "dW", 1.0, "1", "(A) applies the 1/m of J", "(A), (10), (11)"
        ),
        "db": Quantity("db", r"db^{[l]}", "db", 1.0, "1", "(B) applies the 1/m of J", "(B), (12)"),
    }
    return BackpropResult(
        document=DOCUMENT,
        formulation="rojas.backprop",
        arrays={"dA": dA, "dZ": dZ, "dW": dTheta, "db": db},
        quantities=quantities,
    )
