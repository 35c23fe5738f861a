"""Passes sigma to score_fn as a Python float instead of the (B,) tensor of dsm_loss's convention."""

EXPECT = {
    "exercise": "week07_generative2.annealed_langevin",
    "check": "vector x, three levels, two steps each, float64",
    "message": r"sigma_b given to score_fn: expected a torch\.Tensor.*hint: score_fn takes sigma_b",
    "replace": {"        sigma_b = sigma.expand(batch)\n": "        sigma_b = float(sigma)\n"},
}
