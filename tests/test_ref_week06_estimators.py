"""The week 6 part 2 reference (gradient estimators, RBM free energy) against independent oracles:
brute-force sums over the hidden units, exact enumeration, closed-form gradients of Gaussian
expectations and Monte Carlo bounds of 5 standard errors on seeded samples."""

from __future__ import annotations

import math

import pytest
import torch

import solutions.week06_generative1 as solution
from autograder.exercises.week06_generative1.rbm import binary_configurations, exact_log_partition
from ml4p_ref import week06_generative1 as ref

pytestmark = pytest.mark.week06


def _random_rbm(seed: int, n_v: int, n_h: int, scale: float = 1.0):
    generator = torch.Generator().manual_seed(seed)

    def draw(*shape: int) -> torch.Tensor:
        return scale * torch.randn(shape, generator=generator, dtype=torch.float64)

    v = (torch.rand(6, n_v, generator=generator) < 0.5).double()
    return v, draw(n_h, n_v), draw(n_v), draw(n_h)


def brute_force_free_energy(v, W, b, c) -> torch.Tensor:
    """-log sum_h e^{-E(v, h)}, E(v, h) = -b.v - c.h - h.W v, over every hidden configuration."""
    h = binary_configurations(W.shape[0])
    minus_energy = (v @ b)[:, None] + (h @ c)[None, :] + v @ W.T @ h.T
    return -torch.logsumexp(minus_energy, dim=1)


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_rbm_free_energy_is_the_sum_over_hidden_units(scale):
    v, W, b, c = _random_rbm(1, 7, 5, scale)
    free_energy = ref.rbm_free_energy(v, W, b, c)
    brute = brute_force_free_energy(v, W, b, c)
    assert free_energy.isfinite().all()
    torch.testing.assert_close(free_energy, brute, rtol=1e-13, atol=1e-13)


def test_rbm_free_energy_float32_with_weights_1e4_is_finite_and_accurate():
    v, W, b, c = _random_rbm(2, 6, 4, 1e4)
    free_energy = ref.rbm_free_energy(v.float(), W.float(), b.float(), c.float())
    assert free_energy.dtype == torch.float32 and free_energy.isfinite().all()
    exact = brute_force_free_energy(*(t.float().double() for t in (v, W, b, c)))
    torch.testing.assert_close(free_energy.double(), exact, rtol=1e-6, atol=0)


def test_rbm_free_energy_gradients_pass_gradcheck():
    inputs = tuple(t.requires_grad_(True) for t in _random_rbm(3, 4, 3))
    assert torch.autograd.gradcheck(ref.rbm_free_energy, inputs)


def test_rbm_free_energies_of_every_visible_configuration_give_the_exact_log_partition():
    _, W, b, c = _random_rbm(4, 6, 4)
    free_energy = ref.rbm_free_energy(binary_configurations(6), W, b, c)
    exact = exact_log_partition(W, b, c)
    assert float(torch.logsumexp(-free_energy, dim=0)) == pytest.approx(exact, rel=1e-13)


def test_rbm_solution_matches_the_reference():
    v, W, b, c = _random_rbm(5, 5, 3)
    torch.testing.assert_close(
        solution.rbm_free_energy(v, W, b, c), ref.rbm_free_energy(v, W, b, c), rtol=1e-13, atol=0
    )


def test_rbm_single_visible_unit_by_hand():
    """n_v = n_h = 1: F(v) = -b v - log(1 + e^{c + w v})."""
    W, b, c = (torch.tensor(x, dtype=torch.float64) for x in ([[0.3]], [0.5], [-0.2]))
    v = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    expected = torch.tensor(
        [-math.log1p(math.exp(-0.2)), -0.5 - math.log1p(math.exp(0.1))], dtype=torch.float64
    )
    torch.testing.assert_close(ref.rbm_free_energy(v, W, b, c), expected, rtol=1e-15, atol=0)
