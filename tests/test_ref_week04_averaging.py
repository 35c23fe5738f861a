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


# ----------------------------------------------------------------------------------------- orbit
def enumerated_orbit(configuration: torch.Tensor) -> list[tuple[float, ...]]:
    """The orbit of one L x L configuration, enumerated with rot90 / flip / roll, as flat tuples."""
    size = configuration.shape[-1]
    images = []
    for reflect in (False, True):
        base = configuration.flip(0) if reflect else configuration
        for k in range(4):
            rotated = torch.rot90(base, k, dims=(0, 1))
            for dx in range(size):
                for dy in range(size):
                    shifted = torch.roll(rotated, shifts=(dx, dy), dims=(0, 1))
                    images.append(tuple(shifted.reshape(-1).tolist()))
    return images


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_lattice_orbit_is_the_enumerated_orbit_as_a_multiset(size):
    s = torch.randn(
        3, size, size, generator=torch.Generator().manual_seed(size), dtype=torch.float64
    )
    orbit = ref.lattice_orbit(s)
    assert orbit.shape == (3, 8 * size * size, size, size)
    for b in range(3):
        mine = sorted(tuple(image.reshape(-1).tolist()) for image in orbit[b])
        assert mine == sorted(enumerated_orbit(s[b]))


@pytest.mark.parametrize("size", [3, 4, 5])
def test_generic_orbit_has_8_l_squared_distinct_elements(size):
    s = torch.randn(
        2, size, size, generator=torch.Generator().manual_seed(10 + size), dtype=torch.float64
    )
    for images in ref.lattice_orbit(s):
        assert len({tuple(image.reshape(-1).tolist()) for image in images}) == 8 * size * size


def test_orbit_of_a_symmetric_configuration_keeps_its_duplicates():
    """A uniform configuration is its own orbit: 8 L^2 copies; a stripe has 2L distinct images."""
    uniform = torch.ones(1, 3, 3, dtype=torch.float64)
    assert torch.equal(ref.lattice_orbit(uniform), torch.ones(1, 72, 3, 3, dtype=torch.float64))
    stripe = torch.zeros(1, 4, 4, dtype=torch.float64)
    stripe[0, 0] = 1.0
    images = ref.lattice_orbit(stripe)[0]
    assert len({tuple(image.reshape(-1).tolist()) for image in images}) == 8  # 4 rows + 4 columns


def test_orbit_is_closed_and_conserves_the_ising_energy():
    generator = torch.Generator().manual_seed(20)
    spins = 2.0 * torch.randint(2, (2, 4, 4), generator=generator).double() - 1
    orbit = ref.lattice_orbit(spins)

    def energy(s):
        return -(s * torch.roll(s, 1, dims=-1) + s * torch.roll(s, 1, dims=-2)).sum(dim=(-2, -1))

    assert torch.equal(energy(orbit), energy(spins)[:, None].expand(2, 128))
    image_orbit = ref.lattice_orbit(orbit[:, 37])
    for b in range(2):
        assert sorted(map(tuple, image_orbit[b].reshape(128, -1).tolist())) == sorted(
            map(tuple, orbit[b].reshape(128, -1).tolist())
        )


# ----------------------------------------------------------------------------------------- group_average
def test_group_average_of_one_site_is_the_magnetization_per_site():
    s = torch.randn(3, 4, 4, generator=torch.Generator().manual_seed(30), dtype=torch.float64)
    average = ref.group_average(lambda c: c[:, 0, 0], s)
    torch.testing.assert_close(average, s.mean(dim=(-2, -1)), rtol=1e-14, atol=1e-15)


