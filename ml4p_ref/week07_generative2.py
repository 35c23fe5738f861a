"""Hidden reference for week07_generative2 (evaluated by the grader in float64 on the CPU).

Written independently of the solution: the coupling layer selects the transformed coordinates by
index and assembles its output with ``index_copy``; the denoising loss is built on
``torch.nn.functional.mse_loss``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn


class AffineCoupling(nn.Module):
    """Reference for week07_generative2.AffineCoupling: index selection of the transformed half.

    ``forward`` is z -> x (generative), ``inverse`` is x -> z (NeuralRG names them the other way).
    """

    def __init__(self, mask: torch.Tensor, s_net: nn.Module, t_net: nn.Module) -> None:
        super().__init__()
        self.register_buffer("mask", torch.as_tensor(mask).to(torch.bool))
        self.s_net = s_net
        self.t_net = t_net

    def _scale_and_shift(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Indices of the transformed coordinates, and s and t restricted to them."""
        keep = self.mask.to(y.device)
        moved = torch.nonzero(~keep).reshape(-1)
        conditioner_input = torch.where(keep, y, torch.zeros_like(y))
        s = self.s_net(conditioner_input).index_select(-1, moved)
        t = self.t_net(conditioner_input).index_select(-1, moved)
        return moved, s, t

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Reference forward z -> x: x_moved = z_moved * exp(s) + t, logdet = sum(s)."""
        moved, s, t = self._scale_and_shift(z)
        x_moved = z.index_select(-1, moved) * torch.exp(s) + t
        return z.index_copy(-1, moved, x_moved), s.sum(dim=-1)

    def inverse(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Reference inverse x -> z: z_moved = (x_moved - t) * exp(-s), logdet_inv = -sum(s)."""
        moved, s, t = self._scale_and_shift(x)
        z_moved = (x.index_select(-1, moved) - t) * torch.exp(-s)
        return x.index_copy(-1, moved, z_moved), -s.sum(dim=-1)


def dsm_loss(
    score_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    x0: torch.Tensor,
    sigma: float | torch.Tensor,
    noise: torch.Tensor,
    weighting: str = "none",
) -> torch.Tensor:
    """Reference for week07_generative2.dsm_loss: F.mse_loss against the target -noise/sigma."""
    if weighting not in ("none", "sigma2"):
        raise ValueError(f"unknown weighting {weighting!r}; expected 'none' or 'sigma2'")
    batch = x0.shape[0]
    if isinstance(sigma, torch.Tensor):
        sigma_per_sample = sigma.to(dtype=x0.dtype, device=x0.device).expand(batch)
    else:
        sigma_per_sample = torch.full((batch,), sigma, dtype=x0.dtype, device=x0.device)
    sigma_view = sigma_per_sample.view(batch, *([1] * (x0.dim() - 1)))
    x_tilde = torch.addcmul(x0, sigma_view, noise)
    target = -noise / sigma_view
    squared = F.mse_loss(score_fn(x_tilde, sigma_per_sample), target, reduction="none")
    per_sample = 0.5 * squared.reshape(batch, -1).sum(dim=1)
    weights = sigma_per_sample.square() if weighting == "sigma2" else torch.ones_like(per_sample)
    return torch.dot(weights, per_sample) / batch


# -------------------------------------------------------------------------------------------- flows


