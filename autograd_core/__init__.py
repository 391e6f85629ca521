"""A tiny reverse-mode automatic differentiation engine on NumPy.

>>> from autograd_core import Tensor
>>> W = Tensor([[1.0, 2.0]], requires_grad=True, name="W[1]")
>>> x = Tensor([[3.0], [4.0]], name="A[0]")
>>> (W @ x).tanh().sum().backward()
>>> W.grad.shape
(1, 2)
"""

from . import memory  # memory.keep_freed_memory(): a call for training scripts, not at import
from .compiled import compile
from .grad_mode import enable_grad, is_grad_enabled, no_grad, scope
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .gradients import grad
from .hooks import RemovableHandle, detect_anomaly
from .tensor import Tensor

__all__ = [
    "GradcheckError",
    "RemovableHandle",
    "Tensor",
    "compile",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "memory",
    "no_grad",
    "scope",
]
__version__ = "0.1.0"
