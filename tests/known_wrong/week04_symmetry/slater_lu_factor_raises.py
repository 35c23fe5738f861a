"""Uses torch.linalg.lu_factor, which raises where two particles coincide (M singular)."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "coincident particles, float64, |det M| is tiny",
    "message": r"raised .*hint: M is exactly singular where two particles coincide",
    "replace": {
        "    lu, pivots, _ = torch.linalg.lu_factor_ex(matrices)\n": (
            "    lu, pivots = torch.linalg.lu_factor(matrices)\n"
        )
    },
}
