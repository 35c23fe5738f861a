"""Returns x0 itself as the mean (the docstring allows x0 or a copy)."""

EXPECT = {
    "exercise": "week07_generative2.ve_sde_marginal",
    "replace": {"    return x0.clone(), std\n": "    return x0, std\n"},
}
