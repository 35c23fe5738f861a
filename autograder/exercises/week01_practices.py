"""Week 1 checks: softmax, logsumexp, log_softmax, cross_entropy_from_logits, bce_with_logits,
coulomb_energy, metropolis_step.

Each case is compared with the float64 reference (``ml4p_ref.week01_practices``: torch's own
functions for the softmax family and the cross-entropies); the edge cases are the ones
curriculum.md lists: logits of 1e4 and 1e30, masked (``-inf``) entries, an all ``-inf`` row, ``dim``
other than the last, a single class, an empty batch, int32 labels; logits of +-50 and +-1e4 for the
binary cross-entropy; one particle, permutations, rotations and the exact 2-D minima for the Coulomb
gas; ``-inf`` log-densities and log-densities of size 1e4 for the Metropolis step (whose
``logp_fn`` the probe builds from the case). The lesson of the week is numerical stability, so the
"stability" group carries most of the points where there is one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
    in_group,
    raised,
    reference,
    scaled,
)
from autograder.probe import ProbeContext, function_probe
from autograder.tolerance import tolerance_for

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
SOFTMAX_HINTS = (
    OVERFLOW,
    Hint(
        "a slice that is all -inf has no finite maximum: its result is nan, as torch.softmax",
        _where_reference("finite where nan"),
    ),
    Hint(
        "normalize along dim, not along the last axis",
        explained_by(lambda e: SOFTMAX_REFERENCE(e.seen("z"), dim=-1) if _dim(e) != -1 else None),
    ),
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


# ----------------------------------------------------------------------------------------- bce
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
    tolerance = tolerance_for("reduction", str(case.dtype).removeprefix("torch."), case.device)
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
    tolerance = tolerance_for("reduction", str(case.dtype).removeprefix("torch."), case.device)
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


# ----------------------------------------------------------------------------------------- coulomb
COULOMB_GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "properties": 2.0}


def exact_minimum(n: int) -> tuple[float, float]:
    """(radius, energy) of the 2-D minimum for n = 2, 3, 4 charges on a regular polygon:
    H(R) = a / R + n R^2 with a = sum over pairs of R / |x_i - x_j|, minimal at R = (a / 2n)^(1/3)."""
    angles = [2 * math.pi * k / n for k in range(n)]
    a = sum(
        1 / math.dist((math.cos(s), math.sin(s)), (math.cos(t), math.sin(t)))
        for index, s in enumerate(angles)
        for t in angles[index + 1 :]
    )
    radius = (a / (2 * n)) ** (1 / 3)
    return radius, a / radius + n * radius**2


def _polygon(rng: CaseRng, n: int, copies: int) -> torch.Tensor:
    """``copies`` randomly rotated minima of n charges in 2-D, shape ``(copies, n, 2)``."""
    radius, _ = exact_minimum(n)
    turn = rng.uniform(copies, 1, low=0.0, high=2 * math.pi)
    angles = turn + 2 * math.pi * torch.arange(n, dtype=torch.float64) / n
    return radius * torch.stack([angles.cos(), angles.sin()], dim=-1)


def _rotation(rng: CaseRng, dim: int) -> torch.Tensor:
    q, r = torch.linalg.qr(rng.normal(dim, dim))
    return q * torch.sign(torch.diagonal(r))


def _spread(rng: CaseRng, batch: int, n: int, dim: int) -> torch.Tensor:
    """Random configurations whose particles are at least 0.05 apart."""
    x = rng.normal(batch, n, dim)
    while n > 1 and float(torch.cdist(x, x).add(torch.eye(n) * 1e3).min()) < 0.05:
        x = rng.normal(batch, n, dim)
    return x


def _copies_agree(name: str, block: int, count: int = 3):
    """The case's batch holds ``count`` blocks, the original first: block ``block`` is the original
    changed by ``name``, and its energies must be the original's."""

    def check(observed: Mapping, case: Case) -> str | None:
        energy = observed_array(observed, "out", (case.inputs["x"].shape[0],))
        original, changed = energy.reshape(count, -1)[[0, block]]
        tolerance = tolerance_for("reduction", str(case.dtype).removeprefix("torch."), case.device)
        allowed = tolerance.rtol * original.abs() + tolerance.atol * float(original.abs().max())
        gap = (changed - original).abs()
        if bool((gap <= allowed).all()):
            return None
        worst = int(gap.nan_to_num(math.inf).argmax())
        return (
            f"changed by a {name}: energy {float(original[worst]):.10g} became "
            f"{float(changed[worst]):.10g}"
        )

    return check


