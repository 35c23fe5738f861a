"""Wraps the columns modulo the height H instead of the width W (right on square images only)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "circular, stride 2: even shift (2, -4) shifts the output by (1, -2), float64, "
    "translation equivariance",
    "message": r"^conv\(roll\(x, s\)\) differs from roll\(conv\(x\), s / 2\) by up to \S+ "
    r"\(\d+ of \d+ compared entries\): with circular padding and stride 2, a shift by an even s",
    "replace": {"            in_idx = in_idx % n_in\n": "            in_idx = in_idx % in_hw[0]\n"},
}
