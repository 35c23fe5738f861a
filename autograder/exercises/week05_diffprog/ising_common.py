"""What the three Ising exercises share: a probe that also takes derivatives of ln Z by autograd
(the thermodynamics the exercises promise), and properties that compare an observation with an
exact result.

A case asks for derivatives with the input ``derivatives``: a tuple of (variable, order) pairs,
e.g. ``(("beta", 2), ("h", 1))``. The probe removes it before calling the implementation, and
records ``dlnZ/d<variable>`` (and ``d2lnZ/d<variable>2`` for order 2), taken with
``create_graph=True`` through the implementation's own graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import Case, Property, Unfit, observed_array
from autograder.compare import label
from autograder.probe import ProbeContext, call_function, is_tensor

MODULE = "week05_diffprog"
K_CRITICAL = 0.5 * math.log(1 + math.sqrt(2))
DERIVATIVES = "derivatives"


def first_key(variable: str) -> str:
    return f"dlnZ/d{variable}"


def second_key(variable: str) -> str:
    return f"d2lnZ/d{variable}2"


def lnz_probe(*args: str) -> Callable:
    """Calls ``impl(*args, **others)``, takes the vjps of the case's ``grad`` inputs and the
    derivatives the case asks for."""

    def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
        wanted = inputs.pop(DERIVATIVES, ())
        observations = call_function(impl, inputs, ctx, args)
        output = observations["out"]
        for variable, order in wanted:
            observations.update(_derivatives(output, inputs[variable], variable, order, ctx))
        return observations

    return probe


def _derivatives(
    output: Any, variable: torch.Tensor, name: str, order: int, ctx: ProbeContext
) -> dict[str, Any]:
    """First (and second) derivative of a scalar output w.r.t. ``variable``; nothing when the
    output is not a differentiable scalar (the values check says why)."""
    if not is_tensor(output) or not output.requires_grad or output.numel() != 1:
        return {}
    (first,) = ctx.call(
        torch.autograd.grad,
        output.reshape(()),
        variable,
        create_graph=True,
        retain_graph=True,
        allow_unused=True,
    )
    found = {first_key(name): first}
    if order == 2 and first is not None and first.requires_grad:
        (second,) = ctx.call(
            torch.autograd.grad, first, variable, retain_graph=True, allow_unused=True
        )
        found[second_key(name)] = second
    return found


def lnz_cases(label: str, inputs: dict, group: str, grad: tuple[str, ...]) -> list[Case]:
    """A case of ln Z in float32 and in float64, compared at the closed-form tolerance; its
    gradients (w.r.t. ``grad``) only in float64, where that tolerance also holds for them."""
    return [
        Case(label, inputs, group, (torch.float32,), tolerance="closed_form"),
        Case(label, inputs, group, (torch.float64,), tolerance="closed_form", grad=grad),
    ]


def scalar(observed: Mapping, key: str) -> float:
    """Observation ``key`` as a Python float (``Unfit`` unless it is a single number)."""
    values = observed_array(observed, key)
    if values.numel() != 1:
        raise Unfit(f"{label(key)}: expected one number, got shape {list(values.shape)}")
    return float(values.reshape(()))


def exact(
    what: str,
    key: str,
    expected: Callable[[Case], float],
    transform: Callable[[float, Case], float] = lambda value, case: value,
    kind: str = "closed_form",
) -> Property:
    """A property of the "physics" group: ``transform(observation key)`` equals ``expected(case)``
    up to the relative tolerance of ``kind``."""

    def check(observed: Mapping, case: Case) -> str | None:
        yours = transform(scalar(observed, key), case)
        right = expected(case)
        if math.isfinite(yours) and abs(yours - right) <= case.tolerance_of(kind).rtol * abs(right):
            return None
        return f"{what} must be {right:.15g}; yours is {yours:.15g}"

    return Property(what, check, group="physics")


def beta_of(case: Case) -> float:
    """beta as the student received it."""
    return float(case.seen("beta"))


def value_of(case: Case, name: str) -> float:
    """A coupling or field as the student received it (a Python number or a 0-dim tensor)."""
    value = case.inputs.get(name, {"J": 1.0, "h": 0.0}[name])
    return float(case.seen(name)) if isinstance(value, torch.Tensor) else float(value)
