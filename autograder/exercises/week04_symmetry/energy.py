"""Week 4 checks of ``invariant_energy`` and ``forces``.

Oracle: ``ml4p_ref.week04_symmetry`` in float64 (one pair at a time from ``itertools.combinations``;
forces by ``torch.func.grad`` vectorized over the batch), itself checked against closed forms,
finite differences and a direct double loop in ``tests/test_ref_week04_equivariant.py``.

invariant_energy: the probe rebuilds the pair term g as a ``TensorMLP`` from the case's weights and
compares E and its vector-Jacobian products w.r.t. x and the weights of g with the reference, on
random 2-D and 3-D gases ("values"), one particle, two particles and coincident particles
("edge cases", where the gradient must stay finite). The "symmetries" group stacks a batch with its
rotated, reflected, translated and permuted copies and checks that E does not change, and that the
forces -dE/dx of the student's energy (autograd, taken by the probe) conserve momentum and angular
momentum.

forces: the energies are the grader's own (a pair energy, an external potential, constants with
and without a graph), so only the student's differentiation is graded. The vjp of the forces w.r.t.
the energy's parameters is compared with the reference's: the lesson is ``create_graph=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property
from autograder.exercise import Exercise
from autograder.exercises.week04_symmetry.group_actions import (
    actions,
    equivariant_blocks,
    invariant_blocks,
    spread,
    total_force_vanishes,
    total_torque_vanishes,
    transformed_copies,
)
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
    raised,
    reference,
    scaled,
)
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, is_tensor, vjp

MODULE = "week04_symmetry"
SYMMETRIES = "symmetries"
ENERGY_GROUPS = {
    "values": 3.0,
    "edge cases": 1.0,
    "gradients": 2.0,
    SYMMETRIES: 2.0,
    "properties": 0.5,
}
FORCES_GROUPS = {
    "values": 2.0,
    "edge cases": 0.5,
    "gradients": 4.5,
    SYMMETRIES: 1.5,
    "properties": 0.5,
}
YOUR_FORCES = "forces -dE/dx of your energy"
FORCES_FORBIDDEN = (
    "torch.autograd.functional",
    "torch.func",
    "torch.vmap",
    "functorch",
    "torch.Tensor.backward",
    "torch.autograd.backward",
)


def pair_weights(rng: CaseRng) -> dict[str, torch.Tensor]:
    """A pair term g: (..., 1) -> (..., 1), a tanh MLP with g(0) clearly away from 0."""
    weights = mlp_weights(rng, [1, 8, 1])
    weights["b1"] = weights["b1"] + 0.5
    return weights


# ----------------------------------------------------------------------------------------- energy
def energy_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``E = invariant_energy(x, g)``, its vjp w.r.t. x and g's weights, and (when the case asks)
    the forces -dE/dx of that energy, by autograd."""
    x, noether = inputs["x"], inputs.get("noether", False)
    weights = leaves(inputs["pair_mlp"], "pair_mlp") if ctx.grad else {}
    if ctx.grad or noether:
        x.requires_grad_(True)
    energy = ctx.call(impl, x, TensorMLP(inputs["pair_mlp"]))
    observations = {"out": energy}
    if ctx.grad:
        observations.update(vjp(energy, {"x": x, **weights}, ctx))
    if noether:
        observations[YOUR_FORCES] = _autograd_forces(energy, x, ctx)
    return observations


def _autograd_forces(energy: Any, x: torch.Tensor, ctx: ProbeContext) -> torch.Tensor | None:
    """-d(E.sum())/dx, or None when E is no ``(B,)`` tensor on the graph of x."""
    usable = is_tensor(energy) and tuple(energy.shape) == (x.shape[0],)
    if not usable or not energy.requires_grad:
        return None
    (gradient,) = ctx.call(
        torch.autograd.grad, energy.sum(), x, retain_graph=True, allow_unused=True
    )
    return None if gradient is None else -gradient.detach()


