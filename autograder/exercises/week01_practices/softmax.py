"""Week 1 checks of the softmax family: softmax, logsumexp, log_softmax, cross_entropy_from_logits.

Each case is compared with torch's own functions in float64 (``ml4p_ref.week01_practices``); the
edge cases are the ones curriculum.md lists: logits of 1e4 and 1e30, masked (``-inf``) entries, an
all ``-inf`` row, ``dim`` other than the last, a single class, an empty batch, int32 labels. The
lesson of the week is numerical stability, so the "stability" group carries most of the points
(``GROUPS``, also the weights of ``bce`` and ``metropolis``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from autograder.case import BOTH, Case, CaseRng
from autograder.exercise import Exercise
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    failed_on,
    in_group,
    reference,
    scaled,
)
from autograder.probe import function_probe

MODULE = "week01_practices"
INF = math.inf

SOFTMAX_FAMILY = (
    "torch.softmax",
    "torch.nn.functional.softmax",
    "torch.Tensor.softmax",
    "torch.special.softmax",
    "torch.log_softmax",
    "torch.nn.functional.log_softmax",
    "torch.Tensor.log_softmax",
    "torch.special.log_softmax",
    "torch.nn.functional.softmin",
    "torch.logsumexp",
    "torch.Tensor.logsumexp",
    "torch.special.logsumexp",
)
SOFTMAX_OPS = (  # what every softmax-like built-in dispatches to, whichever name reached it
    "aten._softmax",
    "aten._safe_softmax",
    "aten._log_softmax",
    "aten.logsumexp",
    "aten._sparse_softmax",
    "aten._sparse_log_softmax",
)
CROSS_ENTROPY_BUILTINS = (
    "torch.nn.functional.cross_entropy",
    "torch.nn.functional.nll_loss",
    "torch.nn.CrossEntropyLoss",
    "torch.nn.NLLLoss",
)
CROSS_ENTROPY_OPS = ("aten.nll_loss_forward", "aten.nll_loss2d_forward")
GROUPS = {"values": 3.0, "stability": 6.0, "edge cases": 1.0, "gradients": 1.0, "properties": 0.5}
SHIFT_HINT = "subtract the maximum along dim before exp (softmax(z) = softmax(z - max z))"


def _random_shape(rng: CaseRng) -> tuple[int, int]:
    return rng.choice(2, 6), rng.choice(3, 9)


def _with_masked(rng: CaseRng, z: torch.Tensor, fraction: float = 0.3) -> torch.Tensor:
    """``z`` with about ``fraction`` of the entries set to ``-inf``, but never a whole row."""
    masked = z.clone()
    drop = rng.uniform(*z.shape) < fraction
    drop[..., 0] = False
    masked[drop] = -INF
    return masked


def _all_neg_inf_row(rng: CaseRng) -> torch.Tensor:
    z = rng.normal(3, 5)
    z[1] = -INF
    return z


def _overflow_cases(rng: CaseRng, b: int, c: int) -> list[Case]:
    """Logits of size 1e4 (both dtypes, with gradients) and 1e30: exp of them overflows."""
    return [
        Case(
            "large logits",
            {"z": rng.uniform(b, c, low=-1e4, high=1e4)},
            group="stability",
            dtypes=BOTH,
            grad=("z",),
        ),
        Case("huge logits 1e30", {"z": rng.uniform(b, c, low=-1e30, high=1e30)}, group="stability"),
    ]


def _masked_case(rng: CaseRng, b: int, c: int, grad: tuple[str, ...] = ()) -> Case:
    z = _with_masked(rng, rng.normal(b, c))
    return Case("masked entries (-inf)", {"z": z}, group="edge cases", grad=grad)


def _dim(evidence: Evidence) -> int:
    return evidence.case.inputs.get("dim", -1)


# ----------------------------------------------------------------------------------------- hints
def _where_reference(special: str):
    """Applies when the student's output is ``special`` where the reference is not."""

    def applies(evidence: Evidence) -> bool:
        yours, expected = evidence.student_value(), evidence.reference_value()
        if yours is None or expected is None or yours.shape != expected.shape:
            return False
        if special == "nan where infinite":
            return bool((yours.isnan() & expected.isinf()).any())
        if special == "finite where nan":
            return bool((yours.isfinite() & expected.isnan()).any())
        return bool(((yours == -INF) & expected.isfinite()).any())  # "-inf where finite"

    return applies


def _not_normalized_along_dim(evidence: Evidence) -> bool:
    yours = evidence.student_value()
    if yours is None or yours.shape != evidence.seen("z").shape or yours.numel() == 0:
        return False
    sums = yours.sum(_dim(evidence))
    finite = sums.isfinite()
    return bool(finite.any()) and not torch.allclose(
        sums[finite], torch.ones_like(sums[finite]), atol=1e-4
    )


