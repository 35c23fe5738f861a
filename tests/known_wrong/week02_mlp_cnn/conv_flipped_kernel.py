"""A true convolution: the kernel is flipped (tap m reads weight index K - 1 - m)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "per-axis stride (2, 1), padding (1, 2), dilation (1, 2), float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: the kernel is flipped",
    "lesson": True,
    "replace": {
        "    values = weight[:, :, m[:, None], n]\n": (
            "    values = weight[:, :, k_h - 1 - m[:, None], k_w - 1 - n]\n"
        )
    },
}
