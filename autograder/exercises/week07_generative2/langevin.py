"""Week 7 checks, Langevin part: one step of the unadjusted Langevin algorithm.

Oracle: ``ml4p_ref.week07_generative2.langevin_step`` in float64 (Euler-Maruyama of
``dx = score dt + sqrt(2) dW`` with time step eps/2), itself checked against the stationary variance
of curriculum.md 7.7 / 4.3 (``tests/test_ref_week07_dynamics.py``).

The probe's score is either a ``TensorMLP`` on the flattened states or the Gaussian score
``-(x - mu)/s^2``. Vector and image-shaped states, eps as a float and as a ``(B,)`` tensor (with
``B == D``, so that a wrong broadcast does not raise), gradients w.r.t. ``x`` and the score net's
weights. The statistical check: chains drawn at the stationary variance ``s^2/(1 - eps/(4 s^2))`` of
the discretised dynamics on N(mu, s^2) must stay there after one step, within 5 standard errors
computed from the samples (float64, noise drawn by the grader).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week07_generative2.dsm import MODULE
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import Evidence, Hint, explained_by
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

LANGEVIN_GROUPS = {"values": 3.0, "gradients": 1.0, "statistics": 2.0, "properties": 0.5}
STANDARD_ERRORS = 5.0


def score_of(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The case's score: Gaussian ``-(x - mu)/s^2`` or a ``TensorMLP`` on the flattened states."""
    if "score_net" not in inputs:
        mu, variance = inputs["mu"], inputs["variance"]
        return lambda x: -(x - mu) / variance
    net = TensorMLP(inputs["score_net"])
    return lambda x: net(x.reshape(x.shape[0], -1)).reshape(x.shape)


def langevin_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``langevin_step(x, score_fn, eps, noise)``, gradients w.r.t. ``x`` and the score net."""
    x = inputs["x"]
    wrt = {}
    if ctx.grad:
        wrt = {"x": x.requires_grad_(True), **leaves(inputs["score_net"], "score_net")}
    out = ctx.call(impl, x, score_of(inputs), inputs["eps"], inputs["noise"])
    return {"out": out, **vjp(out, wrt, ctx)}


def stationary_variance(variance: float, eps: float) -> float:
    """Variance at which ULA with step eps is stationary on N(mu, variance) (curriculum 4.3)."""
    return variance / (1 - eps / (4 * variance))


def _stays_stationary(observed: Mapping, case: Case) -> str | None:
    inputs = case.inputs
    x_new = observed_array(observed, "out", tuple(inputs["x"].shape))
    squares = (x_new - inputs["mu"]).square().reshape(-1)
    estimate = float(squares.mean())
    standard_error = float(squares.std()) / math.sqrt(squares.numel())
    target = stationary_variance(inputs["variance"], inputs["eps"])
    if abs(estimate - target) <= STANDARD_ERRORS * standard_error:
        return None
    distance = abs(estimate - target) / standard_error if standard_error > 0 else math.inf
    return (
        f"chains started at the stationary variance s^2/(1 - eps/(4 s^2)) = {target:.5f} of the "
        f"discretised dynamics (s^2 = {inputs['variance']}, eps = {inputs['eps']}) must stay there "
        f"after one step; yours are at {estimate:.5f}, {distance:.0f} "
        f"standard errors away (x' = x + (eps/2) score + sqrt(eps) noise)"
    )


def langevin_cases(rng: CaseRng) -> list[Case]:
    def inputs(shape: tuple[int, ...], eps: Any) -> dict[str, Any]:
        features = math.prod(shape[1:])
        return {
            "x": rng.normal(*shape),
            "noise": rng.normal(*shape),
            "eps": eps,
            "score_net": mlp_weights(rng, [features, 8, features]),
        }

    def per_sample(batch: int) -> torch.Tensor:
        return rng.uniform(batch, low=0.01, high=0.5)

    grad = ("x", "score_net")
    mu, variance, eps, chains = 0.7, 1.5, 0.3, (4000, 5)
    spread = math.sqrt(stationary_variance(variance, eps))
    stationary = {
        "x": mu + rng.normal(*chains, scale=spread),
        "noise": rng.normal(*chains),
        "eps": eps,
        "mu": mu,
        "variance": variance,
    }
    return [
        Case("vector x, float eps", inputs((6, 4), 0.1), dtypes=BOTH, grad=grad),
        Case("image-shaped x, float eps", inputs((3, 2, 3, 3), 0.05), dtypes=BOTH, grad=grad),
        Case(
            "vector x, per-sample eps (B = D)",
            inputs((5, 5), per_sample(5)),
            dtypes=BOTH,
            grad=grad,
        ),
        Case("image-shaped x, per-sample eps", inputs((3, 2, 3, 3), per_sample(3)), grad=grad),
        Case(
            "Gaussian target, 20000 chains at the stationary variance",
            stationary,
            compare=False,
            properties=(Property("stationary variance", _stays_stationary, "statistics"),),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _step_variant(drift: float, spread: Callable[[torch.Tensor], torch.Tensor], unbroadcast=False):
    """``x + drift * eps * score + spread(eps) * noise`` in float64, as the student's inputs."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        x, noise = evidence.seen("x"), evidence.seen("noise")
        eps = torch.as_tensor(evidence.seen("eps"), dtype=torch.float64)
        if eps.dim() == 1:
            if unbroadcast:
                if x.shape[-1] != eps.shape[0]:
                    return None
            else:
                eps = eps.reshape((-1,) + (1,) * (x.dim() - 1))
        elif unbroadcast:
            return None
        return x + drift * eps * score_of(evidence.case.inputs)(x) + spread(eps) * noise

    return variant


LANGEVIN_HINTS = (
    Hint(
        "the drift step is eps/2: x' = x + (eps/2) score(x) + sqrt(eps) noise",
        explained_by(_step_variant(1.0, torch.sqrt)),
    ),
    Hint(
        "the noise is scaled by sqrt(eps), not eps",
        explained_by(_step_variant(0.5, lambda eps: eps)),
    ),
    Hint(
        "with the drift step eps/2 the noise is sqrt(eps) noise: x' = x + (eps/2) score(x) + "
        "sqrt(eps) noise (this course's convention, as in score_sde)",
        explained_by(_step_variant(1.0, lambda eps: torch.sqrt(2 * eps))),
    ),
    Hint(
        "eps has shape (B,): one step size per sample, broadcast over the non-batch dims, "
        "e.g. eps.view(-1, *[1] * (x.dim() - 1))",
        explained_by(_step_variant(0.5, torch.sqrt, unbroadcast=True)),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "langevin_step",
        points=2.0,
        cases=langevin_cases,
        probe=langevin_probe,
        groups=LANGEVIN_GROUPS,
        lesson="the drift step is eps/2 with noise sqrt(eps): x' = x + (eps/2) score(x) + "
        "sqrt(eps) noise",
        forbidden=RANDOM_DRAWS,
        hints=LANGEVIN_HINTS,
    ),
]
