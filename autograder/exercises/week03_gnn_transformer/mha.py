"""Week 3 checks of ``multi_head_attention``: self- and cross-attention with several heads of
different sizes, one head, masks for the whole batch and per batch element, a fully masked query, a
single key; the permutation equivariance of self-attention and the causality of the causal mask,
d out_i / d x_j = 0 for j > i, seen through one vector-Jacobian product per output position.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week03_gnn_transformer.sdpa import (
    FORBIDDEN,
    FORBIDDEN_OPS,
    MODULE,
    copies_agree,
    random_mask,
    shuffle,
)
from autograder.hints import Evidence, Hint, explained_by, reference
from autograder.plain import DETACHED
from autograder.probe import ProbeContext, call_function, is_tensor, vjp

GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "properties": 2.0}
ARGS = ("x_q", "x_kv", "W_q", "W_k", "W_v", "W_o")
GRAD = ARGS
BY_QUERY = "one vjp per query"  # a flag of the causal case, not an argument
SUFFIX = " by query"  # grad:x_kv by query: the vjps of each output position, stacked


def mha_inputs(
    rng: CaseRng, b: int, n: int, m: int, f: int, h: int, d: int, d_v: int, d_out: int
) -> dict[str, torch.Tensor]:
    """Tokens ``x_q (b, n, f)``, ``x_kv (b, m, f)`` and the projections of h heads."""
    return {
        "x_q": rng.normal(b, n, f),
        "x_kv": rng.normal(b, m, f),
        "W_q": rng.normal(h, f, d, scale=f**-0.5),
        "W_k": rng.normal(h, f, d, scale=f**-0.5),
        "W_v": rng.normal(h, f, d_v, scale=f**-0.5),
        "W_o": rng.normal(h * d_v, d_out, scale=(h * d_v) ** -0.5),
    }


def self_attention_inputs(rng: CaseRng, b: int, n: int, f: int, h: int) -> dict[str, torch.Tensor]:
    """Self-attention with d = d_v = f / h: x_kv holds the values of x_q (a tensor of its own)."""
    inputs = mha_inputs(rng, b, n, n, f, h, f // h, f // h, f)
    inputs["x_kv"] = inputs["x_q"].clone()
    return inputs


# ----------------------------------------------------------------------------------------- probe
def mha_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o[, mask=mask])``; with the causal flag,
    one vjp per output position instead of one for the whole output."""
    if not inputs.get(BY_QUERY, False):
        return call_function(impl, inputs, ctx, ARGS)
    wrt = {name: inputs[name].requires_grad_(True) for name in ctx.grad}
    keywords = {"mask": inputs["mask"]} if "mask" in inputs else {}
    out = ctx.call(impl, *(inputs[name] for name in ARGS), **keywords)
    observations = {"out": out}
    if is_tensor(out) and out.dim() == 3:
        observations.update(_vjps_by_query(out, wrt, ctx))
    return observations


def _vjps_by_query(
    out: torch.Tensor, wrt: dict[str, torch.Tensor], ctx: ProbeContext
) -> dict[str, Any]:
    """``grad:<name> by query``: the vjps of ``out[:, i]`` for every position i, stacked on a new
    first axis; DETACHED (or None) as ``vjp`` gives them when there is nothing to stack."""
    rows = [vjp(out[:, i], wrt, ctx, salt=f"query {i}") for i in range(out.shape[1])]
    stacked = {}
    for key in (f"grad:{name}" for name in wrt):
        values = [row.get(key) for row in rows]
        if all(is_tensor(value) for value in values):
            stacked[key + SUFFIX] = torch.stack(values)
        else:
            stacked[key + SUFFIX] = DETACHED if DETACHED in values else None
    return stacked


# ----------------------------------------------------------------------------------------- properties
def _output_shape(case: Case) -> tuple[int, ...]:
    return (*case.inputs["x_q"].shape[:2], case.inputs["W_o"].shape[1])


