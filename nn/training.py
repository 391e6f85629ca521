"""``fit``: the training loop (shuffled minibatches, a progress bar, a history, a stop at the
first non-finite loss or at a diverging one); ``accuracy``."""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from autograd_core import Tensor
from autograd_core import compile as compile_function

from .layers import Rng, as_rng
from .optim import Optimizer

Loss = Callable[[Tensor, Any], Tensor]


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch.

    ``loss[e]``: the mean loss over epoch ``e``'s minibatches, weighted by their sizes, each
    measured in its forward pass, that is before that minibatch's step (with full batches:
    the loss at the parameters the epoch started from). ``accuracy[e]``: the same for
    ``nn.accuracy``, or None when not tracked.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] | None = None

    def __len__(self) -> int:
        return len(self.loss)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(epochs=0)"
        text = f"History(epochs={len(self.loss)}, loss {self.loss[0]:.4g} → {self.loss[-1]:.4g}"
        if self.accuracy:
            text += f", accuracy {self.accuracy[0]:.3f} → {self.accuracy[-1]:.3f}"
        return text + ")"


class NonFiniteLossError(FloatingPointError):
    """``fit`` met a loss, or a gradient, that is NaN or infinite; no step applied it.

    Attributes: ``epoch`` and ``step`` (1-based; ``step`` counts minibatches over all epochs),
    ``loss`` (its value), ``quantity`` (``"loss"``, or ``"gradient"`` when the loss is finite
    but backward overflowed), ``cause``, ``lr`` (the optimizer's learning rate, or None), and
    ``history`` (the epochs completed before). ``cause`` is ``"data"`` (the minibatch holds
    NaN or inf), ``"start"`` (the first step, at the initial parameters) or ``"diverged"``
    (later: most often a learning rate too large).
    """

    def __init__(self, message: str, *, epoch: int, step: int, loss: float, quantity: str,
                 cause: str, lr: float | None, history: History) -> None:
        super().__init__(message)
        self.epoch, self.step, self.loss, self.quantity = epoch, step, loss, quantity
        self.cause = cause
        self.lr, self.history = lr, history


class DivergenceError(RuntimeError):
    """``fit`` met a finite loss more than ``divergence_factor`` times the first minibatch's
    loss: training diverged (most often a learning rate too large); no step applied it.

    Attributes: ``epoch`` and ``step`` (1-based, as in ``NonFiniteLossError``), ``loss``,
    ``first_loss``, ``factor``, ``lr`` (the optimizer's learning rate, or None) and
    ``history`` (the epochs completed before).
    """

    def __init__(self, message: str, *, epoch: int, step: int, loss: float, first_loss: float,
                 factor: float, lr: float | None, history: History) -> None:
        super().__init__(message)
        self.epoch, self.step, self.loss, self.first_loss = epoch, step, loss, first_loss
        self.factor, self.lr, self.history = factor, lr, history


DIVERGENCE_FACTOR = 1000.0
"""``fit``'s default ``divergence_factor``: no run of the course's set-ups comes near it (their
loss falls from the first step), while a learning rate far too large passes it within a few
steps (``lr=1e6`` on the flower: 0.78, then 57,541 at the second step)."""


