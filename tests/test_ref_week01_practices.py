"""The week 1 reference (torch's softmax family) against exact arithmetic and the slides' numbers."""

from __future__ import annotations

import math

import mpmath
import pytest
import torch

import solutions.week01_practices as solution
from ml4p_ref import week01_practices as ref

pytestmark = pytest.mark.week01
mpmath.mp.dps = 50


def exact_softmax(row: list[float]) -> list[float]:
    """Softmax of one row in 50-digit arithmetic."""
    exps = [mpmath.exp(mpmath.mpf(v)) for v in row]
    total = mpmath.fsum(exps)
    return [float(e / total) for e in exps]


def exact_logsumexp(row: list[float]) -> float:
    return float(mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in row)))


@pytest.mark.parametrize(
    "logits, expected",
    [([1.0, 2.0, 3.0], [0.0900, 0.2447, 0.6652]), ([2.0, 4.0, 6.0], [0.0159, 0.1173, 0.8668])],
)
def test_softmax_slide_goldens(logits, expected):
    result = ref.softmax(torch.tensor(logits, dtype=torch.float64))
    torch.testing.assert_close(
        result, torch.tensor(expected, dtype=torch.float64), rtol=0, atol=5e-5
    )


def test_softmax_matches_exact_arithmetic_on_random_rows():
    generator = torch.Generator().manual_seed(1)
    z = 10 * torch.randn(5, 7, generator=generator, dtype=torch.float64)
    exact = torch.tensor([exact_softmax(row) for row in z.tolist()], dtype=torch.float64)
    torch.testing.assert_close(ref.softmax(z), exact, rtol=1e-14, atol=1e-300)


def test_softmax_of_far_apart_logits_is_one_hot():
    z = torch.tensor([1e4, 0.0, -1e4], dtype=torch.float32)
    assert torch.equal(ref.softmax(z), torch.tensor([1.0, 0.0, 0.0]))


def test_softmax_masked_entries_are_exactly_zero_and_all_masked_is_nan():
    z = torch.tensor([[0.5, -math.inf, 1.0], [-math.inf] * 3], dtype=torch.float64)
    result = ref.softmax(z)
    assert result[0, 1] == 0 and result[0].sum() == pytest.approx(1, abs=1e-15)
    assert result[1].isnan().all()


