"""Week 2 checks, numpy backprop: Linear, Sigmoid, Tanh, ReLU, SoftmaxCrossEntropy, Sequential and
mlp_loss_and_grads (curriculum 2.1).

The reference (``ml4p_ref.week02_mlp_cnn``) evaluates every layer with torch in float64 and takes
every gradient from ``torch.autograd``. Every case is float64 on the CPU and hands numpy arrays over.

- Layers: the probe builds the class, calls ``forward(x)`` (the case's values check) and
  ``backward(delta)``, whose ``dL/dx`` and ``self.grads`` are the gradients check. The case "backward
  called twice" is not compared with the reference: its property says a second call with the same
  ``delta`` gives the same gradients (``self.grads`` overwritten, not accumulated). An input changed
  in place (``delta[x <= 0] = 0``) fails only the engine's "inputs left unmodified" check.
- Numerics: every call into the code runs under ``np.errstate(over/invalid/divide="raise")``, as the
  docstrings say; the "stability" cases (inputs of +-1000, saturated tanh units, logits 1000 apart)
  turn ``1 / (1 + exp(-x))``, an ``np.where`` that evaluates both branches or an unshifted softmax
  into a ``FloatingPointError``.
- ``Sequential`` is graded with small trusted layers defined here, numpy in and out, torch and its
  autograd inside (its own layers would make one bug count twice, the reference's cannot be
  imported where student code runs, and formulas written out here would be read by students); the
  reference ``Sequential`` gets the very same layers.
- ``mlp_loss_and_grads``: depths 1 to 3, single samples, soft targets, saturated units.

The backward pass is the point of the week, so "gradients" weighs most; each exercise's lesson (its
``tests/known_wrong`` file with ``"lesson": True``) keeps less than half of the points.
Forbidden everywhere: torch (so torch.autograd), jax, autograd.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from autograder.case import Case, CaseRng, Property, Unfit, observed_array
from autograder.compare import label
from autograder.exercise import Exercise
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
    in_group,
    near,
    raised,
    reference,
    scaled,
)
from autograder.nets import mlp_weights
from autograder.plain import Observed
from autograder.probe import ProbeContext, grad_along

MODULE = "week02_mlp_cnn"
FORBIDDEN = ("torch", "jax", "autograd")
RAISE_ALL = {"over": "raise", "invalid": "raise", "divide": "raise"}
AGAIN = ", second call"  # suffix of the observations of a second backward call
REF = {
    name: reference(MODULE, name)
    for name in ("Linear", "Tanh", "ReLU", "SoftmaxCrossEntropy", "mlp_loss_and_grads")
}


# ----------------------------------------------------------------------------------------- helpers
def _run(ctx: ProbeContext, obj: Any, method: str, *args: Any) -> Any:
    """``obj.method(*args)`` as code under test (the attribute read included), under
    ``np.errstate(raise)``: an overflow is a ``FloatingPointError``."""
    return ctx.call_under(lambda: np.errstate(**RAISE_ALL), _invoke, obj, method, *args)


def _invoke(obj: Any, method: str, *args: Any) -> Any:
    return getattr(obj, method)(*args)


def _copy(value: Any) -> Any:
    """A copy of an array (a later call may change it in place); anything else as it is."""
    return value.copy() if type(value) is np.ndarray else value


def _param_grads(grads: Any, names: list[str], suffix: str = "") -> dict[str, Any]:
    """``grad:<name>`` per entry of a list of gradients; the whole value where it is not such a
    list (the comparison then says what it is, and ``_not_a_list`` recognises it)."""
    keys = [f"grad:{name}{suffix}" for name in names]
    if type(grads) in (list, tuple) and len(grads) == len(names):
        return {key: _copy(grad) for key, grad in zip(keys, grads, strict=True)}
    return dict.fromkeys(keys, _copy(grads))


def _params(rng: CaseRng, sizes: list[int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``[(W_1, b_1), ..., (W_n, b_n)]`` of an MLP with layer widths ``sizes``."""
    weights = mlp_weights(rng, sizes)
    return [(weights[f"W{k}"], weights[f"b{k}"]) for k in range(len(sizes) - 1)]


