"""Tolerances by kind of check, dtype and device (curriculum section 2.5).

A student value ``s`` matches the reference ``r`` where ``|s - r| <= atol * scale + rtol * |r|``, with
``scale`` the largest finite ``|r|`` of the compared tensor (1 where that is 0), or the case's own
``scale`` where that is larger (outputs small by cancellation, see ``Case``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float  # relative to the scale of the compared tensor


# kind -> (float64, float32 on CPU, float32 on GPU with TF32 off)
TABLE: dict[str, tuple[Tolerance, Tolerance, Tolerance]] = {
    # same formula, different reduction order (softmax, cross-entropy, attention)
    "reduction": (Tolerance(1e-12, 1e-14), Tolerance(1e-5, 1e-6), Tolerance(3e-5, 3e-6)),
    # convolution as a matrix against F.conv2d
    "conv": (Tolerance(0.0, 1e-12), Tolerance(0.0, 1e-5), Tolerance(0.0, 3e-5)),
    # log-determinants, against autograd Jacobians
    "logdet": (Tolerance(1e-10, 1e-10), Tolerance(1e-4, 1e-4), Tolerance(1e-4, 1e-4)),
    # round trips (inverse after forward)
    "roundtrip": (Tolerance(1e-12, 1e-12), Tolerance(1e-5, 1e-5), Tolerance(1e-5, 1e-5)),
    # closed forms and losses built from several reductions
    "closed_form": (Tolerance(1e-12, 1e-14), Tolerance(1e-6, 1e-6), Tolerance(1e-6, 1e-6)),
    # derivatives taken by autograd (PDE residuals, forces)
    "derivative": (Tolerance(1e-10, 1e-12), Tolerance(1e-4, 1e-5), Tolerance(1e-4, 1e-5)),
    # conservation laws of exact symmetries (sum_i F_i = 0, sum_i x_i x F_i = 0), relative to the
    # size of the terms summed (curriculum 4.2: <= 1e-12 in float64)
    "conservation": (Tolerance(0.0, 1e-12), Tolerance(0.0, 1e-5), Tolerance(0.0, 1e-5)),
    # autograd gradients against central differences (h between 1e-6 and 1e-4), relative to the
    # largest difference; only ever run in float64 (the float32 rows are never used)
    "finite_difference": (Tolerance(1e-6, 0.0), Tolerance(1e-6, 0.0), Tolerance(1e-6, 0.0)),
}


def tolerance_for(kind: str, dtype: str, device: str) -> Tolerance:
    """The tolerance for ``kind`` when the student computed in ``dtype`` on ``device``."""
    float64, float32_cpu, float32_gpu = TABLE[kind]
    if dtype == "float64":
        return float64
    if dtype == "float32":
        return float32_cpu if device == "cpu" else float32_gpu
    # float16/bfloat16: three decimal digits at best
    return Tolerance(1e-2, 1e-3)
