"""Week 7 checks, Hamiltonian part: the kick-drift-kick leapfrog step.

Oracle: ``ml4p_ref.week07_generative2.leapfrog_step`` in float64 (three shears), itself checked
against the harmonic one-step matrix, the exactly conserved modified energy and autograd Jacobians
(``tests/test_ref_week07_dynamics.py``; curriculum.md 7.5 and 4.4).

The probe builds ``grad_V`` from the case: the anharmonic ``V = q^4/4 - cos q`` (force
``q^3 + sin q``) or the harmonic ``V = w^2 q^2/2``. Values and gradients (w.r.t. ``q`` and ``p``),
with a float and a per-coordinate ``inv_mass``. Properties, each on the student's own outputs:
reversibility (the probe steps back from ``(q', -p')``), the harmonic one-step matrix (steps from
the basis states), symplecticity ``M^T J M = J`` and ``ln|det M| = 0`` of the autograd Jacobian for
the anharmonic potential, and the modified energy of the harmonic oscillator conserved over 40
steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week07_generative2.dsm import MODULE
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import Evidence, Hint, explained_by
from autograder.probe import ProbeContext, vjp

Q_NEW, P_NEW, RETURNED = "q_new", "p_new", "returned"
Q_BACK, P_BACK, JACOBIAN = "q after stepping back", "p after stepping back", "jacobian"
Q_PATH, P_PATH = "q along the trajectory", "p along the trajectory"
LEAPFROG_GROUPS = {"values": 3.0, "gradients": 1.0, "properties": 3.0}
ENERGY_STEPS = 40


def force_of(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """``grad_V`` of the case: anharmonic ``q^3 + sin q`` or harmonic ``w^2 q``."""
    if inputs["potential"] == "harmonic":
        omega_squared = inputs["omega"] ** 2
        return lambda q: omega_squared * q
    return lambda q: q**3 + torch.sin(q)


def leapfrog_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``leapfrog_step(q, p, grad_V, dt[, inv_mass])``, then what the case's properties need."""
    q, p, dt = inputs["q"], inputs["p"], inputs["dt"]
    grad_V = force_of(inputs)
    keywords = {"inv_mass": inputs["inv_mass"]} if "inv_mass" in inputs else {}
    differentiate = bool(ctx.grad) or inputs.get("jacobian", False)
    if differentiate:
        q.requires_grad_(True)
        p.requires_grad_(True)
    out = ctx.call(impl, q, p, grad_V, dt, **keywords)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return {RETURNED: out}
    observations = {Q_NEW: out[0], P_NEW: out[1]}
    for name, value in zip((Q_NEW, P_NEW), out, strict=True):
        wrt = {key: inputs[key] for key in ctx.grad}
        for key, grad in vjp(value, wrt, ctx, salt=name).items():
            observations[f"{key} through {name}"] = grad
    if inputs.get("jacobian"):
        observations[JACOBIAN] = _jacobian(out, q, p, ctx)
    if inputs.get("reverse"):
        back = ctx.call(impl, out[0].detach(), -out[1].detach(), grad_V, dt, **keywords)
        observations[Q_BACK], observations[P_BACK] = back
    if inputs.get("trajectory"):
        observations[Q_PATH], observations[P_PATH] = _trajectory(impl, out, grad_V, dt, ctx)
    return observations


def _jacobian(out: Any, q: torch.Tensor, p: torch.Tensor, ctx: ProbeContext) -> Any:
    """Per-sample Jacobian ``d(q', p')/d(q, p)``, shape ``(B, 2n, 2n)``, from 2n autograd calls
    (the step acts on each sample alone), or None when the outputs carry no graph."""
    outputs = torch.cat([torch.as_tensor(out[0]), torch.as_tensor(out[1])], dim=-1)
    if not outputs.requires_grad:
        return None
    rows = []
    for index in range(outputs.shape[-1]):
        grads = ctx.call(
            torch.autograd.grad,
            outputs[:, index].sum(),
            [q, p],
            retain_graph=True,
            allow_unused=True,
        )
        grads = [
            g if g is not None else torch.zeros_like(x) for g, x in zip(grads, (q, p), strict=True)
        ]
        rows.append(torch.cat(grads, dim=-1))
    return torch.stack(rows, dim=1)


def _trajectory(impl, out, grad_V, dt, ctx: ProbeContext) -> tuple[torch.Tensor, torch.Tensor]:
    q_now, p_now = out[0].detach(), out[1].detach()
    qs, ps = [q_now], [p_now]
    for _ in range(ENERGY_STEPS - 1):
        q_now, p_now = ctx.call(impl, q_now, p_now, grad_V, dt)
        q_now, p_now = q_now.detach(), p_now.detach()
        qs.append(q_now)
        ps.append(p_now)
    return torch.stack(qs), torch.stack(ps)