def _onehot(rng: CaseRng, batch: int, classes: int) -> torch.Tensor:
    return torch.nn.functional.one_hot(rng.integers(classes, batch), classes).double()


def _soft(rng: CaseRng, batch: int, classes: int) -> torch.Tensor:
    return torch.softmax(rng.normal(batch, classes, scale=2.0), dim=-1)


def _numpy(value: torch.Tensor) -> np.ndarray:
    return value.double().numpy()


def _batch(evidence: Evidence) -> float:
    return float(evidence.case.inputs["x"].shape[0])


def _on(key: str, variant: Callable[[Evidence], Any]) -> Callable[[Evidence], bool]:
    """The check failed on ``key`` and the student's ``key`` is ``variant``'s mistaken value."""
    return all_of(failed_on(key), explained_by(variant))


def _grad_key(evidence: Evidence) -> bool:
    return evidence.key.startswith("grad:")


OVERFLOWED = all_of(
    in_group("stability"), any_of(raised("FloatingPointError"), at_stage("nonfinite"))
)


def _same_observation(first: Observed | None, second: Observed | None) -> bool:
    if first is None or second is None or first.describe() != second.describe():
        return False
    if first.data is None or second.data is None:
        return first.data is None and second.data is None
    return torch.equal(first.data, second.data)


def _not_a_list(first: str, second: str) -> Callable[[Evidence], bool]:
    """The probe found no list of gradients and put the whole value under both keys."""

    def applies(evidence: Evidence) -> bool:
        student = evidence.student
        return _grad_key(evidence) and _same_observation(student.get(first), student.get(second))

    return applies


def _both_times(observed: Mapping[str, Observed], case: Case) -> str | None:
    """A second backward call with the same ``delta`` gives the same ``dL/dx`` and gradients."""
    for key in [key for key in observed if key.startswith("grad:") and AGAIN not in key]:
        try:
            first = observed_array(observed, key)
            again = observed_array(observed, key + AGAIN, tuple(first.shape))
        except Unfit as unfit:  # named as in the other messages
            raise Unfit(str(unfit).replace("grad:", "gradient w.r.t. ", 1)) from None
        change, scale = (again - first).abs(), first.abs().max() if first.numel() else 0.0
        if not bool((change <= 1e-12 * scale).all()):
            return (
                f"{label(key)}: a second backward call with the same delta changed it (max change "
                f"{float(change.max()):.2e}); calling backward again must give the same result"
            )
    return None


BOTH_TIMES = Property("same gradients both times", _both_times)


def _doubled(keys: list[str]) -> Callable[[Evidence], bool]:
    """The second call's gradient is twice the first's (accumulated)."""

    def applies(evidence: Evidence) -> bool:
        for key in keys:
            first, again = evidence.student_value(key), evidence.student_value(key + AGAIN)
            if first is not None and near(again, 2 * first) and not near(first, 2 * first):
                return True
        return False

    return applies


# ----------------------------------------------------------------------------------------- layers
def _layer_probe(param_names: tuple[str, ...], options: tuple[str, ...] = ()) -> Callable:
    """Build the layer from ``param_names`` (and the keyword ``options`` a case gives), forward
    ``x``, backward ``delta`` (twice if asked)."""

    def probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
        keywords = {name: inputs[name] for name in options if name in inputs}
        layer = ctx.call(impl, *(inputs[name] for name in param_names), **keywords)
        observations = {"out": _copy(_run(ctx, layer, "forward", inputs["x"]))}
        for call in range(inputs.get("backward_calls", 1)):
            suffix = AGAIN if call else ""
            observations[f"grad:x{suffix}"] = _copy(_run(ctx, layer, "backward", inputs["delta"]))
            if param_names:
                grads = ctx.call(getattr, layer, "grads", None)
                observations.update(_param_grads(grads, list(param_names), suffix))
        return observations

    return probe


