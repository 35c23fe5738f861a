"""Takes the gradient of energy_fn without torch.enable_grad(): fails when the sampler is called
under torch.no_grad()."""

EXPECT = {
    "exercise": "week07_generative2.hmc_step",
    "check": "called under torch.no_grad(), float64",
    "message": r"RuntimeError.*hint: .*torch\.enable_grad\(\)",
    "replace": {
        "        with torch.enable_grad():\n"
        "            x = x.detach().requires_grad_(True)\n"
        "            (force,) = torch.autograd.grad(energy_fn(x).sum(), x)\n": (
            "        x = x.detach().requires_grad_(True)\n"
            "        (force,) = torch.autograd.grad(energy_fn(x).sum(), x)\n"
        )
    },
}
