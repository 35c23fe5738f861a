"""Week 6 checks of ``made_masks`` (optional): the masks of an autoregressive MLP for the identity
order and random permutations, one to three hidden layers, d = 2, no hidden layer and hidden layers
too narrow to hold every degree; and, by autograd, the Jacobian of an MLP built from the student's
masks: zero where order[j] >= order[i], nonzero where order[j] < order[i].

Oracle: ``ml4p_ref.week06_generative1.made_masks`` (one-hot degree matrices times triangular
matrices of ones), itself checked in ``tests/test_ref_week06_made.py`` against the Jacobians of
masked networks and an enumeration of the paths through them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise

import torch

from autograder.case import Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, all_of, at_stage, reference
from autograder.probe import function_probe

MODULE = "week06_generative1"
GROUPS = {"values": 3.0, "edge cases": 1.0, "properties": 2.0}
MADE = reference(MODULE, "made_masks")


def reference_masks(d: int, hidden: list[int], order) -> list[torch.Tensor]:
    """The reference's masks in the (out, in) layout of these checks."""
    return [mask.T for mask in MADE(d, hidden, order)]


# ----------------------------------------------------------------------------------------- masks
def mask_shapes(d: int, hidden: list[int]) -> list[tuple[int, int]]:
    """(out_features, in_features) of every linear layer of the d -> hidden -> d network: the
    layout these checks compute in (``W @ x``); students return the transposes, the layout of ``W``
    in ``x @ W + b``."""
    sizes = [d, *hidden, d]
    return [(fan_out, fan_in) for fan_in, fan_out in pairwise(sizes)]


def _order(case: Case) -> torch.Tensor:
    """The case's order, the identity where it is None."""
    order = case.inputs["order"]
    return torch.arange(case.inputs["d"]) if order is None else order


def student_masks(observed: Mapping, case: Case) -> list[torch.Tensor]:
    """The student's masks as float64 tensors of the expected shapes, transposed to (out, in), or
    ``Unfit``."""
    shapes = mask_shapes(case.inputs["d"], case.inputs["hidden"])
    out = observed.get("out")
    if out is None or out.kind != "sequence" or len(out.items) != len(shapes):
        got = "nothing" if out is None else out.describe()
        raise Unfit(f"output: expected a list of {len(shapes)} masks, got {got}")
    return [
        observed_array({f"output[{layer}]": item}, f"output[{layer}]", (fan_in, fan_out)).T
        for layer, (item, (fan_out, fan_in)) in enumerate(zip(out.items, shapes, strict=True))
    ]


# ----------------------------------------------------------------------------------------- Jacobian
@dataclass(frozen=True)
class MaskedNet:
    """Positive float64 weights (out, in) and biases of an MLP, and the point x where its Jacobian
    is taken. Positive weights and tanh (derivative > 0.1 on the inputs it sees) make every path
    from x_j to out_i add a positive amount: d out_i / d x_j is nonzero exactly where a path is."""

    weights: tuple[torch.Tensor, ...]
    biases: tuple[torch.Tensor, ...]
    x: torch.Tensor

    @classmethod
    def draw(cls, rng: CaseRng, d: int, hidden: list[int]) -> MaskedNet:
        shapes = mask_shapes(d, hidden)
        weights = tuple(rng.uniform(*shape, low=0.5, high=1.5) / shape[1] for shape in shapes)
        biases = tuple(rng.uniform(shape[0], low=-0.1, high=0.1) for shape in shapes)
        return cls(weights, biases, rng.uniform(d, low=-1.0, high=1.0))

    def jacobian(self, masks: list[torch.Tensor]) -> torch.Tensor:
        """d out / d x, shape (d, d), of the network whose weights are multiplied by ``masks``."""
        masked = [weight * mask for weight, mask in zip(self.weights, masks, strict=True)]

        def forward(x: torch.Tensor) -> torch.Tensor:
            for layer, (weight, bias) in enumerate(zip(masked, self.biases, strict=True)):
                x = weight @ x + bias
                if layer < len(masked) - 1:
                    x = torch.tanh(x)
            return x

        return torch.autograd.functional.jacobian(forward, self.x)


