"""Week 5 checks of ``GroundState``: a ``torch.autograd.Function`` whose backward is inverse
perturbation theory.

The probe calls ``GroundState.apply(A)`` on random symmetric matrices with a known spectrum (ground
state gap >= 0.3 in "values", 1e-3 and degenerate excited states among the edge cases). v0's sign
is arbitrary, so only gauge-invariant observations are compared with ``ml4p_ref`` (``eigh``, and a
backward by the resolvent, exact with degenerate excited states): lambda0, v0^2, and the gradients w.r.t. A of lambda0, of v0^2 and of the
loss lambda0 + sum |v0^2 - t^2| (curriculum.md 5.5). The gradient must be symmetric (a property of
its own), and the backward must be written by hand: autograd inside the class is forbidden.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, explained_by
from autograder.probe import ProbeContext, vjp

MODULE = "week05_diffprog"
GROUPS = {"values": 2.0, "edge cases": 1.0, "gradients": 5.0, "properties": 0.5}
LOSS = "lambda0 + sum |v0^2 - t^2|"
VIA_LAMBDA, VIA_SQUARES, VIA_LOSS = "A via lambda0", "A via v0^2", f"A via {LOSS}"
FORBIDDEN = (
    "torch.autograd.grad",
    "torch.autograd.backward",
    "torch.Tensor.backward",
    "torch.enable_grad",
    "torch.func",
    "torch.autograd.functional",
)


# ----------------------------------------------------------------------------------------- probe
def probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``lambda0, v0 = GroundState.apply(A)``; lambda0, v0^2 and three gradients w.r.t. A."""
    A, t = inputs["A"], inputs["t"]
    if "A" in ctx.grad:
        A.requires_grad_(True)
    out = ctx.call(lambda matrix: impl.apply(matrix), A)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return {"out": out}
    lambda0, v0 = out
    if not all(isinstance(item, torch.Tensor) for item in out) or v0.shape != t.shape:
        return {"lambda0": lambda0, "v0^2": v0}
    squares = v0 * v0
    observations = {"lambda0": lambda0, "v0^2": squares}
    if "A" in ctx.grad:
        loss = lambda0 + (squares - t * t).abs().sum()
        observations.update(vjp(lambda0, {VIA_LAMBDA: A}, ctx, "lambda0"))
        observations.update(vjp(squares, {VIA_SQUARES: A}, ctx, "v0^2"))
        observations.update(vjp(loss, {VIA_LOSS: A}, ctx, "loss"))
    return observations


# ----------------------------------------------------------------------------------------- cases
def symmetric(rng: CaseRng, spectrum: torch.Tensor) -> torch.Tensor:
    """Q diag(spectrum) Q^T with a random orthogonal Q."""
    n = spectrum.shape[0]
    q, r = torch.linalg.qr(rng.normal(n, n))
    q = q * torch.sign(torch.diagonal(r))
    matrix = q @ torch.diag(spectrum) @ q.T
    return (matrix + matrix.T) / 2


def spectrum(rng: CaseRng, n: int, gap: float) -> torch.Tensor:
    """Ascending eigenvalues: lambda0, then lambda0 + gap, then the rest at least 0.3 apart."""
    ground = float(rng.normal(1))
    rest = ground + gap + torch.cumsum(0.3 + rng.uniform(max(n - 2, 0)), dim=0)
    levels = torch.cat([torch.tensor([ground, ground + gap], dtype=torch.float64), rest])
    return levels[:n]


def _inputs(rng: CaseRng, levels: torch.Tensor) -> dict[str, torch.Tensor]:
    n = levels.shape[0]
    return {"A": symmetric(rng, levels), "t": rng.uniform(n, low=0.1, high=0.9) / n**0.5}


def _symmetric_gradient(observed: Mapping, case: Case) -> str | None:
    n = case.inputs["A"].shape[0]
    gradient = observed_array(observed, f"grad:{VIA_SQUARES}", (n, n))
    antisymmetric = float((gradient - gradient.T).abs().max()) / 2
    scale = max(float(gradient.abs().max()), 1.0)
    if antisymmetric <= case.tolerance_of("derivative").rtol * scale:
        return None
    return (
        f"dL/dA must be symmetric, (M + M^T) / 2; yours has an antisymmetric part of size "
        f"{antisymmetric:.3g}"
    )


def ground_state_cases(rng: CaseRng) -> list[Case]:
    grad, tolerance = ("A",), "derivative"
    symmetric_gradient = (Property("symmetric gradient", _symmetric_gradient),)
    degenerate = spectrum(rng, 5, 0.5)
    degenerate[3] = degenerate[2]  # lambda_2 = lambda_3: harmless for the ground state
    return [
        Case(
            f"random symmetric {n}x{n}",
            _inputs(rng, spectrum(rng, n, 0.3 + float(rng.uniform(1)))),
            dtypes=BOTH,
            tolerance=tolerance,
            grad=grad,
            properties=symmetric_gradient,
        )
        for n in (3, 6)
    ] + [
        Case(
            "1x1 matrix",  # no excited states: the gradient is that of lambda0 alone
            _inputs(rng, spectrum(rng, 1, 1.0)),
            "edge cases",
            BOTH,
            grad=grad,
            weight=0.25,
        ),
        Case("2x2 matrix", _inputs(rng, spectrum(rng, 2, 0.5)), "edge cases", BOTH, grad=grad),
        Case(  # v0's derivative carries 1/gap: round-off grows a thousandfold
            "small gap, 1e-3",
            _inputs(rng, spectrum(rng, 4, 1e-3)),
            "edge cases",
            grad=grad,
            tolerance=tolerance,
        ),
        Case("degenerate excited states", _inputs(rng, degenerate), "edge cases", grad=grad),
    ]


# ----------------------------------------------------------------------------------------- hints
def _of_squares(mistake: Callable[[torch.Tensor], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != f"grad:{VIA_SQUARES}":
            return None
        return mistake(evidence.reference_value())

    return variant


def _largest_eigenvalue(evidence: Evidence) -> torch.Tensor | None:
    if evidence.key != "lambda0":
        return None
    return torch.linalg.eigvalsh(evidence.seen("A"))[-1]


GROUND_STATE_HINTS = (
    Hint(
        "torch.linalg.eigh sorts the eigenvalues in ascending order: the ground state is index 0",
        explained_by(_largest_eigenvalue),
    ),
    Hint(
        "the energy denominator is lambda0 - lambda_i (negative): dv0 = sum_i v_i (v_i^T dA v0) / "
        "(lambda0 - lambda_i)",
        explained_by(_of_squares(lambda reference: -reference)),
    ),
    Hint(
        "dL/dv0 (the second argument of backward) is missing: its part of dL/dA is "
        "sum_{i != 0} (v_i^T grad_v0) / (lambda0 - lambda_i) v_i v0^T",
        explained_by(_of_squares(torch.zeros_like)),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "GroundState",
        points=2.0,
        cases=ground_state_cases,
        probe=probe,
        groups=GROUPS,
        lesson="the ground state moves by perturbation theory: dv0 = sum_i v_i (v_i^T dA v0) / "
        "(lambda0 - lambda_i), with the energy denominator lambda0 - lambda_i, not its opposite",
        forbidden=FORBIDDEN,
        hints=GROUND_STATE_HINTS,
    ),
]
