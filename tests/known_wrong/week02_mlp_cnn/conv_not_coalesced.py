"""Returns the matrix without coalescing it."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64, coalesced",
    "message": r"^M is a COO tensor that is not coalesced .*: return M\.coalesce\(\)",
    "replace": {"    return matrix.coalesce()\n": "    return matrix\n"},
}