def test_softmax_gradient_is_the_softmax_jacobian():
    z = torch.randn(4, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    p = ref.softmax(z)
    jacobian = torch.autograd.functional.jacobian(ref.softmax, z)
    torch.testing.assert_close(jacobian, torch.diag(p) - torch.outer(p, p), rtol=1e-14, atol=1e-16)


def test_logsumexp_matches_exact_arithmetic_including_huge_values():
    rows = [[1.0, 2.0, 3.0], [1e30, 0.0, -1e30], [-5.0, -1e4, 7.5]]
    expected = torch.tensor([exact_logsumexp(r) for r in rows], dtype=torch.float64)
    torch.testing.assert_close(
        ref.logsumexp(torch.tensor(rows, dtype=torch.float64)), expected, rtol=1e-15, atol=0
    )


def test_logsumexp_of_non_finite_slices():
    z = torch.tensor([[-math.inf, -math.inf], [math.inf, 0.0]], dtype=torch.float64)
    assert ref.logsumexp(z).tolist() == [-math.inf, math.inf]
    assert ref.logsumexp(z, keepdim=True).shape == (2, 1)


def test_log_softmax_keeps_tiny_probabilities():
    result = ref.log_softmax(torch.tensor([1e4, 0.0], dtype=torch.float64))
    assert result.tolist() == [0.0, -1e4]


def test_cross_entropy_equals_the_definition_and_one_hot_targets_agree():
    generator = torch.Generator().manual_seed(3)
    logits = 3 * torch.randn(6, 4, generator=generator, dtype=torch.float64)
    labels = torch.randint(4, (6,), generator=generator)
    by_definition = [
        exact_logsumexp(row) - row[c]
        for row, c in zip(logits.tolist(), labels.tolist(), strict=True)
    ]
    torch.testing.assert_close(
        ref.cross_entropy_from_logits(logits, labels, "none"),
        torch.tensor(by_definition, dtype=torch.float64),
        rtol=1e-13,
        atol=0,
    )
    onehot = torch.nn.functional.one_hot(labels, 4).double()
    torch.testing.assert_close(
        ref.cross_entropy_from_logits(logits, onehot),
        ref.cross_entropy_from_logits(logits, labels),
        rtol=1e-15,
        atol=0,
    )
    assert ref.cross_entropy_from_logits(logits, labels.int()) == ref.cross_entropy_from_logits(
        logits, labels
    )


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_batch():
    generator = torch.Generator().manual_seed(4)
    logits = torch.randn(5, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    labels = torch.randint(3, (5,), generator=generator)
    (grad,) = torch.autograd.grad(ref.cross_entropy_from_logits(logits, labels), logits)
    onehot = torch.nn.functional.one_hot(labels, 3).double()
    expected = (torch.softmax(logits.detach(), -1) - onehot) / 5
    torch.testing.assert_close(grad, expected, rtol=0, atol=1e-15)


def test_cross_entropy_of_confidently_wrong_logits_is_large_and_finite():
    logits = torch.tensor([[1e4, 0.0, 0.0]], dtype=torch.float32)
    loss = ref.cross_entropy_from_logits(logits, torch.tensor([1]))
    assert loss.item() == pytest.approx(1e4, rel=1e-6)


@pytest.mark.parametrize("name", ["softmax", "logsumexp", "log_softmax"])
@pytest.mark.parametrize("dtype, tolerance", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_solution_agrees_with_the_reference(name, dtype, tolerance):
    z = 50 * torch.randn(3, 4, 5, generator=torch.Generator().manual_seed(5), dtype=dtype)
    for dim in (0, 1, -1):
        torch.testing.assert_close(
            getattr(solution, name)(z, dim=dim),
            getattr(ref, name)(z, dim=dim),
            rtol=tolerance,
            atol=tolerance * z.abs().max().item(),
        )


# ----------------------------------------------------------------------------------------- bce
def exact_bce(z: float, y: float) -> float:
    """-(y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))), with enough digits that 1 - sigmoid(1e4)
    is not 0 (4400 are needed)."""
    with mpmath.workdps(5000):
        p = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
        return float(-(y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p)))


def test_bce_matches_exact_arithmetic_up_to_logits_of_1e4():
    z = [-1e4, -50.0, -3.0, -0.5, 0.0, 0.7, 4.0, 50.0, 1e4]
    for y in (0.0, 0.3, 1.0):
        expected = torch.tensor([exact_bce(v, y) for v in z], dtype=torch.float64)
        result = ref.bce_with_logits(
            torch.tensor(z, dtype=torch.float64), torch.full((9,), y, dtype=torch.float64)
        )
        # torch returns 0 where the exact loss is 1.9e-22 (z = -50, y = 0): absolute 1e-12
        torch.testing.assert_close(result, expected, rtol=1e-13, atol=1e-12)


def test_bce_of_confident_right_logits_keeps_its_relative_precision():
    z = torch.tensor([40.0, 60.0, 80.0], dtype=torch.float64)
    expected = torch.tensor([exact_bce(v, 1.0) for v in z.tolist()], dtype=torch.float64)
    torch.testing.assert_close(
        ref.bce_with_logits(z, torch.ones_like(z)), expected, rtol=1e-14, atol=0
    )


def test_bce_symmetry_and_gradient_is_sigmoid_minus_label():
    generator = torch.Generator().manual_seed(6)
    z = 5 * torch.randn(20, generator=generator, dtype=torch.float64)
    y = torch.rand(20, generator=generator, dtype=torch.float64)
    ones = torch.ones_like(z)
    torch.testing.assert_close(ref.bce_with_logits(z, ones), ref.bce_with_logits(-z, 0 * ones))
    assert bool((ref.bce_with_logits(z, y) >= 0).all())
    z.requires_grad_(True)
    (grad,) = torch.autograd.grad(ref.bce_with_logits(z, y).sum(), z)
    torch.testing.assert_close(grad, torch.sigmoid(z.detach()) - y, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("dtype, tolerance", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_bce_solution_agrees_with_the_reference(dtype, tolerance):
    generator = torch.Generator().manual_seed(7)
    z = 30 * torch.randn(50, generator=generator, dtype=dtype)
    y = torch.rand(50, generator=generator, dtype=dtype)
    torch.testing.assert_close(
        solution.bce_with_logits(z, y), ref.bce_with_logits(z, y), rtol=tolerance, atol=tolerance
    )


# ----------------------------------------------------------------------------------------- coulomb
def polygon(n: int, radius: float, turn: float = 0.3) -> torch.Tensor:
    angles = turn + 2 * math.pi * torch.arange(n, dtype=torch.float64) / n
    return radius * torch.stack([angles.cos(), angles.sin()], dim=-1)[None]


# curriculum.md 1.5 [verified]: n = 2 at distance 1, n = 3 equilateral, n = 4 square
MINIMA = [
    (2, 0.5, 1.5),
    (3, (math.sqrt(3) / 6) ** (1 / 3), 3.931112091),
    (4, ((2 * math.sqrt(2) + 1) / 8) ** (1 / 3), 7.341782444),
]


@pytest.mark.parametrize("n, radius, energy", MINIMA)
def test_coulomb_reference_at_the_exact_2d_minima(n, radius, energy):
    x = polygon(n, radius).requires_grad_(True)
    value = ref.coulomb_energy(x)
    assert value.item() == pytest.approx(energy, rel=1e-9)
    (forces,) = torch.autograd.grad(value.sum(), x)
    assert forces.abs().max().item() < 1e-12


@pytest.mark.parametrize("n, radius, energy", MINIMA)
def test_coulomb_lbfgs_from_a_perturbed_start_finds_the_minimum(n, radius, energy):
    generator = torch.Generator().manual_seed(n)
    start = polygon(n, radius) + 0.05 * torch.randn(1, n, 2, generator=generator).double()
    x = start.clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS(
        [x], max_iter=200, tolerance_grad=1e-13, line_search_fn="strong_wolfe"
    )

    def closure():
        optimizer.zero_grad()
        value = ref.coulomb_energy(x).sum()
        value.backward()
        return value

    optimizer.step(closure)
    assert ref.coulomb_energy(x).item() == pytest.approx(energy, rel=1e-9)


def test_coulomb_reference_equals_the_double_loop_and_one_particle_is_the_trap():
    generator = torch.Generator().manual_seed(8)
    x = torch.randn(3, 5, 3, generator=generator, dtype=torch.float64)
    loops = [
        sum(1 / math.dist(c[i], c[j]) for i in range(5) for j in range(i + 1, 5))
        + sum(v * v for p in c for v in p)
        for c in x.tolist()
    ]
    torch.testing.assert_close(
        ref.coulomb_energy(x), torch.tensor(loops, dtype=torch.float64), rtol=1e-14, atol=0
    )
    single = torch.randn(4, 1, 2, generator=generator, dtype=torch.float64)
    torch.testing.assert_close(ref.coulomb_energy(single), single.square().sum(dim=(1, 2)))


def test_coulomb_grader_minima_match_the_curriculum():
    from autograder.exercises.week01_practices.coulomb import exact_minimum

    for n, radius, energy in MINIMA:
        assert exact_minimum(n)[0] == pytest.approx(radius, rel=1e-12)
        assert exact_minimum(n)[1] == pytest.approx(energy, rel=1e-9)


@pytest.mark.parametrize("dtype, tolerance", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_coulomb_solution_agrees_with_the_reference(dtype, tolerance):
    x = torch.randn(4, 6, 3, generator=torch.Generator().manual_seed(9), dtype=dtype)
    torch.testing.assert_close(
        solution.coulomb_energy(x), ref.coulomb_energy(x), rtol=tolerance, atol=0
    )


# ----------------------------------------------------------------------------------------- metropolis
def gaussian(beta: float):
    return lambda x: -beta * x.square().flatten(1).sum(dim=1)


def test_metropolis_reference_equals_the_definition_row_by_row():
    generator = torch.Generator().manual_seed(10)
    x = torch.randn(16, 3, 2, generator=generator, dtype=torch.float64)
    noise = torch.randn(16, 3, 2, generator=generator, dtype=torch.float64)
    log_u = torch.rand(16, generator=generator, dtype=torch.float64).log()
    logp = gaussian(0.7)
    x_new, accepted = ref.metropolis_step(x, logp, 0.5, noise, log_u)
    assert accepted.dtype == torch.bool and accepted.shape == (16,)
    assert 0 < int(accepted.sum()) < 16
    for b in range(16):
        proposal = x[b : b + 1] + 0.5 * noise[b : b + 1]
        accept = log_u[b].item() < (logp(proposal) - logp(x[b : b + 1])).item()
        assert bool(accepted[b]) == accept
        assert torch.equal(x_new[b], proposal[0] if accept else x[b])


def test_metropolis_rejects_minus_infinity_even_when_log_u_is_minus_infinity():
    x = torch.zeros(2, 1, dtype=torch.float64)
    noise = torch.tensor([[5.0], [0.1]], dtype=torch.float64)

    def box(states):
        return torch.where(states.abs().squeeze(1) < 1, 0.0, -math.inf)

    x_new, accepted = ref.metropolis_step(x, box, 1.0, noise, torch.full((2,), -math.inf))
    assert accepted.tolist() == [False, True]
    assert x_new.tolist() == [[0.0], [0.1]]


def test_metropolis_chain_has_the_variance_of_the_boltzmann_distribution():
    """H = x^2 at inverse temperature beta: the variance is 1/(2 beta), within 5 standard errors."""
    beta, chains, steps, burn_in = 2.0, 2000, 400, 100
    generator = torch.Generator().manual_seed(11)
    x = torch.zeros(chains, 1, dtype=torch.float64)
    samples = []
    for step in range(steps):
        noise = torch.randn(chains, 1, generator=generator, dtype=torch.float64)
        log_u = torch.rand(chains, generator=generator, dtype=torch.float64).log()
        x, _ = ref.metropolis_step(x, gaussian(beta), 0.9, noise, log_u)
        if step >= burn_in:
            samples.append(x[:, 0])
    squares = torch.stack(samples).square()  # (steps, chains): chains are independent
    per_chain = squares.mean(dim=0)
    standard_error = per_chain.std() / math.sqrt(chains)
    assert abs(per_chain.mean().item() - 1 / (2 * beta)) <= 5 * standard_error.item()


@pytest.mark.parametrize("shape", [(7, 4), (5, 3, 2)])
def test_metropolis_solution_agrees_with_the_reference(shape):
    generator = torch.Generator().manual_seed(12)
    x, noise = (torch.randn(shape, generator=generator, dtype=torch.float64) for _ in range(2))
    log_u = torch.rand(shape[0], generator=generator, dtype=torch.float64).log()
    for ours, theirs in zip(
        solution.metropolis_step(x, gaussian(1.0), 0.8, noise, log_u),
        ref.metropolis_step(x, gaussian(1.0), 0.8, noise, log_u),
        strict=True,
    ):
        assert torch.equal(ours, theirs)
