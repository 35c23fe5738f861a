"""Week 7 checks, score-matching part: dsm_loss (denoising score matching).

Oracle: ``ml4p_ref.week07_generative2.dsm_loss`` in float64 (``F.mse_loss``), itself checked
against the Gaussian closed forms of curriculum.md 7.6 / 4.3.

dsm_loss: the probe's score function is a ``TensorMLP`` on the flattened ``x~`` divided by
``sigma_b``; it records the ``x~`` and ``sigma_b`` it is given, which are compared with the
reference's (so ``sigma_b`` must be the ``(B,)`` tensor of ``x0``'s dtype). Vector and image-shaped
``x0`` (with ``B == W``, so that a wrong broadcast of sigma does not raise), sigma as a float and as
a ``(B,)`` tensor, both weightings, gradients w.r.t. ``x0`` and the score net's weights. Properties:
the exact conditional score ``-(x~ - x0) / sigma^2`` gives the loss 0 (the DSM closed form at its
per-sample optimum), and an unknown weighting raises ``ValueError``. The lesson: the target is
``-noise/sigma``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
    reference,
    scaled,
)
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week07_generative2"

SIGMA_SEEN, X_TILDE_SEEN = "sigma_b given to score_fn", "x_tilde given to score_fn"
RAISED = "ValueError raised"

DSM_GROUPS = {"values": 3.0, "gradients": 1.0, "properties": 1.5}


# ----------------------------------------------------------------------------------------- dsm_loss
def dsm_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``dsm_loss(score_fn, x0, sigma, noise[, weighting])`` with a score built from the case.

    The first ``x~`` and ``sigma_b`` the score function receives are observations. With
    ``expect_error`` the probe records whether a ``ValueError`` was raised (1), another exception
    (2) or none (0).
    """
    x0, noise, sigma = inputs["x0"], inputs["noise"], inputs["sigma"]
    wrt = {}
    if ctx.grad:
        wrt = {"x0": x0.requires_grad_(True), **leaves(inputs["score_net"], "score_net")}
    score = _score_fn(inputs["score"], TensorMLP(inputs["score_net"]), x0.detach())
    seen: dict[str, Any] = {}

    def score_fn(x_tilde: torch.Tensor, sigma_b: Any) -> torch.Tensor:
        if not seen:
            seen[SIGMA_SEEN] = sigma_b.detach().clone() if torch.is_tensor(sigma_b) else sigma_b
            seen[X_TILDE_SEEN] = x_tilde.detach().clone() if torch.is_tensor(x_tilde) else x_tilde
        return score(x_tilde, sigma_b)

    keywords = {"weighting": inputs["weighting"]} if "weighting" in inputs else {}
    if inputs.get("expect_error"):
        return {RAISED: _raises_value_error(ctx, impl, score_fn, x0, sigma, noise, keywords)}
    loss = ctx.call(impl, score_fn, x0, sigma, noise, **keywords)
    observations = {SIGMA_SEEN: seen.get(SIGMA_SEEN), X_TILDE_SEEN: seen.get(X_TILDE_SEEN)}
    observations["out"] = loss
    observations.update(vjp(loss, wrt, ctx))
    return observations


def _score_fn(kind: str, net: TensorMLP, x0: torch.Tensor) -> Callable:
    """The case's score function: ``net(flattened x~) / sigma_b`` ("net") or the conditional
    score ``-(x~ - x0) / sigma_b^2`` ("exact")."""

    def score(x_tilde: torch.Tensor, sigma_b: Any) -> torch.Tensor:
        per_sample = _per_sample(sigma_b, x_tilde)
        if kind == "exact":
            return -(x_tilde - x0) / per_sample**2
        flat = x_tilde.reshape(x_tilde.shape[0], -1)
        return net(flat).reshape(x_tilde.shape) / per_sample

    return score


def _per_sample(sigma_b: Any, x_tilde: torch.Tensor) -> torch.Tensor:
    """``sigma_b`` shaped to broadcast over ``x_tilde``'s non-batch dims (lenient on its form)."""
    batch = x_tilde.shape[0]
    values = torch.as_tensor(sigma_b, dtype=x_tilde.dtype, device=x_tilde.device).reshape(-1)
    if values.numel() == 1:
        values = values.expand(batch)
    if values.numel() != batch:
        raise ValueError(
            f"score_fn(x_tilde, sigma_b): sigma_b must hold one sigma per sample, shape "
            f"({batch},), got {tuple(values.shape)}"
        )
    return values.reshape((batch,) + (1,) * (x_tilde.dim() - 1))