def _dependence(net: MaskedNet, case: Case, observed: Mapping) -> tuple[torch.Tensor, ...]:
    """(d out / d x, which entries are nonzero, earlier[i, j] = order[j] < order[i])."""
    jacobian = net.jacobian(student_masks(observed, case))
    if not bool(jacobian.isfinite().all()):
        raise Unfit("the Jacobian of the masked network is not finite: are the masks 0/1?")
    scale = max(float(jacobian.abs().max()), 1.0)
    nonzero = jacobian.abs() > case.tolerance_of("conservation").atol * scale
    order = _order(case)
    return jacobian, nonzero, order[None, :] < order[:, None]


def _first_pair(pairs: torch.Tensor, order: torch.Tensor, relation: str) -> tuple[str, str, str]:
    """("i", "j", "order[j] = .. >= order[i] = ..") of the first True entry of ``pairs[i, j]``."""
    i, j = (int(index) for index in pairs.nonzero()[0])
    return str(i), str(j), f"order[{j}] = {int(order[j])} {relation} order[{i}] = {int(order[i])}"


def _autoregressive(net: MaskedNet) -> Callable[[Mapping, Case], str | None]:
    def check(observed: Mapping, case: Case) -> str | None:
        jacobian, nonzero, earlier = _dependence(net, case, observed)
        bad = nonzero & ~earlier
        if not bool(bad.any()):
            return None
        i, j, orders = _first_pair(bad, _order(case), ">=")
        value = float(jacobian[int(i), int(j)])
        what = f"x_{j} itself" if i == j else f"x_{j} although {orders}"
        return (
            f"out_{i} depends on {what} (d out_{i} / d x_{j} = {value:.3g}; {int(bad.sum())} "
            "such pairs): output i may only see inputs earlier in the order, the network is not "
            "autoregressive"
        )

    return check


def _fully_connected(net: MaskedNet) -> Callable[[Mapping, Case], str | None]:
    def check(observed: Mapping, case: Case) -> str | None:
        _, nonzero, earlier = _dependence(net, case, observed)
        lost = earlier & ~nonzero
        if not bool(lost.any()):
            return None
        i, j, orders = _first_pair(lost, _order(case), "<")
        return (
            f"out_{i} does not depend on x_{j} although {orders} ({int(lost.sum())} such "
            "pairs): with hidden widths >= d - 1 every earlier input must reach every later output"
        )

    return check


# ----------------------------------------------------------------------------------------- cases
def permutation(rng: CaseRng, d: int) -> torch.Tensor:
    """A random permutation of 0..d-1 (d >= 3) that is not its own inverse, so that an order read
    the wrong way round (argsort(order)) gives other masks."""
    identity = torch.arange(d)
    while True:
        order = torch.randperm(d, generator=rng.generator)
        if not torch.equal(order[order], identity):
            return order


def _case(label: str, d: int, hidden: list[int], order: torch.Tensor | None, **options) -> Case:
    return Case(label, {"d": d, "hidden": hidden, "order": order}, **options)


def _jacobian_case(rng: CaseRng, label: str, d: int, hidden: list[int], order) -> Case:
    net = MaskedNet.draw(rng, d, hidden)
    properties = (
        Property("d out_i / d x_j = 0 for order[j] >= order[i]", _autoregressive(net)),
        Property("d out_i / d x_j != 0 for order[j] < order[i]", _fully_connected(net)),
    )
    return _case(label, d, hidden, order, group="properties", compare=False, properties=properties)


def made_cases(rng: CaseRng) -> list[Case]:
    d = rng.choice(4, 6)

    def widths(count: int) -> list[int]:
        return [rng.choice(d - 1, 2 * d) for _ in range(count)]

    return [
        _case("identity order, one hidden layer", 4, [6], None),
        _case(f"random order, d = {d}, two hidden layers", d, widths(2), permutation(rng, d)),
        _case(f"random order, d = {d}, three hidden layers", d, widths(3), permutation(rng, d)),
        _case("d = 2", 2, [3], torch.tensor([1, 0]), group="edge cases"),
        _case("no hidden layer: one (d, d) mask", d, [], permutation(rng, d), group="edge cases"),
        _case(
            "hidden layers narrower than d - 1", 5, [2, 3], permutation(rng, 5), group="edge cases"
        ),
        _jacobian_case(rng, "Jacobian, identity order, one hidden layer", 5, [8], None),
        _jacobian_case(rng, f"Jacobian, random order, d = {d}", d, widths(2), permutation(rng, d)),
    ]


# ----------------------------------------------------------------------------------------- hints
def _degrees(case: Case) -> list[torch.Tensor]:
    """Degrees of the inputs, then of every hidden layer's units (the docstring's rule)."""
    d = case.inputs["d"]
    hidden = [torch.arange(width) % (d - 1) + 1 for width in case.inputs["hidden"]]
    return [_order(case) + 1, *hidden]