def _layer_case(label: str, x: torch.Tensor, delta: torch.Tensor, **kwargs: Any) -> Case:
    inputs = {**kwargs.pop("params", {}), "x": x, "delta": delta}
    if kwargs.pop("twice", False):
        inputs["backward_calls"] = 2
    return Case(label, inputs, numpy=True, **kwargs)


def _reference_dx(name: str, x: torch.Tensor, delta: torch.Tensor, *params: torch.Tensor):
    """``dL/dx`` of the reference layer ``name`` (float64 tensors in and out)."""
    layer = REF[name](*map(_numpy, params))
    layer.forward(_numpy(x))
    return torch.from_numpy(layer.backward(_numpy(delta)))


# Linear
def linear_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, batch: int, f_in: int, f_out: int, **kwargs: Any) -> Case:
        params = {"W": rng.normal(f_in, f_out), "b": rng.normal(f_out)}
        x, delta = rng.normal(batch, f_in), rng.normal(batch, f_out)
        return _layer_case(label, x, delta, params=params, grad=("x", "W", "b"), **kwargs)

    return [
        case("batch of 5, 4 to 3 features", 5, 4, 3),
        case("single sample", 1, 4, 6, group="edge cases"),
        case("square W, 4 to 4 features", 6, 4, 4),
        case("batch size equals F_out", 3, 5, 3),
        case("one feature in and out", 6, 1, 1, group="edge cases"),
        case("wide layer, 16 to 12 features", 8, 16, 12),
        case("backward called twice", 4, 3, 5, twice=True, compare=False, properties=(BOTH_TIMES,)),
    ]


def _dx_without_transpose(evidence: Evidence) -> torch.Tensor | None:
    """``delta @ W``: the reference's ``dL/dx`` for ``W.T`` (defined for square ``W`` only)."""
    W = evidence.seen("W")
    if W.shape[0] != W.shape[1]:
        return None
    return _reference_dx(
        "Linear", evidence.seen("x"), evidence.seen("delta"), W.T, evidence.seen("b")
    )


def _transposed(evidence: Evidence) -> torch.Tensor | None:
    right = evidence.reference_value()
    return None if right is None or right.dim() != 2 else right.T


LINEAR_HINTS = (
    Hint(
        "after backward, self.grads must be the list [dW, db] of arrays",
        _not_a_list("grad:W", "grad:b"),
    ),
    Hint(
        "dW = x.T @ delta has the shape of W, (F_in, F_out): yours is transposed",
        _on("grad:W", _transposed),
    ),
    Hint(
        "db = delta.sum(axis=0): sum over the batch (rows), one entry per output",
        _on("grad:b", lambda e: e.seen("delta").sum(dim=1)),
    ),
    Hint("dL/dx = delta @ W.T (W has shape (F_in, F_out))", _on("grad:x", _dx_without_transpose)),
    Hint(
        "backward must overwrite self.grads, not add to them (a second call doubled them)",
        _doubled(["grad:W", "grad:b"]),
    ),
)


# Sigmoid, Tanh, ReLU
def _activation_cases(rng: CaseRng, kink: bool = False) -> list[Case]:
    def case(label: str, x: torch.Tensor, group: str = "values") -> Case:
        return _layer_case(label, x, rng.normal(*x.shape), group=group, grad=("x",))

    extremes = torch.tensor([-1000.0, -40.0, -1.5, 0.0, 1.5, 40.0, 1000.0], dtype=torch.float64)
    extremes = torch.stack([extremes, rng.normal(7, scale=3.0)])
    wide = rng.uniform(6, 5, low=-1000.0, high=1000.0)
    cases = [
        case("random (4, 5)", rng.normal(4, 5, scale=3.0)),
        case("single sample", rng.normal(1, 6, scale=3.0), "edge cases"),
        case("3-d input (2, 3, 4)", rng.normal(2, 3, 4, scale=3.0)),
        case("inputs +-1000, 0 and +-40", extremes, "stability"),
        case("uniform in [-1000, 1000]", wide, "stability"),
    ]
    if kink:
        x = rng.normal(5, 4)
        x[rng.uniform(5, 4) < 0.4] = 0.0
        cases.append(case("exact zeros (derivative 0 at 0)", x, "edge cases"))
    return cases


