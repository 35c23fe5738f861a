"""Week 7 checks, annealed Langevin dynamics (NCSN): Langevin steps over decreasing noise levels.

Oracle: ``ml4p_ref.week07_generative2.annealed_langevin`` in float64 (the reference
``langevin_step`` over the flattened schedule), itself checked against the step written out per
level and against the exact mean and variance recursion on Gaussian data
(``tests/test_ref_week07_dynamics.py``; curriculum.md 7.7).

The probe's ``score_fn(x, sigma_b)`` is, as in ``dsm_loss``, a ``TensorMLP`` on the flattened states
divided by ``sigma_b``, or the exact smeared score ``-(x - mu)/(s^2 + sigma^2)`` of Gaussian data
N(mu, s^2); the first ``sigma_b`` it receives is an observation, compared with the reference's (a
``(B,)`` tensor of ``x``'s dtype). Values: vector and image-shaped states, three and two levels.
Statistics: 20000 chains from N(m0, v0) through the schedule on Gaussian data; their mean and
variance must follow the exact recursion ``m' = m + a (mu - m)``, ``v' = (1 - a)^2 v + alpha``,
``a = alpha/(2 (s^2 + sigma^2))``, within 5 standard errors computed from the samples (float64,
noise drawn here). The lesson: the step size alpha_i = eps0 sigma_i^2 / sigma_L^2.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week07_generative2.dsm import MODULE, SIGMA_SEEN, _per_sample
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on, reference
from autograder.nets import TensorMLP, mlp_weights
from autograder.probe import ProbeContext

ANNEALED_GROUPS = {"values": 2.5, "statistics": 2.0, "properties": 0.5}
STANDARD_ERRORS = 5.0


def score_of(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor, Any], torch.Tensor]:
    """The case's ``score_fn(x, sigma_b)``: exact for Gaussian data, or a net divided by sigma."""
    if "score_net" not in inputs:
        mu, variance = inputs["mu"], inputs["variance"]
        return lambda x, sigma_b: -(x - mu) / (variance + _per_sample(sigma_b, x) ** 2)
    net = TensorMLP(inputs["score_net"])

    def score(x: torch.Tensor, sigma_b: Any) -> torch.Tensor:
        return net(x.reshape(x.shape[0], -1)).reshape(x.shape) / _per_sample(sigma_b, x)

    return score


