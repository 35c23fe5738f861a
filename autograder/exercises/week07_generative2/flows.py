"""Week 7 checks, flows part: flow_forward and flow_log_prob (a composed flow and its exact
density), reverse_kl_loss (training by the reverse KL), and the divergences of a velocity field
(``divergence``).

Oracle: ``ml4p_ref.week07_generative2`` in float64 (stacked log-dets, ``torch.distributions``
latent density), itself checked against autograd Jacobians with ``slogdet`` and grid integrals.

The layers are the grader's own (``flow_layers``): couplings on ``TensorMLP`` conditioners and
elementwise affine maps, rebuilt in the probe from the case's tensors; gradients are taken with
respect to the input and every layer weight. Exact results: two affine layers give
``x = a z + b`` with ``logdet = sum ln|a|`` and the density of ``N(b, a^2)``; the 2-D density of two
random couplings integrates to 1 on a 201^2 grid over [-10, 10]^2 (Riemann sum; the couplings are
drawn so that the grid holds all but 1.5e-8 of the mass, and the check allows 1e-5); the reverse KL of a flow realising
``x = L z`` for the Gaussian target ``exp(-x^T A x)`` is ``-ln Z`` for every sample. Lessons: the
log-dets of a composition add up (flow_forward); the change of variables adds the inverse log-dets
(flow_log_prob, i.e. subtracts the forward ones); the reverse KL subtracts the forward log-det.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week07_generative2.divergence import EXERCISES as DIVERGENCE
from autograder.exercises.week07_generative2.flow_layers import (
    affine,
    alternating_couplings,
    build_layers,
    layer_leaves,
)
from autograder.hints import Evidence, Hint, explained_by, failed_on, reference
from autograder.probe import ProbeContext, vjp

MODULE = "week07_generative2"
FLOW_GROUPS = {
    "values": 3.0,
    "edge cases": 0.5,
    "gradients": 1.0,
    "properties": 0.5,
    "exact results": 1.5,
}
RANDOM_DRAWS = (
    "torch.randn",
    "torch.randn_like",
    "torch.rand",
    "torch.rand_like",
    "torch.normal",
    "torch.Tensor.normal_",
)
GRID_SIDE, GRID_HALF_WIDTH, GRID_TOLERANCE = 201, 10.0, 1e-5
DISC_RADIUS, CONTAINED = 6.0, 8.0  # the flow maps |z| <= 6 into [-8, 8]^2 (contained_couplings)
LOG_TWO_PI = math.log(2 * math.pi)


def _within(yours: torch.Tensor, expected: torch.Tensor, case: Case, kind: str) -> bool:
    tolerance = case.tolerance_of(kind)
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    bound = tolerance.atol * scale + tolerance.rtol * expected.abs()
    return bool(((yours - expected).abs() <= bound).all())


def _gradients(observations: dict, keys: tuple[str, ...], wrt: dict, ctx: ProbeContext) -> None:
    """Vector-Jacobian products of each observation in ``keys`` (an unreached input counts as a
    zero gradient)."""
    for key in keys:
        for grad_key, grad in vjp(observations.get(key), wrt, ctx, salt=key).items():
            if grad is None:
                grad = torch.zeros_like(wrt[grad_key.removeprefix("grad:")])
            observations[f"{grad_key} through {key}"] = grad


# ------------------------------------------------------------------------------------- flow_forward
def flow_forward_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``flow_forward(layers, z)`` on the case's layers; gradients of ``x`` and ``logdet``."""
    z, wrt = inputs["z"], {}
    if ctx.grad:
        wrt = {"z": z.requires_grad_(True), **layer_leaves(inputs["layers"])}
    result = ctx.call(impl, build_layers(inputs["layers"]), z)
    observations = {}
    if type(result) in (tuple, list) and len(result) == 2:
        observations = {"x": result[0], "logdet": result[1]}
    else:
        observations = {"x": result, "logdet": None}
    if ctx.grad:
        _gradients(observations, ("x", "logdet"), wrt, ctx)
    return observations


def _affine_composition(case: Case) -> tuple[torch.Tensor, torch.Tensor]:
    """``(a, b)`` of ``x = a z + b`` for the case's affine layers, in list order."""
    scale = shift = None
    for index, _ in enumerate(case.inputs["layers"]):
        layer = case.seen("layers")[index]
        a, b = layer["scale"], layer["shift"]
        scale = a if scale is None else a * scale
        shift = b if shift is None else a * shift + b
    return scale, shift


