"""The week 4 references of part 2 (averaging over a group) against closed forms, explicit
enumerations of the group and set-based counts."""

from __future__ import annotations

import pytest
import torch

from ml4p_ref import week04_symmetry as ref

pytestmark = pytest.mark.week04


# ----------------------------------------------------------------------------------------- z2
def polynomial(x: torch.Tensor) -> torch.Tensor:
    """f(x) = sum_k (x_k^3 + 2 x_k^2 + x_k + 1), whose even part is sum_k (2 x_k^2 + 1)."""
    return (x**3 + 2 * x**2 + x + 1).flatten(1).sum(dim=1)


def test_z2_symmetrize_is_the_even_part_of_a_polynomial():
    x = torch.randn(5, 3, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    g = ref.z2_symmetrize(polynomial)
    expected = (2 * x**2 + 1).flatten(1).sum(dim=1)
    torch.testing.assert_close(g(x), expected, rtol=1e-14, atol=1e-14)
    assert torch.equal(g(-x), g(x))


def test_z2_symmetrize_gradient_is_that_of_the_even_part():
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    x.requires_grad_(True)
    (gradient,) = torch.autograd.grad(ref.z2_symmetrize(polynomial)(x).sum(), x)
    torch.testing.assert_close(gradient, 4 * x.detach(), rtol=1e-14, atol=1e-14)


def test_z2_symmetrize_is_a_projection():
    """An even f comes back unchanged, an odd f gives zero, and symmetrizing twice changes nothing."""
    x = torch.randn(6, 4, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    weights = torch.randn(4, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64)

    def even(v):
        return torch.cosh(v @ weights)

    def odd(v):
        return torch.sinh(v @ weights)

    torch.testing.assert_close(ref.z2_symmetrize(even)(x), even(x), rtol=1e-15, atol=0)
    torch.testing.assert_close(
        ref.z2_symmetrize(odd)(x), torch.zeros(6, 3).double(), rtol=0, atol=1e-14
    )
    once = ref.z2_symmetrize(torch.exp)
    torch.testing.assert_close(ref.z2_symmetrize(once)(x), torch.cosh(x), rtol=1e-15, atol=0)
