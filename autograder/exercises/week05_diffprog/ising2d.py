"""Week 5 checks of ``ising2d_lnZ_enumerate`` and ``ising2d_lnZ_transfer``, the Ising model on a
torus.

Oracle: ``ml4p_ref.week05_diffprog`` in float64 (enumeration: every state from an explicit list of
bonds; transfer: the unsplit transfer matrix raised to the power Lx by ``matrix_power``), checked
against plain-loop enumeration, Kaufman's exact ln Z of finite tori and the numbers of curriculum
section 4.2 in ``tests/test_ref_week05_ising.py``.

"values": small tori with a random temperature, coupling and field as tensors, a 2 x 2 torus (every
bond counted twice: the lesson of the enumeration). "edge cases": one site, antiferromagnets (the
transfer matrix then has negative eigenvalues), strong coupling in float32 (e^{-beta E} and
lambda_max^Lx overflow). "physics": 2 x 2 closed form, ln Z at K_c for 3 x 3, 4 x 4 and 8 x 8, 4 x 4
in a field, and for the enumeration the autograd derivatives <E>, Var E and <M^2>.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import torch

from autograder.case import BOTH, Case, CaseRng
from autograder.exercise import Exercise
from autograder.exercises.week05_diffprog.ising_common import (
    DERIVATIVES,
    K_CRITICAL,
    MODULE,
    beta_of,
    exact,
    first_key,
    lnz_cases,
    lnz_probe,
    second_key,
)
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on, reference

GROUPS = {"values": 3.0, "edge cases": 2.0, "gradients": 2.0, "physics": 3.0, "properties": 0.5}
# ln Z at K_c (Kaufman = enumeration = transfer) and of the 4 x 4 torus at beta = 0.5, h = 0.3
CRITICAL_LNZ = {3: 9.020213400944334, 4: 15.521915458755283, 8: 60.14178078906915}
FIELD_LNZ = 18.68205985090807
# 4 x 4 torus, J = 1, h = 0, direct Boltzmann averages over the 65536 states (curriculum 4.2):
# <E> and Var E at beta = 0.3, <M^2> at beta = 0.5
MEAN_ENERGY = -13.504865177981706
ENERGY_VARIANCE = 78.39869396916568
MEAN_SQUARED_MAGNETIZATION = 222.44395050043337


def _number(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


def _two_by_two(case: Case) -> float:
    K = beta_of(case)
    return math.log(2 * math.exp(8 * K) + 12 + 2 * math.exp(-8 * K))


def _value(what: str, expected) -> tuple:
    return (exact(what, "out", expected if callable(expected) else lambda case: expected),)


def _physics(size: Callable[[int], dict], two_by_two: dict, sizes: tuple[int, ...]) -> list[Case]:
    """The exact-value cases; ``size(L)`` gives the size arguments of an L x L torus."""

    def case(label: str, inputs: dict, properties: tuple, dtypes=(torch.float64,)) -> Case:
        return Case(
            label, inputs, "physics", dtypes, tolerance="closed_form", properties=properties
        )

    cases = [
        case(
            "2 x 2 closed form",
            {"beta": _number(0.37), **two_by_two},
            _value("ln(2 e^{8K} + 12 + 2 e^{-8K})", _two_by_two),
            BOTH,
        )
    ]
    for L in sizes:
        cases.append(
            case(
                f"{L} x {L} at K_c",
                {"beta": _number(K_CRITICAL), **size(L)},
                _value(f"ln Z of the {L} x {L} torus at K_c", CRITICAL_LNZ[L]),
            )
        )
    cases.append(
        case(
            "4 x 4 at beta = 0.5, h = 0.3",
            {"beta": _number(0.5), **size(4), "J": 1.0, "h": 0.3},
            _value("ln Z of the 4 x 4 torus at beta = 0.5, h = 0.3", FIELD_LNZ),
        )
    )
    return cases


def _derivative_cases() -> list[Case]:
    """<E> = -dlnZ/dbeta, Var E = d2lnZ/dbeta2, <M^2> = d2lnZ/dh2 / beta^2 on the 4 x 4 torus."""
    energy = Case(
        "4 x 4 at beta = 0.3: <E> and Var E",
        {"beta": _number(0.3), "L": 4, DERIVATIVES: (("beta", 2),)},
        "physics",
        tolerance="derivative",
        grad=("beta",),
        properties=(
            exact(
                "<E> = -dlnZ/dbeta",
                first_key("beta"),
                lambda c: MEAN_ENERGY,
                lambda v, c: -v,
                "derivative",
            ),
            exact(
                "Var E = d2lnZ/dbeta2",
                second_key("beta"),
                lambda c: ENERGY_VARIANCE,
                kind="derivative",
            ),
        ),
    )
    magnetization = Case(
        "4 x 4 at beta = 0.5: <M^2>",
        {"beta": _number(0.5), "L": 4, "J": 1.0, "h": _number(0.0), DERIVATIVES: (("h", 2),)},
        "physics",
        tolerance="derivative",
        grad=("h",),
        properties=(
            exact(
                "<M^2> = d2lnZ/dh2 / beta^2",
                second_key("h"),
                lambda c: MEAN_SQUARED_MAGNETIZATION,
                lambda v, c: v / beta_of(c) ** 2,
                kind="derivative",
            ),
        ),
    )
    return [energy, magnetization]


def _ordinary(rng: CaseRng, size) -> list[Case]:
    """The "values" and "edge cases" of both exercises; ``size(Lx, Ly)`` gives the size arguments
    (the enumeration takes the square Lx x Lx)."""

    def beta() -> torch.Tensor:
        return _number(rng.uniform(1, low=0.2, high=0.8).item())

    def case(label, inputs, group="values", grad=("beta",)) -> list[Case]:
        return lnz_cases(label, inputs, group, grad)

    coupling = _number(rng.uniform(1, low=0.5, high=1.5).item())
    field = _number(rng.uniform(1, low=-0.8, high=0.8).item())
    cases = [
        case("3 x 3 torus", {"beta": beta(), **size(3, 3)}),
        case(
            "coupling and field as tensors",
            {"beta": beta(), **size(3, 2), "J": coupling, "h": field},
            grad=("beta", "J", "h"),
        ),
        case("2 x 2 torus in a field", {"beta": beta(), **size(2, 2), "J": 1.0, "h": 0.4}),
        case("one site", {"beta": beta(), **size(1, 1), "J": 1.0, "h": 0.3}, "edge cases"),
        case(
            "antiferromagnet in a field",
            {"beta": beta(), **size(3, 2), "J": -1.0, "h": 0.3},
            "edge cases",
        ),
        case(
            "strong coupling beta J = 16",
            {"beta": _number(16.0), **size(3, 3)},
            "edge cases",
            grad=(),
        ),
    ]
    return list(itertools.chain.from_iterable(cases))


def enumerate_cases(rng: CaseRng) -> list[Case]:
    def size(Lx: int, Ly: int | None = None) -> dict:
        return {"L": Lx}

    return [*_ordinary(rng, size), *_physics(size, size(2), (3, 4)), *_derivative_cases()]


def transfer_cases(rng: CaseRng) -> list[Case]:
    def size(Lx: int, Ly: int | None = None) -> dict:
        return {"Lx": Lx, "Ly": Lx if Ly is None else Ly}

    odd = lnz_cases(
        "antiferromagnet, odd Lx = 3",
        {"beta": _number(0.7), "Lx": 3, "Ly": 2, "J": -1.0, "h": 0.0},
        "edge cases",
        ("beta",),
    )
    rectangle = lnz_cases(
        "4 x 3 torus (Lx != Ly)",
        {"beta": _number(rng.uniform(1, low=0.2, high=0.8).item()), "Lx": 4, "Ly": 3},
        "values",
        ("beta",),
    )
    return [*_ordinary(rng, size), *rectangle, *odd, *_physics(size, size(2), (4, 8))]


ENUMERATE = reference(MODULE, "ising2d_lnZ_enumerate")
TRANSFER = reference(MODULE, "ising2d_lnZ_transfer")


def _inputs(evidence: Evidence) -> dict:
    """The case's inputs as the student saw them, in float64, without the probe's own entries."""
    return {
        name: evidence.seen(name) if isinstance(value, torch.Tensor) else value
        for name, value in evidence.case.inputs.items()
        if name != DERIVATIVES
    }


def _bonds_once_on_two(evidence: Evidence) -> torch.Tensor | None:
    """ln Z of a side of length 2 whose bonds are counted once (half the coupling there)."""
    inputs = _inputs(evidence)
    if evidence.key != "out" or inputs.get("L") != 2:
        return None
    return ENUMERATE(**{**inputs, "J": inputs.get("J", 1.0) / 2})


def _open_boundaries(evidence: Evidence) -> torch.Tensor | None:
    """ln Z without the wrap-around bonds (an open L x L square)."""
    inputs = _inputs(evidence)
    if evidence.key != "out" or "L" not in inputs:
        return None
    L, beta = inputs["L"], inputs["beta"]
    spins = _states(L * L).reshape(-1, L, L)
    bonds = (spins[:, 1:] * spins[:, :-1]).sum((1, 2)) + (spins[:, :, 1:] * spins[:, :, :-1]).sum(
        (1, 2)
    )
    coupling, field = inputs.get("J", 1.0), inputs.get("h", 0.0)
    return torch.logsumexp(beta * (coupling * bonds + field * spins.sum((1, 2))), dim=0)


def _states(count: int) -> torch.Tensor:
    codes = torch.arange(2**count)
    return (1 - 2 * ((codes[:, None] >> torch.arange(count)) & 1)).double()


STRONG = "strong coupling"
SHARED_HINTS = (
    Hint(
        "ln Z must be differentiable in beta, J and h: keep them in the graph (no float(), "
        ".item() or .detach())",
        all_of(
            failed_on("grad:beta", "grad:J", "grad:h", "dlnZ/dbeta", "d2lnZ/dh2"), at_stage("type")
        ),
    ),
)
ENUMERATE_HINTS = (
    Hint(
        "exp(-beta E) overflows at strong coupling: sum the weights with torch.logsumexp",
        all_of(at_stage("nonfinite"), lambda evidence: STRONG in evidence.case.label),
    ),
    Hint(
        "on a side of length 2 the right neighbour of the right neighbour is the site itself: "
        "every bond is counted twice (each site has a right and a lower bond, as torch.roll gives)",
        explained_by(_bonds_once_on_two),
    ),
    Hint(
        "the bonds are periodic: the last row and column couple to the first (torch.roll)",
        explained_by(_open_boundaries),
    ),
    *SHARED_HINTS,
)
TRANSFER_HINTS = (
    Hint(
        "lambda_max^Lx (or the entries of T) overflow at strong coupling: shift the exponent of T "
        "by its largest entry, and use Lx ln lambda_max + ln sum (lambda_k / lambda_max)^Lx",
        all_of(at_stage("nonfinite"), lambda evidence: STRONG in evidence.case.label),
    ),
    Hint(
        "an antiferromagnet's transfer matrix has negative eigenvalues: keep their sign, "
        "(lambda_k / lambda_max)^Lx is negative for odd Lx",
        all_of(failed_on("out"), lambda evidence: "odd Lx" in evidence.case.label),
    ),
    *SHARED_HINTS,
)


EXERCISES = [
    Exercise(
        MODULE,
        "ising2d_lnZ_enumerate",
        points=2.0,
        cases=enumerate_cases,
        probe=lnz_probe("beta", "L"),
        groups=GROUPS,
        lesson="the bonds are periodic, to the right and lower neighbour of every site "
        "(torch.roll): on a side of length 2 every bond is counted twice",
        hints=ENUMERATE_HINTS,
    ),
    Exercise(
        MODULE,
        "ising2d_lnZ_transfer",
        points=2.0,
        cases=transfer_cases,
        probe=lnz_probe("beta", "Lx", "Ly"),
        groups=GROUPS,
        lesson="eigvalsh reads one triangle of a symmetric matrix: split each column's own energy "
        "evenly between the two sides of T, or the eigenvalues are those of another matrix",
        forbidden=("torch.linalg.matrix_power", "torch.matrix_power"),
        hints=TRANSFER_HINTS,
    ),
]