def fit(model: Callable[[Any], Tensor], X: np.ndarray, Y: np.ndarray, loss: Loss,
        optimizer: Optimizer, epochs: int, batch_size: int | None = None, rng: Rng = None,
        progress: bool = True, *, track_accuracy: bool = False,
        compile: bool = False,  # noqa: A002 - torch.compile's name, as an option
        divergence_factor: float | None = DIVERGENCE_FACTOR) -> History:
    """Train ``model`` on the columns of ``X`` and ``Y``; return the per-epoch ``History``.

    Each epoch visits every example once: in minibatches of ``batch_size`` columns, in an
    order shuffled by ``rng`` (a seed or generator; the last minibatch may be smaller), or,
    with ``batch_size=None`` (or ``>= m``), as one full batch in the original order. For each
    minibatch: ``optimizer.zero_grad()``, ``J = loss(model(X_b), Y_b)``, ``J.backward()``,
    ``optimizer.step()``.

    Args:
        X: inputs ``(n_0, m)``. Y: targets ``(n_L, m)`` or class labels ``(m,)``.
        loss: ``loss(prediction, target) -> scalar Tensor``, e.g. ``nn.binary_cross_entropy``.
        progress: show a tqdm bar with the loss, on runs longer than a second and only when
            standard error is a terminal.
        track_accuracy: also record ``nn.accuracy`` per epoch in ``history.accuracy``.
        compile: run ``loss(model(X_b), Y_b)`` through ``autograd_core.compile``: recorded
            at the first minibatch (and the first of each other size), then replayed as flat
            NumPy; the same values and gradients bit for bit, in less time. ``model`` and
            ``loss`` must be written with Tensor operations only (no reads of values).
        divergence_factor: stop with ``DivergenceError`` at the first minibatch whose loss
            exceeds this many times the first minibatch's loss (default 1000); ``None``
            never stops. Applies only when the first loss is positive (a loss of 0, or a
            custom loss that may be negative, gives no scale).

    Raises:
        NonFiniteLossError: (a ``FloatingPointError``) at the first minibatch whose loss, or
            a parameter's gradient, is NaN or infinite, before ``optimizer.step()``, so the
            parameters keep the last finite values. The message names the epoch, the step and
            the value, and says what to try (a smaller learning rate, cleaner data).
        DivergenceError: (a ``RuntimeError``) at the first minibatch whose finite loss
            exceeds ``divergence_factor`` times the first one, before that minibatch's step.
            The message names the step, the loss, its first value and the learning rate.
        ValueError: bad shapes, ``epochs``, ``batch_size`` or ``divergence_factor``.
    """
    X, Y, m = _check_data(X, Y)
    epochs = _count(epochs, "epochs", 0)
    factor = _factor(divergence_factor)
    first: float | None = None
    full = batch_size is None or _count(batch_size, "batch_size", 1) >= m
    generator = None if full else as_rng(rng)
    history = History(accuracy=[] if track_accuracy else None)
    show = bool(progress) and bool(getattr(sys.stderr, "isatty", lambda: False)())
    step = 0
    forward = _compiled(model, loss) if compile else None
    with tqdm(total=epochs, disable=not show, delay=1.0, unit="epoch", dynamic_ncols=True,
              leave=True) as bar:
        for epoch in range(1, epochs + 1):
            if full:
                batches: Any = ((X, Y),)
            else:
                assert generator is not None and batch_size is not None  # set when not full
                order = generator.permutation(m)
                batches = ((X[:, cols], Y[..., cols])
                           for cols in (order[i:i + batch_size] for i in range(0, m, batch_size)))
            total_loss = total_hits = 0.0
            for X_b, Y_b in batches:
                step += 1
                optimizer.zero_grad()
                if forward is None:
                    prediction = model(X_b)
                    J = loss(prediction, Y_b)
                else:
                    J, prediction = forward(X_b, Y_b)
                value = J.item()
                if not math.isfinite(value):
                    raise _non_finite("loss", value, epoch, epochs, step, X_b, Y_b,
                                      optimizer, history)
                if first is None:
                    first = value
                elif factor is not None and first > 0 and value > factor * first:
                    raise _diverged(value, first, factor, epoch, epochs, step, optimizer,
                                    history)
                J.backward()
                if not _finite_gradients(optimizer):  # a finite loss can overflow backward
                    raise _non_finite("gradient", value, epoch, epochs, step, X_b, Y_b,
                                      optimizer, history)
                optimizer.step()
                size = X_b.shape[1]
                total_loss += value * size
                if track_accuracy:
                    total_hits += accuracy(prediction, Y_b) * size
            history.loss.append(total_loss / m)
            if history.accuracy is not None:
                history.accuracy.append(total_hits / m)
            if show:
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}", refresh=False)
                bar.update()
    return history


def _compiled(model: Callable[[Any], Tensor], loss: Loss) -> Callable:
    def loss_and_prediction(X_b: Tensor, Y_b: Tensor) -> tuple[Tensor, Tensor]:
        prediction = model(X_b)
        return loss(prediction, Y_b), prediction

    return compile_function(loss_and_prediction)


def _finite_gradients(optimizer: Optimizer) -> bool:
    return all(p.grad is None or np.isfinite(p.grad).all()
               for p in getattr(optimizer, "params", ()))


