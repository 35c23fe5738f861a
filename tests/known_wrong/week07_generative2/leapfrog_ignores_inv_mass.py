"""Drifts with unit mass whatever inv_mass says."""

EXPECT = {
    "exercise": "week07_generative2.leapfrog_step",
    "check": "anharmonic V, inv_mass per coordinate, float64",
    "message": r"q_new: .*hint: the drift is q' = q \+ dt \* inv_mass \* p_half",
    "replace": {"    q_new = q + dt * inv_mass * p_half\n": "    q_new = q + dt * p_half\n"},
}
