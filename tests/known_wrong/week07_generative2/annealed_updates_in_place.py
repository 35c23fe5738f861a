"""Updates the states with += from the first step on, which changes the caller's x."""

EXPECT = {
    "exercise": "week07_generative2.annealed_langevin",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) x in place",
    "replace": {
        "            x = x + 0.5 * alpha * score_fn(x, sigma_b) + torch.sqrt(alpha) * noises[level, step]\n": (
            "            x += 0.5 * alpha * score_fn(x, sigma_b) + torch.sqrt(alpha) * noises[level, step]\n"
        )
    },
}
