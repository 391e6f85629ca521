r"""*Bro, do you even backprop?* (blog post) -- document 003.

Per-sample column vectors :math:`\mathbf{a}^l, \mathbf{z}^l, \mathbf{b}^l`, weights
:math:`\mathbf{W}^l = [\mathbf{w}_1^l, \dots, \mathbf{w}_{n_l}^l]^T` (our ``W[l]``), and the loss
:math:`L = \frac1N \sum_{i=1}^N g(\mathbf{a}^L(\mathbf{x}_i) - \mathbf{y}_i)` with
:math:`g(x) = \frac12 \|x\|^2` -- our ``mse``, the only cost it covers. The post numbers no
equations; its results, in order:

* output layer: :math:`\frac{\partial L}{\partial \mathbf{b}^L} = \frac1N \sum_i
  \mathrm{diag}(f'(z_1^L), \dots, f'(z_{n_L}^L)) (\mathbf{a}^L(\mathbf{x}_i) - \mathbf{y}_i)`;
* interior layer: :math:`\frac{\partial L}{\partial \mathbf{b}^l} = \mathrm{diag}(f'(\mathbf{z}^l))
  (\mathbf{W}^{l+1})^T \frac{\partial L}{\partial \mathbf{b}^{l+1}}`, with
  :math:`\partial \cdot / \partial \mathbf{b}^l = \partial \cdot / \partial \mathbf{z}^l`;
* weights: :math:`\frac{\partial L}{\partial \mathbf{W}^l} =
  \frac{\partial L}{\partial \mathbf{b}^l} (\mathbf{a}^{l-1})^T`.

The last two hold for one sample's loss :math:`g(\mathbf{a}^L(\mathbf{x}_i) - \mathbf{y}_i)`, not
for the average ``L`` they are written for (the ambiguity ``blog-per-sample`` in ``errata``).
So this module runs the recursion per sample, with the diagonal Jacobians built as matrices, and
averages over ``N`` at the end.

Layout: the post stacks :math:`\partial \mathbf{a} / \partial b_j` "row by row", so its
:math:`\partial \mathbf{a}/\partial \mathbf{z}` has entry ``(j, k) = da_k/dz_j``: the transpose
of the usual Jacobian (the same for the diagonal ones). Extension, not in the post: for a
``softmax`` layer :math:`\partial \mathbf{a}/\partial \mathbf{z}` is that full (symmetric) matrix
instead of a diagonal one, and everything else is unchanged.
"""

from __future__ import annotations

import numpy as np

from .network import Activation, ForwardCache
from .result import BackpropResult, NotApplicableError, Quantity, every_layer

DOCUMENT = "003 blog"


def applicable(cache: ForwardCache) -> tuple[bool, str]:
    """The post's cost is 1/N sum ½||a^L - y||² (mse); any activation (softmax by Jacobian)."""
    if cache.loss != "mse":
        return False, f"the post's cost is (1/N) sum ½||a^L - y||² (mse), not {cache.loss!r}"
    l = cache.first_non_elementwise()
    if l is not None:
        return True, (
            f"mse; layer {l} ({cache.activations[l].name}) uses its full Jacobian in place of "
            "diag(f'(z)) (an extension: the post derives the diagonal case)"
        )
    return True, "mse with elementwise activations: the post's diagonal Jacobians apply"


def caveats(cache: ForwardCache) -> tuple[str, ...]:
    """Readings beyond the post: one ``f`` for layers with different activations, and a layer
    that is not elementwise (softmax)."""
    names = [act.name for act in cache.activations[1:]]
    out = []
    if len(set(names)) > 1:
        out.append(f"the post writes one f for every layer; here f' is each layer's own "
                   f"({', '.join(names)})")
    out += [f"layer {l} ({cache.activations[l].name}) uses its full Jacobian in place of "
            "diag(f'(z)): an extension, the post derives the diagonal case"
            for l in range(1, cache.L + 1) if not cache.activations[l].elementwise]
    return tuple(out)


