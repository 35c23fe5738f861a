"""Trust tests for the week 2 reference: numpy backprop layers and convolution as a sparse matrix.

The backprop reference is checked against central finite differences in float64 and the closed
forms of the layer gradients; the convolution reference against ``F.conv2d`` (its matrix read off
from basis images), the slide goldens and the nnz formula of the curriculum. Each property is also
asserted for the instructor solution, which must agree with the reference.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import math
import time
from typing import NamedTuple

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import ml4p_ref.week02_mlp_cnn as ref
import solutions.week02_mlp_cnn as sol

pytestmark = pytest.mark.week02

IMPLS = [pytest.param(ref, id="ref"), pytest.param(sol, id="solution")]
RAISE_ALL = {"over": "raise", "invalid": "raise", "divide": "raise"}
FD_TOL = {"rtol": 1e-6, "atol": 1e-8}
CLOSED_FORM_TOL = {"rtol": 1e-12, "atol": 1e-14}
SOLUTION_TOL = {"rtol": 1e-10, "atol": 1e-12}


# ---------------------------------------------------------------------------------------------
# numpy backprop: helpers


def _numerical_grad(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f`` at ``x`` (float64)."""
    x = x.copy()
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        x[idx] = old - h
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


def _away_from_zero(x: np.ndarray) -> np.ndarray:
    """Push entries away from 0, where ReLU has a kink that finite differences straddle."""
    return np.sign(x) * (np.abs(x) + 0.1)


def _random_params(rng: np.random.Generator, sizes: list[int]) -> list[tuple]:
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in itertools.pairwise(sizes)]


def _soft_targets(rng: np.random.Generator, batch: int, classes: int) -> np.ndarray:
    return rng.dirichlet(np.ones(classes), size=batch)


def _one_hot(rng: np.random.Generator, batch: int, classes: int) -> np.ndarray:
    return np.eye(classes)[rng.integers(classes, size=batch)]


def _make_layer(impl, name: str, rng: np.random.Generator, f_in: int, f_out: int):
    if name == "Linear":
        return impl.Linear(rng.normal(size=(f_in, f_out)), rng.normal(size=f_out))
    return getattr(impl, name)()


def _network(impl, params: list[tuple]) -> tuple[object, list]:
    """Linear-Sigmoid-Linear-Tanh-...-Linear with a softmax cross-entropy loss."""
    linears = [impl.Linear(W, b) for W, b in params]
    layers = []
    for k, linear in enumerate(linears[:-1]):
        layers += [linear, impl.Sigmoid() if k % 2 == 0 else impl.Tanh()]
    return impl.Sequential([*layers, linears[-1]], impl.SoftmaxCrossEntropy()), linears


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# ---------------------------------------------------------------------------------------------
# numpy backprop: reference and solution against finite differences and closed forms


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", ["Linear", "Sigmoid", "Tanh", "ReLU"])
@pytest.mark.parametrize("batch", [1, 3])
def test_layer_input_gradient_matches_finite_differences(impl, name, batch):
    rng = np.random.default_rng(0)
    f_out = 5 if name == "Linear" else 4
    layer = _make_layer(impl, name, rng, 4, f_out)
    x = _away_from_zero(rng.normal(size=(batch, 4)))
    delta = rng.normal(size=(batch, f_out))
    expected = _numerical_grad(lambda v: np.sum(delta * layer.forward(v)), x)
    layer.forward(x)
    np.testing.assert_allclose(layer.backward(delta), expected, **FD_TOL)


@pytest.mark.parametrize("impl", IMPLS)
def test_linear_parameter_gradients_match_finite_differences(impl):
    rng = np.random.default_rng(1)
    W, b, x = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(5, 4))
    delta = rng.normal(size=(5, 3))
    layer = impl.Linear(W, b)
    layer.forward(x)
    layer.backward(delta)
    dW = _numerical_grad(lambda v: np.sum(delta * impl.Linear(v, b).forward(x)), W)
    db = _numerical_grad(lambda v: np.sum(delta * impl.Linear(W, v).forward(x)), b)
    np.testing.assert_allclose(layer.grads[0], dW, **FD_TOL)
    np.testing.assert_allclose(layer.grads[1], db, **FD_TOL)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("batch", [1, 6])
