"""Builds the index tensors on a hard-coded CPU device: right on the CPU, fails on a GPU."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "message": r"on a GPU this fails: .*torch\.arange at line \d+, on the CPU.*device=x\.device",
    "replace": {"    device = weight.device\n": '    device = torch.device("cpu")\n'},
}
