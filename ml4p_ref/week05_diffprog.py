"""Hidden reference for week 5: automatic differentiation, the Ising model, thermodynamics."""

from __future__ import annotations

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


# ---------------------------------------------------------------------- thermodynamics and ground states
