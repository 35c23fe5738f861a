"""Applies tanh to the output layer too, so the logits are squashed into [-1, 1]."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6",
    "message": r"loss: .*differ.*hint: the output layer is linear: no tanh on the logits",
    "replace": {
        "    net = Sequential([*layers, linears[-1]], SoftmaxCrossEntropy())\n": (
            "    net = Sequential([*layers, linears[-1], Tanh()], SoftmaxCrossEntropy())\n"
        )
    },
}