SIGMOID_HINTS = (
    Hint(
        "1/(1+exp(-x)) overflows for x = -1000 and np.where evaluates both branches: use "
        "0.5*(1+tanh(x/2)) or a masked form that only evaluates exp(-|x|)",
        OVERFLOWED,
    ),
    Hint(
        "the derivative is y * (1 - y) with y = sigmoid(x) from the forward pass, not the input x",
        _on("grad:x", lambda e: e.seen("delta") * e.seen("x") * (1 - e.seen("x"))),
    ),
)
TANH_HINTS = (
    Hint("exp(x) overflows for |x| = 1000: use np.tanh", OVERFLOWED),
    Hint(
        "backward uses y = tanh(x) as stored in forward: delta * (1 - y**2), no second tanh",
        _on("grad:x", lambda e: _reference_dx("Tanh", e.seen("x").tanh(), e.seen("delta"))),
    ),
    Hint(
        "the derivative is 1 - tanh(x)**2, not 1 - x**2",
        _on("grad:x", lambda e: e.seen("delta") * (1 - e.seen("x") ** 2)),
    ),
)
RELU_HINTS = (
    Hint(
        "the derivative at exactly x = 0 is 0 (as torch.relu): mask with x > 0, not x >= 0",
        _on("grad:x", lambda e: e.seen("delta") * (e.seen("x") >= 0)),
    ),
    Hint(
        "backward returns delta * (x > 0): multiply by delta",
        _on(
            "grad:x", lambda e: _reference_dx("ReLU", e.seen("x"), torch.ones_like(e.seen("delta")))
        ),
    ),
)


# ----------------------------------------------------------------------------------------- softmax CE
def _ce_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    loss = ctx.call(impl)
    out = _copy(_run(ctx, loss, "forward", inputs["logits"], inputs["target"]))
    return {"out": out, "grad:logits": _copy(_run(ctx, loss, "backward", inputs["delta"]))}


