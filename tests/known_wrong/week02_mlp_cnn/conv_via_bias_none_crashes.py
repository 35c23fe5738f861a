"""Always adds the bias, also when it is None."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "bias None, float64",
    "message": r"raised TypeError: 'NoneType' object is not subscriptable \(line \d+\); hint: bias "
    r"may be None",
    "replace": {
        "    if bias is not None:\n        out = out + bias[:, None, None]\n": (
            "    out = out + bias[:, None, None]\n"
        )
    },
}
