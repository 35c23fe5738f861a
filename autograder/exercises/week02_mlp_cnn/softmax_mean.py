"""Week 2 checks, numpy backprop layers without parameters: ``Softmax(axis)`` and ``Mean``
(curriculum 2.1).

Graded like the other layers of ``backprop``: the probe builds the class (``Softmax`` with the
case's ``axis`` when it gives one), calls ``forward(x)`` (the values check) and ``backward(delta)``
(the gradients check), every call under ``np.errstate(raise)``. The reference evaluates
``torch.softmax`` and ``torch.mean`` in float64 and takes ``dL/dx`` from ``torch.autograd``.

- ``Softmax`` teaches that its Jacobian is not diagonal: ``dL/dx = y * (delta - sum(delta * y))``
  along the axis; ``delta * y * (1 - y)`` (the lesson) keeps the forward pass and loses the
  gradients. "stability": entries of +-1000 and a slice of all -1000, which an unshifted softmax
  or one shifted by the maximum of the whole array turns into a ``FloatingPointError``;
  "properties": every slice of the output sums to 1.
- ``Mean`` reduces every axis but the batch axis (the interface of a loss of ``Sequential``); it
  teaches that backward spreads ``delta_b / N`` over the ``N`` entries of a sample (the lesson
  forgets ``1 / N``). "properties": each sample's ``dL/dx`` sums to ``delta_b``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from autograder.case import Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week02_mlp_cnn.backprop import (
    FORBIDDEN,
    MODULE,
    OVERFLOWED,
    _layer_case,
    _layer_probe,
    _on,
)
from autograder.hints import Evidence, Hint, all_of, at_stage, failed_on, scaled
from autograder.plain import Observed


# ----------------------------------------------------------------------------------------- Softmax
def _axis(case: Case) -> int:
    return case.inputs.get("axis", -1)


def _slices_sum_to_one(observed: Mapping[str, Observed], case: Case) -> str | None:
    y = observed_array(observed, "out", tuple(case.inputs["x"].shape))
    sums = y.sum(dim=_axis(case))
    worst = float((sums - 1).abs().max())
    if not worst <= 1e-12:
        return (
            f"the slices of the output along axis {_axis(case)} sum to values up to {worst:.2e} "
            "away from 1: normalise along self.axis"
        )
    return None


SUMS_TO_ONE = Property("slices sum to 1", _slices_sum_to_one)


def softmax_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, x: torch.Tensor, group: str = "values", **kwargs: Any) -> Case:
        axis = {"axis": kwargs.pop("axis")} if "axis" in kwargs else {}
        delta = rng.normal(*x.shape)
        return _layer_case(label, x, delta, params=axis, group=group, grad=("x",), **kwargs)

    extremes = torch.tensor(
        [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]],
        dtype=torch.float64,
    )
    near_1000 = rng.normal(4, 5, scale=2.0) + torch.tensor(
        [-1000.0, -1000.0, 1000.0, 1000.0, 1000.0]
    )
    return [
        case("random (4, 5), default axis", rng.normal(4, 5, scale=3.0), properties=(SUMS_TO_ONE,)),
        case("axis=0 of a (5, 3) input", rng.normal(5, 3, scale=3.0), axis=0),
        case(
            "axis=1 of a (2, 4, 3) input",
            rng.normal(2, 4, 3, scale=3.0),
            axis=1,
            properties=(SUMS_TO_ONE,),
        ),
        case("axis=-2 of a (3, 2, 4) input", rng.normal(3, 2, 4, scale=3.0), axis=-2),
        case("single sample", rng.normal(1, 6, scale=3.0), group="edge cases"),
        case("one class: y = 1, gradient 0", rng.normal(4, 1, scale=3.0), group="edge cases"),
        case("entries +-1000, a row of all -1000", extremes, group="stability"),
        case("columns near -1000 and near 1000, axis 0", near_1000, group="stability", axis=0),
    ]


def _softmax(evidence: Evidence, axis: int | None = None) -> torch.Tensor:
    return torch.softmax(evidence.seen("x"), dim=_axis(evidence.case) if axis is None else axis)


def _diagonal_backward(evidence: Evidence) -> torch.Tensor:
    y = _softmax(evidence)
    return evidence.seen("delta") * y * (1 - y)


def _other_axis(variant):
    """``variant`` taken along the last axis, where the case's axis is another one."""

    def mistake(evidence: Evidence) -> torch.Tensor | None:
        x = evidence.seen("x")
        if _axis(evidence.case) % x.dim() == x.dim() - 1:
            return None
        return variant(evidence)

    return mistake


