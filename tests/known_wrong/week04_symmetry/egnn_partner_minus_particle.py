"""Takes the differences x_j - x_i: the particles move the wrong way."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "5 particles in 3-D, float64",
    "message": r"x_new: .*entries differ from the reference.*hint: the displacement is "
    r"\(x_i - x_j\)",
    "replace": {
        "    differences = x[..., :, None, :] - x[..., None, :, :]": (
            "    differences = x[..., None, :, :] - x[..., :, None, :]"
        )
    },
}
