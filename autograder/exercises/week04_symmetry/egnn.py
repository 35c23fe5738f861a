"""Week 4 checks of ``egnn_layer``.

Oracle: ``ml4p_ref.week04_symmetry.egnn_layer`` in float64 (one particle and one partner j != i at a
time), itself checked against hand-computed n = 2 formulas and the symmetry identities in
``tests/test_ref_week04_equivariant.py``.

The networks phi_e, phi_x and phi_h are the grader's tanh MLPs (``TensorMLP``, rebuilt from the
case's weights). Both outputs and their vector-Jacobian products w.r.t. x, h and every weight are
compared with the reference ("values", "gradients"), on batches in 2-D and 3-D, n = 2, no batch
dims and two batch dims, and coincident particles, where the gradient must stay finite: the lesson
is that the square root of a squared distance has an infinite derivative at 0 (the diagonal i = j,
coincident particles), so its gradient is nan everywhere. The "symmetries" group stacks a batch with
its rotated, reflected, translated and permuted copies: x_new must move with the configuration,
h_new must be invariant (permuted with the particles).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property
from autograder.exercise import Exercise
from autograder.exercises.week04_symmetry.group_actions import (
    actions,
    equivariant_blocks,
    spread,
    transformed_copies,
)
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    raised,
    reference,
)
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week04_symmetry"
SYMMETRIES = "symmetries"
GROUPS = {"values": 2.0, "edge cases": 1.0, "gradients": 5.0, SYMMETRIES: 1.5, "properties": 0.5}
X_NEW, H_NEW, RETURNED = "x_new", "h_new", "returned"
NETS = ("phi_e", "phi_x", "phi_h")
FEATURES, MESSAGES = 3, 4  # F and F_m


# ----------------------------------------------------------------------------------------- probe
def egnn_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``(x_new, h_new) = egnn_layer(x, h, phi_e, phi_x, phi_h)`` and the vjps of both outputs
    w.r.t. x, h and every weight of the three networks."""
    x, h = inputs["x"], inputs["h"]
    weights = {}
    if ctx.grad:
        x.requires_grad_(True)
        h.requires_grad_(True)
        for net in NETS:
            weights.update(leaves(inputs[net], net))
    nets = [TensorMLP(inputs[net]) for net in NETS]
    result = ctx.call(impl, x, h, *nets)
    if type(result) not in (tuple, list) or len(result) != 2:
        return {RETURNED: result}
    observations = {X_NEW: result[0], H_NEW: result[1]}
    if ctx.grad:
        for key in (X_NEW, H_NEW):
            wrt = {"x": x, "h": h, **weights}
            for grad_key, grad in vjp(observations[key], wrt, ctx, salt=key).items():
                if grad is None:  # no path from this input: the same as a zero gradient
                    grad = torch.zeros_like(wrt[grad_key.removeprefix("grad:")])
                observations[f"{grad_key} through {key}"] = grad
    return observations


# ----------------------------------------------------------------------------------------- cases
def _egnn_inputs(rng: CaseRng, x: torch.Tensor) -> dict[str, Any]:
    """Positions ``x``, random features and the three networks' weights."""
    return {
        "x": x,
        "h": rng.normal(*x.shape[:-1], FEATURES),
        "phi_e": mlp_weights(rng, [2 * FEATURES + 1, 8, MESSAGES]),
        "phi_x": mlp_weights(rng, [MESSAGES, 8, 1], scale=0.5),
        "phi_h": mlp_weights(rng, [FEATURES + MESSAGES, 8, FEATURES]),
    }


def _symmetry_case(rng: CaseRng) -> Case:
    """A 3-D batch and its rotated, reflected, translated and permuted copies."""
    x = spread(rng, 2, 5, 3)
    inputs = _egnn_inputs(rng, x)
    group = actions(rng, 5, 3)
    count = len(group) + 1
    inputs["x"] = transformed_copies(x, group)
    inputs["h"] = transformed_copies(inputs["h"], group, features=True)
    checks = []
    for index, action in enumerate(group, start=1):
        checks += [
            Property(
                f"x_new equivariant under {action.name}",
                equivariant_blocks(
                    X_NEW, index, action, count, lambda c: (5, 3), "x_new", "reduction", "positions"
                ),
                SYMMETRIES,
            ),
            Property(
                f"h_new {'permuted' if action.name == 'permutation' else 'invariant'} under "
                f"{action.name}",
                equivariant_blocks(
                    H_NEW,
                    index,
                    action,
                    count,
                    lambda c: (5, FEATURES),
                    "h_new",
                    "reduction",
                    "features",
                ),
                SYMMETRIES,
            ),
        ]
    return Case(
        "rotated, reflected, translated, permuted copies",
        inputs,
        group=SYMMETRIES,
        dtypes=BOTH,
        compare=False,
        properties=tuple(checks),
    )


