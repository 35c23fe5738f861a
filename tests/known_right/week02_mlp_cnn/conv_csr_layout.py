"""Returns the matrix in CSR layout, which the docstring allows beside COO."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "replace": {"    return matrix.coalesce()\n": "    return matrix.coalesce().to_sparse_csr()\n"},
}
