"""Ignores the dtype argument: torch.arange's default float32 comes back for a float64 request."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 6, d = 8, float64",
    "message": r"expected dtype float64 .*got float32; hint: create the encoding with the dtype",
    "replace": {
        "    position = torch.arange(n, dtype=dtype, device=device)[:, None]\n": (
            "    dtype = torch.float32\n"
            "    position = torch.arange(n, dtype=dtype, device=device)[:, None]\n"
        )
    },
}
