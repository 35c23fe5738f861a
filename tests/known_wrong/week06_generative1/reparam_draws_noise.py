"""Draws its own noise with torch.randn_like instead of using eps."""

EXPECT = {
    "exercise": "week06_generative1.reparameterize",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch.randn_like",
    "status": "banned",
    "replace": {
        "    return mu + torch.exp(0.5 * logvar) * eps\n": (
            "    return mu + torch.exp(0.5 * logvar) * torch.randn_like(eps)\n"
        )
    },
}
