# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 5: differentiable programming
# Automatic differentiation computes exact derivatives of a program, at the cost of a few
# evaluations of the program itself. In the first part you build both modes by hand: forward mode
# carries a tangent with every number (dual numbers), reverse mode records the computation and
# sweeps it backwards (what `torch.autograd` does). In the second part you compute the partition
# function of the Ising model exactly, by a transfer matrix and by enumeration, written so that
# autograd can differentiate it. In the third part the derivatives of ln Z give the whole
# thermodynamics (energy, specific heat, entropy), and a custom backward pass differentiates an
# eigenvalue problem (perturbation theory, run backwards).
#
# Check your work with `ml4p check week05`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place.
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 5 exercises: forward and reverse automatic differentiation by hand, the exact partition
function of the Ising model, thermodynamics by autograd, and the derivative of a ground state."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

# %% [markdown]
# ## Part 1: automatic differentiation by hand
# A program is a chain of elementary operations whose derivatives are known; the chain rule does
# the rest, either from the inputs forward or from the output backward.

# %% [markdown]
# ### Forward mode: dual numbers
# A dual number `a + b ε` with `ε² = 0` carries a value `a` and a tangent `b`: evaluating any
# program on `x + ẋ ε` gives `f(x) + f'(x) ẋ ε`, the value and the directional derivative in one
# pass. Every operation only needs its own derivative rule (sum, product, quotient, power, chain
# rule of sin, cos, exp, log, tanh); a Python number is a constant, a dual number with tangent 0.


# %%
class Dual:
    """A dual number ``value + tangent * eps`` with ``eps**2 = 0`` (forward-mode automatic
    differentiation); exercise ``week05_diffprog.Dual``.

    Math:
        For every operation ``w = f(u, v)``: ``w.value = f(u.value, v.value)`` and
        ``w.tangent = df/du * u.tangent + df/dv * v.tangent``. A Python number ``c`` is a constant:
        a dual number with tangent 0.
    Args:
        value: the primal value, a Python float.
        tangent: its derivative along the chosen direction, a Python float (default 0.0).
    Attributes:
        ``value`` and ``tangent``, Python floats.
    Operators (each returns a new ``Dual``; none changes its operands):
        ``u + v``, ``u - v``, ``u * v``, ``u / v``, ``-u`` and ``u ** p`` for a Python number ``p``,
        where ``u`` or ``v`` may also be a Python number on either side (``2 * x``, ``1 + x``,
        ``2 - x``, ``3 / x``: the reflected operators ``__radd__``, ``__rsub__``, ``__rmul__``,
        ``__rtruediv__``).
    Properties the grader checks:
        Values and tangents of single operations, of the slide function
        ``y = 2 x0 + x0 sin x1 + x1**3`` and of random expression trees against
        ``torch.autograd`` in float64 (rtol 1e-12); constants on either side of every operator;
        ``sin, cos, exp, log, tanh`` of this module applied to dual numbers and to plain numbers.
    Forbidden: torch, autograd, jax (plain Python and ``math`` only).
    """

    def __init__(self, value: float, tangent: float = 0.0):
        """Store ``value`` and ``tangent`` as Python floats."""
        ### BEGIN SOLUTION
        self.value = float(value)
        self.tangent = float(tangent)
        ### END SOLUTION

    def __add__(self, other):
        """``self + other``; ``other`` a ``Dual`` or a Python number."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)
        ### END SOLUTION

    def __radd__(self, other):
        """``other + self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __sub__(self, other):
        """``self - other``."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value - other.value, self.tangent - other.tangent)
        ### END SOLUTION

    def __rsub__(self, other):
        """``other - self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return Dual(other) - self
        ### END SOLUTION

    def __mul__(self, other):
        """``self * other`` (product rule)."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Dual) else Dual(other)
        tangent = self.tangent * other.value + self.value * other.tangent
        return Dual(self.value * other.value, tangent)
        ### END SOLUTION

    def __rmul__(self, other):
        """``other * self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __truediv__(self, other):
        """``self / other`` (quotient rule)."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Dual) else Dual(other)
        value = self.value / other.value
        return Dual(value, (self.tangent - value * other.tangent) / other.value)
        ### END SOLUTION

    def __rtruediv__(self, other):
        """``other / self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return Dual(other) / self
        ### END SOLUTION

    def __neg__(self):
        """``-self``."""
        ### BEGIN SOLUTION
        return Dual(-self.value, -self.tangent)
        ### END SOLUTION

    def __pow__(self, power: float):
        """``self ** power`` for a Python number ``power``: tangent ``power * value**(power-1)``
        times the tangent of ``self``."""
        ### BEGIN SOLUTION
        derivative = power * self.value ** (power - 1)
        return Dual(self.value**power, derivative * self.tangent)
        ### END SOLUTION