def _raises_value_error(ctx: ProbeContext, impl: Any, *args: Any) -> float:
    *positional, keywords = args
    try:
        ctx.call(impl, *positional, **keywords)
    except NotImplementedError:
        raise
    except ValueError:
        return 1.0
    except Exception:
        return 2.0
    return 0.0


# hints: mistaken losses are the reference with its score function or its inputs changed
DSM = reference(MODULE, "dsm_loss")


def _dsm_variant(change=None, **changed_inputs):
    """The reference loss with the score changed (``change(score, noise / sigma, sigma)`` is the
    new score; the loss then holds ``||change(...) + noise / sigma||^2``) or with inputs changed."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        x0, noise, sigma = evidence.seen("x0"), evidence.seen("noise"), evidence.seen("sigma")
        score = _score_fn(evidence.case.inputs["score"], TensorMLP(evidence.seen("score_net")), x0)
        if change is not None:
            sigma_view = _per_sample(sigma, x0)
            right = score
            score = lambda x_tilde, sigma_b: change(  # noqa: E731
                right(x_tilde, sigma_b), noise / sigma_view, sigma_view
            )
        weighting = evidence.case.inputs.get("weighting", "none")
        with torch.no_grad():
            return DSM(score, x0, sigma, noise, **{"weighting": weighting, **changed_inputs})

    return variant


def _x_tilde_variant(change_sigma):
    """The ``x~`` the reference gives ``score_fn`` when run with ``sigma`` changed."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != X_TILDE_SEEN:
            return None
        seen = []

        def record(x_tilde: torch.Tensor, sigma_b: torch.Tensor) -> torch.Tensor:
            seen.append(x_tilde)
            return torch.zeros_like(x_tilde)

        sigma = change_sigma(evidence.seen("sigma"))
        DSM(record, evidence.seen("x0"), sigma, evidence.seen("noise"))
        return seen[0]

    return variant


