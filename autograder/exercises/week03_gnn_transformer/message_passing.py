"""Week 3 checks of ``message_passing``: the probe builds ``psi`` and ``phi`` as small tanh MLPs
from the case's weights (``autograder.nets``), so the grader controls them and can differentiate
with respect to their weights.

"values": a random graph with a node that receives no message, for 'sum', 'mean' and 'max', with
gradients w.r.t. ``x`` and every weight of ``psi`` and ``phi``. "edge cases": duplicate edges (they
count twice), self-loops, a graph without edges. "properties": the student's own outputs on the
same graph with the columns of ``edge_index`` reordered (unchanged) and with the nodes relabelled
(permuted alike). The lesson: a node without incoming edges aggregates 0 for every aggregator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, reference
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week03_gnn_transformer"
GROUPS = {"values": 3.0, "edge cases": 1.5, "gradients": 1.5, "properties": 2.0}
REORDERED, RELABELLED = "out, edge columns reordered", "out, nodes relabelled"
NODES, FEATURES, MESSAGE, OUT = 7, 3, 4, 2


def edge_function(weights: dict[str, torch.Tensor]) -> Callable:
    """``psi(x_i, x_j)``: an MLP on ``[x_i, x_j]``, row by row (the target's features first)."""
    net = TensorMLP(weights)
    return lambda x_i, x_j: net(torch.cat([x_i, x_j], dim=-1))


def node_function(weights: dict[str, torch.Tensor]) -> Callable:
    """``phi(x, a)``: an MLP on ``[x, a]``, row by row."""
    net = TensorMLP(weights)
    return lambda x, aggregate: net(torch.cat([x, aggregate], dim=-1))


def message_passing_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``message_passing(x, edge_index, psi, phi, aggr)``; on request also with the columns of
    ``edge_index`` reordered (``edge_order``) and with the nodes relabelled (``relabel``: node k of
    the new graph is node ``relabel[k]`` of the old one)."""
    x, edge_index, aggr = inputs["x"], inputs["edge_index"], inputs["aggr"]
    nets = {}
    if ctx.grad:
        x.requires_grad_(True)
        nets = {**leaves(inputs["psi"], "psi"), **leaves(inputs["phi"], "phi")}
    psi, phi = edge_function(inputs["psi"]), node_function(inputs["phi"])
    out = ctx.call(impl, x, edge_index, psi, phi, aggr)
    observations = {"out": out}
    if "edge_order" in inputs:
        reordered = edge_index[:, inputs["edge_order"]]
        observations[REORDERED] = ctx.call(impl, x, reordered, psi, phi, aggr)
    if "relabel" in inputs:
        relabel = inputs["relabel"]
        new_label = torch.argsort(relabel)
        observations[RELABELLED] = ctx.call(impl, x[relabel], new_label[edge_index], psi, phi, aggr)
    if ctx.grad:
        observations.update(vjp(out, {"x": x, **nets}, ctx))
    return observations


# ----------------------------------------------------------------------------------------- graphs
def random_edges(rng: CaseRng, edges: int, silent: int) -> torch.Tensor:
    """``edges`` distinct edges j -> i (j != i) among ``NODES`` nodes, none into node ``silent``;
    some node receives at least three messages."""
    pairs = [(j, i) for i in range(NODES) for j in range(NODES) if i != j and i != silent]
    while True:
        chosen = torch.randperm(len(pairs), generator=rng.generator)[:edges]
        edge_index = torch.tensor([pairs[int(k)] for k in chosen]).T.contiguous()
        if int(torch.bincount(edge_index[1]).max()) >= 3:
            return edge_index


def _nets(rng: CaseRng) -> dict[str, Any]:
    return {
        "psi": mlp_weights(rng, [2 * FEATURES, 5, MESSAGE], scale=1.5),
        "phi": mlp_weights(rng, [FEATURES + MESSAGE, 5, OUT], scale=1.5),
    }


def _case_inputs(rng: CaseRng, edge_index: torch.Tensor, aggr: str, **extra) -> dict[str, Any]:
    """Node features and fresh nets for the graph ``edge_index``, with ``extra`` inputs."""
    x = rng.normal(NODES, FEATURES)
    return {"x": x, "edge_index": edge_index, "aggr": aggr, **_nets(rng), **extra}


def _derangement(rng: CaseRng, n: int) -> torch.Tensor:
    perm = torch.randperm(n, generator=rng.generator)
    while n > 1 and bool((perm == torch.arange(n)).any()):
        perm = torch.randperm(n, generator=rng.generator)
    return perm


# ----------------------------------------------------------------------------------------- properties
def _close(yours: torch.Tensor, expected: torch.Tensor, case: Case) -> torch.Tensor:
    tolerance = case.tolerance_of("reduction")
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    return (yours - expected).abs() <= tolerance.atol * scale + tolerance.rtol * expected.abs()


def _first_wrong_node(wrong: torch.Tensor) -> int:
    return int(wrong.reshape(wrong.shape[0], -1).any(dim=-1).nonzero()[0, 0])


def _node_outputs(observed: Mapping, case: Case) -> torch.Tensor:
    """The student's ``out``, one row per node, or ``Unfit``."""
    out = observed_array(observed, "out")
    if out.dim() != 2 or out.shape[0] != case.inputs["x"].shape[0]:
        raise Unfit(
            f"out: expected shape [{case.inputs['x'].shape[0]}, F_out], got {list(out.shape)}"
        )
    return out


def order_invariant(observed: Mapping, case: Case) -> str | None:
    out = _node_outputs(observed, case)
    reordered = observed_array(observed, REORDERED, tuple(out.shape))
    wrong = ~_close(reordered, out, case)
    if not bool(wrong.any()):
        return None
    node = _first_wrong_node(wrong)
    return (
        f"reordering the columns of edge_index changed the output of node {node} "
        f"({out[node].tolist()} became {reordered[node].tolist()}): the aggregation must not "
        "depend on the order of the edges"
    )


def relabel_equivariant(observed: Mapping, case: Case) -> str | None:
    out = _node_outputs(observed, case)
    relabelled = observed_array(observed, RELABELLED, tuple(out.shape))
    relabel = case.inputs["relabel"]
    wrong = ~_close(relabelled, out[relabel], case)
    if not bool(wrong.any()):
        return None
    node = _first_wrong_node(wrong)
    return (
        f"relabelling the nodes must permute the output alike: node {node} of the relabelled "
        f"graph is node {int(relabel[node])} of the original, but their outputs differ "
        f"({relabelled[node].tolist()} vs {out[relabel[node]].tolist()})"
    )


# ----------------------------------------------------------------------------------------- cases
def message_passing_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "psi", "phi")
    graph = random_edges(rng, 14, silent=3)
    duplicated = torch.cat([graph, graph[:, :4]], dim=1)
    self_loops = torch.cat([graph, torch.tensor([[0, 2, 5], [0, 2, 5]])], dim=1)
    no_edges = torch.zeros(2, 0, dtype=torch.int64)
    properties = (
        Property("invariant to the order of the edges", order_invariant),
        Property("relabelling the nodes permutes the output", relabel_equivariant),
    )
    values = [
        Case(
            f"random graph, a node receives nothing, {aggr!r}",
            _case_inputs(rng, graph, aggr),
            dtypes=BOTH,
            grad=grad,
        )
        for aggr in ("sum", "mean", "max")
    ]
    edge_cases = [
        Case(label, _case_inputs(rng, edges, aggr), group="edge cases", dtypes=BOTH)
        for label, edges, aggr in (
            ("duplicate edges count twice, 'sum'", duplicated, "sum"),
            ("duplicate edges count twice, 'mean'", duplicated, "mean"),
            ("self-loops, 'max'", self_loops, "max"),
            ("no edges, 'mean'", no_edges, "mean"),
            ("no edges, 'max'", no_edges, "max"),
        )
    ]
    relabelled = [
        Case(
            f"edge columns reordered, nodes relabelled, {aggr!r}",
            _case_inputs(
                rng,
                duplicated,
                aggr,
                edge_order=_derangement(rng, duplicated.shape[1]),
                relabel=_derangement(rng, NODES),
            ),
            group="properties",
            dtypes=BOTH,
            properties=properties,
        )
        for aggr in ("sum", "mean", "max")
    ]
    return values + edge_cases + relabelled


