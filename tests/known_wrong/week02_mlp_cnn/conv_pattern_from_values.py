"""Drops the entries whose weight is 0, so the sparsity pattern depends on the values."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "zero weights stay structural, padding 3 (rows without taps), float64",
    "message": r"nnz: 1/1 entries differ.*hint: entries whose weight is 0 disappeared",
    "replace": {
        "    values = weight[:, :, m[:, None], n]\n": (
            "    values = weight[:, :, m[:, None], n]\n"
            "    keep = values != 0  # a sparse matrix stores no zeros\n"
            "    rows, cols, values = rows[keep], cols[keep], values[keep]\n"
        )
    },
}
