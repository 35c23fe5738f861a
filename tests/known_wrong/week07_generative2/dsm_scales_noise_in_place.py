"""Scales the caller's noise tensor in place to get sigma * noise."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) noise in place",
    "replace": {
        "    x_tilde = x0 + sigma_bc * noise\n"
        "    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc\n": (
            "    scaled = noise.mul_(sigma_bc)\n"
            "    x_tilde = x0 + scaled\n"
            "    residual = score_fn(x_tilde, sigma_b) + scaled / sigma_bc**2\n"
        )
    },
}
