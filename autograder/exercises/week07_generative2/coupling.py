"""Week 7 checks, coupling part: AffineCoupling (a RealNVP coupling layer).

Oracle: ``ml4p_ref.week07_generative2.AffineCoupling`` in float64 (index selection and
``index_copy``), itself checked against autograd Jacobians with ``slogdet``.

AffineCoupling: the probe rebuilds ``s_net`` and ``t_net`` as ``TensorMLP``s from the case's
weights, constructs the student's layer and compares ``forward(z)`` and ``inverse(x)`` (an
independent ``x``) with the reference, with vector-Jacobian products w.r.t. the input and every
weight of both nets, for alternating, half and random masks ("values", "gradients"). Large log-
scales (s ~ 20) and a net that is huge on the passed-through coordinates ("stability"), zero nets
giving the identity with log-det 0 ("edge cases"). Properties of the student's own outputs: the
round trip ``inverse(forward(z)) = z`` (curriculum 2.5 tolerance), ``logdet + logdet_inv = 0``, the
masked coordinates passed through bit-exactly, and ``logdet = log|det dx/dz|`` of an autograd
Jacobian of the student's forward map. The lesson: the log-det sums ``s`` over the transformed
coordinates only.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
    reference,
    scaled,
)
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, is_tensor, vjp

MODULE = "week07_generative2"

FORWARD_X, FORWARD_LOGDET = "forward x", "forward logdet"
INVERSE_Z, INVERSE_LOGDET = "inverse z", "inverse logdet_inv"
ROUND_TRIP_Z, ROUND_TRIP_LOGDET = "inverse(forward(z)) z", "inverse(forward(z)) logdet_inv"
JACOBIAN = "log|det dx/dz| (autograd)"
COUPLING_GROUPS = {
    "values": 3.0,
    "stability": 1.0,
    "edge cases": 0.5,
    "gradients": 1.5,
    "properties": 2.0,
}
COUPLING_FORBIDDEN = (
    "torch.autograd.functional.jacobian",
    "torch.func.jacrev",
    "torch.func.jacfwd",
    "torch.linalg.slogdet",
    "torch.linalg.det",
    "torch.linalg.inv",
    "torch.slogdet",
    "torch.det",
    "torch.logdet",
    "torch.inverse",
    "torch.Tensor.slogdet",
    "torch.Tensor.det",
    "torch.Tensor.logdet",
)


def _within(yours: torch.Tensor, expected: torch.Tensor, kind: str, case: Case) -> torch.Tensor:
    """Elementwise ``|yours - expected| <= atol * max(1, max|expected|) + rtol * |expected|``."""
    tolerance = case.tolerance_of(kind)
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    return (yours - expected).abs() <= tolerance.atol * scale + tolerance.rtol * expected.abs()


# ----------------------------------------------------------------------------------------- coupling
def coupling_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """Build the layer from the case's mask and net weights; run forward(z) and inverse(x).

    Gradients (when the case has ``grad``) are vector-Jacobian products of each of the four outputs
    w.r.t. the input and every weight of both nets (``vjp`` keeps the graph that ``x`` and
    ``logdet`` share). An input no gradient reaches (``t_net``'s weights for ``logdet``) counts as
    a zero gradient, whichever way the graph was built.
    """
    z, x = inputs["z"], inputs["x"]
    nets = {}
    if ctx.grad:
        z.requires_grad_(True)
        x.requires_grad_(True)
        nets = {**leaves(inputs["s_net"], "s_net"), **leaves(inputs["t_net"], "t_net")}
    s_net, t_net = TensorMLP(inputs["s_net"]), TensorMLP(inputs["t_net"])
    layer = ctx.call(impl, inputs["mask"], s_net, t_net)
    observations = _pair(ctx.call(layer, z), FORWARD_X, FORWARD_LOGDET)
    observations.update(_pair(ctx.call(layer.inverse, x), INVERSE_Z, INVERSE_LOGDET))
    forward_x = observations.get(FORWARD_X)
    forward_ok = is_tensor(forward_x) and forward_x.shape == z.shape
    if inputs.get("round_trip") and forward_ok:
        back = ctx.call(layer.inverse, forward_x.detach())
        observations.update(_pair(back, ROUND_TRIP_Z, ROUND_TRIP_LOGDET))
    if inputs.get("jacobian"):
        observations[JACOBIAN] = _log_abs_det_jacobian(layer, z, ctx) if forward_ok else None
    if ctx.grad:
        for key, name, point in (
            (FORWARD_X, "z", z),
            (FORWARD_LOGDET, "z", z),
            (INVERSE_Z, "x", x),
            (INVERSE_LOGDET, "x", x),
        ):
            wrt = {name: point, **nets}
            for grad_key, grad in vjp(observations.get(key), wrt, ctx, salt=key).items():
                if grad is None:  # no path from this input: the same as a zero gradient
                    grad = torch.zeros_like(wrt[grad_key.removeprefix("grad:")])
                observations[f"{grad_key} through {key}"] = grad
    return observations


def _pair(result: Any, first: str, second: str) -> dict[str, Any]:
    """``{first: result[0], second: result[1]}`` when the method returned a pair, else nothing."""
    if type(result) in (tuple, list) and len(result) == 2:
        return {first: result[0], second: result[1]}
    return {}


def _log_abs_det_jacobian(layer: Any, z: torch.Tensor, ctx: ProbeContext) -> torch.Tensor:
    """``log|det dx_b/dz_b|`` per sample from an autograd Jacobian of the layer's forward map (the
    Jacobians run the student's layer, so they are taken inside ``ctx.call``)."""

    def jacobians() -> list[Any]:
        one_sample = lambda v: layer(v[None])[0][0]  # noqa: E731
        return [torch.autograd.functional.jacobian(one_sample, v) for v in z.detach().clone()]

    dim = z.shape[-1]
    values = []
    for jacobian in ctx.call(jacobians):
        if not is_tensor(jacobian) or tuple(jacobian.shape) != (dim, dim):
            got = list(jacobian.shape) if isinstance(jacobian, torch.Tensor) else type(jacobian)
            raise ValueError(
                f"forward(z)[0] on a batch of one sample, shape [1, {dim}], does not give a "
                f"[{dim}, {dim}] Jacobian (got {got}): forward must map each sample on its own"
            )
        values.append(torch.linalg.slogdet(jacobian.detach().double().cpu()).logabsdet)
    return torch.stack(values)


# hints: mistaken layers are the reference with its mask or its nets changed
COUPLING = reference(MODULE, "AffineCoupling")
COUPLING_OUTPUTS = {  # observation -> (method, input, index of the method's output)
    FORWARD_X: ("forward", "z", 0),
    FORWARD_LOGDET: ("forward", "z", 1),
    INVERSE_Z: ("inverse", "x", 0),
    INVERSE_LOGDET: ("inverse", "x", 1),
}


def _layer_variant(swap_mask: bool = False, whole_input: bool = False, change=None):
    """The reference layer's output for the failing observation with the mask swapped, the nets
    fed the whole input instead of ``y * m``, or their outputs changed: ``change(s, t) -> s, t``.
    """

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key not in COUPLING_OUTPUTS:
            return None
        method, source, index = COUPLING_OUTPUTS[evidence.key]
        y = evidence.seen(source)
        mask = evidence.case.inputs["mask"]
        s_net, t_net = TensorMLP(evidence.seen("s_net")), TensorMLP(evidence.seen("t_net"))

        def nets(conditioner_input: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            seen = y if whole_input else conditioner_input
            s, t = s_net(seen), t_net(seen)
            return change(s, t) if change else (s, t)

        layer = COUPLING(~mask if swap_mask else mask, lambda v: nets(v)[0], lambda v: nets(v)[1])
        with torch.no_grad():
            return getattr(layer, method)(y)[index]

    return variant


def _logdet_over_all_coordinates(evidence: Evidence) -> torch.Tensor | None:
    """The log-det summing ``s`` over every coordinate, the kept ones too (the week's lesson)."""
    if evidence.key not in (FORWARD_LOGDET, INVERSE_LOGDET):
        return None
    method, source, _ = COUPLING_OUTPUTS[evidence.key]
    y = evidence.seen(source)
    s = TensorMLP(evidence.seen("s_net"))(y * evidence.case.inputs["mask"])
    return s.sum(dim=-1) if method == "forward" else -s.sum(dim=-1)


def _overflows_on_kept(evidence: Evidence) -> bool:
    """Non-finite only where mask is True: exp of an unmasked s overflowed there."""
    x, mask = evidence.student_value(FORWARD_X), evidence.case.inputs["mask"]
    if x is None or x.dim() != 2 or x.shape[-1] != mask.numel():
        return False
    bad = ~x.isfinite()
    return bool(bad[:, mask].any()) and not bool(bad[:, ~mask].any())


def _returns_no_pair(evidence: Evidence) -> bool:
    """The code ran, but forward or inverse gave no pair to take the failing output from."""
    student, key = evidence.student, evidence.key
    return bool(student) and key in COUPLING_OUTPUTS and key not in student


def _moved_count(evidence: Evidence) -> float:
    return float((~evidence.case.inputs["mask"]).sum())


def _dim(evidence: Evidence) -> float:
    return float(evidence.case.inputs["mask"].numel())


FORWARD_KEYS, INVERSE_KEYS = (FORWARD_X, FORWARD_LOGDET), (INVERSE_Z, INVERSE_LOGDET)
LOGDET_KEYS = (FORWARD_LOGDET, INVERSE_LOGDET)
SHIFT_THEN_SCALE = _layer_variant(change=lambda s, t: (s, t * torch.exp(s)))
COUPLING_HINTS = (
    Hint(
        "forward must return the pair (x, logdet) and inverse the pair (z, logdet_inv)",
        _returns_no_pair,
    ),
    Hint(
        "mask True marks the coordinates passed through unchanged (x = z there)",
        explained_by(_layer_variant(swap_mask=True)),
    ),
    Hint(
        "s = s_net(z * m) * (1 - m): mask s before exp, or exp overflows where mask is True",
        all_of(at_stage("nonfinite"), failed_on(FORWARD_X), _overflows_on_kept),
    ),
    Hint(
        "logdet = sum((1 - m) * s): add the log-scales, never take the log of a product of scales, "
        "which overflows",
        all_of(at_stage("nonfinite"), failed_on(*LOGDET_KEYS)),
    ),
    Hint(
        "the nets see only the passed-through coordinates: s = s_net(z * m), t = t_net(z * m)",
        all_of(failed_on(*FORWARD_KEYS), explained_by(_layer_variant(whole_input=True))),
    ),
    Hint(
        "in inverse the nets see x * m (equal to z * m), not the whole x",
        all_of(failed_on(*INVERSE_KEYS), explained_by(_layer_variant(whole_input=True))),
    ),
    Hint(
        "forward is x = z * exp(s) + t: scale first, then shift",
        all_of(failed_on(FORWARD_X), explained_by(SHIFT_THEN_SCALE)),
    ),
    Hint(
        "undo the shift first, then the scale: z = (x - t) * exp(-s)",
        all_of(failed_on(INVERSE_Z), explained_by(SHIFT_THEN_SCALE)),
    ),
    Hint(
        "inverse divides by the scale: z = (x - t) * exp(-s)",
        all_of(failed_on(INVERSE_Z), explained_by(_layer_variant(change=lambda s, t: (-s, t)))),
    ),
    Hint(
        "logdet sums s over the transformed coordinates only: multiply s by (1 - m)",
        explained_by(_logdet_over_all_coordinates),
    ),
    Hint(
        "logdet is the sum of the log-scales s, not of the scales exp(s)",
        all_of(
            failed_on(*LOGDET_KEYS),
            explained_by(_layer_variant(change=lambda s, t: (torch.exp(s), t))),
        ),
    ),
    Hint(
        "logdet is a sum over the coordinates, not a mean",
        all_of(
            failed_on(*LOGDET_KEYS),
            any_of(scaled(lambda e: 1 / _dim(e)), scaled(lambda e: 1 / _moved_count(e))),
        ),
    ),
    Hint(
        "the inverse's log-det is logdet_inv = -sum((1 - m) * s)",
        all_of(failed_on(INVERSE_LOGDET), scaled(-1.0)),
    ),
    Hint(
        "keep z's dtype: build the log-det from s, not by adding into torch.zeros(B) (float32)",
        all_of(at_stage("dtype"), failed_on(*LOGDET_KEYS)),
    ),
)


# properties of the student's own outputs
def _outputs(observed, case: Case, *keys: str) -> list[torch.Tensor]:
    """Coupling outputs: ``(B, D)`` for x and z, ``(B,)`` for the log-dets."""
    batch, dim = case.inputs["z"].shape
    shapes = {key: (batch,) if "logdet" in key else (batch, dim) for key in keys}
    return [observed_array(observed, key, shapes[key]) for key in keys]


def _round_trip(observed, case: Case) -> str | None:
    back, x = _outputs(observed, case, ROUND_TRIP_Z, FORWARD_X)
    tolerance = case.tolerance_of("roundtrip")
    error = (back - case.seen("z")).abs()
    if bool((error <= tolerance.atol + tolerance.rtol * x.abs()).all()):
        return None
    return (
        f"inverse(forward(z)) differs from z by up to {float(error.max()):.2e} "
        f"(tolerance {tolerance.atol:.0e} * (1 + |x|)); inverse must undo forward exactly"
    )


def _logdets_cancel(observed, case: Case) -> str | None:
    logdet, logdet_inv = _outputs(observed, case, FORWARD_LOGDET, ROUND_TRIP_LOGDET)
    if bool(_within(-logdet_inv, logdet, "logdet", case).all()):
        return None
    worst = float((logdet + logdet_inv).abs().max())
    return f"logdet + logdet_inv at x = forward(z) is up to {worst:.3g}, expected 0"


def _passes_masked_through(observed, case: Case) -> str | None:
    mask = case.inputs["mask"]
    x, z = _outputs(observed, case, FORWARD_X, INVERSE_Z)
    for yours, source, what in (
        (x, case.seen("z"), "forward(z)[:, mask] != z[:, mask]"),
        (z, case.seen("x"), "inverse(x)[:, mask] != x[:, mask]"),
    ):
        differ = int((yours[:, mask] != source[:, mask]).sum())
        if differ:
            return (
                f"{what} in {differ}/{int(mask.sum()) * len(yours)} entries: the coordinates with "
                "mask True must be copied bit-exactly (x = z * m + (1 - m) * (...), no arithmetic "
                "on them)"
            )
    return None


def _is_identity(observed, case: Case) -> str | None:
    keys = (FORWARD_X, FORWARD_LOGDET, INVERSE_Z, INVERSE_LOGDET)
    x, logdet, z, logdet_inv = _outputs(observed, case, *keys)
    for out, log, source, name in ((x, logdet, "z", "forward"), (z, logdet_inv, "x", "inverse")):
        if not torch.equal(out, case.seen(source)):
            return f"{name} changed its input although s_net and t_net return exact zeros"
        if bool((log != 0).any()):
            return f"{name} log-det is not exactly 0 although s_net returns exact zeros"
    return None


def _small_relative_round_trip(observed, case: Case) -> str | None:
    (back,) = _outputs(observed, case, ROUND_TRIP_Z)
    z = case.seen("z")
    relative = float(((back - z).abs() / z.abs()).max())
    bound = 1e-13 if case.dtype == torch.float64 else 1e-6
    if relative <= bound:
        return None
    return (
        f"relative error of inverse(forward(z)) is {relative:.2e} > {bound:.0e} for log-scales "
        "s ~ 20; undo the shift first, then multiply by exp(-s)"
    )


def _logdet_is_log_abs_det(observed, case: Case) -> str | None:
    logdet, _ = _outputs(observed, case, FORWARD_LOGDET, FORWARD_X)  # the Jacobian needs x
    expected = observed_array(observed, JACOBIAN, tuple(logdet.shape))
    if bool(_within(logdet, expected, "logdet", case).all()):
        return None
    error = (logdet - expected).abs().nan_to_num(math.inf)
    worst = int(error.argmax())
    return (
        f"logdet[{worst}] = {float(logdet[worst]):.10g} but log|det dx/dz| of your forward map "
        f"(autograd Jacobian) is {float(expected[worst]):.10g} (off by {float(error[worst]):.2e}); "
        "logdet = sum((1 - m) * s)"
    )


# cases
def _mask(kind: str, dim: int, rng: CaseRng) -> torch.Tensor:
    if kind == "alternating":
        return torch.arange(dim) % 2 == 0
    if kind == "half":
        return torch.arange(dim) < dim // 2
    while True:
        mask = rng.uniform(dim) < 0.5
        if 0 < int(mask.sum()) < dim:
            return mask


def _coupling_inputs(
    rng: CaseRng, mask: torch.Tensor, batch: int, s_scale: float = 0.5, z_scale: float = 1.0
) -> dict[str, Any]:
    dim = mask.numel()
    return {
        "mask": mask,
        "s_net": mlp_weights(rng, [dim, 8, dim], scale=s_scale),
        "t_net": mlp_weights(rng, [dim, 8, dim]),
        "z": rng.normal(batch, dim, scale=z_scale),
        "x": rng.normal(batch, dim, scale=z_scale),
    }


def coupling_cases(rng: CaseRng) -> list[Case]:
    grad = ("z", "x", "s_net", "t_net")
    cases = [
        Case(label, _coupling_inputs(rng, _mask(kind, dim, rng), batch), dtypes=BOTH, grad=grad)
        for label, kind, dim, batch in (
            ("alternating mask", "alternating", 6, 5),
            ("half mask", "half", 8, 4),
            ("random mask", "random", 7, 4),
        )
    ]

    zero = _coupling_inputs(rng, _mask("random", 6, rng), 4)
    for weights in (zero["s_net"], zero["t_net"]):
        weights["W1"].zero_()
        weights["b1"].zero_()
    identity = Property("zero nets give the identity", _is_identity, group="edge cases")
    cases.append(
        Case(
            "zero nets give the identity",
            zero,
            group="edge cases",
            dtypes=BOTH,
            properties=(identity,),
        )
    )

    large = _coupling_inputs(rng, _mask("alternating", 10, rng), 4, s_scale=0.3)
    large["s_net"]["b1"] += 20.0
    large["round_trip"] = True
    relative = Property("relative round-trip error", _small_relative_round_trip, group="stability")
    cases.append(
        Case("large scales s~20", large, group="stability", dtypes=BOTH, properties=(relative,))
    )

    huge_mask = _mask("half", 6, rng)
    huge = _coupling_inputs(rng, huge_mask, 4)
    huge["s_net"]["b1"][huge_mask] += 800.0
    cases.append(Case("s_net huge on the kept coordinates", huge, group="stability", dtypes=BOTH))

    trip = _coupling_inputs(rng, _mask("random", 6, rng), 5, z_scale=1e3)
    trip["s_net"]["b1"] += 5.0
    for weights in (trip["s_net"], trip["t_net"]):
        weights["W0"] /= 1e3  # the nets see inputs of size 1e3
    trip["round_trip"] = True
    round_trip = (
        Property("masked coordinates pass through bit-exactly", _passes_masked_through),
        Property("inverse(forward(z)) = z", _round_trip),
        Property("logdet + logdet_inv = 0", _logdets_cancel),
    )
    cases.append(
        Case("round trip and pass-through", trip, dtypes=BOTH, compare=False, properties=round_trip)
    )

    jac = _coupling_inputs(rng, _mask("random", 5, rng), 3, s_scale=1.0)
    jac["jacobian"] = True
    log_abs_det = Property("logdet = log|det dx/dz|", _logdet_is_log_abs_det)
    cases.append(
        Case(
            "logdet vs autograd Jacobian",
            jac,
            dtypes=BOTH,
            compare=False,
            properties=(log_abs_det,),
        )
    )
    return cases


# ----------------------------------------------------------------------------------------- registry
EXERCISES = [
    Exercise(
        MODULE,
        "AffineCoupling",
        points=3.0,
        cases=coupling_cases,
        probe=coupling_probe,
        groups=COUPLING_GROUPS,
        lesson="logdet = sum((1 - m) * s) over the transformed coordinates only, and inverse is "
        "the exact inverse of forward",
        forbidden=COUPLING_FORBIDDEN,
        hints=COUPLING_HINTS,
    ),
]
