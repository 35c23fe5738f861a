"""Week 3 checks, graph part: ``graph_conv`` here, ``message_passing`` in its own file.

Oracle: ``ml4p_ref.week03_gnn_transformer`` in float64 (the propagation matrix built from diagonal
degree matrices; ``scatter_reduce`` for message passing), itself checked against per-node loops and
the Kipf-Welling formula in ``tests/test_ref_week03_graphs.py``.

graph_conv: the slides' graph, random undirected graphs with 'sym', a directed graph with 'row',
a batch of graphs and an isolated node without self-loop ("values", with gradients w.r.t. ``x``
and ``weight``); bool adjacency, an isolated node with 'row', a graph without edges and a single
node ("edge cases"); a batch holding a graph and its relabelled copy, on which the student's own
outputs must be permuted alike (equivariance) and have the same node sum (invariant readout).
The lesson: a node of degree 0 has an empty row, and normalizing it must give 0, not 1/0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week03_gnn_transformer.message_passing import MESSAGE_PASSING
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    failed_on,
    raised,
    reference,
)
from autograder.probe import ProbeContext, call_function

MODULE = "week03_gnn_transformer"
GRAPH_CONV_GROUPS = {"values": 3.0, "edge cases": 1.5, "gradients": 1.5, "properties": 2.0}
SLIDE_ADJACENCY = torch.tensor(
    [[0, 1, 1, 1], [1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 0]], dtype=torch.float64
)
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


def graph_conv_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``graph_conv(x, adj, weight, **options)``; a case names its activation ("tanh", "relu")."""
    if "activation" in inputs:
        inputs["activation"] = ACTIVATIONS[inputs["activation"]]
    return call_function(impl, inputs, ctx, ("x", "adj", "weight"))


# ----------------------------------------------------------------------------------------- graphs
def random_adjacency(
    rng: CaseRng, n: int, density: float = 0.4, directed: bool = False, isolated: tuple = ()
) -> torch.Tensor:
    """A float64 0/1 adjacency with zero diagonal; every node but the ``isolated`` ones has at least
    one neighbour (row and column), the isolated ones none."""
    while True:
        upper = (rng.uniform(n, n) < density).double().triu(diagonal=1)
        adjacency = (rng.uniform(n, n) < density).double().fill_diagonal_(0)
        adjacency = adjacency if directed else upper + upper.T
        adjacency[list(isolated), :] = 0
        adjacency[:, list(isolated)] = 0
        others = [node for node in range(n) if node not in isolated]
        if bool((adjacency[others].sum(-1) > 0).all() and (adjacency[:, others].sum(0) > 0).all()):
            return adjacency


def _inputs(rng: CaseRng, adj: torch.Tensor, features: int = 3, out: int = 2, **options) -> dict:
    """Features and weights for the graph(s) ``adj`` (shape ``(..., N, N)``), with ``options``."""
    x = rng.normal(*adj.shape[:-1], features)
    weight = rng.normal(features, out, scale=features**-0.5)
    return {"x": x, "adj": adj, "weight": weight, **options}


def _relabelled_pair(rng: CaseRng, adj: torch.Tensor, **options) -> tuple[dict, torch.Tensor]:
    """A batch of two graphs, ``(x, A)`` and ``(Px, P A P^T)``, and the permutation (``x[perm]``)."""
    n = adj.shape[-1]
    perm = torch.randperm(n, generator=rng.generator)
    while bool((perm == torch.arange(n)).any()):
        perm = torch.randperm(n, generator=rng.generator)
    inputs = _inputs(rng, adj, **options)
    x = inputs["x"]
    inputs["x"] = torch.stack([x, x[perm]])
    inputs["adj"] = torch.stack([adj, adj[perm][:, perm]])
    return inputs, perm


# ----------------------------------------------------------------------------------------- properties
def _close(yours: torch.Tensor, expected: torch.Tensor, case: Case) -> torch.Tensor:
    """Elementwise agreement within the case's 'reduction' tolerance (scale: max |expected|, >= 1)."""
    tolerance = case.tolerance_of("reduction")
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    return (yours - expected).abs() <= tolerance.atol * scale + tolerance.rtol * expected.abs()