def _at_minimum(n: int):
    _, energy = exact_minimum(n)

    def check(observed: Mapping, case: Case) -> str | None:
        yours = observed_array(observed, "out", (case.inputs["x"].shape[0],))
        tolerance = tolerance_for(
            "closed_form", str(case.dtype).removeprefix("torch."), case.device
        )
        if bool(((yours - energy).abs() <= tolerance.rtol * energy).all()):
            return None
        worst = float(yours[(yours - energy).abs().nan_to_num(math.inf).argmax()])
        return f"the exact minimum of {n} charges in 2-D has H = {energy:.10g}; yours {worst:.10g}"

    return check


def _forces_vanish(observed: Mapping, case: Case) -> str | None:
    """At a minimum the vector-Jacobian product of the energies vanishes, up to the size of the
    trap force 2|x_i| times the cotangent."""
    x = case.seen("x")
    gradient = observed_array(observed, "grad:x", tuple(x.shape))
    cotangent = ProbeContext(case.on("cpu").name).cotangent(torch.zeros(x.shape[0]).double())
    scale = float(cotangent.abs().max()) * 2 * float(x.norm(dim=-1).max())
    tolerance = tolerance_for("derivative", str(case.dtype).removeprefix("torch."), case.device)
    if not bool(gradient.isfinite().all()):
        return "the forces -dH/dx must vanish at the exact minimum; yours are not finite"
    largest = float(gradient.abs().max())
    if largest <= tolerance.rtol * scale:
        return None
    return f"the forces -dH/dx must vanish at the exact minimum; yours reach {largest:.3g}"


def coulomb_cases(rng: CaseRng) -> list[Case]:
    batch, n = rng.choice(2, 4), rng.choice(4, 6)
    grad = ("x",)
    original = _spread(rng, batch, n, 3)
    permutation = torch.randperm(n, generator=rng.generator)
    rotated = original @ _rotation(rng, 3).T
    invariance = (
        Property("permutation invariance", _copies_agree("permutation of the particles", 1)),
        Property("rotation invariance", _copies_agree("rotation", 2)),
    )
    minima = [
        Case(
            f"exact minimum, {k} charges in 2-D",
            {"x": _polygon(rng, k, 2)},
            group="properties",
            dtypes=BOTH,
            grad=grad,
            properties=(
                Property("energy is the known minimum", _at_minimum(k)),
                Property("forces vanish", _forces_vanish),
            ),
        )
        for k in (2, 3, 4)
    ]
    return [
        Case("random 2-D configurations", {"x": _spread(rng, batch, n, 2)}, dtypes=BOTH, grad=grad),
        Case("random 3-D configurations", {"x": _spread(rng, batch, n, 3)}, dtypes=BOTH, grad=grad),
        Case("one particle: no pairs", {"x": rng.normal(3, 1, 2)}, group="edge cases", grad=grad),
        Case("two particles", {"x": _spread(rng, 3, 2, 2)}, group="edge cases", grad=grad),
        Case(
            "permuted, rotated copies",
            {"x": torch.cat([original, original[:, permutation], rotated])},
            group="properties",
            dtypes=BOTH,
            properties=invariance,
        ),
        *minima,
    ]


