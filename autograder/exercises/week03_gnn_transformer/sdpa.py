"""Week 3 checks of ``scaled_dot_product_attention``: self- and cross-attention with batch and head
dimensions, masks broadcast over batch and heads, queries and keys of size 1e4, a fully masked query
row (zeros), a single key (out = v), q = 0 (the mean of the values), and the two symmetries:
equivariance under permutations of the queries, invariance under joint permutations of the keys and
values. The helpers shared with ``mha`` and ``positions`` live here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    failed_on,
    in_group,
    reference,
)
from autograder.probe import function_probe

MODULE = "week03_gnn_transformer"
FORBIDDEN = (
    "torch.nn.functional.scaled_dot_product_attention",
    "torch.nn.MultiheadAttention",
    "torch.nn.functional.multi_head_attention_forward",
)
FORBIDDEN_OPS = (  # what the names above dispatch to, whichever name reaches them
    "aten._scaled_dot_product_attention_math",
    "aten._scaled_dot_product_flash_attention",
    "aten._scaled_dot_product_flash_attention_for_cpu",
    "aten._scaled_dot_product_efficient_attention",
    "aten._scaled_dot_product_cudnn_attention",
    "aten._scaled_dot_product_fused_attention_overrideable",
    "aten._safe_softmax",  # the softmax of F.scaled_dot_product_attention's math kernel
    "aten._native_multi_head_attention",
)
GROUPS = {"values": 3.0, "stability": 1.0, "edge cases": 2.0, "gradients": 2.0, "properties": 2.0}
GRAD = ("q", "k", "v")


def attention_inputs(
    rng: CaseRng, lead: tuple[int, ...], n_q: int, n_k: int, d: int, d_v: int
) -> dict[str, torch.Tensor]:
    """Random queries ``(*lead, n_q, d)``, keys ``(*lead, n_k, d)`` and values ``(*lead, n_k, d_v)``."""
    return {
        "q": rng.normal(*lead, n_q, d),
        "k": rng.normal(*lead, n_k, d),
        "v": rng.normal(*lead, n_k, d_v),
    }


def random_mask(rng: CaseRng, *shape: int) -> torch.Tensor:
    """A bool mask in which every query row may attend to at least one key."""
    mask = rng.uniform(*shape) < 0.6
    first = rng.integers(shape[-1], *shape[:-1])
    return mask | torch.nn.functional.one_hot(first, shape[-1]).bool()


def copies_agree(
    description: str,
    block: int,
    shape_of: Callable[[Case], tuple[int, ...]],
    permutation: torch.Tensor | None = None,
) -> Callable:
    """The case's batch holds copies of one input, the original first: the output of block
    ``block`` must be the original's output, with its rows permuted by ``permutation`` if given."""

    def check(observed: Mapping, case: Case) -> str | None:
        out = observed_array(observed, "out", shape_of(case))
        expected = out[0] if permutation is None else out[0][permutation]
        tolerance = case.tolerance_of()
        allowed = tolerance.rtol * expected.abs() + tolerance.atol * float(expected.abs().max())
        gap = (out[block] - expected).abs()
        if bool((gap <= allowed).all()):
            return None
        return f"{description}; yours differ by up to {float(gap.nan_to_num(math.inf).max()):.3g}"

    return check


def shuffle(rng: CaseRng, n: int) -> torch.Tensor:
    """A random permutation of ``n >= 2`` items that moves at least one of them."""
    while True:
        permutation = torch.randperm(n, generator=rng.generator)
        if bool((permutation != torch.arange(n)).any()):
            return permutation


def _output_shape(case: Case) -> tuple[int, ...]:
    return (*case.inputs["q"].shape[:-1], case.inputs["v"].shape[-1])


def _permuted_copies(rng: CaseRng, n_q: int, n_k: int, d: int, d_v: int) -> Case:
    """Three copies: the original, its queries permuted, its keys and values permuted together."""
    original = attention_inputs(rng, (1,), n_q, n_k, d, d_v)
    queries, keys = shuffle(rng, n_q), shuffle(rng, n_k)
    q, k, v = original["q"], original["k"], original["v"]
    inputs = {
        "q": torch.cat([q, q[:, queries], q]),
        "k": torch.cat([k, k, k[:, keys]]),
        "v": torch.cat([v, v, v[:, keys]]),
    }
    return Case(
        "permuted copies",
        inputs,
        group="properties",
        dtypes=BOTH,
        properties=(
            Property(
                "query permutation equivariance",
                copies_agree(
                    "permuting the queries must permute the outputs the same way",
                    1,
                    _output_shape,
                    queries,
                ),
            ),
            Property(
                "key/value permutation invariance",
                copies_agree(
                    "permuting the keys and the values together must leave the output unchanged",
                    2,
                    _output_shape,
                ),
            ),
        ),
    )


def _fully_masked_row(rng: CaseRng) -> Case:
    inputs = attention_inputs(rng, (2,), 4, 5, 3, 2)
    inputs["mask"] = random_mask(rng, 4, 5)
    inputs["mask"][2] = False
    return Case(
        "a fully masked query row gives zeros",
        inputs,
        group="edge cases",
        dtypes=BOTH,
        grad=GRAD,
    )


