"""Two more exercise levels: Wichmann's ``Δ`` and ``H`` on his own section-6 network, and the
softmax with cross-entropy, whose ``dZ = (softmax(Z) − Y) / m`` needs no Jacobian.

``wichmann`` writes the backward pass of Wichmann, *General feed forward neural networks*
(document 002), as his section 5 states it for any layer, with the cost of his section 6
(binary cross-entropy); every name is a gradient of ``J`` itself (his ``1/N`` is inside
``Δ^(L)``). ``softmax`` is the same network with two outputs, the logits, and the
cross-entropy of their softmax against one-hot labels.
"""

from __future__ import annotations

from .spec import CELLS, FORWARD_AT, SETUP, Level, Task

_J = "### BEGIN SOLUTION\n"
_E = "    ### END SOLUTION\n"

WICHMANN = Level(
    "wichmann", "Wichmann's Δ and H", "wichmann", "binary_cross_entropy",
    """# Backprop yourself: Wichmann's Δ and H

Write the backward pass of Wichmann, *General feed forward neural networks* (document 002), in
his notation, on the network of his own section 6: `[2, 4, 1]`, tanh then sigmoid, the 400
flower points, the average cross-entropy $J = \\frac1N \\sum_i \\mathcal{L}(t_i, a_i^{(2)})$.

He carries two matrices per layer, both gradients of $J$ itself (no factor $m$ to remember):
$\\Delta^{(l)} = \\partial J / \\partial A^{(l)}$ (2.14), (5.3), and the Hadamard term
$H^{(l)} = \\Delta^{(l)} \\odot \\partial \\sigma_l / \\partial Z^{(l)}$ (2.15), which is
$\\partial J / \\partial Z^{(l)}$. The recursion (5.2): $\\Delta^{(l)} = (W^{(l+1)})^t
H^{(l+1)}$; the parameters (5.1): $\\partial J/\\partial W^{(l)} = H^{(l)} (A^{(l-1)})^t$,
$\\partial J/\\partial b^{(l)} = H^{(l)} J_N$, the sum over the examples, with $J_N$ a column of
$N$ ones (section 1; the printed $J_N^t$ does not conform). His $N$ and $m$ are both the
number of examples, `c.m`. Some printed equations do not hold as written (`backprop errata
--document 002`): (5.16) and (6.8) write $A^{(l)}$ where $A^{(l-1)}$ belongs, (6.4) drops the
transpose and (6.5) writes $A^{(1)}$ where $J_m$ belongs.
""" + CELLS.format(first="Delta2"),
    SETUP.format(level="wichmann") + FORWARD_AT.format(
        where="Wichmann: Z^(l) = W^(l) A^(l-1) + b^(l), A^(l) = σ_l(Z^(l))"),
    (
        Task("Delta2", "**Δ⁽²⁾**, (2.14) with (3.10), (3.11): $\\partial J/\\partial A^{(2)}$ "
             "for the cross-entropy, $\\frac1N \\frac{a - t}{a(1 - a)}$ element by element "
             "(each column is one example; the sum that (3.11) prints is over the examples of "
             "$J$, not in $\\Delta$). Shape `(1, 400)`.",
             "def Delta2(c, d):\n    " + _J + "    A, Y = c.A[2], c.Y\n"
             "    return (A - Y) / (A * (1 - A)) / c.m\n" + _E),
        Task("H2", "**H⁽²⁾**, (2.15): $\\Delta^{(2)} \\odot \\partial\\sigma_2/\\partial "
             "Z^{(2)}$, the sigmoid's derivative element by element; (3.12) and (6.3) give "
             "what it comes to. Shape `(1, 400)`.",
             "def H2(c, d):\n    " + _J
             + "    return d[\"Delta2\"] * c.A[2] * (1 - c.A[2])\n" + _E),
        Task("dW2", "**∂J/∂W⁽²⁾**, (2.16), (5.1): $H^{(2)} (A^{(1)})^t$ ((6.4) prints it "
             "without the transpose). Shape `(1, 4)`.",
             "def dW2(c, d):\n    " + _J + "    return d[\"H2\"] @ c.A[1].T\n" + _E),
        Task("db2", "**∂J/∂b⁽²⁾**, (2.17), (5.1): $H^{(2)} J_N$, $J_N$ a column of $N$ ones "
             "((6.5) prints $A^{(1)}$ for it). Shape `(1, 1)`.",
             "def db2(c, d):\n    " + _J
             + "    return d[\"H2\"] @ np.ones((c.m, 1))\n" + _E),
        Task("Delta1", "**Δ⁽¹⁾**, (5.2), (6.6): $(W^{(2)})^t H^{(2)}$. Shape `(4, 400)`.",
             "def Delta1(c, d):\n    " + _J + "    return c.W[2].T @ d[\"H2\"]\n" + _E),
        Task("H1", "**H⁽¹⁾**, (5.2), (6.7): $\\Delta^{(1)} \\odot (1 - (A^{(1)})^2)$, the "
             "derivative of tanh element by element. Shape `(4, 400)`.",
             "def H1(c, d):\n    " + _J
             + "    return d[\"Delta1\"] * (1 - c.A[1] ** 2)\n" + _E),
        Task("dW1", "**∂J/∂W⁽¹⁾**, (5.1): $H^{(1)} (A^{(0)})^t$ with $A^{(0)} = X$ ((6.8) "
             "prints $(A^{(1)})^t$). Shape `(4, 2)`.",
             "def dW1(c, d):\n    " + _J + "    return d[\"H1\"] @ c.X.T\n" + _E),
        Task("db1", "**∂J/∂b⁽¹⁾**, (5.1), (6.8): $H^{(1)} J_N$ ((6.8) prints $(J_2)^t$). "
             "Shape `(4, 1)`.",
             "def db1(c, d):\n    " + _J
             + "    return d[\"H1\"] @ np.ones((c.m, 1))\n" + _E),
    ),
)

