"""Gets the log-det from slogdet of an autograd Jacobian: right numbers, forbidden tools."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.autograd\.functional\.jacobian \(line \d+\), "
    r"torch\.linalg\.slogdet \(line \d+\)",
    "status": "banned",
    "replace": {
        "        x = z_masked + (1 - m) * (z * torch.exp(s) + t)\n"
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": (
            "        def transform(y):\n"
            "            s = self.s_net(y * m) * (1 - m)\n"
            "            return y * m + (1 - m) * (y * torch.exp(s) + self.t_net(y * m) * (1 - m))\n"
            "\n"
            "        x = transform(z)\n"
            "        jacobians = [\n"
            "            torch.autograd.functional.jacobian(\n"
            "                lambda v: transform(v[None])[0], sample, create_graph=True\n"
            "            )\n"
            "            for sample in z\n"
            "        ]\n"
            "        logdet = torch.stack([torch.linalg.slogdet(j).logabsdet for j in jacobians])\n"
        )
    },
}
