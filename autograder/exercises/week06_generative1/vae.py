"""Week 6 checks of ``vae_loss`` (Eq. 54): reconstruction term plus the exact KL.

The probe builds the encoder and the decoder from the case's tensors: ``TensorMLP`` networks
(the encoder's output split into mu and logvar), or for the exact result the linear-Gaussian model
of curriculum.md 6.2 (decoder a z + b, encoder a Gaussian around the exact posterior). Both
likelihoods, one and K samples, the three forms of ``dec_logvar``, Bernoulli logits of +-1e4
(stability), gradients w.r.t. ``x`` and every weight, ``ValueError`` for an unknown likelihood, and
the Monte Carlo estimate within 5 standard errors of the closed-form -ELBO (exact results).
Oracle: ``ml4p_ref.week06_generative1.vae_loss`` (``torch.distributions`` log-probabilities) in
float64, the closed form checked by quadrature in tests/test_ref_week06_variational.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week06_generative1.elbo import (
    MODEL,
    closed_form_neg_elbo,
    exact_posterior,
    log_normal,
)
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import Evidence, Hint, at_stage, explained_by, reference
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week06_generative1"
VAE_GROUPS = {
    "values": 3.0,
    "stability": 1.0,
    "gradients": 1.0,
    "exact results": 1.5,
    "properties": 0.5,
}
RAISED = "ValueError raised"
LINEAR_SHIFT = 0.4  # the exact result's encoder mean sits this far from the exact posterior's


# ------------------------------------------------------------------------------ networks
def networks(inputs: Mapping[str, Any]) -> tuple[Callable, Callable]:
    """``(enc, dec)`` of the case: tanh MLPs on its weights, or the linear-Gaussian model."""
    if inputs["model"] == "linear":
        a, b, s = MODEL["a"], MODEL["b"], MODEL["s"]
        logvar = inputs["q_logvar"]

        def linear_enc(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            mean, _ = exact_posterior(x, a, b, s)
            return mean + LINEAR_SHIFT, logvar.to(x).expand_as(x)

        return linear_enc, lambda z: a * z + b
    encoder, decoder = TensorMLP(inputs["enc"]), TensorMLP(inputs["dec"])

    def enc(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = encoder(x).chunk(2, dim=-1)
        return mu, logvar

    return enc, decoder


def vae_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``vae_loss(x, enc, dec, eps, **options)``; gradients w.r.t. x and the networks' weights."""
    wrt = {}
    if ctx.grad:
        wrt = {"x": inputs["x"].requires_grad_(True)}
        wrt.update(leaves(inputs["enc"], "enc"))
        wrt.update(leaves(inputs["dec"], "dec"))
    enc, dec = networks(inputs)
    options = {key: inputs[key] for key in ("likelihood", "dec_logvar") if key in inputs}
    if inputs.get("expect_error"):
        try:
            ctx.call(impl, inputs["x"], enc, dec, inputs["eps"], **options)
        except NotImplementedError:
            raise
        except ValueError:
            return {RAISED: 1.0}
        except Exception:
            return {RAISED: 2.0}
        return {RAISED: 0.0}
    loss = ctx.call(impl, inputs["x"], enc, dec, inputs["eps"], **options)
    observations = {"out": loss}
    observations.update(vjp(loss, wrt, ctx))
    return observations


# ------------------------------------------------------------------------------ properties
def _within_standard_errors(observed: Mapping, case: Case) -> str | None:
    """The linear-Gaussian model: the estimate meets the closed-form -ELBO within 5 SE."""
    yours = observed_array(observed, "out", (case.inputs["x"].shape[0],))
    a, b, s = MODEL["a"], MODEL["b"], MODEL["s"]
    x, eps = case.seen("x"), case.seen("eps")
    mean, _ = exact_posterior(x, a, b, s)
    mean = mean + LINEAR_SHIFT
    variance = case.seen("q_logvar").exp().expand_as(x)
    z = mean + variance.sqrt() * eps
    reconstruction = -log_normal(x, a * z + b, 2 * math.log(s)).sum(dim=-1)
    stderr = reconstruction.std(dim=0) / math.sqrt(eps.shape[0])
    exact = closed_form_neg_elbo(x, mean, variance, a, b, s)
    away = (yours - exact).abs() / stderr
    if bool((away <= 5).all()):
        return None
    worst = int(away.nan_to_num(math.inf).argmax())
    return (
        f"the closed form of -ELBO for the linear-Gaussian model is {float(exact[worst]):.6g}; "
        f"yours {float(yours[worst]):.6g} is {float(away[worst]):.3g} standard errors away "
        f"(at most 5)"
    )


def _raised_value_error(observed: Mapping, case: Case) -> str | None:
    outcome = float(observed_array(observed, RAISED, ()))
    if outcome == 1.0:
        return None
    what = "returned a value" if outcome == 0.0 else "raised another exception"
    return f"likelihood={case.inputs['likelihood']!r} must raise ValueError; yours {what}"


