"""Applies g to each coordinate's squared difference and adds them: invariant under translations,
not under rotations, so the forces exert a net torque."""

EXPECT = {
    "exercise": "week04_symmetry.invariant_energy",
    "check": "rotated, reflected, translated, permuted copies, float64, angular momentum conserved",
    "message": r"total torque sum_i x_i x F_i .* not 0 .*angular momentum conservation",
}


def invariant_energy(x, pair_mlp):
    import torch

    n = x.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=x.device)
    squared_differences = (x[:, i] - x[:, j]).square()
    return pair_mlp(squared_differences[..., None])[..., 0].sum(dim=(-2, -1))
