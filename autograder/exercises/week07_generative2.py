"""Week 7 checks: AffineCoupling (RealNVP coupling layer) and dsm_loss (denoising score matching).

Oracle: ``ml4p_ref.week07_generative2`` in float64 (the coupling layer by index selection and
``index_copy``, the loss by ``F.mse_loss``), itself checked against autograd Jacobians with
``slogdet`` and the Gaussian closed forms of curriculum.md 7.6 / 4.3.

AffineCoupling: the probe rebuilds ``s_net`` and ``t_net`` as ``TensorMLP``s from the case's weights,
constructs the student's layer and compares ``forward(z)`` and ``inverse(x)`` (an independent ``x``)
with the reference, with vector-Jacobian products w.r.t. the input and every weight of both nets,
for alternating, half and random masks. Properties, checked on the student's own outputs: the round
trip ``inverse(forward(z)) = z`` (curriculum 2.5 tolerance), ``logdet + logdet_inv = 0``, the masked
coordinates passed through bit-exactly, ``logdet = log|det dx/dz|`` of an autograd Jacobian of the
student's forward map, zero nets give the identity with log-det 0, and large log-scales (s ~ 20)
keep a small relative round-trip error. A net that is huge on the passed-through coordinates must
not matter (its output there is multiplied by ``1 - m`` before ``exp``).

dsm_loss: the probe's score function is a ``TensorMLP`` on the flattened ``x~`` divided by
``sigma_b``; it records the ``x~`` and ``sigma_b`` it is given, which are compared with the
reference's (so ``sigma_b`` must be the ``(B,)`` tensor of ``x0``'s dtype). Vector and image-shaped
``x0`` (with ``B == W``, so that a wrong broadcast of sigma does not raise), sigma as a float and as
a ``(B,)`` tensor, both weightings, gradients w.r.t. ``x0`` and the score net's weights. Properties:
the exact conditional score ``-(x~ - x0) / sigma^2`` gives the loss 0 (the DSM closed form at its
per-sample optimum), and an unknown weighting raises ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import Case, CaseRng, Property, in_dtypes
from autograder.exercise import Exercise, Hint
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp
from autograder.tolerance import tolerance_for

MODULE = "week07_generative2"

FORWARD_X, FORWARD_LOGDET = "forward x", "forward logdet"
INVERSE_Z, INVERSE_LOGDET = "inverse z", "inverse logdet_inv"
ROUND_TRIP_Z, ROUND_TRIP_LOGDET = "inverse(forward(z)) z", "inverse(forward(z)) logdet_inv"
JACOBIAN = "log|det dx/dz| (autograd)"

SIGMA_SEEN, X_TILDE_SEEN = "sigma_b given to score_fn", "x_tilde given to score_fn"
RAISED = "ValueError raised"

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
RANDOM_DRAWS = (
    "torch.randn",
    "torch.randn_like",
    "torch.rand",
    "torch.rand_like",
    "torch.normal",
    "torch.Tensor.normal_",
    "torch.Tensor.uniform_",
)


# ----------------------------------------------------------------------------------------- shared
def _seen(case: Case, name: str) -> Any:
    """An input as the student received it (cast to the case's dtype), in float64."""
    value = case.inputs()[name]
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.to(case.dtype).double()
    if isinstance(value, dict):
        return {key: tensor.to(case.dtype).double() for key, tensor in value.items()}
    return value


def _data(observed: Mapping[str, Any], key: str) -> torch.Tensor:
    return observed[key].data.double()


def _near(yours: torch.Tensor, expected: torch.Tensor, rtol: float = 1e-4) -> bool:
    """Agreement to a few digits: for recognising a classic mistake, not for grading."""
    yours, expected = yours.double(), expected.double()
    if yours.shape != expected.shape or not bool(expected.isfinite().all()):
        return False
    scale = max(float(expected.abs().max()) if expected.numel() else 0.0, 1e-30)
    return bool(((yours - expected).abs() <= rtol * scale).all())


def _pair(result: Any, first: str, second: str) -> dict[str, Any]:
    """``{first: result[0], second: result[1]}`` when the method returned a pair, else nothing."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return {first: result[0], second: result[1]}
    return {}


def _within(yours: torch.Tensor, expected: torch.Tensor, kind: str, case: Case) -> torch.Tensor:
    """Elementwise ``|yours - expected| <= atol * max(1, max|expected|) + rtol * |expected|``."""
    tolerance = tolerance_for(kind, str(case.dtype).removeprefix("torch."), case.device)
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    return (yours - expected).abs() <= tolerance.atol * scale + tolerance.rtol * expected.abs()


# ----------------------------------------------------------------------------------------- coupling
def coupling_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """Build the layer from the case's mask and net weights; run forward(z) and inverse(x).

    Gradients (``ctx.grad`` = ("nets",)) are vector-Jacobian products of each of the four outputs
    w.r.t. the input and every weight of both nets, through the outputs already observed (``vjp``
    keeps the graph that ``x`` and ``logdet`` share). An input no gradient reaches (``t_net``'s
    weights for ``logdet``) counts as a zero gradient, whichever way the graph was built.
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
    if inputs.get("round_trip") and isinstance(forward_x, torch.Tensor):
        back = ctx.call(layer.inverse, forward_x.detach())
        observations.update(_pair(back, ROUND_TRIP_Z, ROUND_TRIP_LOGDET))
    if inputs.get("jacobian"):
        observations[JACOBIAN] = _log_abs_det_jacobian(layer, z)
    if ctx.grad:
        for key, input_name, point in (
            (FORWARD_X, "z", z),
            (FORWARD_LOGDET, "z", z),
            (INVERSE_Z, "x", x),
            (INVERSE_LOGDET, "x", x),
        ):
            wrt = {input_name: point, **nets}
            for name, grad in vjp(observations.get(key), wrt, ctx, salt=key).items():
                if grad is None:  # no path from this input: the same as a zero gradient
                    grad = torch.zeros_like(wrt[name.removeprefix("grad:")])
                observations[f"{name} through {key}"] = grad
    return observations


def _log_abs_det_jacobian(layer: Any, z: torch.Tensor) -> torch.Tensor | None:
    """``log|det dx_b/dz_b|`` per sample from an autograd Jacobian of the layer's forward map."""

    def one_sample(v: torch.Tensor) -> torch.Tensor:
        return layer(v[None])[0][0]

    try:
        values = []
        for sample in z.detach():
            jac = torch.autograd.functional.jacobian(one_sample, sample.clone())
            values.append(torch.linalg.slogdet(jac.double()).logabsdet)
        return torch.stack(values).cpu()
    except Exception:
        return None


def _coupling_nets(case: Case, y: torch.Tensor, masked: bool = True):
    """Float64 ``s`` and ``t`` of the case's nets at ``y * m`` (or at ``y``), before ``* (1 - m)``."""
    m = case.inputs()["mask"].double()
    inp = y * m if masked else y
    return TensorMLP(_seen(case, "s_net"))(inp), TensorMLP(_seen(case, "t_net"))(inp)


def _forward_variant(case: Case, kind: str) -> torch.Tensor:
    z, m = _seen(case, "z"), case.inputs()["mask"].double()
    s, t = _coupling_nets(case, z, masked=kind != "conditioner sees everything")
    s, t = s * (1 - m), t * (1 - m)
    if kind == "shift before scale":
        return z * m + (1 - m) * (z + t) * torch.exp(s)
    return z * m + (1 - m) * (z * torch.exp(s) + t)


def _inverse_variant(case: Case, kind: str) -> torch.Tensor:
    x, m = _seen(case, "x"), case.inputs()["mask"].double()
    s, t = _coupling_nets(case, x, masked=kind != "nets see unmasked x")
    s, t = s * (1 - m), t * (1 - m)
    if kind == "scale before shift":
        return x * m + (1 - m) * (x * torch.exp(-s) - t)
    if kind == "exp(+s)":
        return x * m + (1 - m) * (x - t) * torch.exp(s)
    return x * m + (1 - m) * (x - t) * torch.exp(-s)


def _mask_swapped(student, reference, case) -> bool:
    mask = case.inputs()["mask"]
    moved = _data(student, FORWARD_X)[:, ~mask]
    return not _near(_data(reference, FORWARD_X), _seen(case, "z")) and _near(
        moved, _seen(case, "z")[:, ~mask], rtol=1e-6
    )


def _telling(yours: torch.Tensor, variant: torch.Tensor, right: torch.Tensor) -> bool:
    """``yours`` matches the mistaken ``variant``, and the variant differs from the right value."""
    return not _near(variant, right) and _near(yours, variant)


def _forward_is(kind: str) -> Callable:
    def applies(student, reference, case) -> bool:
        moved = ~case.inputs()["mask"]
        yours = _data(student, FORWARD_X)[:, moved]
        right = _forward_variant(case, "right")[:, moved]
        return _telling(yours, _forward_variant(case, kind)[:, moved], right)

    return applies


def _inverse_is(kind: str) -> Callable:
    def applies(student, reference, case) -> bool:
        moved = ~case.inputs()["mask"]
        yours = _data(student, INVERSE_Z)[:, moved]
        right = _inverse_variant(case, "right")[:, moved]
        return _telling(yours, _inverse_variant(case, kind)[:, moved], right)

    return applies


def _logdet_counts_kept(student, reference, case) -> bool:
    s, _ = _coupling_nets(case, _seen(case, "z"))
    moved = 1 - case.inputs()["mask"].double()
    yours = _data(student, FORWARD_LOGDET)
    return _telling(yours, s.sum(dim=-1), (moved * s).sum(dim=-1))


def _logdet_sums_scales(student, reference, case) -> bool:
    s, _ = _coupling_nets(case, _seen(case, "z"))
    moved = 1 - case.inputs()["mask"].double()
    yours = _data(student, FORWARD_LOGDET)
    return _telling(yours, (moved * torch.exp(s)).sum(dim=-1), (moved * s).sum(dim=-1))


def _logdet_is_a_mean(student, reference, case) -> bool:
    mask = case.inputs()["mask"]
    yours, expected = _data(student, FORWARD_LOGDET), _data(reference, FORWARD_LOGDET)
    counts = {mask.numel(), int((~mask).sum())} - {1}
    return any(_telling(yours, expected / n, expected) for n in counts)


def _inverse_logdet_sign(student, reference, case) -> bool:
    expected = _data(reference, INVERSE_LOGDET)
    return _telling(_data(student, INVERSE_LOGDET), -expected, expected)


def _overflows(student, reference, case) -> bool:
    """Non-finite only where mask is True: exp of an unmasked s overflowed there."""
    mask = case.inputs()["mask"]
    x = _data(student, FORWARD_X)
    return not bool(x[:, mask].isfinite().all()) and bool(x[:, ~mask].isfinite().all())


COUPLING_HINTS = (
    Hint(
        "forward must return the pair (x, logdet) and inverse the pair (z, logdet_inv)",
        lambda student, reference, case: FORWARD_X not in student or INVERSE_Z not in student,
    ),
    Hint("mask True marks the coordinates passed through unchanged (x = z there)", _mask_swapped),
    Hint(
        "s = s_net(z * m) * (1 - m): mask s before exp, or exp overflows where mask is True",
        _overflows,
    ),
    Hint(
        "the nets see only the passed-through coordinates: s = s_net(z * m), t = t_net(z * m)",
        _forward_is("conditioner sees everything"),
    ),
    Hint(
        "forward is x = z * exp(s) + t: scale first, then shift", _forward_is("shift before scale")
    ),
    Hint(
        "in inverse the nets see x * m (equal to z * m), not the whole x",
        _inverse_is("nets see unmasked x"),
    ),
    Hint(
        "undo the shift first, then the scale: z = (x - t) * exp(-s)",
        _inverse_is("scale before shift"),
    ),
    Hint("inverse divides by the scale: z = (x - t) * exp(-s)", _inverse_is("exp(+s)")),
    Hint(
        "logdet sums s over the transformed coordinates only: multiply s by (1 - m)",
        _logdet_counts_kept,
    ),
    Hint("logdet is the sum of the log-scales s, not of the scales exp(s)", _logdet_sums_scales),
    Hint("logdet is a sum over the coordinates, not a mean", _logdet_is_a_mean),
    Hint("the inverse's log-det is logdet_inv = -sum((1 - m) * s)", _inverse_logdet_sign),
)


class _Unfit(Exception):
    """An observation a property needs is missing or has the wrong form (the message says how)."""


def _array(observed: Mapping[str, Any], key: str, shape: tuple[int, ...] | None = None):
    """Observation ``key`` as a float64 tensor of ``shape``, or ``_Unfit``."""
    item, name = observed.get(key), "the loss" if key == "out" else key
    if item is None or item.kind not in ("tensor", "scalar") or item.data is None:
        got = "nothing" if item is None else item.describe()
        raise _Unfit(f"{name}: expected a tensor, got {got}")
    data = item.data.double()
    if shape is not None and tuple(data.shape) != tuple(shape):
        raise _Unfit(f"{name}: expected shape {list(shape)}, got {list(data.shape)}")
    return data


def _property(name: str, check: Callable[[Mapping[str, Any], Case], str | None]) -> Property:
    """A property whose check reports malformed observations instead of raising."""

    def guarded(observed: Mapping[str, Any], case: Case) -> str | None:
        try:
            return check(observed, case)
        except _Unfit as problem:
            return str(problem)
        except Exception as error:  # a form of output the check did not foresee
            return f"could not be checked on your output ({type(error).__name__}: {error})"

    return Property(name, guarded)


def _outputs(observed, case, *keys: str) -> list[torch.Tensor]:
    """Coupling outputs: ``(B, D)`` for x and z, ``(B,)`` for the log-dets."""
    batch, dim = case.inputs()["z"].shape
    return [_array(observed, key, (batch,) if "logdet" in key else (batch, dim)) for key in keys]


def _round_trip(observed, case) -> str | None:
    back, x = _outputs(observed, case, ROUND_TRIP_Z, FORWARD_X)
    z = _seen(case, "z")
    tolerance = tolerance_for("roundtrip", str(case.dtype).removeprefix("torch."), case.device)
    error = (back - z).abs()
    if bool((error <= tolerance.atol + tolerance.rtol * x.abs()).all()):
        return None
    return (
        f"inverse(forward(z)) differs from z by up to {float(error.max()):.2e} "
        f"(tolerance {tolerance.atol:.0e} * (1 + |x|)); inverse must undo forward exactly"
    )


def _logdets_cancel(observed, case) -> str | None:
    logdet, logdet_inv = _outputs(observed, case, FORWARD_LOGDET, ROUND_TRIP_LOGDET)
    if bool(_within(-logdet_inv, logdet, "logdet", case).all()):
        return None
    worst = float((logdet + logdet_inv).abs().max())
    return f"logdet + logdet_inv at x = forward(z) is up to {worst:.3g}, expected 0"


def _passes_masked_through(observed, case) -> str | None:
    mask = case.inputs()["mask"]
    x, z = _outputs(observed, case, FORWARD_X, INVERSE_Z)
    for yours, source, what in (
        (x, _seen(case, "z"), "forward(z)[:, mask] != z[:, mask]"),
        (z, _seen(case, "x"), "inverse(x)[:, mask] != x[:, mask]"),
    ):
        differ = int((yours[:, mask] != source[:, mask]).sum())
        if differ:
            return (
                f"{what} in {differ}/{int(mask.sum()) * len(yours)} entries: the coordinates with "
                "mask True must be copied bit-exactly (x = z * m + (1 - m) * (...), no arithmetic "
                "on them)"
            )
    return None


def _is_identity(observed, case) -> str | None:
    keys = (FORWARD_X, FORWARD_LOGDET, INVERSE_Z, INVERSE_LOGDET)
    x, logdet, z, logdet_inv = _outputs(observed, case, *keys)
    for out, log, source, name in ((x, logdet, "z", "forward"), (z, logdet_inv, "x", "inverse")):
        if not torch.equal(out, _seen(case, source)):
            return f"{name} changed its input although s_net and t_net return exact zeros"
        if bool((log != 0).any()):
            return f"{name} log-det is not exactly 0 although s_net returns exact zeros"
    return None


def _small_relative_round_trip(observed, case) -> str | None:
    (back,) = _outputs(observed, case, ROUND_TRIP_Z)
    z = _seen(case, "z")
    relative = float(((back - z).abs() / z.abs()).max())
    bound = 1e-13 if case.dtype == torch.float64 else 1e-6
    if relative <= bound:
        return None
    return (
        f"relative error of inverse(forward(z)) is {relative:.2e} > {bound:.0e} for log-scales "
        "s ~ 20; undo the shift first, then multiply by exp(-s)"
    )


def _logdet_is_log_abs_det(observed, case) -> str | None:
    (logdet,) = _outputs(observed, case, FORWARD_LOGDET)
    if observed[JACOBIAN].data is None:
        return "the autograd Jacobian of your forward map could not be computed"
    expected = _array(observed, JACOBIAN)
    if bool(_within(logdet, expected, "logdet", case).all()):
        return None
    worst = int((logdet - expected).abs().nan_to_num(math.inf).argmax())
    return (
        f"logdet[{worst}] = {float(logdet[worst]):.6g} but log|det dx/dz| of your forward map "
        f"(autograd Jacobian) is {float(expected[worst]):.6g}; logdet = sum((1 - m) * s)"
    )


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
    rng: CaseRng,
    mask: torch.Tensor,
    batch: int,
    hidden: int = 8,
    s_scale: float = 0.5,
    z_scale: float = 1.0,
) -> dict[str, Any]:
    dim = mask.numel()
    return {
        "mask": mask,
        "s_net": mlp_weights(rng, [dim, hidden, dim], scale=s_scale),
        "t_net": mlp_weights(rng, [dim, hidden, dim]),
        "z": rng.normal(batch, dim, scale=z_scale),
        "x": rng.normal(batch, dim, scale=z_scale),
    }


