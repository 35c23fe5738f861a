"""Returns the sign of the first pivot only: exchanging two particles may leave it unchanged."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "exchanged and permuted particles, float64, exchanging two particles flips the sign",
    "message": r"after an exchange of the particles the sign must be -1 times the original",
    "replace": {
        "    sign = parity * torch.sign(diagonal).prod(dim=-1)\n": (
            "    sign = torch.sign(diagonal[..., 0])\n"
        )
    },
}
