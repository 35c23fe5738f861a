"""Week 6 checks of ``variational_free_energy``: F = E_q[ln q / beta + E] and its standard error.

Values on random ``ln q`` and energies at beta != 1 (so that a misplaced beta shows), and two exact
results of the Gaussian target E = x^T A x, A = [[1, 1], [1, 2]] (curriculum.md 6.3 and 4.3), with
samples the grader draws: the exact sampler x = L z, L L^T = (2 A)^-1, at beta = 1 gives
f_i = -ln pi for every sample (F_mean = -ln pi, F_stderr = 0); a mismatched Gaussian q at beta = 2
gives F = (-ln Z + KL(q || p)) / beta, which the estimate must meet within 5 of its standard errors
(computed from the samples). Oracle: ``ml4p_ref.week06_generative1.variational_free_energy``
(``torch.std_mean``) in float64; the closed forms are checked in tests/test_ref_week06_variational.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, explained_by, scaled
from autograder.probe import ProbeContext

MODULE = "week06_generative1"
FREE_ENERGY_GROUPS = {"values": 3.0, "edge cases": 0.5, "exact results": 2.0, "properties": 0.5}
F_MEAN, F_STDERR, RETURNED = "F_mean", "F_stderr", "returned"
TARGET = torch.tensor([[1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)  # E = x^T A x


# ------------------------------------------------------------------------------ Gaussian target
def gaussian_log_density(x: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor) -> torch.Tensor:
    """ln N(x; mean, cov) of each row of ``x``."""
    return torch.distributions.MultivariateNormal(mean, covariance_matrix=cov).log_prob(x)


def target_energy(x: torch.Tensor, matrix: torch.Tensor = TARGET) -> torch.Tensor:
    """E(x) = x^T A x of each row."""
    return torch.einsum("bi,ij,bj->b", x, matrix, x)


def target_log_z(beta: float, matrix: torch.Tensor = TARGET) -> float:
    """ln Z of exp(-beta x^T A x): (d/2) ln(pi / beta) - 1/2 ln det A."""
    dim = matrix.shape[0]
    return 0.5 * dim * math.log(math.pi / beta) - 0.5 * float(torch.logdet(matrix))


def gaussian_kl(
    mean_q: torch.Tensor, cov_q: torch.Tensor, mean_p: torch.Tensor, cov_p: torch.Tensor
) -> float:
    """KL(N(mean_q, cov_q) || N(mean_p, cov_p)) in closed form (curriculum.md 4.3)."""
    precision = torch.linalg.inv(cov_p)
    shift = mean_p - mean_q
    trace = float(torch.trace(precision @ cov_q))
    return 0.5 * (
        trace
        + float(shift @ precision @ shift)
        - mean_q.shape[0]
        + float(torch.logdet(cov_p))
        - float(torch.logdet(cov_q))
    )


def exact_free_energy(mean_q: torch.Tensor, cov_q: torch.Tensor, beta: float) -> float:
    """F of q = N(mean_q, cov_q) against the target at ``beta``: (-ln Z + KL(q || p)) / beta."""
    cov_p = torch.linalg.inv(2 * beta * TARGET)
    kl = gaussian_kl(mean_q, cov_q, torch.zeros(2, dtype=torch.float64), cov_p)
    return (kl - target_log_z(beta)) / beta


def _gaussian_samples(
    rng: CaseRng, samples: int, mean: torch.Tensor, cov: torch.Tensor, beta: float
) -> dict[str, Any]:
    x = mean + rng.normal(samples, 2) @ torch.linalg.cholesky(cov).T
    log_q = gaussian_log_density(x, mean, cov)
    return {"log_q": log_q, "energy": target_energy(x), "beta": beta, "mean": mean, "cov": cov}


# ------------------------------------------------------------------------------ probe and checks
def free_energy_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``variational_free_energy(log_q, energy, beta)``, its pair split into two observations."""
    out = ctx.call(impl, inputs["log_q"], inputs["energy"], inputs["beta"])
    if isinstance(out, (tuple, list)) and len(out) == 2:
        return {F_MEAN: out[0], F_STDERR: out[1]}
    return {RETURNED: out}


def _per_sample(case: Case) -> torch.Tensor:
    """f_i = ln q_i / beta + E_i as the student's inputs give them, float64."""
    return case.seen("log_q") / case.inputs["beta"] + case.seen("energy")


def _terms_size(case: Case) -> float:
    """The size of what cancels in f_i, for tolerances of exact results."""
    return float((case.seen("log_q").abs() / case.inputs["beta"] + case.seen("energy").abs()).max())


def _is_minus_ln_pi(observed: Mapping, case: Case) -> str | None:
    yours = float(observed_array(observed, F_MEAN, ()))
    exact = -math.log(math.pi)
    tolerance = case.tolerance_of("closed_form")
    if abs(yours - exact) <= tolerance.rtol * _terms_size(case) + tolerance.atol:
        return None
    return (
        f"with the exact sampler every f_i is -ln Z = -ln pi = {exact:.10g}, so F_mean is too; "
        f"yours {yours:.10g}"
    )


