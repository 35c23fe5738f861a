"""Week 4 checks of ``lattice_orbit``: the images of L x L periodic configurations under D4 and
the translations, compared with the reference as a multiset.

The docstring leaves the order of the 8 L^2 images free, so the probe sorts each orbit
lexicographically (``sorted_orbit``) before anything is compared: the observation ``ORBIT`` is the
sorted orbit. Generic configurations (Gaussian values, so that all images differ) for L = 3, 4
(with B = L, where rotating the wrong axes of the batch goes unnoticed by the shape), L = 2 and
L = 1 (images coincide and must be kept), Ising spins (the energy is constant on the orbit).
The lesson: the reflections of the square include the two diagonal ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by
from autograder.probe import ProbeContext

MODULE = "week04_symmetry"
ORBIT = "orbit (images sorted: any order is accepted)"
ORBIT_GROUPS = {"values": 3.0, "edge cases": 1.0, "properties": 2.0}


def sorted_orbit(orbit: torch.Tensor) -> torch.Tensor:
    """The images of each orbit ``(B, M, L, L)`` in lexicographic order of their flattened values
    (a stable sort per site, last site first), on the orbit's own dtype and device."""
    batch, count = orbit.shape[:2]
    rows = orbit.detach().reshape(batch, count, -1)
    order = torch.arange(count, device=orbit.device).expand(batch, count)
    for site in reversed(range(rows.shape[-1])):
        keys = torch.gather(rows[..., site], 1, order)
        order = torch.gather(order, 1, torch.sort(keys, dim=1, stable=True).indices)
    return torch.gather(rows, 1, order[..., None].expand_as(rows)).reshape(orbit.shape)


