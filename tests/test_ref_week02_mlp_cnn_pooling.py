"""Trust tests for week 2 max pooling and translation equivariance (curriculum 2.3 and 2.4).

The pooling reference (``F.max_pool2d``) and the solution are checked against a brute-force loop
over windows, the slide example and the gradient "one per window, at its argmax". The equivariance
properties the grader checks are checked on the references themselves: on the torus at every pixel,
for stride 2 only for even shifts, with zero padding exactly on the grader's ``interior_mask`` (and
nowhere else, for random inputs).
"""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

import ml4p_ref.week02_mlp_cnn as ref
import solutions.week02_mlp_cnn as sol
from autograder.exercises.week02_mlp_cnn.equivariance import interior_mask, roll_image

pytestmark = pytest.mark.week02

IMPLS = [pytest.param(ref, id="ref"), pytest.param(sol, id="solution")]
POOLS = {  # (H, W, kernel_size, stride)
    "default stride": (6, 8, 2, None),
    "stride 1": (5, 6, 3, 1),
    "overlapping, last row dropped": (8, 9, 3, 2),
    "remainders dropped": (7, 5, 2, None),
    "pairs": (5, 7, (2, 3), (1, 2)),
    "pair kernel, default stride": (7, 6, (3, 2), None),
    "one window": (4, 4, 4, None),
    "subsampling": (5, 6, 1, 2),
}


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _brute_force_pool(x: torch.Tensor, kernel_size, stride) -> torch.Tensor:
    """``max`` over each window by explicit loops over output pixels and window entries."""
    (k_h, k_w), (s_h, s_w) = _pair(kernel_size), _pair(kernel_size if stride is None else stride)
    h_out, w_out = (x.shape[-2] - k_h) // s_h + 1, (x.shape[-1] - k_w) // s_w + 1
    out = torch.empty(*x.shape[:2], h_out, w_out, dtype=x.dtype)
    for b, c, i, j in itertools.product(*map(range, out.shape)):
        out[b, c, i, j] = max(
            float(x[b, c, i * s_h + m, j * s_w + n]) for m in range(k_h) for n in range(k_w)
        )
    return out


def _random_image(h: int, w: int, seed: int = 0, batch: int = 2, channels: int = 3):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, channels, h, w, generator=generator, dtype=torch.float64)


# ----------------------------------------------------------------------------------------- pooling
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", POOLS.values(), ids=POOLS.keys())
def test_pooling_matches_brute_force(impl, cfg):
    h, w, kernel_size, stride = cfg
    x = _random_image(h, w)
    out = impl.maxpool2d(x, kernel_size, stride)
    torch.testing.assert_close(out, _brute_force_pool(x, kernel_size, stride), rtol=0, atol=0)


@pytest.mark.parametrize("impl", IMPLS)
def test_slide_example(impl):
    x = torch.arange(9, dtype=torch.float64).reshape(1, 1, 3, 3)
    expected = torch.tensor([[[[4.0, 5.0], [7.0, 8.0]]]], dtype=torch.float64)
    torch.testing.assert_close(impl.maxpool2d(x, 2, 1), expected, rtol=0, atol=0)


@pytest.mark.parametrize("impl", IMPLS)
def test_all_negative_windows_keep_their_negative_maximum(impl):
    x = -(_random_image(6, 6).abs() + 0.1)
    out = impl.maxpool2d(x, 2)
    assert bool((out < 0).all())
    torch.testing.assert_close(out, _brute_force_pool(x, 2, None), rtol=0, atol=0)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", POOLS.values(), ids=POOLS.keys())
