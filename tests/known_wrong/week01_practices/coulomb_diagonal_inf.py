"""Halves the full matrix sum but keeps the diagonal: 1/0 = inf."""

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "random 3-D configurations, float32",
    "message": r"entries are \+inf where the reference is finite.*hint: the diagonal i = j",
}


def coulomb_energy(x):
    distances = (x[:, :, None] - x[:, None, :]).norm(dim=-1)
    return 0.5 * (1 / distances).sum(dim=(1, 2)) + x.square().sum(dim=(1, 2))
