"""Week 1 checks: softmax, logsumexp, log_softmax, cross_entropy_from_logits.

Each case is compared with torch's own functions in float64 (``ml4p_ref.week01_practices``); the
edge cases are the ones curriculum.md lists: logits of 1e4 and 1e30, masked (``-inf``) entries, an
all ``-inf`` row, ``dim`` other than the last, a single class, an empty batch, int32 labels.
"""

from __future__ import annotations

import math

import torch

from autograder.case import Case, CaseRng, in_dtypes
from autograder.exercise import Exercise, Hint
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
CROSS_ENTROPY_BUILTINS = (
    "torch.nn.functional.cross_entropy",
    "torch.nn.functional.nll_loss",
    "torch.nn.CrossEntropyLoss",
    "torch.nn.NLLLoss",
)
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


# ----------------------------------------------------------------------------------------- softmax
def softmax_cases(rng: CaseRng) -> list[Case]:
    b, c = _random_shape(rng)
    batch = rng.normal(2, 3, 4, 5, scale=3.0)
    large = rng.uniform(b, c, low=-1e4, high=1e4)
    huge = rng.uniform(b, c, low=-1e30, high=1e30)
    masked = _with_masked(rng, rng.normal(b, c))
    cases = []
    cases += in_dtypes(
        lambda d: Case("random logits", {"z": rng.normal(b, c, scale=2.0)}, dtype=d, grad=("z",))
    )
    cases += in_dtypes(
        lambda d: Case("batch dims, dim=1", {"z": batch}, {"dim": 1}, dtype=d, grad=("z",))
    )
    cases += in_dtypes(lambda d: Case("dim=-2", {"z": batch}, {"dim": -2}, dtype=d, grad=("z",)))
    cases += [
        Case("slide example [1, 2, 3]", {"z": torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)}),
        Case("slide example [2, 4, 6]", {"z": torch.tensor([2.0, 4.0, 6.0], dtype=torch.float64)}),
        Case("single class", {"z": rng.normal(4, 1)}, grad=("z",)),
        Case("empty batch", {"z": torch.zeros(0, c, dtype=torch.float64)}),
        Case("masked entries (-inf)", {"z": masked}, grad=("z",)),
        Case(
            "all -inf row gives nan",
            {"z": _all_neg_inf_row(rng)},
            hint="a row that is all -inf has no finite maximum: the result is nan, as torch.softmax",
        ),
    ]
    cases += in_dtypes(
        lambda d: Case("large logits", {"z": large}, dtype=d, grad=("z",), hint=SHIFT_HINT)
    )
    cases += [Case("huge logits 1e30", {"z": huge}, hint=SHIFT_HINT)]
    return cases


def _not_normalized_along_dim(student, reference, case) -> bool:
    out = student["out"].data.double()
    sums = out.sum(case.kwargs.get("dim", -1))
    finite = sums.isfinite()
    return bool(finite.any()) and not torch.allclose(
        sums[finite], torch.ones_like(sums[finite]), atol=1e-4
    )


# ----------------------------------------------------------------------------------------- logsumexp
def logsumexp_cases(rng: CaseRng) -> list[Case]:
    b, c = _random_shape(rng)
    batch = rng.normal(2, 3, 4, scale=3.0)
    with_inf = rng.normal(b, c)
    with_inf[0, 1] = INF
    cases = []
    cases += in_dtypes(
        lambda d: Case("random", {"z": rng.normal(b, c, scale=2.0)}, dtype=d, grad=("z",))
    )
    cases += in_dtypes(
        lambda d: Case(
            "dim=0, keepdim", {"z": batch}, {"dim": 0, "keepdim": True}, dtype=d, grad=("z",)
        )
    )
    cases += in_dtypes(
        lambda d: Case(
            "large logits",
            {"z": rng.uniform(b, c, low=-1e4, high=1e4)},
            dtype=d,
            grad=("z",),
            hint=SHIFT_HINT,
        )
    )
    cases += [
        Case("huge logits 1e30", {"z": rng.uniform(b, c, low=-1e30, high=1e30)}, hint=SHIFT_HINT),
        Case("masked entries (-inf)", {"z": _with_masked(rng, rng.normal(b, c))}, grad=("z",)),
        Case(
            "all -inf row gives -inf",
            {"z": _all_neg_inf_row(rng)},
            hint="when the maximum is not finite, shift by 0 instead (else -inf - (-inf) = nan)",
        ),
        Case(
            "+inf entry gives +inf",
            {"z": with_inf},
            hint="when the maximum is +inf, shift by 0 instead (else inf - inf = nan)",
        ),
        Case("empty batch", {"z": torch.zeros(0, c, dtype=torch.float64)}),
    ]
    return cases