def flow_forward(layers: list, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week07_generative2.flow_forward: the per-layer log-dets stacked, then summed."""
    outputs, logdets = z, [torch.zeros(z.shape[0], dtype=z.dtype, device=z.device)]
    for layer in layers:
        outputs, logdet = layer.forward(outputs)
        logdets.append(logdet)
    return outputs, torch.stack(logdets).sum(dim=0)


def flow_log_prob(layers: list, x: torch.Tensor) -> torch.Tensor:
    """Reference for week07_generative2.flow_log_prob: ``torch.distributions.Normal`` of the latent
    plus the stacked inverse log-dets."""
    latent, logdets = x, [torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)]
    for layer in layers[::-1]:
        latent, logdet_inv = layer.inverse(latent)
        logdets.append(logdet_inv)
    standard = torch.distributions.Normal(torch.zeros_like(latent), torch.ones_like(latent))
    return standard.log_prob(latent).sum(dim=-1) + torch.stack(logdets).sum(dim=0)


def reverse_kl_loss(
    layers: list, log_target_unnorm: Callable[[torch.Tensor], torch.Tensor], z: torch.Tensor
) -> torch.Tensor:
    """Reference for week07_generative2.reverse_kl_loss: ``torch.distributions`` latent density
    minus the forward log-det, against the target, averaged."""
    x, logdet = flow_forward(layers, z)
    standard = torch.distributions.Normal(torch.zeros_like(z), torch.ones_like(z))
    log_q = standard.log_prob(z).sum(dim=-1) - logdet
    return torch.mean(log_q - log_target_unnorm(x))


def _per_sample_jacobians(v_fn: Callable, x: torch.Tensor) -> torch.Tensor:
    """``(B, D, D)`` Jacobians dv_b/dx_b from one full autograd Jacobian of the batch (with graph)."""
    full = torch.autograd.functional.jacobian(v_fn, x, create_graph=True)  # (B, D, B, D)
    batch = torch.arange(x.shape[0], device=x.device)
    return full[batch, :, batch, :]


def exact_divergence(v_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Reference for week07_generative2.exact_divergence: trace of the autograd Jacobian."""
    return torch.diagonal(_per_sample_jacobians(v_fn, x), dim1=-2, dim2=-1).sum(dim=-1)


def hutchinson_divergence(
    v_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, noise: torch.Tensor
) -> torch.Tensor:
    """Reference for week07_generative2.hutchinson_divergence: the quadratic form ``e^T J e`` on
    the full autograd Jacobian."""
    return torch.einsum("bi,bij,bj->b", noise, _per_sample_jacobians(v_fn, x), noise)


# ----------------------------------------------------------------------------------------- dynamics


def vp_sde_marginal(
    x0: torch.Tensor, t: torch.Tensor, beta_min: float = 0.1, beta_max: float = 20.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week07_generative2.vp_sde_marginal: the integral of the linear beta(s)."""
    integral = t * beta_min + 0.5 * t.square() * (beta_max - beta_min)  # int_0^t beta(s) ds
    coeff = torch.exp(-0.5 * integral)
    view = coeff.view(x0.shape[0], *([1] * (x0.dim() - 1)))
    return torch.mul(view, x0), torch.sqrt(-torch.expm1(-integral))


def ve_sde_marginal(
    x0: torch.Tensor, t: torch.Tensor, sigma_min: float = 0.01, sigma_max: float = 50.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week07_generative2.ve_sde_marginal: ln std interpolates ln sigma linearly."""
    log_std = torch.lerp(
        torch.full_like(t, math.log(sigma_min)), torch.full_like(t, math.log(sigma_max)), t
    )
    return x0 * 1.0, torch.exp(log_std)


def langevin_step(
    x: torch.Tensor,
    score_fn: Callable[[torch.Tensor], torch.Tensor],
    eps: float | torch.Tensor,
    noise: torch.Tensor,
) -> torch.Tensor:
    """Reference for week07_generative2.langevin_step: Euler-Maruyama of dx = score dt + sqrt(2) dW
    with time step h = eps/2 (drift h * score, noise sqrt(2 h) * noise)."""
    step = torch.as_tensor(eps, dtype=x.dtype, device=x.device).expand(x.shape[0])
    h = (step / 2).view(x.shape[0], *([1] * (x.dim() - 1)))
    return torch.addcmul(torch.addcmul(x, h, score_fn(x)), torch.sqrt(2 * h), noise)


def leapfrog_step(
    q: torch.Tensor,
    p: torch.Tensor,
    grad_V: Callable[[torch.Tensor], torch.Tensor],
    dt: float,
    inv_mass: float | torch.Tensor = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week07_generative2.leapfrog_step: three shears, kick(dt/2) drift(dt) kick(dt/2),
    each an additive coupling of one half of (q, p) on the other."""
    weight = torch.as_tensor(inv_mass, dtype=q.dtype, device=q.device)

    def kick(q_now: torch.Tensor, p_now: torch.Tensor) -> torch.Tensor:
        return torch.add(p_now, grad_V(q_now), alpha=-dt / 2)

    p_half = kick(q, p)
    q_new = torch.addcmul(q, weight * dt, p_half)
    return q_new, kick(q_new, p_half)


def hmc_step(
    q: torch.Tensor,
    energy_fn: Callable[[torch.Tensor], torch.Tensor],
    dt: float,
    n_leap: int,
    p0: torch.Tensor,
    log_u: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week07_generative2.hmc_step: the force by autograd on a fresh leaf with grad
    mode forced on, the leapfrog half kicks between drifts merged into full kicks, the Metropolis
    test on the total energy."""

    def force(x: torch.Tensor) -> torch.Tensor:
        with torch.set_grad_enabled(True):
            leaf = x.detach().clone().requires_grad_(True)
            energy = energy_fn(leaf)
            return torch.autograd.grad(energy, leaf, torch.ones_like(energy))[0]

    def total_energy(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        return energy_fn(x) + torch.linalg.vector_norm(p, dim=-1).square() / 2

    position, momentum = q.detach(), p0.detach() - dt / 2 * force(q.detach())
    for step in range(n_leap):
        position = position + dt * momentum
        kick = dt if step < n_leap - 1 else dt / 2
        momentum = momentum - kick * force(position)
    with torch.no_grad():
        gain = total_energy(q.detach(), p0.detach()) - total_energy(position, momentum)
    accepted = torch.lt(log_u, gain)
    return torch.where(accepted.unsqueeze(-1), position, q.detach()), accepted


def annealed_langevin(
    x: torch.Tensor,
    score_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    sigmas: torch.Tensor,
    n_steps: int,
    eps0: float,
    noises: torch.Tensor,
) -> torch.Tensor:
    """Reference for week07_generative2.annealed_langevin: the schedule flattened into one list of
    (sigma, alpha) pairs, each step the reference ``langevin_step`` with the per-sample eps alpha."""
    batch = x.shape[0]
    alphas = eps0 * (sigmas / sigmas[-1]).square()
    schedule = [(level, step) for level in range(sigmas.shape[0]) for step in range(n_steps)]
    for level, step in schedule:
        sigma_b = torch.full((batch,), 1.0, dtype=x.dtype, device=x.device) * sigmas[level]
        eps = alphas[level].expand(batch)
        x = langevin_step(x, lambda y, s=sigma_b: score_fn(y, s), eps, noises[level, step])
    return x
