"""Trust tests for the week 8 training points: the boundary data against numpy's linspace and the
closed-form values of -sin(pi x), the Latin hypercube against a point-by-point loop and the
one-point-per-stratum property, and agreement of the solution with the reference."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ml4p_ref import week08_pinn as reference
from solutions import week08_pinn as solution

pytestmark = pytest.mark.week08

IMPLEMENTATIONS = pytest.mark.parametrize(
    "implementation", [reference, solution], ids=["reference", "solution"]
)


# ------------------------------------------------------------------ boundary data
def boundary_by_numpy(n_bd: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(-1.0, 1.0, n_bd)
    t = np.arange(1, n_bd + 1) / n_bd
    ones = np.ones(n_bd)
    xt = np.concatenate(
        [np.stack([x, 0 * ones], 1), np.stack([-ones, t], 1), np.stack([ones, t], 1)]
    )
    return xt, np.concatenate([-np.sin(np.pi * x), 0 * ones, 0 * ones])


@IMPLEMENTATIONS
@pytest.mark.parametrize("n_bd", [1, 2, 5, 9, 64])
def test_boundary_data_match_numpy(implementation, n_bd: int) -> None:
    xt_b, u_b = implementation.burgers_boundary_data(n_bd, torch.float64, "cpu")
    expected_xt, expected_u = boundary_by_numpy(n_bd)
    assert xt_b.shape == (3 * n_bd, 2) and u_b.shape == (3 * n_bd,)
    np.testing.assert_allclose(xt_b.numpy(), expected_xt, rtol=0, atol=1e-15)
    np.testing.assert_allclose(u_b.numpy(), expected_u, rtol=0, atol=1e-15)


def test_boundary_data_known_values_for_five_points() -> None:
    xt_b, u_b = reference.burgers_boundary_data(5, torch.float64, "cpu")
    assert xt_b[:5, 0].tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert xt_b[5:10, 1].tolist() == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert xt_b[5:10, 0].tolist() == [-1.0] * 5 and xt_b[10:, 0].tolist() == [1.0] * 5
    np.testing.assert_allclose(u_b[:5].numpy(), [0, 1, 0, -1, 0], atol=1e-15)
    assert (u_b[5:] == 0).all()


@IMPLEMENTATIONS
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_boundary_data_dtype_and_accuracy(implementation, dtype: torch.dtype) -> None:
    xt_b, u_b = implementation.burgers_boundary_data(7, dtype, "cpu")
    assert xt_b.dtype == u_b.dtype == dtype
    expected_xt, expected_u = boundary_by_numpy(7)
    atol = 1e-15 if dtype == torch.float64 else 1e-6
    np.testing.assert_allclose(xt_b.double().numpy(), expected_xt, rtol=0, atol=atol)
    np.testing.assert_allclose(u_b.double().numpy(), expected_u, rtol=0, atol=atol)


# ------------------------------------------------------------------ Latin hypercube
def draw(n: int, d: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    u = torch.rand(n, d, generator=generator, dtype=torch.float64)
    perm = torch.stack([torch.randperm(n, generator=generator) for _ in range(d)])
    return u, perm


def hypercube_by_loop(u, perm, low, high) -> torch.Tensor:
    n, d = u.shape
    x = torch.empty(n, d, dtype=torch.float64)
    for i in range(n):
        for j in range(d):
            lo, hi = float(low[j]), float(high[j])
            x[i, j] = lo + (hi - lo) * (int(perm[j, i]) + float(u[i, j])) / n
    return x


@IMPLEMENTATIONS
@pytest.mark.parametrize(("n", "d", "seed"), [(1, 3, 0), (7, 1, 1), (12, 3, 2), (50, 2, 3)])
def test_hypercube_matches_loop_and_fills_every_stratum(implementation, n, d, seed) -> None:
    u, perm = draw(n, d, seed)
    low = torch.linspace(-2.0, 0.0, d, dtype=torch.float64)
    high = low + torch.linspace(1.0, 3.0, d, dtype=torch.float64)
    x = implementation.latin_hypercube(n, d, u, perm, low, high)
    assert x.shape == (n, d) and x.dtype == torch.float64
    torch.testing.assert_close(x, hypercube_by_loop(u, perm, low, high), rtol=1e-14, atol=1e-14)
    strata = torch.floor((x - low) / (high - low) * n)
    for axis in range(d):
        assert torch.sort(strata[:, axis]).values.tolist() == list(range(n))


@IMPLEMENTATIONS
def test_hypercube_float_bounds_equal_tensor_bounds_and_unit_default(implementation) -> None:
    u, perm = draw(9, 4, seed=4)
    as_floats = implementation.latin_hypercube(9, 4, u, perm, -2.0, 3.0)
    as_tensors = implementation.latin_hypercube(
        9, 4, u, perm, torch.full((4,), -2.0, dtype=torch.float64), torch.full((4,), 3.0)
    )
    torch.testing.assert_close(as_floats, as_tensors, rtol=1e-15, atol=1e-15)
    unit = implementation.latin_hypercube(9, 4, u, perm)
    torch.testing.assert_close(unit, (perm.T.double() + u) / 9, rtol=1e-15, atol=1e-15)


@IMPLEMENTATIONS
def test_hypercube_keeps_float32_and_leaves_inputs_alone(implementation) -> None:
    u, perm = draw(8, 2, seed=5)
    u32, perm_before, u_before = u.float(), perm.clone(), u.float().clone()
    x = implementation.latin_hypercube(8, 2, u32, perm)
    assert x.dtype == torch.float32
    assert torch.equal(perm, perm_before) and torch.equal(u32, u_before)
    torch.testing.assert_close(x.double(), (perm.T.double() + u32.double()) / 8, rtol=1e-6, atol=0)
