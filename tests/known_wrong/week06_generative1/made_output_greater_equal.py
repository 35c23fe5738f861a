"""Connects output i to hidden units of degree <= order[i] + 1 (>= where > belongs): x_i reaches
out_i through the hidden units of its own degree, so the network is not autoregressive."""

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "check": "Jacobian, identity order, one hidden layer, float64, "
    "d out_i / d x_j = 0 for order[j] >= order[i]",
    "message": r"out_0 depends on x_0 itself .* the network is not autoregressive; "
    r"hint: out_i must never see x_i",
    "lesson": True,
    "replace": {
        "masks.append(degrees[-1][:, None] < input_degrees[None, :])": (
            "masks.append(degrees[-1][:, None] <= input_degrees[None, :])"
        )
    },
}