def coupling_cases(rng: CaseRng) -> list[Case]:
    cases = []
    for label, kind, dim, batch in (
        ("alternating mask", "alternating", 6, 5),
        ("half mask", "half", 8, 4),
        ("random mask", "random", 7, 4),
    ):
        inputs = _coupling_inputs(rng, _mask(kind, dim, rng), batch)
        cases += in_dtypes(lambda d, i=inputs, lab=label: Case(lab, i, dtype=d, grad=("nets",)))

    zero = _coupling_inputs(rng, _mask("random", 6, rng), 4)
    for weights in (zero["s_net"], zero["t_net"]):
        weights["W1"].zero_()
        weights["b1"].zero_()
    cases += in_dtypes(
        lambda d: Case(
            "zero nets give the identity",
            zero,
            dtype=d,
            properties=(_property("zero nets give the identity", _is_identity),),
        )
    )

    large = _coupling_inputs(rng, _mask("alternating", 10, rng), 4, s_scale=0.3)
    large["s_net"]["b1"] += 20.0
    large["round_trip"] = True
    cases += in_dtypes(
        lambda d: Case(
            "large scales s~20",
            large,
            dtype=d,
            properties=(_property("relative round-trip error", _small_relative_round_trip),),
        )
    )

    huge_mask = _mask("half", 6, rng)
    huge = _coupling_inputs(rng, huge_mask, 4)
    huge["s_net"]["b1"][huge_mask] += 800.0
    cases += in_dtypes(lambda d: Case("s_net huge on the kept coordinates", huge, dtype=d))

    trip = _coupling_inputs(rng, _mask("random", 6, rng), 5, z_scale=1e3)
    trip["s_net"]["b1"] += 5.0
    for weights in (trip["s_net"], trip["t_net"]):
        weights["W0"] /= 1e3  # the nets see inputs of size 1e3
    trip["round_trip"] = True
    cases += in_dtypes(
        lambda d: Case(
            "round trip and pass-through",
            trip,
            dtype=d,
            compare=False,
            properties=(
                _property("masked coordinates pass through bit-exactly", _passes_masked_through),
                _property("inverse(forward(z)) = z", _round_trip),
                _property("logdet + logdet_inv = 0", _logdets_cancel),
            ),
        )
    )

    jac = _coupling_inputs(rng, _mask("random", 5, rng), 3, s_scale=1.0)
    jac["jacobian"] = True
    cases += in_dtypes(
        lambda d: Case(
            "logdet vs autograd Jacobian",
            jac,
            dtype=d,
            compare=False,
            properties=(_property("logdet = log|det dx/dz|", _logdet_is_log_abs_det),),
        )
    )
    return cases


