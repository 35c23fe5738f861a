"""The week 6 part 3 reference (the masks of MADE) against independent oracles: the Jacobian of a
masked MLP taken by ``torch.autograd.functional.jacobian``, the paths through the masks enumerated
one by one and counted from the degrees, and a small example worked out by hand. Null masks (all
False, all True) score nothing."""

from __future__ import annotations

import itertools

import pytest
import torch

from autograder.grade import grade_exercise
from autograder.registry import exercise_by_id
from ml4p_ref import week06_generative1 as ref

pytestmark = pytest.mark.week06

NETWORKS = [  # (d, hidden): every hidden width at least d - 1
    (2, [1]),
    (2, [4, 3]),
    (3, [2]),
    (4, [3, 7]),
    (5, [4, 4, 9]),
    (7, [13]),
]


def _order(d: int, seed: int | None) -> torch.Tensor | None:
    """None (the identity order) or a seeded random permutation."""
    if seed is None:
        return None
    return torch.randperm(d, generator=torch.Generator().manual_seed(seed))


def _positions(d: int, order: torch.Tensor | None) -> list[int]:
    return list(range(d)) if order is None else [int(p) for p in order]


def masked_jacobian(masks: list[torch.Tensor], seed: int) -> torch.Tensor:
    """d out / d x of a tanh MLP ``x @ (W * mask) + b`` with N(0, 1) weights, at a random x."""
    generator = torch.Generator().manual_seed(seed)
    layers = [
        (
            torch.randn(mask.shape, generator=generator, dtype=torch.float64) * mask,
            torch.randn(mask.shape[1], generator=generator, dtype=torch.float64),
        )
        for mask in masks
    ]

    def network(x: torch.Tensor) -> torch.Tensor:
        for layer, (weight, bias) in enumerate(layers):
            x = x @ weight + bias
            if layer < len(layers) - 1:
                x = torch.tanh(x)
        return x

    x = torch.randn(masks[0].shape[0], generator=generator, dtype=torch.float64)
    return torch.autograd.functional.jacobian(network, x)


def enumerated_paths(masks: list[torch.Tensor]) -> list[list[int]]:
    """paths[i][j]: the number of chains input j -> hidden units -> output i whose every link is
    kept by its mask, counted one chain at a time."""
    d = masks[0].shape[0]
    hidden = [mask.shape[1] for mask in masks[:-1]]
    paths = [[0] * d for _ in range(d)]
    for i, j in itertools.product(range(d), repeat=2):
        for units in itertools.product(*(range(width) for width in hidden)):
            chain = [j, *units, i]
            links = zip(masks, chain[:-1], chain[1:], strict=True)
            paths[i][j] += all(bool(mask[into, out]) for mask, into, out in links)
    return paths


@pytest.mark.parametrize("seed", [None, 1, 2])
@pytest.mark.parametrize(("d", "hidden"), NETWORKS)
def test_masked_network_jacobian_is_strictly_triangular_in_the_order(d, hidden, seed):
    order = _order(d, seed)
    positions = torch.tensor(_positions(d, order))
    masks = ref.made_masks(d, hidden, order)
    jacobian = masked_jacobian(masks, seed=d + len(hidden))
    earlier = positions[None, :] < positions[:, None]  # [i, j]: order[j] < order[i]
    assert bool((jacobian[~earlier] == 0).all())
    assert bool((jacobian[earlier].abs() > 1e-8).all())


@pytest.mark.parametrize("seed", [None, 3])
@pytest.mark.parametrize(("d", "hidden"), [(3, [2]), (4, [3, 5]), (5, [6]), (4, [3, 3, 4])])
def test_paths_through_the_masks_match_the_degrees(d, hidden, seed):
    """Enumerated chains equal the product of the masks, and for one hidden layer the number of
    hidden units whose degree m satisfies order[j] + 1 <= m < order[i] + 1."""
    order = _order(d, seed)
    positions = _positions(d, order)
    masks = ref.made_masks(d, hidden, order)
    paths = enumerated_paths(masks)
    product = masks[0].long()
    for mask in masks[1:]:
        product = product @ mask.long()
    assert product.T.tolist() == paths  # product[j, i]: paths from input j to output i
    for i, j in itertools.product(range(d), repeat=2):
        assert (paths[i][j] > 0) == (positions[j] < positions[i])
    if len(hidden) == 1:
        degrees = [k % (d - 1) + 1 for k in range(hidden[0])]
        for i, j in itertools.product(range(d), repeat=2):
            between = sum(positions[j] + 1 <= m < positions[i] + 1 for m in degrees)
            assert paths[i][j] == between


def test_small_example_worked_by_hand():
    """d = 3, hidden [2], identity order: hidden degrees 1, 2; input j has degree j + 1."""
    masks = ref.made_masks(3, [2], None)
    assert [mask.int().tolist() for mask in masks] == [
        [[1, 1], [0, 1], [0, 0]],
        [[0, 1, 1], [0, 0, 1]],
    ]
    assert enumerated_paths(masks) == [[0, 0, 0], [1, 0, 0], [2, 1, 0]]


def test_without_hidden_layer_the_mask_is_the_strict_order():
    order = _order(6, 4)
    (mask,) = ref.made_masks(6, [], order)
    assert torch.equal(mask, order[:, None] < order[None, :])  # [j, i]: order[j] < order[i]
    permutation = torch.argsort(order)  # inputs listed in their order
    assert torch.equal(mask[permutation][:, permutation], torch.ones(6, 6).triu(1).bool())


def test_narrow_hidden_layers_stay_autoregressive_and_lose_dependencies():
    order = _order(5, 5)
    masks = ref.made_masks(5, [2, 3], order)
    jacobian = masked_jacobian(masks, seed=7)
    earlier = order[None, :] < order[:, None]
    assert bool((jacobian[~earlier] == 0).all())
    assert int((jacobian[earlier] == 0).sum()) > 0


def test_masks_are_bool_in_the_layout_of_w_and_none_is_the_identity():
    order = _order(4, 6)
    kept = order.clone()
    masks = ref.made_masks(4, [5, 3], order)
    assert [tuple(mask.shape) for mask in masks] == [(4, 5), (5, 3), (3, 4)]
    assert all(mask.dtype == torch.bool for mask in masks)
    assert torch.equal(order, kept)
    identity = ref.made_masks(4, [5, 3], torch.arange(4))
    assert all(map(torch.equal, ref.made_masks(4, [5, 3], None), identity))


@pytest.mark.parametrize("fill", ["zeros", "ones"])
def test_all_false_and_all_true_masks_score_zero(fill, tmp_path):
    (tmp_path / "week06_generative1.py").write_text(
        "import torch\n\n\n"
        "def made_masks(d, hidden, order=None):\n"
        "    sizes = [d, *hidden, d]\n"
        f"    return [torch.{fill}(a, b, dtype=torch.bool) for a, b in zip(sizes, sizes[1:])]\n"
    )
    result = grade_exercise(exercise_by_id("week06_generative1.made_masks"), tmp_path)
    assert result.score == 0
