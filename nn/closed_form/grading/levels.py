"""What each exercise level asks: the three documents' ways of writing the same backward pass.

``rojas`` is Rojas's vectorized summary (A)-(D) on the whole batch (his ``dA``, ``dZ`` carry no
``1/m``; ``dΘ``, ``db`` do), on the section-6 network with cross-entropy. ``zhang`` is Zhang's
per-example ``δ`` recursion, one example at a time, and ``blog`` is the blog's explicit
Jacobians ``diag(f'(z))``, one sample at a time; both documents derive squared error only, so
those two levels use the same network with ``mse``. ``wichmann`` and ``softmax`` are in
``more_levels``, the find-the-bug ``lab`` in ``lab``. Each :class:`Task` is one layer quantity:
the markdown that asks for it and the answer cell, written as nbgrader's source version (the
solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``).
"""

from __future__ import annotations

from .lab import LAB
from .more_levels import SOFTMAX, WICHMANN
from .spec import CELLS, FORWARD_AT, SETUP, Level, Task

ROJAS = Level(
    "rojas", "Rojas's vectorized backprop", "rojas", "binary_cross_entropy",
    """# Backprop yourself, level 1: Rojas's vectorized form

Write the backward pass of Rojas, *Vectorized Back-propagation Derivation* (document 000), in
his notation and with his scaling, for the network of Wichmann's section 6: `[2, 4, 1]`, tanh
then sigmoid, on the 400 flower points, with the cross-entropy cost (2) where
$err\\{a, y\\} = -[y \\log a + (1 - y) \\log(1 - a)]$.

His weights are $\\Theta^{[l]}$ (`c.W[l]`), his activations $\\alpha^{[l]}$. The `1/m` of
$J$ sits only in (A) and (B): his `dA` and `dZ` carry none (they are $m\\,\\partial J/\\partial
A$, $m\\,\\partial J/\\partial Z$), his `dTheta` and `db` are the gradients of $J$ themselves.
""" + CELLS.format(first="dA2"),
    SETUP.format(level="rojas") + FORWARD_AT.format(
        where="Rojas (1)-(3): Z[l] = Θ[l] A[l-1] + b[l], A[l] = α[l](Z[l])"),
    (
        Task("dA2", "**dA[2]**, Rojas (5): $dA^{[2]} = [err'\\{A_i^{[2](c)}, y_i^{(c)}\\}]$, "
             "the derivative of one term of the cost with respect to the output, for every "
             "output and example. No `1/m`. Shape `(1, 400)`, like `A[2]`.",
             "def dA2(c, d):\n    ### BEGIN SOLUTION\n    A, Y = c.A[2], c.Y\n"
             "    return (A - Y) / (A * (1 - A))\n    ### END SOLUTION\n"),
        Task("dZ2", "**dZ[2]**, Rojas (C) (with the prime that (8) shows): from `dA[2]` and "
             "the output activation, the sigmoid. Still no `1/m`. Shape `(1, 400)`.",
             "def dZ2(c, d):\n    ### BEGIN SOLUTION\n"
             "    return d[\"dA2\"] * c.A[2] * (1 - c.A[2])\n    ### END SOLUTION\n"),
        Task("dTheta2", "**dΘ[2]**, Rojas (A): the gradient of $J$ with respect to "
             "$\\Theta^{[2]}$; here the `1/m` comes in. Shape `(1, 4)`, like `c.W[2]`.",
             "def dTheta2(c, d):\n    ### BEGIN SOLUTION\n"
             "    return d[\"dZ2\"] @ c.A[1].T / c.m\n    ### END SOLUTION\n"),
        Task("db2", "**db[2]**, Rojas (B): one value per unit of layer 2, with the `1/m`. "
             "Shape `(1, 1)`, like `c.b[2]`.",
             "def db2(c, d):\n    ### BEGIN SOLUTION\n"
             "    return d[\"dZ2\"].sum(axis=1, keepdims=True) / c.m\n    ### END SOLUTION\n"),
        Task("dA1", "**dA[1]**, Rojas (D): back through $\\Theta^{[2]}$. No `1/m`. Shape "
             "`(4, 400)`, like `A[1]`.",
             "def dA1(c, d):\n    ### BEGIN SOLUTION\n"
             "    return c.W[2].T @ d[\"dZ2\"]\n    ### END SOLUTION\n"),
        Task("dZ1", "**dZ[1]**, Rojas (C) for the hidden layer, whose activation is tanh. "
             "Shape `(4, 400)`.",
             "def dZ1(c, d):\n    ### BEGIN SOLUTION\n"
             "    return d[\"dA1\"] * (1 - c.A[1] ** 2)\n    ### END SOLUTION\n"),
        Task("dTheta1", "**dΘ[1]**, Rojas (A) for layer 1, whose input is $A^{[0]} = X$. "
             "Shape `(4, 2)`, like `c.W[1]`.",
             "def dTheta1(c, d):\n    ### BEGIN SOLUTION\n"
             "    return d[\"dZ1\"] @ c.X.T / c.m\n    ### END SOLUTION\n"),
        Task("db1", "**db[1]**, Rojas (B) for layer 1. Shape `(4, 1)`, like `c.b[1]`.",
             "def db1(c, d):\n    ### BEGIN SOLUTION\n"
             "    return d[\"dZ1\"].sum(axis=1, keepdims=True) / c.m\n    ### END SOLUTION\n"),
    ),
)

