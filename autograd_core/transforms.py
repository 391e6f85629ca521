"""Function transforms, with ``torch.autograd.functional``'s names, argument order and return
conventions: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp``.

``inputs`` is a Tensor (or array) or a tuple of them; ``func(*inputs)`` returns a Tensor or a
tuple of Tensors. Results come back in the same form: one Tensor for one, tuples for tuples.
The inputs are not changed: ``func`` sees new leaves that share their memory. Every result
is a Tensor, outside any graph unless ``create_graph=True``, when it can be differentiated
again. Built on ``grad(..., create_graph=True)``; sizes are a teacher's (a Jacobian is one
backward per output element).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .gradients import grad
from .tensor import Tensor


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False
        ) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ J)``: the vector-Jacobian product, what backward computes.

    ``v`` has the output's shape (one per output); it may be omitted for a one-element output.
    """
    xs, one_input = _inputs(inputs, "vjp")
    outs, one_output = _outputs(func(*xs), "vjp")
    vs = _vectors(v, outs, "vjp", "output")
    products = _grad(_dot(outs, vs), list(xs), create_graph=create_graph) if len(outs) > 1 \
        else _grad(outs[0], list(xs), vs[0] if create_graph else vs[0].data,
                  create_graph=create_graph)
    return _pack(outs, one_output, create_graph), _pack(products, one_input, create_graph)


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False
        ) -> tuple[Any, Any]:
    """``(func(inputs), J v)``: the Jacobian-vector product (a directional derivative).

    ``v`` has the inputs' shapes; it may be omitted for a one-element input. Computed by the
    double-vjp trick: ``g(u) = uᵀ J`` is linear in ``u``, and its gradient along ``v`` is
    ``J v``.
    """
    xs, one_input = _inputs(inputs, "jvp")
    outs, one_output = _outputs(func(*xs), "jvp")
    vs = _vectors(v, xs, "jvp", "input")
    us = [Tensor(np.zeros(o.shape, o.dtype), requires_grad=True) for o in outs]
    uJ = _grad(_dot(outs, us), list(xs), create_graph=True)
    products = _grad(_dot(uJ, vs), us, create_graph=create_graph)
    return _pack(outs, one_output, create_graph), _pack(products, one_output, create_graph)


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """d func / d inputs, of shape ``output.shape + input.shape``.

    For several inputs (or outputs): a tuple over inputs (or over outputs of tuples over
    inputs), as PyTorch's ``jacobian`` returns.
    """
    xs, one_input = _inputs(inputs, "jacobian")
    outs, one_output = _outputs(func(*xs), "jacobian")
    rows = tuple(tuple(_blocks(out, xs, create_graph)) for out in outs)
    if one_output:
        return rows[0][0] if one_input else rows[0]
    return tuple(r[0] for r in rows) if one_input else rows


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False) -> Any:
    """d² func / d inputs², of shape ``input.shape + input.shape``, for a scalar ``func``.

    For several inputs: a tuple of tuples, ``H[i][j] = d² f / d x_i d x_j``.
    """
    xs, one_input = _inputs(inputs, "hessian")

    def gradient(*ys: Tensor) -> tuple[Tensor, ...]:
        out = _scalar(func(*ys), "hessian")
        return tuple(_grad(out, list(ys), create_graph=True))

    H = jacobian(gradient, xs, create_graph=create_graph)
    return H[0][0] if one_input else H


def hvp(func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool = False
        ) -> tuple[Any, Any]:
    """``(func(inputs), H v)``: the Hessian-vector product of a scalar ``func``, by double
    backward (no Hessian is formed)."""
    xs, one_input = _inputs(inputs, "hvp")
    out = _scalar(func(*xs), "hvp")
    vs = _vectors(v, xs, "hvp", "input")
    g = _grad(out, list(xs), create_graph=True)
    products = _grad(_dot(g, vs), list(xs), create_graph=create_graph)
    return _pack([out], True, create_graph), _pack(products, one_input, create_graph)


# ---------------------------------------------------------------- helpers


def _grad(output: Tensor, inputs: list[Tensor], grad_output: Any = None,
          retain_graph: bool = False, *, create_graph: bool = False) -> list[Any]:
    """``grad``, with zeros where ``output`` is in no graph at all. An output that does not
    depend on the inputs (a constant function, or the gradient of a linear one, which is a
    constant) has derivative 0, as PyTorch's transforms return; ``grad`` itself refuses such
    an output, as ``torch.autograd.grad`` does."""
    if output.requires_grad:
        return grad(output, inputs, grad_output, retain_graph, create_graph=create_graph)
    zeros = [np.zeros(t.shape, t.dtype) for t in inputs]
    return [Tensor(z) for z in zeros] if create_graph else zeros


