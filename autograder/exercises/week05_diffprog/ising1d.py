"""Week 5 checks of ``ising1d_lnZ``, the periodic Ising chain by its 2 x 2 transfer matrix.

Oracle: ``ml4p_ref.week05_diffprog.ising1d_lnZ`` in float64 (ln tr T^N by binary powering in the log
domain, no eigenvalues), checked against brute-force enumeration and the closed forms of the
infinite chain in ``tests/test_ref_week05_ising.py``.

"values": ferromagnets with a field, coupling and field as tensors, and strong coupling
beta J = 100 (ln Z = 1000.693 for N = 10), where e^{beta J} overflows float32: the lesson, in the
gated group, so that the overflowing formula keeps at most the other ordinary values. "edge cases":
antiferromagnets with odd N (lambda_-^N < 0), two spins, a long chain. "physics": at N = 400 the
autograd energy, specific heat and magnetization equal the closed forms of the infinite chain.
"""

from __future__ import annotations

import itertools
import math

import torch

from autograder.case import BOTH, Case, CaseRng
from autograder.exercise import Exercise
from autograder.exercises.week05_diffprog.ising_common import (
    DERIVATIVES,
    MODULE,
    beta_of,
    exact,
    first_key,
    lnz_cases,
    lnz_probe,
    second_key,
    value_of,
)
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on

GROUPS = {"values": 3.0, "edge cases": 2.0, "gradients": 2.0, "physics": 3.0, "properties": 0.5}
THERMO_SITES = 400


