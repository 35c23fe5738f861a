"""Trust tests for the week 2 layers ``Softmax(axis)`` and ``Mean``: the reference (torch and
autograd) and the solution against central finite differences in float64, closed forms written
here in numpy, and each other; ``Mean`` also as the loss of ``Sequential``."""

from __future__ import annotations

import numpy as np
import pytest

import ml4p_ref.week02_mlp_cnn as ref
import solutions.week02_mlp_cnn as sol

pytestmark = pytest.mark.week02

IMPLS = [pytest.param(ref, id="ref"), pytest.param(sol, id="solution")]
RAISE_ALL = {"over": "raise", "invalid": "raise", "divide": "raise"}
FD_TOL = {"rtol": 1e-6, "atol": 1e-8}
CLOSED_FORM_TOL = {"rtol": 1e-12, "atol": 1e-14}
SHAPES_AXES = [((4, 5), -1), ((5, 3), 0), ((2, 4, 3), 1), ((3, 2, 4), -2), ((4, 1), -1)]


def _numerical_grad(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f`` at ``x`` (float64)."""
    x = x.copy()
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        x[idx] = old - h
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Closed form, by explicit normalisation of exp(x - max) along ``axis``."""
    exps = np.exp(x - x.max(axis=axis, keepdims=True))
    return exps / exps.sum(axis=axis, keepdims=True)


# ----------------------------------------------------------------------------------------- Softmax
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("shape, axis", SHAPES_AXES)
def test_softmax_matches_closed_form_and_finite_differences(impl, shape, axis):
    rng = np.random.default_rng(10)
    x, delta = 2 * rng.normal(size=shape), rng.normal(size=shape)
    layer = impl.Softmax(axis=axis)
    y = layer.forward(x)
    np.testing.assert_allclose(y, _softmax(x, axis), **CLOSED_FORM_TOL)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0, **CLOSED_FORM_TOL)
    dx = layer.backward(delta)
    fd = _numerical_grad(lambda v: np.sum(delta * impl.Softmax(axis=axis).forward(v)), x)
    np.testing.assert_allclose(dx, fd, **FD_TOL)
    explicit = y * (delta - (delta * y).sum(axis=axis, keepdims=True))
    np.testing.assert_allclose(dx, explicit, **CLOSED_FORM_TOL)


@pytest.mark.parametrize("impl", IMPLS)
def test_softmax_jacobian_is_diag_y_minus_outer(impl):
    """The full Jacobian of one slice, row by row through backward: diag(y) - y y^T."""
    x = np.array([[0.3, -1.2, 2.0, 0.7]])
    layer = impl.Softmax()
    y = layer.forward(x)[0]
    rows = [layer.backward(np.eye(4)[c][None])[0] for c in range(4)]
    np.testing.assert_allclose(np.array(rows), np.diag(y) - np.outer(y, y), **CLOSED_FORM_TOL)


@pytest.mark.parametrize("impl", IMPLS)
def test_softmax_default_axis_is_last(impl):
    x = np.random.default_rng(11).normal(size=(3, 4))
    np.testing.assert_array_equal(impl.Softmax().forward(x), impl.Softmax(axis=1).forward(x))


@pytest.mark.parametrize("impl", IMPLS)
def test_softmax_extreme_entries_do_not_raise(impl):
    """Rows 1000 apart, a row of all -1000 (1/3 each), and columns near +-1000 along axis 0."""
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]])
    layer = impl.Softmax()
    with np.errstate(**RAISE_ALL):
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    e = np.exp(-1.0)
    expected = [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [1 / (2 + e), 1 / (2 + e), e / (2 + e)]]
    np.testing.assert_allclose(y, expected, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(dx, 0.0, atol=1e-15)  # softmax is invariant to adding a constant
    offsets = np.array([-1000.0, -1000.0, 1000.0, 1000.0, 1000.0])
    columns = np.random.default_rng(12).normal(size=(4, 5)) + offsets
    with np.errstate(**RAISE_ALL):
        y = impl.Softmax(axis=0).forward(columns)
    # each column minus its first entry is O(1), where the plain formula is safe
    plain = np.exp(columns - columns[0])
    np.testing.assert_allclose(y, plain / plain.sum(axis=0), **CLOSED_FORM_TOL)


# ----------------------------------------------------------------------------------------- Mean
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 4), (2, 3, 2, 2), (1, 6), (5, 1)])
def test_mean_matches_closed_form_and_finite_differences(impl, shape):
    rng = np.random.default_rng(13)
    x, delta = rng.normal(size=shape), rng.normal(size=shape[0])
    layer = impl.Mean()
    out = layer.forward(x)
    n_entries = int(np.prod(shape[1:]))
    expected = np.array([sum(x[b].ravel().tolist()) / n_entries for b in range(shape[0])])
    np.testing.assert_allclose(out, expected, **CLOSED_FORM_TOL)
    dx = layer.backward(delta)
    fd = _numerical_grad(lambda v: np.sum(delta * impl.Mean().forward(v)), x)
    np.testing.assert_allclose(dx, fd, **FD_TOL)
    np.testing.assert_allclose(dx.reshape(shape[0], -1).sum(axis=1), delta, **CLOSED_FORM_TOL)


@pytest.mark.parametrize("impl", IMPLS)
def test_mean_is_a_loss_of_sequential(impl):
    """``Sequential(layers, Mean())`` is the mean of every entry of the output; dL/dh = 1/(B F)."""
    rng = np.random.default_rng(14)
    W, b, x = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(5, 3))
    net = impl.Sequential([impl.Linear(W, b)], impl.Mean())
    assert net.forward(x) == pytest.approx(float((x @ W + b).mean()), rel=1e-14)
    np.testing.assert_allclose(net.backward(), np.full((5, 4), 1 / 20) @ W.T, **CLOSED_FORM_TOL)


# ----------------------------------------------------------------------------------------- both
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", ["Softmax", "Mean"])
def test_backward_twice_and_inputs_unmodified(impl, name):
    rng = np.random.default_rng(15)
    x = rng.normal(size=(3, 4))
    delta = rng.normal(size=(3, 4) if name == "Softmax" else 3)
    x_copy, delta_copy = x.copy(), delta.copy()
    layer = getattr(impl, name)()
    layer.forward(x)
    once = layer.backward(delta).copy()
    np.testing.assert_array_equal(layer.backward(delta), once)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(delta, delta_copy)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape, axis", SHAPES_AXES)
def test_solution_matches_reference(seed, shape, axis):
    rng = np.random.default_rng(200 + seed)
    x, delta = 3 * rng.normal(size=shape), rng.normal(size=shape)
    for make in (lambda m: m.Softmax(axis=axis), lambda m: m.Mean()):
        mine, theirs = make(sol), make(ref)
        np.testing.assert_allclose(mine.forward(x), theirs.forward(x), **CLOSED_FORM_TOL)
        upstream = delta if isinstance(mine, sol.Softmax) else delta.reshape(shape[0], -1)[:, 0]
        np.testing.assert_allclose(
            mine.backward(upstream), theirs.backward(upstream), **CLOSED_FORM_TOL
        )
