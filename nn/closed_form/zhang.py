r"""Zhang, *Derivation of the back-propagation algorithm* -- document 001.

One example ``(x, y)`` at a time, squared error
:math:`J(W, b; x, y) = \frac12 \|y - h(W, b; x)\|^2` with :math:`h = a^{(n_l)}`, and error terms
:math:`\delta`. Its three numbered steps (the page numbers nothing else):

1) :math:`\delta_p^{(n_l)} = -(y_p - h_p)\, \frac{da_p^{(n_l)}}{dz_p^{(n_l)}}`
   (printed with ``y`` for ``y_p``; see ``errata``);
2) :math:`\delta_k^{(l)} = \big(\sum_{q=1}^{s_{l+1}} W_{q \leftarrow k}^{(l)} \delta_q^{(l+1)}\big)
   \frac{da_k^{(l)}}{dz_k^{(l)}}`;
3) :math:`\frac{\partial J}{\partial W_{i \leftarrow j}^{(l)}} = \delta_i^{(l+1)} a_j^{(l)}`
   (printed with :math:`\partial h_p` on the left; see ``errata``); the bias gradient
   :math:`\delta_i^{(l+1)}` is "derived in the same way" (not printed).

**Weights and layers.** :math:`W_{i \leftarrow j}^{(l)}` is the weight from unit ``j`` of his
layer ``l`` to unit ``i`` of his layer ``l + 1``:
:math:`z_i^{(l+1)} = \sum_j W_{i \leftarrow j}^{(l)} a_j^{(l)} + b_i^{(l)}`. So the *matrix*
:math:`W^{(l)}` (row ``i``, column ``j``) is the weight of the layer *after* his layer ``l``.
His output layer is :math:`n_l`, ours ``L``; counted from the
output (which is all the derivation uses: :math:`n_l, n_l - 1, \dots, n_l - 4`), his layer
:math:`n_l - r` is our layer ``L - r``, so

* :math:`a^{(n_l - r)}, z^{(n_l - r)}` are columns of our ``A[L - r]``, ``Z[L - r]``;
* :math:`W_{i \leftarrow j}^{(n_l - r)}` is our ``W[L - r + 1][i - 1, j - 1]`` (0-based NumPy);
* :math:`\delta^{(n_l - r)}` is column ``c`` of ``m * dJ/dZ[L - r]`` for example ``c``.

The figure that fixes the absolute numbering is not in the text. If his input layer is layer 0
(his numbers equal ours), :math:`W^{(l)}` is our ``W[l + 1]``; if it is layer 1 (as in the UFLDL
notes whose notation he uses: :math:`n_l` layers, :math:`s_l` units), :math:`W^{(l)}` is our
``W[l]`` and his :math:`a^{(l)}` is our ``A[l - 1]``. The code works in our numbering throughout.

**Batch.** ``J`` of ``nn.mse`` is ``1/(2m) sum ||a - t||^2``, the *mean* of his per-example cost,
so ``dJ/dW`` and ``dJ/db`` are the means over examples of his per-example gradients, and his
per-example :math:`\delta` is ``m`` times a column of ``dJ/dZ``. Only ``mse`` is covered.
"""

from __future__ import annotations

import numpy as np

from .network import ForwardCache
from .result import BackpropResult, NotApplicableError, Quantity, every_layer

DOCUMENT = "001 Zhang"


def his_layers(L: int, weights: bool) -> dict[int, str]:
    """Zhang's name for each of our layers ``1..L``, counted from his output layer ``n_l``.

    Units (``a``, ``z``, ``delta``) of our layer ``l`` are his layer ``n_l - (L - l)``; our
    ``W[l]``, ``b[l]`` feed that layer, so they are his :math:`W^{(n_l - (L - l) - 1)}`.
    """
    def name(r: int) -> str:
        return "n_l" if r == 0 else f"n_l-{r}"

    return {l: name(L - l + (1 if weights else 0)) for l in range(1, L + 1)}


def caveats(cache: ForwardCache) -> tuple[str, ...]:
    """What this formulation adds to the page: the bias gradient, which he does not print."""
    return ("the bias gradient δ_i^(l+1) is not printed ('derived in the same way' as step 3)",)


def applicable(cache: ForwardCache) -> tuple[bool, str]:
    """Zhang derives squared error only, with scalar unit derivatives da/dz (elementwise)."""
    if cache.loss != "mse":
        return False, f"the derivation assumes J = ½||y - h||² (mse), not {cache.loss!r}"
    l = cache.first_non_elementwise()
    if l is not None:
        return False, (
            f"layer {l} uses {cache.activations[l].name}: da_k/dz_k is a scalar per unit in "
            "every step, which needs an elementwise activation"
        )
    return True, "mse with elementwise activations: steps 1)-3) apply"