def ce_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, logits: torch.Tensor, target: torch.Tensor, **kwargs: Any) -> Case:
        inputs = {"logits": logits, "target": target, "delta": rng.normal(len(logits))}
        return Case(label, inputs, numpy=True, grad=("logits",), **kwargs)

    extreme = torch.tensor([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    extreme_target = torch.tensor([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    return [
        case("one-hot targets, B=6, C=4", rng.normal(6, 4, scale=3.0), _onehot(rng, 6, 4)),
        case("soft targets, B=5, C=3", rng.normal(5, 3, scale=3.0), _soft(rng, 5, 3)),
        case("single sample", rng.normal(1, 5, scale=3.0), _onehot(rng, 1, 5), group="edge cases"),
        case("ten classes", rng.normal(4, 10, scale=3.0), _onehot(rng, 4, 10)),
        case(
            "logits +-1000 (losses 2000, 0, log 2)",
            extreme.double(),
            extreme_target.double(),
            group="stability",
        ),
        case(
            "logits uniform in [-1000, 1000]",
            rng.uniform(5, 4, low=-1000.0, high=1000.0),
            _onehot(rng, 5, 4),
            group="stability",
        ),
    ]


def _ce_reference(logits: torch.Tensor, target: torch.Tensor, delta: torch.Tensor | None = None):
    """The reference's per-sample losses, or with ``delta`` its ``dL/dz``."""
    loss = REF["SoftmaxCrossEntropy"]()
    out = loss.forward(_numpy(logits), _numpy(target))
    return torch.from_numpy(out if delta is None else loss.backward(_numpy(delta)))


def _argmax_labels(evidence: Evidence) -> torch.Tensor:
    target = evidence.seen("target")
    hard = torch.nn.functional.one_hot(target.argmax(dim=1), target.shape[1])
    return _ce_reference(evidence.seen("logits"), hard)


def _clamped(evidence: Evidence) -> torch.Tensor:
    """The loss of probabilities clipped at 1e-15 before the log."""
    log_probs = torch.log_softmax(evidence.seen("logits"), dim=1).clamp_min(math.log(1e-15))
    return -(evidence.seen("target") * log_probs).sum(dim=1)


def _not_per_sample(evidence: Evidence) -> bool:
    yours = evidence.student_value("out")
    return evidence.key == "out" and yours is not None and yours.dim() == 0


CE_HINTS = (
    Hint(
        "forward returns the per-sample losses, shape (B,), not their mean or sum", _not_per_sample
    ),
    Hint(
        "subtract the row max before exp and use log-sum-exp; never take log of a softmax (it is "
        "log(0) for logits 2000 apart)",
        OVERFLOWED,
    ),
    Hint(
        "never clamp or log the softmax: loss = logsumexp(z) - sum_c p_c z_c, which is 2000 here "
        "(a clamp at 1e-15 gives 34.5)",
        _on("out", _clamped),
    ),
    Hint(
        "targets may be soft: the loss is -sum_c p_c log softmax(z)_c, not -log softmax at argmax p",
        _on("out", _argmax_labels),
    ),
    Hint(
        "backward returns (softmax(z) - p) * delta[:, None]: scale each row by its delta",
        _on(
            "grad:logits",
            lambda e: _ce_reference(
                e.seen("logits"), e.seen("target"), torch.ones_like(e.seen("delta"))
            ),
        ),
    ),
)


# ----------------------------------------------------------------------------------------- Sequential
class _TorchLayer:
    """A trusted numpy layer evaluated by torch in float64, its backward by ``torch.autograd``: the
    grader's own layers must not spell out the formulas the layer exercises ask for."""

    def __init__(self, name: str, function: Callable[..., torch.Tensor], *params: np.ndarray):
        self.name, self.function, self.params, self.grads = name, function, params, None

    def forward(self, *inputs: np.ndarray) -> np.ndarray:
        self.inputs = inputs
        with torch.no_grad():
            return self.function(*_as_torch(inputs), *_as_torch(self.params)).numpy()

    def backward(self, delta: np.ndarray) -> np.ndarray:
        leaves = _as_torch((self.inputs[0], *self.params), requires_grad=True)
        output = self.function(leaves[0], *_as_torch(self.inputs[1:]), *leaves[1:])
        _expect_shape(f"{self.name}.backward", delta, tuple(output.shape))
        grads = grad_along(output, torch.as_tensor(delta, dtype=torch.float64), leaves)
        if self.params:
            self.grads = [grad.numpy() for grad in grads[1:]]
        return grads[0].numpy()


def _as_torch(arrays, requires_grad: bool = False) -> list[torch.Tensor]:
    return [
        torch.tensor(np.asarray(array), dtype=torch.float64, requires_grad=requires_grad)
        for array in arrays
    ]


def _affine(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.addmm(b, x, W)


def _cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-sample ``-sum_c p_c log softmax(z)_c``."""
    return torch.sum(-target * torch.log_softmax(logits, dim=1), dim=1)


def _expect_shape(where: str, delta: Any, shape: tuple[int, ...]) -> None:
    if np.shape(delta) != tuple(shape):
        raise ValueError(f"{where} expects delta of shape {tuple(shape)}, got {np.shape(delta)}")


def _sequential_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    linears = [_TorchLayer("Linear", _affine, W, b) for W, b in inputs["params"]]
    layers = []
    for linear in linears[:-1]:
        layers += [linear, _TorchLayer("Tanh", torch.tanh)]
    net = ctx.call(impl, [*layers, linears[-1]], _TorchLayer("loss", _cross_entropy))
    observations = {"out": _run(ctx, net, "forward", inputs["x"], inputs["target"])}
    for call in range(inputs.get("backward_calls", 1)):
        suffix = AGAIN if call else ""
        observations[f"grad:x{suffix}"] = _copy(_run(ctx, net, "backward"))
        for k, linear in enumerate(linears, start=1):
            grads = ctx.call(getattr, linear, "grads", None)
            observations.update(_param_grads(grads, [f"W{k}", f"b{k}"], suffix))
    return observations


def sequential_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, sizes: list[int], batch: int, soft: bool = False, **kwargs: Any) -> Case:
        target = (_soft if soft else _onehot)(rng, batch, sizes[-1])
        inputs = {"params": _params(rng, sizes), "x": rng.normal(batch, sizes[0]), "target": target}
        if kwargs.pop("twice", False):
            inputs["backward_calls"] = 2
        return Case(label, inputs, numpy=True, grad=("x", "params"), **kwargs)

    return [
        case("Linear-Tanh-Linear, batch of 4", [3, 5, 4], 4),
        case("single sample", [3, 5, 4], 1, group="edge cases"),
        case("three Linear layers, soft targets", [4, 6, 5, 3], 5, soft=True),
        case("one Linear layer", [5, 3], 6),
        case(
            "backward called twice",
            [3, 4, 2],
            3,
            twice=True,
            compare=False,
            properties=(BOTH_TIMES,),
        ),
    ]


def _not_a_float(evidence: Evidence) -> bool:
    yours = evidence.student.get("out")
    return evidence.key == "out" and yours is not None and yours.kind != "scalar"


def _skipped_layer(evidence: Evidence) -> bool:
    return any(
        item.kind == "none" for key, item in evidence.student.items() if key.startswith("grad:W")
    )


SEQUENTIAL_HINTS = (
    Hint("forward returns the mean loss over the batch as a Python float", _not_a_float),
    Hint(
        "the network loss is the mean of the per-sample losses, not their sum",
        all_of(failed_on("out"), scaled(_batch)),
    ),
    Hint(
        "backward seeds delta = np.ones(B) / B, the derivative of the batch mean: yours is B times "
        "too large",
        all_of(failed_on("grad:x"), scaled(_batch)),
    ),
    Hint(
        "backward calls loss.backward and then every layer's backward, last layer first",
        _skipped_layer,
    ),
    Hint(
        "call the layers' backward last layer first, on every call: iterate over "
        "reversed(self.layers) and leave self.layers as it is",
        all_of(raised("ValueError"), lambda e: "expects delta of shape" in e.raised),
    ),
)


# ----------------------------------------------------------------------------------------- MLP
def _mlp_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    params = inputs["params"]
    result = _run(ctx, impl, "__call__", params, inputs["x"], inputs["y"])
    loss, grads = result if type(result) in (tuple, list) and len(result) == 2 else (result, None)
    pairs = grads if type(grads) in (list, tuple) and len(grads) == len(params) else None
    observations = {"loss": loss}
    for k in range(1, len(params) + 1):
        pair = grads if pairs is None else pairs[k - 1]
        observations.update(_param_grads(pair, [f"W{k}", f"b{k}"]))
    return observations


def mlp_cases(rng: CaseRng) -> list[Case]:
    def case(label: str, sizes: list[int], batch: int, soft: bool = False, **kwargs: Any) -> Case:
        y = (_soft if soft else _onehot)(rng, batch, sizes[-1])
        inputs = {"params": _params(rng, sizes), "x": rng.normal(batch, sizes[0]), "y": y}
        return Case(label, inputs, numpy=True, grad=("params",), **kwargs)

    return [
        case("depth 1 (softmax regression), batch of 5", [4, 3], 5),
        case("depth 2, batch of 6", [3, 5, 4], 6),
        case("depth 3, batch of 4, soft targets", [2, 4, 3, 5], 4, soft=True),
        case("depth 2, single sample", [3, 5, 4], 1, group="edge cases"),
        case("depth 3, single sample", [3, 4, 4, 2], 1, group="edge cases"),
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
    (W1, b1), (W2, b2) = _params(rng, [3, 4, 3])
    b1[:2] = torch.where(rng.uniform(2) < 0.5, -100.0, 100.0)
    W2 = out_scale * W2
    x = rng.normal(5, 3)
    logits = torch.tanh(x @ W1 + b1) @ W2 + b2
    labels = logits.argmin(dim=1) if wrong_class else rng.integers(3, 5)
    y = torch.nn.functional.one_hot(labels, 3).double()
    inputs = {"params": [(W1, b1), (W2, b2)], "x": x, "y": y}
    return Case(label, inputs, group="stability", numpy=True, grad=("params",))


def _layer_of(key: str) -> tuple[str, int] | None:
    """``("W", 0)`` for ``grad:W1``; None for other keys."""
    name = key.removeprefix("grad:")
    if name[:1] not in ("W", "b") or not name[1:].isdigit():
        return None
    return name[0], int(name[1:]) - 1


def _mlp_backprop(evidence: Evidence, slope: str = "output"):
    """Layer inputs ``h_0 .. h_{n-1}`` and ``dL/dz_1 .. dL/dz_n`` by hand; ``slope="pre-activation"``
    backpropagates through tanh with ``1 - z**2`` (the mistake) instead of ``1 - tanh(z)**2``."""
    params, h = evidence.seen("params"), evidence.seen("x")
    inputs, pre = [], []
    for W, b in params:
        inputs.append(h)
        pre.append(h @ W + b)
        h = torch.tanh(pre[-1])
    deltas = [(torch.softmax(pre[-1], dim=1) - evidence.seen("y")) / len(h)]
    for k in range(len(params) - 1, 0, -1):
        local = 1 - pre[k - 1] ** 2 if slope == "pre-activation" else 1 - inputs[k] ** 2
        deltas.insert(0, (deltas[0] @ params[k][0].T) * local)
    return inputs, deltas


def _mlp_grad(slope: str, db_axis: int = 0) -> Callable[[Evidence], torch.Tensor | None]:
    """The failing gradient of a backprop through tanh with ``slope`` ("output": ``1 - h**2``,
    right; "pre-activation": ``1 - z**2``) and ``db`` summed over ``db_axis``."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        layer = _layer_of(evidence.key)
        if layer is None:
            return None
        (kind, k), (inputs, deltas) = layer, _mlp_backprop(evidence, slope)
        return inputs[k].T @ deltas[k] if kind == "W" else deltas[k].sum(dim=db_axis)

    return variant


def _tanh_on_output(evidence: Evidence) -> float:
    """The loss with a tanh on the logits: the reference net with an identity layer appended."""
    params = [(_numpy(W), _numpy(b)) for W, b in evidence.seen("params")]
    classes = params[-1][1].shape[0]
    params.append((np.eye(classes), np.zeros(classes)))
    x, y = _numpy(evidence.seen("x")), _numpy(evidence.seen("y"))
    return REF["mlp_loss_and_grads"](params, x, y)[0]


def _hidden_backward(evidence: Evidence) -> bool:
    """The last layer's gradients match the reference's, an earlier layer's do not."""
    depth = len(evidence.case.inputs["params"])
    last = (f"grad:W{depth}", f"grad:b{depth}")
    layer = _layer_of(evidence.key)
    return (
        layer is not None
        and layer[1] < depth - 1
        and all(near(evidence.student_value(k), evidence.reference_value(k), 1e-8) for k in last)
    )


MLP_HINTS = (
    Hint(
        "return (loss, [(dW_1, db_1), ..., (dW_n, db_n)]): a float and one pair of arrays per layer",
        _not_a_list("grad:W1", "grad:b1"),
    ),
    Hint(
        "subtract the row max before exp and use log-sum-exp; never take log of a softmax; use "
        "np.tanh for the hidden layers",
        OVERFLOWED,
    ),
    Hint("the output layer is linear: no tanh on the logits", _on("loss", _tanh_on_output)),
    Hint(
        "the loss is the mean over the batch, not the sum",
        all_of(failed_on("loss"), scaled(_batch)),
    ),
    Hint(
        "the gradients are B times too large: the loss is a batch mean, so backpropagate "
        "delta = (softmax(z) - p) / B",
        all_of(_grad_key, scaled(_batch)),
    ),
    Hint(
        "dW = h.T @ delta has the shape of W, (F_in, F_out): yours is transposed",
        explained_by(_transposed),
    ),
    Hint(
        "db = delta.sum(axis=0): sum over the batch (rows), one entry per unit",
        explained_by(_mlp_grad("output", db_axis=1)),
    ),
    Hint(
        "backpropagate through tanh with 1 - h**2 of its output h = tanh(z), not 1 - z**2 of the "
        "pre-activation z",
        explained_by(_mlp_grad("pre-activation")),
    ),
    Hint(
        "the last layer's gradients match but an earlier layer's do not: pass delta @ W.T down and "
        "multiply by 1 - h**2 with h the tanh output",
        _hidden_backward,
    ),
)


LESSONS = {
    "Linear": "dW = x.T @ delta, with the shape of W (F_in, F_out)",
    "Sigmoid": "an overflow-safe formula: 1 / (1 + exp(-x)) overflows for x = -1000",
    "Tanh": "backward uses the stored output y = tanh(x): delta * (1 - y**2)",
    "ReLU": "backward is the mask x > 0 times delta",
    "SoftmaxCrossEntropy": "log-sum-exp with the row max subtracted: exp(1000) overflows",
    "Sequential": "backward seeds delta = ones(B) / B and runs the layers in reverse order",
    "mlp_loss_and_grads": "backprop through tanh multiplies by 1 - h**2 of the tanh output h",
}
GROUPS = {  # relative weights besides "values": 1, "edge cases": 0.5, "properties": 0.5
    "Linear": {"gradients": 4.0},
    "Sigmoid": {"gradients": 3.0, "stability": 3.5},
    "Tanh": {"gradients": 5.0, "stability": 2.0},
    "ReLU": {"gradients": 4.0, "stability": 1.0, "edge cases": 1.0},
    "SoftmaxCrossEntropy": {"gradients": 3.0, "stability": 4.0},
    "Sequential": {"gradients": 6.0},
    "mlp_loss_and_grads": {"gradients": 6.0, "stability": 2.0},
}


def _exercise(name: str, points: float, cases, probe, hints) -> Exercise:
    """An exercise of this part: forbidden torch, jax and autograd; numpy on the CPU only."""
    groups = {"values": 1.0, "edge cases": 0.5, "properties": 0.5, **GROUPS[name]}
    return Exercise(
        MODULE,
        name,
        points,
        cases,
        probe,
        groups=groups,
        lesson=LESSONS[name],
        forbidden=FORBIDDEN,
        hints=hints,
        devices=("cpu",),
    )


def _relu_cases(rng: CaseRng) -> list[Case]:
    return _activation_cases(rng, kink=True)


EXERCISES = [
    _exercise("Linear", 1.0, linear_cases, _layer_probe(("W", "b")), LINEAR_HINTS),
    _exercise("Sigmoid", 0.5, _activation_cases, _layer_probe(()), SIGMOID_HINTS),
    _exercise("Tanh", 0.5, _activation_cases, _layer_probe(()), TANH_HINTS),
    _exercise("ReLU", 0.5, _relu_cases, _layer_probe(()), RELU_HINTS),
    _exercise("SoftmaxCrossEntropy", 1.0, ce_cases, _ce_probe, CE_HINTS),
    _exercise("Sequential", 1.0, sequential_cases, _sequential_probe, SEQUENTIAL_HINTS),
    _exercise("mlp_loss_and_grads", 2.0, mlp_cases, _mlp_probe, MLP_HINTS),
]
