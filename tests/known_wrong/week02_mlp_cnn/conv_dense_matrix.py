"""Builds the dense (C_out*H_out*W_out, C_in*H*W) matrix: 1 GiB for a 128x128 image."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "large 128x128 image, 3x3 kernel: sparse, never dense, float32",
    "message": r"matrix\[:256, :512\]: expected a sparse layout, got layout strided; hint: M must be "
    r"a sparse tensor",
    "replace": {
        "    matrix = torch.sparse_coo_tensor(\n"
        "        torch.stack([rows.reshape(-1), cols.reshape(-1)]),\n"
        "        values.reshape(-1),\n"
        "        size=(c_out * h_out * w_out, c_in * height * width),\n"
        "        check_invariants=True,\n"
        "    )\n"
        "    return matrix.coalesce()\n": (
            "    matrix = weight.new_zeros(c_out * h_out * w_out, c_in * height * width)\n"
            "    index = (rows.reshape(-1), cols.reshape(-1))\n"
            "    return matrix.index_put(index, values.reshape(-1), accumulate=True)\n"
        )
    },
}
