"""Trust tests for the week 3 graph references (graph convolution, message passing).

``ml4p_ref.week03_gnn_transformer.graph_conv`` is compared with the propagation written out node by
node in Python floats, with the Kipf-Welling formula D~^{-1/2} A~ D~^{-1/2} built from a Cholesky
factor, and with the slides' graph by hand; ``message_passing`` with a per-node Python loop over
the incoming edges and with ``index_reduce_``. Then the properties the grader relies on
(isolated nodes give 0, permutation equivariance, edge-order invariance, duplicates count twice),
and the instructor solution against the reference.
"""

from __future__ import annotations

import math

import pytest
import torch

from ml4p_ref import week03_gnn_transformer as ref
from solutions import week03_gnn_transformer as sol

pytestmark = pytest.mark.week03

SLIDE_ADJACENCY = [[0, 1, 1, 1], [1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 0]]
OPTIONS = [
    pytest.param(loops, normalize, id=f"{'loops' if loops else 'no-loops'}-{normalize}")
    for loops in (True, False)
    for normalize in (None, "row", "sym")
]


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def random_adjacency(n: int, seed: int, directed: bool = False, isolated=()) -> torch.Tensor:
    draw = (torch.rand(n, n, generator=generator(seed)) < 0.45).double()
    adjacency = draw.fill_diagonal_(0) if directed else draw.triu(1) + draw.triu(1).T
    adjacency[list(isolated), :] = 0
    adjacency[:, list(isolated)] = 0
    return adjacency


# ----------------------------------------------------------------------------------------- graph_conv
def loop_graph_conv(x, adj, weight, add_self_loops, normalize) -> list[list[float]]:
    """h_i = sum_j A^[i][j] (x_j W) in Python floats, A^ entry by entry (one graph)."""
    n, f_in, f_out = len(x), len(weight), len(weight[0])
    tilde = [
        [adj[i][j] + (1.0 if add_self_loops and i == j else 0.0) for j in range(n)]
        for i in range(n)
    ]
    degree = [sum(row) for row in tilde]

    def entry(i: int, j: int) -> float:
        if tilde[i][j] == 0:
            return 0.0
        if normalize == "row":
            return tilde[i][j] / degree[i]
        if normalize == "sym":  # 1/sqrt(0) reads as 0 (a directed graph's source-only node)
            return 0.0 if degree[j] == 0 else tilde[i][j] / math.sqrt(degree[i] * degree[j])
        return tilde[i][j]

    features = [
        [math.fsum(x[j][k] * weight[k][c] for k in range(f_in)) for c in range(f_out)]
        for j in range(n)
    ]
    return [
        [math.fsum(entry(i, j) * features[j][c] for j in range(n)) for c in range(f_out)]
        for i in range(n)
    ]


@pytest.mark.parametrize("add_self_loops, normalize", OPTIONS)
@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
def test_graph_conv_matches_the_node_by_node_sum(add_self_loops, normalize, directed):
    adj = random_adjacency(7, 1 + directed, directed=directed, isolated=(3,))
    x = torch.randn(7, 3, generator=generator(3), dtype=torch.float64)
    weight = torch.randn(3, 4, generator=generator(4), dtype=torch.float64)
    expected = loop_graph_conv(x.tolist(), adj.tolist(), weight.tolist(), add_self_loops, normalize)
    result = ref.graph_conv(x, adj, weight, add_self_loops, normalize)
    torch.testing.assert_close(
        result, torch.tensor(expected, dtype=torch.float64), rtol=1e-13, atol=1e-14
    )


