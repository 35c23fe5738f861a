"""Week 4 checks of ``z2_symmetrize``, an exercise that returns a function.

The probe builds ``f`` from the case (a ``TensorMLP`` on the flattened input, or the same network
on ``x**2``, which is even), asks the student's ``z2_symmetrize(f)`` for ``g`` and calls ``g`` on
inputs the grader controls: ``g(x)`` (compared with the reference, gradients w.r.t. ``x`` and the
network's weights), and, for the properties, ``g(-x)`` and ``z2_symmetrize(g)(x)``.
The lesson: the average needs its 1/2, or an even function is doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week04_symmetry.agreement import agrees_with_output, disagreement
from autograder.hints import Evidence, Hint, explained_by, scaled
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week04_symmetry"
Z2_GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "properties": 2.0}
AT_MINUS_X, TWICE = "g(-x)", "z2_symmetrize(g)(x)"


def network_function(kind: str, weights: Mapping[str, torch.Tensor]) -> Callable:
    """The case's ``f``: a tanh MLP on the flattened rows ("net") or on their squares ("even"),
    with its one output column dropped when the case asks for outputs of shape ``(B,)``."""
    net = TensorMLP(dict(weights))

    def f(x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(x.shape[0], -1)
        out = net(rows.square() if kind.startswith("even") else rows)
        return out[:, 0] if kind.endswith("scalar") else out

    return f


def returned_function(returned: Any) -> Callable:
    """What ``z2_symmetrize`` returned, when it is a function; otherwise the case is unusable."""
    if not callable(returned) or isinstance(returned, torch.Tensor):
        raise TypeError(f"z2_symmetrize(f) must return a function g, not {type(returned).__name__}")
    return returned


def z2_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``g = z2_symmetrize(f)``, then ``g(x)``; with ``properties``, also ``g(-x)`` and the
    twice-symmetrized function at ``x``."""
    x, weights = inputs["x"], inputs["net"]
    wrt = {"x": x.requires_grad_(True), **leaves(weights, "f")} if ctx.grad else {}
    g = returned_function(ctx.call(impl, network_function(inputs["f"], weights)))
    out = ctx.call(g, x)
    observations = {"out": out}
    observations.update(vjp(out, wrt, ctx))
    if inputs.get("properties"):
        observations[AT_MINUS_X] = ctx.call(g, -x)
        twice = returned_function(ctx.call(impl, g))
        observations[TWICE] = ctx.call(twice, x)
    return observations


# ----------------------------------------------------------------------------------------- properties
def _even_f_unchanged(observed: Mapping, case: Case) -> str | None:
    """For an even ``f``, ``g(x)`` must be ``f(x)`` itself."""
    f = network_function(case.inputs["f"], case.seen("net"))
    expected = f(case.seen("x"))
    out = observed_array(observed, "out", tuple(expected.shape))
    return disagreement(out, expected, case, "f is even, so g(x) must be f(x)")


# ----------------------------------------------------------------------------------------- cases
def _case_inputs(rng: CaseRng, shape: tuple[int, ...], f: str, outputs: int = 2) -> dict:
    features = 1
    for size in shape[1:]:
        features *= size
    return {"x": rng.normal(*shape), "f": f, "net": mlp_weights(rng, [features, 6, outputs])}


def z2_cases(rng: CaseRng) -> list[Case]:
    batch = rng.choice(3, 5)
    grad = ("x",)
    properties = (
        Property("g(-x) = g(x)", agrees_with_output(AT_MINUS_X, "g(-x) must equal g(x)")),
        Property(
            "symmetrizing twice changes nothing",
            agrees_with_output(
                TWICE, "z2_symmetrize(g)(x) must equal g(x): the average is a projection"
            ),
        ),
    )
    # the networks' outputs are of order one; their even part can be much smaller (scale)
    return [
        Case(
            "vectors (B, d), f a network",
            _case_inputs(rng, (batch, 4), "net"),
            dtypes=BOTH,
            grad=grad,
            scale=1.0,
        ),
        Case(
            "particles (B, n, dim), f with outputs (B,)",
            _case_inputs(rng, (batch, 3, 2), "net scalar", outputs=1),
            dtypes=BOTH,
            grad=grad,
            scale=1.0,
        ),
        Case("one row, B = 1", _case_inputs(rng, (1, 5), "net"), group="edge cases", grad=grad),
        Case(
            "f already even",
            _case_inputs(rng, (batch, 4), "even"),
            group="properties",
            dtypes=BOTH,
            properties=(Property("an even f is unchanged", _even_f_unchanged),),
        ),
        Case(
            "symmetry of g",
            {**_case_inputs(rng, (batch, 3), "net"), "properties": True},
            group="properties",
            dtypes=BOTH,
            compare=False,
            properties=properties,
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _f_variant(combine: Callable[[Callable, torch.Tensor], torch.Tensor]):
    """A mistaken ``g(x)``: ``combine(f, x)`` with the case's ``f``, in float64."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        f = network_function(evidence.case.inputs["f"], evidence.seen("net"))
        with torch.no_grad():
            return combine(f, evidence.seen("x"))

    return variant


Z2_HINTS = (
    Hint(
        "g is the average (f(x) + f(-x)) / 2: without the 1/2 an even f comes back doubled",
        scaled(2.0),
    ),
    Hint(
        "g must be even: add f(-x), do not subtract it",
        explained_by(_f_variant(lambda f, x: (f(x) - f(-x)) / 2)),
    ),
    Hint(
        "g averages f over x and -x; f(|x|) is even too, but it is not that average",
        explained_by(_f_variant(lambda f, x: f(x.abs()))),
    ),
    Hint(
        "g(x) must also evaluate f at -x",
        explained_by(_f_variant(lambda f, x: f(x))),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "z2_symmetrize",
        points=1.0,
        cases=z2_cases,
        probe=z2_probe,
        groups=Z2_GROUPS,
        lesson="the group average is (f(x) + f(-x)) / 2, a projection: without the 1/2 it is "
        "still even, but it doubles an f that was already even",
        hints=Z2_HINTS,
    ),
]
