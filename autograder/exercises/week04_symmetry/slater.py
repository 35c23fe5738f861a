"""Week 4 checks of ``slater_logdet``.

Oracle: ``ml4p_ref.week04_symmetry.slater_logdet`` (``torch.linalg.slogdet`` in float64), itself
checked against the Leibniz expansion over all permutations and 50-digit ``mpmath`` determinants in
``tests/test_ref_week04_equivariant.py``.

The orbitals are the grader's: a tanh MLP ``(..., dim) -> (..., n)`` or n Gaussians localized at
sites that the particles sit near (a well-conditioned matrix close to a permutation matrix, whose
determinant under- or overflows for 40 particles with orbitals of size 1e-9 or 1e9: the lesson).
Sign and logabs are compared with the reference, and the vjp of logabs w.r.t. x and the MLP's
weights ("values", "gradients"). The "antisymmetry" group stacks configurations with their copies
after one exchange of two particles and after random permutations: the sign must follow the parity,
logabs must not change. Coincident particles must give a tiny |det M| relative to Hadamard's bound
prod_i |M_i| ("edge cases"; the sign is not checked there: it is round-off).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on, raised
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week04_symmetry"
ANTISYMMETRY = "antisymmetry"
GROUPS = {
    "values": 3.0,
    "edge cases": 1.0,
    "gradients": 1.5,
    ANTISYMMETRY: 2.0,
    "properties": 0.5,
}
SIGN, LOGABS, RETURNED = "sign", "logabs", "returned"
FORBIDDEN = (
    "torch.linalg.slogdet",
    "torch.linalg.det",
    "torch.det",
    "torch.logdet",
    "torch.slogdet",
    "torch.Tensor.det",
    "torch.Tensor.logdet",
    "torch.Tensor.slogdet",
)
FORBIDDEN_OPS = ("aten._linalg_slogdet", "aten._linalg_det", "aten.linalg_slogdet")
# curriculum 4.5: |det M| of coincident particles <= 1e-12 of its scale in float64 (round-off)
COINCIDENT_BOUND = {torch.float64: 1e-12, torch.float32: 1e-5}


# ----------------------------------------------------------------------------------------- orbitals
MAX_CONDITION = 50.0  # of the matrices M of the random cases


def build_orbitals(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The orbitals a case describes, ``(..., dim) -> (..., n)``, on the case's own tensors."""
    kind, params = inputs["orbitals"], inputs["params"]
    if kind == "mlp":
        return TensorMLP(params)
    if kind == "localized":  # phi_j(r) = scale * exp(-|r - c_j|^2 / (2 width^2))
        centres, width, scale = params["centres"], params["width"], params["scale"]

        def localized(r: torch.Tensor) -> torch.Tensor:
            squared = (r[..., None, :] - centres).square().sum(dim=-1)
            return scale * torch.exp(-squared / (2 * width**2))

        return localized
    raise ValueError(f"unknown orbitals {kind!r}")


def slater_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``(sign, logabs) = slater_logdet(orbital_fn, x)`` and the vjp of logabs."""
    x = inputs["x"]
    weights = leaves(inputs["params"], "orbital_fn") if ctx.grad else {}
    if ctx.grad:
        x.requires_grad_(True)
    result = ctx.call(impl, build_orbitals(inputs), x)
    if type(result) not in (tuple, list) or len(result) != 2:
        return {RETURNED: result}
    observations = {SIGN: result[0], LOGABS: result[1]}
    if ctx.grad:
        observations.update(vjp(result[1], {"x": x, **weights}, ctx))
    return observations


# ----------------------------------------------------------------------------------------- cases
def _mlp_inputs(rng: CaseRng, batch: int, n: int, dim: int) -> dict[str, Any]:
    """MLP orbitals and configurations whose matrices M are well conditioned (the gradient of
    log|det M| is M^-T: float32 loses about cond(M) ulps of it, and a random M can be close to
    singular)."""
    params = mlp_weights(rng, [dim, 16, n], scale=2.0)
    orbitals = TensorMLP(params)
    configurations = []
    for _ in range(batch):
        x = rng.normal(1, n, dim)
        while float(torch.linalg.cond(orbitals(x).detach())) > MAX_CONDITION:
            x = rng.normal(1, n, dim)
        configurations.append(x)
    return {"orbitals": "mlp", "params": params, "x": torch.cat(configurations)}


def _localized_inputs(rng: CaseRng, batch: int, n: int, scale: float) -> dict[str, Any]:
    """n Gaussian orbitals on random sites at least 0.5 apart, one particle near each site (in a
    random order per configuration): M is close to scale times a permutation matrix."""
    centres = rng.normal(n, 3, scale=3.0)
    while float(torch.cdist(centres, centres).add(torch.eye(n) * 1e3).min()) < 0.5:
        centres = rng.normal(n, 3, scale=3.0)
    orders = [torch.randperm(n, generator=rng.generator) for _ in range(batch)]
    x = torch.stack([centres[order] for order in orders]) + rng.normal(batch, n, 3, scale=0.05)
    params = {
        "centres": centres,
        "width": torch.tensor(0.15, dtype=torch.float64),
        "scale": torch.tensor(scale, dtype=torch.float64),
    }
    return {"orbitals": "localized", "params": params, "x": x}


def _odd_and_even(rng: CaseRng, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A random odd and a random even permutation of n >= 3 elements."""
    found: dict[int, torch.Tensor] = {}
    while len(found) < 2:
        permutation = torch.randperm(n, generator=rng.generator)
        found.setdefault(_parity(permutation), permutation)
    return found[-1], found[1]