def test_linear_matches_closed_form(impl, batch):
    rng = np.random.default_rng(2)
    W, b, x = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(batch, 4))
    delta = rng.normal(size=(batch, 3))
    layer = impl.Linear(W, b)
    np.testing.assert_allclose(layer.forward(x), x @ W + b, **CLOSED_FORM_TOL)
    np.testing.assert_allclose(layer.backward(delta), delta @ W.T, **CLOSED_FORM_TOL)
    np.testing.assert_allclose(layer.grads[0], x.T @ delta, **CLOSED_FORM_TOL)
    np.testing.assert_allclose(layer.grads[1], delta.sum(axis=0), **CLOSED_FORM_TOL)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("targets", [_one_hot, _soft_targets])
@pytest.mark.parametrize("batch", [1, 4])
def test_softmax_cross_entropy_matches_closed_form(impl, targets, batch):
    rng = np.random.default_rng(3)
    logits, p = 3 * rng.normal(size=(batch, 5)), targets(rng, batch, 5)
    delta = rng.normal(size=batch)
    loss = impl.SoftmaxCrossEntropy()
    expected_loss = -(p * _log_softmax(logits)).sum(axis=1)
    np.testing.assert_allclose(loss.forward(logits, p), expected_loss, **CLOSED_FORM_TOL)
    expected_grad = (np.exp(_log_softmax(logits)) - p) * delta[:, None]
    np.testing.assert_allclose(loss.backward(delta), expected_grad, **CLOSED_FORM_TOL)
    fd = _numerical_grad(lambda z: np.sum(delta * impl.SoftmaxCrossEntropy().forward(z, p)), logits)
    np.testing.assert_allclose(loss.backward(delta), fd, **FD_TOL)


@pytest.mark.parametrize("batch", [1, 3])
def test_sequential_matches_finite_differences(batch):
    rng = np.random.default_rng(4)
    params = _random_params(rng, [4, 5, 3, 3])
    x, p = rng.normal(size=(batch, 4)), _soft_targets(rng, batch, 3)
    net, linears = _network(ref, params)
    loss = net.forward(x, p)
    assert isinstance(loss, float)
    dx = net.backward()
    np.testing.assert_allclose(dx, _numerical_grad(lambda v: net.forward(v, p), x), **FD_TOL)
    for k, (W, b) in enumerate(params):
        dW = _numerical_grad(
            lambda v, k=k: _network(ref, _replace(params, k, 0, v))[0].forward(x, p), W
        )
        db = _numerical_grad(
            lambda v, k=k: _network(ref, _replace(params, k, 1, v))[0].forward(x, p), b
        )
        np.testing.assert_allclose(linears[k].grads[0], dW, **FD_TOL)
        np.testing.assert_allclose(linears[k].grads[1], db, **FD_TOL)


def _replace(params: list[tuple], layer: int, slot: int, value: np.ndarray) -> list[tuple]:
    """A copy of ``params`` with ``params[layer][slot]`` replaced by ``value``."""
    pair = list(params[layer])
    pair[slot] = value
    return [*params[:layer], tuple(pair), *params[layer + 1 :]]


@pytest.mark.parametrize(
    "sizes", [[3, 4], [3, 5, 4], [2, 4, 3, 5]], ids=["depth1", "depth2", "depth3"]
)
@pytest.mark.parametrize("batch", [1, 5])
def test_mlp_loss_and_grads_matches_finite_differences(sizes, batch):
    rng = np.random.default_rng(5)
    params = _random_params(rng, sizes)
    x, y = rng.normal(size=(batch, sizes[0])), _one_hot(rng, batch, sizes[-1])
    loss, grads = ref.mlp_loss_and_grads(params, x, y)
    assert isinstance(loss, float)
    assert len(grads) == len(params)
    for k, (W, b) in enumerate(params):
        for slot, value in enumerate((W, b)):
            fd = _numerical_grad(
                lambda v, k=k, slot=slot: ref.mlp_loss_and_grads(
                    _replace(params, k, slot, v), x, y
                )[0],
                value,
            )
            np.testing.assert_allclose(grads[k][slot], fd, **FD_TOL)


