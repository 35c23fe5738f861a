"""The adjoint of x0 from its first use only: ``v_bar_0 = v_bar_2 * 2``, forgetting ``v_bar_4 v3``."""

EXPECT = {
    "exercise": "week05_diffprog.slide_traces",
    "check": "random point 1, float64",
    "message": r"adjoint.*hint: x0 is used twice",
    "lesson": True,
}

_all_uses = slide_traces  # noqa: F821 (the solution's function, defined above)


def slide_traces(x0=1.0, x1=2.0):
    traces = _all_uses(x0, x1)
    traces["adjoint"][0] = 2.0
    return traces