def _inputs(inputs: Any, where: str) -> tuple[tuple[Tensor, ...], bool]:
    """New float leaves sharing the inputs' memory, and whether one input was given."""
    one = not isinstance(inputs, tuple | list)
    items = (inputs,) if one else tuple(inputs)
    if not items:
        raise ValueError(f"{where}: no inputs")
    leaves = []
    for i, x in enumerate(items):
        t = Tensor(x)
        if t.dtype.kind != "f":
            raise TypeError(f"{where}: inputs[{i}] must be floating-point, got {t.dtype}")
        leaves.append(Tensor(t, requires_grad=True, name=t.name))
    return tuple(leaves), one


def _outputs(result: Any, where: str) -> tuple[list[Tensor], bool]:
    one = not isinstance(result, tuple | list)
    outs = [result] if one else list(result)
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"{where}: func must return a Tensor or a tuple of Tensors, got "
                            f"{type(o).__name__} at position {i}")
    return outs, one


def _scalar(out: Any, where: str) -> Tensor:
    if not isinstance(out, Tensor) or out.size != 1:
        what = f"shape {out.shape}" if isinstance(out, Tensor) else type(out).__name__
        raise ValueError(f"{where}: func must return a one-element Tensor, got {what}")
    return out


def _vectors(v: Any, like: list | tuple, where: str, what: str) -> list[Tensor]:
    """``v`` as Tensors shaped like ``like``, or ones when omitted for one element."""
    if v is None:
        if len(like) != 1 or like[0].size != 1:
            raise ValueError(f"{where}: v is needed unless there is a single one-element "
                             f"{what}")
        return [Tensor(np.ones(like[0].shape, like[0].dtype))]
    vs = list(v) if isinstance(v, tuple | list) else [v]
    if len(vs) != len(like):
        raise ValueError(f"{where}: v has {len(vs)} entries for {len(like)} {what}s")
    out = []
    for i, (u, t) in enumerate(zip(vs, like)):
        u = u if isinstance(u, Tensor) else Tensor(np.asarray(u, dtype=t.dtype))
        if u.shape != t.shape:
            raise ValueError(f"{where}: v[{i}] has shape {u.shape}, expected {t.shape} like "
                             f"the {what}")
        out.append(u)
    return out


def _dot(xs: list | tuple, ys: list | tuple) -> Tensor:
    """Σ_i ⟨x_i, y_i⟩, recorded."""
    total = (xs[0] * ys[0]).sum()
    for x, y in zip(xs[1:], ys[1:]):
        total = total + (x * y).sum()
    return total


def _blocks(out: Tensor, xs: tuple[Tensor, ...], create_graph: bool) -> list[Tensor]:
    """d out / d x for each x, shape ``out.shape + x.shape``: one backward per element."""
    rows: list[list[Any]] = [[] for _ in xs]
    for e in np.ndindex(*out.shape):
        seed = np.zeros(out.shape, out.dtype)
        seed[e] = 1
        for row, g in zip(rows, _grad(out, list(xs), seed, retain_graph=True,
                                     create_graph=create_graph)):
            row.append(g)
    return [_stack(row, out.shape, x, create_graph) for row, x in zip(rows, xs)]


def _stack(rows: list[Any], lead: tuple[int, ...], x: Tensor, create_graph: bool
           ) -> Tensor:
    """The rows (each shaped like ``x``) as one Tensor ``lead + x.shape``; recorded as a sum
    of placed rows when it must stay differentiable (there is no stack op)."""
    shape = lead + x.shape
    if not create_graph:
        stacked = np.stack(rows) if rows else np.zeros((0, *x.shape))
        return Tensor(stacked.reshape(shape).astype(x.dtype, copy=False))
    total = Tensor(np.zeros(shape, x.dtype))
    flat = (int(np.prod(lead)), *x.shape)
    for k, r in enumerate(rows):
        place = np.zeros(flat[0], x.dtype)
        place[k] = 1
        total = total + (Tensor(place.reshape(lead + (1,) * x.ndim)) * r.reshape((1,) * len(lead)
                                                                                 + x.shape))
    return total


def _pack(ts: list[Any], one: bool, create_graph: bool) -> Any:
    """Tensors (ndarrays wrapped), detached unless ``create_graph``; one, or a tuple."""
    out = [t if create_graph and isinstance(t, Tensor) else
           Tensor(t.data if isinstance(t, Tensor) else t) for t in ts]
    return out[0] if one else tuple(out)
