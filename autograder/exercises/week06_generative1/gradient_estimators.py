"""Week 6 checks of the gradient estimators of grad_theta E_{x ~ p_theta}[f(x)]:
``score_function_grad``, ``pathwise_grad`` and ``bernoulli_score_grad``.

Oracle: ``ml4p_ref.week06_generative1`` (a matrix-vector product, autograd on fresh leaves, a dot
product), itself checked against the closed-form gradients of Gaussian and Bernoulli expectations.

Statistical checks run in float64 on noise drawn here from the seeded case generator and passed in:
the estimate of 1e5 samples agrees with the exact gradient within 5 standard errors, the standard
error computed from the samples' own terms. Variance checks call the code under test on 100 batches
of 1000 samples and compare the spread of its estimates: a constant baseline lowers it (a case where
the baseline removes most of the variance), and the pathwise estimator's is below the score function
estimator's on the same samples (4.8 and 10 times lower for f = x^2, mu = 0.7, sigma = 1.3). For a
step function the pathwise estimate is exactly 0 while the true gradient is not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week01_practices.metropolis import SAMPLER_DRAWS
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    failed_on,
    reference,
    scaled,
)
from autograder.probe import ProbeContext, is_tensor, vjp

MODULE = "week06_generative1"
GROUPS = {
    "values": 2.0,
    "edge cases": 0.5,
    "gradients": 1.0,
    "closed forms": 1.5,
    "statistics": 1.5,
    "properties": 0.5,  # inputs left unmodified
}
SAMPLES, BATCHES, BATCH_SIZE = 100_000, 100, 1000
STANDARD_ERRORS = 5.0
DMU, DSIGMA, RETURNED, NO_BASELINE = "dmu", "dsigma", "returned", "estimates without baseline"


# ------------------------------------------------------------------ expectations of N(mu, sigma^2)
def test_function(law: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The elementwise f of a case, in its input's dtype (the step keeps the autograd graph)."""
    kind, k = law["f"], law.get("k", 0.0)
    functions = {
        "x^2": lambda x: x.square(),
        "(x - k)^2": lambda x: (x - k).square(),
        "e^x": torch.exp,
        "step": lambda x: (x > k).to(x.dtype) + 0 * x,
        "sin x": torch.sin,
        "x^3 - x": lambda x: x**3 - x,
    }
    return functions[kind]


def exact_gradient(law: Mapping[str, Any]) -> tuple[float, float]:
    """(d/dmu, d/dsigma) of E[f(x)], x ~ N(mu, sigma^2), in closed form (curriculum.md 6.4)."""
    mu, sigma, k = law["mu"], law["sigma"], law.get("k", 0.0)
    if law["f"] == "x^2":
        return 2 * mu, 2 * sigma
    if law["f"] == "(x - k)^2":
        return 2 * (mu - k), 2 * sigma
    if law["f"] == "e^x":
        mean = math.exp(mu + sigma**2 / 2)
        return mean, sigma * mean
    if law["f"] == "step":  # E[f] = 1 - Phi((k - mu) / sigma)
        z = (k - mu) / sigma
        density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        return density / sigma, density * z / sigma
    raise ValueError(f"no closed form for f = {law['f']}")


def describe(law: Mapping[str, Any]) -> str:
    f = law["f"].replace("k", f"{law['k']:g}") if "k" in law else law["f"]
    return f"f = {f}, mu = {law['mu']:g}, sigma = {law['sigma']:g}"


def gaussian_score(eps: torch.Tensor, sigma: float) -> torch.Tensor:
    """d log N(x; mu, sigma^2) / d(mu, sigma) at x = mu + sigma eps, shape ``(S, 2)``."""
    return torch.stack([eps / sigma, (eps.square() - 1) / sigma], dim=1)


def score_terms(law: Mapping[str, Any], eps: torch.Tensor, baseline: float = 0.0) -> torch.Tensor:
    """The per-sample terms (f(x_s) - b) score_s of the score function estimator, ``(S, 2)``."""
    x = law["mu"] + law["sigma"] * eps
    return (test_function(law)(x) - baseline)[:, None] * gaussian_score(eps, law["sigma"])