def test_graph_conv_sym_is_the_kipf_welling_formula():
    """D~^{-1/2} A~ D~^{-1/2} x W with D~^{-1/2} the inverse of the Cholesky factor of D~."""
    adj = random_adjacency(8, 5)
    x = torch.randn(8, 3, generator=generator(6), dtype=torch.float64)
    weight = torch.randn(3, 2, generator=generator(7), dtype=torch.float64)
    tilde = adj + torch.eye(8, dtype=torch.float64)
    inverse_sqrt = torch.linalg.inv(torch.linalg.cholesky(torch.diag(tilde.sum(dim=1))))
    expected = torch.tanh(inverse_sqrt @ tilde @ inverse_sqrt @ x @ weight)
    result = ref.graph_conv(x, adj, weight, normalize="sym", activation=torch.tanh)
    torch.testing.assert_close(result, expected, rtol=1e-13, atol=1e-15)


def test_graph_conv_on_the_slides_graph_gives_the_propagation_matrix():
    """With x = W = I the output is A^ itself: degrees of A + I are 4, 3, 3, 4."""
    adj = torch.tensor(SLIDE_ADJACENCY, dtype=torch.float64)
    eye = torch.eye(4, dtype=torch.float64)
    tilde = adj + eye
    assert ref.graph_conv(eye, adj, eye).tolist() == tilde.tolist()
    degree = [4.0, 3.0, 3.0, 4.0]
    sym = [
        [tilde[i, j].item() / math.sqrt(degree[i] * degree[j]) for j in range(4)] for i in range(4)
    ]
    assert sym[0][1] == pytest.approx(1 / math.sqrt(12), rel=1e-15)
    torch.testing.assert_close(
        ref.graph_conv(eye, adj, eye, normalize="sym"),
        torch.tensor(sym, dtype=torch.float64),
        rtol=1e-15,
        atol=0,
    )
    row = [[tilde[i, j].item() / degree[i] for j in range(4)] for i in range(4)]
    torch.testing.assert_close(
        ref.graph_conv(eye, adj, eye, normalize="row"),
        torch.tensor(row, dtype=torch.float64),
        rtol=1e-15,
        atol=0,
    )


@pytest.mark.parametrize("normalize", ["row", "sym"])
def test_graph_conv_isolated_nodes_give_zero_not_nan(normalize):
    adj = random_adjacency(5, 8, isolated=(0, 4))
    x = torch.randn(5, 2, generator=generator(9), dtype=torch.float64)
    weight = torch.eye(2, dtype=torch.float64)
    result = ref.graph_conv(x, adj, weight, add_self_loops=False, normalize=normalize)
    assert bool(result.isfinite().all())
    assert result[[0, 4]].abs().max() == 0
    empty = ref.graph_conv(x, torch.zeros(5, 5, dtype=torch.float64), weight, False, normalize)
    assert empty.abs().max() == 0


def test_graph_conv_bool_and_batched_adjacency_agree_with_single_float_graphs():
    adj = torch.stack([random_adjacency(6, seed) for seed in (10, 11, 12)])
    x = torch.randn(3, 6, 4, generator=generator(13), dtype=torch.float64)
    weight = torch.randn(4, 2, generator=generator(14), dtype=torch.float64)
    batched = ref.graph_conv(x, adj.bool(), weight, normalize="sym", activation=torch.relu)
    for b in range(3):
        single = ref.graph_conv(x[b], adj[b], weight, normalize="sym", activation=torch.relu)
        torch.testing.assert_close(batched[b], single, rtol=1e-14, atol=1e-15)
    assert batched.dtype == torch.float64


@pytest.mark.parametrize("normalize", [None, "row", "sym"])
def test_graph_conv_is_permutation_equivariant_with_an_invariant_readout(normalize):
    adj = random_adjacency(7, 15, directed=normalize == "row")
    x = torch.randn(7, 3, generator=generator(16), dtype=torch.float64)
    weight = torch.randn(3, 3, generator=generator(17), dtype=torch.float64)
    perm = torch.randperm(7, generator=generator(18))
    out = ref.graph_conv(x, adj, weight, normalize=normalize, activation=torch.tanh)
    relabelled = ref.graph_conv(
        x[perm], adj[perm][:, perm], weight, normalize=normalize, activation=torch.tanh
    )
    assert (relabelled - out[perm]).abs().max() <= 1e-15
    assert (relabelled.sum(0) - out.sum(0)).abs().max() <= 1e-14