def da_dz(activation: Activation, Z: np.ndarray) -> list[np.ndarray]:
    r"""Per-sample :math:`\partial \mathbf{a}/\partial \mathbf{z}` matrices in the post's layout.

    ``diag(f'(z_1), ..., f'(z_n))`` for an elementwise activation (built as a matrix, as the post
    writes it); the transposed Jacobian ``derivative(Z)[i].T`` for softmax.
    """
    fprime = activation.derivative(Z)
    if activation.elementwise:
        return [np.diag(fprime[:, i]) for i in range(Z.shape[1])]
    return [fprime[i].T for i in range(Z.shape[1])]


def backprop(cache: ForwardCache) -> BackpropResult:
    """The post's recursion per sample, averaged over the ``N`` samples.

    Returns ``dg_dz`` (column ``i`` is sample ``i``'s :math:`\\partial g/\\partial \\mathbf{b}^l =
    \\partial g/\\partial \\mathbf{z}^l`, which the post writes :math:`\\partial L/\\partial
    \\mathbf{z}^l` and never names per sample; factor ``1/N`` to ``dJ/dZ``), ``db`` and ``dW``
    (averaged over samples; factor 1).
    """
    ok, reason = applicable(cache)
    if not ok:
        raise NotApplicableError(f"{DOCUMENT}: {reason}")
    L, N, W = cache.L, cache.m, cache.W
    jac = {l: da_dz(cache.activations[l], cache.Z[l]) for l in range(1, L + 1)}
    dz = {l: np.empty_like(cache.Z[l]) for l in range(1, L + 1)}
    db = {l: np.zeros_like(cache.b[l]) for l in range(1, L + 1)}
    dW = {l: np.zeros_like(W[l]) for l in range(1, L + 1)}
    for i in range(N):
        a = [A_l[:, i : i + 1] for A_l in cache.A]  # a[l] = a^l(x_i), a column
        y = cache.T[:, i : i + 1]
        dg_db = {L: jac[L][i] @ (a[L] - y)}  # output layer, one term of the sum
        for l in range(L - 1, 0, -1):
            dg_db[l] = jac[l][i] @ W[l + 1].T @ dg_db[l + 1]  # interior layer, per sample
        for l in range(1, L + 1):
            dz[l][:, i : i + 1] = dg_db[l]
            db[l] += dg_db[l] / N
            dW[l] += dg_db[l] @ a[l - 1].T / N  # dL/dW^l = dL/db^l (a^{l-1})^T, per sample
    per_sample = "one sample's ∂g/∂b^l; L averages g over the N samples"
    averaged = "average over samples of the per-sample result"
    columns = "per sample: column i is sample i's, computed one sample at a time"
    then_mean = "per sample, then the mean over the N samples"
    one_g = every_layer(L, "the post writes ∂L/∂ where only one sample's g_i makes sense: run "
                           "per sample (blog-per-sample)")
    quantities = {
        "dg_dz": Quantity(
            "dg_dz",
            r"\partial g(\mathbf{a}^L(\mathbf{x}_i) - \mathbf{y}_i)/\partial \mathbf{z}^l",
            "dZ",
            1 / N,
            "1/N",
            per_sample,
            "'Derivatives with respect to b^l'",
            plain="∂g(a^L(x_i) − y_i)/∂z^l, written ∂L/∂z^l",
            in_document=False,
            corrected=one_g, per_example=columns,
        ),
        "db": Quantity(
            "db",
            r"\partial L/\partial \mathbf{b}^l",
            "db",
            1.0,
            "1",
            averaged,
            "'Derivatives with respect to b^l'",
            plain="∂L/∂b^l",
            corrected=one_g, per_example=then_mean,
        ),
        "dW": Quantity(
            "dW",
            r"\partial L/\partial \mathbf{W}^l",
            "dW",
            1.0,
            "1",
            averaged,
            "'Derivatives with respect to W^l'",
            plain="∂L/∂W^l",
            corrected=every_layer(L, "∂L/∂W^l = ∂L/∂b^l (a^{l-1})^T holds per sample only: "
                                     "the mean of the per-sample products (blog-per-sample)"),
            per_example=then_mean,
        ),
    }
    return BackpropResult(
        document=DOCUMENT,
        formulation="blog.backprop",
        arrays={"dg_dz": dz, "db": db, "dW": dW},
        quantities=quantities,
    )
