"""Turns float bounds into tensors of u's dtype and device first, and transposes with .t()."""

EXPECT = {
    "exercise": "week08_pinn.latin_hypercube",
    "replace": {
        "strata = perm.T.to(u.dtype)": (
            "strata = perm.t().to(u.dtype)\n"
            "    low = torch.as_tensor(low, dtype=u.dtype, device=u.device)\n"
            "    high = torch.as_tensor(high, dtype=u.dtype, device=u.device)"
        )
    },
}
