"""Wraps a tap by adding or subtracting H once: a padding beyond the image still falls outside."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "circular padding 5 on a 3x4 image (wraps more than once), float64",
    "message": r"^raised RuntimeError: found negative index -?\d+ for dim 1 \(line \d+\); hint: the "
    r"circular padding may exceed the image",
    "replace": {
        "            in_idx = in_idx % n_in\n": (
            "            in_idx = torch.where(in_idx < 0, in_idx + n_in, in_idx)\n"
            "            in_idx = torch.where(in_idx >= n_in, in_idx - n_in, in_idx)\n"
        )
    },
}