def _batch_variance(estimates: torch.Tensor) -> torch.Tensor:
    return estimates.var(dim=0)


def _stack(outputs: list[Any]) -> Any:
    """The estimates of all batches as one tensor, or the first output when they do not stack."""
    if all(is_tensor(o) for o in outputs):
        try:
            return torch.stack([o.detach() for o in outputs])
        except RuntimeError:
            pass
    return outputs[0]


def _within_standard_errors(estimate: torch.Tensor, exact: torch.Tensor, terms: torch.Tensor):
    """``None`` when every component of ``estimate`` is within 5 SE of ``exact``, else a message;
    the standard error is that of the mean of ``terms`` (one row a sample)."""
    error = terms.std(dim=0) / math.sqrt(terms.shape[0])
    gap = (estimate - exact).abs()
    if bool((gap <= STANDARD_ERRORS * error).all()):
        return None
    worst = int((gap / error).nan_to_num(math.inf).argmax())
    return (
        f"component {worst}: the exact gradient is {float(exact[worst]):.6g}, yours "
        f"{float(estimate[worst]):.6g}, {float(gap[worst] / error[worst]):.3g} standard errors "
        f"away (allowed: {STANDARD_ERRORS:g})"
    )


# ----------------------------------------------------------------------------- score_function_grad
def score_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``score_function_grad(f_x, score[, baseline])``; with ``batches``, once per batch of samples
    (and once more per batch without the baseline)."""
    f_x, score = inputs["f_x"], inputs["score"]
    extra = (inputs["baseline"],) if "baseline" in inputs else ()
    if "batches" in inputs:
        chunks = list(
            zip(f_x.chunk(inputs["batches"]), score.chunk(inputs["batches"]), strict=True)
        )
        observations = {"out": _stack([ctx.call(impl, f, s, *extra) for f, s in chunks])}
        if extra:
            observations[NO_BASELINE] = _stack([ctx.call(impl, f, s) for f, s in chunks])
        return observations
    for name in ctx.grad:
        inputs[name].requires_grad_(True)
    out = ctx.call(impl, f_x, score, *extra)
    observations = {"out": out}
    observations.update(vjp(out, {name: inputs[name] for name in ctx.grad}, ctx))
    return observations


def _score_unbiased(observed: Mapping, case: Case) -> str | None:
    law, eps = case.inputs["law"], case.seen("eps")
    estimate = observed_array(observed, "out", (2,))
    baseline = float(case.inputs.get("baseline", 0.0))
    exact = torch.tensor(exact_gradient(law), dtype=torch.float64)
    return _within_standard_errors(estimate, exact, score_terms(law, eps, baseline))


def _baseline_lowers_variance(observed: Mapping, case: Case) -> str | None:
    """The baseline keeps the mean (within 5 SE of the exact gradient) and lowers the spread of the
    batch estimates, component by component."""
    law = case.inputs["law"]
    shape = (case.inputs["batches"], 2)
    with_baseline = observed_array(observed, "out", shape)
    without = observed_array(observed, NO_BASELINE, shape)
    exact = torch.tensor(exact_gradient(law), dtype=torch.float64)
    # the batch estimates are the samples of the mean: their spread gives its standard error
    moved = _within_standard_errors(with_baseline.mean(dim=0), exact, with_baseline)
    if moved is not None:
        return f"with the baseline, the mean moved: {moved}"
    lower, higher = _batch_variance(with_baseline), _batch_variance(without)
    if bool((lower < higher).all()):
        return None
    return (
        f"the variance of the estimates over {shape[0]} batches is {lower.tolist()} with the "
        f"baseline b = E[f] and {higher.tolist()} without: a baseline must lower it"
    )


def _law_inputs(rng: CaseRng, law: dict, samples: int = SAMPLES, baseline: float | None = None):
    eps = rng.normal(samples)
    inputs = {"law": law, "eps": eps}
    x = law["mu"] + law["sigma"] * eps
    inputs["f_x"], inputs["score"] = test_function(law)(x), gaussian_score(eps, law["sigma"])
    if baseline is not None:
        inputs["baseline"] = baseline
    return inputs


LAWS = (
    {"f": "x^2", "mu": 0.7, "sigma": 1.3},
    {"f": "(x - k)^2", "k": 2.0, "mu": 0.7, "sigma": 1.3},
    {"f": "e^x", "mu": 0.3, "sigma": 0.8},
)
STEP = {"f": "step", "k": 1.0, "mu": 0.7, "sigma": 1.3}


def score_cases(rng: CaseRng) -> list[Case]:
    samples, parameters = rng.choice(12, 20), rng.choice(2, 4)

    def random_inputs(count: int = samples) -> dict[str, Any]:
        return {"f_x": rng.normal(count, scale=2.0), "score": rng.normal(count, parameters)}

    grad = ("f_x", "score")
    unbiased = (Property("unbiased", _score_unbiased, group="closed forms"),)
    baseline_law = {"f": "x^2", "mu": 3.0, "sigma": 0.2}
    return [
        Case("random f(x) and scores", random_inputs(), dtypes=BOTH, grad=grad),
        Case("baseline a float", {**random_inputs(), "baseline": 0.8}, dtypes=BOTH, grad=grad),
        Case(
            "baseline a 0-d tensor",
            {**random_inputs(), "baseline": rng.normal()},
            dtypes=BOTH,
            grad=grad,
        ),
        Case("one sample", random_inputs(1), group="edge cases", grad=grad),
        *(
            Case(
                f"Gaussian, {describe(law)}",
                _law_inputs(rng, law),
                group="closed forms",
                properties=unbiased,
            )
            for law in (*LAWS, STEP)
        ),
        Case(
            f"Gaussian, {describe(baseline_law)}, baseline E[f], {BATCHES} batches",
            {
                **_law_inputs(rng, baseline_law, BATCHES * BATCH_SIZE, baseline=9.04),
                "batches": BATCHES,
            },
            group="statistics",
            properties=(
                Property(
                    "a baseline keeps the mean and lowers the variance",
                    _baseline_lowers_variance,
                    group="statistics",
                ),
            ),
        ),
    ]


SCORE = reference(MODULE, "score_function_grad")


def _score_variant(transform: Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor]):
    """``transform(f_x, score, b)`` on the inputs as the student saw them (single calls only)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out" or "batches" in evidence.case.inputs:
            return None
        baseline = evidence.case.inputs.get("baseline")
        b = 0.0 if baseline is None else float(evidence.seen("baseline"))
        return transform(evidence.seen("f_x"), evidence.seen("score"), b)

    return variant