# ----------------------------------------------------------------------------------------- dsm_loss
def dsm_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``dsm_loss(score_fn, x0, sigma, noise[, weighting])`` with a score built from the case.

    ``score`` = "net": ``TensorMLP(flattened x~) / sigma_b``; "exact": the conditional score
    ``-(x~ - x0) / sigma_b^2``. The first ``x~`` and ``sigma_b`` the score function receives are
    observations. With ``expect_error`` the probe records whether a ``ValueError`` was raised.
    """
    x0, noise, sigma = inputs["x0"], inputs["noise"], inputs["sigma"]
    wrt = {}
    if ctx.grad:
        wrt = {"x0": x0.requires_grad_(True), **leaves(inputs["score_net"], "score_net")}
    net = TensorMLP(inputs["score_net"])
    clean = x0.detach()
    seen: dict[str, Any] = {}

    def score_fn(x_tilde: torch.Tensor, sigma_b: Any) -> torch.Tensor:
        if not seen:
            seen[SIGMA_SEEN] = sigma_b.detach().clone() if torch.is_tensor(sigma_b) else sigma_b
            seen[X_TILDE_SEEN] = x_tilde.detach().clone()
        per_sample = _per_sample(sigma_b, x_tilde)
        if inputs["score"] == "exact":
            return -(x_tilde - clean) / per_sample**2
        flat = x_tilde.reshape(x_tilde.shape[0], -1)
        return (net(flat).reshape(x_tilde.shape)) / per_sample

    keywords = {"weighting": inputs["weighting"]} if "weighting" in inputs else {}
    if inputs.get("expect_error"):
        return {RAISED: _raises_value_error(ctx, impl, score_fn, x0, sigma, noise, keywords)}
    loss = ctx.call(impl, score_fn, x0, sigma, noise, **keywords)
    observations = {SIGMA_SEEN: seen.get(SIGMA_SEEN), X_TILDE_SEEN: seen.get(X_TILDE_SEEN)}
    observations["out"] = loss
    observations.update(vjp(loss, wrt, ctx))
    return observations


def _per_sample(sigma_b: Any, x_tilde: torch.Tensor) -> torch.Tensor:
    """``sigma_b`` shaped to broadcast over ``x_tilde``'s non-batch dims (lenient on its form)."""
    batch = x_tilde.shape[0]
    values = torch.as_tensor(sigma_b, dtype=x_tilde.dtype, device=x_tilde.device).reshape(-1)
    if values.numel() == 1:
        values = values.expand(batch)
    if values.numel() != batch:
        raise ValueError(
            f"score_fn(x_tilde, sigma_b): sigma_b must hold one sigma per sample, shape ({batch},), "
            f"got {tuple(values.shape)}"
        )
    return values.reshape((batch,) + (1,) * (x_tilde.dim() - 1))


