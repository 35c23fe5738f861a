"""Builds the states with torch.cartesian_prod and the bonds from index lists, as the docstring
allows (any torch operation)."""

EXPECT = {"exercise": "week05_diffprog.ising2d_lnZ_enumerate"}


def ising2d_lnZ_enumerate(beta, L, J=1.0, h=0.0):
    values = torch.tensor([1.0, -1.0], dtype=beta.dtype, device=beta.device)  # noqa: F821
    spins = torch.cartesian_prod(*[values] * (L * L)).reshape(-1, L, L)  # noqa: F821
    index = torch.arange(L, device=beta.device)  # noqa: F821
    following = (index + 1) % L
    bonds = (spins * spins[:, following] + spins * spins[:, :, following]).sum(dim=(1, 2))
    energy = -J * bonds - h * spins.sum(dim=(1, 2))
    return torch.logsumexp(-beta * energy, dim=0)  # noqa: F821