def _parity(permutation: torch.Tensor) -> int:
    """+1 for an even permutation, -1 for an odd one (from its cycles)."""
    seen, sign = set(), 1
    for start in range(len(permutation)):
        length, i = 0, start
        while i not in seen:
            seen.add(i)
            i, length = int(permutation[i]), length + 1
        if length and length % 2 == 0:
            sign = -sign
    return sign


def _antisymmetry_case(rng: CaseRng) -> Case:
    """Configurations, their copies with particles 0 and 1 exchanged, and after an odd and an even
    permutation (blocks 0, 1, 2, 3)."""
    inputs = _mlp_inputs(rng, 3, 5, 2)
    x = inputs["x"]
    exchange = torch.tensor([1, 0, 2, 3, 4])
    odd, even = _odd_and_even(rng, 5)
    inputs["x"] = torch.cat([x, x[:, exchange], x[:, odd], x[:, even]])
    checks = (
        Property(
            "exchanging two particles flips the sign",
            _follows_parity(1, -1, "an exchange"),
            ANTISYMMETRY,
        ),
        Property(
            "an odd permutation flips the sign",
            _follows_parity(2, -1, "an odd permutation"),
            ANTISYMMETRY,
        ),
        Property(
            "an even permutation keeps the sign",
            _follows_parity(3, 1, "an even permutation"),
            ANTISYMMETRY,
        ),
    )
    return Case(
        "exchanged and permuted particles",
        inputs,
        group=ANTISYMMETRY,
        dtypes=BOTH,
        compare=False,
        properties=checks,
    )


def _follows_parity(block: int, parity: int, what: str):
    """Block ``block``'s sign is ``parity`` times the original's, its logabs the original's."""

    def check(observed: Mapping, case: Case) -> str | None:
        batch = case.inputs["x"].shape[0]
        sign = observed_array(observed, SIGN, (batch,)).reshape(4, -1)
        logabs = observed_array(observed, LOGABS, (batch,)).reshape(4, -1)
        if not bool((sign[0] * parity == sign[block]).all()):
            worst = int((sign[0] * parity != sign[block]).nonzero()[0, 0])
            return (
                f"after {what} of the particles the sign must be {parity:+d} times the original: "
                f"configuration {worst} had sign {float(sign[0, worst]):+g}, then "
                f"{float(sign[block, worst]):+g} (psi(P x) = sgn(P) psi(x))"
            )
        tolerance = case.tolerance_of("logdet")
        scale = max(float(logabs[0].abs().max()), 1.0)
        gap = (logabs[block] - logabs[0]).abs().nan_to_num(math.inf)
        if bool((gap <= tolerance.atol * scale + tolerance.rtol * logabs[0].abs()).all()):
            return None
        return f"after {what} of the particles logabs changed by up to {float(gap.max()):.3g}"

    return check


def _coincident_is_tiny(observed: Mapping, case: Case) -> str | None:
    """log|det M| <= log(bound * prod_i |M_i|) (Hadamard's inequality: |det M| <= prod_i |M_i|)."""
    x = case.seen("x")
    logabs = observed_array(observed, LOGABS, (x.shape[0],))
    with torch.no_grad():
        rows = build_orbitals(_float64(case.inputs))(x).norm(dim=-1)
    hadamard = rows.log().sum(dim=-1)
    limit = hadamard + math.log(COINCIDENT_BOUND[case.dtype])
    too_large = ~(logabs <= limit)  # nan counts as too large
    if not bool(too_large.any()):
        return None
    worst = int(too_large.nonzero()[0, 0])
    return (
        f"particles 0 and 1 coincide, so det M = 0 up to round-off, but configuration {worst} has "
        f"logabs {float(logabs[worst]):.4g} > {float(limit[worst]):.4g} (|det M| <= "
        f"{COINCIDENT_BOUND[case.dtype]:.0e} * prod_i |M_i|); do not clamp |U_ii| nor add an "
        "epsilon"
    )