def _backward_summed_over_last_axis(evidence: Evidence) -> torch.Tensor:
    y, delta = _softmax(evidence), evidence.seen("delta")
    weighted = delta * y
    return weighted - y * weighted.sum(dim=-1, keepdim=True)


SOFTMAX_HINTS = (
    Hint(
        "subtract the maximum of each slice (keepdims=True) before exp: exp(1000) overflows, and "
        "the maximum of the whole array turns a slice of all -1000 into 0/0",
        OVERFLOWED,
    ),
    Hint(
        "normalise along self.axis, not along the last axis",
        _on("out", _other_axis(lambda e: _softmax(e, axis=-1))),
    ),
    Hint(
        "the softmax Jacobian is not diagonal (every output depends on every input of its slice): "
        "dL/dx = y * (delta - sum(delta * y, axis)), not delta * y * (1 - y)",
        _on("grad:x", _diagonal_backward),
    ),
    Hint(
        "in backward, sum delta * y along self.axis (keepdims=True), not along the last axis",
        _on("grad:x", _other_axis(_backward_summed_over_last_axis)),
    ),
)


# ----------------------------------------------------------------------------------------- Mean
def _gradient_sums_to_delta(observed: Mapping[str, Observed], case: Case) -> str | None:
    x, delta = case.seen("x"), case.seen("delta")
    grad = observed_array(observed, "grad:x", tuple(x.shape))
    sums = grad.reshape(len(grad), -1).sum(dim=1)
    worst = float((sums - delta).abs().max())
    if not worst <= 1e-12 * max(float(delta.abs().max()), 1.0):
        ratio = float(sums[0] / delta[0]) if float(delta[0]) != 0 else math.nan
        return (
            f"each sample's dL/dx must sum to delta_b (its N entries get delta_b / N each); "
            f"sample 0's sums to {ratio:.4g} x delta_0"
        )
    return None


SUMS_TO_DELTA = Property("dL/dx sums to delta per sample", _gradient_sums_to_delta)


def mean_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, *shape: int, group: str = "values", **kwargs: Any) -> Case:
        x, delta = rng.normal(*shape, scale=2.0), rng.normal(shape[0])
        return _layer_case(label, x, delta, group=group, grad=("x",), **kwargs)

    return [
        case("batch of 4, 5 features", 4, 5, properties=(SUMS_TO_DELTA,)),
        case("3-d input (3, 2, 4)", 3, 2, 4),
        case("4-d input (2, 3, 2, 2)", 2, 3, 2, 2, properties=(SUMS_TO_DELTA,)),
        case("batch size equals features (3, 3)", 3, 3),
        case("single sample", 1, 6, group="edge cases"),
        case("one entry per sample", 5, 1, group="edge cases"),
    ]


def _entries(evidence: Evidence) -> float:
    """``N``, the number of entries of one sample."""
    return float(np.prod(evidence.seen("x").shape[1:]))


MEAN_HINTS = (
    Hint(
        "forward returns one number per sample, shape (B,): the mean over every axis but the "
        "first (the batch axis), never over the batch",
        all_of(at_stage("shape"), failed_on("out")),
    ),
    Hint(
        "backward returns an array of the forward input's shape (B, ...): delta_b / N in every "
        "entry of sample b",
        all_of(at_stage("shape"), failed_on("grad:x")),
    ),
    Hint(
        "divide by N, the number of entries of one sample: each of them gets delta_b / N",
        all_of(failed_on("grad:x"), scaled(_entries)),
    ),
)


# ----------------------------------------------------------------------------------------- exercises
def _exercise(name: str, points: float, cases, probe, hints, lesson: str, **groups) -> Exercise:
    """A numpy layer: forbidden torch, jax and autograd; the CPU only."""
    return Exercise(
        MODULE,
        name,
        points,
        cases,
        probe,
        groups={"values": 1.0, "edge cases": 0.5, "properties": 0.5, **groups},
        lesson=lesson,
        forbidden=FORBIDDEN,
        hints=hints,
        devices=("cpu",),
    )


EXERCISES = [
    _exercise(
        "Softmax",
        1.0,
        softmax_cases,
        _layer_probe((), options=("axis",)),
        SOFTMAX_HINTS,
        "the softmax Jacobian is not diagonal: backward is y * (delta - sum(delta * y)) along the "
        "axis, not delta * y * (1 - y)",
        gradients=5.0,
        stability=1.0,
    ),
    _exercise(
        "Mean",
        0.5,
        mean_cases,
        _layer_probe(()),
        MEAN_HINTS,
        "backward spreads delta_b / N over the N entries of sample b: the 1 / N is part of it",
        gradients=4.0,
    ),
]