def attention_cases(rng: CaseRng) -> list[Case]:
    n_q, n_k, d, d_v = rng.choice(3, 5), rng.choice(4, 6), rng.choice(3, 5), rng.choice(2, 4)
    heads_mask = {
        **attention_inputs(rng, (2, 2), n_q, n_k, d, d),
        "mask": random_mask(rng, n_q, n_k),
    }
    batch_mask = {
        **attention_inputs(rng, (2, 3), n_q, n_k, d, d_v),
        "mask": random_mask(rng, 2, 1, n_q, n_k),
    }
    huge = attention_inputs(rng, (2,), n_q, n_k, d, d_v)
    huge["q"], huge["k"] = 1e4 * huge["q"], 1e4 * huge["k"]
    zero_queries = attention_inputs(rng, (2,), n_q, n_k, d, d_v)
    zero_queries["q"] = torch.zeros_like(zero_queries["q"])
    return [
        Case("self-attention", attention_inputs(rng, (2,), 4, 4, 3, 3), dtypes=BOTH, grad=GRAD),
        Case(
            "cross-attention, N_q != N_k, d_v != d",
            attention_inputs(rng, (2,), n_q, n_k + 1, d + 1, d_v),
            dtypes=BOTH,
            grad=GRAD,
        ),
        Case("no batch dimension", attention_inputs(rng, (), n_q, n_k, d, d_v)),
        Case("mask (N_q, N_k) for every batch and head", heads_mask, dtypes=BOTH, grad=GRAD),
        Case("mask (B, 1, N_q, N_k) for every head", batch_mask, dtypes=BOTH, grad=GRAD),
        Case("q and k of size 1e4", huge, group="stability", dtypes=BOTH, grad=GRAD),
        _fully_masked_row(rng),
        Case(
            "a single key gives out = v",
            attention_inputs(rng, (3,), n_q, 1, d, d_v),
            group="edge cases",
            grad=GRAD,
        ),
        Case("q = 0 gives the mean of the values", zero_queries, group="edge cases", grad=GRAD),
        _permuted_copies(rng, n_q, n_k, d, d_v),
    ]


# ----------------------------------------------------------------------------------------- hints
ATTENTION = reference(MODULE, "scaled_dot_product_attention")


def _scores_scaled(factor: Callable[[int, int], float]):
    """The output when the scores are multiplied by ``factor(d, d_v)`` on top of the right 1/sqrt(d)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        q, k, v = (evidence.seen(name) for name in "qkv")
        mask = evidence.case.inputs.get("mask")
        return ATTENTION(q * factor(q.shape[-1], v.shape[-1]), k, v, mask)

    return variant


def _with_inverted_mask(evidence: Evidence) -> torch.Tensor | None:
    mask = evidence.case.inputs.get("mask")
    if evidence.key != "out" or mask is None:
        return None
    return ATTENTION(*(evidence.seen(name) for name in "qkv"), ~mask)


def _masked_rows_mean_of_values(evidence: Evidence) -> torch.Tensor | None:
    """A finite fill (-1e9) makes a fully masked row uniform: its output is the mean of v."""
    mask = evidence.case.inputs.get("mask")
    if evidence.key != "out" or mask is None:
        return None
    q, k, v = (evidence.seen(name) for name in "qkv")
    out = ATTENTION(q, k, v, mask)
    nothing = ~torch.broadcast_to(mask, (*out.shape[:-1], k.shape[-2])).any(-1, keepdim=True)
    return torch.where(nothing, v.mean(dim=-2, keepdim=True), out)


def _has_fully_masked_row(evidence: Evidence) -> bool:
    mask = evidence.case.inputs.get("mask")
    return mask is not None and not bool(mask.any(-1).all())


ATTENTION_HINTS = (
    Hint(
        "scores of order 1e8 overflow exp: subtract the row maximum before exp (torch.softmax "
        "does it for you)",
        all_of(in_group("stability"), at_stage("nonfinite")),
    ),
    Hint(
        "a query whose mask row is all False attends to nothing: its output is 0, but the softmax "
        "of an all -inf row is nan; set those rows of the weights to 0",
        all_of(_has_fully_masked_row, failed_on("out"), at_stage("nonfinite")),
    ),
    Hint(
        "the backward pass of the softmax of an all -inf row is nan, and adding a -inf bias hands "
        "that nan on to the scores: mask with masked_fill or torch.where, whose gradient is 0 "
        "where they replace the scores",
        all_of(_has_fully_masked_row, failed_on("grad:q", "grad:k"), at_stage("nonfinite")),
    ),
    Hint(
        "a query whose mask row is all False attends to nothing: its output is 0, not the mean of "
        "the values that a finite fill value (-1e9) gives",
        explained_by(_masked_rows_mean_of_values),
    ),
    Hint(
        "mask True means 'may attend' (as in F.scaled_dot_product_attention), not 'masked out' "
        "(as in nn.MultiheadAttention's attn_mask)",
        explained_by(_with_inverted_mask),
    ),
    Hint(
        "scale the scores by 1/sqrt(d), not by 1/d",
        explained_by(_scores_scaled(lambda d, d_v: d**-0.5)),
    ),
    Hint(
        "the scores are q . k / sqrt(d): the 1/sqrt(d) is missing",
        explained_by(_scores_scaled(lambda d, d_v: d**0.5)),
    ),
    Hint(
        "d in 1/sqrt(d) is the size of the queries and keys, q.shape[-1], not of the values",
        explained_by(_scores_scaled(lambda d, d_v: (d / d_v) ** 0.5 if d != d_v else 1.0)),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "scaled_dot_product_attention",
        points=3.0,
        cases=attention_cases,
        probe=function_probe("q", "k", "v"),
        groups=GROUPS,
        lesson="the scores are q . k / sqrt(d): the 1/sqrt(d) keeps them of order one whatever d, "
        "1/d makes the softmax too flat",
        forbidden=FORBIDDEN,
        forbidden_ops=FORBIDDEN_OPS,
        hints=ATTENTION_HINTS,
    ),
]
