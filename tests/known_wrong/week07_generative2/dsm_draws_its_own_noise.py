"""Ignores the given noise and draws fresh noise with torch.randn_like."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.randn_like \(line \d+\)",
    "status": "banned",
    "replace": {
        "    x_tilde = x0 + sigma_bc * noise\n": (
            "    noise = torch.randn_like(x0)\n    x_tilde = x0 + sigma_bc * noise\n"
        )
    },
}
