"""Keeps the remainder rows and columns as partial windows (ceil_mode=True), padding with -inf."""

EXPECT = {
    "exercise": "week02_mlp_cnn.maxpool2d",
    "check": "default stride, 7x5 image (remainders dropped), float64",
    "message": r"output: .*shape.*hint: rows and columns that do not fill a whole window are "
    r"dropped",
    "replace": {
        "    h_out = (x.shape[-2] - k_h) // s_h + 1\n    w_out = (x.shape[-1] - k_w) // s_w + 1\n": (
            "    h_out = -(-(x.shape[-2] - k_h) // s_h) + 1\n"
            "    w_out = -(-(x.shape[-1] - k_w) // s_w) + 1\n"
            "    x = torch.nn.functional.pad(x, (0, k_w, 0, k_h), value=-float('inf'))\n"
        )
    },
}
