"""The adjoints listed in the order the backward sweep visits them (v_bar_6 first)."""

EXPECT = {
    "exercise": "week05_diffprog.slide_traces",
    "check": "random point 2, float64",
    "message": r"adjoint: .*differ",
    "replace": {
        '        "adjoint": [node.grad for node in n],\n': (
            '        "adjoint": [node.grad for node in reversed(n)],\n'
        )
    },
}