_EXAMPLES = "    ### BEGIN SOLUTION\n    for k in range(c.m):  # one example at a time: column k\n"
_SAMPLES = "    ### BEGIN SOLUTION\n    for i in range(c.m):  # one sample at a time: column i\n"

ZHANG = Level(
    "zhang", "Zhang's per-example δ", "zhang", "mse",
    """# Backprop yourself, level 2: Zhang's per-example δ

Write the backward pass of Zhang, *Derivation of the back-propagation algorithm* (document
001), one example $(x, y)$ at a time, with his error terms $\\delta$: the section-6 network
`[2, 4, 1]` (tanh, then sigmoid) on the 400 flower points, with his squared error
$J(W, b; x, y) = \\frac12 \\|y - h\\|^2$, $h = a^{(n_l)}$, for each example.

He counts layers from the output: his $n_l$ is our layer 2, his $n_l - 1$ our layer 1, and his
$W^{(n_l - 1)}_{q \\leftarrow k}$ (from unit $k$ of layer $n_l - 1$ to unit $q$ of layer $n_l$)
is `c.W[2][q, k]`. Column `k` of each array is example `k`: `delta2[:, k]` is his
$\\delta^{(n_l)}$ of example `k`. The cost here, `nn.mse`, is the *mean* of his per-example
cost over the `m` examples, so `dW` and `db` are the means over examples of his per-example
gradients, while `delta` and `sum_W_delta` stay per example ($m\\,\\partial J/\\partial Z$).
Each function starts from `out`, zeros of the right shape: fill it one example at a time
(`for k in range(c.m):`, with `c.A[2][:, k]` the output $h$ of example `k`) and return it.
""" + CELLS.format(first="sum_W_delta2"),
    SETUP.format(level="zhang") + FORWARD_AT.format(
        where="Zhang: z^(l+1) = W^(l) a^(l) + b^(l), a = f(z), per example (columns)"),
    (
        Task("sum_W_delta2", "**$-(y_p - h_p)$** at his output layer $n_l$, the factor of "
             "step 1) that is not the derivative $da_p/dz_p$ (`sum_W_delta` at layer 2). Per "
             "example; shape `(1, 400)`.",
             "def sum_W_delta2(c, d):\n    out = np.zeros_like(c.A[2])\n" + _EXAMPLES
             + "        out[:, k] = -(c.Y[:, k] - c.A[2][:, k])\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("delta2", "**δ at layer $n_l$**, step 1): $\\delta_p^{(n_l)} = -(y_p - h_p)\\, "
             "da_p^{(n_l)}/dz_p^{(n_l)}$, with the sigmoid's derivative. Per example; shape "
             "`(1, 400)`.",
             "def delta2(c, d):\n    out = np.zeros_like(c.Z[2])\n" + _EXAMPLES
             + "        h = c.A[2][:, k]\n"
             "        out[:, k] = d[\"sum_W_delta2\"][:, k] * h * (1 - h)\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("dW2", "**∂J/∂W for our `W[2]`** (his $W^{(n_l - 1)}$), step 3): $\\partial J / "
             "\\partial W_{i \\leftarrow j} = \\delta_i^{(n_l)} a_j^{(n_l - 1)}$ for one example, "
             "then the mean over the `m` examples. Shape `(1, 4)`.",
             "def dW2(c, d):\n    out = np.zeros_like(c.W[2])\n" + _EXAMPLES
             + ""
             "        out += np.outer(d[\"delta2\"][:, k], c.A[1][:, k]) / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("db2", "**∂J/∂b for our `b[2]`**: $\\delta_i^{(n_l)}$ for one example (\"derived "
             "in the same way\"), then the mean over the examples. Shape `(1, 1)`.",
             "def db2(c, d):\n    out = np.zeros_like(c.b[2])\n" + _EXAMPLES
             + "        out[:, 0] += d[\"delta2\"][:, k] / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("sum_W_delta1", "**The bracket of step 2)** at his layer $n_l - 1$: "
             "$\\sum_q W_{q \\leftarrow k}^{(n_l - 1)} \\delta_q^{(n_l)}$ for every unit $k$. "
             "Per example; shape `(4, 400)`.",
             "def sum_W_delta1(c, d):\n    out = np.zeros_like(c.A[1])\n" + _EXAMPLES
             + "        out[:, k] = c.W[2].T @ d[\"delta2\"][:, k]\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("delta1", "**δ at layer $n_l - 1$**, step 2): the bracket times "
             "$da_k/dz_k$ of tanh. Per example; shape `(4, 400)`.",
             "def delta1(c, d):\n    out = np.zeros_like(c.Z[1])\n" + _EXAMPLES
             + ""
             "        out[:, k] = d[\"sum_W_delta1\"][:, k] * (1 - c.A[1][:, k] ** 2)\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("dW1", "**∂J/∂W for our `W[1]`**, step 3) one layer down (its input is $x$), "
             "mean over the examples. Shape `(4, 2)`.",
             "def dW1(c, d):\n    out = np.zeros_like(c.W[1])\n" + _EXAMPLES
             + ""
             "        out += np.outer(d[\"delta1\"][:, k], c.X[:, k]) / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("db1", "**∂J/∂b for our `b[1]`**, mean over the examples. Shape `(4, 1)`.",
             "def db1(c, d):\n    out = np.zeros_like(c.b[1])\n" + _EXAMPLES
             + "        out[:, 0] += d[\"delta1\"][:, k] / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
    ),
)