def _causal(observed: Mapping, case: Case) -> str | None:
    """Output i does not depend on the tokens j > i, through x_q or x_kv."""
    tolerance = case.tolerance_of()
    for name in ("x_q", "x_kv"):
        tokens = case.inputs[name]
        rows = observed_array(observed, f"grad:{name}{SUFFIX}", (tokens.shape[1], *tokens.shape))
        size = rows.abs().amax(dim=(1, 3))  # (output position i, token j)
        later = torch.ones_like(size, dtype=torch.bool).triu(1)
        leak = later & ~(size <= tolerance.atol * max(float(rows.abs().max()), 1.0))
        if bool(leak.any()):
            i, j = (int(index) for index in leak.nonzero()[0])
            return (
                f"with the causal mask, output {i} must not depend on the later token {j} of "
                f"{name}; yours does (|d out_{i} / d {name}_{j}| up to {float(size[i, j]):.3g})"
            )
    return None


def _permuted_tokens(rng: CaseRng, n: int, f: int, h: int) -> Case:
    """Two copies in the batch: the tokens, and the same tokens permuted."""
    inputs = self_attention_inputs(rng, 1, n, f, h)
    order = shuffle(rng, n)
    for name in ("x_q", "x_kv"):
        inputs[name] = torch.cat([inputs[name], inputs[name][:, order]])
    equivariance = copies_agree(
        "self-attention: permuting the tokens must permute the outputs the same way",
        1,
        _output_shape,
        order,
    )
    return Case(
        "permuted tokens",
        inputs,
        group="properties",
        dtypes=BOTH,
        properties=(Property("permutation equivariance", equivariance),),
    )


def _causal_case(rng: CaseRng, n: int, f: int, h: int) -> Case:
    inputs = self_attention_inputs(rng, 2, n, f, h)
    inputs["mask"] = torch.ones(n, n, dtype=torch.bool).tril()
    inputs[BY_QUERY] = True
    return Case(
        "causal mask tril(ones(N, N))",
        inputs,
        group="properties",
        dtypes=BOTH,
        grad=("x_q", "x_kv"),
        properties=(Property("d out_i / d x_j = 0 for j > i", _causal),),
    )


def mha_cases(rng: CaseRng) -> list[Case]:
    n, m, f = rng.choice(3, 5), rng.choice(3, 5), rng.choice(4, 6)
    per_batch = mha_inputs(rng, 2, n, m, f, 2, 3, 2, 3)  # B = h: a mask without a head axis
    per_batch["mask"] = random_mask(rng, 2, n, m)  # would pair batch b with head b
    masked_query = mha_inputs(rng, 2, n, m, f, 2, 2, 3, 4)
    masked_query["mask"] = random_mask(rng, n, m)
    masked_query["mask"][1] = False
    # the weights' gradients pass through the softmax Jacobian, p * (g - sum p g), which cancels
    with_gradients = {"dtypes": BOTH, "grad": GRAD, "tolerance": "derivative"}
    return [
        Case("self-attention, 2 heads", self_attention_inputs(rng, 2, 4, 6, 2), **with_gradients),
        Case(
            "cross-attention, 3 heads, d != d_v, d_out != F",
            mha_inputs(rng, 2, n, m, f, 3, 2, 4, 3),
            **with_gradients,
        ),
        Case("one head", mha_inputs(rng, 2, n, m, f, 1, 3, 2, 4), **with_gradients),
        Case("mask (B, N, M), B = h = 2", per_batch, **with_gradients),
        Case("a fully masked query gives zeros before W_o", masked_query, group="edge cases"),
        Case("a single key", mha_inputs(rng, 2, n, 1, f, 2, 3, 3, f), group="edge cases"),
        _permuted_tokens(rng, n, f, 2),
        _causal_case(rng, n + 1, f, 2),
    ]


