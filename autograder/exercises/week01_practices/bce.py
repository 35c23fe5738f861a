"""Week 1 checks of ``bce_with_logits``: logits of +-50 and +-1e4, confident right answers whose
loss is below 1e-17 (``log1p``, not ``log(1 + ...)``), probability labels, the loss is never
negative and ``l(z, 1) = l(-z, 0)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week01_practices.softmax import GROUPS, MODULE
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    in_group,
    reference,
)
from autograder.probe import function_probe

BCE_BUILTINS = (
    "torch.nn.functional.binary_cross_entropy_with_logits",
    "torch.nn.BCEWithLogitsLoss",
    "torch.nn.functional.binary_cross_entropy",
    "torch.nn.BCELoss",
    "torch.nn.functional.softplus",
    "torch.nn.Softplus",
    "torch.nn.functional.logsigmoid",
    "torch.nn.LogSigmoid",
    "torch.logaddexp",
    "torch.Tensor.logaddexp",
)
BCE_OPS = (  # whichever name reached them
    "aten.binary_cross_entropy_with_logits",
    "aten.binary_cross_entropy",
    "aten.softplus",
    "aten.log_sigmoid_forward",
    "aten.logaddexp",
)


def _nonnegative(observed: Mapping, case: Case) -> str | None:
    loss = observed_array(observed, "out", tuple(case.inputs["z"].shape))
    tolerance = case.tolerance_of("reduction")
    floor = -tolerance.atol * max(float(case.seen("z").abs().max()), 1.0)
    bad = ~(loss >= floor)
    if not bool(bad.any()):
        return None
    worst = loss[bad].min() if not bool(loss[bad].isnan().any()) else float("nan")
    return f"{int(bad.sum())}/{loss.numel()} losses are negative or nan (e.g. {float(worst):.6g})"


def _symmetric(observed: Mapping, case: Case) -> str | None:
    """The case's z is ``[w, -w]`` and y is ``[1, 0]``: both halves must agree."""
    loss = observed_array(observed, "out", tuple(case.inputs["z"].shape))
    half = loss.shape[0] // 2
    tolerance = case.tolerance_of("reduction")
    first, second = loss[:half], loss[half:]
    scale = max(float(first.abs().max()), 1.0)
    allowed = tolerance.atol * scale + tolerance.rtol * first.abs()
    bad = ~((first - second).abs() <= allowed)
    if not bool(bad.any()):
        return None
    index = int(bad.nonzero()[0, 0])
    w = float(case.seen("z")[index])
    return (
        f"l(z, 1) and l(-z, 0) differ at z = {w:.6g}: {float(first[index]):.6g} and "
        f"{float(second[index]):.6g} ({int(bad.sum())}/{half} pairs)"
    )


def bce_cases(rng: CaseRng) -> list[Case]:
    n = rng.choice(6, 12)
    labels = rng.integers(2, n).double()
    signs = 2 * rng.integers(2, n).double() - 1
    grad = ("z",)
    symmetric = rng.normal(n, scale=4.0)
    confident = rng.uniform(n, low=40.0, high=80.0)
    return [
        Case(
            "random logits, labels 0 and 1",
            {"z": rng.normal(n, scale=3.0), "y": labels},
            dtypes=BOTH,
            grad=grad,
            properties=(Property("loss >= 0", _nonnegative),),
        ),
        Case(
            "random logits, probability labels",
            {"z": rng.normal(2, 3, 4, scale=3.0), "y": rng.uniform(2, 3, 4)},
            dtypes=BOTH,
            grad=("z", "y"),
        ),
        Case(
            "logits up to +-1e4",
            {"z": signs * rng.uniform(n, low=1e3, high=1e4), "y": rng.integers(2, n).double()},
            group="stability",
            dtypes=BOTH,
            grad=grad,
            properties=(Property("loss >= 0", _nonnegative),),
        ),
        Case(
            "logits +-50",
            {"z": 50.0 * signs, "y": rng.integers(2, n).double()},
            group="stability",
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "confident and right: losses below 1e-17",
            {"z": confident, "y": torch.ones(n, dtype=torch.float64)},
            group="stability",
            dtypes=BOTH,
        ),
        Case(
            "symmetry l(z, 1) = l(-z, 0)",
            {
                "z": torch.cat([symmetric, -symmetric]),
                "y": torch.cat([torch.ones(n), torch.zeros(n)]).double(),
            },
            group="properties",
            dtypes=BOTH,
            properties=(Property("symmetry", _symmetric),),
        ),
    ]


def _bce_variant(formula: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]):
    """A mistaken formula evaluated in the case's dtype on the inputs the student saw."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        dtype = evidence.case.dtype
        z, y = evidence.seen("z").to(dtype), evidence.seen("y").to(dtype)
        return formula(z, y).double()

    return variant


def _loss_capped(evidence: Evidence) -> bool:
    """Finite losses far below large reference losses: probabilities clamped before the log."""
    yours, expected = evidence.student_value(), evidence.reference_value()
    if yours is None or expected is None or yours.shape != expected.shape or evidence.key != "out":
        return False
    large = expected > 100
    return bool(large.any()) and bool((yours[large].isfinite() & (yours[large] < 50)).all())


BCE = reference(MODULE, "bce_with_logits")
BCE_HINTS = (
    Hint(
        "use max(z, 0) - z*y + log1p(exp(-|z|)): sigmoid(z) rounds to 0 or 1 for large |z|, its "
        "log is -inf, and 0 * inf is nan",
        all_of(in_group("stability"), at_stage("nonfinite")),
    ),
    Hint(
        "clamping the probabilities caps the loss at -log(eps); a confidently wrong logit of 1e4 "
        "costs 1e4: use the form with the logit, max(z, 0) - z*y + log1p(exp(-|z|))",
        _loss_capped,
    ),
    Hint(
        "use log1p(exp(-|z|)), not log(1 + exp(-|z|)): 1 + 1e-22 rounds to 1, whose log is 0",
        explained_by(
            _bce_variant(lambda z, y: z.clamp(min=0) - z * y + torch.log(1 + torch.exp(-z.abs())))
        ),
    ),
    Hint(
        "log1p(exp(-|z|)) takes the absolute value of z: without it exp(-z) overflows for "
        "negative z and the formula is wrong there",
        explained_by(
            _bce_variant(lambda z, y: z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z)))
        ),
    ),
    Hint(
        "the max(z, 0) term is missing: l = max(z, 0) - z*y + log1p(exp(-|z|))",
        explained_by(_bce_variant(lambda z, y: -z * y + torch.log1p(torch.exp(-z.abs())))),
    ),
    Hint(
        "y may be any probability in [0, 1]: use it as it is, do not round or threshold it",
        explained_by(lambda e: BCE(e.seen("z"), e.seen("y").round()) if e.key == "out" else None),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "bce_with_logits",
        points=1.0,
        cases=bce_cases,
        probe=function_probe("z", "y"),
        groups=GROUPS,
        lesson="compute from the logit, max(z, 0) - z*y + log1p(exp(-|z|)): the log of sigmoid(z) "
        "is -inf, and the loss nan, once sigmoid rounds to 0 or 1",
        forbidden=BCE_BUILTINS,
        forbidden_ops=BCE_OPS,
        hints=BCE_HINTS,
    ),
]
