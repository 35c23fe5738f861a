"""The week 5 thermodynamics reference and the grader's partition functions against enumeration,
Boltzmann averages, finite differences and the exact numbers of curriculum.md 4.1, 4.2 and 5.4."""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import torch

import solutions.week05_diffprog as solution
from autograder.exercises.week05_diffprog.partition import (
    CRITICAL_K,
    build_lnZ,
    elliptic_k,
    onsager_energy,
)
from ml4p_ref import week05_diffprog as ref

pytestmark = pytest.mark.week05


def scalar(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


def chain(coupling: float, n_sites: int) -> dict:
    return {"model": "ising1d", "J": scalar(coupling), "n_sites": n_sites}


def chain_energies(coupling: float, n_sites: int) -> torch.Tensor:
    """E(s) = -J sum_i s_i s_{i+1} of every configuration of the periodic chain."""
    states = torch.tensor(list(itertools.product((-1.0, 1.0), repeat=n_sites)), dtype=torch.float64)
    return -coupling * (states * states.roll(1, dims=1)).sum(dim=1)


def boltzmann(energies: torch.Tensor, beta: float, n_sites: int) -> dict[str, float]:
    """f, e, c, s per site from the Boltzmann weights of the listed energies."""
    log_z = float(torch.logsumexp(-beta * energies, dim=0))
    p = torch.softmax(-beta * energies, dim=0)
    mean = float((p * energies).sum())
    variance = float((p * (energies - mean) ** 2).sum())
    return {
        "f": -log_z / (beta * n_sites),
        "e": mean / n_sites,
        "c": beta**2 * variance / n_sites,
        "s": (log_z + beta * mean) / n_sites,
    }


def assert_outputs(result: dict, expected: dict, rtol: float = 1e-12) -> None:
    for key, value in expected.items():
        assert float(result[key]) == pytest.approx(value, rel=rtol, abs=1e-14), key


@pytest.mark.parametrize(
    ("coupling", "n_sites", "beta"), [(1.0, 5, 0.7), (-1.0, 5, 1.1), (0.5, 8, 1.3), (-1.2, 3, 0.4)]
)
def test_chain_matches_enumeration(coupling, n_sites, beta):
    result = ref.thermodynamics(build_lnZ(chain(coupling, n_sites)), scalar(beta), n_sites)
    assert_outputs(result, boltzmann(chain_energies(coupling, n_sites), beta, n_sites))


def test_long_chain_matches_the_thermodynamic_limit():
    """curriculum.md 4.1: K = 0.8 gives e = -0.66403677, c = 0.35779531 [verified]."""
    result = ref.thermodynamics(build_lnZ(chain(1.0, 400)), scalar(0.8), 400)
    assert float(result["e"]) == pytest.approx(-math.tanh(0.8), rel=1e-14)
    assert float(result["c"]) == pytest.approx(0.8**2 / math.cosh(0.8) ** 2, rel=1e-13)
    assert float(result["e"]) == pytest.approx(-0.66403677, abs=5e-9)
    assert float(result["c"]) == pytest.approx(0.35779531, abs=5e-9)


def test_levels_match_boltzmann_averages():
    energies = torch.tensor([-1.3, 0.2, 0.5, 2.0], dtype=torch.float64)
    inputs = {"model": "levels", "energies": energies, "n_sites": 3}
    result = ref.thermodynamics(build_lnZ(inputs), scalar(0.9), 3)
    assert_outputs(result, boltzmann(energies, 0.9, 1))


def mpmath_energy(coupling: float) -> float:
    two_k = mpmath.mpf(2) * coupling
    k = 2 * mpmath.sinh(two_k) / mpmath.cosh(two_k) ** 2
    bracket = 1 + (2 / mpmath.pi) * (2 * mpmath.tanh(two_k) ** 2 - 1) * mpmath.ellipk(k**2)
    return float(-bracket / mpmath.tanh(two_k))


@pytest.mark.parametrize(
    ("coupling", "verified"), [(0.3, -0.70449907), (CRITICAL_K, -math.sqrt(2)), (0.6, -1.90908618)]
)
def test_onsager_energy_by_autograd(coupling, verified):
    """curriculum.md 5.4: u(K_c) = -sqrt 2, u(0.3) = -0.70449907, u(0.6) = -1.90908618."""
    inputs = {"model": "onsager", "n_sites": 16}
    energy = float(ref.thermodynamics(build_lnZ(inputs), scalar(coupling), 16)["e"])
    assert energy == pytest.approx(verified, abs=5e-9)
    assert energy == pytest.approx(onsager_energy(coupling), rel=1e-13)
    if coupling != CRITICAL_K:
        assert onsager_energy(coupling) == pytest.approx(mpmath_energy(coupling), rel=1e-14)


def test_onsager_free_energy_at_the_critical_point():
    """ln Z / N at K_c = ln 2 / 2 + 2G / pi = 0.9296953983 (midpoint rule: error O(1/nodes^2))."""
    inputs = {"model": "onsager", "n_sites": 1}
    log_z = float(build_lnZ(inputs)(scalar(CRITICAL_K)))
    exact = math.log(2) / 2 + 2 * float(mpmath.catalan) / math.pi
    assert exact == pytest.approx(0.9296953983, abs=1e-10)
    assert log_z == pytest.approx(exact, abs=1e-4)


def test_elliptic_k_matches_mpmath():
    for k in (0.1, 0.5, 0.9, 0.999):
        assert elliptic_k(k) == pytest.approx(float(mpmath.ellipk(k * k)), rel=1e-14)


def test_outputs_are_differentiable_in_the_coupling():
    """d(output)/dJ by autograd through the reference equals central differences of the reference."""
    coupling, beta, n_sites, step = 0.7, 0.9, 6, 1e-5

    def outputs(value: torch.Tensor) -> torch.Tensor:
        result = ref.thermodynamics(build_lnZ(chain(0.0, n_sites) | {"J": value}), scalar(beta), 6)
        return torch.stack([result[key] for key in ("f", "e", "c", "s")])

    leaf = scalar(coupling).requires_grad_(True)
    values = outputs(leaf)
    by_autograd = torch.stack([torch.autograd.grad(v, leaf, retain_graph=True)[0] for v in values])
    central = (outputs(scalar(coupling + step)) - outputs(scalar(coupling - step))) / (2 * step)
    torch.testing.assert_close(by_autograd, central, rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------------------------------------- ground state
def random_symmetric(n: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(n, n, generator=generator, dtype=torch.float64)
    return (matrix + matrix.T) / 2


def gauge_invariant(matrix: torch.Tensor) -> torch.Tensor:
    """(lambda0, v0^2) of the reference, as one vector."""
    lambda0, v0 = ref.GroundState.apply(matrix)
    return torch.cat([lambda0[None], v0 * v0])


@pytest.mark.parametrize("n", [1, 2, 5])
def test_ground_state_gradcheck(n):
    """torch.autograd.gradcheck (float64, central differences) on the symmetrized input."""
    matrix = random_symmetric(n, seed=n).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x: gauge_invariant((x + x.T) / 2), (matrix,))


def test_ground_state_is_the_lowest_eigenpair():
    matrix = random_symmetric(6, seed=3)
    lambda0, v0 = ref.GroundState.apply(matrix)
    assert float(lambda0) == pytest.approx(float(torch.linalg.eigvalsh(matrix).min()), abs=1e-13)
    torch.testing.assert_close(matrix @ v0, lambda0 * v0, rtol=0, atol=1e-13)
    assert float(v0.norm()) == pytest.approx(1.0, abs=1e-14)


def test_ground_state_gradient_is_perturbation_theory():
    """d lambda0 / dA = v0 v0^T (first-order perturbation theory), and the gradient of v0^2
    agrees with central differences along symmetric directions."""
    matrix = random_symmetric(5, seed=7).requires_grad_(True)
    lambda0, v0 = ref.GroundState.apply(matrix)
    (grad_lambda,) = torch.autograd.grad(lambda0, matrix, retain_graph=True)
    torch.testing.assert_close(grad_lambda, torch.outer(v0, v0).detach(), rtol=0, atol=1e-13)
    weights = torch.linspace(-1, 1, 5, dtype=torch.float64)
    (grad_squares,) = torch.autograd.grad((v0 * v0 * weights).sum(), matrix)
    direction, step = random_symmetric(5, seed=8), 1e-6

    def objective(x: torch.Tensor) -> float:
        _, vector = ref.GroundState.apply(x)
        return float((vector * vector * weights).sum())

    base = matrix.detach()
    central = (objective(base + step * direction) - objective(base - step * direction)) / (2 * step)
    assert float((grad_squares * direction).sum()) == pytest.approx(central, rel=1e-6)


def test_solution_matches_the_reference_for_the_gauge_invariant_loss():
    """curriculum.md 5.5: the hand-written backward equals eigh's autograd on
    lambda0 + sum |v0^2 - t^2| (measured 5.6e-17)."""
    target = torch.linspace(0.1, 0.5, 6, dtype=torch.float64)
    grads = []
    for implementation in (solution.GroundState, ref.GroundState):
        matrix = random_symmetric(6, seed=11).requires_grad_(True)
        lambda0, v0 = implementation.apply(matrix)
        loss = lambda0 + (v0 * v0 - target * target).abs().sum()
        grads.append(torch.autograd.grad(loss, matrix)[0])
    torch.testing.assert_close(grads[0], grads[1], rtol=0, atol=1e-14)


def test_ground_state_backward_is_eighs_own_autograd_away_from_degeneracies():
    target = torch.linspace(0.1, 0.5, 6, dtype=torch.float64)
    grads = []
    for pair in (ref.GroundState.apply, _eigh_ground_pair):
        matrix = random_symmetric(6, seed=13).requires_grad_(True)
        lambda0, v0 = pair(matrix)
        grads.append(torch.autograd.grad(lambda0 + (v0 * v0 * target).sum(), matrix)[0])
    torch.testing.assert_close(grads[0], grads[1], rtol=0, atol=1e-13)


def test_ground_state_gradient_is_finite_and_right_with_degenerate_excited_states():
    """lambda_2 = lambda_3 exactly: eigh's own backward divides by zero there, the ground state's
    derivative does not (it needs only the gap above lambda0)."""
    basis, _ = torch.linalg.qr(random_symmetric(5, seed=21))
    spectrum = torch.tensor([-1.0, 0.5, 1.5, 1.5, 2.5], dtype=torch.float64)
    matrix = (basis * spectrum) @ basis.T
    weights = torch.linspace(-1, 1, 5, dtype=torch.float64)
    leaf = matrix.clone().requires_grad_(True)
    _, v0 = ref.GroundState.apply(leaf)
    (grad,) = torch.autograd.grad((v0 * v0 * weights).sum(), leaf)
    assert bool(grad.isfinite().all())
    direction, step = random_symmetric(5, seed=22), 1e-6

    def objective(x: torch.Tensor) -> float:
        _, vector = ref.GroundState.apply(x)
        return float((vector * vector * weights).sum())

    central = (objective(matrix + step * direction) - objective(matrix - step * direction)) / (
        2 * step
    )
    assert float((grad * direction).sum()) == pytest.approx(central, rel=1e-6)


def _eigh_ground_pair(matrix: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    eigenvalues, eigenvectors = torch.linalg.eigh((matrix + matrix.T) / 2)
    return eigenvalues[0], eigenvectors[:, 0]