# ----------------------------------------------------------------------------------------- log_softmax
def log_softmax_cases(rng: CaseRng) -> list[Case]:
    b, c = _random_shape(rng)
    far_apart = torch.tensor([[1e4, 0.0], [0.0, -2e4]], dtype=torch.float64)
    cases = []
    cases += in_dtypes(
        lambda d: Case("random", {"z": rng.normal(b, c, scale=2.0)}, dtype=d, grad=("z",))
    )
    cases += in_dtypes(
        lambda d: Case("dim=0", {"z": rng.normal(3, 4, 2)}, {"dim": 0}, dtype=d, grad=("z",))
    )
    cases += in_dtypes(
        lambda d: Case(
            "large logits",
            {"z": rng.uniform(b, c, low=-1e4, high=1e4)},
            dtype=d,
            grad=("z",),
            hint=SHIFT_HINT,
        )
    )
    cases += [
        Case(
            "z = [1e4, 0] gives [0, -1e4]",
            {"z": far_apart},
            hint="log(softmax(z)) underflows to -inf: compute z - logsumexp(z) instead",
        ),
        Case("masked entries (-inf)", {"z": _with_masked(rng, rng.normal(b, c))}),
        Case("huge logits 1e30", {"z": rng.uniform(b, c, low=-1e30, high=1e30)}, hint=SHIFT_HINT),
    ]
    return cases


# ----------------------------------------------------------------------------------------- cross-entropy
def cross_entropy_cases(rng: CaseRng) -> list[Case]:
    b, c = rng.choice(3, 8), rng.choice(3, 7)
    labels = rng.integers(c, b)
    soft = torch.softmax(rng.normal(b, c, scale=2.0), dim=-1)
    onehot = torch.nn.functional.one_hot(labels, c).double()
    wrong_class = torch.zeros(b, c, dtype=torch.float64)
    wrong_class[:, 0] = 1e4
    wrong_labels = 1 + rng.integers(c - 1, b)

    def logits(scale: float = 2.0) -> torch.Tensor:
        return rng.normal(b, c, scale=scale)

    cases = []
    cases += in_dtypes(
        lambda d: Case(
            "integer labels", {"logits": logits(), "target": labels}, dtype=d, grad=("logits",)
        )
    )
    cases += in_dtypes(
        lambda d: Case(
            "probability targets",
            {"logits": logits(), "target": soft},
            dtype=d,
            grad=("logits", "target"),
        )
    )
    cases += [
        Case("one-hot targets", {"logits": logits(), "target": onehot}, grad=("logits",)),
        Case("int32 labels", {"logits": logits(), "target": labels.int()}, grad=("logits",)),
        Case(
            "reduction='sum'",
            {"logits": logits(), "target": labels},
            {"reduction": "sum"},
            grad=("logits",),
        ),
        Case(
            "reduction='none'",
            {"logits": logits(), "target": labels},
            {"reduction": "none"},
            grad=("logits",),
        ),
        Case("single sample", {"logits": rng.normal(1, c), "target": labels[:1]}, grad=("logits",)),
    ]
    cases += in_dtypes(
        lambda d: Case(
            "large logits, wrong class",
            {"logits": wrong_class, "target": wrong_labels},
            dtype=d,
            grad=("logits",),
            hint=SHIFT_HINT,
        )
    )
    return cases


def _missing_batch_mean(student, reference, case) -> bool:
    if case.kwargs.get("reduction", "mean") != "mean":
        return False
    batch = case.args["logits"].shape[0]
    ratio = float(student["out"].data.double() / reference["out"].data.double())
    return batch > 1 and abs(ratio - batch) < 1e-3 * batch


def _sign_flipped(student, reference, case) -> bool:
    return torch.allclose(student["out"].data.double(), -reference["out"].data.double(), rtol=1e-4)


EXERCISES = [
    Exercise(
        MODULE,
        "softmax",
        points=2.0,
        cases=softmax_cases,
        probe=function_probe("z"),
        forbidden=SOFTMAX_FAMILY,
        hints=(Hint("normalize along dim: the sum over dim must be 1", _not_normalized_along_dim),),
    ),
    Exercise(
        MODULE, "logsumexp", 1.0, logsumexp_cases, function_probe("z"), forbidden=SOFTMAX_FAMILY
    ),
    Exercise(
        MODULE, "log_softmax", 1.0, log_softmax_cases, function_probe("z"), forbidden=SOFTMAX_FAMILY
    ),
    Exercise(
        MODULE,
        "cross_entropy_from_logits",
        points=2.0,
        cases=cross_entropy_cases,
        probe=function_probe("logits", "target"),
        forbidden=SOFTMAX_FAMILY + CROSS_ENTROPY_BUILTINS,
        hints=(
            Hint("reduction='mean' divides the summed loss by the batch size", _missing_batch_mean),
            Hint("the cross-entropy is -log p of the true class: check the sign", _sign_flipped),
        ),
    ),
]
