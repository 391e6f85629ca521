"""``gradcheck`` and ``gradgradcheck``: the engine's gradients against finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .grad_mode import no_grad
from .gradients import grad
from .tensor import Tensor
from .tracked import writable


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central finite differences."""


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare the engine's gradient of ``fn(*inputs)`` with central differences, in float64.

    Inputs are copied to float64 leaves (inputs that require grad are checked, the others are
    constants). A one-element output is differentiated as it is; a larger one is reduced to
    the scalar ``Σ r ⊙ fn(...)`` with a fixed random projection ``r`` (the message then says
    so). Every input is checked; returns True, or raises one ``GradcheckError`` naming each
    input that fails, with its worst element, both values and the relative error. An element
    passes when ``|analytic - numeric| ≤ atol + rtol·|numeric|``.
    """
    leaves = [Tensor(np.array(t.data, dtype=np.float64), requires_grad=t.requires_grad,
                     name=t.name) for t in inputs]
    checked = [t for t in leaves if t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    projected = out.size != 1
    projection = np.random.default_rng(0).standard_normal(out.shape) if projected \
        else np.ones(out.shape)

    def objective() -> float:
        with no_grad():
            return float(np.sum(projection * fn(*leaves)._data))

    analytic = grad(out, checked, grad_output=projection)
    failures = _failures(checked, analytic, objective, eps, atol, rtol)
    if failures:
        of = (f"of Σ r ⊙ fn(...), the output {out.shape} projected on a fixed random r, "
              if projected else "")
        raise GradcheckError(
            f"gradcheck: the gradient {of}is wrong for {len(failures)} of {len(checked)} "
            f"inputs (atol={atol}, rtol={rtol}):\n" + "\n".join(failures))
    return True


def _failures(leaves: list[Tensor], analytic: list[np.ndarray], objective: Callable[[], float],
              eps: float, atol: float, rtol: float) -> list[str]:
    """Central differences of ``objective`` in each element of each leaf (perturbed in place,
    then restored) against ``analytic``: one line per leaf that fails."""
    failures = []
    for position, (leaf, a) in enumerate(zip(leaves, analytic)):
        numeric = np.zeros(leaf.shape)
        with writable(leaf._data) as values:
            for index in np.ndindex(*leaf.shape):
                original = values[index]
                values[index] = original + eps
                plus = objective()
                values[index] = original - eps
                minus = objective()
                values[index] = original
                numeric[index] = (plus - minus) / (2 * eps)
        failure = _compare(a, numeric, leaf, position, atol, rtol)
        if failure is not None:
            failures.append(failure)
    return failures


def _compare(analytic: np.ndarray, numeric: np.ndarray, leaf: Tensor, position: int,
             atol: float, rtol: float) -> str | None:
    """What is wrong with ``leaf``'s gradient, in one line, or None if nothing is."""
    excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    if analytic.size == 0 or np.all(excess <= 0):
        return None
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess))),
                             analytic.shape)
    a, n = float(analytic[worst]), float(numeric[worst])
    relative = abs(a - n) / max(abs(n), 1e-300)
    label = f"{leaf.name!r}" if leaf.name else f"#{position}"
    wrong = int(np.sum(~(excess <= 0)))
    return (f"  input {label} (shape {leaf.shape}): {wrong} of {analytic.size} elements wrong; "
            f"worst at index {tuple(int(i) for i in worst)}: analytic {a:.10g}, numeric "
            f"{n:.10g}, relative error {relative:.3g}")


def gradgradcheck(fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Check second derivatives: the gradient of the engine's gradient (double backward)
    against central differences of the engine's gradient, in float64.

    With ``g(x) = d⟨r, fn(x)⟩/dx`` (``r`` as in ``gradcheck``; 1 for a one-element output)
    and fixed random directions ``u``, the scalar ``⟨u, g(x)⟩`` is differentiated twice
    over: by ``grad(..., create_graph=True)`` then ``grad``, and numerically, element by
    element. Returns True, or raises ``GradcheckError`` naming each failing input as
    ``gradcheck`` does. Catches a rule that is right to first order but treats as a constant
    something its result depends on.
    """
    leaves = [Tensor(np.array(t.data, dtype=np.float64), requires_grad=t.requires_grad,
                     name=t.name) for t in inputs]
    checked = [t for t in leaves if t.requires_grad]
    if not checked:
        raise ValueError("gradgradcheck: no input requires grad, so there is nothing to check")
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradgradcheck: fn must return a Tensor, got {type(out).__name__}")
    rng = np.random.default_rng(0)
    r = rng.standard_normal(out.shape) if out.size != 1 else np.ones(out.shape)
    directions = [rng.standard_normal(t.shape) for t in checked]

    def first(create_graph: bool) -> list[Any]:
        return grad(fn(*leaves), checked, r, create_graph=create_graph)

    def objective() -> float:
        return float(sum(np.sum(u * g) for u, g in zip(directions, first(False))))

    g = first(True)
    along = (g[0] * directions[0]).sum()
    for gi, u in zip(g[1:], directions[1:]):
        along = along + (gi * u).sum()
    # a gradient that does not depend on x at all has second derivative 0 (as autodiff sees it)
    analytic = grad(along, checked) if along.requires_grad else \
        [np.zeros(t.shape) for t in checked]
    failures = _failures(checked, analytic, objective, eps, atol, rtol)
    if failures:
        raise GradcheckError(
            f"gradgradcheck: the second derivative (of ⟨u, d⟨r, fn⟩/dx⟩ for fixed random u, "
            f"r) is wrong for {len(failures)} of {len(checked)} inputs (atol={atol}, "
            f"rtol={rtol}):\n" + "\n".join(failures))
    return True
