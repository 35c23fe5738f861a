"""Week 2 checks, translation equivariance (curriculum 2.4), shared by the convolution and pooling.

A case with a ``shift`` ``s = (s_h, s_w)`` also observes the layer ``f`` applied to the image
rolled by ``s`` over its last two axes (key ``rolled_key(f)``, e.g. ``conv(roll(x))``). The property compares it with the layer's own output
rolled by ``s / S`` (``S`` the stride, which divides ``s``), on the student's outputs alone:

- on a torus (circular padding, or a pooling whose windows tile the image) the two agree at every
  output pixel;
- with zero padding (stride 1, output the size of the input) they agree away from the border: at
  the pixels whose window, in the rolled image, neither leaves the image nor straddles the seam
  where the roll wrapped it (``interior_mask``).

The tolerance is the case's own kind (``conv``: the comparison of two sums in another order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from autograder.case import Case, Property, Unfit, observed_array
from autograder.plain import Observed

GROUP = "equivariance"


def rolled_key(what: str) -> str:
    """The observation of the layer ``what`` applied to the rolled image, e.g. ``conv(roll(x))``."""
    return f"{what}(roll(x))"


def roll_image(x: torch.Tensor, shift: tuple[int, int]) -> torch.Tensor:
    """``x`` rolled by ``shift`` over its last two axes (rows, columns)."""
    return torch.roll(x, shifts=tuple(shift), dims=(-2, -1))


def output_shift(shift: tuple[int, int], stride: tuple[int, int]) -> tuple[int, int]:
    """The shift of the output, ``s / S`` per axis (the stride divides the shift)."""
    if any(s % step for s, step in zip(shift, stride, strict=True)):
        raise ValueError(f"shift {shift} is not a multiple of the stride {stride}")
    return tuple(s // step for s, step in zip(shift, stride, strict=True))


def _seam_free(size: int, kernel: int, padding: int, dilation: int, shift: int) -> torch.Tensor:
    """Output pixels (stride 1) whose window in the image rolled by ``shift`` lies inside the image
    and on one side of the seam: rows ``i - P + m*D`` all in ``[0, s)`` or all in ``[s, size)``."""
    seam = shift % size
    clean = []
    for i in range(size + 2 * padding - dilation * (kernel - 1)):
        rows = [i - padding + m * dilation for m in range(kernel)]
        inside = all(0 <= r < size for r in rows)
        clean.append(inside and (all(r < seam for r in rows) or all(r >= seam for r in rows)))
    return torch.tensor(clean)


def interior_mask(
    in_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    shift: tuple[int, int],
) -> torch.Tensor:
    """The ``(H_out, W_out)`` output pixels at which a zero-padded, stride-1 layer commutes with the
    roll by ``shift``: neither window touches the padding or the roll's seam."""
    rows, cols = (
        _seam_free(*axis) for axis in zip(in_hw, kernel_hw, padding, dilation, shift, strict=True)
    )
    return rows[:, None] & cols[None, :]


def equivariance_property(what: str, shifted_by: str, why: str, mask=None) -> Property:
    """``f(roll(x, s)) == roll(f(x), s / S)`` on the student's outputs, where ``mask(case)`` is
    true (everywhere without a mask); ``what`` names the layer in the message, e.g. "conv"."""

    def check(observed: Mapping[str, Observed], case: Case) -> str | None:
        inputs = case.inputs
        out = observed_array(observed, "out")
        if out.dim() != 4:
            raise Unfit(f"out: expected shape (B, C, H_out, W_out), got {list(out.shape)}")
        shifted = observed_array(observed, rolled_key(what), tuple(out.shape))
        rolled = roll_image(out, output_shift(inputs["shift"], inputs["output_stride"]))
        where = torch.ones(out.shape[-2:], dtype=torch.bool) if mask is None else mask(case)
        if tuple(where.shape) != tuple(out.shape[-2:]):
            return f"out: expected {list(where.shape)} output pixels per channel"
        error = (rolled - shifted).abs()[..., where]
        scale = max(float(rolled[..., where].abs().max()), 1.0) if error.numel() else 1.0
        tolerance = case.tolerance_of()
        if not bool((error <= tolerance.atol * scale).all()):
            off = int((error > tolerance.atol * scale).sum())
            return (
                f"{what}(roll(x, s)) differs from roll({what}(x), {shifted_by}) by up to "
                f"{float(error.max()):.2e} ({off} of {error.numel()} compared entries): {why}"
            )
        return None

    return Property("translation equivariance", check, GROUP)


def with_shift(inputs: dict[str, Any], shift: tuple[int, int], stride: tuple[int, int]) -> dict:
    """The case inputs plus the input shift and the stride that turns it into the output shift."""
    output_shift(shift, stride)  # the shift must be a multiple of the stride
    return {**inputs, "shift": shift, "output_stride": stride}
