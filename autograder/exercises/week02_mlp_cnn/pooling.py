"""Week 2 checks, max pooling: ``maxpool2d(x, kernel_size, stride=None)`` (curriculum 2.3).

Reference: ``ml4p_ref.week02_mlp_cnn.maxpool2d``, i.e. ``F.max_pool2d``. Every case's inputs are
continuous random numbers (or the slide's distinct integers), so no window has a tie and the
gradient of each window goes to its one largest entry, as ``F.max_pool2d`` routes it.

The lesson is the maximum started at 0, which is a ReLU before the pooling: right on most windows
of random inputs and wrong wherever a whole window is negative ("all-negative inputs", a values
case). "values": the slide example (stride 1), the default stride (``S = K``), overlapping windows
(``S < K``), remainders dropped, pairs; "edge cases": a single window, ``K = 1`` with stride 2;
"equivariance" (``equivariance``): with ``K = S`` on an image whose sizes are multiples of ``S``,
``maxpool(roll(x, S*t)) == roll(maxpool(x), t)``.
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week02_mlp_cnn.equivariance import (
    equivariance_property,
    roll_image,
    rolled_key,
    with_shift,
)
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on, reference
from autograder.probe import ProbeContext, vjp

MODULE = "week02_mlp_cnn"
POOL_ARGS = ("kernel_size", "stride")
FORBIDDEN = (
    "torch.nn.functional.max_pool1d",
    "torch.nn.functional.max_pool2d",
    "torch.nn.functional.max_pool3d",
    "torch.nn.functional.max_pool2d_with_indices",
    "torch.nn.functional.adaptive_max_pool2d",
    "torch.nn.functional.fractional_max_pool2d",
    "torch.max_pool1d",
    "torch.max_pool2d",
    "torch.max_pool3d",
    "torch.nn.MaxPool2d",
    "torch.nn.AdaptiveMaxPool2d",
    "torch.nn.FractionalMaxPool2d",
)
FORBIDDEN_OPS = (  # what the names above dispatch to, whichever name reaches them
    "aten.max_pool1d",
    "aten.max_pool1d_with_indices",
    "aten.max_pool2d",
    "aten.max_pool2d_with_indices",
    "aten.max_pool3d",
    "aten.max_pool3d_with_indices",
    "aten.mkldnn_max_pool2d",
    "aten.quantized_max_pool2d",
    "aten.adaptive_max_pool1d",
    "aten.adaptive_max_pool2d",
    "aten.adaptive_max_pool3d",
    "aten.fractional_max_pool2d",
    "aten.fractional_max_pool3d",
)
REF_POOL = reference(MODULE, "maxpool2d")
SLIDE_IMAGE = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
SLIDE_OUTPUT = [[4, 5], [7, 8]]
FORMULA = "y[b, c, i, j] = max_{0 <= m < K_h, 0 <= n < K_w} x[b, c, i*S_h + m, j*S_w + n]"


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _pool_kwargs(inputs: dict[str, Any]) -> dict[str, Any]:
    return {name: inputs[name] for name in POOL_ARGS if name in inputs}


def _stride(inputs: dict[str, Any]) -> tuple[int, int]:
    stride = inputs.get("stride")
    return _pair(inputs["kernel_size"] if stride is None else stride)


# ----------------------------------------------------------------------------------------- probe
def pool_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``out = maxpool2d(x, kernel_size[, stride=...])`` (no stride where the case tests the
    default) and its gradient w.r.t. ``x``; a case with a ``shift`` also observes the pooling of
    the rolled image."""
    x, kwargs = inputs["x"], _pool_kwargs(inputs)
    if "x" in ctx.grad:
        x.requires_grad_(True)
    out = ctx.call(impl, x, **kwargs)
    observed = {"out": out}
    if "shift" in inputs:
        key = rolled_key("maxpool")
        observed[key] = ctx.call(impl, roll_image(x.detach(), inputs["shift"]), **kwargs)
    observed.update(vjp(out, {"x": x} if "x" in ctx.grad else {}, ctx))
    return observed


# ----------------------------------------------------------------------------------------- cases
def _check_slide(observed, case: Case) -> str | None:
    out = observed_array(observed, "out", (1, 1, 2, 2))
    if not torch.equal(out, torch.tensor(SLIDE_OUTPUT, dtype=torch.float64)[None, None]):
        return f"the output is {out.squeeze().tolist()}, the slide has {SLIDE_OUTPUT}"
    return None


EQUIVARIANT = equivariance_property(
    "maxpool",
    "s / S",
    "with K = S the windows tile the torus, so a shift by a multiple of the stride moves every "
    "window onto another window",
)


