"""Builds sigma_b with torch.full((B,), sigma): float32 by default, whatever x0's dtype."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, float sigma, float64",
    "message": r"sigma_b given to score_fn: expected dtype float64 \(the input's\), got float32; "
    r"hint: build sigma_b with x0's dtype",
    "replace": {
        "        sigma_b = x0.new_full((batch,), float(sigma))\n": (
            "        sigma_b = torch.full((batch,), sigma, device=x0.device)\n"
        )
    },
}
