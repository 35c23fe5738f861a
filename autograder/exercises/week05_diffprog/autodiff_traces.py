"""Week 5 checks of ``slide_traces``: the slide's evaluation traces of
``y = 2 x0 + x0 sin x1 + x1**3`` (curriculum 5.1).

The probe reads the three lists of the returned dict. At ``(1, 2)`` the golden property compares them
with the slide's table (6 decimals, recomputed: ``v6 = 8 + 2 + sin 2``, ``v_bar_1 = 12 + cos 2``,
``v_bar_0 = 2 + sin 2``); random points are compared with the reference, which takes the tangents
``d v_i / d x0`` and the adjoints ``d v6 / d v_i`` from ``torch.autograd.grad``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch

from autograder.case import Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week05_diffprog.autodiff_programs import as_floats
from autograder.hints import Evidence, Hint, all_of, explained_by, failed_on
from autograder.probe import ProbeContext

MODULE = "week05_diffprog"
KEYS = ("primal", "tangent_dx0", "adjoint")
SIN2 = round(math.sin(2.0), 6)
GOLDEN = {
    "primal": (1.0, 2.0, 2.0, SIN2, SIN2, 8.0, round(10 + math.sin(2.0), 6)),
    "tangent_dx0": (1.0, 0.0, 2.0, 0.0, SIN2, 0.0, round(2 + math.sin(2.0), 6)),
    "adjoint": (round(2 + math.sin(2.0), 6), round(12 + math.cos(2.0), 6), 1.0, 1.0, 1.0, 1.0, 1.0),
}
"""The slide's table at (x0, x1) = (1, 2): 0.909297, 10.909297, 2.909297, 11.583853."""


def traces_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``slide_traces(x0, x1)``: each of its three lists as a float64 tensor."""
    out = ctx.call(impl, inputs["x0"], inputs["x1"])
    if not isinstance(out, dict):
        raise TypeError(f"slide_traces must return a dict, got {type(out).__name__}")
    return {key: as_floats(list(out[key])) for key in KEYS}


def _golden(observed: Mapping, case: Case) -> str | None:
    for key in KEYS:
        yours = observed_array(observed, key, (7,))
        expected = torch.tensor(GOLDEN[key], dtype=torch.float64)
        gap = (yours - expected).abs()
        if float(gap.max()) > 1e-6:
            index = int(gap.argmax())
            return (
                f"{key}[{index}] (v{index}) is {float(yours[index]):.6f}, the slide's table says "
                f"{float(expected[index]):.6f}"
            )
    return None


GOLDEN_TABLE = Property("the slide's table", _golden, group="golden")


def traces_cases(rng: CaseRng) -> list[Case]:
    slide = Case("(x0, x1) = (1, 2)", {"x0": 1.0, "x1": 2.0}, properties=(GOLDEN_TABLE,))
    random = [
        Case(f"random point {index + 1}", {"x0": float(x0), "x1": float(x1)})
        for index, (x0, x1) in enumerate(rng.uniform(3, 2, low=-2.0, high=2.0).tolist())
    ]
    return [slide, *random]


def _x0_counted_once(evidence: Evidence) -> Any:
    """The adjoints with v_bar_0 given only one of its two terms (2 or sin x1)."""
    right = evidence.reference_value("adjoint")
    if right is None:
        return None
    for term in (2.0, math.sin(evidence.case.inputs["x1"])):
        mistake = right.clone()
        mistake[0] = term
        if torch.allclose(evidence.student_value("adjoint")[:1], mistake[:1], atol=1e-9):
            return mistake
    return None


TRACES_HINTS = (
    Hint(
        "x0 is used twice (v2 = 2 v0 and v4 = v0 v3): v_bar_0 = v_bar_2 * 2 + v_bar_4 * v3",
        all_of(failed_on("adjoint"), explained_by(_x0_counted_once, "adjoint")),
    ),
)

TRACES = Exercise(
    module=MODULE,
    name="slide_traces",
    points=2.0,
    cases=traces_cases,
    probe=traces_probe,
    groups={"values": 1.0, "golden": 1.0, "properties": 0.2},
    lesson="x0 is used twice, so its adjoint is the sum of two contributions",
    forbidden=("torch", "jax", "autograd"),
    hints=TRACES_HINTS,
    devices=("cpu",),
)