# ----------------------------------------------------------------------------------------- message passing
def make_nets(seed: int, features: int = 3, message: int = 4, out: int = 2):
    g = generator(seed)
    u = torch.randn(2 * features, message, generator=g, dtype=torch.float64)
    v = torch.randn(features + message, out, generator=g, dtype=torch.float64)

    def psi(x_i, x_j):
        return torch.tanh(torch.cat([x_i, x_j], dim=-1) @ u) + 0.3 * x_i[..., :1] - 0.1

    def phi(x, aggregate):
        return torch.cat([x, aggregate], dim=-1) @ v

    return psi, phi


def loop_message_passing(x, edge_index, psi, phi, aggr) -> torch.Tensor:
    """For each node, the messages of its incoming edges one by one, reduced in Python."""
    aggregates = []
    for node in range(x.shape[0]):
        messages = [
            psi(x[node][None], x[int(source)][None])[0].tolist()
            for source, target in edge_index.T
            if int(target) == node
        ]
        width = psi(x[:1], x[:1]).shape[-1]
        if not messages:
            aggregates.append([0.0] * width)
        elif aggr == "sum":
            aggregates.append([math.fsum(column) for column in zip(*messages, strict=True)])
        elif aggr == "mean":
            aggregates.append(
                [math.fsum(column) / len(messages) for column in zip(*messages, strict=True)]
            )
        else:
            aggregates.append([max(column) for column in zip(*messages, strict=True)])
    return phi(x, torch.tensor(aggregates, dtype=x.dtype))


def random_edges(nodes: int, edges: int, seed: int, silent: int = 2) -> torch.Tensor:
    g = generator(seed)
    source = torch.randint(nodes, (edges,), generator=g)
    target = torch.randint(nodes - 1, (edges,), generator=g)
    target = target + (target >= silent).long()  # nothing into node `silent`
    return torch.stack([source, target])


AGGREGATORS = ["sum", "mean", "max"]


@pytest.mark.parametrize("aggr", AGGREGATORS)
def test_message_passing_matches_the_per_node_loop(aggr):
    x = torch.randn(6, 3, generator=generator(20), dtype=torch.float64)
    edge_index = random_edges(6, 15, 21)
    edge_index = torch.cat([edge_index, edge_index[:, :3], torch.tensor([[4], [4]])], dim=1)
    psi, phi = make_nets(22)
    expected = loop_message_passing(x, edge_index, psi, phi, aggr)
    torch.testing.assert_close(
        ref.message_passing(x, edge_index, psi, phi, aggr), expected, rtol=1e-13, atol=1e-14
    )


@pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")
@pytest.mark.parametrize("aggr, reduce", [("mean", "mean"), ("max", "amax")])
def test_message_passing_matches_index_reduce(aggr, reduce):
    x = torch.randn(6, 3, generator=generator(23), dtype=torch.float64)
    edge_index = random_edges(6, 12, 24)
    psi, phi = make_nets(25)
    messages = psi(x[edge_index[1]], x[edge_index[0]])
    aggregate = torch.zeros(6, messages.shape[1], dtype=torch.float64)
    aggregate.index_reduce_(0, edge_index[1], messages, reduce, include_self=False)
    torch.testing.assert_close(
        ref.message_passing(x, edge_index, psi, phi, aggr),
        phi(x, aggregate),
        rtol=1e-14,
        atol=1e-15,
    )