OVERFLOW = Hint(SHIFT_HINT, all_of(in_group("stability"), at_stage("nonfinite"), failed_on("out")))


# ----------------------------------------------------------------------------------------- softmax
def softmax_cases(rng: CaseRng) -> list[Case]:
    b, c = _random_shape(rng)
    batch = rng.normal(2, 3, 4, 5, scale=3.0)
    grad = ("z",)
    return [
        Case("random logits", {"z": rng.normal(b, c, scale=2.0)}, dtypes=BOTH, grad=grad),
        Case("batch dims, dim=1", {"z": batch, "dim": 1}, dtypes=BOTH, grad=grad),
        Case("dim=-2", {"z": batch, "dim": -2}, dtypes=BOTH, grad=grad),
        Case("slide example [1, 2, 3]", {"z": torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)}),
        Case("slide example [2, 4, 6]", {"z": torch.tensor([2.0, 4.0, 6.0], dtype=torch.float64)}),
        *_overflow_cases(rng, b, c),
        Case("single class", {"z": rng.normal(4, 1)}, group="edge cases", grad=grad),
        Case("empty batch", {"z": torch.zeros(0, c, dtype=torch.float64)}, group="edge cases"),
        _masked_case(rng, b, c, grad=("z",)),
        Case("all -inf row gives nan", {"z": _all_neg_inf_row(rng)}, group="edge cases"),
    ]


SOFTMAX_REFERENCE = reference(MODULE, "softmax")


def along_last_axis(function: Callable[..., torch.Tensor]) -> Hint:
    """The hint for a normalization always taken along the last axis, whatever ``dim`` says."""
    return Hint(
        "normalize along dim, not along the last axis",
        explained_by(lambda e: function(e.seen("z"), dim=-1) if _dim(e) != -1 else None),
    )


SOFTMAX_HINTS = (
    OVERFLOW,
    Hint(
        "a slice that is all -inf has no finite maximum: its result is nan, as torch.softmax",
        _where_reference("finite where nan"),
    ),
    along_last_axis(SOFTMAX_REFERENCE),
    Hint(
        "normalize along dim (it may be any axis): the result must sum to 1 along dim",
        _not_normalized_along_dim,
    ),
)


# ----------------------------------------------------------------------------------------- logsumexp
def logsumexp_cases(rng: CaseRng) -> list[Case]:
    b, c = _random_shape(rng)
    with_inf = rng.normal(b, c)
    with_inf[0, 1] = INF
    grad = ("z",)
    return [
        Case("random", {"z": rng.normal(b, c, scale=2.0)}, dtypes=BOTH, grad=grad),
        Case(
            "dim=0, keepdim",
            {"z": rng.normal(2, 3, 4, scale=3.0), "dim": 0, "keepdim": True},
            dtypes=BOTH,
            grad=grad,
        ),
        *_overflow_cases(rng, b, c),
        _masked_case(rng, b, c, grad=("z",)),
        Case("all -inf row gives -inf", {"z": _all_neg_inf_row(rng)}, group="edge cases"),
        Case("+inf entry gives +inf", {"z": with_inf}, group="edge cases"),
        Case("empty batch", {"z": torch.zeros(0, c, dtype=torch.float64)}, group="edge cases"),
    ]


LOGSUMEXP_HINTS = (
    OVERFLOW,
    Hint(
        "when the maximum is not finite (an all -inf slice, a +inf entry), shift by 0 instead: "
        "else -inf - (-inf) and inf - inf give nan",
        _where_reference("nan where infinite"),
    ),
)


# ----------------------------------------------------------------------------------------- log_softmax
def log_softmax_cases(rng: CaseRng) -> list[Case]:
    b, c = _random_shape(rng)
    far_apart = torch.tensor([[1e4, 0.0], [0.0, -2e4]], dtype=torch.float64)
    grad = ("z",)
    return [
        Case("random", {"z": rng.normal(b, c, scale=2.0)}, dtypes=BOTH, grad=grad),
        Case("dim=0", {"z": rng.normal(3, 4, 2), "dim": 0}, dtypes=BOTH, grad=grad),
        *_overflow_cases(rng, b, c),
        Case("z = [1e4, 0] gives [0, -1e4]", {"z": far_apart}, group="stability"),
        _masked_case(rng, b, c),
    ]


LOG_SOFTMAX_HINTS = (
    Hint(
        "log(softmax(z)) underflows to -inf where softmax(z) rounds to 0: compute "
        "z - logsumexp(z) instead",
        _where_reference("-inf where finite"),
    ),
    OVERFLOW,
    along_last_axis(reference(MODULE, "log_softmax")),
)


