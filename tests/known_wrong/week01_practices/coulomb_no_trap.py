"""Forgets the confinement: only the Coulomb repulsion."""

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "random 2-D configurations, float32",
    "message": r"entries differ from the reference.*hint: the trap term sum_i \|x_i\|\^2 is missing",
    "replace": {
        "    return (1 / distances).sum(dim=-1) + x.square().sum(dim=(-2, -1))": (
            "    return (1 / distances).sum(dim=-1)"
        )
    },
}