def test_group_average_of_one_bond_is_the_energy_per_bond():
    """Every bond of the torus is the image of the bond (0,0)-(0,1) equally often: the average of
    s_00 s_01 is -E / (2 L^2)."""
    s = torch.randn(2, 5, 5, generator=torch.Generator().manual_seed(31), dtype=torch.float64)
    energy = -(s * torch.roll(s, 1, dims=-1) + s * torch.roll(s, 1, dims=-2)).sum(dim=(-2, -1))
    average = ref.group_average(lambda c: c[:, 0, 0] * c[:, 0, 1], s)
    torch.testing.assert_close(average, -energy / 50, rtol=1e-14, atol=1e-15)


def test_group_average_is_the_mean_over_the_enumerated_orbit_and_invariant():
    generator = torch.Generator().manual_seed(32)
    s = torch.randn(2, 3, 3, generator=generator, dtype=torch.float64)
    weights = torch.randn(9, 2, generator=generator, dtype=torch.float64)

    def f(c):
        return torch.tanh(c.reshape(c.shape[0], -1) @ weights)

    average = ref.group_average(f, s)
    for b in range(2):
        images = torch.tensor(enumerated_orbit(s[b]), dtype=torch.float64).reshape(-1, 3, 3)
        torch.testing.assert_close(average[b], f(images).mean(dim=0), rtol=1e-14, atol=1e-15)
    moved = torch.roll(torch.rot90(s, 1, dims=(-2, -1)).transpose(-2, -1), 2, dims=-1)
    torch.testing.assert_close(ref.group_average(f, moved), average, rtol=1e-14, atol=1e-15)


# ----------------------------------------------------------------------------------------- deep_sets
def features(v: torch.Tensor) -> torch.Tensor:
    """phi(v) = (v, v^2), elementwise on the last dim."""
    return torch.cat([v, v**2], dim=-1)


def test_deep_sets_is_the_sum_over_the_present_elements():
    generator = torch.Generator().manual_seed(40)
    x = torch.randn(3, 4, 2, generator=generator, dtype=torch.float64)
    mask = torch.tensor([[True, False, True, True], [False] * 4, [True] * 4])
    out = ref.deep_sets(x, mask, features, lambda pooled: pooled + 1)
    for b in range(3):
        expected = torch.ones(4, dtype=torch.float64)
        for i in range(4):
            if mask[b, i]:
                expected = expected + features(x[b, i])
        torch.testing.assert_close(out[b], expected, rtol=1e-15, atol=1e-15)
    assert torch.equal(out[1], torch.ones(4, dtype=torch.float64))  # rho(0)


def test_deep_sets_ignores_junk_and_order_and_handles_none_and_empty_sets():
    generator = torch.Generator().manual_seed(41)
    x = torch.randn(2, 3, 2, generator=generator, dtype=torch.float64)
    full = ref.deep_sets(x, None, features, torch.tanh)
    junk = 1e3 * torch.randn(2, 2, 2, generator=generator, dtype=torch.float64)
    mask = torch.tensor([[True] * 3 + [False] * 2] * 2)
    padded = ref.deep_sets(torch.cat([x, junk], dim=1), mask, features, torch.tanh)
    torch.testing.assert_close(padded, full, rtol=1e-15, atol=0)
    order = torch.tensor([2, 0, 1])
    torch.testing.assert_close(ref.deep_sets(x[:, order], None, features, torch.tanh), full)
    empty = ref.deep_sets(x[:, :0], torch.zeros(2, 0, dtype=torch.bool), features, torch.exp)
    assert torch.equal(empty, torch.ones(2, 4, dtype=torch.float64))


def test_deep_sets_gradient_reaches_the_present_elements_only():
    x = torch.randn(2, 3, 2, generator=torch.Generator().manual_seed(42), dtype=torch.float64)
    x.requires_grad_(True)
    mask = torch.tensor([[True, False, True], [False, True, True]])
    out = ref.deep_sets(x, mask, lambda v: v, lambda pooled: pooled)
    (gradient,) = torch.autograd.grad(out.sum(), x)
    assert torch.equal(gradient, mask[..., None].double().expand(2, 3, 2))
