"""Flattens the input channel-last: column (r*W + c)*C_in + nu."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: the columns are channel-last",
    "replace": {
        "    cols = (nu * height + r[:, None]) * width + c\n": (
            "    cols = (r[:, None] * width + c) * c_in + nu\n"
        )
    },
}