def _no_spread(observed: Mapping, case: Case) -> str | None:
    yours = float(observed_array(observed, F_STDERR, ()))
    tolerance = case.tolerance_of("closed_form")
    if abs(yours) <= tolerance.rtol * _terms_size(case) + tolerance.atol:
        return None
    return (
        f"with the exact sampler every f_i is the same number, so F_stderr must be 0; yours "
        f"{yours:.6g}"
    )


def _within_standard_errors(observed: Mapping, case: Case) -> str | None:
    yours = float(observed_array(observed, F_MEAN, ()))
    samples = _per_sample(case)
    stderr = float(samples.std()) / math.sqrt(samples.shape[0])
    exact = exact_free_energy(case.inputs["mean"], case.inputs["cov"], case.inputs["beta"])
    away = abs(yours - exact) / stderr
    if away <= 5:
        return None
    return (
        f"F = (-ln Z + KL(q || p)) / beta = {exact:.6g} for this Gaussian q; yours {yours:.6g} "
        f"is {away:.3g} standard errors away (at most 5)"
    )


def free_energy_cases(rng: CaseRng) -> list[Case]:
    def random_inputs(samples: int, beta: float) -> dict[str, Any]:
        return {
            "log_q": rng.normal(samples, scale=2.0) - 2.0,
            "energy": rng.uniform(samples, high=3.0),
            "beta": beta,
        }

    exact_q = _gaussian_samples(
        rng, 16, torch.zeros(2, dtype=torch.float64), torch.linalg.inv(2 * TARGET), 1.0
    )
    mismatched = torch.tensor([[0.6, -0.1], [-0.1, 0.3]], dtype=torch.float64)
    mismatched_q = _gaussian_samples(
        rng, 4000, torch.tensor([0.3, -0.2], dtype=torch.float64), mismatched, 2.0
    )
    exact = "exact results"
    return [
        Case("random samples, beta = 2", random_inputs(8, 2.0), dtypes=BOTH),
        Case("random samples, beta = 0.5", random_inputs(6, 0.5), dtypes=BOTH),
        Case("two samples", random_inputs(2, 1.5), group="edge cases", dtypes=BOTH),
        Case(
            "exact sampler of the Gaussian target, beta = 1",
            exact_q,
            group=exact,
            dtypes=BOTH,
            compare=False,  # the reference's F_stderr is rounding noise: no scale to compare on
            properties=(
                Property("F_mean = -ln pi", _is_minus_ln_pi, exact),
                Property("F_stderr = 0", _no_spread, exact),
            ),
        ),
        Case(
            "mismatched Gaussian q, beta = 2",
            mismatched_q,
            group=exact,
            properties=(
                Property(
                    "F = (-ln Z + KL) / beta within 5 standard errors",
                    _within_standard_errors,
                    exact,
                ),
            ),
        ),
    ]


# ------------------------------------------------------------------------------ hints
def _mean_variant(per_sample):
    """F_mean of the wrong per-sample values ``per_sample(log_q, energy, beta)``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != F_MEAN:
            return None
        log_q, energy = evidence.seen("log_q"), evidence.seen("energy")
        return per_sample(log_q, energy, evidence.case.inputs["beta"]).mean()

    return variant


def _biased(evidence: Evidence) -> float:
    samples = evidence.case.inputs["log_q"].shape[0]
    return math.sqrt((samples - 1) / samples)


def _unscaled(evidence: Evidence) -> float:
    return math.sqrt(evidence.case.inputs["log_q"].shape[0])


FREE_ENERGY_HINTS = (
    Hint(
        "divide ln q by beta: f = ln q / beta + E (beta * ln q has the wrong units)",
        explained_by(_mean_variant(lambda log_q, energy, beta: beta * log_q + energy)),
    ),
    Hint(
        "beta is missing: f = ln q / beta + E",
        explained_by(_mean_variant(lambda log_q, energy, beta: log_q + energy)),
    ),
    Hint(
        "F = E_q[ln q / beta + E]: both terms enter with a + sign",
        explained_by(_mean_variant(lambda log_q, energy, beta: log_q / beta - energy)),
    ),
    Hint(
        "use the unbiased standard deviation, divided by B - 1 (torch's default correction=1)",
        scaled(_biased, F_STDERR),
    ),
    Hint("the standard error is std / sqrt(B), not std", scaled(_unscaled, F_STDERR)),
)


EXERCISES = [
    Exercise(
        MODULE,
        "variational_free_energy",
        points=2.0,
        cases=free_energy_cases,
        probe=free_energy_probe,
        groups=FREE_ENERGY_GROUPS,
        lesson="the entropy term is ln q / beta: F = E_q[ln q / beta + E], so that "
        "beta F = KL(q || p) - ln Z",
        hints=FREE_ENERGY_HINTS,
    ),
]
