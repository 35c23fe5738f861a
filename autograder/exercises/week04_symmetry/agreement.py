"""The one comparison the properties of week 4, part 2 share: two of the student's own outputs (or
one and a value computed here) that the symmetry says must agree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import torch

from autograder.case import Case, observed_array

if TYPE_CHECKING:
    from autograder.plain import Observed


def disagreement(yours: torch.Tensor, expected: torch.Tensor, case: Case, what: str) -> str | None:
    """None when ``yours`` equals ``expected`` within the case's "reduction" tolerance (``atol``
    relative to the largest ``|expected|``, at least 1); otherwise ``what`` and the worst entry."""
    tolerance = case.tolerance_of("reduction")
    scale = max(float(expected.abs().max()), 1.0) if expected.numel() else 1.0
    gap = (yours - expected).abs()
    if bool((gap <= tolerance.atol * scale + tolerance.rtol * expected.abs()).all()):
        return None
    worst = int(gap.nan_to_num(float("inf")).reshape(-1).argmax())
    return (
        f"{what}: {float(yours.reshape(-1)[worst]):.8g} instead of "
        f"{float(expected.reshape(-1)[worst]):.8g} (largest difference "
        f"{float(gap.reshape(-1)[worst]):.3g})"
    )


def agrees_with_output(key: str, what: str) -> Callable[[Mapping[str, Observed], Case], str | None]:
    """A property check: the student's observation ``key`` (their code run again on transformed
    inputs) must equal their output ``out``."""

    def check(observed: Mapping[str, Observed], case: Case) -> str | None:
        out = observed_array(observed, "out")
        return disagreement(observed_array(observed, key, tuple(out.shape)), out, case, what)

    return check
