"""Reads the mask the other way round: True coordinates are transformed, False ones copied."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "half mask, float64",
    "message": r"forward x: \d+/32 entries differ.*hint: mask True marks the coordinates passed "
    r"through",
    "replace": {
        "        m = self.mask.to(dtype=z.dtype, device=z.device)\n": (
            "        m = (~self.mask).to(dtype=z.dtype, device=z.device)\n"
        ),
        "        m = self.mask.to(dtype=x.dtype, device=x.device)\n": (
            "        m = (~self.mask).to(dtype=x.dtype, device=x.device)\n"
        ),
    },
}
