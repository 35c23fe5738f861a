"""Pads the output size but forgets to shift the window by -P."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: the padding shifts the window",
    "replace": {"in_idx = out_idx * s - p + tap_idx * d": "in_idx = out_idx * s + tap_idx * d"},
}