# ----------------------------------------------------------------------------------------- hints
MESSAGE_PASSING_REFERENCE = reference(MODULE, "message_passing")


def _aggregator(*names: str) -> Callable[[Evidence], bool]:
    return lambda evidence: evidence.case.inputs["aggr"] in names


def _variant(change: Callable[[dict[str, Any]], dict[str, Any] | None]):
    """The reference on the case's inputs (x, edge_index, psi, phi, aggr) after ``change``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        inputs = {
            "x": evidence.seen("x"),
            "edge_index": evidence.case.inputs["edge_index"],
            "psi": edge_function(evidence.seen("psi")),
            "phi": node_function(evidence.seen("phi")),
            "aggr": evidence.case.inputs["aggr"],
        }
        changed = change(inputs)
        if changed is None:
            return None
        with torch.no_grad():
            return MESSAGE_PASSING_REFERENCE(**changed)

    return variant


def _roles_swapped(inputs: dict) -> dict:
    """Aggregated at the sources, the source's features first."""
    return {**inputs, "edge_index": inputs["edge_index"].flip(0)}


def _arguments_swapped(inputs: dict) -> dict:
    psi = inputs["psi"]
    return {**inputs, "psi": lambda x_i, x_j: psi(x_j, x_i)}


def _duplicates_dropped(inputs: dict) -> dict | None:
    unique = torch.unique(inputs["edge_index"], dim=1)
    if unique.shape[1] == inputs["edge_index"].shape[1]:
        return None
    return {**inputs, "edge_index": unique}