def _out_pair(observed: Mapping, case: Case) -> tuple[torch.Tensor, torch.Tensor]:
    x = case.inputs["x"]
    out = observed_array(observed, "out")
    if out.dim() != 3 or tuple(out.shape[:2]) != tuple(x.shape[:2]):
        raise Unfit(f"out: expected shape [2, {x.shape[1]}, F_out], got {list(out.shape)}")
    return out[0], out[1]


def equivariant(perm: torch.Tensor) -> Callable[[Mapping, Case], str | None]:
    """The relabelled graph's output is the original's, relabelled: h(Px, PAP^T) = P h(x, A)."""

    def check(observed: Mapping, case: Case) -> str | None:
        original, relabelled = _out_pair(observed, case)
        wrong = ~_close(relabelled, original[perm], case)
        if not bool(wrong.any()):
            return None
        node = int(wrong.any(dim=-1).nonzero()[0, 0])
        return (
            f"relabelling the nodes (x -> Px, A -> PAP^T) must relabel the output alike: node "
            f"{node} of the relabelled graph is node {int(perm[node])} of the original, but their "
            f"outputs differ ({relabelled[node].tolist()} vs {original[perm[node]].tolist()})"
        )

    return check


def invariant_readout(observed: Mapping, case: Case) -> str | None:
    """The sum of the node outputs does not depend on the labels."""
    original, relabelled = _out_pair(observed, case)
    original_sum, relabelled_sum = original.sum(dim=0), relabelled.sum(dim=0)
    if bool(_close(relabelled_sum, original_sum, case).all()):
        return None
    return (
        f"the readout sum_i h_i must not change when the nodes are relabelled: "
        f"{original_sum.tolist()} became {relabelled_sum.tolist()}"
    )


# ----------------------------------------------------------------------------------------- cases
def graph_conv_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "weight")
    batch = torch.stack([random_adjacency(rng, 5) for _ in range(3)])
    relabel_properties = []
    for label, adj, options in (
        ("undirected graph, 'sym'", random_adjacency(rng, 6), {"normalize": "sym"}),
        (
            "directed graph, 'row', tanh",
            random_adjacency(rng, 6, directed=True),
            {"normalize": "row", "activation": "tanh"},
        ),
    ):
        inputs, perm = _relabelled_pair(rng, adj, **options)
        relabel_properties.append(
            Case(
                f"a graph and its relabelled copy, {label}",
                inputs,
                group="properties",
                dtypes=BOTH,
                properties=(
                    Property("permutation equivariance", equivariant(perm)),
                    Property("invariant readout", invariant_readout),
                ),
            )
        )
    return [
        Case("the slides' graph, A + I", _inputs(rng, SLIDE_ADJACENCY), dtypes=BOTH, grad=grad),
        Case(
            "undirected graph, 'sym'",
            _inputs(rng, random_adjacency(rng, 7), normalize="sym"),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "directed graph, 'row', tanh",
            _inputs(
                rng, random_adjacency(rng, 7, directed=True), normalize="row", activation="tanh"
            ),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "batch of 3 graphs, 'sym', relu",
            _inputs(rng, batch, normalize="sym", activation="relu"),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "isolated node, no self-loops, 'sym'",
            _inputs(
                rng, random_adjacency(rng, 6, isolated=(2,)), normalize="sym", add_self_loops=False
            ),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "bool adjacency, 'sym'",
            _inputs(rng, SLIDE_ADJACENCY.bool(), normalize="sym"),
            group="edge cases",
            dtypes=BOTH,
        ),
        Case(
            "isolated node, no self-loops, directed, 'row'",
            _inputs(
                rng,
                random_adjacency(rng, 6, directed=True, isolated=(4,)),
                normalize="row",
                add_self_loops=False,
            ),
            group="edge cases",
            dtypes=BOTH,
        ),
        Case(
            "no edges, no self-loops, 'sym'",
            _inputs(rng, torch.zeros(4, 4), normalize="sym", add_self_loops=False),
            group="edge cases",
        ),
        Case(
            "a single node, 'sym'",
            _inputs(rng, torch.zeros(1, 1), normalize="sym"),
            group="edge cases",
        ),
        *relabel_properties,
    ]


# ----------------------------------------------------------------------------------------- hints
GRAPH_CONV = reference(MODULE, "graph_conv")