def egnn_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "h", *NETS)
    coincident = spread(rng, 2, 4, 3)
    coincident[:, 2] = coincident[:, 0]
    # float32 gradients through three networks and two sums over pairs: the derivative tolerance
    deep = {"dtypes": BOTH, "grad": grad, "tolerance": "derivative"}
    return [
        Case("5 particles in 3-D", _egnn_inputs(rng, spread(rng, 3, 5, 3)), **deep),
        Case("4 particles in 2-D", _egnn_inputs(rng, spread(rng, 3, 4, 2)), **deep),
        Case("n = 2", _egnn_inputs(rng, spread(rng, 3, 2, 3)), group="edge cases", grad=grad),
        Case(
            "no batch dims",
            _egnn_inputs(rng, spread(rng, 1, 4, 3)[0]),
            group="edge cases",
            grad=grad,
        ),
        Case(
            "two batch dims",
            _egnn_inputs(rng, spread(rng, 6, 3, 2).reshape(2, 3, 3, 2)),
            group="edge cases",
        ),
        Case(
            "coincident particles: finite gradients",
            _egnn_inputs(rng, coincident),
            group="edge cases",
            grad=grad,
        ),
        _symmetry_case(rng),
    ]


# ----------------------------------------------------------------------------------------- hints
EGNN = reference(MODULE, "egnn_layer")


Net = Callable[[torch.Tensor], torch.Tensor]


def _layer_variant(
    key: str,
    change: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor] | None = None,
    wrap: Callable[[Net, Net], tuple[Net, Net]] | None = None,
):
    """The reference's output ``key`` changed by ``change(output, input, n)``, or computed with
    phi_e and phi_h replaced by ``wrap(phi_e, phi_h)``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != key:
            return None
        x, h = evidence.seen("x"), evidence.seen("h")
        phi_e, phi_x, phi_h = (TensorMLP(evidence.seen(net)) for net in NETS)
        if wrap is not None:
            phi_e, phi_h = wrap(phi_e, phi_h)
        with torch.no_grad():
            x_new, h_new = EGNN(x, h, phi_e, phi_x, phi_h)
        output, source = (x_new, x) if key == X_NEW else (h_new, h)
        return output if change is None else change(output, source, x.shape[-2])

    return variant


def _with_self_message(phi_e: Net, phi_h: Net) -> tuple[Net, Net]:
    """phi_h fed the message sum plus the diagonal message m_ii = phi_e(h_i, h_i, 0)."""

    def update(joined: torch.Tensor) -> torch.Tensor:
        own = joined[..., :FEATURES]
        self_message = phi_e(torch.cat([own, own, torch.zeros_like(own[..., :1])], dim=-1))
        return phi_h(torch.cat([own, joined[..., FEATURES:] + self_message], dim=-1))

    return phi_e, update


def _fed_the_distance(phi_e: Net, phi_h: Net) -> tuple[Net, Net]:
    """phi_e fed |x_i - x_j| instead of its square."""
    return (lambda z: phi_e(torch.cat([z[..., :-1], z[..., -1:].sqrt()], dim=-1))), phi_h


HINTS = (
    Hint(
        "return the pair (x_new, h_new)",
        lambda evidence: RETURNED in evidence.student,
    ),
    Hint(
        "the derivative of a square root at 0 is inf, so sqrt(squared distance) has nan "
        "gradients on the diagonal i = j and at coincident particles: feed phi_e the squared "
        "distance itself",
        all_of(at_stage("nonfinite"), lambda e: e.key.startswith("grad:")),
    ),
    Hint(
        "sum the messages over j != i only: the diagonal m_ii = phi_e(h_i, h_i, 0) is not 0",
        explained_by(_layer_variant(H_NEW, wrap=_with_self_message)),
    ),
    Hint(
        "h_new is phi_h(...) + h: keep the residual connection",
        explained_by(_layer_variant(H_NEW, lambda out, h, n: out - h)),
    ),
    Hint(
        "divide by n - 1, the number of partners j != i, not by n",
        explained_by(_layer_variant(X_NEW, lambda out, x, n: x + (out - x) * (n - 1) / n)),
    ),
    Hint(
        "the displacement is (x_i - x_j) * phi_x(m_ij), particle minus partner",
        explained_by(_layer_variant(X_NEW, lambda out, x, n: 2 * x - out)),
    ),
    Hint(
        "x may have no batch dims, or several: index the particle axis from the end (-2) and "
        "broadcast over the leading dims",
        all_of(
            raised("RuntimeError", "IndexError", "ValueError"),
            lambda e: e.case.inputs["x"].dim() != 3,
        ),
    ),
    Hint(
        "feed phi_e the squared distance |x_i - x_j|^2, not the distance",
        any_of(
            explained_by(_layer_variant(X_NEW, wrap=_fed_the_distance)),
            explained_by(_layer_variant(H_NEW, wrap=_fed_the_distance)),
        ),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "egnn_layer",
        points=3.0,
        cases=egnn_cases,
        probe=egnn_probe,
        groups=GROUPS,
        lesson="feed phi_e the squared distance itself: the square root of a squared distance has "
        "an infinite derivative at 0 (the diagonal i = j, coincident particles), and its "
        "gradients are nan",
        hints=HINTS,
    ),
]