def pool_cases(rng: CaseRng) -> list[Case]:
    def case(label, shape, kernel_size, group="values", x=None, shift=None, **kwargs) -> Case:
        inputs = {"x": rng.normal(*shape) if x is None else x, "kernel_size": kernel_size}
        inputs.update(kwargs)
        properties = ()
        if shift is not None:
            inputs = with_shift(inputs, shift, _stride(inputs))
            properties = (EQUIVARIANT,)
        return Case(label, inputs, group, BOTH, grad=("x",), properties=properties)

    slide = torch.tensor(SLIDE_IMAGE, dtype=torch.float64)[None, None]
    negative = -(rng.normal(2, 2, 6, 6).abs() + 0.1)
    return [
        Case(
            "slide example: 3x3 image, K=2, stride 1",
            {"x": slide, "kernel_size": 2, "stride": 1},
            dtypes=BOTH,
            grad=("x",),
            properties=(Property("slide example", _check_slide),),
        ),
        case("default stride (S = K = 2), 6x8 image", (2, 3, 6, 8), 2),
        case("K=3, stride 1 (overlapping windows), 5x6", (2, 2, 5, 6), 3, stride=1),
        case("K=3, stride 2, 8x9 image (last row dropped)", (2, 2, 8, 9), 3, stride=2),
        case("default stride, 7x5 image (remainders dropped)", (2, 2, 7, 5), 2),
        case("pairs: kernel (2, 3), stride (1, 2), 5x7", (2, 2, 5, 7), (2, 3), stride=(1, 2)),
        case("kernel (3, 2), stride=None given, 7x6", (1, 3, 7, 6), (3, 2), stride=None),
        case("all-negative inputs, K=2", negative.shape, 2, x=negative),
        case("one window: K equals the 4x4 image", (2, 1, 4, 4), 4, "edge cases"),
        case("K=1, stride 2: subsampling", (1, 2, 5, 6), 1, "edge cases", stride=2),
        case(
            "maxpool(roll(x, 2t)) == roll(maxpool(x), t), K=S=2, 6x8",
            (2, 2, 6, 8),
            2,
            shift=(2, -4),
        ),
        case(
            "maxpool(roll(x, 3t)) == roll(maxpool(x), t), K=S=3, 6x9",
            (1, 2, 6, 9),
            3,
            stride=3,
            shift=(3, 6),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _pool_variant(evidence: Evidence, **changes: Any) -> torch.Tensor:
    inputs = {**_pool_kwargs(evidence.case.inputs), **changes}
    return REF_POOL(evidence.seen("x"), **inputs)


def _out_shape(evidence: Evidence, **changes: Any) -> tuple[int, ...]:
    """The output shape of the case's pooling with ``changes`` (``ceil_mode`` among them)."""
    x = evidence.seen("x")
    kernel = _pair(changes.pop("kernel_size", evidence.case.inputs["kernel_size"]))
    stride = _pair(changes.pop("stride", _stride(evidence.case.inputs)))
    ceil = changes.pop("ceil_mode", False)
    sizes = []
    for size, k, s in zip(x.shape[-2:], kernel, stride, strict=True):
        sizes.append(-(-(size - k) // s) + 1 if ceil else (size - k) // s + 1)
    return (*x.shape[:2], *sizes)


def _shape_is(**changes: Any):
    """The output has the shape the pooling with ``changes`` gives, and the right one differs."""

    def applies(evidence: Evidence) -> bool:
        item = evidence.student.get("out")
        if evidence.stage != "shape" or evidence.key != "out" or item is None or not item.shape:
            return False
        mistaken, right = _out_shape(evidence, **changes), _out_shape(evidence)
        return tuple(item.shape) == mistaken != right

    return applies


def _default_stride(evidence: Evidence) -> bool:
    return evidence.case.inputs.get("stride") is None and _shape_is(stride=1)(evidence)


def _swapped_pairs(evidence: Evidence) -> torch.Tensor | None:
    inputs = evidence.case.inputs
    kernel, stride = _pair(inputs["kernel_size"]), _stride(inputs)
    if kernel[0] == kernel[1] and stride[0] == stride[1]:
        return None
    return _pool_variant(evidence, kernel_size=kernel[::-1], stride=stride[::-1])


POOL_HINTS = (
    Hint(
        "start the maximum from the window's first entry (or -inf), never from 0: a window of "
        "negative numbers has a negative maximum",
        explained_by(lambda e: _pool_variant(e).clamp(min=0), "out"),
    ),
    Hint(
        "stride=None means S = K (non-overlapping windows, as PyTorch), not 1",
        _default_stride,
    ),
    Hint(
        "rows and columns that do not fill a whole window are dropped: "
        "H_out = floor((H - K_h) / S_h) + 1",
        _shape_is(ceil_mode=True),
    ),
    Hint(
        "kernel_size and stride pairs are (for H, for W): K_h and S_h act on the rows",
        explained_by(_swapped_pairs, "out"),
    ),
    Hint(FORMULA, all_of(at_stage("values"), failed_on("out"))),
)


EXERCISES = [
    Exercise(
        MODULE,
        "maxpool2d",
        points=1.5,
        cases=pool_cases,
        probe=pool_probe,
        groups={
            "values": 3.0,
            "edge cases": 1.0,
            "gradients": 2.0,
            "properties": 0.5,
            "equivariance": 1.5,
        },
        lesson="the maximum of a window starts from its first entry (or -inf), never from 0: "
        "all-negative windows have a negative maximum",
        forbidden=FORBIDDEN,
        forbidden_ops=FORBIDDEN_OPS,
        hints=POOL_HINTS,
    ),
]
