"""Trust tests for the week 4 reference, part 1 (symmetry built into the architecture): closed
forms, exact enumeration (Leibniz, mpmath), central finite differences in float64, exact symmetry
identities, and agreement with the solution."""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import torch

from autograder.nets import TensorMLP
from ml4p_ref import week04_symmetry as reference
from solutions import week04_symmetry as solution

pytestmark = pytest.mark.week04


def draw(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def tanh_mlp(sizes: list[int], seed: int) -> TensorMLP:
    weights = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        weights[f"W{layer}"] = draw(fan_in, fan_out, seed=seed + 2 * layer) / fan_in**0.5
        weights[f"b{layer}"] = 0.1 * draw(fan_out, seed=seed + 2 * layer + 1)
    return TensorMLP(weights)


def orthogonal(dim: int, seed: int) -> torch.Tensor:
    q, r = torch.linalg.qr(draw(dim, dim, seed=seed))
    return q * torch.sign(torch.diagonal(r))


def central_difference(f, x: torch.Tensor, h: float = 1e-5) -> torch.Tensor:
    """d f(x).sum() / dx by central differences, entry by entry (float64)."""
    gradient = torch.zeros_like(x)
    for index in itertools.product(*map(range, x.shape)):
        step = torch.zeros_like(x)
        step[index] = h
        gradient[index] = (f(x + step).sum() - f(x - step).sum()) / (2 * h)
    return gradient


# ----------------------------------------------------------------------------------------- energy
def test_energy_of_a_linear_pair_term_is_the_closed_form():
    """g(d2) = a d2 + b: E = a (n sum_i |x_i|^2 - |sum_i x_i|^2) + b n (n - 1) / 2."""
    x, a, b = draw(4, 5, 3, seed=1), 0.7, -0.3
    n = x.shape[1]
    expected = a * (n * x.square().sum((1, 2)) - x.sum(1).square().sum(-1)) + b * n * (n - 1) / 2
    torch.testing.assert_close(
        reference.invariant_energy(x, lambda d2: a * d2 + b), expected, rtol=1e-13, atol=1e-13
    )


def test_energy_is_half_the_double_sum_over_distinct_pairs():
    x, g = draw(3, 6, 2, seed=2), tanh_mlp([1, 8, 1], seed=3)
    n = x.shape[1]
    double_sum = sum(
        g((x[:, i] - x[:, j]).norm(dim=-1, keepdim=True) ** 2)[:, 0]
        for i in range(n)
        for j in range(n)
        if i != j
    )
    torch.testing.assert_close(
        reference.invariant_energy(x, g), double_sum / 2, rtol=1e-13, atol=1e-14
    )


def test_energy_of_one_particle_is_zero_and_invariant_under_the_euclidean_group():
    g = tanh_mlp([1, 8, 1], seed=4)
    assert torch.equal(reference.invariant_energy(draw(2, 1, 3), g), torch.zeros(2).double())
    x = draw(3, 5, 3, seed=5)
    energy = reference.invariant_energy(x, g)
    for q in (orthogonal(3, 6), -orthogonal(3, 7)):  # det +1 and det -1
        moved = x[:, torch.randperm(5, generator=torch.Generator().manual_seed(8))] @ q + 2.5
        torch.testing.assert_close(
            reference.invariant_energy(moved, g), energy, rtol=1e-12, atol=1e-14
        )


def test_energy_gradient_is_finite_where_particles_coincide():
    x = draw(2, 3, 2, seed=9)
    x[:, 1] = x[:, 0]
    x.requires_grad_(True)
    reference.invariant_energy(x, tanh_mlp([1, 8, 1], seed=10)).sum().backward()
    assert bool(x.grad.isfinite().all())


# ----------------------------------------------------------------------------------------- forces
def test_forces_of_harmonic_springs_are_the_closed_form():
    """E = (k/2) sum_{i<j} |x_i - x_j|^2: F_i = -k (n x_i - sum_j x_j)."""
    x, k = draw(3, 4, 3, seed=11), 1.7
    n = x.shape[1]

    def springs(positions):  # sum_{i<j} |x_i - x_j|^2 = n sum_i |x_i|^2 - |sum_i x_i|^2
        squares = n * positions.square().sum((1, 2)) - positions.sum(1).square().sum(-1)
        return 0.5 * k * squares

    expected = -k * (n * x - x.sum(dim=1, keepdim=True))
    torch.testing.assert_close(reference.forces(x, springs), expected, rtol=1e-13, atol=1e-13)


def test_forces_match_central_differences_of_a_pair_energy():
    x, g = draw(2, 4, 3, seed=12), tanh_mlp([1, 8, 1], seed=13)

    def energy(positions):
        return reference.invariant_energy(positions, g)

    torch.testing.assert_close(
        reference.forces(x, energy), -central_difference(energy, x), rtol=1e-6, atol=1e-8
    )


def test_forces_of_an_invariant_energy_conserve_momentum_and_angular_momentum():
    x, g = draw(3, 6, 3, seed=14), tanh_mlp([1, 8, 1], seed=15)
    force = reference.forces(x, lambda positions: reference.invariant_energy(positions, g))
    scale = force.abs().max()
    assert float(force.sum(dim=1).abs().max()) <= 1e-12 * scale
    torque = torch.linalg.cross(x, force, dim=-1).sum(dim=1)
    assert float(torque.abs().max()) <= 1e-12 * scale * x.abs().max()


def test_forces_stay_differentiable_in_the_energy_parameters():
    """d(sum_i c_i . F_i)/dw by autograd through the reference = central differences in w."""
    x, w = draw(2, 3, 2, seed=16), draw(1, 1, seed=17)
    cotangent = draw(2, 3, 2, seed=18)

    def energy_with(weight):
        return lambda positions: reference.invariant_energy(
            positions, lambda d2: torch.tanh(d2 @ weight)
        )

    w.requires_grad_(True)
    (autograd,) = torch.autograd.grad((reference.forces(x, energy_with(w)) * cotangent).sum(), w)
    h = 1e-6
    with torch.no_grad():
        plus = (reference.forces(x, energy_with(w + h)) * cotangent).sum()
        minus = (reference.forces(x, energy_with(w - h)) * cotangent).sum()
    torch.testing.assert_close(
        autograd, ((plus - minus) / (2 * h)).reshape(1, 1), rtol=1e-6, atol=1e-9
    )


def test_forces_of_a_constant_energy_are_zero():
    x = draw(2, 3, 2, seed=19)
    c = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    for energy in (
        lambda p: c * torch.ones(p.shape[0], dtype=p.dtype),
        lambda p: torch.ones(p.shape[0]).double(),
    ):
        assert torch.equal(reference.forces(x, energy), torch.zeros_like(x))


# ----------------------------------------------------------------------------------------- solution
@pytest.mark.parametrize("n, dim", [(1, 3), (2, 2), (5, 3)])
def test_solution_agrees_with_the_reference(n, dim):
    x, g = draw(3, n, dim, seed=20 + n), tanh_mlp([1, 8, 1], seed=21)
    torch.testing.assert_close(
        solution.invariant_energy(x, g), reference.invariant_energy(x, g), rtol=1e-12, atol=1e-14
    )

    def energy(positions):
        return reference.invariant_energy(positions, g)

    torch.testing.assert_close(
        solution.forces(x, energy), reference.forces(x, energy), rtol=1e-12, atol=1e-14
    )


# ----------------------------------------------------------------------------------------- slater
def permutation_sign(permutation: tuple[int, ...]) -> int:
    """(-1)^(number of inversions)."""
    inversions = sum(
        permutation[a] > permutation[b]
        for a, b in itertools.combinations(range(len(permutation)), 2)
    )
    return -1 if inversions % 2 else 1


def leibniz_determinant(matrix: torch.Tensor) -> float:
    """det M = sum over permutations s of sgn(s) prod_i M[i, s(i)] (exact enumeration)."""
    n = matrix.shape[0]
    return sum(
        permutation_sign(s) * math.prod(float(matrix[i, s[i]]) for i in range(n))
        for s in itertools.permutations(range(n))
    )


def test_slater_matches_the_leibniz_expansion_with_a_particle_per_row():
    x, orbitals = draw(3, 5, 2, seed=30), tanh_mlp([2, 16, 5], seed=31)
    sign, logabs = reference.slater_logdet(orbitals, x)
    for b in range(3):
        matrix = torch.stack([orbitals(x[b, i]) for i in range(5)])  # row i: particle i
        determinant = leibniz_determinant(matrix)
        assert float(sign[b]) == math.copysign(1.0, determinant)
        assert float(logabs[b]) == pytest.approx(math.log(abs(determinant)), rel=1e-12)


def test_slater_of_forty_localized_orbitals_matches_mpmath_where_det_underflows():
    """M = 1e-9 (permutation + small overlaps): det ~ 1e-360, below the smallest float64."""
    generator = torch.Generator().manual_seed(32)
    n = 40
    centres = 3 * torch.randn(n, 3, generator=generator, dtype=torch.float64)
    order = torch.randperm(n, generator=generator)
    x = (centres[order] + 0.05 * torch.randn(n, 3, generator=generator, dtype=torch.float64))[None]

    def orbitals(r):
        return 1e-9 * torch.exp(-(r[..., None, :] - centres).square().sum(-1) / (2 * 0.15**2))

    sign, logabs = reference.slater_logdet(orbitals, x)
    matrix = orbitals(x[0])
    assert float(torch.prod(torch.diagonal(matrix[torch.argsort(order)]))) == 0.0  # underflows
    with mpmath.workdps(60):
        exact = mpmath.det(mpmath.matrix(matrix.tolist()))
    assert float(sign[0]) == (1.0 if exact > 0 else -1.0)
    assert float(logabs[0]) == pytest.approx(float(mpmath.log(abs(exact))), rel=1e-12)


def test_slater_is_antisymmetric_and_vanishes_for_coincident_particles():
    x, orbitals = draw(2, 4, 3, seed=33), tanh_mlp([3, 16, 4], seed=34)
    sign, logabs = reference.slater_logdet(orbitals, x)
    swapped_sign, swapped_logabs = reference.slater_logdet(orbitals, x[:, [1, 0, 2, 3]])
    assert torch.equal(swapped_sign, -sign)
    torch.testing.assert_close(swapped_logabs, logabs, rtol=1e-13, atol=1e-13)
    x[:, 1] = x[:, 0]
    _, logabs = reference.slater_logdet(orbitals, x)
    assert bool((logabs < -25).all())  # |det| <= 1e-12 of an O(1) scale


def test_slater_gradient_matches_central_differences():
    x, orbitals = draw(1, 3, 2, seed=35), tanh_mlp([2, 16, 3], seed=36)

    def logabs(positions):
        return reference.slater_logdet(orbitals, positions)[1]

    x.requires_grad_(True)
    (autograd,) = torch.autograd.grad(logabs(x).sum(), x)
    with torch.no_grad():
        numeric = central_difference(logabs, x.detach())
    torch.testing.assert_close(autograd, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n", [1, 4, 7])
def test_slater_solution_agrees_with_the_reference(n):
    x, orbitals = draw(3, n, 2, seed=37 + n), tanh_mlp([2, 16, n], seed=38)
    expected_sign, expected_logabs = reference.slater_logdet(orbitals, x)
    sign, logabs = solution.slater_logdet(orbitals, x)
    assert torch.equal(sign, expected_sign)
    torch.testing.assert_close(logabs, expected_logabs, rtol=1e-12, atol=1e-13)


# ----------------------------------------------------------------------------------------- egnn
def egnn_nets(features: int = 3, messages: int = 4, seed: int = 40) -> tuple[TensorMLP, ...]:
    return (
        tanh_mlp([2 * features + 1, 8, messages], seed=seed),
        tanh_mlp([messages, 8, 1], seed=seed + 10),
        tanh_mlp([features + messages, 8, features], seed=seed + 20),
    )


def test_egnn_of_two_particles_is_the_closed_form():
    """n = 2: x_0' = x_0 + (x_0 - x_1) phi_x(m_01), h_0' = phi_h(h_0, m_01) + h_0, and i <-> j."""
    x, h = draw(3, 2, 3, seed=41), draw(3, 2, 3, seed=42)
    phi_e, phi_x, phi_h = egnn_nets()
    x_new, h_new = reference.egnn_layer(x, h, phi_e, phi_x, phi_h)
    d2 = (x[:, 0] - x[:, 1]).square().sum(-1, keepdim=True)
    for i, j in ((0, 1), (1, 0)):
        m = phi_e(torch.cat([h[:, i], h[:, j], d2], dim=-1))
        torch.testing.assert_close(
            x_new[:, i], x[:, i] + (x[:, i] - x[:, j]) * phi_x(m), rtol=0, atol=1e-15
        )
        torch.testing.assert_close(
            h_new[:, i], phi_h(torch.cat([h[:, i], m], -1)) + h[:, i], rtol=0, atol=1e-15
        )


def test_egnn_is_equivariant_under_the_euclidean_group_and_permutations():
    x, h = draw(2, 5, 3, seed=43), draw(2, 5, 3, seed=44)
    nets = egnn_nets(seed=45)
    x_new, h_new = reference.egnn_layer(x, h, *nets)
    shift = draw(3, seed=46)
    for q in (orthogonal(3, 47), -orthogonal(3, 48)):  # det +1 and det -1
        moved_x, moved_h = reference.egnn_layer(x @ q + shift, h, *nets)
        assert float((moved_x - (x_new @ q + shift)).abs().max()) <= 1e-13
        assert float((moved_h - h_new).abs().max()) <= 1e-13
    order = torch.randperm(5, generator=torch.Generator().manual_seed(49))
    permuted_x, permuted_h = reference.egnn_layer(x[:, order], h[:, order], *nets)
    assert float((permuted_x - x_new[:, order]).abs().max()) <= 1e-14
    assert float((permuted_h - h_new[:, order]).abs().max()) <= 1e-14


def test_egnn_gradients_are_finite_at_coincident_particles_and_nan_through_a_square_root():
    x, h = draw(1, 3, 2, seed=50), draw(1, 3, 3, seed=51)
    x[:, 1] = x[:, 0]
    x.requires_grad_(True)
    nets = egnn_nets(seed=52)
    sum(out.sum() for out in reference.egnn_layer(x, h, *nets)).backward()
    assert bool(x.grad.isfinite().all())
    distance = (x[0, 0] - x[0, 1]).square().sum().sqrt()  # what the lesson warns about
    (through_sqrt,) = torch.autograd.grad(distance**2, x)
    assert bool(through_sqrt.isnan().any())


def test_egnn_gradient_matches_central_differences():
    x, h = draw(1, 3, 2, seed=53), draw(1, 3, 3, seed=54)
    nets = egnn_nets(seed=55)
    cotangent = draw(1, 3, 2, seed=56)

    def moved(positions):
        return reference.egnn_layer(positions, h, *nets)[0] * cotangent

    x.requires_grad_(True)
    (autograd,) = torch.autograd.grad(moved(x).sum(), x)
    with torch.no_grad():
        numeric = central_difference(moved, x.detach())
    torch.testing.assert_close(autograd, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 2), (2, 3, 2, 3)])
def test_egnn_solution_agrees_with_the_reference(shape):
    x, h = draw(*shape, seed=57), draw(*shape[:-1], 3, seed=58)
    nets = egnn_nets(seed=59)
    for mine, expected in zip(
        solution.egnn_layer(x, h, *nets), reference.egnn_layer(x, h, *nets), strict=True
    ):
        torch.testing.assert_close(mine, expected, rtol=1e-12, atol=1e-14)
