"""Treats every weighting other than 'sigma2' as 'none', so a typo goes unnoticed."""

import torch

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "unknown weighting raises ValueError, float64",
    "message": r"unknown weighting: weighting='sigma\^2' must raise ValueError; yours returned a value",
}


def dsm_loss(score_fn, x0, sigma, noise, weighting="none"):
    batch = x0.shape[0]
    if isinstance(sigma, torch.Tensor):
        sigma_b = sigma.to(dtype=x0.dtype, device=x0.device).expand(batch)
    else:
        sigma_b = x0.new_full((batch,), float(sigma))
    sigma_bc = sigma_b.reshape((batch,) + (1,) * (x0.dim() - 1))

    x_tilde = x0 + sigma_bc * noise
    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc

    per_sample = 0.5 * (residual**2).reshape(batch, -1).sum(dim=1)
    if weighting == "sigma2":
        per_sample = per_sample * sigma_b**2
    return per_sample.mean()
