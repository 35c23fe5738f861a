"""Tangents seeded along x1 instead of x0."""

EXPECT = {
    "exercise": "week05_diffprog.slide_traces",
    "check": "(x0, x1) = (1, 2), float64, the slide's table",
    "message": r"tangent_dx0\[\d\] \(v\d\) is [-\d.]+, the slide's table says [-\d.]+",
    "replace": {
        "    v = [Dual(x0, 1.0), Dual(x1, 0.0)]\n": "    v = [Dual(x0, 0.0), Dual(x1, 1.0)]\n"
    },
}
