"""Week 3 checks of ``sinusoidal_positions``: the encoding in the dtype and on the device asked for,
even and odd d, one position, one frequency, a long sequence in float64; positions told apart (so
that adding them breaks the permutation equivariance of self-attention) and (sin, cos) pairs on the
unit circle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week03_gnn_transformer.sdpa import MODULE
from autograder.hints import Evidence, Hint, at_stage, explained_by
from autograder.probe import ProbeContext

GROUPS = {"values": 3.0, "edge cases": 1.0, "properties": 2.0}
LIKE = "like"  # an empty tensor of the case's dtype and device: what the probe asks for


def positions_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``sinusoidal_positions(n, d, dtype=..., device=...)`` with the case's dtype and device."""
    like = inputs[LIKE]
    return {"out": ctx.call(impl, inputs["n"], inputs["d"], dtype=like.dtype, device=like.device)}


def _case(label: str, n: int, d: int, **options: Any) -> Case:
    inputs = {"n": n, "d": d, LIKE: torch.zeros(0, dtype=torch.float64)}
    return Case(label, inputs, **options)


def _observed(observed: Mapping, case: Case) -> torch.Tensor:
    """The student's encoding, which must be finite."""
    encoding = observed_array(observed, "out", (case.inputs["n"], case.inputs["d"]))
    if not bool(encoding.isfinite().all()):
        raise Unfit("out: the encoding has nan or inf entries")
    return encoding


def _told_apart(observed: Mapping, case: Case) -> str | None:
    """No two rows are equal: else swapping those two tokens commutes with adding the encoding."""
    encoding = _observed(observed, case)
    same = torch.eye(encoding.shape[0], dtype=torch.bool)
    gaps = torch.cdist(encoding, encoding).masked_fill(same, torch.inf)
    nearest = float(gaps.min())
    if nearest > 10 * case.tolerance_of().atol:
        return None
    i, j = (int(index) for index in (gaps == nearest).nonzero()[0])
    return (
        f"positions {i} and {j} get the same encoding: adding it would not tell those tokens "
        "apart, and self-attention would stay equivariant under their swap"
    )


def _on_unit_circle(observed: Mapping, case: Case) -> str | None:
    """PE[:, 2i]^2 + PE[:, 2i+1]^2 = 1: sine and cosine of one angle."""
    encoding = _observed(observed, case)
    pairs = encoding.shape[1] // 2
    radius = encoding[:, 0 : 2 * pairs : 2].square() + encoding[:, 1 : 2 * pairs : 2].square()
    tolerance = case.tolerance_of()
    off = (radius - 1).abs()
    if bool((off <= 2 * tolerance.atol + tolerance.rtol).all()):
        return None
    pos, pair = (int(index) for index in (off == off.max()).nonzero()[0])
    return (
        f"columns {2 * pair} and {2 * pair + 1} must be the sine and cosine of one angle "
        f"(sin^2 + cos^2 = 1); at position {pos} yours give {float(radius[pos, pair]):.6g}"
    )


def positions_cases(rng: CaseRng) -> list[Case]:
    n, d = rng.choice(6, 12), 2 * rng.choice(3, 8)
    properties = (
        Property("positions told apart", _told_apart),
        Property("(sin, cos) pairs on the unit circle", _on_unit_circle),
    )
    return [
        _case("n = 6, d = 8", 6, 8, dtypes=BOTH),
        _case(f"random sizes n = {n}, d = {d}", n, d, dtypes=BOTH),
        _case("a long sequence, n = 64, d = 12", 64, 12),
        _case("odd d = 5", rng.choice(4, 8), 5, group="edge cases", dtypes=BOTH),
        _case("one position: [0, 1, 0, 1, ...]", 1, 6, group="edge cases"),
        _case("d = 2: one frequency, angle = pos", 7, 2, group="edge cases"),
        _case("n = 16, d = 10", 16, 10, group="properties", dtypes=BOTH, properties=properties),
    ]


# ----------------------------------------------------------------------------------------- hints
def _formula(angle_exponent: Callable[[torch.Tensor, int], torch.Tensor], sine_first: bool = True):
    """PE with column j's angle pos / 10000^(angle_exponent(j, d)), sin on even columns (or odd)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        n, d = evidence.case.inputs["n"], evidence.case.inputs["d"]
        column = torch.arange(d, dtype=torch.float64)
        angles = torch.arange(n, dtype=torch.float64)[:, None] / 10000.0 ** angle_exponent(
            column, d
        )
        sine = (column % 2 == 0) == sine_first
        return torch.where(sine, angles.sin(), angles.cos())

    return variant


def _paired(column: torch.Tensor, d: int) -> torch.Tensor:
    return 2 * torch.div(column, 2, rounding_mode="floor") / d


def _concatenated(evidence: Evidence) -> torch.Tensor | None:
    n, d = evidence.case.inputs["n"], evidence.case.inputs["d"]
    even = torch.arange(0, d, 2, dtype=torch.float64)
    angles = torch.arange(n, dtype=torch.float64)[:, None] / 10000.0 ** (even / d)
    return torch.cat([angles.sin(), angles[:, : d // 2].cos()], dim=1)


POSITIONS_HINTS = (
    Hint(
        "create the encoding with the dtype and device you are given (torch.arange(..., "
        "dtype=dtype, device=device))",
        at_stage("dtype", "device"),
    ),
    Hint(
        "columns 2i and 2i+1 share one frequency, 1 / 10000^(2i/d): the cosine column 2i+1 uses "
        "the exponent of its even partner 2i, not its own index",
        explained_by(_formula(lambda column, d: column / d)),
    ),
    Hint(
        "interleave the columns: sines in the even columns 0, 2, 4, ..., cosines in the odd "
        "ones, not all the sines first",
        explained_by(_concatenated),
    ),
    Hint(
        "the sine goes in the even columns 2i, the cosine in the odd columns 2i+1",
        explained_by(_formula(_paired, sine_first=False)),
    ),
    Hint(
        "the frequencies decrease along the features: w_i = 1 / 10000^(2i/d) = 10000^(-2i/d)",
        explained_by(_formula(lambda column, d: -_paired(column, d))),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "sinusoidal_positions",
        points=2.0,
        cases=positions_cases,
        probe=positions_probe,
        groups=GROUPS,
        lesson="columns 2i and 2i+1 are the sine and cosine of one angle pos / 10000^(2i/d): a "
        "frequency per column index breaks the pairs",
        hints=POSITIONS_HINTS,
    ),
]
