"""Clamps |U_ii| away from 0 before the log: coincident particles no longer give det M = 0."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "coincident particles, float64, |det M| is tiny",
    "message": r"particles 0 and 1 coincide, so det M = 0 up to round-off.*do not clamp",
    "replace": {
        "    logabs = diagonal.abs().log().sum(dim=-1)\n": (
            "    logabs = diagonal.abs().clamp(min=1e-6).log().sum(dim=-1)\n"
        )
    },
}