def _affine_forward(observed, case: Case) -> str | None:
    z = case.seen("z")
    x = observed_array(observed, "x", tuple(z.shape))
    logdet = observed_array(observed, "logdet", (z.shape[0],))
    a, b = _affine_composition(case)
    if not _within(x, a * z + b, case, "closed_form"):
        return "two affine layers must give x = a2 * (a1 * z + b1) + b2 = a z + b exactly"
    expected = torch.log(a.abs()).sum().expand(z.shape[0])
    if not _within(logdet, expected, case, "closed_form"):
        worst = float((logdet - expected).abs().max())
        return (
            f"the log-det of x = a z + b is sum_i ln|a_i| = {float(expected[0]):.6g} for every "
            f"sample; yours is off by up to {worst:.3g} (note ln|a|: one scale is negative)"
        )
    return None


def _flow_inputs(rng: CaseRng, layers: list, batch: int = 6, dim: int = 4) -> dict[str, Any]:
    return {"layers": layers, "z": rng.normal(batch, dim)}


def _affine_layers(rng: CaseRng, dim: int) -> list[dict]:
    """Two elementwise affine layers; the first has one negative scale."""
    first = torch.exp(rng.uniform(dim, low=-0.7, high=0.7))
    first[0] = -first[0]
    second = torch.exp(rng.uniform(dim, low=-0.7, high=0.7))
    return [affine(first, rng.normal(dim)), affine(second, rng.normal(dim))]


def flow_forward_cases(rng: CaseRng) -> list[Case]:
    grad = ("z", "layers")
    affine_property = Property("affine flow x = a z + b", _affine_forward, group="exact results")
    return [
        Case("one coupling", _flow_inputs(rng, alternating_couplings(rng, 4, 1)), dtypes=BOTH),
        Case(
            "three couplings",
            _flow_inputs(rng, alternating_couplings(rng, 4, 3)),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "coupling, affine, coupling",
            _flow_inputs(
                rng,
                [
                    *alternating_couplings(rng, 4, 1),
                    *_affine_layers(rng, 4)[:1],
                    *alternating_couplings(rng, 4, 1),
                ],
            ),
            grad=grad,
        ),
        Case("empty flow", _flow_inputs(rng, []), group="edge cases", dtypes=BOTH),
        Case(
            "two affine layers",
            _flow_inputs(rng, _affine_layers(rng, 3), batch=5, dim=3),
            compare=False,
            properties=(affine_property,),
            dtypes=BOTH,
        ),
    ]


FLOW_FORWARD = reference(MODULE, "flow_forward")


def _last_logdet_only(evidence: Evidence) -> torch.Tensor | None:
    """The log-det of the last layer alone (the running sum overwritten)."""
    layers = build_layers(evidence.seen("layers"))
    if evidence.key != "logdet" or not layers:
        return None
    with torch.no_grad():
        before, _ = FLOW_FORWARD(layers[:-1], evidence.seen("z"))
        return layers[-1](before)[1]


def _reversed_order(evidence: Evidence) -> torch.Tensor | None:
    if evidence.key not in ("x", "logdet"):
        return None
    with torch.no_grad():
        result = FLOW_FORWARD(build_layers(evidence.seen("layers"))[::-1], evidence.seen("z"))
    return result[0] if evidence.key == "x" else result[1]


FLOW_FORWARD_HINTS = (
    Hint(
        "the log-determinants of the layers add up: accumulate logdet = logdet + layer_logdet",
        explained_by(_last_logdet_only),
    ),
    Hint(
        "apply the layers in list order: layers[0] acts on z first", explained_by(_reversed_order)
    ),
    Hint(
        "return (x, logdet) with logdet a (B,) tensor, also for an empty flow: z.new_zeros(B)",
        failed_on("logdet"),
    ),
)


