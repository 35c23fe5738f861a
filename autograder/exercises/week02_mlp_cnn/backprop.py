"""Week 2 checks, numpy backprop: Linear, Sigmoid, Tanh, ReLU, SoftmaxCrossEntropy, Sequential and
mlp_loss_and_grads (curriculum 2.1).

Oracle: ``ml4p_ref.week02_mlp_cnn``, which evaluates every layer with torch in float64 and takes every
gradient from ``torch.autograd`` (``mlp_loss_and_grads``: one torch graph ending in
``F.cross_entropy``). Every case is float64 on the CPU and hands the student numpy arrays.

What is checked:
- Layers: the probe builds the class (``Linear(W, b)``), calls ``forward`` then ``backward(delta)``
  and observes the output, the returned ``dL/dx`` (``grad:x``) and ``self.grads`` (``grad:W``,
  ``grad:b``). One case calls ``backward`` twice: ``self.grads`` must be overwritten, not accumulated.
- Numerics: every call into the student's code runs under
  ``np.errstate(over="raise", invalid="raise", divide="raise")`` (the docstrings' contract), and the
  cases include inputs of +-1000, so ``1 / (1 + exp(-x))``, an ``np.where`` that evaluates both
  branches, an unshifted softmax or a ``log`` of a softmax raise ``FloatingPointError``, reported
  with the case's hint.
- ``Sequential`` is graded on its own: the probe hands it small trusted numpy layers defined here
  (``_Linear``, ``_Tanh``, ``_SoftmaxCrossEntropy``: the formulas of the docstrings). The student's
  own layers would make one bug count twice, and the reference's layers cannot be imported where
  student code runs; the reference ``Sequential`` gets the very same trusted layers.
- ``mlp_loss_and_grads``: depths 1 to 3, one sample and batches, soft targets, exactly saturated
  tanh units and logits about 1000 apart; the loss, the number of ``(dW, db)`` pairs and every
  gradient.
Forbidden everywhere: torch (so torch.autograd), jax, autograd.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from autograder.case import Case, CaseRng
from autograder.exercise import Exercise, Hint
from autograder.nets import mlp_weights
from autograder.probe import ProbeContext

MODULE = "week02_mlp_cnn"
FORBIDDEN = ("torch", "jax", "autograd")
RAISE_ALL = {"over": "raise", "invalid": "raise", "divide": "raise"}
SECOND = ", second backward call"

SIGMOID_HINT = (
    "1/(1+exp(-x)) overflows for x = -1000 and np.where evaluates both branches: "
    "use 0.5*(1+tanh(x/2)) or a masked form that only evaluates exp(-|x|)"
)
TANH_HINT = "exp(x) overflows for |x| = 1000: use np.tanh"
CE_HINT = (
    "subtract the row max before exp and use log-sum-exp; never take log of a softmax "
    "(it is log(0) for logits 2000 apart)"
)
MLP_HINT = f"{CE_HINT}; use np.tanh for the hidden layers"


# ----------------------------------------------------------------------------------------- helpers
def _numpy_case(label: str, **kwargs: Any) -> Case:
    return Case(label, numpy=True, **kwargs)


def _run(ctx: ProbeContext, function: Callable, *args: Any) -> Any:
    """``ctx.call`` under ``np.errstate(raise)``: an overflow becomes a ``FloatingPointError``."""
    with np.errstate(**RAISE_ALL):
        return ctx.call(function, *args)


def _copy(value: Any) -> Any:
    """A copy of an array (a later call may change it in place); anything else as it is."""
    return value.copy() if type(value) is np.ndarray else value


def _param_grads(grads: Any, names: list[str], suffix: str = "") -> dict[str, Any]:
    """``grad:<name>`` per entry of ``self.grads``; the whole value where it is not such a list."""
    keys = [f"grad:{name}{suffix}" for name in names]
    if isinstance(grads, (list, tuple)) and len(grads) == len(names):
        return {key: _copy(grad) for key, grad in zip(keys, grads, strict=True)}
    return dict.fromkeys(keys, grads)  # the comparison then says what it is instead


def _length(value: Any) -> Any:
    """``len(value)`` for a list or tuple; the value itself otherwise (the comparison names it)."""
    return len(value) if isinstance(value, (list, tuple)) else value


def _array(observed: Mapping[str, Any], key: str) -> torch.Tensor | None:
    item = observed.get(key)
    if item is None or item.kind not in ("ndarray", "tensor", "scalar") or item.data is None:
        return None
    return item.data.double()


def _near(yours: torch.Tensor | None, expected: torch.Tensor | None, rtol: float = 1e-6) -> bool:
    """``yours`` equals ``expected`` up to ``rtol`` of the largest entry (shapes must agree)."""
    if yours is None or expected is None or yours.shape != expected.shape:
        return False
    scale = float(expected.abs().max()) if expected.numel() else 0.0
    return bool(torch.allclose(yours, expected, rtol=rtol, atol=rtol * scale + 1e-300))


def _factor(student, reference, key: str) -> float | None:
    """``c`` when the student's ``key`` is ``c`` times the reference's (c != 1), else None."""
    yours, expected = _array(student, key), _array(reference, key)
    if yours is None or expected is None or yours.shape != expected.shape:
        return None
    norm = float((expected * expected).sum())
    if norm == 0.0:
        return None
    c = float((yours * expected).sum()) / norm
    if abs(c - 1.0) < 1e-6 or not _near(yours, c * expected):
        return None
    return c


def _off_by(student, reference, key: str, factor: float) -> bool:
    c = _factor(student, reference, key)
    return c is not None and factor != 1.0 and abs(c - factor) < 1e-6 * abs(factor)


def _not_an_array(student, reference, key: str) -> bool:
    return student[key].kind != reference[key].kind


def _arg(case: Case, name: str) -> torch.Tensor:
    return case.inputs()[name].double()


def _batch(case: Case) -> int:
    return int(case.inputs()["x"].shape[0])


def _depth(inputs: Mapping[str, Any]) -> int:
    return sum(1 for name in inputs if name.startswith("W"))


def _weights(rng: CaseRng, sizes: list[int], scale: float = 1.0) -> dict[str, torch.Tensor]:
    """``W1, b1, ..., Wn, bn`` (numbered from 1, as the docstrings number the layers)."""
    weights = mlp_weights(rng, sizes, scale)
    return {f"{name[0]}{int(name[1:]) + 1}": value for name, value in weights.items()}


def _onehot(rng: CaseRng, batch: int, classes: int) -> torch.Tensor:
    labels = rng.integers(classes, batch)
    return torch.nn.functional.one_hot(labels, classes).double()


def _soft(rng: CaseRng, batch: int, classes: int) -> torch.Tensor:
    return torch.softmax(rng.normal(batch, classes, scale=2.0), dim=-1)


# ----------------------------------------------------------------------------------------- layers
def _layer_probe(param_names: tuple[str, ...]) -> Callable:
    """Build the layer from ``param_names``, forward ``x``, backward ``delta`` (twice if asked)."""

    def probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
        layer = ctx.call(impl, *(inputs[name] for name in param_names))
        observations = {"out": _copy(_run(ctx, layer.forward, inputs["x"]))}
        for call in range(inputs["backward_calls"]):
            suffix = SECOND if call else ""
            dx = _run(ctx, layer.backward, inputs["delta"])
            observations[f"grad:x{suffix}"] = _copy(dx)
            if param_names:
                grads = ctx.call(getattr, layer, "grads", None)
                if not call:
                    observations["len(self.grads)"] = _length(grads)
                observations.update(_param_grads(grads, list(param_names), suffix))
        return observations

    return probe


def _layer_case(
    label: str,
    x: torch.Tensor,
    delta: torch.Tensor,
    params: Mapping[str, torch.Tensor] | None = None,
    backward_calls: int = 1,
    **kwargs: Any,
) -> Case:
    args = {**(params or {}), "x": x, "delta": delta, "backward_calls": backward_calls}
    return _numpy_case(label, args=args, **kwargs)


# Linear
def linear_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, batch: int, f_in: int, f_out: int, **kwargs: Any) -> Case:
        params = {"W": rng.normal(f_in, f_out), "b": rng.normal(f_out)}
        x, delta = rng.normal(batch, f_in), rng.normal(batch, f_out)
        return _layer_case(label, x, delta, params, **kwargs)

    return [
        case("batch of 5, 4 to 3 features", 5, 4, 3),
        case("single sample", 1, 4, 6),
        case("square W, 4 to 4 features", 6, 4, 4),
        case("batch size equals F_out", 3, 5, 3),
        case("one feature in and out", 6, 1, 1),
        case("wide layer, 16 to 12 features", 8, 16, 12),
        case(
            "backward twice overwrites grads",
            4,
            3,
            5,
            backward_calls=2,
            hint="backward overwrites self.grads: the same delta twice gives the same gradients",
        ),
    ]


def _linear_grads_malformed(student, reference, case) -> bool:
    count = student["len(self.grads)"]
    if count.kind != "scalar" or float(count.data) != 2:
        return True
    return any(_not_an_array(student, reference, key) for key in ("grad:W", "grad:b"))


def _transposed(student, reference, key: str) -> bool:
    """The student's ``key`` is the transpose of the reference's (and not the reference itself)."""
    yours, expected = _array(student, key), _array(reference, key)
    if yours is None or expected is None or _near(yours, expected):
        return False
    return _near(yours, expected.T)


def _dw_transposed(student, reference, case) -> bool:
    return _transposed(student, reference, "grad:W")


def _db_wrong_axis(student, reference, case) -> bool:
    return _near(_array(student, "grad:b"), _arg(case, "delta").sum(dim=1))


def _dx_not_transposed(student, reference, case) -> bool:
    return _near(_array(student, "grad:x"), _arg(case, "delta") @ _arg(case, "W"))


def _accumulated(student, reference, case) -> bool:
    return any(_off_by(student, reference, f"grad:{p}{SECOND}", 2.0) for p in ("W", "b"))


LINEAR_HINTS = (
    Hint("after backward, self.grads must be the list [dW, db] of arrays", _linear_grads_malformed),
    Hint("dW = x.T @ delta has the shape of W, (F_in, F_out): yours is transposed", _dw_transposed),
    Hint("db = delta.sum(axis=0): sum over the batch (rows), one entry per output", _db_wrong_axis),
    Hint("dL/dx = delta @ W.T (W has shape (F_in, F_out))", _dx_not_transposed),
    Hint(
        "backward must overwrite self.grads, not add to them (a second call doubled them)",
        _accumulated,
    ),
)


# Sigmoid, Tanh, ReLU
def _activation_cases(rng: CaseRng, extreme_hint: str | None, kink: bool = False) -> list[Case]:
    extremes = torch.tensor([-1000.0, -40.0, -1.5, 0.0, 1.5, 40.0, 1000.0], dtype=torch.float64)
    extremes = torch.stack([extremes, rng.normal(7, scale=3.0)])
    wide = rng.uniform(6, 5, low=-1000.0, high=1000.0)
    cases = [
        _layer_case("random (4, 5)", rng.normal(4, 5, scale=3.0), rng.normal(4, 5)),
        _layer_case("single sample", rng.normal(1, 6, scale=3.0), rng.normal(1, 6)),
        _layer_case("3-d input (2, 3, 4)", rng.normal(2, 3, 4, scale=3.0), rng.normal(2, 3, 4)),
        _layer_case("inputs +-1000, 0 and +-40", extremes, rng.normal(2, 7), hint=extreme_hint),
        _layer_case("uniform in [-1000, 1000]", wide, rng.normal(6, 5), hint=extreme_hint),
    ]
    if kink:
        x = rng.normal(5, 4)
        x[rng.uniform(5, 4) < 0.4] = 0.0
        cases.append(_layer_case("exact zeros (derivative 0 at 0)", x, rng.normal(5, 4)))
    return cases


def sigmoid_cases(rng: CaseRng) -> list[Case]:
    return _activation_cases(rng, SIGMOID_HINT)


def tanh_cases(rng: CaseRng) -> list[Case]:
    return _activation_cases(rng, TANH_HINT)


def relu_cases(rng: CaseRng) -> list[Case]:
    return _activation_cases(rng, None, kink=True)


def _backward_is(formula: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Callable:
    """Applies when the student's ``dL/dx`` equals ``formula(x, delta)`` and the reference's does not."""

    def applies(student, reference, case) -> bool:
        wrong = formula(_arg(case, "x"), _arg(case, "delta")).double()
        yours = _array(student, "grad:x")
        return _near(yours, wrong) and not _near(_array(reference, "grad:x"), wrong)

    return applies


SIGMOID_HINTS = (
    Hint(
        "the derivative is y * (1 - y) with y = sigmoid(x) from the forward pass, not the input x",
        _backward_is(lambda x, d: d * x * (1 - x)),
    ),
)
TANH_HINTS = (
    Hint(
        "backward uses y = tanh(x) as stored in forward: delta * (1 - y**2), no second tanh",
        _backward_is(lambda x, d: d * (1 - torch.tanh(torch.tanh(x)) ** 2)),
    ),
    Hint(
        "the derivative is 1 - tanh(x)**2, not 1 - x**2",
        _backward_is(lambda x, d: d * (1 - x**2)),
    ),
)
RELU_HINTS = (
    Hint(
        "the derivative at exactly x = 0 is 0 (as torch.relu): mask with x > 0, not x >= 0",
        _backward_is(lambda x, d: d * (x >= 0)),
    ),
    Hint(
        "backward returns delta * (x > 0): multiply by delta",
        _backward_is(lambda x, d: 1.0 * (x > 0)),
    ),
)


# ----------------------------------------------------------------------------------------- softmax CE
def _ce_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    loss = ctx.call(impl)
    out = _run(ctx, loss.forward, inputs["logits"], inputs["target"])
    grad = _run(ctx, loss.backward, inputs["delta"])
    return {"out": _copy(out), "grad:logits": _copy(grad)}


def ce_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, logits: torch.Tensor, target: torch.Tensor, **kwargs: Any) -> Case:
        args = {"logits": logits, "target": target, "delta": rng.normal(len(logits))}
        return _numpy_case(label, args=args, **kwargs)

    extreme = torch.tensor([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    extreme_target = torch.tensor([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    return [
        case("one-hot targets, B=6, C=4", rng.normal(6, 4, scale=3.0), _onehot(rng, 6, 4)),
        case("soft targets, B=5, C=3", rng.normal(5, 3, scale=3.0), _soft(rng, 5, 3)),
        case("single sample", rng.normal(1, 5, scale=3.0), _onehot(rng, 1, 5)),
        case("ten classes", rng.normal(4, 10, scale=3.0), _onehot(rng, 4, 10)),
        case(
            "logits +-1000 (losses 2000, 0, log 2)",
            extreme.double(),
            extreme_target.double(),
            hint=CE_HINT,
        ),
        case(
            "logits uniform in [-1000, 1000]",
            rng.uniform(5, 4, low=-1000.0, high=1000.0),
            _onehot(rng, 5, 4),
            hint=CE_HINT,
        ),
    ]


def _ce_clamped(student, reference, case) -> bool:
    yours, expected = _array(student, "out"), _array(reference, "out")
    if yours is None or expected is None or yours.shape != expected.shape:
        return False
    large = expected > 100
    return bool(large.any()) and bool((yours[large] < 50).all())


def _ce_ignores_delta(student, reference, case) -> bool:
    yours = _array(student, "grad:logits")
    if yours is None:
        return False
    return _near(yours * _arg(case, "delta")[:, None], _array(reference, "grad:logits"))


def _ce_not_per_sample(student, reference, case) -> bool:
    return student["out"].kind == "scalar" or student["out"].shape == ()


def _ce_argmax_labels(student, reference, case) -> bool:
    logits, target = _arg(case, "logits"), _arg(case, "target")
    labels = target.argmax(dim=1, keepdim=True)
    wrong = -torch.log_softmax(logits, dim=1).gather(1, labels)[:, 0]
    return _near(_array(student, "out"), wrong) and not _near(_array(reference, "out"), wrong)


CE_HINTS = (
    Hint(
        "forward returns the per-sample losses, shape (B,), not their mean or sum",
        _ce_not_per_sample,
    ),
    Hint(
        "never clamp or log the softmax: loss = logsumexp(z) - sum_c p_c z_c, which is 2000 here "
        "(a clamp at 1e-15 gives 34.5)",
        _ce_clamped,
    ),
    Hint(
        "targets may be soft: the loss is -sum_c p_c log softmax(z)_c, not -log softmax at argmax p",
        _ce_argmax_labels,
    ),
    Hint(
        "backward returns (softmax(z) - p) * delta[:, None]: scale each row by its delta",
        _ce_ignores_delta,
    ),
)


# ----------------------------------------------------------------------------------------- Sequential
class _Linear:
    """Trusted ``x @ W + b`` with ``grads = [x.T @ delta, delta.sum(0)]``, for Sequential's cases."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W, self.b, self.grads = W, b, None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.W + self.b

    def backward(self, delta: np.ndarray) -> np.ndarray:
        _expect_shape("Linear.backward", delta, (len(self.x), self.W.shape[1]))
        self.grads = [self.x.T @ delta, delta.sum(axis=0)]
        return delta @ self.W.T