# %% [markdown]
# ### Reverse mode: a computational graph swept backwards
# Every operation on a `Var` records its inputs and its local derivatives. `y.backward()` visits the
# graph from `y` back to the inputs in reverse topological order (each node after every node that
# uses it) and accumulates adjoints `v̄ = Σ_children c̄ ∂c/∂v`: a variable used twice gets the sum
# of both contributions. A chain of 20000 operations is an ordinary program: the sweep must not
# recurse once per node (Python stops at about 1000 nested calls), so sort the graph iteratively.


# %%
class Var:
    """A scalar node of a computational graph (reverse-mode automatic differentiation); exercise
    ``week05_diffprog.Var``.

    Math:
        Every operation ``w = f(u, v)`` returns a new ``Var`` that remembers its inputs and the local
        derivatives ``df/du``, ``df/dv``. ``y.backward()`` computes the adjoints
        ``v_bar = dy/dv = sum over the nodes c that use v of c_bar * dc/dv`` (with ``y_bar = 1``) by
        one sweep over the graph in reverse topological order.
    Args:
        value: the value of the node, a Python float.
    Attributes:
        ``value`` (Python float) and ``grad`` (Python float, 0.0 when the node is created).
    Operators (each returns a new ``Var``; none changes its operands):
        ``u + v``, ``u - v``, ``u * v``, ``u / v``, ``-u`` and ``u ** p`` for a Python number ``p``,
        with a Python number allowed on either side (``2 * x``, ``1 + x``, ``2 - x``, ``3 / x``).
    backward():
        Adds ``dy/dv`` to ``v.grad`` for every node ``v`` of the graph of ``y`` (``y`` itself gets
        1): gradients accumulate like ``torch``'s ``.grad``, so calling ``y.backward()`` twice
        doubles every ``grad``; a node used by several operations (``x * x``, ``x + x``, a diamond
        ``a = f(x); y = g(a) * h(a)``) receives the sum of all its contributions.
    Numerics:
        Must work on graphs of any depth: a chain of 20000 operations must not hit Python's
        recursion limit (sort the graph with an explicit stack, not by recursion).
    Properties the grader checks:
        Values and ``grad`` of every input after ``backward()`` for single operations, the slide
        function, random expression trees, variables used twice, diamonds and a 20000-node chain,
        against ``torch.autograd`` in float64 (rtol 1e-12); two ``backward()`` calls accumulate.
    Forbidden: torch, autograd, jax (plain Python and ``math`` only).
    """

    def __init__(self, value: float, parents: tuple = ()):
        """Store ``value``, ``grad = 0.0`` and what backward needs (``parents``: the operators'
        pairs of (input ``Var``, local derivative of this node w.r.t. that input); empty for an
        input of the graph)."""
        ### BEGIN SOLUTION
        self.value = float(value)
        self.grad = 0.0
        self.parents = parents
        ### END SOLUTION

    def __add__(self, other):
        """``self + other``; ``other`` a ``Var`` or a Python number."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Var) else Var(other)
        return Var(self.value + other.value, ((self, 1.0), (other, 1.0)))
        ### END SOLUTION

    def __radd__(self, other):
        """``other + self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __sub__(self, other):
        """``self - other``."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Var) else Var(other)
        return Var(self.value - other.value, ((self, 1.0), (other, -1.0)))
        ### END SOLUTION

    def __rsub__(self, other):
        """``other - self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return Var(other) - self
        ### END SOLUTION

    def __mul__(self, other):
        """``self * other``."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Var) else Var(other)
        return Var(self.value * other.value, ((self, other.value), (other, self.value)))
        ### END SOLUTION

    def __rmul__(self, other):
        """``other * self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __truediv__(self, other):
        """``self / other``."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Var) else Var(other)
        value = self.value / other.value
        return Var(value, ((self, 1.0 / other.value), (other, -value / other.value)))
        ### END SOLUTION

    def __rtruediv__(self, other):
        """``other / self`` for a Python number ``other``."""
        ### BEGIN SOLUTION
        return Var(other) / self
        ### END SOLUTION

    def __neg__(self):
        """``-self``."""
        ### BEGIN SOLUTION
        return Var(-self.value, ((self, -1.0),))
        ### END SOLUTION

    def __pow__(self, power: float):
        """``self ** power`` for a Python number ``power``."""
        ### BEGIN SOLUTION
        return Var(self.value**power, ((self, power * self.value ** (power - 1)),))
        ### END SOLUTION

    def backward(self) -> None:
        """Add ``d self / d v`` to ``v.grad`` for every node ``v`` of the graph (``self`` gets 1)."""
        ### BEGIN SOLUTION
        order, visited, stack = [], set(), [(self, False)]
        while stack:  # iterative depth-first search: every node after all of its inputs
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent, _ in node.parents)
        adjoints = {id(self): 1.0}
        for node in reversed(order):
            adjoint = adjoints.get(id(node), 0.0)
            node.grad += adjoint
            for parent, local in node.parents:
                adjoints[id(parent)] = adjoints.get(id(parent), 0.0) + adjoint * local
        ### END SOLUTION


# %% [markdown]
# ### Elementary functions for both modes
# `sin, cos, exp, log, tanh` dispatch on the type of their argument: a `Dual` gets the chain rule
# on its tangent, a `Var` records the local derivative, a plain number gives the plain `math` value.


# %%
def sin(x):
    """``sin(x)`` for a ``Dual``, a ``Var`` or a Python number (then a float)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.sin(x.value), math.cos(x.value) * x.tangent)
    if isinstance(x, Var):
        return Var(math.sin(x.value), ((x, math.cos(x.value)),))
    return math.sin(x)
    ### END SOLUTION