def _max_with_zero(inputs: dict) -> dict | None:
    """'max' started from zeros with the zeros included: max(0, messages)."""
    if inputs["aggr"] != "max":
        return None
    psi = inputs["psi"]
    return {**inputs, "psi": lambda x_i, x_j: psi(x_i, x_j).clamp(min=0)}


def _last_message_wins(inputs: dict) -> dict | None:
    """``a[target] += m`` (or ``a[target] = m``): one message per node survives, the last one."""
    if inputs["aggr"] == "max":
        return None
    edge_index = inputs["edge_index"]
    last = {int(target): column for column, target in enumerate(edge_index[1].tolist())}
    kept = torch.tensor(sorted(last.values()), dtype=torch.int64)
    return {**inputs, "edge_index": edge_index[:, kept], "aggr": "sum"}


MESSAGE_PASSING_HINTS = (
    Hint(
        "a node that receives no message has count 0: its mean is 0, not 0/0 (divide by "
        "count.clamp(min=1))",
        all_of(_aggregator("mean"), at_stage("nonfinite")),
    ),
    Hint(
        "a node that receives no message aggregates 0, not -inf: start the max from zeros with "
        "scatter_reduce(..., 'amax', include_self=False), or replace the untouched -inf by 0",
        all_of(_aggregator("max"), at_stage("nonfinite")),
    ),
    Hint(
        "include_self=True takes the max with the zeros you started from (negative messages "
        "become 0): use include_self=False",
        explained_by(_variant(_max_with_zero)),
    ),
    Hint(
        "a[target] += m keeps one message per node when a node has several incoming edges: "
        "accumulate with index_add / scatter_add",
        explained_by(_variant(_last_message_wins)),
    ),
    Hint(
        "edge_index[0] holds the sources j and edge_index[1] the targets i: aggregate at the "
        "targets, with psi(x_i, x_j)",
        explained_by(_variant(_roles_swapped)),
    ),
    Hint(
        "psi takes the target's features first: psi(x[edge_index[1]], x[edge_index[0]])",
        explained_by(_variant(_arguments_swapped)),
    ),
    Hint(
        "every column is an edge: a duplicate edge sends its message twice",
        explained_by(_variant(_duplicates_dropped)),
    ),
)


MESSAGE_PASSING = [
    Exercise(
        MODULE,
        "message_passing",
        points=3.0,
        cases=message_passing_cases,
        probe=message_passing_probe,
        groups=GROUPS,
        lesson="a node without incoming edges aggregates 0 for every aggregator: its mean is not "
        "0/0 and its max is not -inf",
        hints=MESSAGE_PASSING_HINTS,
    ),
]