def _raises_value_error(ctx, impl, *args: Any) -> float:
    *positional, keywords = args
    try:
        ctx.call(impl, *positional, **keywords)
    except NotImplementedError:
        raise
    except ValueError:
        return 1.0
    except Exception:
        return 2.0
    return 0.0


def _dsm_variant(case: Case, sign: float = 1.0, power: int = 1, weighting: str | None = None):
    """The loss recomputed in float64 with the target ``-sign * noise / sigma**power``."""
    x0, noise, sigma = _seen(case, "x0"), _seen(case, "noise"), _seen(case, "sigma")
    batch = x0.shape[0]
    sigma_b = sigma if torch.is_tensor(sigma) else torch.full((batch,), float(sigma)).double()
    view = sigma_b.reshape((batch,) + (1,) * (x0.dim() - 1))
    x_tilde = x0 + view * noise
    if case.inputs()["score"] == "exact":
        score = -(x_tilde - x0) / view**2
    else:
        flat = x_tilde.reshape(batch, -1)
        score = TensorMLP(_seen(case, "score_net"))(flat).reshape(x0.shape) / view
    residual = score + sign * noise / view**power
    per_sample = 0.5 * residual.square().reshape(batch, -1).sum(dim=1)
    weighting = weighting or case.inputs().get("weighting", "none")
    if weighting == "sigma2":
        per_sample = per_sample * sigma_b**2
    elif weighting == "sigma":
        per_sample = per_sample * sigma_b
    return per_sample.mean()


