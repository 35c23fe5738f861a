"""Orders the output pixels column-major: row (mu*W_out + j)*H_out + i."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: the rows are in \(W_out, H_out\) order",
    "replace": {
        "    rows = (mu * h_out + i[:, None]) * w_out + j\n": (
            "    rows = (mu * w_out + j) * h_out + i[:, None]\n"
        )
    },
}
