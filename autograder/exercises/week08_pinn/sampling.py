"""Week 8 checks: the training points of the Burgers PINN, burgers_boundary_data and
latin_hypercube.

``burgers_boundary_data`` takes no tensor, so each case carries a 0-dimensional tensor ``like``
whose dtype and device (the case's) the probe passes on. Both outputs are compared with the
reference (the points written out one by one in Python floats); a property checks the layout on
the student's own points (initial data ``-sin(pi x)``, zero boundary data, times in (0, 1]). The
lesson: build the points in the requested dtype, never in float32 and cast afterwards.

``latin_hypercube`` gets its offsets ``u`` and permutations ``perm`` from the case; the output is
compared with the reference (stratum edges by ``linspace``, points by ``lerp``), and a property
counts the points in every stratum of every axis of the box (exactly one each). Offsets are drawn
away from the stratum edges in that case, so that float32 rounding never moves a point across one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array, reference_inputs
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, explained_by
from autograder.probe import ProbeContext

MODULE = "week08_pinn"
RANDOM_DRAWS = (
    "torch.rand",
    "torch.rand_like",
    "torch.randn",
    "torch.randn_like",
    "torch.randint",
    "torch.randperm",
    "torch.normal",
    "torch.Tensor.uniform_",
    "torch.Tensor.random_",
    "torch.distributions",
)


# ----------------------------------------------------------------------------------------- boundary
def boundary_probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``(xt_b, u_b) = burgers_boundary_data(n_bd, like.dtype, like.device)``."""
    like = inputs["like"]
    result = ctx.call(impl, inputs["n_bd"], like.dtype, like.device)
    if type(result) in (tuple, list) and len(result) == 2:
        return {"xt_b": result[0], "u_b": result[1]}
    return {"xt_b": result}


def _layout(observed: Mapping[str, Any], case: Case) -> str | None:
    """The three blocks on the student's own points: initial line at t = 0 with -sin(pi x), the
    boundaries at x = -1, 1 with zero data and times in (0, 1]."""
    n = case.inputs["n_bd"]
    xt_b = observed_array(observed, "xt_b", (3 * n, 2))
    u_b = observed_array(observed, "u_b", (3 * n,))
    x0, t0 = xt_b[:n, 0], xt_b[:n, 1]
    tolerance = case.tolerance_of("closed_form")
    if not bool((t0 == 0).all()):
        return "the first n_bd rows (the initial line) must have t = 0"
    if not torch.allclose(u_b[:n], -torch.sin(math.pi * x0), rtol=0, atol=tolerance.atol):
        return "the initial data must be u = -sin(pi x) at the points of the initial line"
    for block, side in ((1, -1.0), (2, 1.0)):
        rows = xt_b[block * n : (block + 1) * n]
        if not bool((rows[:, 0] == side).all()):
            return (
                f"rows {block * n} to {(block + 1) * n - 1} must lie on the boundary x = {side:+g}"
            )
        if not bool(((rows[:, 1] > 0) & (rows[:, 1] <= 1)).all()):
            return "the boundary times must lie in (0, 1]: t = 0 belongs to the initial line only"
    if not bool((u_b[n:] == 0).all()):
        return "the boundary data u(-1, t) and u(1, t) must be 0"
    return None


LAYOUT = Property("layout: initial line, then x = -1, then x = +1", _layout)


def boundary_cases(rng: CaseRng) -> list[Case]:
    del rng  # the data are deterministic

    def case(n_bd: int, group: str, **options: Any) -> Case:
        inputs = {"n_bd": n_bd, "like": torch.zeros((), dtype=torch.float64)}
        return Case(f"n_bd = {n_bd}", inputs, group=group, tolerance="closed_form", **options)

    return [
        case(6, "values", dtypes=BOTH, weight=2, properties=(LAYOUT,)),
        case(9, "values", dtypes=BOTH),
        case(1, "edge cases"),
        case(2, "edge cases"),  # float64 only: -sin(pi) is 1e-16, in float32 -9e-8
    ]


