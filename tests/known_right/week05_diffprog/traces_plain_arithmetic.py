"""The traces written out by hand in plain arithmetic, as the docstring allows."""

import math as _math

EXPECT = {"exercise": "week05_diffprog.slide_traces"}


def slide_traces(x0=1.0, x1=2.0):
    v3 = _math.sin(x1)
    primal = [x0, x1, 2 * x0, v3, x0 * v3, x1**3, 2 * x0 + x0 * v3 + x1**3]
    tangent = [1.0, 0.0, 2.0, 0.0, v3, 0.0, 2.0 + v3]
    adjoint = [2.0 + v3, 3 * x1**2 + x0 * _math.cos(x1), 1.0, x0, 1.0, 1.0, 1.0]
    return {"primal": primal, "tangent_dx0": tangent, "adjoint": adjoint}