def test_gradient_is_the_cotangent_at_each_argmax(impl, cfg):
    """Without ties, d out[i, j] / dx is one at the window's argmax: the VJP scatters the
    cotangent there, summed over overlapping windows."""
    h, w, kernel_size, stride = cfg
    x = _random_image(h, w, seed=1).requires_grad_(True)
    out = impl.maxpool2d(x, kernel_size, stride)
    cotangent = torch.randn(out.shape, generator=torch.Generator().manual_seed(2)).double()
    (grad,) = torch.autograd.grad(out, x, cotangent)
    (k_h, k_w), (s_h, s_w) = _pair(kernel_size), _pair(kernel_size if stride is None else stride)
    expected = torch.zeros_like(x)
    for b, c, i, j in itertools.product(*map(range, out.shape)):
        window = x.detach()[b, c, i * s_h : i * s_h + k_h, j * s_w : j * s_w + k_w]
        m, n = divmod(int(window.argmax()), k_w)
        expected[b, c, i * s_h + m, j * s_w + n] += cotangent[b, c, i, j]
    torch.testing.assert_close(grad, expected, rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("cfg", POOLS.values(), ids=POOLS.keys())
def test_solution_matches_reference_and_keeps_dtype(cfg, dtype):
    h, w, kernel_size, stride = cfg
    x = _random_image(h, w, seed=3).to(dtype)
    before = x.clone()
    out = sol.maxpool2d(x, kernel_size, stride)
    assert out.dtype == dtype
    torch.testing.assert_close(out, ref.maxpool2d(x, kernel_size, stride), rtol=0, atol=0)
    torch.testing.assert_close(x, before, rtol=0, atol=0)


def test_ties_split_by_amax_and_routed_by_max_pool2d():
    """Curriculum 2.3: why the grader's inputs have no ties (the two gradients differ there)."""
    x = torch.ones(1, 1, 2, 2, dtype=torch.float64, requires_grad=True)
    (routed,) = torch.autograd.grad(F.max_pool2d(x, 2).sum(), x)
    (split,) = torch.autograd.grad(x.amax(dim=(-2, -1)).sum(), x)
    assert routed.sum() == split.sum() == 1
    assert sorted(routed.flatten().tolist()) == [0.0, 0.0, 0.0, 1.0]
    assert split.flatten().tolist() == [0.25] * 4


# ----------------------------------------------------------------------------------------- equivariance
def _conv_pair(x, weight, shift, **conv):
    """``(conv(roll(x, s)), conv(x))`` of the reference convolution."""
    return ref.conv2d_via_matrix(roll_image(x, shift), weight, **conv), ref.conv2d_via_matrix(
        x, weight, **conv
    )


@pytest.mark.parametrize("shift", [(1, 0), (2, -1), (-3, 4), (5, 5)])
def test_circular_stride_one_commutes_with_every_shift(shift):
    x, weight = (
        _random_image(6, 5, seed=4, channels=2),
        _random_image(3, 3, seed=5, batch=2, channels=2),
    )
    shifted, out = _conv_pair(x, weight, shift, padding=1, padding_mode="circular")
    torch.testing.assert_close(shifted, roll_image(out, shift), rtol=0, atol=1e-12)


def test_circular_stride_two_commutes_with_even_shifts_only():
    x, weight = (
        _random_image(6, 8, seed=6, channels=2),
        _random_image(3, 3, seed=7, batch=2, channels=2),
    )
    conv = {"stride": 2, "padding": 1, "padding_mode": "circular"}
    shifted, out = _conv_pair(x, weight, (2, -4), **conv)
    torch.testing.assert_close(shifted, roll_image(out, (1, -2)), rtol=0, atol=1e-12)
    odd, _ = _conv_pair(x, weight, (1, 0), **conv)
    for half in (0, 1):  # no output shift explains an odd input shift
        assert float((odd - roll_image(out, (half, 0))).abs().max()) > 1.0


@pytest.mark.parametrize(
    "hw, kernel, shift",
    [((7, 6), (3, 3), (3, -2)), ((8, 9), (5, 3), (2, 4)), ((6, 6), (3, 3), (0, 1))],
)
def test_zero_padding_commutes_on_the_interior_mask(hw, kernel, shift):
    """Same padding, stride 1: conv(roll(x)) == roll(conv(x)) wherever the mask says; where both
    shifts are nonzero, for random inputs, nowhere else (an axis not shifted commutes at its
    border too: there the mask is only sufficient)."""
    padding = (kernel[0] // 2, kernel[1] // 2)
    x = _random_image(*hw, seed=8, channels=2)
    weight = _random_image(*kernel, seed=9, batch=2, channels=2)
    shifted, out = _conv_pair(x, weight, shift, padding=padding)
    mask = interior_mask(hw, kernel, padding, (1, 1), shift)
    equal = ((shifted - roll_image(out, shift)).abs() <= 1e-12).all(dim=1).all(dim=0)
    assert bool(mask.any()) and not bool(mask.all())
    assert bool(equal[mask].all())
    if all(shift):
        assert torch.equal(equal, mask)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("k, hw, shift", [(2, (6, 8), (2, -4)), (3, (6, 9), (3, 6))])
def test_pooling_commutes_with_shifts_by_multiples_of_the_stride(impl, k, hw, shift):
    x = _random_image(*hw, seed=10)
    out = impl.maxpool2d(x, k)
    expected = roll_image(out, (shift[0] // k, shift[1] // k))
    torch.testing.assert_close(impl.maxpool2d(roll_image(x, shift), k), expected, rtol=0, atol=0)


def test_overlapping_pooling_does_not_commute_with_shifts():
    """Stride 1 (K = 2) is not equivariant on the torus: the windows across the seam differ."""
    x = _random_image(6, 8, seed=11)
    out = ref.maxpool2d(x, 2, 1)
    assert not torch.equal(ref.maxpool2d(roll_image(x, (2, 0)), 2, 1), roll_image(out, (2, 0)))