def annealed_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``annealed_langevin(x, score_fn, sigmas, n_steps, eps0, noises)``; the first ``sigma_b``."""
    score, seen = score_of(inputs), {}

    def score_fn(x: torch.Tensor, sigma_b: Any) -> torch.Tensor:
        if not seen:
            seen[SIGMA_SEEN] = sigma_b.detach().clone() if torch.is_tensor(sigma_b) else sigma_b
        return score(x, sigma_b)

    out = ctx.call(
        impl,
        inputs["x"],
        score_fn,
        inputs["sigmas"],
        inputs["n_steps"],
        inputs["eps0"],
        inputs["noises"],
    )
    if "score_net" not in inputs:
        return {"out": out}
    return {SIGMA_SEEN: seen.get(SIGMA_SEEN), "out": out}


def schedule_moments(
    inputs: Mapping[str, Any], mean: float, variance: float
) -> tuple[float, float]:
    """Exact mean and variance of Gaussian chains after the schedule on data N(mu, s^2)."""
    sigmas = [float(sigma) for sigma in inputs["sigmas"]]
    for sigma in sigmas:
        alpha = inputs["eps0"] * sigma**2 / sigmas[-1] ** 2
        pull = alpha / (2 * (inputs["variance"] + sigma**2))
        for _ in range(inputs["n_steps"]):
            mean = mean + pull * (inputs["mu"] - mean)
            variance = (1 - pull) ** 2 * variance + alpha
    return mean, variance


def _follows_recursion(observed: Mapping, case: Case) -> str | None:
    inputs = case.inputs
    samples = observed_array(observed, "out", tuple(inputs["x"].shape)).reshape(-1)
    mean, variance = schedule_moments(inputs, inputs["start_mean"], inputs["start_variance"])
    count = samples.numel()
    squares = (samples - mean).square()
    checks = {
        "mean": (float(samples.mean()), mean, float(samples.std()) / math.sqrt(count)),
        "variance": (float(squares.mean()), variance, float(squares.std()) / math.sqrt(count)),
    }
    for name, (estimate, exact, standard_error) in checks.items():
        distance = abs(estimate - exact) / standard_error if standard_error > 0 else math.inf
        if distance > STANDARD_ERRORS:
            return (
                f"Gaussian data N(mu, s^2) has the exact smeared score -(x - mu)/(s^2 + sigma^2), "
                f"so each step maps the chains' mean and variance as m' = m + a (mu - m), "
                f"v' = (1 - a)^2 v + alpha with a = alpha/(2 (s^2 + sigma^2)); after the schedule "
                f"the {name} must be {exact:.5f}, yours is {estimate:.5f}, {distance:.0f} "
                f"standard errors away"
            )
    return None


# ----------------------------------------------------------------------------------------- cases
def _net_inputs(rng: CaseRng, shape: tuple[int, ...], sigmas: list[float], n_steps: int, eps0):
    features = math.prod(shape[1:])
    return {
        "x": rng.normal(*shape),
        "sigmas": torch.tensor(sigmas, dtype=torch.float64),
        "n_steps": n_steps,
        "eps0": eps0,
        "noises": rng.normal(len(sigmas), n_steps, *shape),
        "score_net": mlp_weights(rng, [features, 8, features]),
    }


def _gaussian_inputs(rng: CaseRng, chains: tuple[int, ...]) -> dict[str, Any]:
    sigmas, n_steps, start_mean, start_variance = [3.0, 1.5, 0.6], 3, -1.0, 4.0
    return {
        "x": start_mean + rng.normal(*chains, scale=math.sqrt(start_variance)),
        "sigmas": torch.tensor(sigmas, dtype=torch.float64),
        "n_steps": n_steps,
        "eps0": 0.05,
        "noises": rng.normal(len(sigmas), n_steps, *chains),
        "mu": 0.8,
        "variance": 0.5,
        "start_mean": start_mean,
        "start_variance": start_variance,
    }


def annealed_cases(rng: CaseRng) -> list[Case]:
    return [
        Case(
            "vector x, three levels, two steps each",
            _net_inputs(rng, (6, 4), [2.0, 1.0, 0.5], 2, 0.02),
            dtypes=BOTH,
        ),
        Case(
            "image-shaped x, two levels, three steps each",
            _net_inputs(rng, (3, 2, 3, 3), [1.5, 0.4], 3, 0.01),
            dtypes=BOTH,
        ),
        Case(
            "Gaussian data, 20000 chains through the schedule",
            _gaussian_inputs(rng, (4000, 5)),
            compare=False,
            properties=(Property("mean and variance recursion", _follows_recursion, "statistics"),),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
ANNEALED = reference(MODULE, "annealed_langevin")


def _schedule_variant(step_size: Callable[[torch.Tensor, float], torch.Tensor]):
    """The reference run with ``eps0`` replaced so that level i steps ``step_size(sigmas, eps0)[i]``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        sigmas, inputs = evidence.seen("sigmas"), evidence.case.inputs
        wanted = step_size(sigmas, inputs["eps0"])
        noises, x, score = evidence.seen("noises"), evidence.seen("x"), score_of(inputs)
        for level in range(sigmas.shape[0]):  # one level at a time, each with its own eps0
            one = sigmas[level : level + 1]
            x = ANNEALED(
                x, score, one, inputs["n_steps"], float(wanted[level]), noises[level : level + 1]
            )
        return x

    return variant


ANNEALED_HINTS = (
    Hint(
        "scale the step size with the noise level: alpha_i = eps0 * sigma_i^2 / sigma_L^2 "
        "(sigma_L the last, smallest sigma), large steps at large sigma",
        explained_by(_schedule_variant(lambda sigmas, eps0: eps0 + 0 * sigmas)),
    ),
    Hint(
        "alpha_i = eps0 * sigma_i^2 / sigma_L^2 divides by the SMALLEST sigma, the last one",
        explained_by(_schedule_variant(lambda sigmas, eps0: eps0 * (sigmas / sigmas[0]) ** 2)),
    ),
    Hint(
        "the ratio of the noise levels is squared: alpha_i = eps0 * (sigma_i / sigma_L)^2",
        explained_by(_schedule_variant(lambda sigmas, eps0: eps0 * sigmas / sigmas[-1])),
    ),
    Hint(
        "score_fn takes sigma_b as a (B,) tensor of x's dtype, as in dsm_loss, e.g. "
        "sigma.expand(x.shape[0]) or x.new_full((B,), sigma)",
        all_of(failed_on(SIGMA_SEEN), at_stage("type", "shape", "dtype", "device")),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "annealed_langevin",
        points=2.5,
        cases=annealed_cases,
        probe=annealed_probe,
        groups=ANNEALED_GROUPS,
        lesson="the step size follows the noise level: alpha_i = eps0 * sigma_i^2 / sigma_L^2 with "
        "sigma_L the smallest sigma",
        forbidden=RANDOM_DRAWS,
        hints=ANNEALED_HINTS,
    ),
]
