"""The blog post's steps, entry by entry: the output-layer Jacobian from e_k and delta_jk, the
first chain rule through the full Jacobian product, the interior recursion per sample, and the
row formula for dL/dw_i^l stacked into dL/dW^l, against autodiff at <= 1e-12 relative (float64)
on the 2-5-4-3-2 network with mse (the post's cost)."""

import numpy as np
import pytest

from nn.closed_form.index_forms import blog

from .autodiff_runs import TOLERANCE, per_example, relative, run

SAMPLES = (0, 101, 399)


def test_output_layer_jacobian_is_the_diagonal_of_f_prime():
    cache = run("B").cache
    for s in SAMPLES:
        fprime = cache.activations[cache.L].derivative(cache.Z[cache.L])[:, s]
        np.testing.assert_array_equal(blog.da_db_output(cache, s), np.diag(fprime))


def test_output_layer_average_is_dL_db_L():
    truth = run("B")
    assert relative(blog.dL_db_output(truth.cache), truth.gradients["db", 4]) <= TOLERANCE


@pytest.mark.parametrize("l", [1, 2, 3, 4])
def test_first_chain_rule_through_the_jacobian_product_is_dL_db(l):
    truth = run("B", 4)
    assert relative(blog.dL_db_chain_rule(truth.cache, l), truth.gradients["db", l]) <= TOLERANCE


def test_interior_recursion_per_sample_is_one_samples_gradient():
    cache = run("B").cache
    for s in SAMPLES:
        truth = per_example("B", s)  # g(a^L(x_s) - y_s) = ½||a^L - y||², mse with m = 1
        for l, value in blog.dg_db_interior(cache, s).items():
            assert relative(value, truth.gradients["db", l]) <= TOLERANCE, (s, l)
    truth = run("B")
    dz = np.hstack([blog.dg_db_interior(truth.cache, s)[2] for s in range(truth.cache.m)])
    assert relative(dz / truth.cache.m, truth.gradients["dZ", 2]) <= TOLERANCE  # N dJ/dZ


@pytest.mark.parametrize("l", [1, 2, 3, 4])
def test_row_formula_both_lines_and_the_stacked_dL_dW(l):
    cache = run("B", 4).cache
    for s in (0, 25, 99):  # of the 100 points kept, point 4s of the data
        truth = per_example("B", s * 4).gradients["dW", l]  # sample s of every 4th point
        for row in range(cache.sizes[l]):
            matrix_line, row_line = blog.dg_dw_row(cache, l, row, s)
            assert relative(matrix_line, truth[row]) <= TOLERANCE, (l, row)
            assert relative(row_line, truth[row]) <= TOLERANCE, (l, row)
    assert relative(blog.dL_dW(cache, l), run("B", 4).gradients["dW", l]) <= TOLERANCE