@pytest.mark.parametrize("aggr", AGGREGATORS)
def test_message_passing_node_without_messages_aggregates_zero(aggr):
    x = torch.randn(5, 3, generator=generator(26), dtype=torch.float64)
    psi, phi = make_nets(27)
    zero = torch.zeros(5, 4, dtype=torch.float64)
    no_edges = torch.zeros(2, 0, dtype=torch.int64)
    assert torch.equal(ref.message_passing(x, no_edges, psi, phi, aggr), phi(x, zero))
    edge_index = random_edges(5, 8, 28, silent=2)
    out = ref.message_passing(x, edge_index, psi, phi, aggr)
    assert bool(out.isfinite().all())
    torch.testing.assert_close(out[2], phi(x, zero)[2], rtol=0, atol=0)


def test_message_passing_duplicate_edges_count_twice_in_the_sum():
    x = torch.randn(5, 3, generator=generator(29), dtype=torch.float64)
    psi, _ = make_nets(30)
    identity = lambda x, aggregate: aggregate  # noqa: E731
    edge_index = random_edges(5, 6, 31)
    doubled = torch.cat([edge_index, edge_index], dim=1)
    once = ref.message_passing(x, edge_index, psi, identity, "sum")
    torch.testing.assert_close(
        ref.message_passing(x, doubled, psi, identity, "sum"), 2 * once, rtol=1e-15, atol=0
    )
    torch.testing.assert_close(
        ref.message_passing(x, doubled, psi, identity, "mean"),
        ref.message_passing(x, edge_index, psi, identity, "mean"),
        rtol=1e-15,
        atol=1e-16,
    )


@pytest.mark.parametrize("aggr", AGGREGATORS)
def test_message_passing_is_edge_order_invariant_and_relabelling_equivariant(aggr):
    x = torch.randn(7, 3, generator=generator(32), dtype=torch.float64)
    psi, phi = make_nets(33)
    edge_index = random_edges(7, 16, 34)
    out = ref.message_passing(x, edge_index, psi, phi, aggr)
    order = torch.randperm(16, generator=generator(35))
    reordered = ref.message_passing(x, edge_index[:, order], psi, phi, aggr)
    assert (reordered - out).abs().max() <= 1e-12
    relabel = torch.randperm(7, generator=generator(36))
    relabelled = ref.message_passing(x[relabel], torch.argsort(relabel)[edge_index], psi, phi, aggr)
    assert (relabelled - out[relabel]).abs().max() <= 1e-14


@pytest.mark.parametrize("aggr", AGGREGATORS)
def test_message_passing_gradient_passes_gradcheck(aggr):
    x = torch.randn(5, 3, generator=generator(37), dtype=torch.float64, requires_grad=True)
    psi, phi = make_nets(38)
    edge_index = random_edges(5, 9, 39)
    assert torch.autograd.gradcheck(
        lambda v: ref.message_passing(v, edge_index, psi, phi, aggr), (x,)
    )


# ----------------------------------------------------------------------------------------- solution
@pytest.mark.parametrize("add_self_loops, normalize", OPTIONS)
def test_solution_graph_conv_agrees_with_the_reference(add_self_loops, normalize):
    adj = torch.stack(
        [random_adjacency(6, 40, directed=True, isolated=(1,)), random_adjacency(6, 41)]
    )
    x = torch.randn(2, 6, 3, generator=generator(42), dtype=torch.float64)
    weight = torch.randn(3, 2, generator=generator(43), dtype=torch.float64)
    expected = ref.graph_conv(x, adj, weight, add_self_loops, normalize, torch.tanh)
    for adjacency in (adj, adj.bool()):
        result = sol.graph_conv(x, adjacency, weight, add_self_loops, normalize, torch.tanh)
        torch.testing.assert_close(result, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("aggr", AGGREGATORS)
def test_solution_message_passing_agrees_with_the_reference(aggr):
    x = torch.randn(6, 3, generator=generator(44), dtype=torch.float64)
    psi, phi = make_nets(45)
    edge_index = random_edges(6, 14, 46)
    expected = ref.message_passing(x, edge_index, psi, phi, aggr)
    torch.testing.assert_close(
        sol.message_passing(x, edge_index, psi, phi, aggr), expected, rtol=1e-13, atol=1e-15
    )
