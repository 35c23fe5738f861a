"""Returns the flat (B, C_out*H_out*W_out) product without reshaping it."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), batch 3, float64",
    "message": r"output: expected shape \[3, 3, 4, 3\], got \[3, 36\]",
    "replace": {
        "    out = out.T.reshape(batch, c_out, h_out, w_out)\n"
        "    if bias is not None:\n"
        "        out = out + bias[:, None, None]\n": (
            "    out = out.T\n"
            "    if bias is not None:\n"
            "        out = out + bias.repeat_interleave(h_out * w_out)\n"
        )
    },
}
