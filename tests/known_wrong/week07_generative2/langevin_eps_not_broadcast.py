"""Multiplies by a per-sample eps of shape (B,) without reshaping it: it runs along the last dim."""

EXPECT = {
    "exercise": "week07_generative2.langevin_step",
    "check": "vector x, per-sample eps (B = D), float64",
    "message": r"output: .*hint: eps has shape \(B,\): one step size per sample",
    "replace": {
        "        eps = eps.to(dtype=x.dtype, device=x.device).reshape((-1,) + (1,) * (x.dim() - 1))\n": (
            "        eps = eps.to(dtype=x.dtype, device=x.device)\n"
        )
    },
}
