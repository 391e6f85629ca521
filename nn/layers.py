"""``Linear`` (``Z = W A + b``) and ``MLP``, a stack of them that keeps every ``Z[l]``, ``A[l]``."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor, functional, is_grad_enabled, scope

from .activations import Activation, activation
from .module import Module

_set = object.__setattr__

INITS = ("xavier", "he", "normal")
Rng = int | np.random.Generator | np.random.RandomState | None


def as_rng(rng: Rng) -> np.random.Generator | np.random.RandomState:
    """A generator from a seed (``int``), ``None`` (fresh entropy), or a generator as it is.

    A ``np.random.RandomState`` is used as is: ``RandomState(2)`` draws what the course's
    ``np.random.seed(2); np.random.randn(...)`` draws.
    """
    if isinstance(rng, np.random.Generator | np.random.RandomState):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be None, an int seed, a np.random.Generator or a "
                    f"np.random.RandomState, got {type(rng).__name__}")


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """An affine layer on column samples: ``Z = W A + b``.

    Args:
        n_in: features per example in (rows of ``A``), ``n_{l-1}``.
        n_out: features per example out (rows of ``Z``), ``n_l``.
        init: how ``weight`` is drawn, from a normal distribution with mean 0 and standard
            deviation ``sqrt(2 / (n_in + n_out))`` for ``"xavier"`` (Glorot and Bengio, 2010),
            ``sqrt(2 / n_in)`` for ``"he"`` (He et al., 2015), or ``scale`` for ``"normal"``
            (default 0.01: the course's ``W = 0.01 * randn``). ``bias`` starts at 0.
        scale: the standard deviation for ``init="normal"`` only.
        rng: an int seed, a ``np.random.Generator`` or ``np.random.RandomState``; None for
            fresh entropy.
        dtype: of the parameters (float64 by default; float32 for a float32 model).

    Shapes:
        ``A``: ``(n_in, m)``, one example per column. ``Z``: ``(n_out, m)``.

    Attributes:
        weight: ``W``, shape ``(n_out, n_in)``.
        bias: ``b``, shape ``(n_out, 1)``, added to every column by broadcasting.
    """

    def __init__(self, n_in: int, n_out: int, init: str = "xavier", *,
                 scale: float | None = None, rng: Rng = None,
                 dtype: np.dtype | type = np.float64) -> None:
        super().__init__()
        self.n_in = _positive_int(n_in, "Linear: n_in")
        self.n_out = _positive_int(n_out, "Linear: n_out")
        std = _init_std(init, scale, n_in, n_out)
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Linear: dtype must be a floating-point type, got {dtype}")
        self.init = init
        weight = as_rng(rng).standard_normal((n_out, n_in)) * std
        self.weight = Tensor(weight.astype(dtype, copy=False), requires_grad=True, name="W")
        self.bias = Tensor(np.zeros((n_out, 1), dtype), requires_grad=True, name="b")

    def forward(self, A: Tensor | np.ndarray) -> Tensor:
        return functional.addmm(self.bias, self.weight, A)  # W A + b, one node

    def extra_repr(self) -> str:
        return f"n_in={self.n_in}, n_out={self.n_out}"


def _init_std(init: str, scale: float | None, n_in: int, n_out: int) -> float:
    if init not in INITS:
        raise ValueError(f"Linear: unknown init {init!r}; choose one of "
                         f"{', '.join(map(repr, INITS))}")
    if init != "normal":
        if scale is not None:
            raise ValueError(f"Linear: scale applies to init='normal' only, not {init!r}")
        return float(np.sqrt(2 / (n_in + n_out) if init == "xavier" else 2 / n_in))
    if scale is None:
        return 0.01
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) \
            or not np.isfinite(scale) or scale < 0:
        raise ValueError(f"Linear: scale must be a finite number >= 0, got {scale!r}")
    return float(scale)


class MLP(Module):
    """A multilayer perceptron in the documents' notation, keeping every layer's quantities.

    ``MLP([n_0, n_1, ..., n_L], hidden="tanh", output="sigmoid")`` computes, for
    ``l = 1 .. L``::

        Z[l] = W[l] A[l-1] + b[l]      A[l] = act_l(Z[l])      A[0] = X

    with ``hidden`` for layers ``1 .. L-1`` and ``output`` for layer ``L`` (a name, as in
    ``nn.ACTIVATIONS``, or an ``nn.Activation``). ``init``, ``scale``, ``rng`` and ``dtype``
    go to every ``Linear``, drawn in layer order from one generator; the course's set-up
    ``np.random.seed(2); W = 0.01 * randn`` is ``init="normal", rng=np.random.RandomState(2)``.

    ``retain_grads`` (default True) keeps ``dZ[l]`` and ``dA[l]`` after backward, as below.
    Training that needs only ``dW[l]`` and ``db[l]`` can pass False: backward then frees each
    layer's ``dZ``, ``dA`` as soon as it has been used, two ``(n_l, m)`` arrays per layer
    fewer at the peak. ``nn.closed_form.compare`` retains them for its own pass either way.

    Shapes:
        ``X``: ``(n_0, m)``, an ndarray or Tensor, one example per column. Output ``A[L]``:
        ``(n_L, m)``.

    Attributes (1-based; index 0 is None where the documents have no layer 0):
        layer1, layer2, ...: the ``Linear`` layers (parameter names ``layer1.weight``...).
        W, b: ``W[l]`` and ``b[l]``, the parameter Tensors, named ``"W[l]"``, ``"b[l]"``.
        activations: ``activations[l]``, the activation module of layer ``l``.
        Z, A: after ``model(X)``, ``Z[l]`` and ``A[l]`` (``A[0]`` is ``X`` as a Tensor), named
            ``"Z[l]"``, ``"A[l]"`` (and ``"A[0]"`` when ``X`` has no name). When the forward
            pass recorded a graph (and ``retain_grads`` is True), they retain their
            gradients: after ``loss.backward()``,
            ``Z[l].grad`` is ``dZ[l]`` and ``A[l].grad`` is ``dA[l]`` (``dW[l]`` and ``db[l]``
            are ``W[l].grad`` and ``b[l].grad``). With the identity activation ``A[l]`` is
            ``Z[l]``, the same tensor.
    """

    def __init__(self, sizes: Sequence[int], hidden: str | Activation = "tanh",
                 output: str | Activation = "sigmoid", init: str = "xavier", *,
                 scale: float | None = None, rng: Rng = None,
                 dtype: np.dtype | type = np.float64, retain_grads: bool = True) -> None:
        super().__init__()
        if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            raise ValueError(f"MLP: sizes must be a list [n_0, n_1, ..., n_L] of at least two "
                             f"layer sizes, got {sizes!r}")
        self.sizes = [_positive_int(n, f"MLP: sizes[{i}]") for i, n in enumerate(sizes)]
        L = len(sizes) - 1
        generator = as_rng(rng)
        acts: list[Activation | None] = [None]
        for l in range(1, L + 1):  # noqa: E741 - l is the documents' layer index
            layer = Linear(self.sizes[l - 1], self.sizes[l], init, scale=scale, rng=generator,
                           dtype=dtype)
            layer.weight.name, layer.bias.name = f"W[{l}]", f"b[{l}]"
            setattr(self, f"layer{l}", layer)
            acts.append(activation(output if l == L else hidden))
        self._layers = tuple(getattr(self, f"layer{l}") for l in range(1, L + 1))  # noqa: E741
        self.activations: tuple[Activation | None, ...] = tuple(acts)
        for l, (layer, act) in enumerate(zip(self._layers, acts[1:]), 1):  # noqa: E741
            layer.register_forward_hook(self._keeper("Z", l))
            act.register_forward_hook(self._keeper("A", l))  # type: ignore[union-attr]
        self._kept: tuple[list, list] | None = None  # Z[l], A[l] of the forward in progress
        self._retain = False  # whether this forward retains the layers' gradients
        self._current = 0  # the layer being computed
        if not isinstance(retain_grads, bool):
            raise TypeError(f"MLP: retain_grads must be True or False, got {retain_grads!r}")
        self.retain_grads = retain_grads
        self.Z: list[Tensor | None] = []
        self.A: list[Tensor] = []

    @property
    def L(self) -> int:
        """The number of layers (the output layer's index)."""
        return len(self._layers)

    @property
    def W(self) -> tuple[Tensor | None, ...]:
        """``W[l]``, 1-based (``W[0]`` is None)."""
        return (None, *(layer.weight for layer in self._layers))

    @property
    def b(self) -> tuple[Tensor | None, ...]:
        """``b[l]``, 1-based (``b[0]`` is None)."""
        return (None, *(layer.bias for layer in self._layers))

    def forward(self, X: Tensor | np.ndarray) -> Tensor:
        A = X if isinstance(X, Tensor) else Tensor(X)
        if A.ndim != 2 or A.shape[0] != self.sizes[0]:
            raise ValueError(f"MLP: X has shape {A.shape}, expected ({self.sizes[0]}, m): "
                             f"{self.sizes[0]} features as rows, one example per column "
                             f"(transpose a (m, {self.sizes[0]}) array with X.T)")
        if A.name is None:
            A.name = "A[0]"
        # internal bookkeeping, set past Module.__setattr__'s registry (it runs every forward)
        _set(self, "_retain", self.retain_grads and is_grad_enabled())
        _set(self, "_kept", ([None], [A]))
        try:
            for l, (layer, act) in enumerate(zip(self._layers, self.activations[1:]), 1):  # noqa: E741
                _set(self, "_current", l)
                with scope(f"layer {l}"):
                    A = act(layer(A))  # type: ignore[misc]  # the hooks keep Z[l], A[l]
            self.Z, self.A = self._kept  # type: ignore[misc]
        finally:
            _set(self, "_kept", None)
        return A

    def _keeper(self, kind: str, l: int) -> Callable:  # noqa: E741
        """A forward hook for layer ``l``'s Linear (``kind`` "Z") or activation ("A"): names
        the output as the documents do, retains its gradient, keeps it in ``Z`` or ``A``."""
        def keep(module: Module, inputs: tuple, out: Tensor) -> None:
            if self._kept is None or self._current != l:  # called outside this layer's turn
                return  # (on its own, or an activation module shared by several layers)
            if kind == "Z" or out is not inputs[0]:  # identity: A[l] is Z[l], named Z
                out.name = f"{kind}[{l}]"
            if self._retain and out.requires_grad:
                out.retain_grad()
            self._kept[0 if kind == "Z" else 1].append(out)
        return keep

    def __repr__(self) -> str:
        rows = [(f"  layer{l}: Z[{l}] = W[{l}] A[{l - 1}] + b[{l}], A[{l}] = {act.name}(Z[{l}])",
                 f"W[{l}] {layer.weight.shape}, b[{l}] {layer.bias.shape}")
                for l, (layer, act) in enumerate(zip(self._layers, self.activations[1:]), 1)  # noqa: E741
                if act is not None]
        width = max(len(equation) for equation, _ in rows)
        lines = [f"{equation:<{width}}   {shapes}" for equation, shapes in rows]
        return "\n".join([f"MLP({self.sizes},", *lines, ")"])