# ------------------------------------------------------------------------------------ properties
def _reversible(observed: Mapping, case: Case) -> str | None:
    q, p = case.seen("q"), case.seen("p")
    q_back = observed_array(observed, Q_BACK, tuple(q.shape))
    p_back = observed_array(observed, P_BACK, tuple(q.shape))
    tolerance = case.tolerance_of("roundtrip")
    for name, got, want in (("q", q_back, q), ("p", p_back, -p)):
        error = float(((got - want).abs() / (1 + want.abs())).max())
        if error > tolerance.atol:
            return (
                f"leapfrog is time reversible: stepping from (q', -p') must give back (q, -p); "
                f"{name} is off by {error:.3g} (relative to 1 + |{name}|)"
            )
    return None


def harmonic_matrix(omega: float, dt: float) -> torch.Tensor:
    """The leapfrog one-step matrix of the harmonic oscillator (curriculum 7.5)."""
    w2 = omega**2
    diagonal = 1 - w2 * dt**2 / 2
    return torch.tensor(
        [[diagonal, dt], [-w2 * dt * (1 - w2 * dt**2 / 4), diagonal]], dtype=torch.float64
    )


def _harmonic_one_step(observed: Mapping, case: Case) -> str | None:
    """The case steps from (q, p) = (1, 0) and (0, 1): the outputs are the matrix's columns."""
    q_new = observed_array(observed, Q_NEW, (2, 1))[:, 0]
    p_new = observed_array(observed, P_NEW, (2, 1))[:, 0]
    matrix = torch.stack([q_new, p_new])  # rows (q', p'), columns the basis states
    expected = harmonic_matrix(case.inputs["omega"], case.inputs["dt"])
    tolerance = case.tolerance_of("closed_form")
    if bool(((matrix - expected).abs() <= tolerance.rtol * expected.abs() + tolerance.atol).all()):
        return None
    return (
        f"for V = w^2 q^2/2 one step must be the matrix [[1 - w^2 dt^2/2, dt], "
        f"[-w^2 dt (1 - w^2 dt^2/4), 1 - w^2 dt^2/2]] = {_rows(expected)}; yours is "
        f"{_rows(matrix)} (det {float(torch.linalg.det(matrix)):.8g}, must be 1)"
    )


def _rows(matrix: torch.Tensor) -> str:
    return (
        "["
        + ", ".join("[" + ", ".join(f"{v:.6g}" for v in row) + "]" for row in matrix.tolist())
        + "]"
    )


def _symplectic(observed: Mapping, case: Case) -> str | None:
    q = case.seen("q")
    batch, n = q.shape
    item = observed.get(JACOBIAN)
    if item is None or not item.is_array or item.data is None:
        raise Unfit("(q', p') must be differentiable w.r.t. (q, p) to check symplecticity")
    jacobian = observed_array(observed, JACOBIAN, (batch, 2 * n, 2 * n))
    eye, zero = torch.eye(n, dtype=torch.float64), torch.zeros(n, n, dtype=torch.float64)
    form = torch.cat([torch.cat([zero, eye], 1), torch.cat([-eye, zero], 1)], 0)
    defect = float((jacobian.mT @ form @ jacobian - form).abs().max())
    log_det = float(torch.linalg.slogdet(jacobian).logabsdet.abs().max())
    tolerance = case.tolerance_of("logdet")
    if defect <= tolerance.atol * 10 and log_det <= tolerance.atol * 10:
        return None
    return (
        f"leapfrog is symplectic for any V: its Jacobian M = d(q', p')/d(q, p) must satisfy "
        f"M^T J M = J (yours is off by {defect:.3g}) and ln|det M| = 0 (yours {log_det:.3g})"
    )