def _broadcast_wrongly(shape_sigma):
    """``x0 + shape_sigma(sigma) * noise``: a per-sample sigma broadcast over the trailing dims."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        sigma = evidence.seen("sigma")
        if evidence.key != X_TILDE_SEEN or not torch.is_tensor(sigma):
            return None
        try:
            return evidence.seen("x0") + shape_sigma(sigma) * evidence.seen("noise")
        except RuntimeError:  # the shapes do not broadcast: not a mistake this case can show
            return None

    return variant


def _score_fn_misused(evidence: Evidence) -> bool:
    """``score_fn`` never called, or first called on part of the batch."""
    seen = evidence.student.get(X_TILDE_SEEN)
    if seen is None:
        return False
    batch = evidence.case.inputs["x0"].shape[0]
    return seen.kind == "none" or (seen.is_array and (not seen.shape or seen.shape[0] != batch))


def _per_sample_size(evidence: Evidence) -> float:
    return 1.0 / evidence.case.inputs["x0"][0].numel()


def _batch_size(evidence: Evidence) -> float:
    return float(evidence.case.inputs["x0"].shape[0])


def _weighted(evidence: Evidence) -> bool:
    return evidence.case.inputs.get("weighting") == "sigma2"


LOSS_OR_GRADIENT = lambda e: e.key == "out" or e.key.startswith("grad:")  # noqa: E731
DSM_HINTS = (
    Hint(
        "call score_fn(x_tilde, sigma_b) once, on the whole batch, with sigma_b of shape (B,)",
        _score_fn_misused,
    ),
    Hint(
        "sigma_b is always a (B,) tensor, also when sigma is a Python float: "
        "x0.new_full((B,), sigma)",
        all_of(failed_on(SIGMA_SEEN), at_stage("type", "shape")),
    ),
    Hint(
        "build sigma_b with x0's dtype and device, e.g. x0.new_full((B,), sigma); torch.full "
        "defaults to float32",
        all_of(failed_on(SIGMA_SEEN), at_stage("dtype")),
    ),
    Hint(
        "broadcast sigma_b over every non-batch dim, e.g. sigma_b.view(B, 1, 1, 1) for images",
        any_of(
            explained_by(_broadcast_wrongly(lambda sigma: sigma)),
            explained_by(_broadcast_wrongly(lambda sigma: sigma[:, None])),
        ),
    ),
    Hint(
        "perturb with the standard deviation: x~ = x0 + sigma * noise",
        any_of(
            explained_by(_x_tilde_variant(lambda sigma: sigma**2)),
            explained_by(_x_tilde_variant(lambda sigma: 1.0)),
        ),
    ),
    Hint(
        "the target is the conditional score -noise/sigma: the residual is score + noise/sigma",
        explained_by(_dsm_variant(lambda score, target, sigma: -score)),
    ),
    Hint(
        "the target is -noise/sigma (= -(x~ - x0)/sigma^2), not -noise/sigma^2",
        explained_by(_dsm_variant(lambda score, target, sigma: score + target / sigma - target)),
    ),
    Hint(
        "weighting='sigma2' multiplies each sample's loss by sigma_b**2",
        all_of(
            _weighted,
            any_of(
                explained_by(_dsm_variant(weighting="none")),
                explained_by(
                    _dsm_variant(
                        lambda score, target, sigma: (score + target) / sigma**0.5 - target
                    )
                ),
            ),
        ),
    ),
    Hint(
        "the per-sample loss is 0.5 * ||score + noise/sigma||^2: the factor 1/2 is missing",
        all_of(LOSS_OR_GRADIENT, scaled(2.0)),
    ),
    Hint(
        "sum over the non-batch dims, then take the mean over the batch (not over every element)",
        all_of(LOSS_OR_GRADIENT, scaled(_per_sample_size)),
    ),
    Hint("mean over the batch, not a sum", all_of(LOSS_OR_GRADIENT, scaled(_batch_size))),
)


def _zero_loss(observed, case: Case) -> str | None:
    item = observed.get("out")
    if item is None or not item.is_array or item.data is None or item.data.dim() != 0:
        got = "nothing" if item is None else item.describe()
        raise Unfit(f"the loss: expected a scalar tensor, got {got}")
    loss = item.data.double()
    noise, sigma = case.seen("noise"), case.seen("sigma")
    batch = noise.shape[0]
    sigma = sigma.reshape(batch, 1) if torch.is_tensor(sigma) else sigma
    size = float(0.5 * (noise.reshape(batch, -1) / sigma).square().sum(dim=1).mean())
    tolerance = case.tolerance_of("closed_form")
    if abs(float(loss)) <= tolerance.rtol * size:
        return None
    return (
        f"with the exact conditional score -(x~ - x0)/sigma^2 every residual vanishes and the "
        f"loss must be 0; yours is {float(loss):.6g} (the target term alone is {size:.4g})"
    )


def _raised_value_error(observed, case: Case) -> str | None:
    outcome = float(observed_array(observed, RAISED, ()))
    if outcome == 1.0:
        return None
    what = "returned a value" if outcome == 0.0 else "raised another exception"
    return f"weighting={case.inputs['weighting']!r} must raise ValueError; yours {what}"


def dsm_cases(rng: CaseRng) -> list[Case]:
    def inputs(shape: tuple[int, ...], sigma: Any, score: str = "net", **extra) -> dict[str, Any]:
        features = math.prod(shape[1:])
        return {
            "score_net": mlp_weights(rng, [features, 8, features]),
            "x0": rng.normal(*shape),
            "sigma": sigma,
            "noise": rng.normal(*shape),
            "score": score,
            **extra,
        }

    def per_sample_sigma(batch: int) -> torch.Tensor:
        return torch.exp(rng.uniform(batch, low=math.log(0.05), high=math.log(3.0)))

    vector, image = (6, 5), (3, 2, 3, 3)  # B == W: a sigma broadcast over W does not raise
    grad = ("x0", "score_net")
    closed_form = Property("DSM closed form", _zero_loss)
    raises = Property("raises ValueError", _raised_value_error)
    return [
        Case("vector x0, float sigma", inputs(vector, 0.7), dtypes=BOTH, grad=grad),
        Case(
            "vector x0, per-sample sigma",
            inputs(vector, per_sample_sigma(6), weighting="none"),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "image-shaped x0, per-sample sigma",
            inputs(image, per_sample_sigma(3)),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "sigma2 weighting, per-sample sigma",
            inputs(vector, per_sample_sigma(6), weighting="sigma2"),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "sigma2 weighting, image-shaped x0, float sigma",
            inputs(image, 0.4, weighting="sigma2"),
            grad=grad,
        ),
        Case(
            "exact conditional score gives loss 0",
            inputs(vector, per_sample_sigma(6), score="exact"),
            dtypes=BOTH,
            compare=False,
            properties=(closed_form,),
        ),
        Case(
            "weighting='sigma^2'",
            inputs(vector, 0.5, weighting="sigma^2", expect_error=True),
            compare=False,
            properties=(raises,),
        ),
    ]


# ----------------------------------------------------------------------------------------- registry
EXERCISES = [
    Exercise(
        MODULE,
        "dsm_loss",
        points=3.0,
        cases=dsm_cases,
        probe=dsm_probe,
        groups=DSM_GROUPS,
        lesson="the regression target is the conditional score -noise/sigma (its sign and its "
        "scale)",
        forbidden=RANDOM_DRAWS,
        hints=DSM_HINTS,
    ),
]
