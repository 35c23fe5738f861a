"""Collects the bonds as a set of unordered site pairs, so that on a side of length 2 each bond
counts once instead of twice (torch.roll, and the exercise's energy, count it twice)."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_enumerate",
    "check": "2 x 2 torus in a field, float64",
    "message": r"differ.*hint: on a side of length 2 .* every bond is counted twice",
    "lesson": True,
}


def ising2d_lnZ_enumerate(beta, L, J=1.0, h=0.0):
    sites = L * L
    pairs = set()
    for x in range(L):
        for y in range(L):
            site = x * L + y
            for other in (((x + 1) % L) * L + y, x * L + (y + 1) % L):
                if other != site:
                    pairs.add((min(site, other), max(site, other)))
    first, second = (torch.tensor(side, device=beta.device) for side in zip(*pairs, strict=True))  # noqa: F821
    codes = torch.arange(2**sites, device=beta.device)  # noqa: F821
    bits = (codes[:, None] >> torch.arange(sites, device=beta.device)) & 1  # noqa: F821
    spins = (1 - 2 * bits).to(beta.dtype)
    bonds = (spins[:, first] * spins[:, second]).sum(dim=1)
    return torch.logsumexp(beta * (J * bonds + h * spins.sum(dim=1)), dim=0)  # noqa: F821