_SOFTMAX_FORWARD = """
# The forward pass, given: two outputs, the logits Z2, and their softmax P over each column.
Z1 = c.W[1] @ c.X + c.b[1]
A1 = np.tanh(Z1)  # the hidden layer: tanh
Z2 = c.W[2] @ A1 + c.b[2]  # the logits: the output layer has no activation (c.A[2] is Z2)
P = np.exp(Z2 - Z2.max(axis=0)) / np.exp(Z2 - Z2.max(axis=0)).sum(axis=0)  # softmax, axis 0
assert np.allclose(A1, c.A[1]) and np.allclose(Z2, c.A[2])  # the cache holds these numbers
assert np.allclose(P.sum(axis=0), 1) and c.Y.shape == (2, 400)  # one-hot labels, columns
print(exercise)
"""

SOFTMAX = Level(
    "softmax", "softmax with cross-entropy", "ours", "cross_entropy",
    """# Backprop yourself: softmax with cross-entropy

The flower network of section 6 with two outputs instead of one: `[2, 4, 2]`, tanh, then the
logits $Z^{[2]}$ (no activation) and their softmax over each column, $P = \\mathrm{softmax}
(Z^{[2]})$, $P_{jk} = e^{Z_{jk}} / \\sum_i e^{Z_{ik}}$; the cost is the cross-entropy
$J = -\\frac1m \\sum_k \\sum_j Y_{jk} \\log P_{jk}$ against one-hot labels `c.Y` (`(2, 400)`:
row 1 is the flower's label, row 0 its complement).

The softmax's Jacobian $\\mathrm{diag}(p) - p p^t$ (one per example) meets the derivative of
the log, and everything cancels but $dZ^{[2]} = \\frac1m (P - Y)$: no Jacobian to build. Every
name here is a gradient of $J$ itself, with the `1/m`, samples as columns. The cache's
`c.A[2]` is the logits $Z^{[2]}$ (the output layer's activation is the identity; the softmax
lives in the cost).
""" + CELLS.format(first="dZ2"),
    SETUP.format(level="softmax") + _SOFTMAX_FORWARD,
    (
        Task("dZ2", "**dZ[2]**: $\\frac1m (\\mathrm{softmax}(Z^{[2]}) - Y)$, the softmax "
             "taken over each column (axis 0: one example's classes). Shape `(2, 400)`.",
             "def dZ2(c, d):\n    " + _J + "    Z = c.Z[2]\n"
             "    P = np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0)\n"
             "    return (P - c.Y) / c.m\n" + _E),
        Task("dW2", "**dW[2]**: $dZ^{[2]} (A^{[1]})^T$. Shape `(2, 4)`.",
             "def dW2(c, d):\n    " + _J + "    return d[\"dZ2\"] @ c.A[1].T\n" + _E),
        Task("db2", "**db[2]**: the sum of $dZ^{[2]}$ over the examples. Shape `(2, 1)`.",
             "def db2(c, d):\n    " + _J
             + "    return d[\"dZ2\"].sum(axis=1, keepdims=True)\n" + _E),
        Task("dA1", "**dA[1]**: $(W^{[2]})^T dZ^{[2]}$. Shape `(4, 400)`.",
             "def dA1(c, d):\n    " + _J + "    return c.W[2].T @ d[\"dZ2\"]\n" + _E),
        Task("dZ1", "**dZ[1]**: $dA^{[1]} \\odot (1 - (A^{[1]})^2)$, tanh's derivative. "
             "Shape `(4, 400)`.",
             "def dZ1(c, d):\n    " + _J
             + "    return d[\"dA1\"] * (1 - c.A[1] ** 2)\n" + _E),
        Task("dW1", "**dW[1]**: $dZ^{[1]} X^T$. Shape `(4, 2)`.",
             "def dW1(c, d):\n    " + _J + "    return d[\"dZ1\"] @ c.X.T\n" + _E),
        Task("db1", "**db[1]**: the sum of $dZ^{[1]}$ over the examples. Shape `(4, 1)`.",
             "def db1(c, d):\n    " + _J
             + "    return d[\"dZ1\"].sum(axis=1, keepdims=True)\n" + _E),
    ),
)
