"""The week 6 part 2 reference (gradient estimators, RBM free energy) against independent oracles:
brute-force sums over the hidden units, exact enumeration, closed-form gradients of Gaussian
expectations and Monte Carlo bounds of 5 standard errors on seeded samples."""

from __future__ import annotations

import math

import pytest
import torch

import solutions.week06_generative1 as solution
from autograder.exercises.week06_generative1 import gradient_estimators as estimators
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


# ------------------------------------------------------------------------- gradient estimators
def _expectation(law: dict, mu: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """E[f(x)], x ~ N(mu, sigma^2), in closed form (curriculum.md 4.3)."""
    k = law.get("k", 0.0)
    return {
        "x^2": lambda: mu**2 + sigma**2,
        "(x - k)^2": lambda: (mu - k) ** 2 + sigma**2,
        "e^x": lambda: torch.exp(mu + sigma**2 / 2),
        "step": lambda: 1 - torch.special.ndtr((k - mu) / sigma),
    }[law["f"]]()


@pytest.mark.parametrize("law", [*estimators.LAWS, estimators.STEP], ids=lambda law: law["f"])
def test_closed_form_gradients_are_autograd_of_the_closed_form_expectations(law):
    mu, sigma = (
        torch.tensor(law[n], dtype=torch.float64, requires_grad=True) for n in ("mu", "sigma")
    )
    expected = torch.autograd.grad(_expectation(law, mu, sigma), (mu, sigma))
    for exact, autograd in zip(estimators.exact_gradient(law), expected, strict=True):
        assert exact == pytest.approx(float(autograd), rel=1e-12)


def _gaussian_samples(law: dict, seed: int, count: int = 10**6):
    eps = torch.randn(count, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    mu, sigma = (torch.tensor(law[n], dtype=torch.float64) for n in ("mu", "sigma"))
    return mu, sigma, eps


@pytest.mark.parametrize("law", estimators.LAWS, ids=lambda law: law["f"])
def test_both_gaussian_estimators_are_unbiased_within_five_standard_errors(law):
    mu, sigma, eps = _gaussian_samples(law, 7)
    exact = torch.tensor(estimators.exact_gradient(law), dtype=torch.float64)
    x = mu + sigma * eps
    f_x, score = estimators.test_function(law)(x), estimators.gaussian_score(eps, law["sigma"])
    terms = {
        "score": f_x[:, None] * score,
        "pathwise": estimators.pathwise_terms(law, eps),
    }
    estimates = {
        "score": ref.score_function_grad(f_x, score),
        "pathwise": torch.stack(ref.pathwise_grad(estimators.test_function(law), mu, sigma, eps)),
    }
    for name, estimate in estimates.items():
        error = terms[name].std(dim=0) / math.sqrt(eps.shape[0])
        assert bool(((estimate - exact).abs() <= 5 * error).all()), (name, estimate, exact)
        torch.testing.assert_close(estimate, terms[name].mean(dim=0), rtol=1e-12, atol=1e-14)


def test_curriculum_variances_pathwise_below_score_and_the_baseline_helps():
    """[verified, n = 1e6, mu = 0.7, sigma = 1.3, f = x^2] per-sample variances: dmu 6.8 (pathwise)
    vs 32.5 (score function), dsigma 15.5 vs 155; the baseline E[f] lowers 32.5 to 20.9."""
    law = estimators.LAWS[0]
    _, _, eps = _gaussian_samples(law, 8)
    pathwise = estimators.pathwise_terms(law, eps).var(dim=0)
    score = estimators.score_terms(law, eps).var(dim=0)
    with_baseline = estimators.score_terms(law, eps, law["mu"] ** 2 + law["sigma"] ** 2).var(0)
    torch.testing.assert_close(
        pathwise, torch.tensor([6.8, 15.5], dtype=torch.float64), rtol=0.03, atol=0
    )
    torch.testing.assert_close(
        score, torch.tensor([32.5, 155.0], dtype=torch.float64), rtol=0.03, atol=0
    )
    assert float(with_baseline[0]) == pytest.approx(20.9, rel=0.03)


def test_pathwise_is_the_finite_difference_of_the_sample_average():
    law = {"f": "sin x", "mu": 0.4, "sigma": 0.9}
    f = estimators.test_function(law)
    mu, sigma, eps = _gaussian_samples(law, 9, 50)
    h = 1e-5

    def average(m, s):
        return float(f(m + s * eps).mean())

    central = (
        (average(mu + h, sigma) - average(mu - h, sigma)) / (2 * h),
        (average(mu, sigma + h) - average(mu, sigma - h)) / (2 * h),
    )
    for estimate, difference in zip(ref.pathwise_grad(f, mu, sigma, eps), central, strict=True):
        assert float(estimate) == pytest.approx(difference, rel=1e-6)


def test_pathwise_of_a_step_function_is_zero():
    mu, sigma, eps = _gaussian_samples(estimators.STEP, 10, 1000)
    dmu, dsigma = ref.pathwise_grad(estimators.test_function(estimators.STEP), mu, sigma, eps)
    assert float(dmu) == 0 and float(dsigma) == 0


def test_score_function_baseline_float_and_tensor_agree_with_a_loop():
    generator = torch.Generator().manual_seed(11)
    f_x = torch.randn(9, generator=generator, dtype=torch.float64)
    score = torch.randn(9, 3, generator=generator, dtype=torch.float64)
    loop = sum((f_x[s] - 0.3) * score[s] for s in range(9)) / 9
    torch.testing.assert_close(ref.score_function_grad(f_x, score, 0.3), loop, rtol=1e-14, atol=0)
    torch.testing.assert_close(
        ref.score_function_grad(f_x, score, torch.tensor(0.3, dtype=torch.float64)),
        loop,
        rtol=1e-14,
        atol=0,
    )


@pytest.mark.parametrize("logit, f0, f1", [(0.4, 1.0, 3.0), (-2.0, 2.5, -1.0)])
def test_bernoulli_estimator_by_counting_and_unbiased(logit, f0, f1):
    theta = torch.tensor(logit, dtype=torch.float64, requires_grad=True)
    p = torch.sigmoid(theta)
    (exact,) = torch.autograd.grad(p * f1 + (1 - p) * f0, theta)  # d/dtheta E[f(x)]
    u = torch.rand(10**6, generator=torch.Generator().manual_seed(12), dtype=torch.float64)
    p = float(p.detach())
    ones = int((u < p).sum())
    by_counting = (ones * f1 * (1 - p) - (u.shape[0] - ones) * f0 * p) / u.shape[0]
    estimate = ref.bernoulli_score_grad(f0, f1, torch.tensor(logit, dtype=torch.float64), u)
    assert float(estimate) == pytest.approx(by_counting, rel=1e-12)
    terms = estimators.bernoulli_terms(f0, f1, torch.tensor(logit, dtype=torch.float64), u)
    assert abs(float(estimate) - float(exact)) <= 5 * float(terms.std()) / 1e3
    assert float(exact) == pytest.approx(p * (1 - p) * (f1 - f0), rel=1e-14)


def test_estimator_solutions_match_the_reference():
    law = estimators.LAWS[1]
    f = estimators.test_function(law)
    mu, sigma, eps = _gaussian_samples(law, 13, 200)
    for mine, theirs in zip(
        solution.pathwise_grad(f, mu, sigma, eps), ref.pathwise_grad(f, mu, sigma, eps), strict=True
    ):
        torch.testing.assert_close(mine, theirs, rtol=1e-13, atol=0)
    f_x, score = f(mu + sigma * eps), estimators.gaussian_score(eps, law["sigma"])
    torch.testing.assert_close(
        solution.score_function_grad(f_x, score, 1.5),
        ref.score_function_grad(f_x, score, 1.5),
        rtol=1e-13,
        atol=1e-15,
    )
    u = torch.rand(200, generator=torch.Generator().manual_seed(14), dtype=torch.float64)
    logit = torch.tensor(0.3, dtype=torch.float64)
    torch.testing.assert_close(
        solution.bernoulli_score_grad(0.5, 2.0, logit, u),
        ref.bernoulli_score_grad(0.5, 2.0, logit, u),
        rtol=1e-13,
        atol=1e-15,
    )
