"""Week 5 checks of ``inverse_schrodinger_loss``: L(V) = sum_i (psi0_i^2 - target_i)^2, psi0 the
ground state of H = K + diag(V), differentiated by autograd through the eigensolver.

Oracle: ``ml4p_ref.week05_diffprog`` in float64, which never indexes an eigenvector: the density is
the Hellmann-Feynman derivative psi0_i^2 = d lambda0 / d V_i of the lowest ``eigvalsh`` eigenvalue
(checked against power iteration, numpy, gradcheck and gradient descent in
``tests/test_ref_week05_inverse.py``).

"values": L and its vector-Jacobian product w.r.t. V on random symmetric problems (H with a known
spectrum, ground-state gap >= 0.3) and on the physical problem: K the finite-difference kinetic
matrix of a particle in a box, V a trap, the target a Gaussian density. "edge cases": two points and
a ground-state gap of 1e-3. "physics": L = 0 and dL/dV = 0 at an exact target psi0(V)^2.
"properties": L(V + c) = L(V), sum_i dL/dV_i = 0 and dL/dV against central differences (float64),
all on the student's own outputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week05_diffprog.ground_state import spectrum, symmetric
from autograder.hints import Evidence, Hint, all_of, any_of, at_stage, explained_by, failed_on
from autograder.probe import ProbeContext, is_tensor, vjp

MODULE = "week05_diffprog"
GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 3.0, "physics": 1.0, "properties": 1.0}
SHIFTED, GRADIENT, CENTRAL = "loss at V + c", "dL/dV", "central differences"
STEP = 1e-5  # central differences in float64 (curriculum.md 2.5: h between 1e-6 and 1e-4)
BOX = 10.0  # length of the box of the physical problem (hard walls at -BOX/2 and BOX/2)


# ----------------------------------------------------------------------------------------- probe
def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``L = impl(V, K, target)`` and its vjp w.r.t. V; for the property cases also dL/dV itself,
    L at V + c and central differences of L."""
    V, K, target = inputs["V"], inputs["K"], inputs["target"]
    V.requires_grad_(True)
    loss = ctx.call(impl, V, K, target)
    observations = {"out": loss}
    if ctx.grad:
        observations.update(vjp(loss, {"V": V}, ctx))
    if inputs.get("gradient", False):
        observations[GRADIENT] = _gradient(loss, V, ctx)
    if "shift" in inputs:
        observations[SHIFTED] = ctx.call(impl, V.detach() + inputs["shift"], K, target)
    if inputs.get("central differences", False):
        observations[CENTRAL] = _central_differences(impl, V.detach(), K, target, ctx)
    return observations


def _gradient(loss: Any, V: torch.Tensor, ctx: ProbeContext) -> torch.Tensor | None:
    """dL/dV, or None when L is no scalar on the graph of V."""
    if not is_tensor(loss) or loss.shape != () or not loss.requires_grad:
        return None
    (gradient,) = ctx.call(torch.autograd.grad, loss, V, retain_graph=True, allow_unused=True)
    return gradient


def _central_differences(
    impl: Callable, V: torch.Tensor, K: torch.Tensor, target: torch.Tensor, ctx: ProbeContext
) -> torch.Tensor | None:
    """(L(V + h e_i) - L(V - h e_i)) / 2h for every i, or None when L is no scalar tensor."""
    differences = []
    for i in range(V.shape[0]):
        step = torch.zeros_like(V)
        step[i] = STEP
        ahead, behind = ctx.call(impl, V + step, K, target), ctx.call(impl, V - step, K, target)
        if not all(is_tensor(x) and x.shape == () for x in (ahead, behind)):
            return None
        differences.append((float(ahead.detach()) - float(behind.detach())) / (2 * STEP))
    return torch.tensor(differences, dtype=torch.float64)


# ----------------------------------------------------------------------------------------- properties
def _derivative_tolerance(case: Case):
    return case.tolerance_of("derivative")


