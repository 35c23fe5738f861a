"""Moves the centre of mass to the origin in place before computing: the caller's x changes."""

EXPECT = {
    "exercise": "week04_symmetry.invariant_energy",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) x in place",
    "replace": {
        "    n = x.shape[1]\n    i, j = torch.triu_indices(n, n, offset=1, device=x.device)\n    squared": (
            "    n = x.shape[1]\n    x -= x.mean(dim=1, keepdim=True).detach()\n"
            "    i, j = torch.triu_indices(n, n, offset=1, device=x.device)\n    squared"
        )
    },
}