def cos(x):
    """``cos(x)`` for a ``Dual``, a ``Var`` or a Python number (then a float)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.cos(x.value), -math.sin(x.value) * x.tangent)
    if isinstance(x, Var):
        return Var(math.cos(x.value), ((x, -math.sin(x.value)),))
    return math.cos(x)
    ### END SOLUTION


def exp(x):
    """``exp(x)`` for a ``Dual``, a ``Var`` or a Python number (then a float)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.exp(x.value), math.exp(x.value) * x.tangent)
    if isinstance(x, Var):
        return Var(math.exp(x.value), ((x, math.exp(x.value)),))
    return math.exp(x)
    ### END SOLUTION


def log(x):
    """``log(x)`` (natural, ``x > 0``) for a ``Dual``, a ``Var`` or a Python number."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.log(x.value), (1.0 / x.value) * x.tangent)
    if isinstance(x, Var):
        return Var(math.log(x.value), ((x, (1.0 / x.value)),))
    return math.log(x)
    ### END SOLUTION


def tanh(x):
    """``tanh(x)`` for a ``Dual``, a ``Var`` or a Python number (then a float)."""
    ### BEGIN SOLUTION
    if isinstance(x, Dual):
        return Dual(math.tanh(x.value), (1.0 - math.tanh(x.value) ** 2) * x.tangent)
    if isinstance(x, Var):
        return Var(math.tanh(x.value), ((x, (1.0 - math.tanh(x.value) ** 2)),))
    return math.tanh(x)
    ### END SOLUTION


# %% [markdown]
# ### The slide traces
# The lecture traces `y = 2 x0 + x0 sin x1 + x1³` through its intermediate variables
# `v0 = x0, v1 = x1, v2 = 2 v0, v3 = sin v1, v4 = v0 v3, v5 = v1³, v6 = v2 + v4 + v5 = y`,
# forward (values and tangents) and backward (adjoints). Reproduce the three columns of its table.


# %%
def slide_traces(x0: float = 1.0, x1: float = 2.0) -> dict:
    """The evaluation traces of ``y = 2 x0 + x0 sin x1 + x1**3``; exercise
    ``week05_diffprog.slide_traces``.

    Math:
        ``v0 = x0, v1 = x1, v2 = 2 v0, v3 = sin v1, v4 = v0 v3, v5 = v1**3, v6 = v2 + v4 + v5``.
        Forward tangents with ``x0_dot = 1, x1_dot = 0``: ``v_dot_i = d v_i / d x0``.
        Adjoints: ``v_bar_i = d y / d v_i`` with every ``v_i`` taken as a node of the graph (so
        ``v_bar_6 = 1``, ``v_bar_0 = v_bar_2 * 2 + v_bar_4 * v3``: x0 is used twice).
    Args:
        x0, x1: Python floats.
    Returns:
        ``{"primal": [v0, ..., v6], "tangent_dx0": [v_dot_0, ..., v_dot_6],
        "adjoint": [v_bar_0, ..., v_bar_6]}``, each a list of 7 Python floats.
    Properties the grader checks:
        The slide's table at ``(x0, x1) = (1, 2)`` (``v6 = 10.909297``, ``v_bar_1 = 11.583853``,
        ``v_bar_0 = 2.909297``), and random points against ``torch.autograd`` (rtol 1e-12).
    Allowed: your ``Dual`` and ``Var`` or plain arithmetic. Forbidden: torch, autograd, jax.
    """
    ### BEGIN SOLUTION
    v = [Dual(x0, 1.0), Dual(x1, 0.0)]
    v += [2 * v[0], sin(v[1])]
    v += [v[0] * v[3], v[1] ** 3]
    v.append(v[2] + v[4] + v[5])
    n = [Var(x0), Var(x1)]
    n += [2 * n[0], sin(n[1])]
    n += [n[0] * n[3], n[1] ** 3]
    n.append(n[2] + n[4] + n[5])
    n[6].backward()
    return {
        "primal": [d.value for d in v],
        "tangent_dx0": [d.tangent for d in v],
        "adjoint": [node.grad for node in n],
    }
    ### END SOLUTION


# %% [markdown]
# ## Part 2: the Ising model, exactly
# The partition function Z = sum over all configurations of exp(-beta E(s)) holds the whole
# thermodynamics. For small lattices it can be computed exactly, and differentiated.

# %% [markdown]
# ### The periodic Ising chain
# N spins s_i = +-1 on a ring, E(s) = -J sum_i s_i s_{i+1} - h sum_i s_i. With K = beta J and
# H = beta h the transfer matrix T_{ss'} = exp(K s s' + H (s + s') / 2) gives Z = tr T^N =
# lambda_+^N + lambda_-^N, lambda_+- = e^K [cosh H +- sqrt(sinh^2 H + e^{-4K})]. Written as it
# stands, e^K overflows float32 at K = 89; factor it out and work with logarithms:
# ln Z = N ln lambda_+ + log1p(sgn (|lambda_-| / lambda_+)^N), where sgn is the sign of lambda_-^N
# (negative for an antiferromagnet, J < 0, with N odd). Since lambda_+ lambda_- = 2 sinh 2K, the
# small eigenvalue needs no subtraction at all.


# %%
def ising1d_lnZ(
    beta: torch.Tensor, N: int, J: float | torch.Tensor = 1.0, h: float | torch.Tensor = 0.0
) -> torch.Tensor:
    r"""Compute ln Z of the periodic Ising chain of ``N`` spins exactly, without overflow.

    Exercise ``week05_diffprog.ising1d_lnZ``.

    Math:
        E(s) = -J sum_{i=1}^{N} s_i s_{i+1} - h sum_i s_i,   s_{N+1} = s_1,   s_i = +-1
        Z = sum_s exp(-beta E(s)) = lambda_+^N + lambda_-^N,   K = beta J,  H = beta h,
        lambda_+- = e^K [cosh H +- sqrt(sinh^2 H + e^{-4K})],   lambda_+ lambda_- = 2 sinh 2K
        ln Z = N ln lambda_+ + log1p(sgn * exp(N (ln|lambda_-| - ln lambda_+))),
        sgn = sign(lambda_-)^N = sign(K)^N.
    Args:
        beta: the inverse temperature, a 0-dim tensor, float32 or float64, any device.
        N: the number of spins, an int >= 2.
        J: the coupling, a Python float or a 0-dim tensor of ``beta``'s dtype and device; J < 0 is
            an antiferromagnet. beta J != 0.
        h: the magnetic field, a Python float or a 0-dim tensor like ``beta``.
    Returns:
        ln Z, a 0-dim tensor with the dtype and device of ``beta``.
    Numerics:
        Exact (closed-form tolerance: rel 1e-12 in float64, 1e-6 in float32) for -5 <= beta J <= 100,
        |beta h| <= 5 and N <= 1000. At beta J = 100, N = 10 in float32 the answer is 1000.693:
        e^{beta J} and lambda_+^N overflow float32 (at 89), so never form them; work with
        ln lambda_+ = K + ln(cosh H + sqrt(sinh^2 H + e^{-4K})). For J < 0 and odd N the second
        term is negative (lambda_-^N < 0). Differentiable (autograd, twice) in ``beta``, ``J``
        and ``h`` when they are tensors (gradients are checked for |beta J| <= 5).
    Properties the grader checks:
        the brute-force sum over all 2^N states for small N; strong coupling in float32; at
        N = 400 the autograd thermodynamics matches the closed forms of the infinite chain:
        -dlnZ/dbeta / N = -J tanh(K) (h = 0), beta^2 d^2lnZ/dbeta^2 / N = K^2 / cosh^2(K) (h = 0),
        dlnZ/dh / (beta N) = sinh H / sqrt(sinh^2 H + e^{-4K}).
    Allowed:
        any elementwise torch operation (``exp``, ``log``, ``log1p``, ``sqrt``, ``cosh``, ...).
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    coupling = beta * J
    field = beta * h
    root = torch.sqrt(torch.sinh(field).square() + torch.exp(-4 * coupling))
    log_large = coupling + torch.log(torch.cosh(field) + root)
    strength = 2 * coupling.abs()  # ln|2 sinh 2K| = 2|K| + log1p(-e^{-4|K|})
    log_product = strength + torch.log1p(-torch.exp(-2 * strength))
    log_small = log_product - log_large
    sign = torch.sign(coupling) ** N
    return N * log_large + torch.log1p(sign * torch.exp(N * (log_small - log_large)))
    ### END SOLUTION


