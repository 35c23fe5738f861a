"""Multiplies by W instead of W.T: W has shape (n_h, n_v)."""

EXPECT = {
    "exercise": "week06_generative1.rbm_free_energy",
    "check": "random RBM, float64",
    "message": r"RuntimeError.*hint: W has shape \(n_h, n_v\)",
    "replace": {"activation = v @ W.T + c": "activation = v @ W + c"},
}
