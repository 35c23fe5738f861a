"""softplus(a) as torch.logaddexp(0, a), with W.v computed by einsum."""

EXPECT = {
    "exercise": "week06_generative1.rbm_free_energy",
    "replace": {
        "activation = v @ W.T + c": "activation = torch.einsum('ji,bi->bj', W, v) + c",
        "torch.nn.functional.softplus(activation)": (
            "torch.logaddexp(torch.zeros_like(activation), activation)"
        ),
    },
}
