"""Week 6 checks of the Gaussian building blocks of a VAE: ``gaussian_kl_std_normal`` and
``reparameterize``.

Oracle: ``ml4p_ref.week06_generative1`` in float64 (``torch.distributions``' Normal-Normal KL;
``addcmul`` with ``sqrt(exp(logvar))``). Both run on random means and log-variances, with
log-variances of +-30 (stability) and gradients w.r.t. ``mu`` and ``logvar``. The KL must be 0 at
the prior and never negative; the samples take one noise draw per input or K of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import Evidence, Hint, explained_by, reference, scaled
from autograder.probe import function_probe

MODULE = "week06_generative1"
KL_GROUPS = {"values": 3.0, "stability": 1.0, "gradients": 1.0, "properties": 1.0}
REPARAM_GROUPS = {"values": 3.0, "stability": 1.0, "gradients": 2.0, "properties": 0.5}
REPARAM_FORBIDDEN = (*RANDOM_DRAWS, "torch.distributions")  # its samplers draw


def _gaussian(rng: CaseRng, batch: int, latent: int, logvar_scale: float = 1.0) -> dict:
    return {
        "mu": rng.normal(batch, latent),
        "logvar": rng.normal(batch, latent, scale=logvar_scale),
    }


def _extreme_logvar(rng: CaseRng, batch: int, latent: int) -> dict:
    """Log-variances of exactly +30 or -30."""
    signs = torch.where(rng.uniform(batch, latent) < 0.5, -1.0, 1.0).double()
    return {"mu": rng.normal(batch, latent), "logvar": 30.0 * signs}


# ------------------------------------------------------------------------------------------- KL
def _zero_at_prior(observed: Mapping, case: Case) -> str | None:
    kl = observed_array(observed, "out", (case.inputs["mu"].shape[0],))
    largest = float(kl.abs().max())
    if largest <= case.tolerance_of("closed_form").atol:
        return None
    return f"at mu = 0, logvar = 0, q is the prior and KL must be 0; yours reaches {largest:.3g}"


def _non_negative(observed: Mapping, case: Case) -> str | None:
    kl = observed_array(observed, "out", (case.inputs["mu"].shape[0],))
    lowest = float(kl.min())
    if lowest >= -case.tolerance_of("closed_form").atol * max(float(kl.abs().max()), 1.0):
        return None
    return f"a KL divergence is never negative; yours reaches {lowest:.6g}"


def kl_cases(rng: CaseRng) -> list[Case]:
    grad = ("mu", "logvar")
    never_negative = Property("KL >= 0", _non_negative)
    return [
        Case("random mu, logvar", _gaussian(rng, 5, 3), dtypes=BOTH, grad=grad),
        Case("one latent dimension", _gaussian(rng, 4, 1), dtypes=BOTH, grad=grad),
        Case("logvar = +-30", _extreme_logvar(rng, 4, 3), group="stability", dtypes=BOTH),
        Case(
            "q is the prior: KL = 0",
            {"mu": torch.zeros(3, 4, dtype=torch.float64), "logvar": torch.zeros(3, 4).double()},
            group="properties",
            dtypes=BOTH,
            properties=(Property("KL = 0 at the prior", _zero_at_prior),),
        ),
        Case(
            "near the prior: KL >= 0",
            _gaussian(rng, 6, 4, logvar_scale=0.1),
            group="properties",
            dtypes=BOTH,
            properties=(never_negative,),
        ),
    ]


KL = reference(MODULE, "gaussian_kl_std_normal")


def _kl_variant(change: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]):
    """The KL terms ``mu^2 + change(logvar) - 1 - logvar``, halved and summed over the latents."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        mu, logvar = evidence.seen("mu"), evidence.seen("logvar")
        return 0.5 * (mu.square() + change(logvar, mu) - 1 - logvar).sum(dim=-1)

    return variant


def _latents(evidence: Evidence) -> float:
    return 1.0 / evidence.case.inputs["mu"].shape[-1]


KL_HINTS = (
    Hint(
        "KL(q || p) >= 0: the terms are +(mu^2 + exp(logvar) - 1 - logvar), a sign is flipped",
        scaled(-1.0, "out"),
    ),
    Hint(
        "the variance is exp(logvar); exp(logvar / 2) is the standard deviation",
        explained_by(_kl_variant(lambda logvar, mu: torch.exp(logvar / 2))),
    ),
    Hint(
        "the variance is exp(logvar), not logvar itself",
        explained_by(_kl_variant(lambda logvar, mu: logvar)),
    ),
    Hint("sum over the latent dimensions, not the mean", scaled(_latents, "out")),
    Hint("the factor 1/2 in front of the sum is missing", scaled(2.0, "out")),
)


# ------------------------------------------------------------------------------ reparameterize
def reparam_cases(rng: CaseRng) -> list[Case]:
    grad = ("mu", "logvar")

    def inputs(gaussian: dict, *samples: int) -> dict:
        shape = (*samples, *gaussian["mu"].shape)
        return {**gaussian, "eps": rng.normal(*shape)}

    return [
        Case("one sample per input", inputs(_gaussian(rng, 5, 3)), dtypes=BOTH, grad=grad),
        Case("K = 4 samples per input", inputs(_gaussian(rng, 3, 2), 4), dtypes=BOTH, grad=grad),
        Case("K = B = d_z = 3", inputs(_gaussian(rng, 3, 3), 3), grad=grad),
        Case(
            "logvar = +-30",
            inputs(_extreme_logvar(rng, 4, 3), 2),
            group="stability",
            dtypes=BOTH,
            grad=grad,
        ),
    ]


def _reparam_variant(scale_of: Callable[[torch.Tensor], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        mu, logvar, eps = evidence.seen("mu"), evidence.seen("logvar"), evidence.seen("eps")
        return mu + scale_of(logvar) * eps

    return variant


REPARAM_HINTS = (
    Hint(
        "the standard deviation is exp(logvar / 2) = sqrt(variance), not exp(logvar)",
        explained_by(_reparam_variant(torch.exp)),
    ),
    Hint(
        "logvar is the log of the variance: scale eps by exp(logvar / 2)",
        explained_by(_reparam_variant(lambda logvar: logvar)),
    ),
    Hint(
        "the standard deviation is exp(logvar / 2), not exp(-logvar / 2)",
        explained_by(_reparam_variant(lambda logvar: torch.exp(-logvar / 2))),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "gaussian_kl_std_normal",
        points=1.0,
        cases=kl_cases,
        probe=function_probe("mu", "logvar"),
        groups=KL_GROUPS,
        lesson="KL(q || p) = 1/2 sum(mu^2 + exp(logvar) - 1 - logvar) >= 0: with a flipped sign "
        "(the ELBO's -KL) it is negative",
        hints=KL_HINTS,
    ),
    Exercise(
        MODULE,
        "reparameterize",
        points=1.0,
        cases=reparam_cases,
        probe=function_probe("mu", "logvar", "eps"),
        groups=REPARAM_GROUPS,
        lesson="the noise is scaled by the standard deviation exp(logvar / 2), not by the "
        "variance exp(logvar)",
        forbidden=REPARAM_FORBIDDEN,
        hints=REPARAM_HINTS,
    ),
]
