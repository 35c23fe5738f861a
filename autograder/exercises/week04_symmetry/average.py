"""Week 4 checks of ``group_average``: the average of a function over the orbit of a lattice
configuration under D4 and the translations.

The probe builds ``f`` from the case: a small convolutional network with periodic padding and
global pooling (invariant under translations only), an MLP on the sites (no symmetry), or the
Ising energy (invariant). Properties: the Ising energy comes back unchanged, and the averaged
network gives the same value on rotated, reflected and translated copies of a configuration.
The lesson: average the outputs f(g s), not the configurations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch
import torch.nn.functional as F

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week04_symmetry.agreement import disagreement
from autograder.exercises.week04_symmetry.orbit import ising_energy
from autograder.hints import Evidence, Hint, explained_by, reference, scaled
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week04_symmetry"
AVERAGE_GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "properties": 2.0}
COPIES = 3  # blocks of the invariance case: s, a rotated and translated s, a reflected s


def cnn_weights(rng: CaseRng, channels: int, outputs: int) -> dict[str, torch.Tensor]:
    """A 3 x 3 convolution to ``channels`` maps and a linear read-out of their site averages."""
    return {
        "kernel": rng.normal(channels, 1, 3, 3, scale=0.5),
        "bias": rng.normal(channels, scale=0.1),
        "readout": rng.normal(channels, outputs, scale=channels**-0.5),
    }


def lattice_function(kind: str, weights: Mapping[str, torch.Tensor]) -> Callable:
    """The case's ``f``, ``(N, L, L) -> (N,)`` (kinds ending in "scalar") or ``(N, K)``."""

    def f(s: torch.Tensor) -> torch.Tensor:
        if s.dim() != 3:
            raise ValueError(
                f"f takes a batch of configurations of shape (N, L, L), got {tuple(s.shape)}"
            )
        if kind == "ising":
            return ising_energy(s) / s[0].numel()
        if kind.startswith("cnn"):
            padded = F.pad(s[:, None], (1, 1, 1, 1), mode="circular")
            maps = torch.tanh(F.conv2d(padded, weights["kernel"], weights["bias"]))
            out = maps.mean(dim=(-2, -1)) @ weights["readout"]
        else:
            out = TensorMLP(dict(weights))(s.reshape(s.shape[0], -1))
        return out[:, 0] if kind.endswith("scalar") else out

    return f


def average_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``group_average(f, s)`` with the case's ``f``; gradients w.r.t. ``s`` and its weights."""
    s, weights = inputs["s"], inputs["weights"]
    wrt = {"s": s.requires_grad_(True), **leaves(weights, "f")} if ctx.grad else {}
    out = ctx.call(impl, lattice_function(inputs["f"], weights), s)
    observations = {"out": out}
    observations.update(vjp(out, wrt, ctx))
    return observations


# ----------------------------------------------------------------------------------------- properties
def _invariant_unchanged(observed: Mapping, case: Case) -> str | None:
    s = case.seen("s")
    expected = lattice_function("ising", {})(s)
    yours = observed_array(observed, "out", tuple(expected.shape))
    return disagreement(
        yours, expected, case, "the Ising energy is invariant, so its average is itself"
    )


def _copies_agree(observed: Mapping, case: Case) -> str | None:
    """The batch holds ``COPIES`` blocks, each block a transformed copy of the first."""
    out = observed_array(observed, "out")
    if out.dim() == 0 or out.shape[0] != case.inputs["s"].shape[0]:
        return f"expected one average per configuration, got shape {list(out.shape)}"
    blocks = out.reshape(COPIES, -1, *out.shape[1:])
    for block, name in ((1, "rotated and translated"), (2, "reflected")):
        problem = disagreement(
            blocks[block], blocks[0], case, f"the average must not change when s is {name}"
        )
        if problem:
            return problem
    return None


# ----------------------------------------------------------------------------------------- cases
def _transformed_copies(s: torch.Tensor) -> torch.Tensor:
    turned = torch.roll(torch.rot90(s, 1, dims=(-2, -1)), shifts=(1, 2), dims=(-2, -1))
    return torch.cat([s, turned, s.transpose(-2, -1)])


def average_cases(rng: CaseRng) -> list[Case]:
    grad = ("s",)
    return [
        Case(
            "CNN, 3 x 3, outputs (B,)",
            {"s": rng.normal(2, 3, 3), "f": "cnn scalar", "weights": cnn_weights(rng, 3, 1)},
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "MLP on the sites, 4 x 4, outputs (B, 2)",
            {"s": rng.normal(3, 4, 4), "f": "mlp", "weights": mlp_weights(rng, [16, 5, 2])},
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "L = 2",
            {"s": rng.normal(2, 2, 2), "f": "mlp", "weights": mlp_weights(rng, [4, 5, 2])},
            group="edge cases",
            grad=grad,
        ),
        Case(
            "Ising energy per site, invariant",
            {"s": 2.0 * rng.integers(2, 3, 4, 4).double() - 1, "f": "ising", "weights": {}},
            group="properties",
            dtypes=BOTH,
            properties=(Property("an invariant f is unchanged", _invariant_unchanged),),
        ),
        Case(
            "averaged CNN on transformed copies",
            {
                "s": _transformed_copies(rng.normal(2, 4, 4)),
                "f": "cnn",
                "weights": cnn_weights(rng, 3, 2),
            },
            group="properties",
            dtypes=BOTH,
            compare=False,
            properties=(Property("the averaged CNN is invariant", _copies_agree),),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
ORBIT = reference(MODULE, "lattice_orbit")


def _average_variant(combine: Callable[[Callable, torch.Tensor], torch.Tensor]):
    """A mistaken average: ``combine(f, orbit)`` with the case's ``f`` and the reference orbit."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        f = lattice_function(evidence.case.inputs["f"], evidence.seen("weights"))
        with torch.no_grad():
            return combine(f, ORBIT(evidence.seen("s")))

    return variant


def _group_size(evidence: Evidence) -> float:
    return 8.0 * evidence.case.inputs["s"].shape[-1] ** 2


AVERAGE_HINTS = (
    Hint(
        "average the outputs f(g s) over the orbit, not the configurations: the mean of the "
        "orbit is a constant configuration, and f of it has lost s",
        explained_by(_average_variant(lambda f, orbit: f(orbit.mean(dim=1)))),
    ),
    Hint(
        "divide the sum over the orbit by |G| = 8 L^2: the average is a mean", scaled(_group_size)
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "group_average",
        points=1.0,
        cases=average_cases,
        probe=average_probe,
        groups=AVERAGE_GROUPS,
        lesson="average the outputs, (1/|G|) sum_g f(g s): f of the averaged configuration is "
        "invariant too, but it is f of a constant field, which has lost s",
        hints=AVERAGE_HINTS,
    ),
]
