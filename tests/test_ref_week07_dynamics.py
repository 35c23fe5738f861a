"""Trust tests for the week 7 reference, dynamics part (leapfrog, Langevin, noising SDEs).

The marginals of ``ml4p_ref.week07_generative2`` are checked against oracles written here: the moment
equations of the SDEs differentiated by autograd (VP: d ln m/dt = -beta(t)/2 and
d std^2/dt = beta(t) (1 - std^2); VE: d std^2/dt = d sigma(t)^2/dt with sigma geometric), the
endpoints, and the identity mean_coeff^2 + std^2 = 1 of curriculum.md 4.3 / 7.8; the Langevin step
against its stationary variance s^2/(1 - eps/(4 s^2)) on a long run of many chains and written out
per sample; the leapfrog step against the harmonic one-step matrix, the exactly conserved modified
energy, an autograd Jacobian (M^T J M = J) and its second-order global error. The last tests
compare the instructor solution with the reference on seeded inputs.
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
