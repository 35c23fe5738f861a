"""Week 4 checks of ``deep_sets``: rho(sum_i mask_i phi(x_i)) on padded batches of sets.

The probe builds ``phi`` and ``rho`` as ``TensorMLP``s from the case's weights (``phi`` has
biases, so phi(0) != 0 and zeroing the padded inputs is not enough). Masked rows hold junk of
size 1e3. Cases: padded sets, ``mask=None``, a set with every row masked and N = 0 (rho(0)); the
properties call the function twice: once more with extra junk rows appended (padding invariance)
and once with each set's rows permuted (permutation invariance).
The lesson: padded rows must not enter the sum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property
from autograder.exercise import Exercise
from autograder.exercises.week04_symmetry.agreement import agrees_with_output
from autograder.hints import Evidence, Hint, all_of, explained_by, raised, reference
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week04_symmetry"
DEEP_SETS_GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "properties": 2.0}
PADDED, PERMUTED = "with junk rows appended", "with the rows permuted"
FEATURES, HIDDEN, OUTPUTS = 3, 5, 2
JUNK_SCALE = 1e3


def deep_sets_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``deep_sets(x, mask, phi, rho)``; for the properties, again on a padded and on a permuted
    copy of the batch (the inputs ``junk`` and ``permutation``)."""
    x, mask = inputs["x"], inputs["mask"]
    wrt = {}
    if ctx.grad:
        wrt = {"x": x.requires_grad_(True), **leaves(inputs["phi"], "phi")}
        wrt.update(leaves(inputs["rho"], "rho"))
    phi, rho = TensorMLP(dict(inputs["phi"])), TensorMLP(dict(inputs["rho"]))
    out = ctx.call(impl, x, mask, phi, rho)
    observations = {"out": out}
    observations.update(vjp(out, wrt, ctx))
    if "junk" in inputs:
        junk = inputs["junk"]
        padded_mask = torch.cat([mask, mask.new_zeros(junk.shape[:2])], dim=1)
        observations[PADDED] = ctx.call(impl, torch.cat([x, junk], dim=1), padded_mask, phi, rho)
    if "permutation" in inputs:
        order = inputs["permutation"]
        observations[PERMUTED] = ctx.call(impl, x[:, order], mask[:, order], phi, rho)
    return observations


# ----------------------------------------------------------------------------------------- cases
def _sets(rng: CaseRng, batch: int, size: int, sizes: list[int] | None = None) -> dict[str, Any]:
    """``batch`` sets padded to ``size`` rows (set b has ``sizes[b]`` elements, at random rows),
    junk in the padded rows, and the weights of phi and rho."""
    x = rng.normal(batch, size, FEATURES)
    mask = None
    if sizes is not None:
        mask = torch.zeros(batch, size, dtype=torch.bool)
        for b, count in enumerate(sizes):
            mask[b, torch.randperm(size, generator=rng.generator)[:count]] = True
        x = torch.where(mask[..., None], x, JUNK_SCALE * rng.normal(batch, size, FEATURES))
    return {
        "x": x,
        "mask": mask,
        "phi": mlp_weights(rng, [FEATURES, 6, HIDDEN]),
        "rho": mlp_weights(rng, [HIDDEN, 4, OUTPUTS]),
    }


