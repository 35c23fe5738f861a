"""Leaves the dilation out of the output size: H_out = (H + 2P - K) // S + 1."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "dilation 2, padding 2, 9x8 image, float64",
    "message": r"matrix: expected shape \[144, 72\], got \[220, 72\]; hint: the dilation enters the "
    r"output size",
    "replace": {
        "n_out = (n_in + 2 * p - d * (k - 1) - 1) // s + 1": "n_out = (n_in + 2 * p - k) // s + 1"
    },
}
