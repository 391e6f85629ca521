"""Random shapes and random compositions, checked against NumPy and finite differences."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_core import Tensor, gradcheck

BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b]
NUMPY_BINARY = [np.add, np.subtract, np.multiply, np.divide]


def values(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


@settings(max_examples=60, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
       which=st.integers(0, 3), seed=st.integers(0, 2**16))
def test_broadcasting_binary_ops_match_numpy_and_finite_differences(shapes, which, seed):
    (sa, sb), result_shape = shapes.input_shapes, shapes.result_shape
    a, b = values(sa, seed), values(sb, seed + 1)
    out = BINARY[which](Tensor(a), Tensor(b))
    assert out.shape == result_shape
    np.testing.assert_allclose(out.data, NUMPY_BINARY[which](a, b), rtol=1e-15)
    assert gradcheck(BINARY[which], [Tensor(a, requires_grad=True),
                                     Tensor(b, requires_grad=True)])


# each keeps values moderate, so finite differences stay accurate through any composition
ELEMENTWISE = [
    lambda x: x.tanh(), lambda x: x.sigmoid(), lambda x: x.tanh().exp(),
    lambda x: (x * x + 1.0).log(), lambda x: (x * x + 1.0).sqrt(), lambda x: x.softplus(),
    lambda x: x * 1.5 - 0.5, lambda x: (x.tanh() * 1.5) ** 2, lambda x: 1.0 / (x * x + 1.0),
]
REDUCTIONS = [
    lambda x: x.sum(axis=0, keepdims=True), lambda x: x.mean(axis=-1, keepdims=True),
    lambda x: x.softmax(axis=0), lambda x: x.log_softmax(axis=-1),
    lambda x: x.sum(axis=0, keepdims=True) + x,  # broadcast back against the input
]


@settings(max_examples=60, deadline=None)
@given(shape=hnp.array_shapes(min_dims=2, max_dims=2, max_side=4),
       steps=st.lists(st.tuples(st.booleans(), st.integers(0, 100)), min_size=1, max_size=6),
       seed=st.integers(0, 2**16))
def test_random_compositions_of_elementwise_ops_and_reductions(shape, steps, seed):
    def fn(x):
        for is_reduction, k in steps:
            table = REDUCTIONS if is_reduction else ELEMENTWISE
            x = table[k % len(table)](x)
        return x

    assert gradcheck(fn, [Tensor(values(shape, seed), requires_grad=True)])