def _ratio(student, reference) -> float:
    return float(_data(student, "out") / _data(reference, "out"))


def _is_variant(**variant) -> Callable:
    return lambda student, reference, case: _near(
        _data(student, "out"), _dsm_variant(case, **variant)
    )


def _wrong_weighting(student, reference, case) -> bool:
    if case.inputs().get("weighting") != "sigma2":
        return False
    yours = _data(student, "out")
    return any(_near(yours, _dsm_variant(case, weighting=w)) for w in ("none", "sigma"))


def _x_tilde_variants(case: Case) -> dict[str, torch.Tensor]:
    """Mistaken perturbations ``x~`` by name (only those that can be formed for the case)."""
    x0, noise, sigma = _seen(case, "x0"), _seen(case, "noise"), _seen(case, "sigma")
    batch = x0.shape[0]
    sigma = sigma if torch.is_tensor(sigma) else torch.full((batch,), float(sigma)).double()
    view = sigma.reshape((batch,) + (1,) * (x0.dim() - 1))
    variants = {"right": x0 + view * noise, "variance": x0 + view**2 * noise, "unit": x0 + noise}
    if x0.dim() > 2:
        for name, wrong in (("last dim", sigma), ("one dim", sigma[:, None])):
            try:
                variants[name] = x0 + wrong * noise
            except RuntimeError:
                continue
    return variants