# ------------------------------------------------------------------------------------ flow_log_prob
def flow_log_prob_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``flow_log_prob(layers, x)``; gradients w.r.t. ``x`` and the layer weights."""
    x, wrt = inputs["x"], {}
    if ctx.grad:
        wrt = {"x": x.requires_grad_(True), **layer_leaves(inputs["layers"])}
    observations = {"out": ctx.call(impl, build_layers(inputs["layers"]), x)}
    if ctx.grad:
        _gradients(observations, ("out",), wrt, ctx)
    return observations


def _affine_density(observed, case: Case) -> str | None:
    x = case.seen("x")
    log_prob = observed_array(observed, "out", (x.shape[0],))
    a, b = _affine_composition(case)
    standardized = (x - b) / a
    expected = (-0.5 * standardized**2 - torch.log(a.abs()) - 0.5 * LOG_TWO_PI).sum(dim=-1)
    if _within(log_prob, expected, case, "closed_form"):
        return None
    worst = float((log_prob - expected).abs().max())
    return (
        f"the flow x = a z + b must give exactly the density of N(b, a^2); your ln p(x) is off by "
        f"up to {worst:.3g}"
    )


def _normalised(observed, case: Case) -> str | None:
    grid = case.seen("x")
    log_prob = observed_array(observed, "out", (grid.shape[0],))
    cell = (2 * GRID_HALF_WIDTH / (GRID_SIDE - 1)) ** 2
    total = float(torch.logsumexp(log_prob, dim=0).exp() * cell)
    if math.isfinite(total) and abs(total - 1.0) <= GRID_TOLERANCE:
        return None
    return (
        f"the density of a flow integrates to 1; the sum of p(x) over a {GRID_SIDE}^2 grid on "
        f"[-{GRID_HALF_WIDTH:g}, {GRID_HALF_WIDTH:g}]^2 times the cell area is {total:.8g}"
    )


def contained_couplings(rng: CaseRng, tries: int = 20) -> list[dict]:
    """Two random 2-D couplings that map the disc |z| <= 6 into [-8, 8]^2, well inside the grid:
    the flow is a bijection, so the mass its density puts outside the grid is below that of
    N(0, I) outside the disc, exp(-18) = 1.5e-8. (A draw that stretches the plane further would
    leave up to 3e-4 of the mass outside and fail a correct density.)"""
    angle = torch.linspace(0, 2 * math.pi, 65, dtype=torch.float64)[:-1]
    radius = torch.linspace(0.5, DISC_RADIUS, 12, dtype=torch.float64)
    disc = torch.stack(
        [(radius[:, None] * angle.cos()).reshape(-1), (radius[:, None] * angle.sin()).reshape(-1)],
        dim=-1,
    )
    for _ in range(tries):
        layers = alternating_couplings(rng, 2, 2, scale=0.5)
        x = disc
        with torch.no_grad():
            for layer in build_layers(layers):
                x, _ = layer(x)
        if float(x.abs().max()) <= CONTAINED:
            return layers
    raise AssertionError("no contained flow drawn: lower the couplings' scale")


def _grid() -> torch.Tensor:
    axis = torch.linspace(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, GRID_SIDE, dtype=torch.float64)
    first, second = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([first.reshape(-1), second.reshape(-1)], dim=-1)


def flow_log_prob_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "layers")

    def inputs(layers: list, batch: int = 6, dim: int = 4) -> dict[str, Any]:
        return {"layers": layers, "x": rng.normal(batch, dim, scale=1.5)}

    affine_property = Property("affine flow gives N(b, a^2)", _affine_density, "exact results")
    normalised = Property("density integrates to 1", _normalised, group="exact results")
    return [
        Case("one coupling", inputs(alternating_couplings(rng, 4, 1)), dtypes=BOTH),
        Case("three couplings", inputs(alternating_couplings(rng, 4, 3)), dtypes=BOTH, grad=grad),
        Case(
            "coupling then affine",
            inputs([*alternating_couplings(rng, 4, 1), *_affine_layers(rng, 4)[:1]]),
            grad=grad,
        ),
        Case("empty flow (standard normal)", inputs([]), group="edge cases", dtypes=BOTH),
        Case(
            "two affine layers",
            inputs(_affine_layers(rng, 3), batch=5, dim=3),
            compare=False,
            properties=(affine_property,),
            dtypes=BOTH,
        ),
        Case(
            "2-D flow of two couplings on a grid",
            {"layers": contained_couplings(rng), "x": _grid()},
            compare=False,
            properties=(normalised,),
            dtypes=BOTH,
        ),
    ]


FLOW_LOG_PROB = reference(MODULE, "flow_log_prob")


def _log_prob_variant(sign: float = 1.0, order: int = -1, constant: bool = True):
    """The reference density with the log-dets' sign flipped, the layers inverted in list order or
    the Gaussian constant left out."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        x = evidence.seen("x")
        latent, total = x, torch.zeros(x.shape[0], dtype=torch.float64)
        with torch.no_grad():
            for layer in build_layers(evidence.seen("layers"))[::order]:
                latent, logdet_inv = layer.inverse(latent)
                total = total + sign * logdet_inv
        gauss = -0.5 * (latent**2).sum(dim=-1)
        gauss = gauss - 0.5 * x.shape[-1] * LOG_TWO_PI if constant else gauss
        return gauss + total

    return variant