def _exact_target(observed: Mapping, case: Case) -> str | None:
    """L = 0 and dL/dV = 0 (to round-off) when the target is the ground-state density itself."""
    bound = _derivative_tolerance(case).atol
    loss = float(observed_array(observed, "out", ()))
    gradient = observed_array(observed, GRADIENT, tuple(case.inputs["V"].shape))
    if abs(loss) > bound:
        return (
            f"target = psi0(V)^2 exactly, so L must be 0; yours is {loss:.3g} (bound {bound:.0e})"
        )
    largest = float(gradient.abs().max())
    if not largest <= bound:
        return (
            f"target = psi0(V)^2 exactly, so L is at its minimum and dL/dV = 0; yours has an "
            f"entry of size {largest:.3g} (bound {bound:.0e})"
        )
    return None


def _shift_invariant(observed: Mapping, case: Case) -> str | None:
    """L(V + c) = L(V): a constant moves every eigenvalue by c and no eigenvector."""
    tolerance = _derivative_tolerance(case)
    loss = float(observed_array(observed, "out", ()))
    shifted = float(observed_array(observed, SHIFTED, ()))
    if abs(shifted - loss) <= (tolerance.rtol + tolerance.atol) * abs(loss) + tolerance.atol:
        return None
    return (
        f"V -> V + {case.inputs['shift']:g} shifts every eigenvalue and leaves psi0 alone, so L "
        f"must not change; yours goes from {loss:.10g} to {shifted:.10g}"
    )


def _gradient_sums_to_zero(observed: Mapping, case: Case) -> str | None:
    """sum_i dL/dV_i = 0 relative to sum_i |dL/dV_i| (the derivative of L along V -> V + c)."""
    gradient = observed_array(observed, GRADIENT, tuple(case.inputs["V"].shape))
    total, size = float(gradient.sum()), float(gradient.abs().sum())
    if abs(total) <= case.tolerance_of("conservation").atol * size:
        return None
    return (
        f"L does not change under V -> V + c, so sum_i dL/dV_i must be 0; yours is {total:.3g} "
        f"(sum_i |dL/dV_i| = {size:.3g})"
    )


def _matches_central_differences(observed: Mapping, case: Case) -> str | None:
    """dL/dV against (L(V + h e_i) - L(V - h e_i)) / 2h of the student's own L."""
    n = case.inputs["V"].shape[0]
    gradient = observed_array(observed, GRADIENT, (n,))
    central = observed_array(observed, CENTRAL, (n,))
    rtol = case.tolerance_of("finite_difference").rtol
    gap = (gradient - central).abs()
    scale = max(float(central.abs().max()), 1e-12)
    if bool((gap <= rtol * scale).all()):
        return None
    worst = int(gap.argmax())
    return (
        f"your dL/dV does not match the central differences (L(V + h e_i) - L(V - h e_i)) / 2h of "
        f"your own L (h = {STEP:g}): at i = {worst} autograd gives {float(gradient[worst]):.10g}, "
        f"the differences {float(central[worst]):.10g}"
    )


# ----------------------------------------------------------------------------------------- cases
def random_problem(rng: CaseRng, n: int, gap: float) -> dict[str, torch.Tensor]:
    """H with a known spectrum split as K + diag(V) (V random, K = H - diag(V) symmetric), and a
    random density as the target, redrawn until it differs from psi0^2 by at least 0.3 / n
    somewhere (so that float32 round-off stays small beside L and dL/dV)."""
    hamiltonian = symmetric(rng, spectrum(rng, n, gap))
    V = rng.normal(n)
    problem = {"V": V, "K": hamiltonian - torch.diag(V)}
    density = ground_density(problem)
    while True:
        weights = rng.uniform(n, low=0.2, high=1.0)
        target = weights / weights.sum()
        if n == 1 or float((target - density).abs().max()) >= 0.3 / n:
            return {**problem, "target": target}


