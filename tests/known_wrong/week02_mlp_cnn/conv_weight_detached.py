"""Reads the weights through .data, which cuts the autograd graph."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64, gradients",
    "message": r"gradient w\.r\.t\. weight: your output is not connected to the autograd graph",
    "replace": {
        "    values = weight[:, :, m[:, None], n]\n": "    values = weight.data[:, :, m[:, None], n]\n"
    },
}
