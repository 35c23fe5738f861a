"""Hidden reference for week 5: automatic differentiation, the Ising model, thermodynamics."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import torch

# ---------------------------------------------------------------------- automatic differentiation
# Both classes wrap float64 torch scalars and leave every derivative to torch.autograd: a Dual is
# the tensor value + tangent * EPSILON, a function of one leaf EPSILON = 0, whose derivative with
# respect to EPSILON is the tangent (forward mode by reverse mode along one direction); a Var is a
# node of torch's own graph, and backward() is torch's (accumulating into the inputs' .grad).
EPSILON = torch.zeros((), dtype=torch.float64, requires_grad=True)


def _tensor(x: Any) -> torch.Tensor:
    return x.data if isinstance(x, (Dual, Var)) else torch.tensor(float(x), dtype=torch.float64)


class _Scalar:
    """The operators shared by ``Dual`` and ``Var``: torch arithmetic on ``self.data``."""

    data: torch.Tensor

    @classmethod
    def _wrap(cls, data: torch.Tensor) -> Any:
        node = cls.__new__(cls)
        node.data = data
        return node

    def __add__(self, other):
        return self._wrap(self.data + _tensor(other))

    def __radd__(self, other):
        return self._wrap(_tensor(other) + self.data)

    def __sub__(self, other):
        return self._wrap(self.data - _tensor(other))

    def __rsub__(self, other):
        return self._wrap(_tensor(other) - self.data)

    def __mul__(self, other):
        return self._wrap(self.data * _tensor(other))

    def __rmul__(self, other):
        return self._wrap(_tensor(other) * self.data)

    def __truediv__(self, other):
        return self._wrap(self.data / _tensor(other))

    def __rtruediv__(self, other):
        return self._wrap(_tensor(other) / self.data)

    def __neg__(self):
        return self._wrap(-self.data)

    def __pow__(self, power: float):
        return self._wrap(torch.pow(self.data, float(power)))

    @property
    def value(self) -> float:
        return float(self.data.detach())


class Dual(_Scalar):
    """Forward mode: ``value + tangent * EPSILON``; the tangent is d/dEPSILON by torch.autograd."""

    def __init__(self, value: float, tangent: float = 0.0):
        self.data = torch.tensor(float(value), dtype=torch.float64) + float(tangent) * EPSILON

    @property
    def tangent(self) -> float:
        if not self.data.requires_grad:
            return 0.0
        (grad,) = torch.autograd.grad(self.data, EPSILON, retain_graph=True, allow_unused=True)
        return 0.0 if grad is None else float(grad)


class Var(_Scalar):
    """Reverse mode: a node of torch's graph; ``grad`` is the accumulated ``.grad`` of an input."""

    def __init__(self, value: float):
        self.data = torch.tensor(float(value), dtype=torch.float64, requires_grad=True)

    @property
    def grad(self) -> float:
        grad = self.data.grad if self.data.is_leaf else None
        return 0.0 if grad is None else float(grad)

    def backward(self) -> None:
        self.data.backward(retain_graph=True)


def _elementary(function: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[Any], Any]:
    def apply(x: Any) -> Any:
        if isinstance(x, _Scalar):
            return x._wrap(function(x.data))
        return float(function(torch.tensor(float(x), dtype=torch.float64)))

    return apply


sin, cos, exp, log, tanh = map(
    _elementary, (torch.sin, torch.cos, torch.exp, torch.log, torch.tanh)
)


def slide_traces(x0: float = 1.0, x1: float = 2.0) -> dict:
    """The slide's traces by torch: the tangent of v_i is ``torch.autograd.grad(v_i, x0)``, the
    adjoint of v_i is ``torch.autograd.grad(v6, v_i)`` with every intermediate a node of the graph."""
    v = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in (x0, x1)]
    v += [2 * v[0], torch.sin(v[1])]
    v += [v[0] * v[3], v[1] ** 3]
    v.append(v[2] + v[4] + v[5])
    tangents = [
        torch.autograd.grad(
            node, v[0], retain_graph=True, allow_unused=True, materialize_grads=True
        )[0]
        for node in v
    ]
    adjoint = torch.autograd.grad(v[6], v, allow_unused=True, materialize_grads=True)
    return {
        "primal": [float(node.detach()) for node in v],
        "tangent_dx0": [float(t) for t in tangents],
        "adjoint": [float(a) for a in adjoint],
    }


# ------------------------------------------------------------------------------------ Ising model


