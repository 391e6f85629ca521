"""``grad`` (gradients without touching ``.grad``) and ``gradcheck`` (finite differences)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import engine
from .recording import no_grad
from .tensor import Tensor, _seed


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central finite differences."""


def grad(output: Tensor, inputs: Sequence[Tensor], grad_output: Any = None,
         retain_graph: bool = False) -> list[np.ndarray]:
    """d output / d input for each of ``inputs``, as new arrays; no ``.grad`` is touched.

    ``grad_output`` is the gradient flowing into ``output`` (needed unless it has one
    element). An input the output does not depend on gets zeros.
    """
    inputs = list(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise TypeError(f"grad: inputs[{i}] must be a Tensor that requires grad")
    capture: dict[Tensor, np.ndarray | None] = dict.fromkeys(inputs)
    engine.backward(output, _seed(output, grad_output, "grad"), retain_graph, capture)
    return [np.zeros(t.shape, t.dtype) if capture[t] is None else capture[t] for t in inputs]


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare the engine's gradient of ``fn(*inputs)`` with central differences, in float64.

    Inputs are copied to float64 leaves (inputs that require grad are checked, the others are
    constants). A non-scalar output is reduced to the scalar ``Σ r ⊙ fn(...)`` with a fixed
    random projection ``r``. Returns True, or raises ``GradcheckError`` naming the input, the
    worst element, both values and the relative error; passes when every element satisfies
    ``|analytic - numeric| ≤ atol + rtol·|numeric|``.
    """
    leaves = [Tensor(np.array(t.data, dtype=np.float64), requires_grad=t.requires_grad,
                     name=t.name) for t in inputs]
    checked = [t for t in leaves if t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    projection = np.random.default_rng(0).standard_normal(out.shape)

    def objective() -> float:
        with no_grad():
            return float(np.sum(projection * fn(*leaves)._data))

    analytic = grad(out, checked, grad_output=projection)
    for position, (leaf, g) in enumerate(zip(checked, analytic)):
        numeric = np.zeros(leaf.shape)
        values = leaf._data  # perturbed in place, then restored, element by element
        for index in np.ndindex(*leaf.shape):
            original = values[index]
            values[index] = original + eps
            plus = objective()
            values[index] = original - eps
            minus = objective()
            values[index] = original
            numeric[index] = (plus - minus) / (2 * eps)
        _compare(g, numeric, leaf, position, atol, rtol)
    return True


def _compare(analytic: np.ndarray, numeric: np.ndarray, leaf: Tensor, position: int,
             atol: float, rtol: float) -> None:
    excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    if analytic.size == 0 or np.all(excess <= 0):
        return
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess))),
                             analytic.shape)
    a, n = float(analytic[worst]), float(numeric[worst])
    relative = abs(a - n) / max(abs(n), 1e-300)
    label = f"{leaf.name!r}" if leaf.name else f"#{position}"
    raise GradcheckError(
        f"gradcheck: gradient of input {label} (shape {leaf.shape}) is wrong at index "
        f"{tuple(int(i) for i in worst)}: analytic {a:.10g}, numeric {n:.10g}, "
        f"relative error {relative:.3g} (atol={atol}, rtol={rtol})")