def _symmetry_case(rng: CaseRng, label: str, inputs: dict[str, Any], what: str) -> Case:
    """A 3-D batch and its four transformed copies: invariance of E (energy) or equivariance of F
    (forces), and Noether's two conservation laws."""
    x = spread(rng, 2, 5, 3)
    group = actions(rng, 5, 3)
    count = len(group) + 1
    if what == "energy":
        checks = [
            Property(
                f"energy invariant under {a.name}",
                invariant_blocks("out", k, a, count, "the energy", "reduction"),
                SYMMETRIES,
            )
            for k, a in enumerate(group, start=1)
        ]
        forces_key, forces_what = YOUR_FORCES, "the forces -dE/dx of your energy"
    else:
        checks = [
            Property(
                f"forces equivariant under {a.name}",
                equivariant_blocks(
                    "out",
                    k,
                    a,
                    count,
                    lambda c: c.inputs["x"].shape[1:],
                    "the forces",
                    "derivative",
                ),
                SYMMETRIES,
            )
            for k, a in enumerate(group, start=1)
        ]
        forces_key, forces_what = "out", "your forces"
    checks += [
        Property("momentum conserved", total_force_vanishes(forces_key, forces_what), SYMMETRIES),
        Property(
            "angular momentum conserved",
            total_torque_vanishes(forces_key, forces_what),
            SYMMETRIES,
        ),
    ]
    inputs = {**inputs, "x": transformed_copies(x, group), "noether": what == "energy"}
    return Case(
        label,
        inputs,
        group=SYMMETRIES,
        dtypes=BOTH,
        compare=False,
        properties=tuple(checks),
    )


def energy_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "pair_mlp")
    coincident = spread(rng, 3, 4, 2)
    coincident[:, 1] = coincident[:, 0]
    return [
        Case(
            "random 2-D configurations",
            {"x": spread(rng, 3, 5, 2), "pair_mlp": pair_weights(rng)},
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "random 3-D configurations",
            {"x": spread(rng, 3, 4, 3), "pair_mlp": pair_weights(rng)},
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "one particle: no pairs",
            {"x": rng.normal(3, 1, 3), "pair_mlp": pair_weights(rng)},
            group="edge cases",
        ),
        Case(
            "two particles",
            {"x": spread(rng, 3, 2, 3), "pair_mlp": pair_weights(rng)},
            group="edge cases",
            grad=grad,
        ),
        Case(
            "coincident particles: finite gradients",
            {"x": coincident, "pair_mlp": pair_weights(rng)},
            group="edge cases",
            grad=grad,
        ),
        _symmetry_case(
            rng,
            "rotated, reflected, translated, permuted copies",
            {"pair_mlp": pair_weights(rng)},
            "energy",
        ),
    ]


ENERGY = reference(MODULE, "invariant_energy")


def _energy_variant(pair_term: Callable[[torch.Tensor, Callable], torch.Tensor], offset=None):
    """The reference energy with g replaced by ``pair_term(d2, g)`` plus ``offset(x, g)``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        x = evidence.seen("x")
        g = TensorMLP(evidence.seen("pair_mlp"))
        with torch.no_grad():
            energy = ENERGY(x, lambda d2: pair_term(d2, g))
            return energy if offset is None else energy + offset(x, g)

    return variant


def _diagonal_terms(x: torch.Tensor, g: Callable) -> torch.Tensor:
    """n g(0): what the i = j terms add."""
    return x.shape[1] * g(x.new_zeros(1, 1))[0, 0] * torch.ones(x.shape[0], dtype=x.dtype)


ENERGY_HINTS = (
    Hint(
        "with one particle there are no pairs: E is an empty sum, 0",
        all_of(lambda e: e.case.inputs["x"].shape[1] == 1, at_stage("raised")),
    ),
    Hint(
        "each pair is counted twice: sum over i < j only (or halve the sum over i != j)",
        explained_by(_energy_variant(lambda d2, g: 2 * g(d2))),
    ),
    Hint(
        "the diagonal i = j adds g(0) for every particle, and g(0) is not 0: leave i = j out "
        "(torch.triu_indices(n, n, 1))",
        any_of(
            explained_by(
                _energy_variant(lambda d2, g: g(d2), lambda x, g: _diagonal_terms(x, g) / 2)
            ),
            explained_by(_energy_variant(lambda d2, g: 2 * g(d2), _diagonal_terms)),
        ),
    ),
    Hint(
        "g takes the squared distance |x_i - x_j|^2, not the distance",
        explained_by(_energy_variant(lambda d2, g: g(d2.sqrt()))),
    ),
    Hint(
        "the gradient of a square root at 0 is inf (and inf * 0 = nan): feed g the squared "
        "distance sum((x_i - x_j)^2) itself, never a norm squared afterwards",
        all_of(at_stage("nonfinite"), lambda e: e.key.startswith("grad:")),
    ),
)


# ----------------------------------------------------------------------------------------- forces
def build_energy(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The grader's energy a forces case describes, on the case's own tensors (vmappable)."""
    kind, params = inputs["energy"], inputs["params"]
    if kind == "pair":  # sum_{i<j} g(|x_i - x_j|^2): invariant
        g = TensorMLP(params)

        def pair(x: torch.Tensor) -> torch.Tensor:
            i, j = torch.triu_indices(x.shape[1], x.shape[1], 1, device=x.device)
            d2 = (x[:, i] - x[:, j]).square().sum(-1, keepdim=True)
            return g(d2)[..., 0].sum(-1)

        return pair
    if kind == "external":  # sum_i V(x_i): not translation invariant
        v = TensorMLP(params)
        return lambda x: v(x)[..., 0].sum(-1)
    if kind == "constant":  # c for every configuration, whatever x
        return lambda x: params["c"] * torch.ones(x.shape[0], dtype=x.dtype, device=x.device)
    raise ValueError(f"unknown energy {kind!r}")


