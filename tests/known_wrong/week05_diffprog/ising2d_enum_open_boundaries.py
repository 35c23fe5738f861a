"""Couples neighbours inside the square only: the wrap-around bonds of the torus are missing."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_enumerate",
    "check": "3 x 3 torus, float64",
    "message": r"differ.*hint: the bonds are periodic",
    "replace": {
        "    bonds = (spins * (spins.roll(1, dims=1) + spins.roll(1, dims=2))).sum(dim=(1, 2))\n": (
            "    bonds = (spins[:, 1:] * spins[:, :-1]).sum(dim=(1, 2))\n"
            "    bonds = bonds + (spins[:, :, 1:] * spins[:, :, :-1]).sum(dim=(1, 2))\n"
        )
    },
}