# %% [markdown]
# ### The 2-D Ising model by enumeration
# On an L x L torus, E(s) = -J sum_<ij> s_i s_j - h sum_i s_i, each site bonded to its right and
# lower neighbours with periodic wrap-around (`torch.roll` along both axes). For L = 2 the right
# neighbour of the right neighbour is the site itself, so every bond appears twice: the ground
# state has E = -8J and Z = 2e^{8K} + 12 + 2e^{-8K}. For L <= 4 all 2^{L^2} <= 65536 states fit in
# one tensor; ln Z is then one `torch.logsumexp` over -beta E.


# %%
def ising2d_lnZ_enumerate(
    beta: torch.Tensor, L: int, J: float | torch.Tensor = 1.0, h: float | torch.Tensor = 0.0
) -> torch.Tensor:
    r"""Compute ln Z of the Ising model on an L x L torus by summing over all 2^(L^2) states.

    Exercise ``week05_diffprog.ising2d_lnZ_enumerate``.

    Math:
        E(s) = -J sum_{x,y} s_{x,y} (s_{x+1,y} + s_{x,y+1}) - h sum_{x,y} s_{x,y},  indices mod L
        (2 L^2 bond terms: for L = 2 every bond is counted twice, as ``torch.roll`` gives)
        ln Z = ln sum_s exp(-beta E(s)) = logsumexp over the 2^(L^2) states of -beta E(s).
    Args:
        beta: the inverse temperature, a 0-dim tensor, float32 or float64, any device.
        L: the side of the torus, an int with 1 <= L <= 4.
        J: the coupling, a Python float or a 0-dim tensor like ``beta``.
        h: the magnetic field, a Python float or a 0-dim tensor like ``beta``.
    Returns:
        ln Z, a 0-dim tensor with the dtype and device of ``beta``.
    Numerics:
        Vectorized: build all states as one ``(2^(L^2), L, L)`` tensor of +-1 (bits of
        ``torch.arange``), no Python loop over states. Sum exp(-beta E) with ``torch.logsumexp``:
        at beta J = 16 on a 3 x 3 torus the weights reach e^288 (float32 ends at e^88).
        Differentiable (autograd, twice) in ``beta``, ``J`` and ``h`` when they are tensors.
    Properties the grader checks:
        2 x 2: Z = 2e^{8K} + 12 + 2e^{-8K}; ln Z at K_c = ln(1 + sqrt 2) / 2 for 3 x 3
        (9.020213400944334) and 4 x 4 (15.521915458755283); 4 x 4 with beta = 0.5, J = 1, h = 0.3
        (18.68205985090807); the derivatives of ln Z are the Boltzmann averages
        <E> = -dlnZ/dbeta, Var E = d^2lnZ/dbeta^2, <M^2> = d^2lnZ/dh^2 / beta^2 at h = 0.
    Allowed:
        any torch operation (``torch.roll``, ``torch.logsumexp``, bit operations on integers).
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    sites = L * L
    codes = torch.arange(2**sites, device=beta.device)
    bits = (codes[:, None] >> torch.arange(sites, device=beta.device)) & 1
    spins = (1 - 2 * bits).to(beta.dtype).reshape(-1, L, L)
    bonds = (spins * (spins.roll(1, dims=1) + spins.roll(1, dims=2))).sum(dim=(1, 2))
    magnetization = spins.sum(dim=(1, 2))
    return torch.logsumexp(beta * (J * bonds + h * magnetization), dim=0)
    ### END SOLUTION


# %% [markdown]
# ### The 2-D Ising model by a transfer matrix
# Cut the Lx x Ly torus into Lx columns of Ly spins. A column state c is one of 2^Ly spin patterns;
# the transfer matrix T_{cc'} = exp(V(c)/2 + K c.c' + V(c')/2) holds the bonds between neighbouring
# columns (K c.c') and splits each column's own energy V(c) = K sum_y c_y c_{y+1} + H sum_y c_y
# evenly between its two neighbours, so that T is symmetric and `torch.linalg.eigvalsh` applies.
# Then Z = tr T^Lx = sum_k lambda_k^Lx: ln Z needs only the largest eigenvalue in the log and the
# ratios lambda_k / lambda_max, which may be negative.


# %%
def ising2d_lnZ_transfer(
    beta: torch.Tensor,
    Lx: int,
    Ly: int,
    J: float | torch.Tensor = 1.0,
    h: float | torch.Tensor = 0.0,
) -> torch.Tensor:
    r"""Compute ln Z of the Ising model on an Lx x Ly torus with a column transfer matrix.

    Exercise ``week05_diffprog.ising2d_lnZ_transfer``.

    Math:
        Energy as in ``ising2d_lnZ_enumerate`` on an Lx x Ly torus (bonds to the right and lower
        neighbours, periodic; a side of length 2 counts its bonds twice). With K = beta J,
        H = beta h and a column c in {-1, +1}^Ly:
        V(c) = K sum_y c_y c_{y+1} + H sum_y c_y   (y + 1 mod Ly),
        T_{cc'} = exp(V(c) / 2 + K sum_y c_y c'_y + V(c') / 2),   a symmetric 2^Ly x 2^Ly matrix,
        Z = tr T^Lx = sum_k lambda_k^Lx,   lambda_k the eigenvalues of T (``eigvalsh``).
    Args:
        beta: the inverse temperature, a 0-dim tensor, float32 or float64, any device.
        Lx: the number of columns, an int >= 1.
        Ly: the length of a column, an int with 1 <= Ly <= 10.
        J: the coupling, a Python float or a 0-dim tensor like ``beta``.
        h: the magnetic field, a Python float or a 0-dim tensor like ``beta``.
    Returns:
        ln Z, a 0-dim tensor with the dtype and device of ``beta``.
    Numerics:
        ln Z = Lx ln lambda_max + ln sum_k (lambda_k / lambda_max)^Lx: at beta J = 16 on a 3 x 3
        torus the entries of T reach e^96 and lambda_max^Lx e^288, beyond float32 (e^88); and for
        J < 0 some lambda_k are negative. Shift the exponent of T by its largest entry before
        ``exp`` and add the shift back (Lx times). Differentiable (autograd,
        twice) in ``beta``, ``J`` and ``h`` when they are tensors.
    Properties the grader checks:
        equals enumeration on small tori; 2 x 2: Z = 2e^{8K} + 12 + 2e^{-8K}; at K_c:
        ln Z = 15.521915458755283 (4 x 4) and 60.14178078906915 (8 x 8);
        4 x 4 with beta = 0.5, J = 1, h = 0.3: 18.68205985090807.
    Allowed:
        any torch operation; ``torch.linalg.eigvalsh`` for the eigenvalues.
    Forbidden:
        ``torch.linalg.matrix_power`` and ``torch.matrix_power`` (use the eigenvalues).
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    codes = torch.arange(2**Ly, device=beta.device)
    bits = (codes[:, None] >> torch.arange(Ly, device=beta.device)) & 1
    columns = (1 - 2 * bits).to(beta.dtype)
    coupling, field = beta * J, beta * h
    own = coupling * (columns * columns.roll(1, dims=1)).sum(dim=1) + field * columns.sum(dim=1)
    exponent = own[:, None] / 2 + coupling * columns @ columns.T + own[None, :] / 2
    shift = exponent.max().detach()
    eigenvalues = torch.linalg.eigvalsh((exponent - shift).exp())
    largest = eigenvalues[-1]
    ratios = (eigenvalues / largest) ** Lx
    return Lx * (shift + largest.log()) + ratios.sum().log()
    ### END SOLUTION


# %% [markdown]
# ## Part 3: thermodynamics and ground states by autograd
# Derivatives of ln Z with respect to beta give the energy and the specific heat; derivatives of
# an eigenvalue with respect to the matrix are perturbation theory.


# %% [markdown]
# ### Thermodynamics from ln Z
# With Z(beta) = sum_s exp(-beta E(s)) for N sites, every thermodynamic quantity per site is a
# derivative of ln Z: the free energy f = -ln Z / (beta N), the energy e = -d ln Z / d beta / N,
# the specific heat c = beta^2 d^2 ln Z / d beta^2 / N (the variance of the energy) and the
# entropy s = (ln Z + beta E) / N = ln Z / N + beta e. Autograd gives the second derivative by
# differentiating the first one, which it can only do if the first derivative was itself recorded
# as a computation: `torch.autograd.grad(..., create_graph=True)`. For the 2-D Ising model,
# differentiating Onsager's integral gives the exact energy, u(K_c) = -sqrt(2) at the critical
# point.


# %%
def thermodynamics(
    lnZ_fn: Callable[[torch.Tensor], torch.Tensor], beta: torch.Tensor, n_sites: int
) -> dict[str, torch.Tensor]:
    r"""Compute the free energy, energy, specific heat and entropy per site from ln Z by autograd.

    Exercise ``week05_diffprog.thermodynamics``.

    Math:
        f = -ln Z / (beta N)
        e = -(d ln Z / d beta) / N
        c = beta^2 (d^2 ln Z / d beta^2) / N
        s = (ln Z + beta E) / N = ln Z / N + beta e       (E = N e, units with k_B = 1)
        with ln Z = lnZ_fn(beta) and N = ``n_sites``.
    Args:
        lnZ_fn: the total ln Z as a function of beta: maps a 0-dim tensor to a 0-dim tensor, in its
            input's dtype and device, differentiable by autograd (twice and more).
        beta: the inverse temperature, a 0-dim tensor (beta > 0), float32 or float64, any device;
            it may already require grad.
        n_sites: N, the number of sites ln Z is the total of (a Python int >= 1).
    Returns:
        A dict with the keys ``"f"``, ``"e"``, ``"c"``, ``"s"``, each a 0-dim tensor in the dtype
        and device of ``beta``.
    Numerics:
        Both derivatives by ``torch.autograd.grad``: the first with ``create_graph=True`` (the
        second derivative differentiates it), the second with ``create_graph=True`` too, so that
        all four outputs stay differentiable in the parameters ``lnZ_fn`` depends on (e.g. the
        coupling J).
    Properties the grader checks:
        the outputs of the 1-D Ising chain (e = -J tanh K, c = K^2 sech^2 K for a long chain,
        K = beta J); for a few energy levels, e is the Boltzmann average of the energy, c is
        beta^2 times its variance and s the Gibbs entropy -sum p ln p; for the 2-D Ising model
        (Onsager's integral) e is Onsager's exact energy: u(K_c) = -sqrt(2), u(0.3) = -0.70449907,
        u(0.6) = -1.90908618; the gradients of the outputs w.r.t. the parameters of ``lnZ_fn``.
    Allowed:
        ``torch.autograd.grad``; call ``lnZ_fn`` as often as you like, at ``beta`` only (no finite
        differences).
    Do not modify ``beta`` in place.
    """
    ### BEGIN SOLUTION
    beta = beta.detach().requires_grad_(True)
    ln_z = lnZ_fn(beta)
    (first,) = torch.autograd.grad(ln_z, beta, create_graph=True)
    (second,) = torch.autograd.grad(first, beta, create_graph=True)
    energy = -first / n_sites
    return {
        "f": -ln_z / (beta * n_sites),
        "e": energy,
        "c": beta**2 * second / n_sites,
        "s": ln_z / n_sites + beta * energy,
    }
    ### END SOLUTION


# %% [markdown]
# ### The derivative of a ground state
# The ground state of a symmetric matrix A (a Hamiltonian) is its lowest eigenpair,
# A v0 = lambda0 v0. First-order perturbation theory says how it moves when A changes by dA:
# d lambda0 = v0^T dA v0 and dv0 = sum_{i != 0} v_i (v_i^T dA v0) / (lambda0 - lambda_i).
# Run backwards (reverse mode), this gives the gradient of any loss L(lambda0, v0) with respect to
# A from the gradients w.r.t. lambda0 and v0. You write it as a `torch.autograd.Function`: its
# `forward` may call `torch.linalg.eigh`, its `backward` is yours. The sign of v0 is arbitrary, so
# only losses that do not change under v0 -> -v0 are meaningful (e.g. ones built from v0^2).


# %%
class GroundState(torch.autograd.Function):
    r"""The ground state (lambda0, v0) of a symmetric matrix, with a backward pass written by hand.

    Exercise ``week05_diffprog.GroundState``; called as ``lambda0, v0 = GroundState.apply(A)``.

    Math:
        A = sum_i lambda_i v_i v_i^T, lambda_0 < lambda_1 <= ... (orthonormal v_i).
        forward:  (lambda_0, v_0).
        backward (inverse perturbation theory), from g = dL/dlambda_0 and h = dL/dv_0:
            dL/dA = sym( g v_0 v_0^T + sum_{i != 0} (v_i^T h) / (lambda_0 - lambda_i) v_i v_0^T ),
            sym(M) = (M + M^T) / 2.
    Args (forward):
        A: a symmetric matrix, shape ``(n, n)`` with n >= 1, float32 or float64, any device, whose
            ground state is not degenerate (lambda_1 - lambda_0 >= 1e-3).
    Returns (forward):
        ``(lambda0, v0)``: the lowest eigenvalue, a 0-dim tensor, and its unit eigenvector, shape
        ``(n,)``, either sign; dtype and device of ``A``.
    Backward:
        ``backward(ctx, grad_lambda0, grad_v0)`` returns dL/dA, shape ``(n, n)``, symmetric.
    Numerics:
        only the ground state's own gap enters the denominators: degeneracies among the excited
        states are harmless.
    Properties the grader checks:
        lambda0 and v0^2 (v0 up to its sign); the gradient w.r.t. A of lambda0, of v0^2 and of the
        loss lambda0 + sum |v0^2 - t^2| agree with autograd through ``torch.linalg.eigh``; the
        gradient is symmetric.
    Allowed:
        ``torch.linalg.eigh`` in ``forward`` (and in ``backward``, without autograd);
        ``ctx.save_for_backward``.
    Forbidden:
        autograd inside the Function (``torch.autograd.grad``, ``torch.autograd.backward``,
        ``Tensor.backward``, ``torch.enable_grad``, ``torch.func``, ``torch.autograd.functional``):
        the backward pass is yours to write.
    Do not modify ``A`` in place.
    """

    @staticmethod
    def forward(ctx, A: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(lambda0, v0)`` and save what ``backward`` needs."""
        ### BEGIN SOLUTION
        eigenvalues, eigenvectors = torch.linalg.eigh(A)
        ctx.save_for_backward(eigenvalues, eigenvectors)
        return eigenvalues[0], eigenvectors[:, 0]
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_lambda0: torch.Tensor, grad_v0: torch.Tensor) -> torch.Tensor:
        """Return dL/dA (symmetric) from dL/dlambda0 and dL/dv0 by inverse perturbation theory."""
        ### BEGIN SOLUTION
        eigenvalues, eigenvectors = ctx.saved_tensors
        v0, excited = eigenvectors[:, 0], eigenvectors[:, 1:]
        coefficients = (excited.T @ grad_v0) / (eigenvalues[0] - eigenvalues[1:])
        grad_A = grad_lambda0 * torch.outer(v0, v0) + torch.outer(excited @ coefficients, v0)
        return (grad_A + grad_A.T) / 2
        ### END SOLUTION


# %% [markdown]
# ### The inverse Schrodinger problem
# Which potential V binds a particle with a given density? On a grid of N points the Hamiltonian
# is the matrix H = K + diag(V) (K the kinetic energy, e.g. the finite-difference -1/2 d^2/dx^2),
# its ground state psi0 the eigenvector of the lowest eigenvalue, and the density the squares
# psi0_i^2 (they sum to 1). Rather than inverting the map V -> psi0^2 by hand, you write a loss
# that compares the density with a target and let autograd differentiate it through the
# eigensolver (or through your `GroundState`): gradient descent on V then solves the inverse
# problem. The density does not change when psi0 changes sign, nor when V is shifted by a
# constant (H -> H + c 1 has the same eigenvectors), and neither may the loss.


# %%
def inverse_schrodinger_loss(
    V: torch.Tensor, K: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    r"""How far the ground-state density of H = K + diag(V) is from a target density.

    Exercise ``week05_diffprog.inverse_schrodinger_loss``.

    Math:
        H = K + diag(V), an N x N symmetric matrix; H psi0 = lambda0 psi0 with lambda0 the
        lowest eigenvalue and |psi0| = 1 (psi0 has either sign);
        L(V) = sum_i (psi0_i^2 - target_i)^2.
    Args:
        V: the potential on the grid, shape ``(N,)`` with N >= 1, float32 or float64, any
            device; it may require grad (the gradient dL/dV is what the inverse problem needs).
        K: the kinetic matrix, shape ``(N, N)``, symmetric, same dtype and device as ``V``;
            e.g. the finite-difference -1/2 Laplacian (1 / (2 h^2)) tridiag(-1, 2, -1).
        target: the target density, shape ``(N,)``, entries >= 0 summing to 1, same dtype and
            device as ``V``.
    Returns:
        L, a 0-dim tensor in the dtype and device of ``V``, differentiable w.r.t. ``V`` by
        autograd.
    Numerics:
        the ground state of H is not degenerate (lambda1 - lambda0 >= 1e-3), so the gradient
        through the eigenvectors is finite.
    Properties the grader checks:
        L and dL/dV against the reference, on random symmetric problems and on the physical one
        (K the finite-difference kinetic matrix of a particle in a box, V a trap, target a
        Gaussian density); L = 0 and dL/dV = 0 when target = psi0(V)^2 exactly; L does not
        change under V -> V + c (a constant shifts every eigenvalue, not the eigenvectors), so
        sum_i dL/dV_i = 0; dL/dV agrees with central differences in float64.
    Allowed:
        ``torch.linalg.eigh`` with its autograd (mind the layout of what it returns), or your
        own ``GroundState.apply(H)`` of this week: the grader then grades your loss with
        whatever ``GroundState`` this module contains.
    Do not modify ``V``, ``K`` or ``target`` in place.
    """
    ### BEGIN SOLUTION
    hamiltonian = K + torch.diag(V)
    _, eigenvectors = torch.linalg.eigh(hamiltonian)
    density = eigenvectors[:, 0] ** 2
    return ((density - target) ** 2).sum()
    ### END SOLUTION
