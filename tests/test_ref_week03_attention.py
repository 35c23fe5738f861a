"""The week 3 attention references against independent oracles: the formula written out with
``exp`` in 50-digit arithmetic, closed forms (one key, zero queries, a fully masked row),
``torch.nn.MultiheadAttention`` with mapped weights, the Jacobian of a causal layer."""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import torch

from ml4p_ref import week03_gnn_transformer as ref

pytestmark = pytest.mark.week03
mpmath.mp.dps = 50


def draw(generator: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return scale * torch.randn(shape, generator=generator, dtype=torch.float64)


def exact_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask=None) -> torch.Tensor:
    """softmax(q k^T / sqrt(d)) v of 2-D tensors, term by term in 50-digit arithmetic; a row that
    may attend to no key is 0 (the course's convention)."""
    d = q.shape[-1]
    rows = []
    for i, query in enumerate(q.tolist()):
        allowed = [j for j in range(k.shape[0]) if mask is None or bool(mask[i, j])]
        scores = {
            j: mpmath.fsum(
                mpmath.mpf(a) * mpmath.mpf(b) for a, b in zip(query, k[j].tolist(), strict=True)
            )
            / mpmath.sqrt(d)
            for j in allowed
        }
        top = max(scores.values(), default=0)
        weights = {j: mpmath.exp(s - top) for j, s in scores.items()}
        total = mpmath.fsum(weights.values())
        rows.append(
            [
                float(mpmath.fsum(weights[j] * mpmath.mpf(v[j, c].item()) for j in allowed) / total)
                if allowed
                else 0.0
                for c in range(v.shape[1])
            ]
        )
    return torch.tensor(rows, dtype=torch.float64)


# ----------------------------------------------------------------------------------------- attention
def test_attention_reference_matches_exact_arithmetic_with_and_without_a_mask():
    generator = torch.Generator().manual_seed(3)
    q, k, v = draw(generator, 4, 3), draw(generator, 6, 3), draw(generator, 6, 2)
    mask = torch.rand(4, 6, generator=generator) < 0.5
    mask[:, 0] = True
    mask[2] = False
    for m in (None, mask):
        torch.testing.assert_close(
            ref.scaled_dot_product_attention(q, k, v, m),
            exact_attention(q, k, v, m),
            rtol=1e-13,
            atol=1e-15,
        )


def test_attention_reference_broadcasts_the_mask_over_batch_and_heads():
    generator = torch.Generator().manual_seed(4)
    q, k, v = draw(generator, 2, 3, 4, 5), draw(generator, 2, 3, 6, 5), draw(generator, 2, 3, 6, 2)
    mask = torch.rand(2, 1, 4, 6, generator=generator) < 0.6
    out = ref.scaled_dot_product_attention(q, k, v, mask)
    for b, h in itertools.product(range(2), range(3)):
        expected = exact_attention(q[b, h], k[b, h], v[b, h], mask[b, 0])
        torch.testing.assert_close(out[b, h], expected, rtol=1e-13, atol=1e-15)


def test_a_fully_masked_row_gives_zeros_and_finite_gradients():
    generator = torch.Generator().manual_seed(5)
    q, k, v = (draw(generator, 2, 3, 4).requires_grad_(True) for _ in range(3))
    mask = torch.ones(3, 3, dtype=torch.bool)
    mask[1] = False
    out = ref.scaled_dot_product_attention(q, k, v, mask)
    assert torch.equal(out[:, 1], torch.zeros(2, 4, dtype=torch.float64))
    grads = torch.autograd.grad(out.square().sum(), (q, k, v))
    assert all(bool(g.isfinite().all()) for g in grads)
    assert torch.equal(grads[0][:, 1], torch.zeros(2, 4, dtype=torch.float64))


def test_single_key_gives_v_and_zero_queries_give_the_mean_of_v():
    generator = torch.Generator().manual_seed(6)
    q, v = draw(generator, 2, 4, 3), draw(generator, 2, 1, 5)
    out = ref.scaled_dot_product_attention(q, draw(generator, 2, 1, 3), v)
    torch.testing.assert_close(out, v.expand(2, 4, 5), rtol=0, atol=0)
    k, v = draw(generator, 2, 6, 3), draw(generator, 2, 6, 5)
    out = ref.scaled_dot_product_attention(torch.zeros(2, 4, 3, dtype=torch.float64), k, v)
    torch.testing.assert_close(out, v.mean(1, keepdim=True).expand(2, 4, 5), rtol=1e-14, atol=1e-15)