def _x_tilde_is(*names: str) -> Callable:
    def applies(student, reference, case) -> bool:
        seen = student[X_TILDE_SEEN].data
        variants = _x_tilde_variants(case)
        right = variants["right"]
        return seen is not None and any(
            name in variants and _telling(seen.double(), variants[name], right) for name in names
        )

    return applies


def _score_fn_calls(student, reference, case) -> bool:
    """``score_fn`` never called, or first called on part of the batch."""
    seen = student[X_TILDE_SEEN]
    return seen.kind == "none" or seen.shape[0] != case.inputs()["x0"].shape[0]


DSM_HINTS = (
    Hint(
        "call score_fn(x_tilde, sigma_b) once, on the whole batch, with sigma_b of shape (B,)",
        _score_fn_calls,
    ),
    Hint(
        "broadcast sigma_b over every non-batch dim, e.g. sigma_b.view(B, 1, 1, 1) for images",
        _x_tilde_is("last dim", "one dim"),
    ),
    Hint(
        "perturb with the standard deviation: x~ = x0 + sigma * noise",
        _x_tilde_is("variance", "unit"),
    ),
    Hint(
        "the target is the conditional score -noise/sigma: the residual is score + noise/sigma",
        _is_variant(sign=-1.0),
    ),
    Hint(
        "the target is -noise/sigma (= -(x~ - x0)/sigma^2), not -noise/sigma^2",
        _is_variant(power=2),
    ),
    Hint("weighting='sigma2' multiplies each sample's loss by sigma_b**2", _wrong_weighting),
    Hint(
        "the per-sample loss is 0.5 * ||score + noise/sigma||^2: the factor 1/2 is missing",
        lambda s, r, c: abs(_ratio(s, r) - 2.0) < 1e-4,
    ),
    Hint(
        "sum over the non-batch dims, then take the mean over the batch (not over every element)",
        lambda s, r, c: abs(_ratio(s, r) * c.inputs()["x0"][0].numel() - 1.0) < 1e-4,
    ),
    Hint(
        "mean over the batch, not a sum",
        lambda s, r, c: abs(_ratio(s, r) - c.inputs()["x0"].shape[0]) < 1e-4 * _ratio(s, r),
    ),
)


