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
