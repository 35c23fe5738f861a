"""Trust tests for the week 7 reference, dynamics part (leapfrog, HMC, Langevin, annealed Langevin,
noising SDEs).

The marginals of ``ml4p_ref.week07_generative2`` are checked against oracles written here: the moment
equations of the SDEs differentiated by autograd (VP: d ln m/dt = -beta(t)/2 and
d std^2/dt = beta(t) (1 - std^2); VE: d std^2/dt = d sigma(t)^2/dt with sigma geometric), the
endpoints, and the identity mean_coeff^2 + std^2 = 1 of curriculum.md 4.3 / 7.8; the Langevin step
against its stationary variance s^2/(1 - eps/(4 s^2)) on a long run of many chains and written out
per sample; the leapfrog step against the harmonic one-step matrix, the exactly conserved modified
energy, an autograd Jacobian (M^T J M = J) and its second-order global error; the HMC step
against the one-step matrix to the power n_leap, the Metropolis test decided by the exactly
conserved modified energy of the harmonic oscillator, and a Gaussian target kept and reached;
annealed Langevin dynamics written out per level and against the exact mean and variance
recursion on Gaussian data (whose fixed point is the ULA variance of curriculum 4.3).
The last tests of each part compare the instructor solution with the reference on seeded
inputs.
"""

from __future__ import annotations

import math

import pytest
import torch

from ml4p_ref import week07_generative2 as ref
from solutions import week07_generative2 as sol

pytestmark = pytest.mark.week07

DTYPES = [pytest.param(torch.float32, id="float32"), pytest.param(torch.float64, id="float64")]
VP_PARAMS = [(0.1, 20.0), (0.5, 5.0)]
VE_PARAMS = [(0.01, 50.0), (0.1, 10.0)]


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Seeded standard normal numbers drawn in float64 on the CPU, then cast."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)


def times(n: int = 7) -> torch.Tensor:
    return torch.linspace(0.02, 1.0, n, dtype=torch.float64)


