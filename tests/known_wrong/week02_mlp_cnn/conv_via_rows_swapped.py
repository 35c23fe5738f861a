"""The matrix orders the output pixels column-major, so the output image comes out scrambled."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "zero padding: conv(roll(x)) == roll(conv(x)) away from the border, float64, "
    "translation equivariance",
    "message": r"^conv\(roll\(x, s\)\) differs from roll\(conv\(x\), s\) by up to \S+ "
    r"\(\d+ of \d+ compared entries\): with zero padding the convolution commutes with shifts "
    r"away from the border",
    "replace": {
        "    rows = (mu * h_out + i[:, None]) * w_out + j\n": (
            "    rows = (mu * w_out + j) * h_out + i[:, None]\n"
        )
    },
}