SCORE_HINTS = (
    Hint(
        "average over the samples (dim 0): the estimate has one entry per parameter, shape (P,)",
        all_of(failed_on("out"), at_stage("shape")),
    ),
    Hint(
        "subtract the baseline from f inside the average, (f(x_s) - b) * score_s; subtracted from "
        "the estimate it shifts the mean",
        explained_by(_score_variant(lambda f, s, b: (f[:, None] * s).mean(0) - b)),
    ),
    Hint(
        "the baseline b is subtracted from every f(x_s): (f(x_s) - b) * score_s",
        explained_by(_score_variant(lambda f, s, b: (f[:, None] * s).mean(0))),
    ),
    Hint(
        "the baseline is subtracted from f, not from the score: (f(x_s) - b) * score_s",
        explained_by(_score_variant(lambda f, s, b: (f[:, None] * (s - b)).mean(0))),
    ),
    Hint(
        "the estimate is the mean over the S samples, not their sum",
        scaled(lambda evidence: evidence.case.inputs["score"].shape[0]),
    ),
)


# ----------------------------------------------------------------------------------- pathwise_grad
def pathwise_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``pathwise_grad(f, mu, sigma, eps)`` with the case's f; with ``batches``, once per batch."""
    f, mu, sigma, eps = test_function(inputs["law"]), inputs["mu"], inputs["sigma"], inputs["eps"]
    batches = eps.chunk(inputs["batches"]) if "batches" in inputs else (eps,)
    pairs = [ctx.call(impl, f, mu, sigma, chunk) for chunk in batches]
    if not all(isinstance(pair, (tuple, list)) and len(pair) == 2 for pair in pairs):
        return {RETURNED: pairs[0]}
    if "batches" not in inputs:
        return {DMU: pairs[0][0], DSIGMA: pairs[0][1]}
    return {DMU: _stack([p[0] for p in pairs]), DSIGMA: _stack([p[1] for p in pairs])}


