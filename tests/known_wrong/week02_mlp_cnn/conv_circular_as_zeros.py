"""Ignores padding_mode: circular padding is treated as zero padding."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "circular, stride 2, dilation (2, 1), padding (3, 1), float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: padding_mode='circular' wraps the indices",
    "replace": {
        '        if padding_mode == "circular":\n'
        "            in_idx = in_idx % n_in\n"
        "        else:\n"
        "            inside = (in_idx >= 0) & (in_idx < n_in)\n"
        "            out_idx, tap_idx, in_idx = out_idx[inside], tap_idx[inside], in_idx[inside]\n": (
            "        inside = (in_idx >= 0) & (in_idx < n_in)  # padding_mode is never read\n"
            "        out_idx, tap_idx, in_idx = out_idx[inside], tap_idx[inside], in_idx[inside]\n"
        )
    },
}