def _log_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The matrix product of exp(a) and exp(b), in the log domain (entries stay positive)."""
    return torch.logsumexp(a[:, :, None] + b[None, :, :], dim=1)


def _log_trace_power(log_matrix: torch.Tensor, power: int) -> torch.Tensor:
    """ln tr exp(log_matrix)^power by binary powering in the log domain: every term of the trace
    of a positive matrix is positive, so nothing cancels and nothing overflows."""
    result, square = None, log_matrix
    while power:
        if power & 1:
            result = square if result is None else _log_matmul(result, square)
        power >>= 1
        if power:
            square = _log_matmul(square, square)
    return torch.logsumexp(torch.diagonal(result), dim=0)


def ising1d_lnZ(beta, N, J=1.0, h=0.0):
    """Reference for week05_diffprog.ising1d_lnZ: ln tr T^N of the 2 x 2 transfer matrix, taken
    in the log domain (no eigenvalues)."""
    spin = torch.tensor([1.0, -1.0], dtype=beta.dtype, device=beta.device)
    log_transfer = beta * J * spin[:, None] * spin[None, :]
    log_transfer = log_transfer + beta * h * (spin[:, None] + spin[None, :]) / 2
    return _log_trace_power(log_transfer, N)


def _torus_bonds(rows: int, columns: int) -> list[tuple[int, int]]:
    """(site, neighbour) for the right and lower neighbour of every site of a rows x columns torus,
    sites numbered row by row; a side of length 2 (or 1) repeats its bonds, as the exercise says."""
    bonds = []
    for r, c in itertools.product(range(rows), range(columns)):
        site = r * columns + c
        bonds.append((site, r * columns + (c + 1) % columns))
        bonds.append((site, ((r + 1) % rows) * columns + c))
    return bonds


def _all_spins(count: int, dtype: torch.dtype) -> torch.Tensor:
    """Every configuration of ``count`` spins, shape ``(2^count, count)``, built one spin at a time:
    the states of n + 1 spins are those of n spins with the new spin up, then down."""
    states = torch.ones(1, 0, dtype=dtype)
    for _ in range(count):
        up = torch.cat([states, torch.ones(len(states), 1, dtype=dtype)], dim=1)
        states = torch.cat([up, up * torch.tensor([1.0] * (up.shape[1] - 1) + [-1.0], dtype=dtype)])
    return states


def ising2d_lnZ_enumerate(beta, L, J=1.0, h=0.0):
    """Reference for week05_diffprog.ising2d_lnZ_enumerate: every state from
    ``torch.cartesian_prod``, the energy from an explicit list of bonds."""
    spins = _all_spins(L * L, beta.dtype)
    first, second = (torch.tensor(side) for side in zip(*_torus_bonds(L, L), strict=True))
    bonds = (spins[:, first] * spins[:, second]).sum(dim=1)
    return torch.logsumexp(beta * J * bonds + beta * h * spins.sum(dim=1), dim=0)


def ising2d_lnZ_transfer(beta, Lx, Ly, J=1.0, h=0.0):
    """Reference for week05_diffprog.ising2d_lnZ_transfer: the column transfer matrix, unsplit
    (T_{cc'} = exp(V(c) + K c.c')), scaled by its largest entry and raised to the power Lx by
    ``torch.linalg.matrix_power`` (no eigenvalues; every term of the trace is positive)."""
    columns = _all_spins(Ly, beta.dtype)
    first, second = (torch.tensor(side) for side in zip(*_torus_bonds(Ly, 1)[1::2], strict=True))
    own = beta * J * (columns[:, first] * columns[:, second]).sum(dim=1)
    own = own + beta * h * columns.sum(dim=1)
    log_transfer = own[:, None] + beta * J * columns @ columns.T
    shift = log_transfer.max().detach()
    power = torch.linalg.matrix_power((log_transfer - shift).exp(), Lx)
    return Lx * shift + torch.diagonal(power).sum().log()


# ---------------------------------------------------------------------- thermodynamics and ground states


def thermodynamics(
    lnZ_fn: Callable[[torch.Tensor], torch.Tensor], beta: torch.Tensor, n_sites: int
) -> dict[str, torch.Tensor]:
    """Reference for week05_diffprog.thermodynamics: the first and second derivatives of ln Z by
    ``torch.func.grad`` (forward transforms, not ``torch.autograd.grad`` with create_graph)."""
    first = torch.func.grad(lnZ_fn)
    second = torch.func.grad(first)
    beta = beta.detach()
    ln_z = lnZ_fn(beta)
    energy = -first(beta) / n_sites
    return {
        "f": -ln_z / (beta * n_sites),
        "e": energy,
        "c": beta * beta * second(beta) / n_sites,
        "s": ln_z / n_sites + beta * energy,
    }


class GroundState(torch.autograd.Function):
    """Reference for week05_diffprog.GroundState: the lowest eigenpair of the symmetrized matrix
    by ``torch.linalg.eigh``; the backward by the resolvent on the complement of v0 (no sum over
    the excited states, so degenerate excited states are harmless):
    A_bar = lambda_bar v0 v0^T - x v0^T, x = (A - lambda0 + v0 v0^T)^-1 (I - v0 v0^T) v_bar,
    symmetrized (on the complement of v0, A - lambda0 + v0 v0^T is A - lambda0, and it is
    invertible where the ground state is simple). Checked against eigh's own autograd away from
    degeneracies and against central differences at them."""

    @staticmethod
    def forward(A: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        eigenvalues, eigenvectors = torch.linalg.eigh((A + A.mT) / 2)
        return eigenvalues[0], eigenvectors[:, 0]

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        (A,) = inputs
        ctx.save_for_backward((A + A.mT) / 2, *output)

    @staticmethod
    def backward(ctx, lambda_bar, v_bar):
        A, lambda0, v0 = ctx.saved_tensors
        outer = torch.outer(v0, v0)
        grad = torch.zeros_like(A) if lambda_bar is None else lambda_bar * outer
        if v_bar is not None:
            shifted = A - lambda0 * torch.eye(A.shape[-1], dtype=A.dtype, device=A.device) + outer
            x = torch.linalg.solve(shifted, v_bar - v0 * (v0 @ v_bar))
            grad = grad - torch.outer(x, v0)
        return (grad + grad.mT) / 2


def inverse_schrodinger_loss(
    V: torch.Tensor, K: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Reference for week05_diffprog.inverse_schrodinger_loss: the density by Hellmann-Feynman,
    psi0_i^2 = d lambda0 / d V_i (``torch.func.grad`` of the lowest ``eigvalsh`` eigenvalue), so
    no eigenvector is ever indexed; dL/dV is autograd's second derivative of lambda0."""

    def ground_energy(potential: torch.Tensor) -> torch.Tensor:
        return torch.linalg.eigvalsh(K + torch.diag_embed(potential))[0]

    density = torch.func.grad(ground_energy)(V)
    return (density - target).square().sum()
