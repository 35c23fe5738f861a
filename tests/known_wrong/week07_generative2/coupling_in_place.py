"""Writes the transformed half into z itself (under no_grad, so autograd does not complain)."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) z in place",
    "replace": {
        "        x = z_masked + (1 - m) * (z * torch.exp(s) + t)\n": (
            "        with torch.no_grad():\n"
            "            z.copy_(z_masked + (1 - m) * (z * torch.exp(s) + t))\n"
            "        x = z\n"
        )
    },
}
