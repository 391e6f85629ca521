"""A two-layer network's gradients by autodiff, samples as columns."""

import numpy as np

from autograd_core import Tensor, gradcheck

rng = np.random.default_rng(0)
X = rng.standard_normal((2, 5))                       # A[0]: 2 features, 5 examples
W1 = Tensor(rng.standard_normal((4, 2)), requires_grad=True, name="W[1]")
b1 = Tensor(np.zeros((4, 1)), requires_grad=True, name="b[1]")
W2 = Tensor(rng.standard_normal((1, 4)), requires_grad=True, name="W[2]")
b2 = Tensor(np.zeros((1, 1)), requires_grad=True, name="b[2]")


def loss(W1, b1, W2, b2):
    A1 = (W1 @ X + b1).tanh()
    A2 = (W2 @ A1 + b2).sigmoid()
    return ((A2 - 1.0) ** 2).mean()


J = loss(W1, b1, W2, b2)
J.backward()
print("J =", J.item())
for p in (W1, b1, W2, b2):
    print(f"d{p.name} =\n{p.grad}")
print("gradcheck:", gradcheck(loss, [W1, b1, W2, b2]))
