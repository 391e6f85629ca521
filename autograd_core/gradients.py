"""``grad(output, inputs)``: gradients handed back, no ``.grad`` touched; first order (the
engine's walk capturing what was asked for) or, with ``create_graph=True``, as Tensors in a
graph of their own (``higher.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import engine
from .arguments import _seed
from .grad_mode import state
from .higher import backward_graph
from .tensor import Tensor


def grad(output: Tensor, inputs: Tensor | Sequence[Tensor], grad_output: Any = None,
         retain_graph: bool = False, *, create_graph: bool = False) -> list[Any]:
    """d output / d input for each of ``inputs``, as new arrays; no ``.grad`` is touched.

    ``grad_output`` is the gradient flowing into ``output`` (needed unless it has one
    element). An input the output does not depend on gets zeros. With ``create_graph=True``
    the results are Tensors recorded as a graph of their own, so they can be differentiated
    again (to any order); ``grad_output`` may then be a Tensor that requires grad, and the
    graph is kept (as with ``retain_graph=True``).
    """
    if state.tape is not None:
        raise RuntimeError("compile: grad() was called inside the function being compiled; "
                           "compile the forward pass and differentiate its result")
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise TypeError(f"grad: inputs[{i}] must be a Tensor that requires grad")
    if create_graph:
        seed = grad_output if isinstance(grad_output, Tensor) else \
            Tensor(_seed(output, grad_output, "grad"))
        _check_seed(output, seed)
        graph: dict[Tensor, Tensor | None] = dict.fromkeys(inputs)
        backward_graph(output, seed, graph)
        return [Tensor(np.zeros(t.shape, t.dtype)) if graph[t] is None else graph[t]
                for t in inputs]
    capture: dict[Tensor, np.ndarray | None] = dict.fromkeys(inputs)
    engine.backward(output, _seed(output, grad_output, "grad"), retain_graph, capture)
    return [_or_zeros(capture[t], t) for t in inputs]


def _or_zeros(g: np.ndarray | None, t: Tensor) -> np.ndarray:
    return np.zeros(t.shape, t.dtype) if g is None else g


def _check_seed(output: Tensor, seed: Tensor) -> None:
    _seed(output, seed._data, "grad")  # the same checks as for an array
    if seed.shape != output.shape or seed.dtype != output.dtype:
        raise ValueError(f"grad: grad_output has shape {seed.shape}, dtype {seed.dtype}; "
                         f"expected {output.shape}, {output.dtype} like the output")
