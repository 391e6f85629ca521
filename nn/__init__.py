"""A small neural-network library on ``autograd_core``, in the documents' notation.

>>> import nn
>>> X, Y = nn.flower()
>>> model = nn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", rng=0)
>>> J = nn.binary_cross_entropy(model(X), Y)
>>> J.backward()
>>> model.Z[1].grad.shape  # dZ[1]
(4, 400)
"""

from . import optim
from .activations import (
    ACTIVATIONS,
    Activation,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    activation,
)
from .data import (
    DATASETS,
    flower,
    load_digits,
    minibatches,
    moons,
    one_hot,
    spirals,
    train_test_split,
    xor,
)
from .layers import INITS, MLP, Linear
from .losses import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, mse
from .module import Module, Sequential
from .serialization import load, save
from .training import DivergenceError, History, NonFiniteLossError, accuracy, fit

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "INITS",
    "MLP",
    "Activation",
    "DivergenceError",
    "History",
    "Identity",
    "LeakyReLU",
    "Linear",
    "Module",
    "NonFiniteLossError",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "accuracy",
    "activation",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "fit",
    "flower",
    "load",
    "load_digits",
    "minibatches",
    "moons",
    "mse",
    "one_hot",
    "optim",
    "save",
    "spirals",
    "train_test_split",
    "xor",
]
