"""Reference backprops with one chosen slip, for exercises and for testing the grader.

``plant(slip, layer)`` returns a function ``cache -> {"dZ[2]": ...}`` in our notation: the
right backward pass with the slip made at ``layer`` and carried downstream as a learner's
code would carry it. The course notebook's own two: ``"dls_dW2_doubled"`` (``dW[2]`` times 2)
and ``"dls_db1_4_over_m"`` (``db[1]`` times ``4/m``). The blog's per-sample mistake
(``blog-per-sample`` in the errata), its recursion written for ``L`` run on the whole batch:
``"blog_per_sample"`` (``db[l] = diag(mean f'(z^l)) (W[l+1])ᵀ db[l+1]``, an interior layer)
and ``"blog_mean_a"`` (``dW[l] = db[l] (mean a^{l-1})ᵀ``); both are right when ``m = 1`` and
show only with two examples or more. Slips of ``dZ``: ``"sigmoid_prime"`` (``A(1 − A)``, the
sigmoid's derivative, at a layer of another activation: layer 1, tanh, by default),
``"prime_at_Z"`` (the derivative written in ``A`` evaluated at ``Z``: ``1 − Z²`` for tanh),
``"matmul"`` (``dA @ α'(Z)ᵀ`` for ``dA ⊙ α'(Z)``), ``"batch_mean_prime"`` (the derivative
averaged over the batch, the blog's ``diag`` of the mean ``f'``); of precision: ``"float32"``,
``"float16"`` (``dW`` right but cast).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..losses import dJ_dA_L
from .rules import Cache, backward_order, parent, step

SLIPS = ("times_m", "sign", "no_derivative", "rojas_C", "wrong_axis", "wrong_layer_A",
         "transpose", "dls_dW2_doubled", "dls_db1_4_over_m", "blog_per_sample", "blog_mean_a",
         "sigmoid_prime", "prime_at_Z", "matmul", "batch_mean_prime", "float32", "float16")
"""The slips ``plant`` makes; each is at one quantity of one layer (see ``_QUANTITY``)."""

_QUANTITY = {"times_m": "dA", "sign": "dZ", "no_derivative": "dZ", "rojas_C": "dZ",
             "wrong_axis": "db", "wrong_layer_A": "dW", "transpose": "dW",
             "dls_dW2_doubled": "dW", "dls_db1_4_over_m": "db", "blog_per_sample": "db",
             "blog_mean_a": "dW", "sigmoid_prime": "dZ", "prime_at_Z": "dZ", "matmul": "dZ",
             "batch_mean_prime": "dZ", "float32": "dW", "float16": "dW"}


def plant(slip: str, layer: int | None = None) -> Callable[[Cache], dict[str, Any]]:
    """A backprop with ``slip`` at ``layer`` (default: the DLS slips' own layers, else 1)."""
    if slip not in SLIPS:
        raise ValueError(f"unknown slip {slip!r}; expected one of {SLIPS}")
    at = (_QUANTITY[slip], layer or {"dls_dW2_doubled": 2}.get(slip, 1))

    def backprop(c: Cache) -> dict[str, Any]:
        cache = c.forward_cache()
        L = cache.L
        out: dict[tuple[str, int], np.ndarray] = {}
        for key in backward_order(L)[:-1]:
            up = parent(key, L)
            if up is not None and up not in out:
                continue  # its input has a shape no step takes: a learner's code stops there
            try:
                value = (dJ_dA_L(cache.loss, cache.A[L], cache.T) if up is None
                         else step(key, out[up], cache))
            except ValueError:
                continue
            if key == at:
                l = key[1]
                if slip == "times_m":
                    value = value * cache.m
                elif slip == "sign":
                    value = -value
                elif slip == "no_derivative":
                    value = out["dA", l]
                elif slip == "rojas_C":
                    value = out["dA", l] * cache.activations[l].fn(cache.Z[l])
                elif slip == "wrong_axis":
                    value = out["dZ", l].sum(axis=0, keepdims=True)
                elif slip == "wrong_layer_A":
                    value = out["dZ", l] @ cache.A[l].T
                elif slip == "transpose":
                    value = value.T
                elif slip == "sigmoid_prime":
                    value = out["dA", l] * cache.A[l] * (1 - cache.A[l])
                elif slip == "prime_at_Z":
                    Z = cache.Z[l]
                    value = out["dA", l] * (Z * (1 - Z) if cache.activations[l].name
                                            == "sigmoid" else 1 - Z ** 2)
                elif slip == "matmul":
                    value = out["dA", l] @ cache.activations[l].derivative(cache.Z[l]).T
                elif slip == "batch_mean_prime":
                    fprime = cache.activations[l].derivative(cache.Z[l])
                    value = out["dA", l] * fprime.mean(axis=1, keepdims=True)
                elif slip in ("float32", "float16"):
                    value = value.astype(slip)
                elif slip == "dls_dW2_doubled":
                    value = 2 * value
                elif slip == "blog_per_sample":
                    if l == L:
                        raise ValueError(f"blog_per_sample is a slip of an interior layer "
                                         f"(1..{L - 1}), not of the output layer {L}")
                    fprime = cache.activations[l].derivative(cache.Z[l]).mean(axis=1,
                                                                               keepdims=True)
                    value = fprime * (cache.W[l + 1].T @ out["db", l + 1])
                elif slip == "blog_mean_a":
                    db = step(("db", l), out["dZ", l], cache)  # dW comes first in the order
                    value = db @ cache.A[l - 1].mean(axis=1, keepdims=True).T
                else:
                    value = value * 4 / cache.m
            out[key] = value
        return {f"{g}[{l}]": v for (g, l), v in out.items()}

    return backprop