def _times_from_zero(evidence: Evidence) -> torch.Tensor | None:
    """The points when the boundary times are linspace(0, 1, n_bd) (t = 0 included)."""
    n = evidence.case.inputs["n_bd"]
    reference = evidence.reference_value("xt_b")
    if reference is None:
        return None
    mistake = reference.clone()
    times = torch.linspace(0.0, 1.0, n, dtype=torch.float64)
    mistake[n : 2 * n, 1] = times
    mistake[2 * n :, 1] = times
    return mistake


def _float32_accurate(evidence: Evidence) -> bool:
    """A float64 case whose failing output is off from the reference by float32 rounding only
    (a few float32 ulps of the largest entry)."""
    if evidence.case.dtype != torch.float64 or evidence.stage != "values":
        return False
    yours, reference = evidence.student_value(), evidence.reference_value()
    if yours is None or reference is None or yours.shape != reference.shape:
        return False
    scale = max(float(reference.abs().max()), 1.0)
    error = float((yours - reference).abs().max())
    return 0 < error <= 4 * torch.finfo(torch.float32).eps * scale


BOUNDARY_HINTS = (
    Hint(
        "build the points in the requested dtype (torch.linspace(..., dtype=dtype, "
        "device=device)): computed in float32 and cast afterwards they lose float64's precision",
        _float32_accurate,
    ),
    Hint(
        "the boundary times lie in (0, 1]: t_j = j / n_bd for j = 1, ..., n_bd (t = 0 belongs to "
        "the initial line only)",
        explained_by(_times_from_zero, key="xt_b"),
    ),
)


# ----------------------------------------------------------------------------------------- hypercube
def hypercube_probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``x = latin_hypercube(n, d, u, perm[, low, high])``."""
    u = inputs["u"]
    keywords = {name: inputs[name] for name in ("low", "high") if name in inputs}
    out = ctx.call(impl, u.shape[0], u.shape[1], u, inputs["perm"], **keywords)
    return {"out": out}


def _box(case: Case) -> tuple[torch.Tensor, torch.Tensor]:
    """The case's box as float64 tensors of shape (d,), as the student received it."""
    d = case.inputs["u"].shape[1]
    bounds = []
    for name, default in (("low", 0.0), ("high", 1.0)):
        value = case.inputs.get(name, default)
        if isinstance(value, torch.Tensor):
            bounds.append(case.seen(name))
        else:
            bounds.append(torch.full((d,), float(value), dtype=torch.float64))
    return bounds[0], bounds[1]


def _one_per_stratum(observed: Mapping[str, Any], case: Case) -> str | None:
    n, d = case.inputs["u"].shape
    x = observed_array(observed, "out", (n, d))
    low, high = _box(case)
    strata = torch.floor((x - low) / (high - low) * n)
    if not bool(torch.isfinite(strata).all()):
        raise Unfit("out: expected finite points")
    everyone = torch.arange(n, dtype=torch.float64)
    for axis in range(d):
        found = torch.sort(strata[:, axis]).values
        if not torch.equal(found, everyone):
            empty = sorted(set(range(n)) - {int(k) for k in found.tolist()})
            return (
                f"axis {axis}: the strata [low + k (high - low) / n, low + (k + 1) (high - low) / n)"
                f" do not hold one point each (empty: {empty[:5]}{'...' if len(empty) > 5 else ''})"
            )
    return None


ONE_PER_STRATUM = Property("exactly one point per stratum on every axis", _one_per_stratum)


def _hypercube_inputs(rng: CaseRng, n: int, d: int, margin: float = 0.0) -> dict[str, Any]:
    u = rng.uniform(n, d, low=margin, high=1.0 - margin)
    perm = torch.stack([torch.randperm(n, generator=rng.generator) for _ in range(d)])
    return {"u": u, "perm": perm}


