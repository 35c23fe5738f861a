"""Clamps padding taps onto the border pixel instead of omitting them."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: taps in the zero padding read the border pixel",
    "replace": {
        "            inside = (in_idx >= 0) & (in_idx < n_in)\n"
        "            out_idx, tap_idx, in_idx = out_idx[inside], tap_idx[inside], in_idx[inside]\n": (
            "            in_idx = in_idx.clamp(0, n_in - 1)  # stay inside the image\n"
        )
    },
}