BLOG = Level(
    "blog", "the blog's explicit Jacobians", "blog", "mse",
    """# Backprop yourself, level 3: the blog's explicit Jacobians

Write the backward pass of *Bro, do you even backprop?* (document 003) with its Jacobians built
as matrices, one sample $x_i$ at a time: the section-6 network `[2, 4, 1]` (tanh, then
sigmoid) on the 400 flower points, with the post's cost
$L = \\frac1N \\sum_{i=1}^N g(\\mathbf{a}^L(\\mathbf{x}_i) - \\mathbf{y}_i)$,
$g(x) = \\frac12 \\|x\\|^2$ (`nn.mse`), so $N$ is `c.m` and $L = 2$.

The post writes $L$ where only one sample's loss $g_i$ makes sense (the entry
`blog-per-sample` in `backprop errata`): $\\mathrm{diag}(f'(\\mathbf{z}^l))$ belongs to one
sample, so run the recursion per sample, build each $\\mathrm{diag}(f'(\\mathbf{z}^l(x_i)))$
with `np.diag`, and average over the $N$ samples only for $\\partial L/\\partial \\mathbf{b}^l$
and $\\partial L/\\partial \\mathbf{W}^l$. `dg_dz2[:, [i]]` is $\\partial g_i / \\partial
\\mathbf{b}^2 = \\partial g_i / \\partial \\mathbf{z}^2$ of sample $i$, a column
($N\\,\\partial L/\\partial Z$ for the whole batch). Each function starts from `out`, zeros
of the right shape: fill it one sample at a time (`for i in range(c.m):`, with
`c.A[2][:, [i]]` the column $\\mathbf{a}^2(\\mathbf{x}_i)$) and return it.
""" + CELLS.format(first="dg_dz2"),
    SETUP.format(level="blog") + FORWARD_AT.format(
        where="The post: z^l = W^l a^(l-1) + b^l, a^l = f(z^l), per sample (columns)"),
    (
        Task("dg_dz2", "**$\\partial g_i/\\partial \\mathbf{b}^2$, the output layer**: "
             "$\\mathrm{diag}(f'(z_1^2), \\dots, f'(z_{n_2}^2))\\,(\\mathbf{a}^2(\\mathbf{x}_i)"
             " - \\mathbf{y}_i)$ for each sample, with the sigmoid's $f'$ built into a diagonal "
             "matrix. Shape `(1, 400)`.",
             "def dg_dz2(c, d):\n    out = np.zeros_like(c.Z[2])\n" + _SAMPLES
             + "        a, y = c.A[2][:, [i]], c.Y[:, [i]]  # columns of sample i\n"
             "        jacobian = np.diag((a * (1 - a))[:, 0])\n"
             "        out[:, [i]] = jacobian @ (a - y)\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("db2", "**$\\partial L/\\partial \\mathbf{b}^2$**: the average over the $N$ samples "
             "of $\\partial g_i/\\partial \\mathbf{b}^2$. Shape `(1, 1)`.",
             "def db2(c, d):\n    out = np.zeros_like(c.b[2])\n" + _SAMPLES
             + "        out += d[\"dg_dz2\"][:, [i]] / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("dW2", "**$\\partial L/\\partial \\mathbf{W}^2$**: per sample "
             "$\\partial g_i/\\partial \\mathbf{b}^2\\, (\\mathbf{a}^1(\\mathbf{x}_i))^T$, "
             "averaged over the samples. Shape `(1, 4)`.",
             "def dW2(c, d):\n    out = np.zeros_like(c.W[2])\n" + _SAMPLES
             + ""
             "        out += d[\"dg_dz2\"][:, [i]] @ c.A[1][:, [i]].T / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("dg_dz1", "**$\\partial g_i/\\partial \\mathbf{b}^1$, an interior layer**: "
             "$\\mathrm{diag}(f'(\\mathbf{z}^1(\\mathbf{x}_i)))\\,(\\mathbf{W}^2)^T\\, "
             "\\partial g_i/\\partial \\mathbf{b}^2$ for each sample, $f$ = tanh, the diagonal "
             "as a matrix. Shape `(4, 400)`.",
             "def dg_dz1(c, d):\n    out = np.zeros_like(c.Z[1])\n" + _SAMPLES
             + "        a = c.A[1][:, [i]]  # a^1(x_i), a column\n"
             "        jacobian = np.diag((1 - a**2)[:, 0])\n"
             "        out[:, [i]] = jacobian @ c.W[2].T @ d[\"dg_dz2\"][:, [i]]\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("db1", "**$\\partial L/\\partial \\mathbf{b}^1$**: the average over the samples. "
             "Shape `(4, 1)`.",
             "def db1(c, d):\n    out = np.zeros_like(c.b[1])\n" + _SAMPLES
             + "        out += d[\"dg_dz1\"][:, [i]] / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
        Task("dW1", "**$\\partial L/\\partial \\mathbf{W}^1$**: per sample with "
             "$\\mathbf{a}^0(\\mathbf{x}_i) = \\mathbf{x}_i$, averaged. Shape `(4, 2)`.",
             "def dW1(c, d):\n    out = np.zeros_like(c.W[1])\n" + _SAMPLES
             + ""
             "        out += d[\"dg_dz1\"][:, [i]] @ c.X[:, [i]].T / c.m\n"
             "    ### END SOLUTION\n    return out\n"),
    ),
)

LEVELS: dict[str, Level] = {level.name: level
                            for level in (ROJAS, ZHANG, BLOG, WICHMANN, SOFTMAX, LAB)}
"""Level name -> :class:`Level`: the three documents in the order of difficulty, Wichmann's Δ
and H, the softmax with cross-entropy, and the find-the-bug lab."""