# ----------------------------------------------------------------------------------------- hints
ATTENTION = reference(MODULE, "scaled_dot_product_attention")


def _heads(evidence: Evidence, q_factor: float = 1.0, per_head_mask: bool = False) -> torch.Tensor:
    """Every head's attention output, ``(B, h, N, d_v)``, with the queries scaled by ``q_factor``;
    ``per_head_mask``: a (B, N, M) mask broadcast against (B, h, N, M) without a head axis."""
    x_q, x_kv = evidence.seen("x_q"), evidence.seen("x_kv")
    W_q, W_k, W_v = (evidence.seen(name) for name in ("W_q", "W_k", "W_v"))
    mask = evidence.case.inputs.get("mask")
    if mask is not None and not per_head_mask:
        mask = mask.unsqueeze(-3)
    q = torch.einsum("bnf,hfd->bhnd", x_q, W_q) * q_factor
    k = torch.einsum("bmf,hfd->bhmd", x_kv, W_k)
    v = torch.einsum("bmf,hfd->bhmd", x_kv, W_v)
    return ATTENTION(q, k, v, mask)


def _merged(merge: Callable[[torch.Tensor], torch.Tensor], **options: Any):
    """The output when the heads are merged by ``merge((B, h, N, d_v)) -> (B, N, h * d_v)``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        heads = _heads(evidence, **options)
        return merge(heads) @ evidence.seen("W_o")

    return variant


def _in_order(heads: torch.Tensor) -> torch.Tensor:
    b, h, n, d_v = heads.shape
    return heads.transpose(1, 2).reshape(b, n, h * d_v)


def _without_transpose(heads: torch.Tensor) -> torch.Tensor:
    b, h, n, d_v = heads.shape
    return heads.reshape(b, n, h * d_v)


def _features_first(heads: torch.Tensor) -> torch.Tensor:
    b, h, n, d_v = heads.shape
    return heads.permute(0, 2, 3, 1).reshape(b, n, h * d_v)


def _scaled_by_model_size(evidence: Evidence) -> torch.Tensor | None:
    d, f = evidence.case.inputs["W_q"].shape[-1], evidence.case.inputs["W_q"].shape[1]
    if evidence.key != "out" or d == f:
        return None
    return _merged(_in_order, q_factor=math.sqrt(d / f))(evidence)


def _mask_without_head_axis(evidence: Evidence) -> torch.Tensor | None:
    mask = evidence.case.inputs.get("mask")
    if mask is None or mask.dim() != 3:
        return None
    return _merged(_in_order, per_head_mask=True)(evidence)


MHA_HINTS = (
    Hint(
        "merge the heads as (B, h, N, d_v) -> (B, N, h, d_v) -> (B, N, h * d_v): a reshape "
        "without the transpose mixes the heads with the token positions",
        explained_by(_merged(_without_transpose)),
    ),
    Hint(
        "concatenate the heads in head order, each head's d_v features together: features "
        "i*d_v ... (i+1)*d_v - 1 are head i",
        explained_by(_merged(_features_first)),
    ),
    Hint(
        "scale by 1/sqrt(d), d = W_q.shape[-1] the size of one head's queries, not by the size F "
        "of the tokens",
        explained_by(_scaled_by_model_size),
    ),
    Hint(
        "a (B, N, M) mask needs a head axis, mask.unsqueeze(-3), before it meets the "
        "(B, h, N, M) scores: else batch element b is masked like head b",
        explained_by(_mask_without_head_axis),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "multi_head_attention",
        points=3.0,
        cases=mha_cases,
        probe=mha_probe,
        groups=GROUPS,
        lesson="merge the heads in head order, (B, h, N, d_v) -> (B, N, h, d_v) -> (B, N, h*d_v): "
        "a reshape without the transpose mixes heads and token positions",
        forbidden=FORBIDDEN,
        forbidden_ops=FORBIDDEN_OPS,
        hints=MHA_HINTS,
    ),
]