class _Tanh:
    """Trusted ``tanh`` with backward ``delta * (1 - y**2)``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = np.tanh(x)
        return self.y

    def backward(self, delta: np.ndarray) -> np.ndarray:
        _expect_shape("Tanh.backward", delta, self.y.shape)
        return delta * (1.0 - self.y**2)


class _SoftmaxCrossEntropy:
    """Trusted per-sample ``-sum_c p_c log softmax(z)_c`` (log-sum-exp form), backward ``(q - p) delta``."""

    def forward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs, self.target = np.exp(log_probs), target
        return -(target * log_probs).sum(axis=1)

    def backward(self, delta: np.ndarray) -> np.ndarray:
        _expect_shape("loss.backward", delta, (len(self.probs),))
        return (self.probs - self.target) * delta[:, None]


def _expect_shape(where: str, delta: Any, shape: tuple[int, ...]) -> None:
    if np.shape(delta) != tuple(shape):
        raise ValueError(f"{where} expects delta of shape {tuple(shape)}, got {np.shape(delta)}")


def _sequential_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    depth = _depth(inputs)
    linears = [_Linear(inputs[f"W{k}"], inputs[f"b{k}"]) for k in range(1, depth + 1)]
    layers = []
    for linear in linears[:-1]:
        layers += [linear, _Tanh()]
    net = ctx.call(impl, [*layers, linears[-1]], _SoftmaxCrossEntropy())
    observations = {"out": _run(ctx, net.forward, inputs["x"], inputs["target"])}
    for call in range(inputs["backward_calls"]):
        suffix = SECOND if call else ""
        observations[f"grad:x{suffix}"] = _copy(_run(ctx, net.backward))
        for k, linear in enumerate(linears, start=1):
            observations.update(_param_grads(linear.grads, [f"W{k}", f"b{k}"], suffix))
    return observations


def sequential_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, sizes: list[int], batch: int, soft: bool = False, calls: int = 1) -> Case:
        target = (_soft if soft else _onehot)(rng, batch, sizes[-1])
        args = {**_weights(rng, sizes), "x": rng.normal(batch, sizes[0]), "target": target}
        return _numpy_case(label, args={**args, "backward_calls": calls})

    return [
        case("Linear-Tanh-Linear, batch of 4", [3, 5, 4], 4),
        case("single sample", [3, 5, 4], 1),
        case("three Linear layers, soft targets", [4, 6, 5, 3], 5, soft=True),
        case("one Linear layer", [5, 3], 6),
        case("backward twice gives the same gradients", [3, 4, 2], 3, calls=2),
    ]


def _sequential_sum(student, reference, case) -> bool:
    return _off_by(student, reference, "out", float(_batch(case)))


def _sequential_seed(student, reference, case) -> bool:
    return _off_by(student, reference, "grad:x", float(_batch(case)))


def _sequential_not_float(student, reference, case) -> bool:
    return student["out"].kind != "scalar"


def _sequential_skips_layer(student, reference, case) -> bool:
    return any(item.kind == "none" for key, item in student.items() if key.startswith("grad:W"))


SEQUENTIAL_HINTS = (
    Hint("forward returns the mean loss over the batch as a Python float", _sequential_not_float),
    Hint("the network loss is the mean of the per-sample losses, not their sum", _sequential_sum),
    Hint(
        "backward seeds delta = np.ones(B) / B, the derivative of the batch mean: yours is B times "
        "too large",
        _sequential_seed,
    ),
    Hint(
        "backward calls loss.backward and then every layer's backward, last layer first",
        _sequential_skips_layer,
    ),
)


# ----------------------------------------------------------------------------------------- MLP
def _mlp_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    depth = _depth(inputs)
    params = [(inputs[f"W{k}"], inputs[f"b{k}"]) for k in range(1, depth + 1)]
    result = _run(ctx, impl, params, inputs["x"], inputs["y"])
    loss, grads = (
        result if isinstance(result, (tuple, list)) and len(result) == 2 else (result, None)
    )
    pairs = grads if isinstance(grads, (list, tuple)) else None
    observations = {"loss": loss, "number of (dW, db) pairs": _length(grads)}
    for k in range(1, depth + 1):
        pair = pairs[k - 1] if pairs and len(pairs) >= k else None
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            pair = (pair, pair)
        observations.update({f"grad:W{k}": pair[0], f"grad:b{k}": pair[1]})
    return observations


def mlp_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, sizes: list[int], batch: int, soft: bool = False) -> Case:
        y = (_soft if soft else _onehot)(rng, batch, sizes[-1])
        args = {**_weights(rng, sizes), "x": rng.normal(batch, sizes[0]), "y": y}
        return _numpy_case(label, args=args)

    return [
        case("depth 1 (softmax regression), batch of 5", [4, 3], 5),
        case("depth 2, batch of 6", [3, 5, 4], 6),
        case("depth 3, batch of 4, soft targets", [2, 4, 3, 5], 4, soft=True),
        case("depth 2, single sample", [3, 5, 4], 1),
        case("depth 3, single sample", [3, 4, 4, 2], 1),
        case("square layers, batch equals width", [4, 4, 4], 4),
        _saturated(rng, "two of four tanh units saturated", out_scale=30.0, wrong_class=False),
        _saturated(rng, "logits about 1000 apart, wrong class", out_scale=1500.0, wrong_class=True),
    ]


def _saturated(rng: CaseRng, label: str, out_scale: float, wrong_class: bool) -> Case:
    """A 3-4-3 net whose hidden units 1 and 2 sit at |z| >= 80 (tanh exactly +-1, gradient exactly
    0) while units 3 and 4 stay moderate, and whose output weights are ``out_scale`` times larger.

    Exact saturation keeps the case well conditioned: ``1 - y**2``, ``(1 - y) * (1 + y)`` and
    ``1 / cosh(z)**2`` all give 0 there, and the moderate units set the scale of the gradients.
    ``wrong_class`` puts every target on the smallest logit (losses of about 1000).
    """
    weights = _weights(rng, [3, 4, 3])
    weights["b1"][:2] = torch.where(rng.uniform(2) < 0.5, -100.0, 100.0)
    weights["W2"] = out_scale * weights["W2"]
    x = rng.normal(5, 3)
    logits = torch.tanh(x @ weights["W1"] + weights["b1"]) @ weights["W2"] + weights["b2"]
    labels = logits.argmin(dim=1) if wrong_class else rng.integers(3, 5)
    y = torch.nn.functional.one_hot(labels, 3).double()
    return _numpy_case(label, args={**weights, "x": x, "y": y}, hint=MLP_HINT)


def _mlp_loss(case: Case, tanh_output: bool) -> torch.Tensor:
    inputs = case.inputs()
    h = inputs["x"].double()
    depth = _depth(inputs)
    for k in range(1, depth + 1):
        h = h @ inputs[f"W{k}"] + inputs[f"b{k}"]
        if k < depth or tanh_output:
            h = torch.tanh(h)
    return -(inputs["y"] * torch.log_softmax(h, dim=1)).sum(dim=1).mean()


def _mlp_malformed(student, reference, case) -> bool:
    count = student["number of (dW, db) pairs"]
    if count.kind != "scalar" or float(count.data) != float(_depth(case.inputs())):
        return True
    return any(student[key].kind != item.kind for key, item in reference.items() if key in student)


def _mlp_sum(student, reference, case) -> bool:
    return _off_by(student, reference, "loss", float(_batch(case)))


def _mlp_missing_mean(student, reference, case) -> bool:
    depth = _depth(case.inputs())
    return _off_by(student, reference, f"grad:W{depth}", float(_batch(case)))


def _mlp_dw_transposed(student, reference, case) -> bool:
    return any(
        _transposed(student, reference, key) for key in reference if key.startswith("grad:W")
    )


def _mlp_deltas(case: Case) -> list[torch.Tensor]:
    """``dL/dz_k`` for the pre-activations ``z_1, ..., z_n``, by autograd (grader side only)."""
    inputs = case.inputs()
    depth = _depth(inputs)
    h, pre = inputs["x"].double(), []
    for k in range(1, depth + 1):
        bias = inputs[f"b{k}"].detach().clone().requires_grad_(True)  # puts z_k in a graph
        pre.append(h @ inputs[f"W{k}"] + bias)
        h = torch.tanh(pre[-1]) if k < depth else pre[-1]
    loss = -(inputs["y"] * torch.log_softmax(h, dim=1)).sum(dim=1).mean()
    return list(torch.autograd.grad(loss, pre))


def _mlp_db_batch_axis(student, reference, case) -> bool:
    for k, delta in enumerate(_mlp_deltas(case), start=1):
        key = f"grad:b{k}"
        if student[key].shape == (len(delta),) != reference[key].shape:
            return True
        wrong = delta.sum(dim=1)
        if _near(_array(student, key), wrong) and not _near(_array(reference, key), wrong):
            return True
    return False


def _mlp_tanh_output(student, reference, case) -> bool:
    wrong = float(_mlp_loss(case, tanh_output=True))
    yours = _array(student, "loss")
    return yours is not None and abs(float(yours) - wrong) <= 1e-6 * max(abs(wrong), 1.0)


def _mlp_hidden_backward(student, reference, case) -> bool:
    depth = _depth(case.inputs())
    last = [f"grad:W{depth}", f"grad:b{depth}"]
    return depth > 1 and all(_near(_array(student, k), _array(reference, k)) for k in last)


MLP_HINTS = (
    Hint(
        "return (loss, [(dW_1, db_1), ..., (dW_n, db_n)]): a float and one pair of arrays per layer",
        _mlp_malformed,
    ),
    Hint("the output layer is linear: no tanh on the logits", _mlp_tanh_output),
    Hint("the loss is the mean over the batch, not the sum", _mlp_sum),
    Hint(
        "the gradients are B times too large: the loss is a batch mean, so backpropagate "
        "delta = (softmax(z) - p) / B",
        _mlp_missing_mean,
    ),
    Hint(
        "dW = h.T @ delta has the shape of W, (F_in, F_out): yours is transposed",
        _mlp_dw_transposed,
    ),
    Hint(
        "db = delta.sum(axis=0): sum over the batch (rows), one entry per unit", _mlp_db_batch_axis
    ),
    Hint(
        "the last layer's gradients match but an earlier layer's do not: pass delta @ W.T down and "
        "multiply by 1 - h**2 with h the tanh output",
        _mlp_hidden_backward,
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "Linear",
        points=1.0,
        cases=linear_cases,
        probe=_layer_probe(("W", "b")),
        forbidden=FORBIDDEN,
        hints=LINEAR_HINTS,
        devices=("cpu",),
    ),
    Exercise(
        MODULE,
        "Sigmoid",
        points=0.5,
        cases=sigmoid_cases,
        probe=_layer_probe(()),
        forbidden=FORBIDDEN,
        hints=SIGMOID_HINTS,
        devices=("cpu",),
    ),
    Exercise(
        MODULE,
        "Tanh",
        points=0.5,
        cases=tanh_cases,
        probe=_layer_probe(()),
        forbidden=FORBIDDEN,
        hints=TANH_HINTS,
        devices=("cpu",),
    ),
    Exercise(
        MODULE,
        "ReLU",
        points=0.5,
        cases=relu_cases,
        probe=_layer_probe(()),
        forbidden=FORBIDDEN,
        hints=RELU_HINTS,
        devices=("cpu",),
    ),
    Exercise(
        MODULE,
        "SoftmaxCrossEntropy",
        points=1.0,
        cases=ce_cases,
        probe=_ce_probe,
        forbidden=FORBIDDEN,
        hints=CE_HINTS,
        devices=("cpu",),
    ),
    Exercise(
        MODULE,
        "Sequential",
        points=1.0,
        cases=sequential_cases,
        probe=_sequential_probe,
        forbidden=FORBIDDEN,
        hints=SEQUENTIAL_HINTS,
        devices=("cpu",),
    ),
    Exercise(
        MODULE,
        "mlp_loss_and_grads",
        points=2.0,
        cases=mlp_cases,
        probe=_mlp_probe,
        forbidden=FORBIDDEN,
        hints=MLP_HINTS,
        devices=("cpu",),
    ),
]