def test_scaling_is_one_over_sqrt_d():
    """Two keys with score gap g give weights sigmoid(g / sqrt(d)) for the first key."""
    d = 4
    q = torch.zeros(1, d, dtype=torch.float64)
    q[0, 0] = 1.0
    k = torch.zeros(2, d, dtype=torch.float64)
    k[0, 0] = 3.0
    v = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    out = ref.scaled_dot_product_attention(q, k, v)
    assert out.item() == pytest.approx(1 / (1 + math.exp(-3 / math.sqrt(d))), rel=1e-14)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_queries_and_keys_of_size_1e4_select_the_best_key(dtype):
    generator = torch.Generator().manual_seed(7)
    q, k, v = (
        draw(generator, 2, 3, 4, scale=1e4),
        draw(generator, 2, 5, 4, scale=1e4),
        draw(generator, 2, 5, 2),
    )
    q, k, v = q.to(dtype), k.to(dtype), v.to(dtype)
    out = ref.scaled_dot_product_attention(q, k, v)
    best = (q.double() @ k.double().mT).argmax(-1)
    assert bool(out.isfinite().all())
    torch.testing.assert_close(
        out, torch.gather(v, 1, best[..., None].expand(-1, -1, 2)), rtol=0, atol=0
    )


def test_attention_is_query_equivariant_and_key_value_invariant():
    generator = torch.Generator().manual_seed(8)
    q, k, v = draw(generator, 5, 3), draw(generator, 6, 3), draw(generator, 6, 2)
    queries, keys = torch.randperm(5, generator=generator), torch.randperm(6, generator=generator)
    out = ref.scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(
        ref.scaled_dot_product_attention(q[queries], k, v), out[queries], rtol=1e-14, atol=1e-15
    )
    torch.testing.assert_close(
        ref.scaled_dot_product_attention(q, k[keys], v[keys]), out, rtol=1e-14, atol=1e-15
    )


# ----------------------------------------------------------------------------------------- multi-head
def torch_layer(W_q, W_k, W_v, W_o) -> torch.nn.MultiheadAttention:
    """``nn.MultiheadAttention(F, h, bias=False, batch_first=True)`` holding the given weights
    (curriculum 3.4): in_proj_weight = cat of W.permute(1, 0, 2).reshape(F, h*d).T, out_proj = W_o^T."""
    h, f, d = W_q.shape
    layer = torch.nn.MultiheadAttention(f, h, bias=False, batch_first=True).double()
    with torch.no_grad():
        layer.in_proj_weight.copy_(
            torch.cat([W.permute(1, 0, 2).reshape(f, h * d).T for W in (W_q, W_k, W_v)])
        )
        layer.out_proj.weight.copy_(W_o.T)
    return layer


def projections(generator, h: int, f: int, d: int, d_v: int, d_out: int):
    return (
        draw(generator, h, f, d),
        draw(generator, h, f, d),
        draw(generator, h, f, d_v),
        draw(generator, h * d_v, d_out),
    )


@pytest.mark.parametrize("masked", ["none", "causal", "per batch element"])
def test_mha_reference_matches_torch_multihead_attention(masked):
    generator = torch.Generator().manual_seed(9)
    b, n, m, f, h = 2, 4, 5, 6, 3
    weights = projections(generator, h, f, f // h, f // h, f)
    x_q, x_kv = draw(generator, b, n, f), draw(generator, b, m, f)
    mask, attn_mask = None, None
    if masked == "causal":
        mask = torch.ones(n, m, dtype=torch.bool).tril()
        attn_mask = ~mask
    elif masked == "per batch element":
        mask = torch.rand(b, n, m, generator=generator) < 0.6
        mask[..., 0] = True
        attn_mask = (~mask).repeat_interleave(h, dim=0)  # (B * h, N, M), batch-major
    expected = torch_layer(*weights)(x_q, x_kv, x_kv, attn_mask=attn_mask, need_weights=False)[0]
    torch.testing.assert_close(
        ref.multi_head_attention(x_q, x_kv, *weights, mask), expected, rtol=1e-12, atol=1e-13
    )


def test_one_head_is_attention_of_the_projections():
    generator = torch.Generator().manual_seed(10)
    W_q, W_k, W_v, W_o = projections(generator, 1, 5, 3, 2, 4)
    x_q, x_kv = draw(generator, 2, 3, 5), draw(generator, 2, 4, 5)
    expected = ref.scaled_dot_product_attention(x_q @ W_q[0], x_kv @ W_k[0], x_kv @ W_v[0]) @ W_o
    torch.testing.assert_close(
        ref.multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o), expected, rtol=1e-14, atol=1e-15
    )


