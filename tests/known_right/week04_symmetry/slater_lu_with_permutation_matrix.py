"""Uses torch.linalg.lu (the docstring allows it) and the parity of the permutation matrix P,
counted as inversions."""

EXPECT = {"exercise": "week04_symmetry.slater_logdet"}


def slater_logdet(orbital_fn, x):
    import torch

    permutation_matrix, _, upper = torch.linalg.lu(orbital_fn(x))
    diagonal = upper.diagonal(dim1=-2, dim2=-1)
    order = permutation_matrix.argmax(dim=-1)
    n = order.shape[-1]
    i, j = torch.triu_indices(n, n, offset=1, device=x.device)
    inversions = (order[..., i] > order[..., j]).sum(dim=-1)
    sign = (1 - 2 * (inversions % 2)).to(x.dtype) * torch.sign(diagonal).prod(dim=-1)
    return sign, diagonal.abs().log().sum(dim=-1)