def _by_rule(hidden_rule, output_rule) -> Callable[[Case], list[torch.Tensor]]:
    """Masks built with ``hidden_rule(later, earlier)`` between layers and ``output_rule`` into the
    outputs, each comparing degree columns with degree rows."""

    def variant(case: Case) -> list[torch.Tensor]:
        degrees = _degrees(case)
        masks = [
            hidden_rule(later[:, None], earlier[None, :]) for earlier, later in pairwise(degrees)
        ]
        return [*masks, output_rule(degrees[0][:, None], degrees[-1][None, :])]

    return variant


def _with_order(change: Callable[[torch.Tensor], torch.Tensor]):
    """The reference's masks for the case's order changed by ``change``."""

    def variant(case: Case) -> list[torch.Tensor] | None:
        if case.inputs["order"] is None:
            return None
        inputs = case.inputs
        return reference_masks(inputs["d"], inputs["hidden"], change(inputs["order"]))

    return variant


def _same_masks(observed: Mapping, case: Case, masks: list[torch.Tensor]) -> bool:
    try:
        yours = student_masks(observed, case)
    except Unfit:
        return False
    return all(torch.equal(mine != 0, mask.bool()) for mine, mask in zip(yours, masks, strict=True))


def explained_by_masks(variant: Callable[[Case], list[torch.Tensor] | None]):
    """Applies when the student's masks are the variant's and the right masks are not."""

    def applies(evidence: Evidence) -> bool:
        case = evidence.case
        masks = variant(case)
        if masks is None:
            return False
        right = reference_masks(case.inputs["d"], case.inputs["hidden"], case.inputs["order"])
        mistaken = _same_masks(evidence.student, case, masks)
        right_is_variant = all(torch.equal(a, b.bool()) for a, b in zip(right, masks, strict=True))
        return mistaken and not right_is_variant

    return applies


def _linear_layout(evidence: Evidence) -> bool:
    """The student's masks have the shapes of ``torch.nn.Linear`` weights (out, in)."""
    out = evidence.student.get("out")
    if out is None or out.kind != "sequence":
        return False
    shapes = mask_shapes(evidence.case.inputs["d"], evidence.case.inputs["hidden"])
    return [tuple(item.shape or ()) for item in out.items] == shapes


MADE_HINTS = (
    Hint(
        "out_i must never see x_i: connect output i only to units of degree < order[i] + 1 "
        "(strict >); with >= the output layer lets x_i reach out_i and the network is not "
        "autoregressive",
        explained_by_masks(_by_rule(torch.ge, torch.ge)),
    ),
    Hint(
        "hidden units connect to units of the layer below whose degree is <= their own (>=); "
        "a strict > between hidden layers loses dependencies (only the output layer is strict)",
        explained_by_masks(_by_rule(torch.gt, torch.gt)),
    ),
    Hint(
        "order[j] is the position of input j in the order (its degree is order[j] + 1), not the "
        "index of the j-th input: you used the inverse permutation",
        explained_by_masks(_with_order(torch.argsort)),
    ),
    Hint(
        "the inputs' degrees come from order (input j has degree order[j] + 1): the masks "
        "ignored it",
        explained_by_masks(_with_order(lambda order: torch.arange(order.shape[0]))),
    ),
    Hint(
        "the masks have the layout of W in x @ W + b, (in_features, out_features), not "
        "torch.nn.Linear's (out_features, in_features): the first is (d, hidden[0]), the last "
        "(hidden[-1], d)",
        all_of(at_stage("shape"), _linear_layout),
    ),
    Hint(
        "with no hidden layer the single (d, d) mask goes straight from the inputs to the "
        "outputs: input j reaches output i iff order[j] < order[i]",
        all_of(at_stage("raised"), lambda evidence: not evidence.case.inputs["hidden"]),
    ),
    Hint(
        "the masks are bool tensors: keep the result of the comparison, no .float() or .int()",
        at_stage("dtype"),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "made_masks",
        points=2.0,
        cases=made_cases,
        probe=function_probe("d", "hidden", "order"),
        groups=GROUPS,
        lesson="output i connects to hidden units of degree strictly below order[i] + 1: with >= "
        "out_i sees x_i itself and the autoregressive property breaks",
        hints=MADE_HINTS,
        devices=("cpu",),  # integer bookkeeping; with order None there is no device to follow
    ),
]