def _sortable(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.dim() == 4 and value.is_floating_point()


def orbit_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``lattice_orbit(s)``, sorted when it has the form of a batch of orbits."""
    out = ctx.call(impl, inputs["s"])
    return {ORBIT: sorted_orbit(out) if _sortable(out) else out}


# ----------------------------------------------------------------------------------------- properties
def ising_energy(s: torch.Tensor) -> torch.Tensor:
    """E(s) = -sum over the bonds of the torus of s_i s_j, per configuration (any leading dims)."""
    bonds = s * torch.roll(s, 1, dims=-1) + s * torch.roll(s, 1, dims=-2)
    return -bonds.sum(dim=(-2, -1))


def _orbit_of_case(observed: Mapping, case: Case) -> torch.Tensor:
    s = case.inputs["s"]
    size = s.shape[-1]
    return observed_array(observed, ORBIT, (s.shape[0], 8 * size * size, size, size))


def _distinct_images(observed: Mapping, case: Case) -> str | None:
    orbit = _orbit_of_case(observed, case)
    expected = orbit.shape[1]
    for b, images in enumerate(orbit):
        distinct = torch.unique(images.reshape(expected, -1), dim=0).shape[0]
        if distinct != expected:
            return (
                f"the orbit of a generic {orbit.shape[-1]} x {orbit.shape[-1]} configuration has "
                f"8 L^2 = {expected} distinct elements; yours has {distinct} (configuration {b})"
            )
    return None


def _energy_constant(observed: Mapping, case: Case) -> str | None:
    orbit = _orbit_of_case(observed, case)
    energies = ising_energy(orbit)
    expected = ising_energy(case.seen("s"))
    for b in range(orbit.shape[0]):
        changed = (energies[b] != expected[b]).nonzero()
        if changed.numel():
            image = int(changed[0, 0])
            return (
                f"the Ising energy is the same on the whole orbit: configuration {b} has E = "
                f"{float(expected[b]):g}, its image number {image} (in sorted order) "
                f"E = {float(energies[b, image]):g}"
            )
    return None


# ----------------------------------------------------------------------------------------- cases
def _spins(rng: CaseRng, batch: int, size: int) -> torch.Tensor:
    return 2.0 * rng.integers(2, batch, size, size).double() - 1.0


def orbit_cases(rng: CaseRng) -> list[Case]:
    distinct = (Property("8 L^2 distinct elements", _distinct_images),)
    return [
        Case("generic 3 x 3 configurations", {"s": rng.normal(2, 3, 3)}, dtypes=BOTH),
        Case("generic 4 x 4 configurations, B = L", {"s": rng.normal(4, 4, 4)}, dtypes=BOTH),
        Case(
            "L = 2: one image per group element, duplicates kept",
            {"s": rng.normal(3, 2, 2)},
            group="edge cases",
        ),
        Case("L = 1", {"s": rng.normal(2, 1, 1)}, group="edge cases"),
        Case(
            "generic 5 x 5 configuration",
            {"s": rng.normal(1, 5, 5)},
            group="properties",
            properties=distinct,
        ),
        Case(
            "Ising spins 4 x 4",
            {"s": _spins(rng, 3, 4)},
            group="properties",
            dtypes=BOTH,
            properties=(Property("Ising energy constant on the orbit", _energy_constant),),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _translated(point_images: list[torch.Tensor]) -> list[torch.Tensor]:
    size = point_images[0].shape[-1]
    return [
        torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]


def _helical(point_images: list[torch.Tensor]) -> list[torch.Tensor]:
    """Shifts of the flattened lattice: a row wraps into the next (helical boundaries)."""
    shape = point_images[0].shape
    return [
        torch.roll(image.flatten(-2), shift, dims=-1).reshape(shape)
        for image in point_images
        for shift in range(shape[-1] * shape[-2])
    ]


def _orbit_variant(
    point_images: Callable[[torch.Tensor], list[torch.Tensor]],
    translate: Callable[[list[torch.Tensor]], list[torch.Tensor]] = _translated,
):
    """The sorted orbit made of a mistaken list of point-group images or translations."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != ORBIT:
            return None
        try:
            images = torch.stack(translate(point_images(evidence.seen("s"))), dim=1)
        except RuntimeError:  # e.g. rotations of the batch axis of a non-square batch
            return None
        return sorted_orbit(images)

    return variant


def _rotations(s: torch.Tensor, dims: tuple[int, int] = (-2, -1)) -> list[torch.Tensor]:
    return [torch.rot90(s, k, dims=dims) for k in range(4)]


def _axis_flips_only(s: torch.Tensor) -> list[torch.Tensor]:
    return [*_rotations(s), s.flip(-1), s.flip(-2), s.flip(-2, -1), s]


def _batch_axes_rotated(s: torch.Tensor) -> list[torch.Tensor]:
    rotations = _rotations(s, dims=(0, 1))
    return rotations + [rotation.flip(-1) for rotation in rotations]


def _full_point_group(s: torch.Tensor) -> list[torch.Tensor]:
    rotations = _rotations(s)
    return rotations + [rotation.flip(-1) for rotation in rotations]


def _small_lattice(evidence: Evidence) -> bool:
    return evidence.case.inputs["s"].shape[-1] <= 2


ORBIT_HINTS = (
    Hint(
        "the four reflections of the square are the two axis flips and the two diagonal ones "
        "(transposes); flipping both axes is the rotation by 180 degrees: reflect each rotation",
        explained_by(_orbit_variant(_axis_flips_only)),
    ),
    Hint(
        "the translations of the torus are torch.roll with shifts (dx, dy) over dims (-2, -1); "
        "rolling the flattened lattice wraps each row into the next (helical boundaries)",
        explained_by(_orbit_variant(_full_point_group, _helical)),
    ),
    Hint(
        "torch.rot90 rotates dims (0, 1) by default, which for a batch (B, L, L) mixes the "
        "configurations: rotate dims (-2, -1)",
        explained_by(_orbit_variant(_batch_axes_rotated)),
    ),
    Hint(
        "list one image per group element, 8 L^2 of them, even where images coincide (on small "
        "or symmetric lattices): do not remove duplicates",
        all_of(at_stage("shape"), _small_lattice),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "lattice_orbit",
        points=1.0,
        cases=orbit_cases,
        probe=orbit_probe,
        groups=ORBIT_GROUPS,
        lesson="D4 has eight elements, the four rotations and four reflections, two of them "
        "diagonal (transposes): the axis flips alone repeat rotations and miss half the orbit",
        hints=ORBIT_HINTS,
    ),
]
