"""Normalizes by the eigenvalue of largest magnitude found with abs().max() and keeps the sign of
each ratio; the shift of the exponent stays in the graph (not detached)."""

EXPECT = {"exercise": "week05_diffprog.ising2d_lnZ_transfer"}


def ising2d_lnZ_transfer(beta, Lx, Ly, J=1.0, h=0.0):
    codes = torch.arange(2**Ly, device=beta.device)  # noqa: F821
    bits = (codes[:, None] >> torch.arange(Ly, device=beta.device)) & 1  # noqa: F821
    columns = (1 - 2 * bits).to(beta.dtype)
    own = beta * J * (columns * columns.roll(-1, dims=1)).sum(dim=1) + beta * h * columns.sum(1)
    exponent = 0.5 * (own[:, None] + own[None, :]) + beta * J * columns @ columns.T
    shift = exponent.max()
    eigenvalues = torch.linalg.eigvalsh(torch.exp(exponent - shift))  # noqa: F821
    largest = eigenvalues.abs().max()
    return Lx * (shift + torch.log(largest)) + torch.log(((eigenvalues / largest) ** Lx).sum())  # noqa: F821