FLOW_LOG_PROB_HINTS = (
    Hint(
        "ln p(x) = ln N(z) + sum of the inverse log-dets (= ln N(z) - ln|det dx/dz|): check the sign",
        explained_by(_log_prob_variant(sign=-1.0)),
    ),
    Hint(
        "invert the layers from the last to the first: for layer in reversed(layers)",
        explained_by(_log_prob_variant(order=1)),
    ),
    Hint(
        "ln N(z; 0, I_D) = -||z||^2/2 - (D/2) ln(2 pi): the normalisation constant is missing",
        explained_by(_log_prob_variant(constant=False)),
    ),
)


# ---------------------------------------------------------------------------------- reverse_kl_loss
def _target(kind: str, precision: torch.Tensor):
    """``ln pi~(x)``: the Gaussian ``-x^T A x`` or a quartic ``-x^T A x - sum x^4 / 4``."""

    def log_target(x: torch.Tensor) -> torch.Tensor:
        quadratic = ((x @ precision) * x).sum(dim=-1)
        if kind == "gaussian":
            return -quadratic
        return -quadratic - 0.25 * (x**4).sum(dim=-1)

    return log_target


def reverse_kl_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``reverse_kl_loss(layers, log_target_unnorm, z)``; gradients w.r.t. ``z`` and the layers."""
    z, wrt = inputs["z"], {}
    if ctx.grad:
        wrt = {"z": z.requires_grad_(True), **layer_leaves(inputs["layers"])}
    log_target = _target(inputs["target"], inputs["precision"])
    observations = {"out": ctx.call(impl, build_layers(inputs["layers"]), log_target, z)}
    if ctx.grad:
        _gradients(observations, ("out",), wrt, ctx)
    return observations


def gaussian_flow(precision: torch.Tensor) -> list[dict]:
    """Two couplings with constant log-scales and a linear shift realising ``x = L z``, ``L`` the
    Cholesky factor of ``(2A)^{-1}`` (2-D): the flow's density is exactly the target's."""
    factor = torch.linalg.cholesky(torch.linalg.inv(2 * precision))
    zeros = torch.zeros(2, 2, dtype=torch.float64)

    def net(weight: torch.Tensor, bias: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"W0": weight, "b0": bias}

    first_scale = torch.stack([torch.log(factor[0, 0]), torch.tensor(0.0, dtype=torch.float64)])
    second_scale = torch.stack([torch.tensor(0.0, dtype=torch.float64), torch.log(factor[1, 1])])
    shear = torch.zeros(2, 2, dtype=torch.float64)
    shear[0, 1] = factor[1, 0] / factor[0, 0]  # t_2 = (L21 / L11) * x_1
    return [
        {  # x_1 = L11 z_1 (keeps z_2)
            "kind": "coupling",
            "mask": torch.tensor([False, True]),
            "s_net": net(zeros.clone(), first_scale),
            "t_net": net(zeros.clone(), torch.zeros(2, dtype=torch.float64)),
        },
        {  # x_2 = L22 z_2 + (L21 / L11) x_1 (keeps x_1)
            "kind": "coupling",
            "mask": torch.tensor([True, False]),
            "s_net": net(zeros.clone(), second_scale),
            "t_net": net(shear, torch.zeros(2, dtype=torch.float64)),
        },
    ]


def minus_log_z(precision: torch.Tensor) -> float:
    """``-ln Z`` of ``exp(-x^T A x)`` (curriculum 4.3): ``-(D/2) ln pi + (1/2) ln det A``."""
    dim = precision.shape[0]
    return -0.5 * dim * math.log(math.pi) + 0.5 * float(torch.logdet(precision))


def _exact_free_energy(observed, case: Case) -> str | None:
    loss = float(observed_array(observed, "out", ()))
    expected = minus_log_z(case.inputs["precision"])
    tolerance = case.tolerance_of("closed_form")
    if abs(loss - expected) <= tolerance.rtol * abs(expected) + tolerance.atol:
        return None
    return (
        f"the flow maps N(0, I) exactly onto the target, so ln q(x) - ln pi~(x) = -ln Z = "
        f"{expected:.10g} for every sample; your loss is {loss:.10g}"
    )


def reverse_kl_cases(rng: CaseRng) -> list[Case]:
    grad = ("z", "layers")
    precision = torch.tensor([[1.0, 0.5], [0.5, 1.25]], dtype=torch.float64)  # det A = 1: -ln pi
    tilted = torch.tensor([[0.8, -0.3], [-0.3, 0.5]], dtype=torch.float64)
    exact = Property("loss = -ln Z for the exact flow", _exact_free_energy, "exact results")

    def inputs(layers: list, target: str, precision: torch.Tensor, batch: int = 6) -> dict:
        dim = precision.shape[0]
        return {
            "layers": layers,
            "target": target,
            "precision": precision,
            "z": rng.normal(batch, dim),
        }

    quartic4 = torch.eye(4, dtype=torch.float64) * 0.5
    # ln q and ln pi are of order one; their mean difference, the loss, can be tiny (scale)
    return [
        Case(
            "two couplings, quartic target",
            inputs(alternating_couplings(rng, 4, 2), "quartic", quartic4),
            dtypes=BOTH,
            grad=grad,
            scale=1.0,
        ),
        Case(
            "coupling and affine, Gaussian target",
            inputs(
                [*alternating_couplings(rng, 2, 1), *_affine_layers(rng, 2)[:1]],
                "gaussian",
                tilted,
            ),
            dtypes=BOTH,
            grad=grad,
            scale=1.0,
        ),
        Case("empty flow", inputs([], "gaussian", tilted), group="edge cases", dtypes=BOTH),
        Case(
            "exact flow x = L z, det A = 1",
            inputs(gaussian_flow(precision), "gaussian", precision, batch=8),
            compare=False,
            properties=(exact,),
            dtypes=BOTH,
        ),
        Case(
            "exact flow x = L z, tilted target",
            inputs(gaussian_flow(tilted), "gaussian", tilted, batch=8),
            compare=False,
            properties=(exact,),
        ),
    ]


REVERSE_KL = reference(MODULE, "reverse_kl_loss")


def _reverse_kl_variant(sign: float = 1.0, constant: bool = True, target_sign: float = 1.0):
    """The reference loss with the log-det added, the Gaussian constant left out, or the target
    added instead of subtracted."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        z = evidence.seen("z")
        log_target = _target(evidence.case.inputs["target"], evidence.seen("precision"))
        with torch.no_grad():
            x, logdet = FLOW_FORWARD(build_layers(evidence.seen("layers")), z)
            log_q = -0.5 * (z**2).sum(dim=-1) - sign * logdet
            if constant:
                log_q = log_q - 0.5 * z.shape[-1] * LOG_TWO_PI
            return (log_q - target_sign * log_target(x)).mean()

    return variant