# ----------------------------------------------------------------------------------------- cross-entropy
def cross_entropy_cases(rng: CaseRng) -> list[Case]:
    b, c = rng.choice(3, 8), rng.choice(3, 7)
    labels = rng.integers(c, b)
    soft = torch.softmax(rng.normal(b, c, scale=2.0), dim=-1)
    onehot = torch.nn.functional.one_hot(labels, c).double()
    wrong_class = torch.zeros(b, c, dtype=torch.float64)
    wrong_class[:, 0] = 1e4
    wrong_labels = 1 + rng.integers(c - 1, b)
    grad = ("logits",)

    def logits(scale: float = 2.0) -> torch.Tensor:
        return rng.normal(b, c, scale=scale)

    return [
        Case("integer labels", {"logits": logits(), "target": labels}, dtypes=BOTH, grad=grad),
        Case(
            "probability targets",
            {"logits": logits(), "target": soft},
            dtypes=BOTH,
            grad=("logits", "target"),
        ),
        Case("one-hot targets", {"logits": logits(), "target": onehot}, grad=grad),
        Case("int32 labels", {"logits": logits(), "target": labels.int()}, grad=grad),
        Case(
            "reduction='sum'",
            {"logits": logits(), "target": labels, "reduction": "sum"},
            grad=grad,
        ),
        Case(
            "reduction='none'",
            {"logits": logits(), "target": labels, "reduction": "none"},
            grad=grad,
        ),
        Case(
            "large logits, wrong class",
            {"logits": wrong_class, "target": wrong_labels},
            group="stability",
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "single sample",
            {"logits": rng.normal(1, c), "target": labels[:1]},
            group="edge cases",
            grad=grad,
        ),
    ]


CROSS_ENTROPY_REFERENCE = reference(MODULE, "cross_entropy_from_logits")


def _batch_size(evidence: Evidence) -> float:
    if evidence.case.inputs.get("reduction", "mean") != "mean":
        return 1.0
    return float(evidence.case.inputs["logits"].shape[0])


def _argmax_labels(evidence: Evidence) -> torch.Tensor | None:
    target = evidence.seen("target")
    if not target.is_floating_point():
        return None
    reduction = evidence.case.inputs.get("reduction", "mean")
    return CROSS_ENTROPY_REFERENCE(evidence.seen("logits"), target.argmax(-1), reduction)


CROSS_ENTROPY_HINTS = (
    OVERFLOW,
    Hint("reduction='mean' divides the summed loss by the batch size", scaled(_batch_size)),
    Hint("the cross-entropy is -log p of the true class: check the sign", scaled(-1.0)),
    Hint(
        "probability targets weigh every class: -sum_c p_c log softmax(z)_c, not the loss of "
        "argmax p",
        explained_by(_argmax_labels),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "softmax",
        points=2.0,
        cases=softmax_cases,
        probe=function_probe("z"),
        groups=GROUPS,
        lesson="subtract the maximum before exp, or large logits overflow to nan",
        forbidden=SOFTMAX_FAMILY,
        forbidden_ops=SOFTMAX_OPS,
        hints=SOFTMAX_HINTS,
    ),
    Exercise(
        MODULE,
        "logsumexp",
        points=1.0,
        cases=logsumexp_cases,
        probe=function_probe("z"),
        groups=GROUPS,
        lesson="shift by the maximum, or exp overflows for large logits",
        forbidden=SOFTMAX_FAMILY,
        forbidden_ops=SOFTMAX_OPS,
        hints=LOGSUMEXP_HINTS,
    ),
    Exercise(
        MODULE,
        "log_softmax",
        points=1.0,
        cases=log_softmax_cases,
        probe=function_probe("z"),
        groups=GROUPS,
        lesson="z - logsumexp(z), never log(softmax(z)), which underflows to -inf",
        forbidden=SOFTMAX_FAMILY,
        forbidden_ops=SOFTMAX_OPS,
        hints=LOG_SOFTMAX_HINTS,
    ),
    Exercise(
        MODULE,
        "cross_entropy_from_logits",
        points=2.0,
        cases=cross_entropy_cases,
        probe=function_probe("logits", "target"),
        groups=GROUPS,
        lesson="compute from the logits with log-sum-exp: the log of a softmax is -inf for a "
        "confidently wrong class",
        forbidden=SOFTMAX_FAMILY + CROSS_ENTROPY_BUILTINS,
        forbidden_ops=SOFTMAX_OPS + CROSS_ENTROPY_OPS,
        hints=CROSS_ENTROPY_HINTS,
    ),
]
