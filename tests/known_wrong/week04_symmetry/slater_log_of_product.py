"""Takes the log of the product of the pivots: fine for a few particles, -inf or inf for 40."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "40 particles, orbitals of size 1e-9: det underflows, float64",
    "message": r"logabs: 2/2 entries are -inf where the reference is finite.*hint: sum the "
    r"logarithms",
    "lesson": True,
    "replace": {
        "    logabs = diagonal.abs().log().sum(dim=-1)\n": (
            "    logabs = diagonal.prod(dim=-1).abs().log()\n"
        )
    },
}
