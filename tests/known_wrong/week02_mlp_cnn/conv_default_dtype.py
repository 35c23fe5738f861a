"""Collects the values in a tensor of the default dtype (float32)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64",
    "message": r"matrix: expected dtype float64 \(the input's\), got float32",
    "replace": {
        "    values = weight[:, :, m[:, None], n]\n": (
            "    values = torch.zeros(rows.shape, device=device)\n"
            "    values[:] = weight[:, :, m[:, None], n]\n"
        )
    },
}
