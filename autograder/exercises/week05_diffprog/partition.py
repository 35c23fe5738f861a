"""Partition functions the grader hands to ``thermodynamics``, rebuilt from a case's tensors.

Each ``lnZ_fn(beta)`` is total ln Z of ``n_sites`` sites, in beta's dtype and device:

- ``"ising1d"``: the periodic Ising chain at h = 0, ln Z = N ln(2 cosh K) + log1p(tanh(K)^N),
  K = beta J (curriculum.md 4.1);
- ``"levels"``: ``n_sites`` independent copies of a system with the energy levels ``energies``,
  ln Z = N logsumexp(-beta E_i);
- ``"onsager"``: the 2-D square-lattice Ising model (J = 1) in the thermodynamic limit, Onsager's
  integral ln Z / N = ln(2 cosh 2K) + (1/2pi) int_0^pi ln[(1 + sqrt(1 - kappa^2 sin^2 t)) / 2] dt,
  kappa = 2 sinh 2K / cosh^2 2K, by the midpoint rule (curriculum.md 4.2).

``onsager_energy`` is the closed form of the 2-D energy per site, independent of the integral.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

ONSAGER_NODES = 128  # midpoint nodes: u(K) to 1e-15 for |K - K_c| >= 0.1 and at K_c itself
CRITICAL_K = 0.5 * math.log(1 + math.sqrt(2))


def build_lnZ(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The ``lnZ_fn`` a case describes, on the case's own tensors (their gradients reach them)."""
    model, n_sites = inputs["model"], inputs["n_sites"]
    if model == "ising1d":
        return lambda beta: _ising1d(beta * inputs["J"], n_sites)
    if model == "levels":
        return lambda beta: n_sites * torch.logsumexp(-beta * inputs["energies"], dim=0)
    if model == "onsager":
        return lambda beta: n_sites * _onsager_per_site(beta)
    raise ValueError(f"unknown partition function {model!r}")


def _ising1d(coupling: torch.Tensor, n_sites: int) -> torch.Tensor:
    log_2cosh = torch.logaddexp(coupling, -coupling)
    return n_sites * log_2cosh + torch.log1p(torch.tanh(coupling) ** n_sites)


def _onsager_per_site(beta: torch.Tensor) -> torch.Tensor:
    two_k = 2 * beta
    kappa = 2 * torch.sinh(two_k) / torch.cosh(two_k) ** 2
    nodes = torch.arange(ONSAGER_NODES, dtype=beta.dtype, device=beta.device)
    theta = (nodes + 0.5) * (math.pi / ONSAGER_NODES)
    integrand = torch.log((1 + torch.sqrt(1 - (kappa * torch.sin(theta)) ** 2)) / 2)
    return torch.log(2 * torch.cosh(two_k)) + integrand.mean() / 2


def elliptic_k(k: float) -> float:
    """The complete elliptic integral of the first kind K(k) (modulus k < 1), by the AGM."""
    a, b = 1.0, math.sqrt(1 - k * k)
    for _ in range(40):  # quadratic convergence: a few steps reach rounding, more change nothing
        a, b = (a + b) / 2, math.sqrt(a * b)
    return math.pi / (2 * a)


def onsager_energy(coupling: float) -> float:
    """u(K) = -coth 2K [1 + (2/pi)(2 tanh^2 2K - 1) K(k)], k = 2 sinh 2K / cosh^2 2K; -sqrt 2 at K_c
    (and within rounding of it, where k rounds to 1)."""
    two_k = 2 * coupling
    k = 2 * math.sinh(two_k) / math.cosh(two_k) ** 2
    if abs(coupling - CRITICAL_K) < 1e-12 or k >= 1:  # k = 1 only at K_c, up to rounding
        return -math.sqrt(2)
    bracket = 1 + (2 / math.pi) * (2 * math.tanh(two_k) ** 2 - 1) * elliptic_k(k)
    return -bracket / math.tanh(two_k)
