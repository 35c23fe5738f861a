"""Adds the bias to the flat output with bias.repeat, so it cycles over pixels, not channels."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), batch 3, float64",
    "message": r"output: \d+/\d+ entries differ.*hint: the error is the same for every image, so "
    r"the bias is added wrongly",
    "replace": {
        "    out = out.T.reshape(batch, c_out, h_out, w_out)\n"
        "    if bias is not None:\n"
        "        out = out + bias[:, None, None]\n"
        "    return out\n": (
            "    out = out.T\n"
            "    if bias is not None:\n"
            "        out = out + bias.repeat(h_out * w_out)\n"
            "    return out.reshape(batch, c_out, h_out, w_out)\n"
        )
    },
}