def _float64(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {**inputs, "params": {k: v.double() for k, v in inputs["params"].items()}}


LOGDET = (
    "logdet"  # log|det| and its gradient through an LU factorization: the condition number counts
)


def slater_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "orbital_fn")
    coincident = _mlp_inputs(rng, 3, 4, 2)
    coincident["x"][:, 1] = coincident["x"][:, 0]
    tiny = (Property("|det M| is tiny", _coincident_is_tiny, group="edge cases"),)
    return [
        Case(
            "5 particles in 2-D",
            _mlp_inputs(rng, 4, 5, 2),
            dtypes=BOTH,
            grad=grad,
            tolerance=LOGDET,
        ),
        Case(
            "6 particles in 3-D",
            _mlp_inputs(rng, 3, 6, 3),
            dtypes=BOTH,
            grad=grad,
            tolerance=LOGDET,
        ),
        Case(
            "40 particles, orbitals of size 1e-9: det underflows",
            _localized_inputs(rng, 2, 40, 1e-9),
            dtypes=BOTH,
            tolerance=LOGDET,
        ),
        Case(
            "40 particles, orbitals of size 1e9: det overflows",
            _localized_inputs(rng, 2, 40, 1e9),
            dtypes=BOTH,
            tolerance=LOGDET,
        ),
        Case(
            "one particle",
            _mlp_inputs(rng, 3, 1, 3),
            group="edge cases",
            grad=grad,
            tolerance=LOGDET,
        ),
        Case(
            "coincident particles",
            coincident,
            group="edge cases",
            dtypes=BOTH,
            compare=False,
            properties=tiny,
        ),
        _antisymmetry_case(rng),
    ]


# ----------------------------------------------------------------------------------------- hints
def _lu_of_seen(evidence: Evidence) -> tuple[torch.Tensor, torch.Tensor]:
    """(diagonal of U, pivots) of the matrices the student saw, float64."""
    inputs = _float64(evidence.case.inputs)
    with torch.no_grad():
        matrices = build_orbitals(inputs)(evidence.seen("x"))
        lu, pivots, _ = torch.linalg.lu_factor_ex(matrices)
    return lu.diagonal(dim1=-2, dim2=-1), pivots


def _sign_with_pivots_from(first: int | None):
    """The sign when the pivots are compared with ``first, first + 1, ...`` (1: right; 0: the
    0-based mistake) or ignored (``first`` None)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != SIGN:
            return None
        diagonal, pivots = _lu_of_seen(evidence)
        sign = torch.sign(diagonal).prod(dim=-1)
        if first is None:
            return sign
        exchanges = (pivots != torch.arange(first, first + pivots.shape[-1])).sum(dim=-1)
        return sign * (1 - 2 * (exchanges % 2)).double()

    return variant


HINTS = (
    Hint(
        "return the pair (sign, logabs)",
        lambda evidence: RETURNED in evidence.student,
    ),
    Hint(
        "M is exactly singular where two particles coincide, and torch.linalg.lu_factor raises "
        "there: use torch.linalg.lu_factor_ex (or torch.linalg.lu), which does not",
        all_of(raised("RuntimeError"), lambda e: e.case.label == "coincident particles"),
    ),
    Hint(
        "sum the logarithms, logabs = sum_i log|U_ii|: the determinant (or the product of the "
        "U_ii) of 40 particles under- or overflows, and its log is -inf or inf",
        all_of(failed_on(LOGABS), at_stage("nonfinite")),
    ),
    Hint(
        "each row exchange of the pivoting flips the sign: multiply prod_i sign(U_ii) by "
        "(-1)^(number of i with pivots[i] != i + 1)",
        explained_by(_sign_with_pivots_from(None)),
    ),
    Hint(
        "the pivots of torch.linalg.lu_factor are 1-based: row i moved when pivots[i] != i + 1",
        explained_by(_sign_with_pivots_from(0)),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "slater_logdet",
        points=2.0,
        cases=slater_cases,
        probe=slater_probe,
        groups=GROUPS,
        lesson="logabs is the sum of the log|U_ii|, never the log of the determinant: det M of "
        "many particles under- or overflows",
        forbidden=FORBIDDEN,
        forbidden_ops=FORBIDDEN_OPS,
        hints=HINTS,
    ),
]
