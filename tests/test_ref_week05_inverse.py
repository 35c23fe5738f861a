"""The week 5 inverse Schrodinger reference against independent oracles: the ground state by power
iteration and by numpy's eigh, gradients by gradcheck and by the solution's eigh autograd, the exact
target, shift invariance, the particle in a box, and gradient descent solving the inverse problem."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

import solutions.week05_diffprog as solution
from autograder.case import CaseRng
from autograder.exercises.week05_diffprog.inverse_schrodinger import (
    ground_density,
    inverse_cases,
    kinetic_matrix,
    physical_problem,
    random_problem,
)
from ml4p_ref import week05_diffprog as ref

pytestmark = pytest.mark.week05


def problems() -> list[dict[str, torch.Tensor]]:
    rng = CaseRng(5)
    return [random_problem(rng, n, 0.3) for n in (1, 2, 5)] + [physical_problem(rng, 24)]


def power_iteration_density(V: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """psi0^2 as the dominant eigenvector of sigma 1 - H (sigma a Gershgorin bound above the
    spectrum), found by repeated multiplication, with no eigensolver."""
    hamiltonian = K + torch.diag(V)
    sigma = float((hamiltonian.abs().sum(dim=1) + hamiltonian.diagonal().abs()).max())
    shifted = sigma * torch.eye(len(V), dtype=torch.float64) - hamiltonian
    vector = torch.ones(len(V), dtype=torch.float64)
    for _ in range(5000):
        vector = shifted @ vector
        vector = vector / vector.norm()
    return vector**2


@pytest.mark.parametrize("index", range(4))
def test_reference_equals_power_iteration_and_numpy(index):
    problem = problems()[index]
    V, K, target = problem["V"], problem["K"], problem["target"]
    loss = ref.inverse_schrodinger_loss(V, K, target)
    by_power = ((power_iteration_density(V, K) - target) ** 2).sum()
    _, vectors = np.linalg.eigh((K + torch.diag(V)).numpy())
    by_numpy = ((vectors[:, 0] ** 2 - target.numpy()) ** 2).sum()
    assert float(loss) == pytest.approx(float(by_power), rel=1e-10, abs=1e-14)
    assert float(loss) == pytest.approx(float(by_numpy), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("index", range(4))
def test_reference_gradcheck(index):
    """torch.autograd.gradcheck (float64, central differences) w.r.t. V."""
    problem = problems()[index]
    V = problem["V"].clone().requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda v: ref.inverse_schrodinger_loss(v, problem["K"], problem["target"]), (V,)
    )


@pytest.mark.parametrize("index", range(4))
def test_solution_matches_the_reference(index):
    """The solution (eigh's eigenvector column) and the reference (Hellmann-Feynman) agree on L and
    dL/dV."""
    problem = problems()[index]
    results = []
    for implementation in (solution.inverse_schrodinger_loss, ref.inverse_schrodinger_loss):
        V = problem["V"].clone().requires_grad_(True)
        loss = implementation(V, problem["K"], problem["target"])
        results.append((loss.detach(), torch.autograd.grad(loss, V)[0]))
    (loss, gradient), (expected_loss, expected_gradient) = results
    torch.testing.assert_close(loss, expected_loss, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(gradient, expected_gradient, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("index", range(4))
def test_exact_target_and_shift_invariance(index):
    """L = 0 and dL/dV = 0 at target = psi0(V)^2; L(V + c) = L(V) and sum_i dL/dV_i = 0."""
    problem = problems()[index]
    V, K = problem["V"].clone().requires_grad_(True), problem["K"]
    exact = ground_density(problem)
    loss = ref.inverse_schrodinger_loss(V, K, exact)
    (gradient,) = torch.autograd.grad(loss, V)
    assert abs(float(loss.detach())) <= 1e-28
    assert float(gradient.abs().max()) <= 1e-14
    loss = ref.inverse_schrodinger_loss(V, K, problem["target"])
    shifted = ref.inverse_schrodinger_loss(V.detach() + 2.5, K, problem["target"])
    assert float(shifted) == pytest.approx(float(loss.detach()), rel=1e-12, abs=1e-15)
    (gradient,) = torch.autograd.grad(loss, V)
    assert abs(float(gradient.sum())) <= 1e-12 * max(float(gradient.abs().sum()), 1e-300)


def test_kinetic_matrix_is_the_particle_in_a_box():
    """The grader's kinetic matrix has the closed-form spectrum (1 - cos(k pi / (N + 1))) / h^2,
    which tends to the box's (k pi / L)^2 / 2 for low k."""
    n = 32
    K, x = kinetic_matrix(n)
    spacing = float(x[1] - x[0])
    k = torch.arange(1, n + 1, dtype=torch.float64)
    closed_form = (1 - torch.cos(k * math.pi / (n + 1))) / spacing**2
    torch.testing.assert_close(torch.linalg.eigvalsh(K), closed_form, rtol=1e-12, atol=1e-12)
    box = spacing * (n + 1)
    assert float(closed_form[0]) == pytest.approx((math.pi / box) ** 2 / 2, rel=1e-3)
    assert float(x[0] + x[-1]) == pytest.approx(0.0, abs=1e-12)


def test_graded_problems_have_a_non_degenerate_ground_state():
    """Every case of seeds 0..9: H = K + diag(V) symmetric with a ground-state gap >= 1e-3 (at least
    0.3 outside the small-gap case), and a target density summing to 1."""
    for seed in range(10):
        for case in inverse_cases(CaseRng(seed)):
            V, K, target = (case.inputs[name] for name in ("V", "K", "target"))
            torch.testing.assert_close(K, K.T, rtol=0, atol=0)
            levels = torch.linalg.eigvalsh(K + torch.diag(V))
            gap = float(levels[1] - levels[0]) if len(levels) > 1 else math.inf
            assert gap >= (0.999e-3 if "small gap" in case.label else 0.3), case.label
            assert float(target.sum()) == pytest.approx(1.0, abs=1e-12)
            assert bool((target >= 0).all())


def test_gradient_descent_solves_the_inverse_problem():
    """From V = 0, plain gradient descent on the reference's L drives the density towards the
    ground-state density of a trap (target = psi0(V*)^2), the loss falling at every step."""
    K, x = kinetic_matrix(16)
    target = ground_density({"K": K, "V": x**2 / 2 + 0.3 * torch.sin(1.3 * x)})
    V = torch.zeros(16, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(150):
        loss = ref.inverse_schrodinger_loss(V, K, target)
        (gradient,) = torch.autograd.grad(loss, V)
        losses.append(float(loss.detach()))
        with torch.no_grad():
            V -= 10.0 * gradient
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert losses[-1] < 1e-3 * losses[0]