def vp_coefficient_and_variance(
    t: torch.Tensor, beta_min: float, beta_max: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean coefficient (from x0 = 1) and variance of the reference's VP marginal at t."""
    mean, std = ref.vp_sde_marginal(torch.ones(t.shape[0], 1, dtype=t.dtype), t, beta_min, beta_max)
    return mean[:, 0], std.square()


# --------------------------------------------------------------------------------- VP: oracles
@pytest.mark.parametrize(("beta_min", "beta_max"), VP_PARAMS)
def test_vp_moment_equations(beta_min: float, beta_max: float) -> None:
    t = times().requires_grad_()
    coeff, variance = vp_coefficient_and_variance(t, beta_min, beta_max)
    beta = beta_min + t.detach() * (beta_max - beta_min)
    (d_log_coeff,) = torch.autograd.grad(coeff.log().sum(), t, retain_graph=True)
    (d_variance,) = torch.autograd.grad(variance.sum(), t)
    torch.testing.assert_close(d_log_coeff, -0.5 * beta, rtol=1e-12, atol=0)
    torch.testing.assert_close(d_variance, beta * (1 - variance.detach()), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(("beta_min", "beta_max"), VP_PARAMS)
def test_vp_preserves_variance_and_starts_at_the_data(beta_min: float, beta_max: float) -> None:
    t = torch.cat([torch.zeros(1, dtype=torch.float64), times()])
    coeff, variance = vp_coefficient_and_variance(t, beta_min, beta_max)
    assert (
        float((coeff.square() + variance - 1).abs().max()) <= 2.3e-16
    )  # one ulp of 1, curriculum 7.8
    assert coeff[0] == 1 and variance[0] == 0
    x0 = randn(3, 2, 2, 2, seed=1)
    mean, std = ref.vp_sde_marginal(x0, torch.zeros(3, dtype=torch.float64), beta_min, beta_max)
    assert torch.equal(mean, x0) and torch.equal(std, torch.zeros(3, dtype=torch.float64))


def test_vp_end_point_is_nearly_pure_noise() -> None:
    coeff, variance = vp_coefficient_and_variance(torch.ones(1, dtype=torch.float64), 0.1, 20.0)
    exponent = -0.25 * (20.0 - 0.1) - 0.5 * 0.1  # -5.025
    assert abs(float(coeff[0]) - math.exp(exponent)) <= 1e-16
    assert abs(float(variance[0]) - (1 - math.exp(2 * exponent))) <= 2.3e-16


def test_vp_small_t_in_float32_has_small_relative_error() -> None:
    t = torch.tensor([1e-5, 1e-4, 1e-3], dtype=torch.float64)
    exact = ref.vp_sde_marginal(torch.ones(3, 1, dtype=torch.float64), t)[1]
    single = ref.vp_sde_marginal(torch.ones(3, 1), t.float())[1].double()
    exact_of_single = ref.vp_sde_marginal(
        torch.ones(3, 1, dtype=torch.float64), t.float().double()
    )[1]
    assert float(((single - exact_of_single) / exact).abs().max()) < 1e-6


# --------------------------------------------------------------------------------- VE: oracles
@pytest.mark.parametrize(("sigma_min", "sigma_max"), VE_PARAMS)
def test_ve_log_width_is_linear_with_the_right_ends(sigma_min: float, sigma_max: float) -> None:
    t = times().requires_grad_()
    _, std = ref.ve_sde_marginal(torch.ones(t.shape[0], 1, dtype=t.dtype), t, sigma_min, sigma_max)
    (d_log_std,) = torch.autograd.grad(std.log().sum(), t)
    slope = math.log(sigma_max / sigma_min)
    torch.testing.assert_close(d_log_std, torch.full_like(d_log_std, slope), rtol=1e-12, atol=0)
    ends = torch.tensor([0.0, 1.0], dtype=torch.float64)
    x0 = randn(2, 3, seed=2)
    mean, std_ends = ref.ve_sde_marginal(x0, ends, sigma_min, sigma_max)
    assert torch.equal(mean, x0)
    torch.testing.assert_close(
        std_ends, torch.tensor([sigma_min, sigma_max], dtype=torch.float64), rtol=1e-15, atol=0
    )


# ------------------------------------------------------------------------- solution vs reference
def assert_matches(actual: torch.Tensor, expected: torch.Tensor, dtype: torch.dtype) -> None:
    """Curriculum 2.5, closed forms: rel 1e-12 in float64, 1e-6 in float32."""
    rtol = 1e-12 if dtype == torch.float64 else 1e-6
    torch.testing.assert_close(actual.double(), expected.double(), rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["vp_sde_marginal", "ve_sde_marginal"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 2, 3, 3)])
def test_solution_marginals_match_reference(
    dtype: torch.dtype, name: str, shape: tuple[int, ...]
) -> None:
    x0 = randn(*shape, seed=3, dtype=dtype)
    t = torch.cat(
        [torch.zeros(1), torch.rand(shape[0] - 1, generator=torch.Generator().manual_seed(4))]
    )
    t = t.to(dtype)
    copies = (x0.clone(), t.clone())
    actual = getattr(sol, name)(x0, t)
    expected = getattr(ref, name)(x0.double(), t.double())
    assert torch.equal(x0, copies[0]) and torch.equal(t, copies[1])
    for got, want in zip(actual, expected, strict=True):
        assert got.dtype == dtype and got.shape == want.shape
        assert_matches(got, want, dtype)


# ---------------------------------------------------------------------------- Langevin: oracles
def gaussian_score(mu: float, variance: float):
    return lambda x: -(x - mu) / variance


def test_langevin_chain_reaches_the_discretised_stationary_variance() -> None:
    """Curriculum 7.7 [verified]: s^2 = 1.5, eps = 0.3 gives s^2/(1 - eps/(4 s^2)) = 1.5789."""
    mu, variance, eps = 0.7, 1.5, 0.3
    target = variance / (1 - eps / (4 * variance))
    assert abs(target - 1.5789) < 1e-4
    gen = torch.Generator().manual_seed(5)
    x = mu + math.sqrt(variance) * torch.randn(100_000, generator=gen, dtype=torch.float64)
    for _ in range(25):  # the distance to stationarity shrinks by (1 - eps/(2 s^2))^2 = 0.81 a step
        x = ref.langevin_step(
            x[:, None],
            gaussian_score(mu, variance),
            eps,
            torch.randn(x.shape[0], 1, generator=gen, dtype=torch.float64),
        )[:, 0]
    squares = (x - mu).square()
    standard_error = float(squares.std()) / math.sqrt(x.numel())
    assert abs(float(x.mean()) - mu) <= 5 * math.sqrt(target / x.numel())
    assert abs(float(squares.mean()) - target) <= 5 * standard_error
    assert abs(float(squares.mean()) - variance) > 10 * standard_error  # the bias is resolved


def test_langevin_step_written_out_per_sample() -> None:
    x, noise = randn(4, 2, 3, seed=6), randn(4, 2, 3, seed=7)
    eps = torch.tensor([0.01, 0.1, 0.3, 1.0], dtype=torch.float64)
    score = gaussian_score(0.2, 0.8)
    out = ref.langevin_step(x, score, eps, noise)
    for b in range(4):
        expected = x[b] + eps[b] / 2 * score(x[b]) + math.sqrt(float(eps[b])) * noise[b]
        torch.testing.assert_close(out[b], expected, rtol=1e-15, atol=1e-15)
    float_eps = ref.langevin_step(x, score, 0.1, noise)
    torch.testing.assert_close(
        float_eps,
        ref.langevin_step(x, score, torch.full((4,), 0.1, dtype=torch.float64), noise),
        rtol=0,
        atol=0,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("eps_kind", ["float", "tensor"])
def test_solution_langevin_matches_reference(dtype: torch.dtype, eps_kind: str) -> None:
    x, noise = randn(5, 5, seed=8, dtype=dtype), randn(5, 5, seed=9, dtype=dtype)
    eps = 0.2 if eps_kind == "float" else 0.05 + randn(5, seed=10, dtype=dtype).abs()
    weight = randn(5, 5, seed=11, dtype=dtype)
    score = lambda y: torch.tanh(y @ weight)  # noqa: E731
    copies = (x.clone(), noise.clone())
    actual = sol.langevin_step(x, score, eps, noise)
    assert torch.equal(x, copies[0]) and torch.equal(noise, copies[1])
    eps64 = eps if eps_kind == "float" else eps.double()
    expected = ref.langevin_step(
        x.double(), lambda y: torch.tanh(y @ weight.double()), eps64, noise.double()
    )
    assert actual.dtype == dtype
    assert_matches(actual, expected, dtype)


# ---------------------------------------------------------------------------- leapfrog: oracles
OMEGA, DT = 1.3, 0.1


def anharmonic_force(q: torch.Tensor) -> torch.Tensor:
    """grad V for V = q^4/4 - cos q (curriculum 7.5)."""
    return q**3 + torch.sin(q)


def harmonic_force(q: torch.Tensor) -> torch.Tensor:
    return OMEGA**2 * q


def test_leapfrog_harmonic_one_step_matrix() -> None:
    """Curriculum 7.5 / 4.4 [verified]: the one-step matrix, det 1."""
    q = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    p = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    q_new, p_new = ref.leapfrog_step(q, p, harmonic_force, DT)
    matrix = torch.stack([q_new[:, 0], p_new[:, 0]])
    w2 = OMEGA**2
    expected = torch.tensor(
        [[1 - w2 * DT**2 / 2, DT], [-w2 * DT * (1 - w2 * DT**2 / 4), 1 - w2 * DT**2 / 2]],
        dtype=torch.float64,
    )
    torch.testing.assert_close(matrix, expected, rtol=1e-15, atol=1e-16)
    assert abs(float(torch.linalg.det(matrix)) - 1) < 1e-15


def test_leapfrog_conserves_the_modified_harmonic_energy() -> None:
    """Curriculum 4.4 [verified: 3.3e-14 over 1e5 steps]; here 2000 steps of 8 oscillators."""
    q, p = randn(8, 1, seed=20), randn(8, 1, seed=21)

    def modified_energy(q: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        return p[:, 0] ** 2 / 2 + OMEGA**2 * q[:, 0] ** 2 / 2 * (1 - OMEGA**2 * DT**2 / 4)

    start, worst = modified_energy(q, p), 0.0
    for _ in range(2_000):
        q, p = ref.leapfrog_step(q, p, harmonic_force, DT)
        worst = max(worst, float(((modified_energy(q, p) - start) / start).abs().max()))
    assert worst < 1e-12


def test_leapfrog_is_reversible_and_symplectic() -> None:
    q, p = randn(1, 3, seed=22), randn(1, 3, seed=23)
    inv_mass = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
    q_new, p_new = ref.leapfrog_step(q, p, anharmonic_force, 0.3, inv_mass)
    q_back, p_back = ref.leapfrog_step(q_new, -p_new, anharmonic_force, 0.3, inv_mass)
    torch.testing.assert_close(q_back, q, rtol=0, atol=1e-15)
    torch.testing.assert_close(p_back, -p, rtol=0, atol=1e-15)

    def flat_step(state: torch.Tensor) -> torch.Tensor:
        out = ref.leapfrog_step(state[None, :3], state[None, 3:], anharmonic_force, 0.3)
        return torch.cat([out[0][0], out[1][0]])

    jacobian = torch.autograd.functional.jacobian(flat_step, torch.cat([q[0], p[0]]))
    eye, zero = torch.eye(3, dtype=torch.float64), torch.zeros(3, 3, dtype=torch.float64)
    form = torch.cat([torch.cat([zero, eye], 1), torch.cat([-eye, zero], 1)], 0)
    torch.testing.assert_close(jacobian.T @ form @ jacobian, form, rtol=0, atol=1e-14)
    assert abs(float(torch.linalg.slogdet(jacobian).logabsdet)) < 1e-14


def test_leapfrog_global_error_is_second_order() -> None:
    """Harmonic oscillator from (1, 0) to T = 1: the error against cos/sin shrinks 4x as dt halves."""
    errors = []
    for steps in (50, 100):
        q = torch.ones(1, 1, dtype=torch.float64)
        p = torch.zeros(1, 1, dtype=torch.float64)
        for _ in range(steps):
            q, p = ref.leapfrog_step(q, p, harmonic_force, 1.0 / steps)
        errors.append(abs(float(q[0, 0]) - math.cos(OMEGA)))
    assert 3.8 < errors[0] / errors[1] < 4.2


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inv_mass", ["float", "tensor"])
def test_solution_leapfrog_matches_reference(dtype: torch.dtype, inv_mass: str) -> None:
    q, p = randn(4, 3, seed=24, dtype=dtype), randn(4, 3, seed=25, dtype=dtype)
    mass = 0.8 if inv_mass == "float" else 0.3 + randn(3, seed=26, dtype=dtype).abs()
    copies = (q.clone(), p.clone())
    actual = sol.leapfrog_step(q, p, anharmonic_force, 0.2, mass)
    assert torch.equal(q, copies[0]) and torch.equal(p, copies[1])
    mass64 = mass if inv_mass == "float" else mass.double()
    expected = ref.leapfrog_step(q.double(), p.double(), anharmonic_force, 0.2, mass64)
    for got, want in zip(actual, expected, strict=True):
        assert got.dtype == dtype
        assert_matches(got, want, dtype)


# -------------------------------------------------------------------------------- HMC: oracles
def harmonic_energy(q: torch.Tensor) -> torch.Tensor:
    """V = w^2 |q|^2 / 2 per sample."""
    return OMEGA**2 * q.square().sum(dim=-1) / 2


def harmonic_end_point(q: torch.Tensor, p: torch.Tensor, dt: float, steps: int) -> torch.Tensor:
    """(q*, p*) of n leapfrog steps: the closed-form one-step matrix (curriculum 7.5) to the power n,
    for 1-D states of shape (B, 1)."""
    w2 = OMEGA**2
    one_step = torch.tensor(
        [[1 - w2 * dt**2 / 2, dt], [-w2 * dt * (1 - w2 * dt**2 / 4), 1 - w2 * dt**2 / 2]],
        dtype=torch.float64,
    )
    state = torch.cat([q, p], dim=1).T  # (2, B)
    return torch.linalg.matrix_power(one_step, steps) @ state


def test_hmc_accepting_everything_is_the_power_of_the_one_step_matrix() -> None:
    q, p0 = randn(6, 1, seed=30), randn(6, 1, seed=31)
    log_u = torch.full((6,), -math.inf, dtype=torch.float64)
    q_new, accepted = ref.hmc_step(q, harmonic_energy, 0.3, 7, p0, log_u)
    assert accepted.dtype == torch.bool and bool(accepted.all())
    expected = harmonic_end_point(q, p0, 0.3, 7)[0]
    torch.testing.assert_close(q_new[:, 0], expected, rtol=1e-13, atol=1e-14)


def test_hmc_decision_follows_the_exactly_conserved_modified_energy() -> None:
    """For V = w^2 q^2/2 leapfrog conserves H~ = H - w^4 dt^2 q^2/8 exactly (curriculum 4.4), so
    H(q*, p*) - H(q, p0) = w^4 dt^2 (q*^2 - q^2)/8: the test written out per sample from that."""
    dt, steps = 0.9, 3
    q, p0 = randn(40, 1, seed=32), randn(40, 1, seed=33)
    q_end = harmonic_end_point(q, p0, dt, steps)[0]
    change = OMEGA**4 * dt**2 * (q_end.square() - q[:, 0].square()) / 8
    log_u = torch.rand(40, generator=torch.Generator().manual_seed(34), dtype=torch.float64).log()
    q_new, accepted = ref.hmc_step(q, harmonic_energy, dt, steps, p0, log_u)
    for b in range(40):
        decision = float(log_u[b]) < -float(change[b])
        assert bool(accepted[b]) == decision
        expected = float(q_end[b]) if decision else float(q[b, 0])
        assert abs(float(q_new[b, 0]) - expected) <= 1e-13
    assert 0 < int(accepted.sum()) < 40  # both outcomes occur


def test_hmc_rejecting_everything_returns_q_and_works_under_no_grad() -> None:
    q, p0 = randn(5, 3, seed=35), randn(5, 3, seed=36)
    log_u = torch.full((5,), math.inf, dtype=torch.float64)
    with torch.no_grad():
        q_new, accepted = ref.hmc_step(q, anharmonic_energy, 0.4, 4, p0, log_u)
    assert not bool(accepted.any()) and torch.equal(q_new, q)
    assert not q_new.requires_grad


def anharmonic_energy(q: torch.Tensor) -> torch.Tensor:
    """V = sum(q^4/4 - cos q), whose gradient is ``anharmonic_force``."""
    return (q.pow(4) / 4 - torch.cos(q)).sum(dim=-1)


PRECISION = torch.tensor([[1.0, 0.6], [0.6, 2.5]], dtype=torch.float64)


def gaussian_energy(q: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((q @ PRECISION) * q).sum(dim=-1)


def run_chains(q: torch.Tensor, transitions: int, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    for _ in range(transitions):
        p0 = torch.randn(q.shape, generator=gen, dtype=torch.float64)
        log_u = torch.rand(q.shape[0], generator=gen, dtype=torch.float64).log()
        q, _ = ref.hmc_step(q, gaussian_energy, 0.6, 5, p0, log_u)
    return q


def assert_gaussian_target(states: torch.Tensor) -> None:
    """Means 0 and second moments inv(A) within 5 standard errors."""
    covariance = torch.linalg.inv(PRECISION)
    count = states.shape[0]
    for i in range(2):
        standard_error = float(states[:, i].std()) / math.sqrt(count)
        assert abs(float(states[:, i].mean())) <= 5 * standard_error
        for j in range(2):
            products = states[:, i] * states[:, j]
            standard_error = float(products.std()) / math.sqrt(count)
            assert abs(float(products.mean()) - float(covariance[i, j])) <= 5 * standard_error


def test_hmc_keeps_the_gaussian_target_and_reaches_it() -> None:
    """exp(-V) is invariant (chains drawn from it stay there) and attracting (chains started at a
    point reach it); leapfrog alone, without the test, would not keep it at dt = 0.6."""
    factor = torch.linalg.cholesky(torch.linalg.inv(PRECISION))
    start = randn(20_000, 2, seed=37) @ factor.T
    assert_gaussian_target(run_chains(start, 3, seed=38))
    assert_gaussian_target(run_chains(torch.full((20_000, 2), 2.0, dtype=torch.float64), 15, 39))


@pytest.mark.parametrize("dtype", DTYPES)
def test_solution_hmc_matches_reference(dtype: torch.dtype) -> None:
    q, p0 = randn(8, 3, seed=40, dtype=dtype), randn(8, 3, seed=41, dtype=dtype)
    log_u = torch.rand(8, generator=torch.Generator().manual_seed(42), dtype=torch.float64)
    log_u = log_u.log().to(dtype)
    copies = (q.clone(), p0.clone(), log_u.clone())
    q_new, accepted = sol.hmc_step(q, anharmonic_energy, 0.5, 5, p0, log_u)
    assert all(torch.equal(a, b) for a, b in zip((q, p0, log_u), copies, strict=True))
    expected = ref.hmc_step(q.double(), anharmonic_energy, 0.5, 5, p0.double(), log_u.double())
    assert q_new.dtype == dtype and not q_new.requires_grad
    assert torch.equal(accepted, expected[1])
    # five steps of a stiff force: the grader's float32 tolerance (rtol 1e-5), not a closed form's
    rtol = 1e-12 if dtype == torch.float64 else 1e-5
    torch.testing.assert_close(q_new.double(), expected[0], rtol=rtol, atol=rtol * 1e-1)


# ---------------------------------------------------------------- annealed Langevin: oracles
def smeared_gaussian_score(mu: float, variance: float):
    """The exact score of N(mu, variance) smeared with noise sigma_b: -(x - mu)/(s^2 + sigma^2)."""
    return lambda x, sigma_b: -(x - mu) / (variance + sigma_b[:, None] ** 2)


def test_annealed_langevin_written_out_per_level() -> None:
    sigmas = torch.tensor([2.0, 0.9, 0.3], dtype=torch.float64)
    x, noises = randn(4, 3, seed=50), randn(3, 2, 4, 3, seed=51)
    score = smeared_gaussian_score(0.4, 0.7)
    seen = []

    def recording_score(y: torch.Tensor, sigma_b: torch.Tensor) -> torch.Tensor:
        seen.append(sigma_b.clone())
        return score(y, sigma_b)

    out = ref.annealed_langevin(x, recording_score, sigmas, 2, 0.05, noises)
    expected = x.clone()
    for level, sigma in enumerate([2.0, 0.9, 0.3]):
        alpha = 0.05 * sigma**2 / 0.3**2
        for step in range(2):
            drift = -(expected - 0.4) / (0.7 + sigma**2)
            expected = expected + alpha / 2 * drift + math.sqrt(alpha) * noises[level, step]
    torch.testing.assert_close(out, expected, rtol=1e-14, atol=1e-14)
    assert [tuple(s.shape) for s in seen] == [(4,)] * 6
    assert [float(s[0]) for s in seen] == [2.0, 2.0, 0.9, 0.9, 0.3, 0.3]


def test_annealed_langevin_follows_the_gaussian_moment_recursion() -> None:
    """Data N(mu, s^2): each step maps (m, v) to (m + a (mu - m), (1 - a)^2 v + alpha), a =
    alpha/(2 (s^2 + sigma^2)); its fixed point at one level is curriculum 4.3's ULA variance."""
    from autograder.exercises.week07_generative2.annealed import schedule_moments

    mu, variance, sigmas, steps, eps0 = 0.8, 0.5, [3.0, 1.5, 0.6], 3, 0.05
    inputs = {"mu": mu, "variance": variance, "sigmas": sigmas, "n_steps": steps, "eps0": eps0}
    mean, var = schedule_moments(inputs, -1.0, 4.0)
    x = -1.0 + 2.0 * randn(200_000, 1, seed=52)
    noises = randn(3, steps, 200_000, 1, seed=53)
    sigma_tensor = torch.tensor(sigmas, dtype=torch.float64)
    out = ref.annealed_langevin(
        x, smeared_gaussian_score(mu, variance), sigma_tensor, steps, eps0, noises
    )
    squares = (out - mean).square()
    assert abs(float(out.mean()) - mean) <= 5 * float(out.std()) / math.sqrt(out.numel())
    assert abs(float(squares.mean()) - var) <= 5 * float(squares.std()) / math.sqrt(out.numel())
    # one level run long: s^2 + sigma^2 = 1.5, alpha = 0.3 -> 1.5 / (1 - 0.3/6) = 1.5789 [verified]
    long_run = {"mu": 0.0, "variance": 1.2, "sigmas": [0.3**0.5], "n_steps": 400, "eps0": 0.3}
    assert abs(schedule_moments(long_run, 0.0, 1.0)[1] - 1.5 / (1 - 0.3 / 6)) < 1e-12
    assert abs(1.5 / (1 - 0.3 / 6) - 1.5789) < 1e-4


@pytest.mark.parametrize("dtype", DTYPES)
def test_solution_annealed_langevin_matches_reference(dtype: torch.dtype) -> None:
    sigmas = torch.tensor([1.5, 0.7, 0.2], dtype=dtype)
    x, noises = randn(5, 2, 2, seed=54, dtype=dtype), randn(3, 2, 5, 2, 2, seed=55, dtype=dtype)
    weight = randn(4, 4, seed=56, dtype=dtype)

    def score(y: torch.Tensor, sigma_b: torch.Tensor) -> torch.Tensor:
        flat = torch.tanh(y.reshape(y.shape[0], -1) @ weight.to(y.dtype))
        return flat.reshape(y.shape) / sigma_b[:, None, None]

    copies = (x.clone(), noises.clone(), sigmas.clone())
    actual = sol.annealed_langevin(x, score, sigmas, 2, 0.01, noises)
    assert all(torch.equal(a, b) for a, b in zip((x, noises, sigmas), copies, strict=True))
    expected = ref.annealed_langevin(x.double(), score, sigmas.double(), 2, 0.01, noises.double())
    assert actual.dtype == dtype
    assert_matches(actual, expected, dtype)
