"""Trust tests for the week 7 flow references (flow_forward, flow_log_prob, reverse_kl_loss,
exact_divergence, hutchinson_divergence).

Oracles: autograd Jacobians of the composed map with ``torch.linalg.slogdet``, the Gaussian density
``torch.distributions.Normal``, the closed form ``-ln Z = -(D/2) ln pi + (1/2) ln det A`` of
curriculum 4.3, autograd Hessians for the Laplacian, and Monte-Carlo moments of Hutchinson's
estimator against its variance formulas (curriculum 7.4). The grader's own exact-result cases are
checked here too, for many seeds.
"""

from __future__ import annotations

import math

import pytest
import torch

from autograder.case import CaseRng
from autograder.exercises.week07_generative2 import divergence, flows
from autograder.exercises.week07_generative2.flow_layers import (
    affine,
    alternating_couplings,
    build_layers,
)
from ml4p_ref import week07_generative2 as ref
from solutions import week07_generative2 as sol

pytestmark = pytest.mark.week07


def composed_log_abs_det(layers: list, z: torch.Tensor) -> torch.Tensor:
    """``ln|det dx/dz|`` per sample from autograd Jacobians of the composed forward map."""

    def forward(sample: torch.Tensor) -> torch.Tensor:
        x = sample[None]
        for layer in layers:
            x = layer(x)[0]
        return x[0]

    jacobians = [torch.autograd.functional.jacobian(forward, sample) for sample in z]
    return torch.stack([torch.linalg.slogdet(j).logabsdet for j in jacobians])


def test_flow_forward_logdet_is_log_abs_det_of_the_composition():
    layers = build_layers(alternating_couplings(CaseRng(1), 4, 3))
    z = CaseRng(2).normal(5, 4)
    x, logdet = ref.flow_forward(layers, z)
    torch.testing.assert_close(logdet, composed_log_abs_det(layers, z), rtol=1e-10, atol=1e-10)
    composed = z
    for layer in layers:
        composed = layer(composed)[0]
    torch.testing.assert_close(x, composed, rtol=0, atol=0)


def test_flow_log_prob_is_the_change_of_variables():
    layers = build_layers(alternating_couplings(CaseRng(3), 4, 3))
    z = CaseRng(4).normal(5, 4)
    x, _ = ref.flow_forward(layers, z)
    normal = torch.distributions.MultivariateNormal(
        torch.zeros(4, dtype=torch.float64), torch.eye(4, dtype=torch.float64)
    )
    expected = normal.log_prob(z) - composed_log_abs_det(layers, z)
    torch.testing.assert_close(ref.flow_log_prob(layers, x), expected, rtol=1e-10, atol=1e-10)


