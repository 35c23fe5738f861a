"""Sums the squared errors instead of averaging them: the loss grows with the number of points
drawn, and the balance between data and physics with the ratio N_b / N_f."""

EXPECT = {
    "exercise": "week08_pinn.pinn_loss",
    "check": "tanh MLP, (N,1) output, defaults, float64",
    "message": r"hint: each term is a mean over its own points: w_b \* mean",
    "lesson": True,
    "replace": {
        "torch.mean((u_at_boundary - u_b) ** 2)": "torch.sum((u_at_boundary - u_b) ** 2)",
        "torch.mean(residual**2)": "torch.sum(residual**2)",
    },
}