def _coulomb_terms(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(pair term, trap term) of each configuration, float64."""
    trap = x.square().sum(dim=(-2, -1))
    return COULOMB(x) - trap, trap


def _coulomb_variant(combine: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        x = evidence.seen("x")
        pairs, trap = _coulomb_terms(x)
        return combine(pairs, trap, x)

    return variant


def _particles(count: int) -> Callable[[Evidence], bool]:
    return lambda evidence: evidence.case.inputs["x"].shape[1] == count


COULOMB = reference(MODULE, "coulomb_energy")
COULOMB_HINTS = (
    Hint(
        "with one particle there are no pairs: the Coulomb term is an empty sum, 0",
        all_of(_particles(1), at_stage("raised")),
    ),
    Hint(
        "the gradient of 1/|x_i - x_j| (and of the norm) at i = j is nan even where torch.where "
        "or a mask removes the value: never compute the diagonal (torch.triu_indices(n, n, 1))",
        all_of(failed_on("grad:x"), at_stage("nonfinite")),
    ),
    Hint(
        "the diagonal i = j has |x_i - x_i| = 0 and 1/0 = inf: sum over the pairs i < j only",
        all_of(failed_on("out"), at_stage("nonfinite")),
    ),
    Hint(
        "each pair is counted twice: sum over i < j only (or halve the sum over i != j)",
        explained_by(_coulomb_variant(lambda pairs, trap, x: 2 * pairs + trap)),
    ),
    Hint(
        "the trap term sum_i |x_i|^2 is missing",
        explained_by(_coulomb_variant(lambda pairs, trap, x: pairs)),
    ),
    Hint(
        "the trap term is the squared norm |x_i|^2, summed over the particles",
        explained_by(_coulomb_variant(lambda pairs, trap, x: pairs + x.norm(dim=-1).sum(-1))),
    ),
)


# ----------------------------------------------------------------------------------------- metropolis
X_NEW, ACCEPTED, RETURNED = "x_new", "accepted", "returned"
RANDOM_DRAWS = (
    "torch.rand",
    "torch.rand_like",
    "torch.randn",
    "torch.randn_like",
    "torch.randint",
    "torch.normal",
    "torch.bernoulli",
    "torch.Tensor.uniform_",
    "torch.Tensor.normal_",
    "torch.Tensor.exponential_",
    "torch.distributions",
)


def log_density(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The case's unnormalized log-density, ``(B, ...) -> (B,)``, on the tensor's own dtype."""
    kind, beta, shift = inputs["logp"], inputs.get("beta", 1.0), inputs.get("shift", 0.0)

    def squared(x: torch.Tensor) -> torch.Tensor:
        return x.square().flatten(1).sum(dim=1)

    if kind == "gaussian":
        return lambda x: shift - beta * squared(x)
    if kind == "double well":
        return lambda x: shift - beta * (x.square() - 1).square().flatten(1).sum(dim=1)
    if kind == "box":  # -beta |x|^2 inside the cube |x_k| < 1, -inf outside
        return lambda x: torch.where(
            (x.abs() < 1).flatten(1).all(dim=1), -beta * squared(x), -math.inf
        )
    raise ValueError(f"unknown log-density {kind!r}")


def metropolis_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``metropolis_step(x, logp_fn, width, noise, log_u)`` with the case's log-density."""
    x, noise, log_u = inputs["x"], inputs["noise"], inputs["log_u"]
    out = ctx.call(impl, x, log_density(inputs), inputs["width"], noise, log_u)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        return {ACCEPTED: out[1], X_NEW: out[0]}  # the decision first: it explains x_new
    return {RETURNED: out}


def _metropolis_inputs(
    rng: CaseRng, shape: tuple[int, ...], logp: str, width: float, margin: float = 0.1, **params
) -> dict[str, Any]:
    """States, noise and log_u such that every decision is at least ``margin`` from the threshold
    (float32 and float64 then decide alike) and some proposals are accepted, some rejected."""
    inputs: dict[str, Any] = {"logp": logp, "width": width, **params}
    density = log_density(inputs)
    batch = shape[0]
    for _ in range(50):
        if logp == "box":
            x = rng.uniform(*shape, low=-0.9, high=0.9)
        elif logp == "double well":
            x = torch.sign(rng.normal(*shape)) + 0.3 * rng.normal(*shape)
        else:
            x = rng.normal(*shape, scale=(2 * params.get("beta", 1.0)) ** -0.5)
        noise = rng.normal(*shape)
        proposal = x + width * noise
        gain = density(proposal) - density(x)
        log_u = rng.uniform(batch).log()
        close = (log_u - gain).abs() < margin
        log_u = torch.where(close, gain.clamp(max=0) - margin, log_u)
        if logp == "box":  # a rejected proposal outside the box also when u = 0
            log_u = torch.where(gain == -math.inf, -math.inf, log_u)
            near_wall = float((proposal.abs() - 1).abs().min()) < 1e-3
            if near_wall or not bool((gain == -math.inf).any()):
                continue
        accepted = log_u < gain
        if bool(accepted.any()) and not bool(accepted.all()):
            break
    return {**inputs, "x": x, "noise": noise, "log_u": log_u}


def _follows_decision(observed: Mapping, case: Case) -> str | None:
    """x_new is x' where the student's own ``accepted`` is True and x where it is False."""
    item = observed.get(ACCEPTED)
    if item is None or not item.is_array or item.dtype != "bool" or item.data is None:
        raise Unfit(
            f"accepted: expected a bool tensor, got {'nothing' if item is None else item.describe()}"
        )
    x = case.seen("x")
    accepted = item.data.reshape(-1)
    x_new = observed_array(observed, X_NEW, tuple(x.shape))
    if accepted.shape[0] != x.shape[0]:
        raise Unfit(f"accepted: expected shape [{x.shape[0]}], got {list(item.data.shape)}")
    proposal = x + case.inputs["width"] * case.seen("noise")
    tolerance = tolerance_for("reduction", str(case.dtype).removeprefix("torch."), case.device)
    for row in range(x.shape[0]):
        target = proposal[row] if bool(accepted[row]) else x[row]
        allowed = (
            tolerance.atol * max(float(target.abs().max()), 1.0) + tolerance.rtol * target.abs()
        )
        if not bool(((x_new[row] - target).abs() <= allowed).all()):
            which = (
                "accepted: x_new must be x'" if bool(accepted[row]) else "rejected: x_new must be x"
            )
            return f"configuration {row} was {which} there, for every coordinate"
    return None


def metropolis_cases(rng: CaseRng) -> list[Case]:
    follows = (Property("x_new follows accepted", _follows_decision),)
    return [
        Case(
            "vector states (B, d), Gaussian",
            _metropolis_inputs(rng, (7, 4), "gaussian", 0.8, beta=1.5),
            dtypes=BOTH,
            properties=follows,
        ),
        Case(
            "particles (B, n, dim), double well",
            _metropolis_inputs(rng, (6, 3, 2), "double well", 0.3, beta=2.0),
            dtypes=BOTH,
            properties=follows,
        ),
        Case(
            "B = d: decide per configuration",
            _metropolis_inputs(rng, (4, 4), "gaussian", 0.7),
            properties=follows,
        ),
        Case(
            "log-densities near -1e4",
            _metropolis_inputs(rng, (8, 3), "gaussian", 0.8, shift=-1e4),
            group="stability",
            dtypes=BOTH,
        ),
        Case(
            "log-densities near +1e4",
            _metropolis_inputs(rng, (8, 3), "gaussian", 0.8, shift=1e4),
            group="stability",
            dtypes=BOTH,
        ),
        Case(
            "logp(x') = -inf is rejected",
            _metropolis_inputs(rng, (8, 3), "box", 0.6),
            group="edge cases",
            dtypes=BOTH,
        ),
    ]


def _gain(evidence: Evidence) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x, x', logp(x') - logp(x)) in the case's dtype, as the student saw them."""
    dtype, inputs = evidence.case.dtype, evidence.case.inputs
    x = evidence.seen("x").to(dtype)
    proposal = x + inputs["width"] * evidence.seen("noise").to(dtype)
    density = log_density(inputs)
    return x, proposal, density(proposal) - density(x)


