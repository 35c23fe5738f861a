"""Returns the gradients as one flat list [dW_1, db_1, dW_2, db_2, ...] instead of pairs."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6, gradients",
    "message": r"gradient w\.r\.t\. W1: expected a numpy\.ndarray, got list of length 4; "
    r"hint: return \(loss, \[\(dW_1, db_1\)",
    "replace": {
        "    return loss, [(linear.grads[0], linear.grads[1]) for linear in linears]\n": (
            "    return loss, [grad for linear in linears for grad in linear.grads]\n"
        )
    },
}