def _zero_loss(observed, case) -> str | None:
    loss = _array(observed, "out", ())
    noise, sigma = _seen(case, "noise"), _seen(case, "sigma")
    batch = noise.shape[0]
    sigma = sigma.reshape(batch, 1) if torch.is_tensor(sigma) else sigma
    size = float(0.5 * (noise.reshape(batch, -1) / sigma).square().sum(dim=1).mean())
    tolerance = tolerance_for("closed_form", str(case.dtype).removeprefix("torch."), case.device)
    if abs(float(loss)) <= tolerance.rtol * size:
        return None
    return (
        f"with the exact conditional score -(x~ - x0)/sigma^2 every residual vanishes and the "
        f"loss must be 0; yours is {float(loss):.6g} (the target term alone is {size:.4g})"
    )


def _raised_value_error(observed, case) -> str | None:
    outcome = float(_array(observed, RAISED))
    weighting = case.inputs()["weighting"]
    if outcome == 1.0:
        return None
    what = "returned a value" if outcome == 0.0 else "raised another exception"
    return f"weighting={weighting!r} must raise ValueError; yours {what}"


def dsm_cases(rng: CaseRng) -> list[Case]:
    def inputs(shape: tuple[int, ...], sigma: Any, score: str = "net", **extra) -> dict[str, Any]:
        features = math.prod(shape[1:])
        return {
            "score_net": mlp_weights(rng, [features, 8, features]),
            "x0": rng.normal(*shape),
            "sigma": sigma,
            "noise": rng.normal(*shape),
            "score": score,
            **extra,
        }

    def per_sample_sigma(batch: int) -> torch.Tensor:
        return torch.exp(rng.uniform(batch, low=math.log(0.05), high=math.log(3.0)))

    vector, image = (6, 5), (3, 2, 3, 3)  # B == W: a sigma broadcast over W does not raise
    grad = ("x0", "score_net")
    cases = []
    float_sigma = inputs(vector, 0.7)
    cases += in_dtypes(lambda d: Case("vector x0, float sigma", float_sigma, dtype=d, grad=grad))
    tensor_sigma = inputs(vector, per_sample_sigma(6), weighting="none")
    cases += in_dtypes(
        lambda d: Case("vector x0, per-sample sigma", tensor_sigma, dtype=d, grad=grad)
    )
    images = inputs(image, per_sample_sigma(3))
    cases += in_dtypes(
        lambda d: Case("image-shaped x0, per-sample sigma", images, dtype=d, grad=grad)
    )
    weighted = inputs(vector, per_sample_sigma(6), weighting="sigma2")
    cases += in_dtypes(
        lambda d: Case("sigma2 weighting, per-sample sigma", weighted, dtype=d, grad=grad)
    )
    weighted_images = inputs(image, 0.4, weighting="sigma2")
    cases += [Case("sigma2 weighting, image-shaped x0, float sigma", weighted_images, grad=grad)]
    exact = inputs(vector, per_sample_sigma(6), score="exact")
    cases += in_dtypes(
        lambda d: Case(
            "exact conditional score gives loss 0",
            exact,
            dtype=d,
            compare=False,
            properties=(_property("DSM closed form", _zero_loss),),
        )
    )
    unknown = inputs(vector, 0.5, weighting="sigma^2", expect_error=True)
    cases += [
        Case(
            "unknown weighting raises ValueError",
            unknown,
            compare=False,
            properties=(_property("unknown weighting", _raised_value_error),),
        )
    ]
    return cases


# ----------------------------------------------------------------------------------------- registry
EXERCISES = [
    Exercise(
        MODULE,
        "AffineCoupling",
        points=3.0,
        cases=coupling_cases,
        probe=coupling_probe,
        forbidden=COUPLING_FORBIDDEN,
        hints=COUPLING_HINTS,
    ),
    Exercise(
        MODULE,
        "dsm_loss",
        points=3.0,
        cases=dsm_cases,
        probe=dsm_probe,
        forbidden=RANDOM_DRAWS,
        hints=DSM_HINTS,
    ),
]
