"""Takes the trace of torch.linalg.matrix_power(T, Lx), which the docstring forbids."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_transfer",
    "message": r"matrix_power",
    "status": "banned",
    "replace": {
        "    return Lx * (shift + largest.log()) + ratios.sum().log()\n": (
            "    power = torch.linalg.matrix_power((exponent - shift).exp(), Lx)\n"
            "    return Lx * shift + torch.diagonal(power).sum().log()\n"
        )
    },
}