def test_heads_are_concatenated_in_head_order():
    """Zeroing W_o outside the rows of head i leaves head i alone: attention of its projections."""
    generator = torch.Generator().manual_seed(11)
    W_q, W_k, W_v, W_o = projections(generator, 3, 5, 2, 4, 3)
    x_q, x_kv = draw(generator, 2, 3, 5), draw(generator, 2, 4, 5)
    for i in range(3):
        only_i = torch.zeros_like(W_o)
        only_i[4 * i : 4 * (i + 1)] = W_o[4 * i : 4 * (i + 1)]
        head = ref.scaled_dot_product_attention(x_q @ W_q[i], x_kv @ W_k[i], x_kv @ W_v[i])
        torch.testing.assert_close(
            ref.multi_head_attention(x_q, x_kv, W_q, W_k, W_v, only_i),
            head @ W_o[4 * i : 4 * (i + 1)],
            rtol=1e-13,
            atol=1e-14,
        )


def test_self_attention_is_permutation_equivariant():
    generator = torch.Generator().manual_seed(12)
    weights = projections(generator, 2, 6, 3, 3, 6)
    x = draw(generator, 2, 5, 6)
    order = torch.randperm(5, generator=generator)
    out = ref.multi_head_attention(x, x, *weights)
    permuted = ref.multi_head_attention(x[:, order], x[:, order], *weights)
    torch.testing.assert_close(permuted, out[:, order], rtol=1e-13, atol=1e-14)


def test_causal_self_attention_has_a_lower_triangular_jacobian():
    generator = torch.Generator().manual_seed(13)
    weights = projections(generator, 2, 4, 2, 2, 3)
    n = 5
    mask = torch.ones(n, n, dtype=torch.bool).tril()
    x = draw(generator, 1, n, 4)
    jacobian = torch.autograd.functional.jacobian(
        lambda tokens: ref.multi_head_attention(tokens, tokens, *weights, mask), x
    )  # (1, n, d_out, 1, n, F)
    size = jacobian.abs().amax(dim=(0, 2, 3, 5))  # (output i, token j)
    later = torch.ones(n, n, dtype=torch.bool).triu(1)
    assert bool((size[later] == 0).all())
    assert bool((size[~later] > 0).all())


# ----------------------------------------------------------------------------------------- positions
@pytest.mark.parametrize("n, d", [(6, 8), (9, 5), (1, 4), (40, 2)])
def test_positions_reference_is_the_formula_term_by_term(n, d):
    expected = [
        [
            (math.sin if column % 2 == 0 else math.cos)(pos / 10000 ** (2 * (column // 2) / d))
            for column in range(d)
        ]
        for pos in range(n)
    ]
    out = ref.sinusoidal_positions(n, d, dtype=torch.float64)
    torch.testing.assert_close(out, torch.tensor(expected, dtype=torch.float64), rtol=0, atol=1e-15)


def test_positions_row_zero_and_dtype():
    assert ref.sinusoidal_positions(1, 5).tolist() == [[0.0, 1.0, 0.0, 1.0, 0.0]]
    assert ref.sinusoidal_positions(3, 4).dtype == torch.float32
    assert ref.sinusoidal_positions(3, 4, dtype=torch.float64).dtype == torch.float64


def test_moving_k_positions_on_rotates_every_pair_by_k_times_its_frequency():
    n, d, k = 12, 8, 3
    out = ref.sinusoidal_positions(n, d, dtype=torch.float64)
    for i in range(d // 2):
        angle = k / 10000 ** (2 * i / d)
        rotation = torch.tensor(
            [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]],
            dtype=torch.float64,
        )
        pair = out[:, 2 * i : 2 * i + 2]  # rows (sin, cos) of pos * w_i
        torch.testing.assert_close(pair[:-k] @ rotation, pair[k:], rtol=0, atol=1e-14)


def test_adding_positions_breaks_the_permutation_equivariance_of_self_attention():
    generator = torch.Generator().manual_seed(14)
    weights = projections(generator, 2, 6, 3, 3, 6)
    n = 5
    x = draw(generator, 1, n, 6)
    order = torch.tensor([1, 0, 2, 3, 4])
    encoding = ref.sinusoidal_positions(n, 6, dtype=torch.float64)

    def attend(tokens):
        return ref.multi_head_attention(tokens, tokens, *weights)

    torch.testing.assert_close(attend(x[:, order]), attend(x)[:, order], rtol=1e-13, atol=1e-14)
    gap = (attend(x[:, order] + encoding) - attend(x + encoding)[:, order]).abs().max()
    assert gap.item() > 1e-3
    distances = torch.cdist(encoding, encoding) + torch.eye(n, dtype=torch.float64)
    assert distances.min().item() > 0.1  # every two positions told apart
