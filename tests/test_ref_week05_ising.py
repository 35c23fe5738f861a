"""The week 5 Ising references against brute-force sums over every state (plain Python loops),
the closed forms of the infinite chain, Kaufman's exact partition function of finite tori, and the
numbers of curriculum.md (sections 4.1 and 4.2)."""

from __future__ import annotations

import functools
import itertools
import math

import pytest
import torch

import solutions.week05_diffprog as solution
from autograder.exercises.week05_diffprog import ising2d
from autograder.exercises.week05_diffprog.ising_common import K_CRITICAL
from ml4p_ref import week05_diffprog as ref

pytestmark = pytest.mark.week05


def number(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


# ------------------------------------------------------------------------------------- the chain
def chain_lnZ_by_enumeration(beta: float, N: int, J: float, h: float) -> float:
    total = 0.0
    for spins in itertools.product((1, -1), repeat=N):
        bonds = sum(spins[i] * spins[(i + 1) % N] for i in range(N))
        total += math.exp(beta * (J * bonds + h * sum(spins)))
    return math.log(total)


CHAIN_PARAMETERS = [(0.7, 1.0, 0.0), (0.9, -1.3, 0.0), (0.5, 0.8, 0.6), (1.1, -0.6, -0.4)]


@pytest.mark.parametrize("N", [2, 3, 5, 8])
@pytest.mark.parametrize("beta, J, h", CHAIN_PARAMETERS)
def test_chain_reference_equals_enumeration(beta, J, h, N):
    expected = chain_lnZ_by_enumeration(beta, N, J, h)
    for implementation in (ref.ising1d_lnZ, solution.ising1d_lnZ):
        result = float(implementation(number(beta), N, J, h))
        assert result == pytest.approx(expected, rel=1e-12)


def chain_derivatives(beta: float, J: float, h: float, N: int = 400) -> tuple[float, ...]:
    """(e, c, m) per site by autograd of the reference."""
    beta_t, h_t = number(beta).requires_grad_(), number(h).requires_grad_()
    lnZ = ref.ising1d_lnZ(beta_t, N, J, h_t)
    d_beta, d_h = torch.autograd.grad(lnZ, (beta_t, h_t), create_graph=True)
    (dd_beta,) = torch.autograd.grad(d_beta, beta_t)
    d_beta, d_h = d_beta.detach(), d_h.detach()
    return -float(d_beta) / N, beta**2 * float(dd_beta) / N, float(d_h) / (beta * N)


def test_chain_thermodynamics_at_400_sites_are_the_closed_forms():
    energy, heat, _ = chain_derivatives(0.8, 1.0, 0.0)
    assert energy == pytest.approx(-math.tanh(0.8), rel=1e-12)
    assert energy == pytest.approx(-0.66403677, abs=5e-9)
    assert heat == pytest.approx(0.8**2 / math.cosh(0.8) ** 2, rel=1e-10)
    assert heat == pytest.approx(0.35779531, abs=5e-9)
    _, _, magnetization = chain_derivatives(0.8, 1.0, 0.1)
    field, coupling = 0.08, 0.8
    closed = math.sinh(field) / math.sqrt(math.sinh(field) ** 2 + math.exp(-4 * coupling))
    assert magnetization == pytest.approx(closed, rel=1e-10)
    assert magnetization == pytest.approx(0.36871702, abs=5e-9)


def test_chain_strong_coupling_in_float32():
    beta = torch.tensor(100.0, dtype=torch.float32)
    assert float(solution.ising1d_lnZ(beta, 10)) == pytest.approx(1000.693, abs=1e-3)
    assert float(ref.ising1d_lnZ(number(100.0), 10)) == pytest.approx(1000 + math.log(2), rel=1e-14)


def test_open_chain_number_of_the_curriculum():
    """Z_open = 2 (2 cosh K)^{N-1}, N = 6, K = 0.7 (section 4.1), by the same enumeration."""
    total = sum(
        math.exp(0.7 * sum(s[i] * s[i + 1] for i in range(5)))
        for s in itertools.product((1, -1), repeat=6)
    )
    assert math.log(total) == pytest.approx(5.2952342302, abs=1e-10)
    assert math.log(2 * (2 * math.cosh(0.7)) ** 5) == pytest.approx(math.log(total), rel=1e-14)


# -------------------------------------------------------------------------------------- the torus
def torus_states(rows: int, columns: int):
    """(bond sum, magnetization) of every state of a rows x columns torus (plain loops; a side of
    length 2 counts its bonds twice, as torch.roll does)."""
    for flat in itertools.product((1, -1), repeat=rows * columns):
        s = [flat[r * columns : (r + 1) * columns] for r in range(rows)]
        bonds = sum(
            s[r][c] * (s[r][(c + 1) % columns] + s[(r + 1) % rows][c])
            for r in range(rows)
            for c in range(columns)
        )
        yield bonds, sum(flat)


def torus_lnZ_by_loops(beta: float, rows: int, columns: int, J: float, h: float) -> float:
    return math.log(sum(math.exp(beta * (J * b + h * m)) for b, m in torus_states(rows, columns)))


def kaufman_lnZ(K: float, n: int, m: int) -> float:
    """Kaufman (1949): the exact ln Z of the n x m torus at h = 0."""

    def gamma(k: int) -> float:
        if k == 0:
            return 2 * K + math.log(math.tanh(K))
        return math.acosh(math.cosh(2 * K) ** 2 / math.sinh(2 * K) - math.cos(math.pi * k / n))

    odd = [gamma(2 * r + 1) for r in range(n)]
    even = [gamma(2 * r) for r in range(n)]
    terms = [
        math.prod(2 * math.cosh(m * g / 2) for g in odd),
        math.prod(2 * math.sinh(m * g / 2) for g in odd),
        math.prod(2 * math.cosh(m * g / 2) for g in even),
        math.prod(2 * math.sinh(m * g / 2) for g in even),
    ]
    return n * m / 2 * math.log(2 * math.sinh(2 * K)) + math.log(sum(terms) / 2)


@pytest.mark.parametrize("L", [1, 2, 3])
@pytest.mark.parametrize("beta, J, h", [(0.4, 1.0, 0.0), (0.7, -0.8, 0.3), (0.3, 1.2, -0.5)])
def test_enumeration_reference_equals_loops(beta, J, h, L):
    expected = torus_lnZ_by_loops(beta, L, L, J, h)
    assert float(ref.ising2d_lnZ_enumerate(number(beta), L, J, h)) == pytest.approx(
        expected, rel=1e-12
    )


@pytest.mark.parametrize("Lx, Ly", [(1, 1), (3, 1), (1, 3), (2, 2), (3, 2), (2, 3), (4, 3), (3, 4)])
@pytest.mark.parametrize("beta, J, h", [(0.4, 1.0, 0.0), (0.7, -0.8, 0.3)])
def test_transfer_reference_equals_loops(beta, J, h, Lx, Ly):
    expected = torus_lnZ_by_loops(beta, Ly, Lx, J, h)
    result = float(ref.ising2d_lnZ_transfer(number(beta), Lx, Ly, J, h))
    assert result == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("K", [0.1, K_CRITICAL, 0.9])
def test_two_by_two_closed_form(K):
    expected = math.log(2 * math.exp(8 * K) + 12 + 2 * math.exp(-8 * K))
    assert float(ref.ising2d_lnZ_enumerate(number(K), 2)) == pytest.approx(expected, rel=1e-13)
    assert float(ref.ising2d_lnZ_transfer(number(K), 2, 2)) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize(
    "L, expected", [(3, 9.020213400944334), (4, 15.521915458755283), (8, 60.14178078906915)]
)
def test_critical_tori_are_kaufman_and_the_curriculum(L, expected):
    assert kaufman_lnZ(K_CRITICAL, L, L) == pytest.approx(expected, rel=1e-13)
    assert float(ref.ising2d_lnZ_transfer(number(K_CRITICAL), L, L)) == pytest.approx(
        expected, rel=1e-13
    )
    assert ising2d.CRITICAL_LNZ[L] == expected
    if L <= 4:
        enumerated = float(ref.ising2d_lnZ_enumerate(number(K_CRITICAL), L))
        assert enumerated == pytest.approx(expected, rel=1e-13)


def test_kaufman_agrees_off_critical_and_on_rectangles():
    for K, n, m in [(0.3, 3, 4), (0.6, 4, 3), (0.25, 2, 3)]:
        assert kaufman_lnZ(K, n, m) == pytest.approx(torus_lnZ_by_loops(K, n, m, 1.0, 0.0), 1e-12)


def test_four_by_four_in_a_field():
    expected = 18.68205985090807
    assert ising2d.FIELD_LNZ == expected
    beta = number(0.5)
    assert float(ref.ising2d_lnZ_enumerate(beta, 4, 1.0, 0.3)) == pytest.approx(expected, rel=1e-13)
    assert float(ref.ising2d_lnZ_transfer(beta, 4, 4, 1.0, 0.3)) == pytest.approx(
        expected, rel=1e-13
    )


@functools.cache
def boltzmann_averages(beta: float, L: int) -> tuple[float, float, float]:
    """<E>, Var E and <M^2> at h = 0 and J = 1, averaged directly over every state."""
    weights, energies, squares = [], [], []
    for bonds, magnetization in torus_states(L, L):
        weights.append(math.exp(beta * bonds))
        energies.append(-bonds)
        squares.append(magnetization**2)
    Z = math.fsum(weights)
    mean = math.fsum(w * e for w, e in zip(weights, energies, strict=True)) / Z
    variance = math.fsum(w * (e - mean) ** 2 for w, e in zip(weights, energies, strict=True)) / Z
    return mean, variance, math.fsum(w * q for w, q in zip(weights, squares, strict=True)) / Z


@pytest.mark.parametrize("lnZ", [ref.ising2d_lnZ_enumerate, solution.ising2d_lnZ_enumerate])
def test_derivatives_are_boltzmann_averages(lnZ):
    beta = number(0.3).requires_grad_()
    first = torch.autograd.grad(lnZ(beta, 4), beta, create_graph=True)[0]
    second = torch.autograd.grad(first, beta)[0]
    first = first.detach()
    mean, variance, _ = boltzmann_averages(0.3, 4)
    assert -float(first) == pytest.approx(mean, rel=1e-12)
    assert -float(first) == pytest.approx(-13.504865177981, abs=1e-11)
    assert float(second) == pytest.approx(variance, rel=1e-12)
    assert float(second) == pytest.approx(78.398693969, abs=1e-8)
    h = number(0.0).requires_grad_()
    first_h = torch.autograd.grad(lnZ(number(0.5), 4, 1.0, h), h, create_graph=True)[0]
    second_h = torch.autograd.grad(first_h, h)[0]
    *_, square = boltzmann_averages(0.5, 4)
    assert (mean, variance, square) == pytest.approx(
        (ising2d.MEAN_ENERGY, ising2d.ENERGY_VARIANCE, ising2d.MEAN_SQUARED_MAGNETIZATION),
        rel=1e-14,
    )
    assert float(second_h) / 0.5**2 == pytest.approx(square, rel=1e-12)
    assert float(second_h) / 0.5**2 == pytest.approx(222.443950500, abs=1e-8)