# ------------------------------------------------------------------------------ cases
def vae_cases(rng: CaseRng) -> list[Case]:
    def inputs(
        likelihood: str, samples: int | None, batch: int = 4, scale: float = 1.0, **extra
    ) -> dict[str, Any]:
        data, latent = 5, 2
        x = rng.normal(batch, data)
        if likelihood == "bernoulli":
            x = (x > 0).double()
        decoder = mlp_weights(rng, [latent, 6, data])
        decoder["W1"], decoder["b1"] = scale * decoder["W1"], scale * decoder["b1"]
        shape = (batch, latent) if samples is None else (samples, batch, latent)
        return {
            "model": "net",
            "enc": mlp_weights(rng, [data, 6, 2 * latent]),
            "dec": decoder,
            "x": x,
            "eps": rng.normal(*shape),
            "likelihood": likelihood,
            **extra,
        }

    def linear(samples: int) -> dict[str, Any]:
        a, b, s = MODEL["a"], MODEL["b"], MODEL["s"]
        x = a * rng.normal(3, 1) + b + s * rng.normal(3, 1)
        return {
            "model": "linear",
            "enc": {},
            "dec": {},
            "x": x,
            "q_logvar": torch.tensor(math.log(0.5), dtype=torch.float64),
            "eps": rng.normal(samples, 3, 1),
            "likelihood": "gaussian",
            "dec_logvar": 2 * math.log(s),
        }

    grad = ("x",)
    exact = "exact results"
    return [
        Case("bernoulli, K = 3", inputs("bernoulli", 3), dtypes=BOTH, grad=grad),
        Case("bernoulli, one sample (B, d_z)", inputs("bernoulli", None), dtypes=BOTH, grad=grad),
        Case(
            "gaussian, dec_logvar = -0.5, K = 2",
            inputs("gaussian", 2, dec_logvar=-0.5),
            dtypes=BOTH,
            grad=grad,
        ),
        Case("gaussian, dec_logvar None", inputs("gaussian", 3), dtypes=BOTH, grad=grad),
        Case(
            "gaussian, dec_logvar a (d_x,) tensor",
            inputs("gaussian", None, dec_logvar=rng.normal(5, scale=0.5)),
            grad=grad,
        ),
        Case(
            "bernoulli, logits of +-1e4",
            inputs("bernoulli", 2, scale=3e4),
            group="stability",
            dtypes=BOTH,
        ),
        Case(
            "linear-Gaussian model, K = 4000",
            linear(4000),
            group=exact,
            properties=(
                Property("closed form within 5 standard errors", _within_standard_errors, exact),
            ),
        ),
        Case(
            "likelihood='poisson'",
            inputs("poisson", 2, expect_error=True),
            group="properties",
            compare=False,
            properties=(Property("raises ValueError", _raised_value_error),),
        ),
    ]


# ------------------------------------------------------------------------------ hints
VAE = reference(MODULE, "vae_loss")
KL = reference(MODULE, "gaussian_kl_std_normal")


def _parts(evidence: Evidence) -> tuple[torch.Tensor, torch.Tensor] | None:
    """(reconstruction term, KL term) of the reference on the student's inputs."""
    inputs = {name: evidence.seen(name) for name in evidence.case.inputs}
    enc, dec = networks(inputs)
    options = {key: inputs[key] for key in ("likelihood", "dec_logvar") if key in inputs}
    with torch.no_grad():
        total = VAE(inputs["x"], enc, dec, inputs["eps"], **options)
        kl = KL(*enc(inputs["x"]))
    return total - kl, kl


def _vae_variant(combine: Callable[[torch.Tensor, torch.Tensor, Evidence], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        reconstruction, kl = _parts(evidence)
        return combine(reconstruction, kl, evidence)

    return variant


def _data_dims(evidence: Evidence) -> float:
    return float(evidence.case.inputs["x"].shape[-1])


def _samples(evidence: Evidence) -> float:
    eps = evidence.case.inputs["eps"]
    return float(eps.shape[0]) if eps.dim() == 3 else 1.0


VAE_HINTS = (
    Hint(
        "sum -ln p(x|z) over the data dimensions: binary_cross_entropy_with_logits averages "
        "by default (use reduction='none', then .sum(dim=-1))",
        explained_by(_vae_variant(lambda rec, kl, e: rec / _data_dims(e) + kl)),
    ),
    Hint(
        "the loss is reconstruction + KL: the KL term is missing",
        explained_by(_vae_variant(lambda rec, kl, e: rec)),
    ),
    Hint(
        "the loss is -ELBO = reconstruction + KL: the KL enters with a + sign",
        explained_by(_vae_variant(lambda rec, kl, e: rec - kl)),
    ),
    Hint(
        "average the reconstruction over the K samples (dim 0), do not sum it",
        explained_by(_vae_variant(lambda rec, kl, e: _samples(e) * rec + kl)),
    ),
    Hint(
        "log(sigmoid(l)) is -inf for l = -1e4 in floating point: use "
        "binary_cross_entropy_with_logits or softplus(l) - x l",
        at_stage("nonfinite"),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "vae_loss",
        points=2.0,
        cases=vae_cases,
        probe=vae_probe,
        groups=VAE_GROUPS,
        lesson="-ln p(x|z) is a sum over the data dimensions: the default reduction='mean' of "
        "binary_cross_entropy_with_logits shrinks the reconstruction term next to the KL",
        forbidden=RANDOM_DRAWS,
        hints=VAE_HINTS,
    ),
]
