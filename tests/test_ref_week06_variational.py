"""Trust tests for the week 6 variational-inference reference (Gaussian KL, reparameterization,
negative ELBO, VAE loss, variational free energy) and for the closed forms its checks grade against.

Oracles: the KL formula written out and numerical quadrature of q ln(q / p); sample moments and
autograd derivatives of the reparameterized samples; quadrature of the linear-Gaussian model's
evidence and ELBO (curriculum.md 6.2); a 2-D quadrature of the Gaussian target's partition
function and ``torch.distributions``' KL between multivariate normals (curriculum.md 4.3); the
verified numbers of curriculum.md 6.2 and 6.3; the VAE loss against its formula written out
and the linear-Gaussian closed form. The last tests compare the instructor solution with
the reference on seeded inputs.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch.distributions import MultivariateNormal, kl_divergence

from autograder.exercises.week06_generative1 import elbo, free_energy
from ml4p_ref import week06_generative1 as ref
from solutions import week06_generative1 as sol

pytestmark = pytest.mark.week06

A, B, S = elbo.MODEL["a"], elbo.MODEL["b"], elbo.MODEL["s"]
MINUS_LN_PI = -1.1447298858494002  # curriculum.md 6.3 [verified]: -ln pi


def _generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _grid(low: float, high: float, points: int = 200001) -> torch.Tensor:
    return torch.linspace(low, high, points, dtype=torch.float64)


# ------------------------------------------------------------------------------ KL
def test_kl_is_the_formula_written_out():
    mu = torch.randn(6, 4, generator=_generator(), dtype=torch.float64)
    logvar = torch.randn(6, 4, generator=_generator(1), dtype=torch.float64)
    by_hand = 0.5 * (mu**2 + torch.exp(logvar) - 1 - logvar).sum(dim=1)
    torch.testing.assert_close(ref.gaussian_kl_std_normal(mu, logvar), by_hand, rtol=1e-13, atol=0)


def test_kl_matches_quadrature_of_q_log_q_over_p():
    mu, logvar = torch.tensor([[0.7]]).double(), torch.tensor([[-0.6]]).double()
    z = _grid(-12, 12)
    log_q = -0.5 * ((z - mu[0, 0]) ** 2 / logvar.exp()[0, 0] + logvar[0, 0] + math.log(2 * math.pi))
    log_p = -0.5 * (z**2 + math.log(2 * math.pi))
    quadrature = torch.trapezoid(log_q.exp() * (log_q - log_p), z)
    assert float(ref.gaussian_kl_std_normal(mu, logvar)) == pytest.approx(float(quadrature), 1e-9)


def test_kl_is_zero_at_the_prior_and_finite_at_extreme_logvar():
    zeros = torch.zeros(2, 3, dtype=torch.float64)
    assert float(ref.gaussian_kl_std_normal(zeros, zeros).abs().max()) == 0.0
    for dtype in (torch.float32, torch.float64):
        logvar = torch.tensor([[30.0, -30.0]], dtype=dtype)
        kl = ref.gaussian_kl_std_normal(torch.zeros_like(logvar), logvar)
        expected = 0.5 * (math.exp(30) - 1 - 30 + math.exp(-30) - 1 + 30)
        assert float(kl) == pytest.approx(expected, rel=1e-6)


# ------------------------------------------------------------------------------ reparameterize
def test_reparameterized_samples_have_the_moments_of_q():
    mu = torch.tensor([[0.3, -1.2]], dtype=torch.float64)
    logvar = torch.tensor([[0.5, -2.0]], dtype=torch.float64)
    eps = torch.randn(200000, 1, 2, generator=_generator(), dtype=torch.float64)
    z = ref.reparameterize(mu, logvar, eps)
    stderr = logvar.exp().sqrt() / math.sqrt(eps.shape[0])
    assert bool(((z.mean(dim=0) - mu).abs() <= 5 * stderr).all())
    torch.testing.assert_close(z.var(dim=0), logvar.exp(), rtol=0.02, atol=0)


def test_reparameterize_gradients_are_the_analytic_ones():
    mu = torch.randn(3, 2, generator=_generator(), dtype=torch.float64, requires_grad=True)
    logvar = torch.randn(3, 2, generator=_generator(1), dtype=torch.float64, requires_grad=True)
    eps = torch.randn(4, 3, 2, generator=_generator(2), dtype=torch.float64)
    d_mu, d_logvar = torch.autograd.grad(ref.reparameterize(mu, logvar, eps).sum(), (mu, logvar))
    torch.testing.assert_close(d_mu, torch.full_like(mu, 4.0), rtol=1e-14, atol=0)
    analytic = (0.5 * (0.5 * logvar).exp() * eps).sum(dim=0)
    torch.testing.assert_close(d_logvar, analytic.detach(), rtol=1e-13, atol=1e-15)


# ------------------------------------------------------------------------------ neg_elbo
def _model(x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor):
    inputs = {"q_mean": mean, "q_logvar": variance.log(), **elbo.MODEL}
    return elbo.model_callables(inputs)


def test_minus_log_evidence_matches_quadrature():
    x = torch.tensor([[0.9]], dtype=torch.float64)
    z = _grid(-15, 15)[:, None, None]
    log_joint, _ = _model(x, x, torch.ones_like(x))
    evidence = torch.trapezoid(log_joint(x, z).exp()[:, 0], z[:, 0, 0])
    exact = elbo.minus_log_evidence(x, A, B, S)
    assert float(exact) == pytest.approx(-math.log(float(evidence)), rel=1e-10)


def test_closed_form_neg_elbo_matches_quadrature():
    x = torch.tensor([[0.9]], dtype=torch.float64)
    mean, variance = torch.tensor([[0.2]]).double(), torch.tensor([[0.35]]).double()
    z = _grid(-15, 15)[:, None, None]
    log_joint, log_q = _model(x, mean, variance)
    integrand = log_q(z, x).exp() * (log_q(z, x) - log_joint(x, z))
    quadrature = torch.trapezoid(integrand[:, 0], z[:, 0, 0])
    closed = elbo.closed_form_neg_elbo(x, mean, variance, A, B, S)
    assert float(closed) == pytest.approx(float(quadrature), rel=1e-9)


def test_exact_posterior_gives_zero_variance():
    """curriculum.md 6.2 [verified]: every sample of Eq. (53) at q* equals -ln p(x) (6e-16)."""
    x = torch.randn(5, 1, generator=_generator(), dtype=torch.float64)
    mean, variance = elbo.exact_posterior(x, A, B, S)
    z = mean + math.sqrt(variance) * torch.randn(200, 5, 1, generator=_generator(1)).double()
    log_joint, log_q = _model(x, mean, torch.full_like(x, variance))
    per_sample = log_q(z, x) - log_joint(x, z)
    exact = elbo.minus_log_evidence(x, A, B, S)
    assert float((per_sample - exact).abs().max()) < 1e-13
    single = ref.neg_elbo(x, z[:1], log_joint, log_q)
    torch.testing.assert_close(single, exact, rtol=1e-13, atol=1e-14)


def test_neg_elbo_monte_carlo_agrees_with_closed_form_and_bounds_evidence():
    x = torch.randn(4, 1, generator=_generator(), dtype=torch.float64)
    mean = torch.randn(4, 1, generator=_generator(1), dtype=torch.float64)
    variance = torch.full_like(x, 0.6)
    z = mean + variance.sqrt() * torch.randn(100000, 4, 1, generator=_generator(2)).double()
    log_joint, log_q = _model(x, mean, variance)
    estimate = ref.neg_elbo(x, z, log_joint, log_q)
    stderr = (log_q(z, x) - log_joint(x, z)).std(dim=0) / math.sqrt(z.shape[0])
    closed = elbo.closed_form_neg_elbo(x, mean, variance, A, B, S)
    assert bool(((estimate - closed).abs() <= 5 * stderr).all())
    assert bool((closed > elbo.minus_log_evidence(x, A, B, S)).all())


# ------------------------------------------------------------------------------ free energy
def test_target_log_z_matches_quadrature_and_is_ln_pi():
    """curriculum.md 4.3: ln Z = (d/2) ln pi - 1/2 ln det A, ln pi for the DL4CSRC target."""
    axis = torch.linspace(-8, 8, 2001, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(axis, axis, indexing="ij"), dim=-1).reshape(-1, 2)
    for beta in (1.0, 2.0):
        weights = torch.exp(-beta * free_energy.target_energy(grid)).reshape(2001, 2001)
        z = torch.trapezoid(torch.trapezoid(weights, axis, dim=1), axis)
        assert free_energy.target_log_z(beta) == pytest.approx(math.log(float(z)), rel=1e-10)
    assert free_energy.target_log_z(1.0) == pytest.approx(-MINUS_LN_PI, rel=1e-14)


def test_gaussian_kl_matches_torch_distributions():
    mean_q, mean_p = torch.tensor([0.3, -0.2]).double(), torch.tensor([0.1, 0.4]).double()
    cov_q = torch.tensor([[0.6, -0.1], [-0.1, 0.3]], dtype=torch.float64)
    cov_p = torch.linalg.inv(4 * free_energy.TARGET)
    expected = kl_divergence(MultivariateNormal(mean_q, cov_q), MultivariateNormal(mean_p, cov_p))
    kl = free_energy.gaussian_kl(mean_q, cov_q, mean_p, cov_p)
    assert kl == pytest.approx(float(expected), rel=1e-12)


def test_exact_sampler_gives_minus_ln_pi_for_every_sample():
    """curriculum.md 6.3 [verified]: per-sample F = -ln pi = -1.1447298858 (spread 9e-16)."""
    cov = torch.linalg.inv(2 * free_energy.TARGET)
    x = (
        torch.randn(1000, 2, generator=_generator(), dtype=torch.float64)
        @ torch.linalg.cholesky(cov).T
    )
    log_q = free_energy.gaussian_log_density(x, torch.zeros(2, dtype=torch.float64), cov)
    energy = free_energy.target_energy(x)
    assert float((log_q + energy - MINUS_LN_PI).abs().max()) < 1e-13
    mean, stderr = ref.variational_free_energy(log_q, energy, 1.0)
    assert float(mean) == pytest.approx(MINUS_LN_PI, rel=1e-13)
    assert abs(float(stderr)) < 1e-14


def test_mismatched_q_free_energy_agrees_with_closed_form():
    mean = torch.tensor([0.3, -0.2], dtype=torch.float64)
    cov = torch.tensor([[0.6, -0.1], [-0.1, 0.3]], dtype=torch.float64)
    x = mean + torch.randn(200000, 2, generator=_generator(), dtype=torch.float64) @ (
        torch.linalg.cholesky(cov).T
    )
    log_q = free_energy.gaussian_log_density(x, mean, cov)
    estimate, stderr = ref.variational_free_energy(log_q, free_energy.target_energy(x), 2.0)
    exact = free_energy.exact_free_energy(mean, cov, 2.0)
    assert abs(float(estimate) - exact) <= 5 * float(stderr)
    assert exact > -free_energy.target_log_z(2.0) / 2.0  # the variational bound


def test_free_energy_stderr_is_the_unbiased_standard_error():
    log_q = torch.randn(7, generator=_generator(), dtype=torch.float64)
    energy = torch.rand(7, generator=_generator(1), dtype=torch.float64)
    per_sample = [float(q) / 0.5 + float(e) for q, e in zip(log_q, energy, strict=True)]
    mean = sum(per_sample) / 7
    std = math.sqrt(sum((f - mean) ** 2 for f in per_sample) / 6)
    got_mean, got_stderr = ref.variational_free_energy(log_q, energy, 0.5)
    assert float(got_mean) == pytest.approx(mean, rel=1e-14)
    assert float(got_stderr) == pytest.approx(std / math.sqrt(7), rel=1e-13)


# ------------------------------------------------------------------------------ vae_loss
def _linear_encoder(weight: torch.Tensor, bias: torch.Tensor, logvar: float):
    return lambda x: (x @ weight + bias, torch.full_like(x @ weight, logvar))


def test_vae_loss_bernoulli_is_the_formula_written_out():
    generator = _generator(4)
    x = (torch.randn(4, 5, generator=generator) > 0).double()
    weight, bias = torch.randn(5, 2, generator=generator).double(), torch.zeros(2).double()
    decoder = torch.randn(2, 5, generator=generator).double()
    eps = torch.randn(3, 4, 2, generator=generator).double()
    enc = _linear_encoder(weight, bias, -0.3)
    mu, _ = enc(x)
    logits = (mu + math.exp(-0.15) * eps) @ decoder
    by_hand = (torch.log1p(torch.exp(logits)) - x * logits).sum(dim=-1).mean(dim=0)
    by_hand = by_hand + 0.5 * (mu**2 + math.exp(-0.3) - 1 + 0.3).sum(dim=-1)
    loss = ref.vae_loss(x, enc, lambda z: z @ decoder, eps, likelihood="bernoulli")
    torch.testing.assert_close(loss, by_hand, rtol=1e-13, atol=0)


def test_vae_loss_bernoulli_is_finite_for_huge_logits():
    x = torch.tensor([[1.0, 0.0, 1.0]], dtype=torch.float32)
    logits = torch.tensor([1e4, 1e4, -1e4])
    loss = ref.vae_loss(
        x,
        lambda x: (torch.zeros(1, 1), torch.zeros(1, 1)),
        lambda z: logits.expand(*z.shape[:-1], 3),
        torch.zeros(2, 1, 1),
    )
    assert float(loss) == pytest.approx(2e4, rel=1e-6)


def test_vae_loss_gaussian_agrees_with_the_closed_form():
    x = torch.tensor([[0.9], [-1.1]], dtype=torch.float64)
    mean = torch.tensor([[0.2], [-0.5]], dtype=torch.float64)
    eps = torch.randn(200000, 2, 1, generator=_generator(5), dtype=torch.float64)
    loss = ref.vae_loss(
        x,
        lambda x: (mean, torch.full_like(x, math.log(0.5))),
        lambda z: A * z + B,
        eps,
        likelihood="gaussian",
        dec_logvar=2 * math.log(S),
    )
    z = mean + math.sqrt(0.5) * eps
    per_sample = 0.5 * ((x - A * z - B) ** 2 / S**2 + math.log(2 * math.pi * S**2))
    stderr = per_sample[..., 0].std(dim=0) / math.sqrt(eps.shape[0])
    closed = elbo.closed_form_neg_elbo(x, mean, torch.full_like(x, 0.5), A, B, S)
    assert bool(((loss - closed).abs() <= 5 * stderr).all())


def test_vae_loss_rejects_an_unknown_likelihood():
    x = torch.zeros(2, 3, dtype=torch.float64)
    enc = _linear_encoder(torch.zeros(3, 1).double(), torch.zeros(1).double(), 0.0)
    with pytest.raises(ValueError):
        ref.vae_loss(x, enc, lambda z: z.expand(*z.shape[:-1], 3), torch.zeros(2, 1).double(), "x")


# ------------------------------------------------------------------------------ solution
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_solution_agrees_with_reference(dtype):
    generator = _generator(3)
    mu, logvar = torch.randn(4, 3, generator=generator).to(dtype), torch.randn(4, 3).to(dtype)
    eps = torch.randn(2, 4, 3, generator=generator).to(dtype)
    torch.testing.assert_close(
        sol.gaussian_kl_std_normal(mu, logvar), ref.gaussian_kl_std_normal(mu, logvar)
    )
    torch.testing.assert_close(
        sol.reparameterize(mu, logvar, eps), ref.reparameterize(mu, logvar, eps)
    )
    log_q, energy = torch.randn(9, generator=generator).to(dtype), torch.rand(9).to(dtype)
    for got, expected in zip(
        sol.variational_free_energy(log_q, energy, 1.7),
        ref.variational_free_energy(log_q, energy, 1.7),
        strict=True,
    ):
        torch.testing.assert_close(got, expected)
    x = torch.randn(4, 1, generator=generator).to(dtype)
    log_joint, log_q_fn = _model(x, mu[:, :1], logvar[:, :1].exp())
    z = torch.randn(5, 4, 1, generator=generator).to(dtype)
    torch.testing.assert_close(
        sol.neg_elbo(x, z, log_joint, log_q_fn), ref.neg_elbo(x, z, log_joint, log_q_fn)
    )
    enc = _linear_encoder(mu[:3, :2], mu[0, :2], -0.2)
    data = (torch.randn(2, 3, generator=generator) > 0).to(dtype)
    noise = torch.randn(5, 2, 2, generator=generator).to(dtype)
    for likelihood, dec_logvar in (("bernoulli", None), ("gaussian", 0.3), ("gaussian", None)):
        options = {"likelihood": likelihood, "dec_logvar": dec_logvar}
        torch.testing.assert_close(
            sol.vae_loss(data, enc, lambda z: z @ logvar[:2], noise, **options),
            ref.vae_loss(data, enc, lambda z: z @ logvar[:2], noise, **options),
        )