def hypercube_cases(rng: CaseRng) -> list[Case]:
    unit = _hypercube_inputs(rng, 12, 3)
    burgers = _hypercube_inputs(rng, 16, 2, margin=0.05)
    burgers.update(
        low=torch.tensor([-1.0, 0.0], dtype=torch.float64),
        high=torch.tensor([1.0, 1.0], dtype=torch.float64),
    )
    floats = _hypercube_inputs(rng, 10, 4, margin=0.05)
    floats.update(low=-2.0, high=3.0)
    single = _hypercube_inputs(rng, 1, 3)
    line = _hypercube_inputs(rng, 7, 1)

    def case(label: str, inputs: dict, group: str, **options: Any) -> Case:
        return Case(label, inputs, group=group, tolerance="closed_form", **options)

    return [
        case("unit cube, n=12, d=3", unit, "values", dtypes=BOTH),
        case("Burgers box [-1,1] x [0,1], n=16", burgers, "values", dtypes=BOTH, weight=2),
        case("box [-2,3]^4 as floats, n=10", floats, "values", properties=(ONE_PER_STRATUM,)),
        case("n = 1, d = 3", single, "edge cases"),
        case("d = 1, n = 7", line, "edge cases", dtypes=BOTH),
    ]


def _hypercube_variant(
    mistake: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor],
) -> Callable[[Evidence], torch.Tensor]:
    """Applies when the student's points are ``low + (high - low) * mistake(perm, u, n)``."""

    def variant(evidence: Evidence) -> torch.Tensor:
        inputs = reference_inputs(evidence.case)
        u, perm = inputs["u"], inputs["perm"]
        low, high = _box(evidence.case)
        return low + (high - low) * mistake(perm, u, u.shape[0])

    return explained_by(variant, key="out", rtol=1e-6)


HYPERCUBE_HINTS = (
    Hint(
        "perm has shape (d, n): point i of axis j lies in stratum perm[j, i], so use perm.T, "
        "never perm.reshape(n, d)",
        _hypercube_variant(lambda perm, u, n: (perm.reshape(n, -1).double() + u) / n),
    ),
    Hint(
        "the offset u moves a point inside its stratum of width 1/n: (perm.T + u) / n, not "
        "perm.T / n + u",
        _hypercube_variant(lambda perm, u, n: perm.T.double() / n + u),
    ),
    Hint(
        "axis j has its own permutation perm[j]: using one row for every axis puts the points "
        "on a diagonal",
        _hypercube_variant(lambda perm, u, n: (perm[0].double()[:, None] + u) / n),
    ),
    Hint(
        "there are n strata of width 1/n: divide by n, not n - 1",
        _hypercube_variant(lambda perm, u, n: (perm.T.double() + u) / max(n - 1, 1)),
    ),
    Hint(
        "rescale the unit cube with low + (high - low) * s",
        explained_by(lambda evidence: _rescaled_wrongly(evidence), key="out", rtol=1e-6),
    ),
)


def _rescaled_wrongly(evidence: Evidence) -> torch.Tensor:
    """The points rescaled as low + high * s."""
    inputs = reference_inputs(evidence.case)
    u, perm = inputs["u"], inputs["perm"]
    low, high = _box(evidence.case)
    return low + high * (perm.T.double() + u) / u.shape[0]


EXERCISES = [
    Exercise(
        MODULE,
        "burgers_boundary_data",
        points=1.0,
        cases=boundary_cases,
        probe=boundary_probe,
        groups={"values": 3.0, "edge cases": 1.0, "properties": 1.0},
        lesson="build the points in the requested dtype and device from the start: points made "
        "in float32 (the default dtype) and cast afterwards lose float64's precision",
        hints=BOUNDARY_HINTS,
    ),
    Exercise(
        MODULE,
        "latin_hypercube",
        points=1.0,
        cases=hypercube_cases,
        probe=hypercube_probe,
        groups={"values": 3.0, "edge cases": 1.0, "properties": 1.0},
        lesson="point i lies in stratum perm[j, i] of axis j: x = low + (high - low) * (perm.T + "
        "u) / n, so that every stratum of every axis holds exactly one point",
        forbidden=RANDOM_DRAWS,
        hints=HYPERCUBE_HINTS,
    ),
]
