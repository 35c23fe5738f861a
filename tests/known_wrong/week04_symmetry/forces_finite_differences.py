"""Central finite differences instead of autograd: off by h^2 terms, so the forces of a rotation
invariant energy exert a net torque far above round-off."""

EXPECT = {
    "exercise": "week04_symmetry.forces",
    "check": "rotated, reflected, translated, permuted copies, float64, angular momentum conserved",
    "message": r"total torque sum_i x_i x F_i .* not 0 .*angular momentum conservation",
}


def forces(x, energy_fn):
    import torch

    h = 1e-3
    result = torch.zeros_like(x)
    flat = result.view(x.shape[0], -1)
    with torch.no_grad():
        for k in range(flat.shape[1]):
            step = torch.zeros_like(flat)
            step[:, k] = h
            up = energy_fn(x + step.view_as(x))
            down = energy_fn(x - step.view_as(x))
            flat[:, k] = -(up - down) / (2 * h)
    return result
