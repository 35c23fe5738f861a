"""Takes the sign from the diagonal of U alone, forgetting the row exchanges of the pivoting."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "6 particles in 3-D, float64",
    "message": r"sign: .*entries differ from the reference.*hint: each row exchange of the "
    r"pivoting flips the sign",
    "replace": {"    sign = parity * torch.sign(diagonal)": "    sign = torch.sign(diagonal)"},
}