def _number(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


def _energy(case: Case) -> float:
    coupling = value_of(case, "J")
    return -coupling * math.tanh(beta_of(case) * coupling)


def _specific_heat(case: Case) -> float:
    coupling = beta_of(case) * value_of(case, "J")
    return coupling**2 / math.cosh(coupling) ** 2


def _magnetization(case: Case) -> float:
    beta = beta_of(case)
    coupling, field = beta * value_of(case, "J"), beta * value_of(case, "h")
    return math.sinh(field) / math.sqrt(math.sinh(field) ** 2 + math.exp(-4 * coupling))


def _physics_cases(rng: CaseRng) -> list[Case]:
    beta = _number(rng.uniform(1, low=0.6, high=1.0).item())
    zero_field = {"beta": beta, "N": THERMO_SITES, "J": 1.0, "h": 0.0}
    in_field = {"beta": _number(0.8), "N": THERMO_SITES, "J": 1.0, "h": _number(0.1)}
    per_site = THERMO_SITES
    return [
        Case(
            f"thermodynamics at N = {per_site}, h = 0",
            {**zero_field, DERIVATIVES: (("beta", 2),)},
            group="physics",
            dtypes=BOTH,
            tolerance="derivative",
            grad=("beta",),
            properties=(
                exact(
                    "energy -dlnZ/dbeta / N = -J tanh(beta J)",
                    first_key("beta"),
                    _energy,
                    lambda value, case: -value / per_site,
                    kind="derivative",
                ),
                exact(
                    "specific heat beta^2 d2lnZ/dbeta2 / N = (beta J)^2 / cosh^2(beta J)",
                    second_key("beta"),
                    _specific_heat,
                    lambda value, case: beta_of(case) ** 2 * value / per_site,
                    kind="derivative",
                ),
            ),
        ),
        Case(
            f"magnetization at N = {per_site}, beta J = 0.8, beta h = 0.08",
            {**in_field, DERIVATIVES: (("h", 1),)},
            group="physics",
            dtypes=BOTH,
            tolerance="derivative",
            grad=("beta", "h"),
            properties=(
                exact(
                    "magnetization dlnZ/dh / (beta N) = sinh H / sqrt(sinh^2 H + e^{-4K})",
                    first_key("h"),
                    _magnetization,
                    lambda value, case: value / (beta_of(case) * per_site),
                    kind="derivative",
                ),
            ),
        ),
    ]


def ising1d_cases(rng: CaseRng) -> list[Case]:
    def beta() -> torch.Tensor:
        return _number(rng.uniform(1, low=0.3, high=1.2).item())

    def case(label: str, inputs: dict, group: str = "values", grad=("beta",)) -> list[Case]:
        return lnz_cases(label, inputs, group, grad)

    field = _number(rng.uniform(1, low=-0.8, high=0.8).item())
    coupling = _number(rng.uniform(1, low=0.5, high=1.5).item())
    cases = [
        case("ferromagnet in a field, N = 6", {"beta": beta(), "N": 6, "J": 1.0, "h": 0.4}),
        case(
            "coupling and field as tensors, N = 7",
            {"beta": beta(), "N": 7, "J": coupling, "h": field},
            grad=("beta", "J", "h"),
        ),
        case("strong coupling beta J = 100, N = 10", {"beta": _number(100.0), "N": 10}, grad=()),
        case(
            "antiferromagnet, odd N = 5",
            {"beta": beta(), "N": 5, "J": _number(-1.0), "h": 0.0},
            group="edge cases",
            grad=("beta", "J"),
        ),
        case(
            "antiferromagnet in a field, odd N = 7",
            {"beta": beta(), "N": 7, "J": -0.7, "h": field},
            group="edge cases",
            grad=("beta", "h"),
        ),
        case("two spins, N = 2", {"beta": beta(), "N": 2, "J": 1.0, "h": 0.3}, "edge cases"),
        case("long chain, N = 1000, beta J = 3", {"beta": _number(3.0), "N": 1000}, "edge cases"),
    ]
    return [*itertools.chain.from_iterable(cases), *_physics_cases(rng)]


def _without_sign(evidence: Evidence) -> torch.Tensor | None:
    """ln(lambda_+^N + |lambda_-|^N): the sign of lambda_-^N of an antiferromagnet with odd N lost."""
    if evidence.key != "out":
        return None
    beta, size = evidence.seen("beta"), evidence.case.inputs["N"]
    coupling = beta * value_of(evidence.case, "J")
    field = beta * value_of(evidence.case, "h")
    root = torch.sqrt(torch.sinh(field) ** 2 + torch.exp(-4 * coupling))
    log_large = coupling + torch.log(torch.cosh(field) + root)
    log_ratio = torch.log(2 * torch.sinh(2 * coupling).abs()) - 2 * log_large
    return size * log_large + torch.log1p(torch.exp(size * log_ratio))


HINTS = (
    Hint(
        "e^{beta J} overflows float32 at beta J = 89: never form it; "
        "ln lambda_+ = K + ln(cosh H + sqrt(sinh^2 H + e^{-4K}))",
        all_of(at_stage("nonfinite"), lambda evidence: "strong coupling" in evidence.case.label),
    ),
    Hint(
        "lambda_+^N overflows for a long chain: take N ln lambda_+ and the ratio "
        "(lambda_- / lambda_+)^N, which is at most 1",
        all_of(at_stage("nonfinite"), lambda evidence: "long chain" in evidence.case.label),
    ),
    Hint(
        "for J < 0 the small eigenvalue lambda_- is negative, and lambda_-^N < 0 when N is odd: "
        "keep its sign, sgn = sign(beta J)^N",
        explained_by(_without_sign),
    ),
    Hint(
        "ln Z must be differentiable in the tensors J and h: keep them in the graph (no float(), "
        ".item() or .detach())",
        all_of(failed_on("grad:J", "grad:h", "grad:beta", "dlnZ/dh"), at_stage("type")),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "ising1d_lnZ",
        points=2.0,
        cases=ising1d_cases,
        probe=lnz_probe("beta", "N"),
        groups=GROUPS,
        lesson="e^{beta J} overflows float32 at beta J = 89: work with ln lambda_+ = beta J + "
        "ln(...) and the ratio (lambda_- / lambda_+)^N, never with the eigenvalues themselves",
        hints=HINTS,
    ),
]