def _pathwise_estimate(observed: Mapping, shape: tuple[int, ...] = ()) -> torch.Tensor:
    """(dmu, dsigma) stacked on the last axis."""
    return torch.stack(
        [observed_array(observed, DMU, shape), observed_array(observed, DSIGMA, shape)], dim=-1
    )


def pathwise_terms(law: Mapping[str, Any], eps: torch.Tensor) -> torch.Tensor:
    """The per-sample terms (f'(x_s), f'(x_s) eps_s) of the pathwise estimator, ``(S, 2)``."""
    x = (law["mu"] + law["sigma"] * eps).requires_grad_(True)
    (slope,) = torch.autograd.grad(test_function(law)(x).sum(), x)
    return torch.stack([slope, slope * eps], dim=1)


def _pathwise_unbiased(observed: Mapping, case: Case) -> str | None:
    law = case.inputs["law"]
    exact = torch.tensor(exact_gradient(law), dtype=torch.float64)
    terms = pathwise_terms(law, case.seen("eps"))
    return _within_standard_errors(_pathwise_estimate(observed), exact, terms)


def _below_score_function_variance(observed: Mapping, case: Case) -> str | None:
    """The spread of the pathwise batch estimates is below the score function estimator's on the
    same batches of samples, for dmu and for dsigma."""
    law, eps, batches = case.inputs["law"], case.seen("eps"), case.inputs["batches"]
    pathwise = _pathwise_estimate(observed, (batches,))
    score_function = score_terms(law, eps).reshape(batches, -1, 2).mean(dim=1)
    yours, theirs = _batch_variance(pathwise), _batch_variance(score_function)
    if bool((yours < theirs).all()):
        return None
    return (
        f"the variance of (dmu, dsigma) over {batches} batches is {yours.tolist()}, not below the "
        f"score function estimator's {theirs.tolist()} on the same samples"
    )


def _zero_for_a_step(observed: Mapping, case: Case) -> str | None:
    estimate = _pathwise_estimate(observed)
    if bool((estimate == 0).all()):
        return None
    exact = exact_gradient(case.inputs["law"])
    return (
        f"f is a step function: f'(x) = 0 wherever it is defined, so the pathwise estimate is "
        f"(0, 0) (although the true gradient is ({exact[0]:.4g}, {exact[1]:.4g})); yours "
        f"{estimate.tolist()}"
    )


def pathwise_cases(rng: CaseRng) -> list[Case]:
    def random_law(f: str) -> dict[str, Any]:
        mu, sigma = float(rng.normal()), float(rng.uniform(low=0.5, high=1.5))
        return {
            "law": {"f": f, "mu": mu, "sigma": sigma},
            "mu": torch.tensor(mu),
            "sigma": torch.tensor(sigma),
            "eps": rng.normal(rng.choice(12, 20)),
        }

    def law_inputs(law: dict, samples: int = SAMPLES) -> dict[str, Any]:
        mu, sigma = (torch.tensor(law[name], dtype=torch.float64) for name in ("mu", "sigma"))
        return {"law": law, "mu": mu, "sigma": sigma, "eps": rng.normal(samples)}

    unbiased = (Property("unbiased", _pathwise_unbiased, group="closed forms"),)
    variance_law = LAWS[0]
    return [
        Case("f = sin x", random_law("sin x"), dtypes=BOTH),
        Case("f = x^3 - x", random_law("x^3 - x"), dtypes=BOTH),
        Case("one sample", {**random_law("sin x"), "eps": rng.normal(1)}, group="edge cases"),
        *(
            Case(
                f"Gaussian, {describe(law)}",
                law_inputs(law),
                group="closed forms",
                properties=unbiased,
            )
            for law in LAWS
        ),
        Case(
            f"Gaussian, {describe(variance_law)}, {BATCHES} batches",
            {**law_inputs(variance_law, BATCHES * BATCH_SIZE), "batches": BATCHES},
            group="statistics",
            properties=(
                Property(
                    "variance below the score function estimator's",
                    _below_score_function_variance,
                    group="statistics",
                ),
            ),
        ),
        Case(
            f"Gaussian, {describe(STEP)}",
            law_inputs(STEP, 1000),
            group="statistics",
            properties=(
                Property("zero for a step function", _zero_for_a_step, group="statistics"),
            ),
        ),
    ]


