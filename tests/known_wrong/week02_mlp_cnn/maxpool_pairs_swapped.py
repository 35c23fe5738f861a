"""Reads the kernel and stride pairs as (for W, for H)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.maxpool2d",
    "check": "pairs: kernel (2, 3), stride (1, 2), 5x7, float64",
    "message": r"output: .*hint: kernel_size and stride pairs are \(for H, for W\)",
    "replace": {
        "    (k_h, k_w) = _pair(kernel_size)\n": "    (k_w, k_h) = _pair(kernel_size)\n",
        "    (s_h, s_w) = (k_h, k_w) if stride is None else _pair(stride)\n": (
            "    (s_w, s_h) = (k_w, k_h) if stride is None else _pair(stride)\n"
        ),
    },
}
