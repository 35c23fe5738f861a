"""Writes softplus as log(1 + exp(a)): exp overflows for the large activations of a trained RBM."""

EXPECT = {
    "exercise": "week06_generative1.rbm_free_energy",
    "check": "weights and biases of size 1e4, float64",
    "message": r"-inf where the reference is finite.*hint: log\(1 \+ exp\(a\)\) overflows",
    "lesson": True,
    "replace": {"torch.nn.functional.softplus(activation)": "torch.log(1 + torch.exp(activation))"},
}
