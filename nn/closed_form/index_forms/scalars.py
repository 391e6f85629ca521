"""One entry at a time: an activation and its derivative at a single pre-activation value."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..network import Activation


def entry(f: Callable[[np.ndarray], np.ndarray], x: float) -> float:
    """``f`` of one scalar, through the activation's array function (``f(Z)`` on a 1 x 1 Z)."""
    return float(f(np.array([[x]]))[0, 0])


def sigma(activation: Activation, z: float) -> float:
    """The activation of one pre-activation entry."""
    return entry(activation.fn, z)


def sigma_prime(activation: Activation, z: float) -> float:
    """The activation's derivative at one pre-activation entry (elementwise activations)."""
    if not activation.elementwise:
        raise ValueError(f"{activation.name} is not elementwise: an entry has no scalar derivative")
    return entry(activation.derivative, z)