def backprop(cache: ForwardCache) -> BackpropResult:
    """Steps 1)-3) per example, then the mean over the ``m`` examples.

    Returns, in our layer numbering: ``delta`` (column ``c`` is :math:`\\delta` of example ``c``;
    factor ``1/m`` to ``dJ/dZ``), ``sum_W_delta`` (the bracket of step 2, or :math:`-(y - h)` at
    the output: a quantity he computes but never names, so not ``dA``; factor ``1/m`` to
    ``dJ/dA``), ``dW`` and ``db`` (means over examples; factor 1). Each quantity's ``layers``
    gives his name for our layer (counted from the output).
    """
    ok, reason = applicable(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT}: {reason}")
    L, m, W = cache.L, cache.m, cache.W
    fprime = {l: cache.activations[l].derivative(cache.Z[l]) for l in range(1, L + 1)}
    delta = {l: np.empty_like(cache.Z[l]) for l in range(1, L + 1)}
    back = {l: np.empty_like(cache.A[l]) for l in range(1, L + 1)}
    dW = {l: np.zeros_like(W[l]) for l in range(1, L + 1)}
    db = {l: np.zeros_like(cache.b[l]) for l in range(1, L + 1)}
    for c in range(m):
        a = [A_l[:, c] for A_l in cache.A]  # a[l] is our A[l]'s column c
        h, y = a[L], cache.T[:, c]
        back[L][:, c] = -(y - h)
        delta[L][:, c] = back[L][:, c] * fprime[L][:, c]  # step 1
        for l in range(L - 1, 0, -1):
            back[l][:, c] = W[l + 1].T @ delta[l + 1][:, c]  # sum_q W_{q<-k} delta_q
            delta[l][:, c] = back[l][:, c] * fprime[l][:, c]  # step 2
        for l in range(1, L + 1):
            dW[l] += np.outer(delta[l][:, c], a[l - 1]) / m  # step 3, averaged
            db[l] += delta[l][:, c : c + 1] / m
    per_example = "his J is one example's ½||y - h||²; nn.mse is the mean over the m examples"
    columns = "per example: column k is example k's, computed one example at a time"
    averaged = ("per example (step 3), then the mean over the m examples, as nn.mse averages "
                "his per-example J")
    step1 = {L: "step 1) prints −(y − h_p): used with y_p, as the derivation has it "
                "(zhang-step-1; the same value with one output)"}
    step3 = every_layer(L, "step 3) prints ∂h_p/∂W on the left: read as ∂J/∂W, the gradient "
                           "of the cost it introduces (zhang-step-3)")
    units = {l: f"his layer {name}" for l, name in his_layers(L, weights=False).items()}
    weights = his_layers(L, weights=True)
    quantities = {
        "delta": Quantity(
            "delta", r"\delta^{(l)}", "dZ", 1 / m, "1/m", per_example, "steps 1), 2)",
            plain="δ", layers=units, corrected=step1, per_example=columns,
        ),
        "sum_W_delta": Quantity(
            "sum_W_delta",
            r"\sum_q W_{q \leftarrow k}^{(l)} \delta_q^{(l+1)};\ -(y_p - h_p) \text{ at } n_l",
            "dA",
            1 / m,
            "1/m",
            per_example,
            "step 2) (bracket), step 1)",
            plain="Σ_q W_q←k δ_q",
            in_document=False,
            layers={**units, L: "his layer n_l, where it is −(y_p − h_p)"},
            corrected=step1, per_example=columns,
        ),
        "dW": Quantity(
            "dW",
            r"\partial J / \partial W_{i \leftarrow j}^{(l)} = \delta_i^{(l+1)} a_j^{(l)}",
            "dW",
            1.0,
            "1",
            "mean over examples of step 3), as nn.mse averages",
            "step 3)",
            plain="∂J/∂W",
            layers={l: f"his W^({name})" for l, name in weights.items()},
            corrected=step3, per_example=averaged,
        ),
        "db": Quantity(
            "db",
            r"\delta_i^{(l+1)}",
            "db",
            1.0,
            "1",
            "mean over examples; 'derived in the same way' as step 3)",
            "after step 3) (not printed)",
            plain="δ_i^(l+1), 'derived in the same way' as step 3), never printed",
            in_document=False,
            layers={l: f"his b^({name})" for l, name in weights.items()},
            per_example=averaged,
        ),
    }
    return BackpropResult(
        document=DOCUMENT,
        formulation="zhang.backprop",
        arrays={"delta": delta, "sum_W_delta": back, "dW": dW, "db": db},
        quantities=quantities,
    )
