"""Multiplies with M.to_dense(): a dense matrix after all."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.Tensor\.to_dense \(line \d+\)$",
    "status": "banned",
    "replace": {
        "    rows, cols = matrix.indices()\n"
        "    products = matrix.values()[:, None] * x.flatten(1).T[cols]\n"
        "    out = x.new_zeros(matrix.shape[0], batch).index_add(0, rows, products)\n": (
            "    out = matrix.to_dense() @ x.reshape(batch, -1).T\n"
        )
    },
}