def forces_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``F = forces(x, energy_fn)`` and its vjp w.r.t. the energy's parameters."""
    x = inputs["x"]
    if inputs.get("x requires grad", False):
        x.requires_grad_(True)
    on_graph = bool(ctx.grad) or inputs.get("parameters require grad", False)
    weights = leaves(inputs["params"], "energy_fn") if on_graph else {}
    out = ctx.call(impl, x, build_energy(inputs))
    observations = {"out": out}
    if ctx.grad:
        observations.update(vjp(out, weights, ctx))
    return observations


def _forces_inputs(rng: CaseRng, energy: str, batch: int, n: int, dim: int) -> dict[str, Any]:
    params = pair_weights(rng) if energy == "pair" else mlp_weights(rng, [dim, 8, 1])
    return {"energy": energy, "params": params, "x": spread(rng, batch, n, dim)}


def forces_cases(rng: CaseRng) -> list[Case]:
    grad = ("energy_fn",)
    constant = {"energy": "constant", "params": {"c": rng.normal(1)}, "x": rng.normal(3, 4, 2)}
    derivative = "derivative"  # forces are autograd derivatives, their vjp second derivatives
    return [
        Case(
            "pair energy, 3-D",
            _forces_inputs(rng, "pair", 3, 4, 3),
            dtypes=BOTH,
            grad=grad,
            tolerance=derivative,
        ),
        Case(
            "external potential, 2-D",
            _forces_inputs(rng, "external", 3, 5, 2),
            dtypes=BOTH,
            grad=grad,
            tolerance=derivative,
        ),
        Case(
            "x already requires grad",
            {**_forces_inputs(rng, "pair", 2, 3, 2), "x requires grad": True},
            group="edge cases",
            grad=grad,
            tolerance=derivative,
        ),
        Case("constant energy without a graph", constant, group="edge cases"),
        Case(
            "constant energy with a parameter",
            {**constant, "parameters require grad": True},
            group="edge cases",
        ),
        _symmetry_case(
            rng,
            "rotated, reflected, translated, permuted copies",
            {"energy": "pair", "params": pair_weights(rng)},
            "forces",
        ),
    ]


def _batch_size(evidence: Evidence) -> float:
    return float(evidence.case.inputs["x"].shape[0])


def _parameter_gradient(evidence: Evidence) -> bool:
    return evidence.key.startswith("grad:energy_fn")


FORCES_HINTS = (
    Hint(
        "energy_fn may not depend on x (or have no graph at all): pass allow_unused=True and "
        "return zeros when there is no gradient",
        all_of(raised("RuntimeError"), lambda e: e.case.inputs["energy"] == "constant"),
    ),
    Hint(
        "pass create_graph=True to torch.autograd.grad: without it the forces are cut off from "
        "the energy's parameters, and a loss on the forces cannot train the energy",
        all_of(_parameter_gradient, at_stage("type")),
    ),
    Hint(
        "the force is minus the gradient: F = -dE/dx",
        all_of(failed_on("out"), scaled(-1.0)),
    ),
    Hint(
        "differentiate E.sum(), not E.mean(): each configuration's forces are the gradient of its "
        "own energy",
        all_of(failed_on("out"), scaled(lambda e: 1 / _batch_size(e))),
    ),
)


# ----------------------------------------------------------------------------------------- registry
EXERCISES = [
    Exercise(
        MODULE,
        "invariant_energy",
        points=2.0,
        cases=energy_cases,
        probe=energy_probe,
        groups=ENERGY_GROUPS,
        lesson="sum g(|x_i - x_j|^2) over the pairs i < j, once each and never i = j: g(0) is "
        "not 0, and the full matrix counts every pair twice",
        hints=ENERGY_HINTS,
    ),
    Exercise(
        MODULE,
        "forces",
        points=2.0,
        cases=forces_cases,
        probe=forces_probe,
        groups=FORCES_GROUPS,
        lesson="F = -dE/dx by torch.autograd.grad with create_graph=True, so that a loss on the "
        "forces can train the energy's parameters",
        forbidden=FORCES_FORBIDDEN,
        hints=FORCES_HINTS,
    ),
]