PATHWISE = reference(MODULE, "pathwise_grad")


def _pathwise_variant(change: Callable[[Evidence, tuple[torch.Tensor, torch.Tensor]], Any]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key not in (DMU, DSIGMA) or "batches" in evidence.case.inputs:
            return None
        dtype = evidence.case.dtype
        mu, sigma, eps = (evidence.seen(name).to(dtype) for name in ("mu", "sigma", "eps"))
        x = (mu + sigma * eps).requires_grad_(True)
        (slope,) = torch.autograd.grad(test_function(evidence.case.inputs["law"])(x).sum(), x)
        return change(evidence, (slope.double(), eps.double()))

    return variant


PATHWISE_HINTS = (
    Hint("return the pair (dmu, dsigma)", lambda evidence: RETURNED in evidence.student),
    Hint(
        "x = mu + sigma * eps, so by the chain rule d f(x) / d sigma = f'(x) * eps",
        explained_by(_pathwise_variant(lambda e, t: t[0].mean() if e.key == DSIGMA else None)),
    ),
    Hint(
        "that is the score function estimator: differentiate f(mu + sigma * eps) itself, "
        "d/dmu = f'(x), d/dsigma = f'(x) * eps",
        explained_by(
            _pathwise_variant(
                lambda e, t: (
                    (
                        test_function(e.case.inputs["law"])(e.seen("mu") + e.seen("sigma") * t[1])
                        * (t[1] if e.key == DMU else t[1].square() - 1)
                    ).mean()
                    / e.seen("sigma")
                )
            )
        ),
    ),
    Hint(
        "the estimate is the mean over the samples, not their sum",
        scaled(lambda evidence: evidence.case.inputs["eps"].shape[0]),
    ),
)


# ---------------------------------------------------------------------------- bernoulli_score_grad
def bernoulli_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    out = ctx.call(impl, inputs["f0"], inputs["f1"], inputs["logit"], inputs["u"])
    return {"out": out}


def bernoulli_terms(f0: float, f1: float, logit: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """The per-sample terms f(x_s) (x_s - p) of the estimator, ``(S, 1)``."""
    p = torch.sigmoid(logit)
    x = (u < p).double()
    return ((f0 + (f1 - f0) * x) * (x - p))[:, None]


def _bernoulli_unbiased(observed: Mapping, case: Case) -> str | None:
    f0, f1, logit = case.inputs["f0"], case.inputs["f1"], case.seen("logit")
    p = torch.sigmoid(logit)
    exact = (p * (1 - p) * (f1 - f0)).reshape(1)
    estimate = observed_array(observed, "out", ()).reshape(1)
    return _within_standard_errors(estimate, exact, bernoulli_terms(f0, f1, logit, case.seen("u")))


def _bernoulli_inputs(rng: CaseRng, samples: int, logit: float | None = None) -> dict[str, Any]:
    """Uniform draws at least 1e-4 from sigmoid(logit), so that float32 and float64 draw alike."""
    logit = float(rng.normal()) if logit is None else logit
    p = 1 / (1 + math.exp(-logit))
    u = rng.uniform(samples)
    u = torch.where((u - p).abs() < 1e-4, (p + 2e-4) % 1, u)
    f0, f1 = (float(rng.normal(scale=2.0)) for _ in range(2))
    return {"f0": f0, "f1": f1, "logit": torch.tensor(logit, dtype=torch.float64), "u": u}


def bernoulli_cases(rng: CaseRng) -> list[Case]:
    unbiased = (Property("unbiased", _bernoulli_unbiased, group="closed forms"),)
    return [
        Case("random logit and f", _bernoulli_inputs(rng, rng.choice(20, 40)), dtypes=BOTH),
        Case("negative logit", _bernoulli_inputs(rng, 30, logit=-1.3), dtypes=BOTH),
        Case("one sample", _bernoulli_inputs(rng, 1, logit=0.4), group="edge cases"),
        Case("logit 0, p = 1/2", _bernoulli_inputs(rng, 25, logit=0.0), group="edge cases"),
        *(
            Case(
                f"logit {logit:g}, {SAMPLES} samples",
                {**_bernoulli_inputs(rng, SAMPLES, logit=logit), "f0": f0, "f1": f1},
                group="closed forms",
                properties=unbiased,
            )
            for logit, f0, f1 in ((0.4, 1.0, 3.0), (-2.0, 2.5, -1.0))
        ),
    ]


def _bernoulli_variant(score: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], draw=None):
    """The estimator with another score (of x and p) or another draw (of u and p)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        inputs, dtype = evidence.case.inputs, evidence.case.dtype
        logit, u = evidence.seen("logit").to(dtype), evidence.seen("u").to(dtype)
        p = torch.sigmoid(logit)
        x = (draw or (lambda u, p: u < p))(u, p).to(dtype)
        f_x = inputs["f0"] + (inputs["f1"] - inputs["f0"]) * x
        return (f_x * score(x, p)).mean().double()

    return variant


BERNOULLI_HINTS = (
    Hint(
        "that is the score w.r.t. p: w.r.t. the logit theta, d log p(x) / d theta = x - sigmoid(theta)",
        explained_by(_bernoulli_variant(lambda x, p: x / p - (1 - x) / (1 - p))),
    ),
    Hint(
        "x_s = 1 where u_s < sigmoid(theta) (probability p), 0 elsewhere",
        explained_by(_bernoulli_variant(lambda x, p: x - p, lambda u, p: u >= p)),
    ),
    Hint(
        "estimate from the samples, mean of f(x_s) (x_s - p): the exact gradient p (1 - p) "
        "(f1 - f0) is what the estimate approaches, not what it is",
        explained_by(
            lambda e: (lambda p: p * (1 - p) * (e.case.inputs["f1"] - e.case.inputs["f0"]))(
                torch.sigmoid(e.seen("logit"))
            )
        ),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "score_function_grad",
        points=1.5,
        cases=score_cases,
        probe=score_probe,
        groups=GROUPS,
        lesson="the baseline is subtracted from f inside the average, (f(x) - b) grad log p(x): "
        "since E[grad log p] = 0 it keeps the mean and lowers the variance",
        forbidden=SAMPLER_DRAWS,
        hints=SCORE_HINTS,
    ),
    Exercise(
        MODULE,
        "pathwise_grad",
        points=1.5,
        cases=pathwise_cases,
        probe=pathwise_probe,
        groups={key: value for key, value in GROUPS.items() if key != "gradients"},
        lesson="differentiate through the sample x = mu + sigma eps: d/dsigma carries the factor "
        "eps, d f(x) / d sigma = f'(x) eps",
        forbidden=SAMPLER_DRAWS,
        hints=PATHWISE_HINTS,
    ),
    Exercise(
        MODULE,
        "bernoulli_score_grad",
        points=1.0,
        cases=bernoulli_cases,
        probe=bernoulli_probe,
        groups={"values": 2.0, "edge cases": 0.5, "closed forms": 1.5, "properties": 0.5},
        lesson="the score w.r.t. the logit theta is x - sigmoid(theta), not the score w.r.t. the "
        "probability, x / p - (1 - x) / (1 - p)",
        forbidden=SAMPLER_DRAWS,
        hints=BERNOULLI_HINTS,
    ),
]