def _conserves_modified_energy(observed: Mapping, case: Case) -> str | None:
    shape = (ENERGY_STEPS, *case.inputs["q"].shape)
    qs, ps = observed_array(observed, Q_PATH, shape), observed_array(observed, P_PATH, shape)
    omega, dt = case.inputs["omega"], case.inputs["dt"]
    q0, p0 = case.seen("q"), case.seen("p")

    def energy(q: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        stiffness = omega**2 * (1 - omega**2 * dt**2 / 4)
        return (p.square() / 2 + stiffness * q.square() / 2).sum(dim=-1)

    start = energy(q0, p0)
    deviation = float(((energy(qs, ps) - start).abs() / start).max())
    if deviation <= 10 * case.tolerance_of("roundtrip").atol:
        return None
    return (
        f"for V = w^2 q^2/2 leapfrog conserves p^2/2 + w^2 q^2/2 (1 - w^2 dt^2/4) exactly; over "
        f"{ENERGY_STEPS} steps yours changes by up to {deviation:.3g} of its value"
    )


# ----------------------------------------------------------------------------------------- cases
def leapfrog_cases(rng: CaseRng) -> list[Case]:
    def state(batch: int, n: int, **extra) -> dict[str, Any]:
        inputs = {"q": rng.normal(batch, n), "p": rng.normal(batch, n), "dt": 0.1}
        return {"potential": "anharmonic", **inputs, **extra}

    grad = ("q", "p")
    basis = {"q": torch.tensor([[1.0], [0.0]]), "p": torch.tensor([[0.0], [1.0]])}
    harmonic = {"potential": "harmonic", "omega": 1.3, "dt": 0.1}
    return [
        Case("anharmonic V, (B, n) = (6, 3)", state(6, 3), dtypes=BOTH, grad=grad),
        Case("anharmonic V, dt = 0.37", state(5, 2, dt=0.37), dtypes=BOTH, grad=grad),
        Case(
            "anharmonic V, inv_mass per coordinate",
            state(4, 3, inv_mass=rng.uniform(3, low=0.3, high=2.0)),
            dtypes=BOTH,
            grad=grad,
        ),
        Case("anharmonic V, inv_mass = 0.5", state(4, 2, inv_mass=0.5), grad=grad),
        Case(
            "reversibility",
            state(5, 2, inv_mass=0.7, reverse=True),
            dtypes=BOTH,
            compare=False,
            properties=(Property("step back from (q', -p')", _reversible),),
        ),
        Case(
            "harmonic oscillator, w = 1.3, dt = 0.1",
            {**harmonic, **basis},
            dtypes=BOTH,
            compare=False,
            properties=(Property("one-step matrix", _harmonic_one_step),),
        ),
        Case(
            "symplecticity, V = q^4/4 - cos q",
            state(4, 2, dt=0.3, jacobian=True),
            dtypes=BOTH,
            compare=False,
            properties=(Property("M^T J M = J", _symplectic),),
        ),
        Case(
            f"harmonic oscillator, {ENERGY_STEPS} steps",
            {**harmonic, "q": rng.normal(3, 2), "p": rng.normal(3, 2), "trajectory": True},
            compare=False,
            properties=(Property("modified energy conserved", _conserves_modified_energy),),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _step_variant(step: Callable[..., tuple[torch.Tensor, torch.Tensor]]):
    """A mistaken step, as float64 on the student's inputs, for the failing output."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key not in (Q_NEW, P_NEW):
            return None
        inputs = evidence.case.inputs
        inv_mass = torch.as_tensor(evidence.seen("inv_mass")) if "inv_mass" in inputs else 1.0
        q_new, p_new = step(
            evidence.seen("q"), evidence.seen("p"), force_of(inputs), inputs["dt"], inv_mass
        )
        return q_new if evidence.key == Q_NEW else p_new

    return variant


def _kick_at_old_position(q, p, force, dt, inv_mass):
    p_half = p - dt / 2 * force(q)
    return q + dt * inv_mass * p_half, p_half - dt / 2 * force(q)


def _full_kicks(q, p, force, dt, inv_mass):
    p_half = p - dt * force(q)
    q_new = q + dt * inv_mass * p_half
    return q_new, p_half - dt * force(q_new)


def _symplectic_euler(q, p, force, dt, inv_mass):
    p_new = p - dt * force(q)
    return q + dt * inv_mass * p_new, p_new


def _no_mass(q, p, force, dt, inv_mass):
    p_half = p - dt / 2 * force(q)
    q_new = q + dt * p_half
    return q_new, p_half - dt / 2 * force(q_new)


LEAPFROG_HINTS = (
    Hint(
        "return the pair (q', p')",
        lambda evidence: RETURNED in evidence.student,
    ),
    Hint(
        "the second half kick uses the force at the new position: p' = p_half - (dt/2) grad_V(q')",
        explained_by(_step_variant(_kick_at_old_position)),
    ),
    Hint(
        "the kicks are half steps: p_half = p - (dt/2) grad_V(q), and again (dt/2) after the drift",
        explained_by(_step_variant(_full_kicks)),
    ),
    Hint(
        "this is symplectic Euler (one full kick, then the drift): leapfrog splits the kick into "
        "two halves around the drift",
        explained_by(_step_variant(_symplectic_euler)),
    ),
    Hint(
        "the drift is q' = q + dt * inv_mass * p_half",
        explained_by(_step_variant(_no_mass)),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "leapfrog_step",
        points=2.5,
        cases=leapfrog_cases,
        probe=leapfrog_probe,
        groups=LEAPFROG_GROUPS,
        lesson="kick-drift-kick: a half kick at q, the drift, and the second half kick at the new "
        "position q'",
        forbidden=RANDOM_DRAWS,
        hints=LEAPFROG_HINTS,
    ),
]
