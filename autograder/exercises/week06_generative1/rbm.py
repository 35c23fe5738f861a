"""Week 6 checks of ``rbm_free_energy``: random RBMs, one hidden unit, one configuration, weights of
size 1e4 (softplus must not overflow), gradients w.r.t. every input, and the exact ln Z of a small
RBM, summed over every (v, h), recovered from the free energies of all 2^{n_v} visible
configurations.

Oracle: ``ml4p_ref.week06_generative1.rbm_free_energy`` (``torch.logaddexp``), itself checked
against brute-force sums over the hidden units in ``tests/test_ref_week06_estimators.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, at_stage, explained_by, raised, reference
from autograder.probe import function_probe

MODULE = "week06_generative1"
RBM_GROUPS = {"values": 3.0, "stability": 5.0, "gradients": 2.0, "properties": 1.0}
GRAD = ("v", "W", "b", "c")
# F.softplus is linear above its threshold 20 (off by up to 2e-9): ordinary cases keep every
# activation below it, large ones far above it
ORDINARY_LIMIT, LARGE_FLOOR = 15.0, 50.0


def binary_configurations(n: int) -> torch.Tensor:
    """All 2^n configurations of n binary units, shape ``(2^n, n)``, float64."""
    return torch.tensor(list(itertools.product((0.0, 1.0), repeat=n)), dtype=torch.float64)


def exact_log_partition(W: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> float:
    """ln Z = ln sum_{v, h} e^{-E(v, h)}, E = -b.v - c.h - h.W v, by enumerating every (v, h)."""
    v, h = binary_configurations(W.shape[1]), binary_configurations(W.shape[0])
    minus_energy = (v @ b)[:, None] + (h @ c)[None, :] + v @ W.T @ h.T
    return float(torch.logsumexp(minus_energy.reshape(-1), dim=0))


def _rbm(rng: CaseRng, batch: int, n_v: int, n_h: int, scale: float = 1.0) -> dict:
    """Random visible configurations and parameters; every activation c + W v is below
    ORDINARY_LIMIT in size (scale 1) or above LARGE_FLOOR (large scales)."""
    for _ in range(100):
        inputs = {
            "v": (rng.uniform(batch, n_v) < 0.5).double(),
            "W": rng.normal(n_h, n_v, scale=0.7 * scale),
            "b": rng.normal(n_v, scale=scale),
            "c": rng.normal(n_h, scale=scale),
        }
        size = (inputs["v"] @ inputs["W"].T + inputs["c"]).abs()
        fits = size.max() < ORDINARY_LIMIT if scale == 1.0 else size.min() > LARGE_FLOOR
        if bool(fits):
            return inputs
    raise RuntimeError("no RBM with the requested activations")


def _recovers_log_partition(observed: Mapping, case: Case) -> str | None:
    """log sum_v e^{-F(v)} over every visible configuration is the exact ln Z."""
    v = case.inputs["v"]
    free_energy = observed_array(observed, "out", (v.shape[0],))
    exact = exact_log_partition(case.seen("W"), case.seen("b"), case.seen("c"))
    yours = float(torch.logsumexp(-free_energy, dim=0))
    tolerance = case.tolerance_of("closed_form")
    if abs(yours - exact) <= tolerance.rtol * abs(exact) + tolerance.atol:
        return None
    return (
        f"log sum_v exp(-F(v)) over all {v.shape[0]} visible configurations must be the exact "
        f"ln Z = {exact:.10g} (a sum over every (v, h)); yours gives {yours:.10g}"
    )


def rbm_cases(rng: CaseRng) -> list[Case]:
    n_v, n_h = rng.choice(5, 7), rng.choice(3, 4)
    every_v = {**_rbm(rng, 1, 6, 4), "v": binary_configurations(6)}
    return [
        Case("random RBM", _rbm(rng, 8, n_v, n_h), dtypes=BOTH, grad=GRAD),
        Case("one hidden unit", _rbm(rng, 5, n_v, 1), dtypes=BOTH, grad=GRAD),
        Case("one configuration", _rbm(rng, 1, n_v, n_h), group="values", grad=GRAD),
        Case(
            "weights and biases of size 1e4",
            _rbm(rng, 8, n_v, n_h, scale=1e4),
            group="stability",
            dtypes=BOTH,
            grad=GRAD,
        ),
        Case(
            "all 2^6 visible configurations",
            every_v,
            group="properties",
            dtypes=BOTH,
            properties=(Property("exact ln Z by enumeration", _recovers_log_partition),),
        ),
    ]


def _rbm_variant(visible_sign: float, hidden_sign: float):
    """The free energy with its terms -b.v and -sum_j softplus(.) multiplied by the given signs."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        v, W, b, c = (evidence.seen(name) for name in ("v", "W", "b", "c"))
        hidden = RBM(v, W, torch.zeros_like(b), c)  # -sum_j softplus(c_j + W_j.v)
        return visible_sign * -(v @ b) + hidden_sign * hidden

    return variant


RBM = reference(MODULE, "rbm_free_energy")
RBM_HINTS = (
    Hint(
        "log(1 + exp(a)) overflows for large activations a = c + W v: use "
        "torch.nn.functional.softplus, or max(a, 0) + log1p(exp(-|a|))",
        at_stage("nonfinite"),
    ),
    Hint(
        "W has shape (n_h, n_v): the activations are v @ W.T + c, shape (B, n_h)",
        raised("RuntimeError"),
    ),
    Hint(
        "F(v) = -b.v - sum_j softplus(c_j + W_j.v): both terms carry a minus sign",
        explained_by(_rbm_variant(-1.0, -1.0)),
    ),
    Hint(
        "the visible term -b.v is missing",
        explained_by(_rbm_variant(0.0, 1.0)),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "rbm_free_energy",
        points=2.0,
        cases=rbm_cases,
        probe=function_probe("v", "W", "b", "c"),
        groups=RBM_GROUPS,
        lesson="softplus(a) = log(1 + e^a) overflows for the large activations of a trained RBM: "
        "use a stable softplus, max(a, 0) + log1p(e^{-|a|})",
        hints=RBM_HINTS,
    ),
]