def _options(evidence: Evidence) -> dict[str, Any]:
    """The case's keyword options, the activation as a function."""
    inputs = evidence.case.inputs
    options = {key: inputs[key] for key in ("add_self_loops", "normalize") if key in inputs}
    if "activation" in inputs:
        options["activation"] = ACTIVATIONS[inputs["activation"]]
    return options


def _graph_conv_variant(change: Callable[[dict, dict], tuple[dict, dict] | None]):
    """The reference on the case's inputs with ``change(tensors, options)`` applied (None: no
    variant for this case)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        tensors = {name: evidence.seen(name) for name in ("x", "adj", "weight")}
        changed = change(tensors, _options(evidence))
        if changed is None:
            return None
        tensors, options = changed
        return GRAPH_CONV(tensors["x"], tensors["adj"], tensors["weight"], **options)

    return variant


def _without_self_loops(tensors: dict, options: dict):
    if not options.get("add_self_loops", True):
        return None
    return tensors, {**options, "add_self_loops": False}


def _without_activation(tensors: dict, options: dict):
    if "activation" not in options:
        return None
    return tensors, {**options, "activation": None}


def _column_degrees(tensors: dict, options: dict):
    """'row' dividing column j by deg_j (``adj / adj.sum(-1)`` without keepdim): A~ D~^{-1}."""
    if options.get("normalize") != "row":
        return None
    adj = tensors["adj"].double()
    matrix = adj + torch.eye(adj.shape[-1]) if options.get("add_self_loops", True) else adj
    degree = matrix.sum(dim=-1)
    propagation = matrix / torch.where(degree > 0, degree, 1)[..., None, :]
    x = propagation @ tensors["x"]  # A^ x, then the reference with the identity as graph
    identity = torch.zeros_like(adj)
    return {**tensors, "x": x, "adj": identity}, {
        **options,
        "normalize": None,
        "add_self_loops": True,
    }


def _degrees_without_self_loops(tensors: dict, options: dict):
    """'sym' normalized with the degrees of A instead of A + I."""
    if options.get("normalize") != "sym" or not options.get("add_self_loops", True):
        return None
    adj = tensors["adj"].double()
    degree = adj.sum(dim=-1)
    scale = torch.where(degree > 0, torch.where(degree > 0, degree, 1).rsqrt(), 0)
    matrix = scale[..., :, None] * (adj + torch.eye(adj.shape[-1])) * scale[..., None, :]
    x = matrix @ tensors["x"]
    return {**tensors, "x": x, "adj": torch.zeros_like(adj)}, {
        **options,
        "normalize": None,
        "add_self_loops": True,
    }


def _is_bool_case(evidence: Evidence) -> bool:
    return evidence.case.inputs["adj"].dtype == torch.bool


GRAPH_CONV_HINTS = (
    Hint(
        "a node of degree 0 (no neighbour, no self-loop) has an empty row: its normalized entries "
        "are 0, not 1/0 or 1/sqrt(0) = inf (e.g. torch.where(deg > 0, deg, 1).rsqrt() * (deg > 0))",
        all_of(failed_on("out"), at_stage("nonfinite")),
    ),
    Hint(
        "a bool adjacency must be converted to x's dtype first: adj.to(x.dtype)",
        all_of(_is_bool_case, raised("RuntimeError", "TypeError")),
    ),
    Hint(
        "add the self-loops: A~ = A + I when add_self_loops is True",
        explained_by(_graph_conv_variant(_without_self_loops)),
    ),
    Hint(
        "apply the activation to A^ x W when one is given",
        explained_by(_graph_conv_variant(_without_activation)),
    ),
    Hint(
        "'row' divides row i by its own degree: deg = A~.sum(-1, keepdim=True); without keepdim, "
        "A~ / deg divides column j by deg_j",
        explained_by(_graph_conv_variant(_column_degrees)),
    ),
    Hint(
        "the degrees are those of A~ = A + I (the self-loop counts)",
        explained_by(_graph_conv_variant(_degrees_without_self_loops)),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "graph_conv",
        points=3.0,
        cases=graph_conv_cases,
        probe=graph_conv_probe,
        groups=GRAPH_CONV_GROUPS,
        lesson="a node of degree 0 has an empty row: normalizing it must give 0, not 1/0 or "
        "1/sqrt(0) (nan in the output)",
        hints=GRAPH_CONV_HINTS,
    ),
    *MESSAGE_PASSING,
]