def test_affine_flow_is_the_gaussian_n_b_a2():
    scale = torch.tensor([-1.5, 0.4, 2.0], dtype=torch.float64)
    shift = torch.tensor([0.3, -1.0, 2.5], dtype=torch.float64)
    layers = build_layers([affine(scale, shift)])
    x = CaseRng(5).normal(7, 3, scale=2.0)
    expected = torch.distributions.Normal(shift, scale.abs()).log_prob(x).sum(dim=-1)
    torch.testing.assert_close(ref.flow_log_prob(layers, x), expected, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_grader_grid_density_integrates_to_one(seed):
    grid_case = flows.flow_log_prob_cases(CaseRng(seed))[-1]
    layers = build_layers(grid_case.inputs["layers"])
    with torch.no_grad():
        log_prob = ref.flow_log_prob(layers, grid_case.inputs["x"])
    cell = (2 * flows.GRID_HALF_WIDTH / (flows.GRID_SIDE - 1)) ** 2
    total = float(torch.logsumexp(log_prob, dim=0).exp()) * cell
    assert abs(total - 1) <= flows.GRID_TOLERANCE / 5


def test_reverse_kl_of_the_exact_gaussian_flow_is_minus_ln_pi_with_zero_variance():
    precision = torch.tensor([[1.0, 0.5], [0.5, 1.25]], dtype=torch.float64)  # det A = 1
    layers = build_layers(flows.gaussian_flow(precision))
    z = CaseRng(6).normal(50, 2)
    log_target = flows._target("gaussian", precision)
    per_sample = [float(ref.reverse_kl_loss(layers, log_target, z[i : i + 1])) for i in range(50)]
    assert flows.minus_log_z(precision) == pytest.approx(-math.log(math.pi), abs=1e-15)
    assert max(abs(value + math.log(math.pi)) for value in per_sample) < 1e-13
    x, _ = ref.flow_forward(layers, z)
    covariance = torch.linalg.inv(2 * precision)
    factor = torch.linalg.cholesky(covariance)
    torch.testing.assert_close(x, z @ factor.T, rtol=1e-13, atol=1e-13)


def test_reverse_kl_bounds_minus_ln_z_and_has_reparametrised_gradients():
    precision = torch.tensor([[0.8, -0.3], [-0.3, 0.5]], dtype=torch.float64)
    descriptions = alternating_couplings(CaseRng(7), 2, 2)
    z = CaseRng(8).normal(4000, 2)
    loss = ref.reverse_kl_loss(build_layers(descriptions), flows._target("gaussian", precision), z)
    assert float(loss) > flows.minus_log_z(precision)
    weight = descriptions[0]["s_net"]["W0"].requires_grad_(True)
    loss = ref.reverse_kl_loss(build_layers(descriptions), flows._target("gaussian", precision), z)
    (grad,) = torch.autograd.grad(loss, weight)
    assert bool(grad.abs().sum() > 0)


def test_exact_divergence_linear_trace_and_laplacian_of_a_potential():
    rng = CaseRng(9)
    matrix = rng.normal(4, 4)
    x = rng.normal(6, 4)
    field = {"kind": "linear", "A": matrix}
    torch.testing.assert_close(
        ref.exact_divergence(divergence.velocity(field), x), torch.trace(matrix).expand(6)
    )
    potential = {"kind": "potential", "W1": rng.normal(5, 4), "w2": rng.normal(5)}

    def u(point: torch.Tensor) -> torch.Tensor:
        return (torch.tanh(point @ potential["W1"].T) * potential["w2"]).sum()

    laplacian = torch.stack([torch.trace(torch.autograd.functional.hessian(u, p)) for p in x])
    gradient = torch.stack([torch.autograd.functional.jacobian(u, p) for p in x])
    torch.testing.assert_close(divergence.velocity(potential)(x), gradient, rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(
        divergence.exact_value(potential, x), laplacian, rtol=1e-12, atol=1e-12
    )
    torch.testing.assert_close(
        ref.exact_divergence(divergence.velocity(potential), x), laplacian, rtol=1e-12, atol=1e-12
    )


def test_hutchinson_is_the_quadratic_form_and_exact_for_a_diagonal_jacobian():
    rng = CaseRng(10)
    field = {"kind": "mlp", "net": divergence.mlp_weights(rng, [3, 8, 3])}
    x, noise = rng.normal(5, 3), rng.normal(5, 3)
    v_fn = divergence.velocity(field)
    jacobians = torch.stack(
        [torch.autograd.functional.jacobian(lambda p: v_fn(p[None])[0], p) for p in x]
    )
    expected = torch.stack([noise[b] @ jacobians[b] @ noise[b] for b in range(5)])
    torch.testing.assert_close(ref.hutchinson_divergence(v_fn, x, noise), expected)
    diagonal = {"kind": "diagonal", "d": rng.normal(4), "c": rng.normal(4)}
    y, signs = rng.normal(5, 4), divergence._rademacher(rng, 5, 4)
    torch.testing.assert_close(
        ref.hutchinson_divergence(divergence.velocity(diagonal), y, signs),
        divergence.exact_value(diagonal, y),
    )


@pytest.mark.parametrize("noise_kind", ["rademacher", "gaussian"])
def test_hutchinson_moments_match_the_variance_formulas(noise_kind):
    rng = CaseRng(11)
    matrix = rng.normal(4, 4)
    symmetric = 0.5 * (matrix + matrix.T)
    count = 200000
    noise = (
        divergence._rademacher(rng, count, 4)
        if noise_kind == "rademacher"
        else rng.normal(count, 4)
    )
    estimates = torch.einsum("bi,ij,bj->b", noise, matrix, noise)  # closed form e^T A e
    variance = 2 * (symmetric**2).sum()
    if noise_kind == "rademacher":
        variance = variance - 2 * (torch.diagonal(symmetric) ** 2).sum()
    standard_error = math.sqrt(float(estimates.var()) / count)
    assert abs(float(estimates.mean() - torch.trace(matrix))) < 5 * standard_error
    assert float(estimates.var()) == pytest.approx(float(variance), rel=0.02)
    few = ref.hutchinson_divergence(
        divergence.velocity({"kind": "linear", "A": matrix}), rng.normal(7, 4), noise[:7]
    )
    torch.testing.assert_close(few, estimates[:7])


@pytest.mark.parametrize(
    "name",
    [
        "flow_forward",
        "flow_log_prob",
        "reverse_kl_loss",
        "exact_divergence",
        "hutchinson_divergence",
    ],
)
def test_solution_matches_reference(name):
    rng = CaseRng(12)
    descriptions = alternating_couplings(rng, 4, 2)
    layers, z = build_layers(descriptions), rng.normal(5, 4)
    field = divergence.velocity({"kind": "mlp", "net": divergence.mlp_weights(rng, [4, 8, 4])})
    arguments = {
        "flow_forward": (layers, z),
        "flow_log_prob": (layers, z),
        "reverse_kl_loss": (
            layers,
            flows._target("quartic", 0.5 * torch.eye(4, dtype=torch.float64)),
            z,
        ),
        "exact_divergence": (field, z),
        "hutchinson_divergence": (field, z, rng.normal(5, 4)),
    }[name]
    torch.testing.assert_close(
        getattr(sol, name)(*arguments), getattr(ref, name)(*arguments), rtol=1e-12, atol=1e-13
    )