def _non_finite(quantity: str, value: float, epoch: int, epochs: int, step: int, X_b: np.ndarray,
                Y_b: np.ndarray, optimizer: Optimizer, history: History) -> NonFiniteLossError:
    """The error for a non-finite ``quantity`` (loss or gradient), with the likely cause."""
    lr = getattr(optimizer, "lr", None)
    target = np.asarray(Y_b)
    if not np.isfinite(X_b).all() or (target.dtype.kind in "fc" and not np.isfinite(target).all()):
        cause, hint = "data", ("this minibatch of X or Y holds NaN or inf values: clean or "
                               "drop those examples")
    elif step == 1:
        cause, hint = "start", ("it is so at the initial parameters: check the "
                                "initialisation, the loss and the targets")
    else:
        cause = "diverged"
        hint = (f"the learning rate {lr:g} may be too large: try a smaller lr"
                if isinstance(lr, numbers.Real) else "try a smaller learning rate")
    where = f"epoch {epoch} of {epochs}, step {step}"
    found = (f"the loss is {value:g}" if quantity == "loss"
             else f"a gradient is not finite (the loss is {value:g})")
    done = f"after {step - 1} step{'s' * (step != 2)}" if step > 1 else "the initial ones"
    message = (f"fit: {found} at {where}; stopped before that step's update, the parameters "
               f"are {done}; {hint}")
    return NonFiniteLossError(message, epoch=epoch, step=step, loss=value, quantity=quantity,
                              cause=cause, lr=lr, history=history)


def _factor(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not 1 < float(value) < math.inf:
        raise ValueError(f"fit: divergence_factor must be a number > 1 (or None to never stop), "
                         f"got {value!r}")
    return float(value)


def _diverged(value: float, first: float, factor: float, epoch: int, epochs: int, step: int,
              optimizer: Optimizer, history: History) -> DivergenceError:
    lr = getattr(optimizer, "lr", None)
    rate = f"learning rate {lr:g}" if isinstance(lr, numbers.Real) else "learning rate"
    message = (f"fit: the loss diverged: {value:g} at epoch {epoch} of {epochs}, step {step}, "
               f"more than {factor:g} times its first value {first:g}, with {rate}; stopped "
               f"before that step's update: try a smaller learning rate (or "
               f"divergence_factor=None to go on)")
    return DivergenceError(message, epoch=epoch, step=step, loss=value, first_loss=first,
                           factor=factor, lr=float(lr) if isinstance(lr, numbers.Real) else None,
                           history=history)


def accuracy(prediction: Tensor | np.ndarray, target: Tensor | np.ndarray) -> float:
    """The fraction of examples (columns) classified correctly, in [0, 1].

    - One output row, ``prediction (1, m)`` of probabilities (a sigmoid output): class 1
      where ``p > 0.5``, against 0/1 targets ``(1, m)`` or ``(m,)``.
    - ``C > 1`` rows, ``prediction (C, m)`` of scores or probabilities: the class is the
      argmax over axis 0, against integer labels ``(m,)`` or one-hot targets ``(C, m)``.
    """
    P, T = _values(prediction), _values(target)
    if P.ndim != 2:
        raise ValueError(f"accuracy: prediction must be (n, m), one example per column, got "
                         f"shape {P.shape}")
    C, m = P.shape
    if C == 1:
        if T.shape not in ((1, m), (m,)):
            raise ValueError(f"accuracy: target has shape {T.shape}, expected (1, {m}) or "
                             f"({m},) like the prediction (1, {m})")
        predicted, labels = P[0] > 0.5, T.reshape(m) > 0.5
    else:
        if T.shape == (C, m):
            labels = T.argmax(axis=0)
        elif T.shape == (m,):
            labels = T
        else:
            raise ValueError(f"accuracy: target has shape {T.shape}, expected labels ({m},) "
                             f"or one-hot ({C}, {m}) for a prediction ({C}, {m})")
        predicted = P.argmax(axis=0)
    return float(np.mean(predicted == labels)) if m else float("nan")


def _values(x: Tensor | np.ndarray) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def _count(value: Any, name: str, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < lo:
        raise ValueError(f"fit: {name} must be an integer >= {lo}, got {value!r}")
    return int(value)


def _check_data(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray, int]:
    X, Y = _values(X), _values(Y)
    if X.ndim != 2:
        raise ValueError(f"fit: X must be (n_0, m), one example per column, got shape {X.shape}")
    if Y.ndim not in (1, 2) or Y.shape[-1] != X.shape[1]:
        raise ValueError(f"fit: Y has shape {Y.shape}; expected (n_L, {X.shape[1]}) or "
                         f"({X.shape[1]},), one target per column of X {X.shape}")
    if X.shape[1] == 0:
        raise ValueError("fit: X has no examples (m = 0)")
    return X, Y, X.shape[1]