REVERSE_KL_HINTS = (
    Hint(
        "ln q(x) = ln N(z) - ln|det dx/dz|: subtract the forward log-det",
        explained_by(_reverse_kl_variant(sign=-1.0)),
    ),
    Hint(
        "ln N(z; 0, I_D) = -||z||^2/2 - (D/2) ln(2 pi): the normalisation constant is missing",
        explained_by(_reverse_kl_variant(constant=False)),
    ),
    Hint(
        "log_target_unnorm returns ln pi~ = -E: the loss is mean(ln q - ln pi~)",
        explained_by(_reverse_kl_variant(target_sign=-1.0)),
    ),
)

# ----------------------------------------------------------------------------------------- registry
EXERCISES = [
    Exercise(
        MODULE,
        "flow_forward",
        points=2.0,
        cases=flow_forward_cases,
        probe=flow_forward_probe,
        groups=FLOW_GROUPS,
        lesson="the log-determinants of the layers of a composition add up",
        hints=FLOW_FORWARD_HINTS,
    ),
    Exercise(
        MODULE,
        "flow_log_prob",
        points=2.0,
        cases=flow_log_prob_cases,
        probe=flow_log_prob_probe,
        groups=FLOW_GROUPS,
        lesson="the change of variables adds the inverse log-dets: ln p(x) = ln N(z) - ln|det dx/dz|",
        hints=FLOW_LOG_PROB_HINTS,
    ),
    Exercise(
        MODULE,
        "reverse_kl_loss",
        points=2.0,
        cases=reverse_kl_cases,
        probe=reverse_kl_probe,
        groups=FLOW_GROUPS,
        lesson="ln q(x) of a sample x = f(z) is ln N(z) minus the forward log-det",
        forbidden=RANDOM_DRAWS,
        hints=REVERSE_KL_HINTS,
    ),
    *DIVERGENCE,
]