@pytest.mark.parametrize("batch", [1, 4])
def test_mlp_reference_agrees_with_reference_layers(batch):
    """Two independent reference paths: one torch graph vs per-layer autograd in ``Sequential``."""
    rng = np.random.default_rng(6)
    params = _random_params(rng, [3, 6, 5, 4])
    x, y = rng.normal(size=(batch, 3)), _soft_targets(rng, batch, 4)
    loss, grads = ref.mlp_loss_and_grads(params, x, y)
    linears = [ref.Linear(W, b) for W, b in params]
    net = ref.Sequential(
        [linears[0], ref.Tanh(), linears[1], ref.Tanh(), linears[2]], ref.SoftmaxCrossEntropy()
    )
    assert net.forward(x, y) == pytest.approx(loss, rel=1e-14)
    net.backward()
    for linear, grad in zip(linears, grads, strict=True):
        np.testing.assert_allclose(linear.grads[0], grad[0], **CLOSED_FORM_TOL)
        np.testing.assert_allclose(linear.grads[1], grad[1], **CLOSED_FORM_TOL)


# ---------------------------------------------------------------------------------------------
# numpy backprop: numerics, overwrite semantics, inputs


@pytest.mark.parametrize("impl", IMPLS)
def test_sigmoid_extreme_inputs_do_not_raise(impl):
    x = np.array([[-1000.0, -40.0, -1.5, 0.0, 1.5, 40.0, 1000.0]])
    expected = np.array([[_exact_sigmoid(v) for v in x[0]]])
    layer = impl.Sigmoid()
    with np.errstate(**RAISE_ALL):
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx, expected * (1 - expected), rtol=1e-12, atol=1e-15)


def _exact_sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", ["Tanh", "ReLU"])
def test_activations_extreme_inputs_do_not_raise(impl, name):
    """Also the kink of ReLU: its derivative at exactly 0 is 0 (as ``torch.relu``)."""
    x = np.array([[-1000.0, -3.0, 0.0, 3.0, 1000.0]])
    layer = getattr(impl, name)()
    with np.errstate(**RAISE_ALL):
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    expected = np.tanh(x) if name == "Tanh" else np.maximum(x, 0)
    slope = 1 - np.tanh(x) ** 2 if name == "Tanh" else (x > 0).astype(float)
    np.testing.assert_allclose(y, expected, **CLOSED_FORM_TOL)
    np.testing.assert_allclose(dx, slope, **CLOSED_FORM_TOL)


