"""Reflected operators that forget the operands are swapped: ``2 - x`` computed as ``x - 2``."""

EXPECT = {
    "exercise": "week05_diffprog.Dual",
    "check": "(2.0 - x0), float64",
    "message": r"value.*hint: a constant on the left is a dual number with tangent 0",
    "lesson": True,
    "replace": {
        "        return Dual(other) - self\n": "        return self - other\n",
        "        return Dual(other) / self\n": "        return self / other\n",
    },
}