def deep_sets_cases(rng: CaseRng) -> list[Case]:
    grad = ("x",)
    padded = _sets(rng, 3, 5, [2, 5, 3])
    padded_property = {**padded, "junk": JUNK_SCALE * rng.normal(3, 2, FEATURES)}
    permuted = {**_sets(rng, 3, 5, [4, 1, 3]), "permutation": torch.tensor([3, 0, 4, 1, 2])}
    return [
        Case("padded sets of up to 5 elements", padded, dtypes=BOTH, grad=grad),
        Case("full sets, mask None", _sets(rng, 4, 3), dtypes=BOTH, grad=grad),
        Case(
            "a set with every row masked: rho(0)",
            _sets(rng, 3, 4, [2, 0, 4]),
            group="edge cases",
            grad=grad,
        ),
        Case("empty sets, N = 0", _sets(rng, 2, 0, [0, 0]), group="edge cases"),
        Case(
            "padding invariance",
            padded_property,
            group="properties",
            dtypes=BOTH,
            properties=(
                Property(
                    "junk rows appended change nothing",
                    agrees_with_output(PADDED, "appending masked junk rows must change nothing"),
                ),
            ),
        ),
        Case(
            "permutation invariance",
            permuted,
            group="properties",
            dtypes=BOTH,
            compare=False,
            properties=(
                Property(
                    "permuting the rows changes nothing",
                    agrees_with_output(
                        PERMUTED, "permuting the rows of the sets must change nothing"
                    ),
                ),
            ),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
DEEP_SETS = reference(MODULE, "deep_sets")


def _deep_sets_variant(change: Callable[[torch.Tensor, Any, Callable, Callable], torch.Tensor]):
    """A mistaken output ``change(x, mask, phi, rho)`` with the case's networks, in float64."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        phi = TensorMLP(dict(evidence.seen("phi")))
        rho = TensorMLP(dict(evidence.seen("rho")))
        with torch.no_grad():
            return change(evidence.seen("x"), evidence.seen("mask"), phi, rho)

    return variant


def _zeroed_inputs(x: torch.Tensor, mask: Any, phi: Callable, rho: Callable) -> torch.Tensor:
    kept = x if mask is None else torch.where(mask[..., None], x, torch.zeros_like(x))
    return rho(phi(kept).sum(dim=1))


def _mean_pooled(x: torch.Tensor, mask: Any, phi: Callable, rho: Callable) -> torch.Tensor:
    present = torch.ones(x.shape[:2], dtype=torch.bool) if mask is None else mask
    features = torch.where(present[..., None], phi(x), 0.0)
    return rho(features.sum(dim=1) / present.sum(dim=1, keepdim=True))


def _mask_none(evidence: Evidence) -> bool:
    return evidence.case.inputs["mask"] is None


def _no_rows(evidence: Evidence) -> bool:
    return evidence.case.inputs["x"].shape[1] == 0


DEEP_SETS_HINTS = (
    Hint(
        "padded rows hold junk and are not elements: sum phi(x_i) over the rows where mask is "
        "True only",
        explained_by(_deep_sets_variant(lambda x, mask, phi, rho: DEEP_SETS(x, None, phi, rho))),
    ),
    Hint(
        "mask phi(x_i), not x_i: phi(0) is not 0 (phi has biases), so zeroed padded rows still "
        "add phi(0) each",
        explained_by(_deep_sets_variant(_zeroed_inputs)),
    ),
    Hint(
        "pool with the sum over the present elements, not their mean",
        explained_by(_deep_sets_variant(_mean_pooled)),
    ),
    Hint(
        "apply phi to each element before the sum: rho(sum_i phi(x_i)), not rho(phi(sum_i x_i))",
        explained_by(
            _deep_sets_variant(
                lambda x, mask, phi, rho: rho(
                    phi(x.sum(dim=1) if mask is None else (x * mask[..., None]).sum(dim=1))
                )
            )
        ),
    ),
    Hint(
        "mask=None means that every row is present",
        all_of(_mask_none, raised("TypeError", "AttributeError")),
    ),
    Hint(
        "a set with N = 0 rows sums to zeros: start the sum from zero, not from the first row",
        all_of(_no_rows, raised("IndexError")),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "deep_sets",
        points=1.0,
        cases=deep_sets_cases,
        probe=deep_sets_probe,
        groups=DEEP_SETS_GROUPS,
        lesson="padded rows are not elements of the set: sum phi(x_i) over the rows the mask "
        "keeps, or the output depends on the padding",
        hints=DEEP_SETS_HINTS,
    ),
]
