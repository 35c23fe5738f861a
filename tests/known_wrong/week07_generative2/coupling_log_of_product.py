"""Takes the log of the product of the scales: exp(20)**5 overflows float32."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "large scales s~20, float32",
    "message": r"forward logdet: 4/4 entries are \+inf where the reference is finite.*hint: "
    r"logdet = sum\(\(1 - m\) \* s\): add the log-scales",
    "replace": {
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": (
            "        logdet = torch.log(torch.prod(torch.exp(s), dim=-1))\n"
        ),
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        logdet_inv = torch.log(torch.prod(torch.exp(-s), dim=-1))\n"
        ),
    },
}