@pytest.mark.parametrize("impl", IMPLS)
def test_softmax_cross_entropy_extreme_logits(impl):
    """Losses 2000, log(1 + e^-2000) = 0 and log 2; gradients softmax - p, all exact in fp64."""
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    p = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    loss = impl.SoftmaxCrossEntropy()
    with np.errstate(**RAISE_ALL):
        per_sample = loss.forward(logits, p)
        grad = loss.backward(np.ones(3))
    np.testing.assert_allclose(per_sample, [2000.0, 0.0, math.log(2)], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(grad, [[1.0, -1.0], [0.0, 0.0], [-0.5, 0.5]], rtol=0, atol=1e-14)


@pytest.mark.parametrize("impl", IMPLS)
def test_mlp_with_saturated_units_stays_finite(impl):
    rng = np.random.default_rng(7)
    params = [(W * 300, b * 300) for W, b in _random_params(rng, [3, 4, 3])]
    x, y = rng.normal(size=(5, 3)), _one_hot(rng, 5, 3)
    with np.errstate(**RAISE_ALL):
        loss, grads = impl.mlp_loss_and_grads(params, x, y)
    assert math.isfinite(loss)
    assert all(np.isfinite(g).all() for pair in grads for g in pair)


@pytest.mark.parametrize("impl", IMPLS)
def test_backward_twice_overwrites_grads(impl):
    rng = np.random.default_rng(8)
    params = _random_params(rng, [3, 4, 2])
    x, y = rng.normal(size=(2, 3)), _one_hot(rng, 2, 2)
    layer = impl.Linear(*params[0])
    layer.forward(x)
    layer.backward(np.ones((2, 4)))
    first = [g.copy() for g in layer.grads]
    layer.backward(np.ones((2, 4)))
    for again, once in zip(layer.grads, first, strict=True):
        np.testing.assert_array_equal(again, once)
    net, linears = _network(impl, params)
    net.forward(x, y)
    dx_once, grads_once = net.backward().copy(), [g.copy() for g in linears[0].grads]
    np.testing.assert_array_equal(net.backward(), dx_once)
    for again, once in zip(linears[0].grads, grads_once, strict=True):
        np.testing.assert_array_equal(again, once)


@pytest.mark.parametrize("impl", IMPLS)
def test_backprop_leaves_inputs_unmodified(impl):
    rng = np.random.default_rng(9)
    params = _random_params(rng, [3, 4, 2])
    x, y = rng.normal(size=(2, 3)), _one_hot(rng, 2, 2)
    copies = [a.copy() for pair in params for a in pair] + [x.copy(), y.copy()]
    impl.mlp_loss_and_grads(params, x, y)
    for original, copy in zip([a for pair in params for a in pair] + [x, y], copies, strict=True):
        np.testing.assert_array_equal(original, copy)


# ---------------------------------------------------------------------------------------------
# numpy backprop: solution against reference


@pytest.mark.parametrize("name", ["Linear", "Sigmoid", "Tanh", "ReLU"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solution_layers_match_reference(name, seed):
    rng = np.random.default_rng(100 + seed)
    W, b = rng.normal(size=(6, 4)), rng.normal(size=4)
    x = 4 * rng.normal(size=(5, 6))
    f_out = 4 if name == "Linear" else 6
    delta = rng.normal(size=(5, f_out))
    layers = [
        impl.Linear(W, b) if name == "Linear" else getattr(impl, name)() for impl in (sol, ref)
    ]
    outputs = [(layer.forward(x), layer.backward(delta)) for layer in layers]
    for got, expected in zip(*outputs, strict=True):
        np.testing.assert_allclose(got, expected, **SOLUTION_TOL)
    if name == "Linear":
        for got, expected in zip(layers[0].grads, layers[1].grads, strict=True):
            np.testing.assert_allclose(got, expected, **SOLUTION_TOL)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solution_softmax_cross_entropy_matches_reference(seed):
    rng = np.random.default_rng(200 + seed)
    logits, p, delta = 5 * rng.normal(size=(6, 4)), _soft_targets(rng, 6, 4), rng.normal(size=6)
    losses = [impl.SoftmaxCrossEntropy() for impl in (sol, ref)]
    got, expected = [(loss.forward(logits, p), loss.backward(delta)) for loss in losses]
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, **SOLUTION_TOL)


@pytest.mark.parametrize("batch", [1, 4])
def test_solution_sequential_matches_reference(batch):
    rng = np.random.default_rng(250 + batch)
    params = _random_params(rng, [4, 6, 5, 3])
    x, p = rng.normal(size=(batch, 4)), _soft_targets(rng, batch, 3)
    (net, linears), (ref_net, ref_linears) = _network(sol, params), _network(ref, params)
    assert net.forward(x, p) == pytest.approx(ref_net.forward(x, p), rel=1e-12)
    np.testing.assert_allclose(net.backward(), ref_net.backward(), **SOLUTION_TOL)
    for linear, ref_linear in zip(linears, ref_linears, strict=True):
        for got, expected in zip(linear.grads, ref_linear.grads, strict=True):
            np.testing.assert_allclose(got, expected, **SOLUTION_TOL)


@pytest.mark.parametrize(
    "sizes", [[3, 4], [3, 5, 4], [2, 4, 3, 5]], ids=["depth1", "depth2", "depth3"]
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solution_mlp_matches_reference(sizes, seed):
    rng = np.random.default_rng(300 + seed)
    params = _random_params(rng, sizes)
    x, y = rng.normal(size=(7, sizes[0])), _soft_targets(rng, 7, sizes[-1])
    loss, grads = sol.mlp_loss_and_grads(params, x, y)
    ref_loss, ref_grads = ref.mlp_loss_and_grads(params, x, y)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for got, expected in zip(grads, ref_grads, strict=True):
        np.testing.assert_allclose(got[0], expected[0], **SOLUTION_TOL)
        np.testing.assert_allclose(got[1], expected[1], **SOLUTION_TOL)


@pytest.mark.parametrize(
    "name",
    [
        "Linear",
        "Sigmoid",
        "Tanh",
        "ReLU",
        "SoftmaxCrossEntropy",
        "Sequential",
        "mlp_loss_and_grads",
    ],
)
def test_solution_backprop_uses_no_autograd(name):
    tree = ast.parse(inspect.getsource(getattr(sol, name)))
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not used & {"torch", "autograd", "jax", "grad"}


# ---------------------------------------------------------------------------------------------
# convolution as a sparse matrix: helpers


class Conv(NamedTuple):
    """One convolution configuration."""

    c_out: int
    c_in: int
    in_hw: tuple[int, int]
    kernel: tuple[int, int]
    stride: int | tuple[int, int] = 1
    padding: int | tuple[int, int] = 0
    dilation: int | tuple[int, int] = 1
    padding_mode: str = "zeros"

    @property
    def kwargs(self) -> dict:
        return {
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "padding_mode": self.padding_mode,
        }


ZERO_PAD = {
    "slide2x2": Conv(1, 1, (3, 3), (2, 2)),
    "multichannel-pad1": Conv(2, 3, (5, 7), (3, 3), padding=1),
    "stride3": Conv(2, 2, (9, 8), (3, 2), stride=3),
    "pad3": Conv(1, 2, (6, 5), (3, 3), padding=3),
    "dilation2": Conv(3, 1, (9, 9), (3, 3), padding=2, dilation=2),
    "pairs": Conv(2, 2, (7, 10), (2, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
    "floor-sizes": Conv(2, 1, (7, 6), (3, 3), stride=2, padding=1),
    "1x1-stride2": Conv(1, 3, (8, 6), (1, 1), stride=2),
}
CIRCULAR = {
    "torus2x2-k3": Conv(1, 1, (2, 2), (3, 3), padding=1, padding_mode="circular"),
    "multichannel": Conv(2, 3, (5, 6), (3, 3), padding=1, padding_mode="circular"),
    "stride-dilation": Conv(
        2, 2, (6, 7), (3, 2), stride=2, padding=1, dilation=(2, 1), padding_mode="circular"
    ),
    "pad-beyond-image": Conv(1, 2, (2, 3), (3, 3), padding=3, padding_mode="circular"),
    "k5-on-2x2": Conv(2, 1, (2, 2), (5, 5), padding=2, padding_mode="circular"),
}
ALL_CONVS = {**ZERO_PAD, **CIRCULAR}
GRAD_CONVS = {
    name: ALL_CONVS[name]
    for name in ["stride3", "dilation2", "pairs", "pad-beyond-image", "k5-on-2x2"]
}


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _random_conv(cfg: Conv, seed: int, batch: int = 2):
    """Float64 input, weight and bias drawn from a seeded CPU generator."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, cfg.c_in, *cfg.in_hw, generator=gen, dtype=torch.float64)
    weight = torch.randn(cfg.c_out, cfg.c_in, *cfg.kernel, generator=gen, dtype=torch.float64)
    bias = torch.randn(cfg.c_out, generator=gen, dtype=torch.float64)
    return x, weight, bias


def _tile_pad(x: torch.Tensor, padding) -> torch.Tensor:
    """Periodic padding by tiling the image and cropping (valid for any padding size)."""
    (pad_h, pad_w), (height, width) = _pair(padding), x.shape[-2:]
    reps_h, reps_w = -(-pad_h // height), -(-pad_w // width)
    tiled = x.repeat(1, 1, 2 * reps_h + 1, 2 * reps_w + 1)
    top, left = reps_h * height - pad_h, reps_w * width - pad_w
    return tiled[..., top : top + height + 2 * pad_h, left : left + width + 2 * pad_w]


def _conv_oracle(x, weight, bias, cfg: Conv) -> torch.Tensor:
    """``F.conv2d``; periodic padding by tiling first."""
    padding = cfg.padding
    if cfg.padding_mode == "circular":
        x, padding = _tile_pad(x, cfg.padding), 0
    return F.conv2d(x, weight, bias, stride=cfg.stride, padding=padding, dilation=cfg.dilation)


def _dense_matrix_oracle(weight: torch.Tensor, cfg: Conv) -> torch.Tensor:
    """The convolution matrix column by column: ``F.conv2d`` of every basis image."""
    n_in = cfg.c_in * cfg.in_hw[0] * cfg.in_hw[1]
    basis = torch.eye(n_in, dtype=weight.dtype).reshape(n_in, cfg.c_in, *cfg.in_hw)
    return _conv_oracle(basis, weight, None, cfg).reshape(n_in, -1).T


def _taps_along_axis(
    size: int, kernel: int, stride: int, padding: int, dilation: int, circular: bool
) -> int:
    """Sum over output positions i of the number of distinct input positions the taps reach."""
    n_out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    total = 0
    for i in range(n_out):
        reached = [i * stride - padding + m * dilation for m in range(kernel)]
        total += (
            len({r % size for r in reached}) if circular else sum(0 <= r < size for r in reached)
        )
    return total


def _nnz_formula(cfg: Conv) -> int:
    """Curriculum 2.2(c): C_out * C_in * (sum_i n_h(i)) * (sum_j n_w(j))."""
    axes = zip(
        cfg.in_hw,
        cfg.kernel,
        _pair(cfg.stride),
        _pair(cfg.padding),
        _pair(cfg.dilation),
        strict=True,
    )
    circular = cfg.padding_mode == "circular"
    n_h, n_w = (_taps_along_axis(*args, circular) for args in axes)
    return cfg.c_out * cfg.c_in * n_h * n_w


def _entries(matrix: torch.Tensor) -> set[tuple[int, int]]:
    """Stored (row, column) pairs of a COO or CSR matrix."""
    if matrix.layout == torch.sparse_csr:
        matrix = matrix.to_sparse_coo()
    return set(map(tuple, matrix.indices().T.tolist()))


# ---------------------------------------------------------------------------------------------
# convolution as a sparse matrix: goldens, structure, oracles


@pytest.mark.parametrize("impl", IMPLS)
def test_slide_golden_matrix(impl):
    """Curriculum 2.2(a): W = [[w1, w2], [w3, w4]] on a 3x3 image gives the 4x9 slide matrix."""
    w1, w2, w3, w4 = 1.5, -2.25, 3.0, 0.5
    weight = torch.tensor([[[[w1, w2], [w3, w4]]]], dtype=torch.float64)
    expected = torch.tensor(
        [
            [w1, w2, 0, w3, w4, 0, 0, 0, 0],
            [0, w1, w2, 0, w3, w4, 0, 0, 0],
            [0, 0, 0, w1, w2, 0, w3, w4, 0],
            [0, 0, 0, 0, w1, w2, 0, w3, w4],
        ],
        dtype=torch.float64,
    )
    matrix = impl.conv2d_sparse_matrix(weight, (3, 3))
    torch.testing.assert_close(matrix.to_dense(), expected, rtol=0, atol=0)
    assert len(_entries(matrix)) == 16


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_slide_golden_convolution(impl, dtype):
    """Curriculum 2.2(b): the 5x5 image and 3x3 kernel of the slide."""
    image = torch.tensor(
        [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]],
        dtype=dtype,
    )
    kernel = torch.tensor([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=dtype)
    expected = torch.tensor([[12, 12, 17], [10, 17, 19], [9, 6, 14]], dtype=dtype)
    out = impl.conv2d_via_matrix(image[None, None], kernel[None, None])
    torch.testing.assert_close(out, expected[None, None], rtol=0, atol=0)
    matrix = impl.conv2d_sparse_matrix(kernel[None, None], (5, 5))
    torch.testing.assert_close(
        matrix.to_dense() @ image.reshape(-1), expected.reshape(-1), rtol=0, atol=0
    )


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
def test_nnz_formula(impl, cfg):
    _, weight, _ = _random_conv(cfg, seed=10)
    assert impl.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)._nnz() == _nnz_formula(cfg)


@pytest.mark.parametrize("impl", IMPLS)
def test_torus_example_nnz(impl):
    """Curriculum 2.2(c): a 3x3 kernel on a 2x2 torus merges wrapped taps into 16 entries."""
    cfg = CIRCULAR["torus2x2-k3"]
    _, weight, _ = _random_conv(cfg, seed=11)
    assert _nnz_formula(cfg) == 16
    assert impl.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)._nnz() == 16


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
def test_matrix_matches_conv2d_of_basis_images(impl, cfg):
    _, weight, _ = _random_conv(cfg, seed=12)
    matrix = impl.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)
    expected = _dense_matrix_oracle(weight, cfg)
    scale = weight.abs().sum()
    torch.testing.assert_close(matrix.to_dense(), expected, rtol=0, atol=1e-12 * scale)
    structural = _dense_matrix_oracle(weight.abs() + 1, cfg).nonzero()
    assert _entries(matrix) == set(map(tuple, structural.tolist()))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
def test_zero_weights_stay_structural(impl, cfg):
    weight = torch.zeros(cfg.c_out, cfg.c_in, *cfg.kernel, dtype=torch.float64)
    weight[..., 0, 0] = 1.0
    matrix = impl.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)
    assert matrix._nnz() == _nnz_formula(cfg)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_matrix_layout_dtype_device(impl, dtype, device):
    cfg = ZERO_PAD["pairs"]
    weight = _random_conv(cfg, seed=13)[1].to(dtype=dtype, device=device)
    matrix = impl.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)
    assert matrix.layout in (torch.sparse_coo, torch.sparse_csr)
    if matrix.layout == torch.sparse_coo:
        assert matrix.is_coalesced()
    n_out = _conv_oracle(
        torch.zeros(1, cfg.c_in, *cfg.in_hw), weight.cpu().float(), None, cfg
    ).numel()
    assert matrix.shape == (n_out, cfg.c_in * cfg.in_hw[0] * cfg.in_hw[1])
    assert matrix.dtype == dtype
    assert matrix.device == weight.device


def test_tile_pad_oracle_matches_f_pad():
    x = torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(14), dtype=torch.float64)
    for padding in [(0, 0), (1, 2), (4, 5), (3, 1)]:
        pads = (padding[1], padding[1], padding[0], padding[0])
        torch.testing.assert_close(
            _tile_pad(x, padding), F.pad(x, pads, mode="circular"), rtol=0, atol=0
        )


@pytest.mark.parametrize("padding", [(1, 2), (4, 5), (5, 11), (9, 0)])
def test_reference_circular_pad_matches_tiling(padding):
    x = torch.randn(1, 2, 4, 5, generator=torch.Generator().manual_seed(15), dtype=torch.float64)
    torch.testing.assert_close(ref._circular_pad(x, padding), _tile_pad(x, padding), rtol=0, atol=0)


# ---------------------------------------------------------------------------------------------
# convolution as a sparse matrix: values and gradients against F.conv2d


def _conv_tolerance(dtype: torch.dtype, expected: torch.Tensor) -> dict:
    scale = expected.abs().max().item() + 1e-30
    return {"rtol": 0, "atol": (1e-12 if dtype == torch.float64 else 1e-5) * scale}


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_convolution_matches_conv2d(impl, cfg, dtype, device):
    x, weight, bias = _random_conv(cfg, seed=16)
    expected = _conv_oracle(x, weight, bias, cfg)
    args = [t.to(dtype=dtype, device=device) for t in (x, weight, bias)]
    originals = [t.clone() for t in args]
    out = impl.conv2d_via_matrix(*args, **cfg.kwargs)
    assert out.dtype == dtype and out.device == args[0].device
    torch.testing.assert_close(out.cpu().double(), expected, **_conv_tolerance(dtype, expected))
    for arg, original in zip(args, originals, strict=True):
        torch.testing.assert_close(arg, original, rtol=0, atol=0)


@pytest.mark.parametrize("impl", IMPLS)
def test_convolution_without_bias(impl):
    cfg = ZERO_PAD["multichannel-pad1"]
    x, weight, _ = _random_conv(cfg, seed=17)
    expected = _conv_oracle(x, weight, None, cfg)
    out = impl.conv2d_via_matrix(x, weight, None, **cfg.kwargs)
    torch.testing.assert_close(out, expected, **_conv_tolerance(torch.float64, expected))


def _grads(fn, tensors: list[torch.Tensor], upstream: torch.Tensor) -> tuple[torch.Tensor, ...]:
    leaves = [t.clone().requires_grad_() for t in tensors]
    return torch.autograd.grad((fn(*leaves) * upstream).sum(), leaves)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
def test_convolution_gradients_match_conv2d(impl, cfg):
    x, weight, bias = _random_conv(cfg, seed=18)
    upstream = torch.randn_like(_conv_oracle(x, weight, bias, cfg))
    got = _grads(lambda *t: impl.conv2d_via_matrix(*t, **cfg.kwargs), [x, weight, bias], upstream)
    expected = _grads(lambda *t: _conv_oracle(*t, cfg), [x, weight, bias], upstream)
    for g, e in zip(got, expected, strict=True):
        torch.testing.assert_close(g, e, **_conv_tolerance(torch.float64, e))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("cfg", GRAD_CONVS.values(), ids=GRAD_CONVS.keys())
def test_weight_gradient_flows_through_matrix_values(impl, cfg):
    """``M(weight) @ x`` differentiated through the sparse values equals F.conv2d's gradient."""
    x, weight, _ = _random_conv(cfg, seed=19, batch=1)
    upstream = torch.randn_like(_conv_oracle(x, weight, None, cfg))

    def through_matrix(w: torch.Tensor) -> torch.Tensor:
        matrix = impl.conv2d_sparse_matrix(w, cfg.in_hw, **cfg.kwargs)
        return torch.sparse.mm(matrix, x.reshape(-1, 1)).reshape(upstream.shape)

    (got,) = _grads(through_matrix, [weight], upstream)
    (expected,) = _grads(lambda w: _conv_oracle(x, w, None, cfg), [weight], upstream)
    torch.testing.assert_close(got, expected, **_conv_tolerance(torch.float64, expected))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", ["pairs", "stride-dilation"])
def test_matrix_values_pass_gradcheck(impl, name):
    cfg = ALL_CONVS[name]
    x, weight, _ = _random_conv(cfg, seed=20, batch=1)

    def product(w: torch.Tensor) -> torch.Tensor:
        matrix = impl.conv2d_sparse_matrix(w, cfg.in_hw, **cfg.kwargs)
        return torch.sparse.mm(matrix, x.reshape(-1, 1))

    assert torch.autograd.gradcheck(product, (weight.clone().requires_grad_(),))


@pytest.mark.parametrize("impl", IMPLS)
def test_large_image_is_cheap(impl):
    """A 1x1x128x128 image with a 3x3 kernel: a dense matrix would hold 16384^2 entries."""
    cfg = Conv(1, 1, (128, 128), (3, 3), padding=1)
    x, weight, bias = _random_conv(cfg, seed=21, batch=1)
    start = time.perf_counter()
    matrix = impl.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)
    leaves = [t.clone().requires_grad_() for t in (x, weight, bias)]
    impl.conv2d_via_matrix(*leaves, **cfg.kwargs).sum().backward()
    assert time.perf_counter() - start < 2.0
    assert matrix._nnz() == _nnz_formula(cfg)


# ---------------------------------------------------------------------------------------------
# convolution as a sparse matrix: solution against reference


@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_solution_matrix_matches_reference(cfg, dtype):
    _, weight, _ = _random_conv(cfg, seed=22)
    expected = ref.conv2d_sparse_matrix(weight, cfg.in_hw, **cfg.kwargs)
    got = sol.conv2d_sparse_matrix(weight.to(dtype), cfg.in_hw, **cfg.kwargs)
    assert _entries(got) == _entries(expected)
    torch.testing.assert_close(
        got.to_dense().double(), expected.to_dense(), **_conv_tolerance(dtype, expected.values())
    )


@pytest.mark.parametrize("cfg", ALL_CONVS.values(), ids=ALL_CONVS.keys())
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_solution_convolution_matches_reference(cfg, dtype):
    x, weight, bias = _random_conv(cfg, seed=23, batch=3)
    expected = ref.conv2d_via_matrix(x, weight, bias, **cfg.kwargs)
    got = sol.conv2d_via_matrix(*(t.to(dtype) for t in (x, weight, bias)), **cfg.kwargs)
    torch.testing.assert_close(got.double(), expected, **_conv_tolerance(dtype, expected))


@pytest.mark.parametrize("batch", [0, 2])
def test_solution_convolution_non_contiguous_and_empty_batch(batch):
    cfg = ZERO_PAD["pairs"]
    x, weight, bias = _random_conv(cfg, seed=24, batch=batch)
    x = x.transpose(-1, -2).contiguous().transpose(-1, -2)
    assert batch == 0 or not x.is_contiguous()
    expected = ref.conv2d_via_matrix(x, weight, bias, **cfg.kwargs)
    got = sol.conv2d_via_matrix(x, weight, bias, **cfg.kwargs)
    torch.testing.assert_close(got, expected, **_conv_tolerance(torch.float64, weight))
