"""Returns -F: the log of the unnormalized marginal, b.v + sum_j softplus(c_j + W_j.v)."""

EXPECT = {
    "exercise": "week06_generative1.rbm_free_energy",
    "check": "random RBM, float32",
    "message": r"entries differ from the reference.*hint: F\(v\) = -b.v - sum_j softplus",
    "replace": {"    return -(v @ b) - torch": "    return (v @ b) + torch"},
}