def kinetic_matrix(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The finite-difference -1/2 d^2/dx^2 on the n interior points x of the box (hard walls)."""
    spacing = BOX / (n + 1)
    x = -BOX / 2 + spacing * torch.arange(1, n + 1, dtype=torch.float64)
    second = torch.diag(torch.full((n,), 2.0, dtype=torch.float64))
    second = second - torch.diag(torch.ones(n - 1, dtype=torch.float64), 1)
    second = second - torch.diag(torch.ones(n - 1, dtype=torch.float64), -1)
    return second / (2 * spacing**2), x


def trap(rng: CaseRng, x: torch.Tensor) -> torch.Tensor:
    """A harmonic trap x^2 / 2 with a random smooth bump (ground-state gap near 1)."""
    amplitude, phase = rng.uniform(2, low=-0.4, high=0.4)
    return x**2 / 2 + amplitude * torch.sin(1.3 * x + math.pi * phase)


def physical_problem(rng: CaseRng, n: int) -> dict[str, torch.Tensor]:
    """A particle in a box with a trap, and a Gaussian target density 1 to 2 away from the trap's
    centre (far enough from the trap's own density that float32 round-off stays small beside L)."""
    K, x = kinetic_matrix(n)
    offset, width = (
        float(rng.uniform(1, low=1.0, high=2.0)),
        float(rng.uniform(1, low=0.9, high=1.4)),
    )
    centre = offset if rng.choice(0, 1) else -offset
    weights = torch.exp(-((x - centre) ** 2) / (2 * width**2))
    return {"V": trap(rng, x), "K": K, "target": weights / weights.sum()}


def ground_density(problem: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """psi0^2 of K + diag(V), in float64."""
    _, vectors = torch.linalg.eigh(problem["K"] + torch.diag(problem["V"]))
    return vectors[:, 0] ** 2


def exact_target(problem: dict[str, torch.Tensor]) -> dict[str, Any]:
    """The problem with its target replaced by its own ground-state density."""
    return {**problem, "target": ground_density(problem), "gradient": True}


def inverse_cases(rng: CaseRng) -> list[Case]:
    grad, tolerance = ("V",), "derivative"
    exact = (Property("L = 0 and dL/dV = 0 at an exact target", _exact_target, "physics"),)
    return (
        [
            Case(
                f"random symmetric {n}x{n}",
                random_problem(rng, n, 0.3 + float(rng.uniform(1))),
                dtypes=BOTH,
                tolerance=tolerance,
                grad=grad,
            )
            for n in (4, 7)
        ]
        + [
            Case(
                f"particle in a box, trap, N = {n}",
                physical_problem(rng, n),
                dtypes=BOTH,
                tolerance=tolerance,
                grad=grad,
            )
            for n in (16, rng.choice(20, 32))
        ]
        + [
            Case(
                "two points",
                random_problem(rng, 2, 0.5),
                "edge cases",
                BOTH,
                tolerance=tolerance,
                grad=grad,
            ),
            Case(
                "small gap, 1e-3",
                random_problem(rng, 5, 1e-3),
                "edge cases",
                tolerance=tolerance,
                grad=grad,
            ),
            Case(
                "exact target, random symmetric 5x5",
                exact_target(random_problem(rng, 5, 0.5)),
                "physics",
                BOTH,
                compare=False,
                properties=exact,
            ),
            Case(
                "exact target, particle in a box, N = 24",
                exact_target(physical_problem(rng, 24)),
                "physics",
                BOTH,
                compare=False,
                properties=exact,
            ),
            Case(
                "V -> V + c, particle in a box, N = 20",
                {**physical_problem(rng, 20), "shift": 2.5, "gradient": True},
                "properties",
                BOTH,
                compare=False,
                properties=(
                    Property("L(V + c) = L(V)", _shift_invariant),
                    Property("sum_i dL/dV_i = 0", _gradient_sums_to_zero),
                ),
            ),
            Case(
                "central differences, random symmetric 6x6",
                {**random_problem(rng, 6, 0.5), "gradient": True, "central differences": True},
                "properties",
                compare=False,
                properties=(Property("dL/dV = central differences", _matches_central_differences),),
            ),
        ]
    )


# ----------------------------------------------------------------------------------------- hints
def _loss_of(vectors_to_density: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], matrix=None):
    """A variant of L: the density ``vectors_to_density(eigenvectors, target)`` of eigh's output on
    ``matrix(V, K)`` (default K + diag(V)), compared with the target as the exercise says."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        V, K, target = evidence.seen("V"), evidence.seen("K"), evidence.seen("target")
        hamiltonian = (matrix or (lambda v, k: k + torch.diag(v)))(V, K)
        _, vectors = torch.linalg.eigh(hamiltonian)
        return ((vectors_to_density(vectors, target) - target) ** 2).sum()

    return variant


def _amplitude_loss(sign: float, compared_with: Callable[[torch.Tensor], torch.Tensor]):
    """sum_i (psi0_i - compared_with(target)_i)^2 with eigh's psi0 times ``sign``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        _, vectors = torch.linalg.eigh(evidence.seen("K") + torch.diag(evidence.seen("V")))
        return ((sign * vectors[:, 0] - compared_with(evidence.seen("target"))) ** 2).sum()

    return variant


def _either_sign(compared_with: Callable[[torch.Tensor], torch.Tensor]):
    """The amplitude psi0 (of either sign) compared with ``compared_with(target)``."""
    return any_of(*(explained_by(_amplitude_loss(sign, compared_with)) for sign in (1.0, -1.0)))


def _opposite_gradient(evidence: Evidence) -> torch.Tensor | None:
    reference = evidence.reference_value()
    return None if evidence.key != "grad:V" or reference is None else -reference


INVERSE_HINTS = (
    Hint(
        "torch.linalg.eigh returns the eigenvectors as the COLUMNS of its second output: psi0 is "
        "vecs[:, 0]; the row vecs[0] is a unit vector too, but no eigenvector",
        explained_by(_loss_of(lambda vectors, target: vectors[0] ** 2)),
    ),
    Hint(
        "torch.linalg.eigh sorts the eigenvalues in ascending order: the ground state is "
        "column 0, vecs[:, 0]",
        explained_by(_loss_of(lambda vectors, target: vectors[:, -1] ** 2)),
    ),
    Hint(
        "H = K + torch.diag(V): K + V broadcasts V along the rows (it adds V_j to every entry of "
        "column j) instead of putting V on the diagonal",
        explained_by(_loss_of(lambda vectors, target: vectors[:, 0] ** 2, lambda v, k: k + v)),
    ),
    Hint(
        "psi0 has no fixed sign (-psi0 is the same state): compare the density psi0^2 with the "
        "target, not psi0 with sqrt(target)",
        _either_sign(torch.sqrt),
    ),
    Hint(
        "the density is the square psi0_i^2 of the normalised eigenvector, not psi0_i itself",
        _either_sign(lambda target: target),
    ),
    Hint(
        "your dL/dV is the opposite of the right one: if your loss goes through your "
        "GroundState, its energy denominator is lambda0 - lambda_i (negative)",
        explained_by(_opposite_gradient),
    ),
    Hint(
        "the loss must stay on V's autograd graph: build H and psi0 with torch operations (no "
        "numpy, .item(), .detach() or torch.tensor(...) of values)",
        all_of(at_stage("type"), failed_on("grad:V", GRADIENT)),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "inverse_schrodinger_loss",
        points=2.0,
        cases=inverse_cases,
        probe=probe,
        groups=GROUPS,
        lesson="torch.linalg.eigh returns the eigenvectors as columns: the ground state is "
        "vecs[:, 0], and the row vecs[0] is no eigenvector",
        hints=INVERSE_HINTS,
    ),
]