def _decision_variant(decide: Callable[[torch.Tensor, torch.Tensor, Evidence], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != ACCEPTED:
            return None
        _, _, gain = _gain(evidence)
        log_u = evidence.seen("log_u").to(evidence.case.dtype)
        return decide(log_u, gain, evidence)

    return variant


def _ratio_of_exps(log_u: torch.Tensor, gain: torch.Tensor, evidence: Evidence) -> torch.Tensor:
    x, proposal, _ = _gain(evidence)
    density = log_density(evidence.case.inputs)
    return log_u.exp() < density(proposal).exp() / density(x).exp()


def _unbroadcast_where(evidence: Evidence) -> torch.Tensor | None:
    """``torch.where(accepted, x', x)`` with ``accepted`` aligned with the last axis."""
    accepted = evidence.reference_value(ACCEPTED)
    if evidence.key != X_NEW or accepted is None:
        return None
    x, proposal, _ = _gain(evidence)
    try:
        return torch.where(accepted.bool(), proposal, x).double()
    except RuntimeError:
        return None


METROPOLIS_HINTS = (
    Hint(
        "return the pair (x_new, accepted)",
        lambda evidence: RETURNED in evidence.student,
    ),
    Hint(
        "accepted has shape (B,): broadcast it over the trailing dims before torch.where, e.g. "
        "accepted.view(-1, *[1] * (x.dim() - 1))",
        any_of(
            all_of(raised("RuntimeError"), lambda e: e.case.inputs["x"].dim() > 2),
            explained_by(_unbroadcast_where),
        ),
    ),
    Hint(
        "accepted is the comparison itself, a bool tensor of shape (B,)",
        all_of(failed_on(ACCEPTED), at_stage("dtype", "shape", "type")),
    ),
    Hint(
        "compare in the log domain, log_u < logp(x') - logp(x): exp of a log-density of size 1e4 "
        "is 0 or inf, and the ratio 0/0 or inf/inf is nan",
        explained_by(_decision_variant(_ratio_of_exps)),
    ),
    Hint(
        "accept only when log_u < logp(x') - logp(x), strictly: a proposal with logp = -inf is "
        "rejected even when log_u = -inf",
        explained_by(_decision_variant(lambda log_u, gain, e: log_u <= gain)),
    ),
    Hint(
        "the gain is logp(x') - logp(x), proposal minus current",
        explained_by(_decision_variant(lambda log_u, gain, e: log_u < -gain)),
    ),
    Hint(
        "log_u is already the logarithm of u: compare log_u < logp(x') - logp(x)",
        any_of(
            explained_by(_decision_variant(lambda log_u, gain, e: log_u.exp() < gain)),
            explained_by(_decision_variant(lambda log_u, gain, e: log_u < gain.exp())),
        ),
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
    Exercise(
        MODULE,
        "coulomb_energy",
        points=2.0,
        cases=coulomb_cases,
        probe=function_probe("x"),
        groups=COULOMB_GROUPS,
        lesson="sum over the pairs i < j, once each and never i = j: the full matrix counts every "
        "pair twice and divides by the zero distance of the diagonal",
        hints=COULOMB_HINTS,
    ),
    Exercise(
        MODULE,
        "metropolis_step",
        points=2.0,
        cases=metropolis_cases,
        probe=metropolis_probe,
        groups=GROUPS,
        lesson="accept in the log domain, log_u < logp(x') - logp(x): the ratio of the densities "
        "is 0/0 or inf/inf for log-densities of size 1e4",
        forbidden=RANDOM_DRAWS,
        hints=METROPOLIS_HINTS,
    ),
]
