"""Starts the maximum from 0, a ReLU before the pooling: wrong on all-negative windows."""

EXPECT = {
    "exercise": "week02_mlp_cnn.maxpool2d",
    "check": "all-negative inputs, K=2, float64",
    "message": r"output: .*hint: start the maximum from the window's first entry \(or -inf\), "
    r"never from 0",
    "lesson": True,
    "replace": {"    out = None\n": "    out = torch.zeros_like(x[..., :h_out, :w_out])\n"},
}
