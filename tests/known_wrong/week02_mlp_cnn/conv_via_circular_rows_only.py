"""Wraps only the rows on the torus; the column taps outside the image are dropped as zeros."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "circular: conv(roll(x)) == roll(conv(x)), float64, translation equivariance",
    "message": r"^conv\(roll\(x, s\)\) differs from roll\(conv\(x\), s\) by up to \S+ "
    r"\(\d+ of \d+ compared entries\): with circular padding and stride 1 the convolution "
    r"commutes with every shift",
    "replace": {
        '        if padding_mode == "circular":\n            in_idx = in_idx % n_in\n': (
            '        if padding_mode == "circular" and not axes:\n'
            "            in_idx = in_idx % n_in\n"
        )
    },
}
