"""The checks of one case, in the order they are run, and the exercise-wide checks.

A case gives up to three kinds of check, each with its own points and property group:

1. **values** (the case's group): for each output, in this order, type -> shape -> dtype -> device
   -> NaN/inf where the reference is finite -> values (max abs and rel error, worst index, fraction
   off); the first failure is the message;
2. **gradients** (group "gradients"): the same stages on the vector-Jacobian products w.r.t. the
   case's ``grad`` inputs (keys ``grad:<name>``);
3. **properties**: each ``Property`` of the case on the student's own outputs (its own group).

Then, once per exercise: **inputs left unmodified** (group "properties") and **forbidden APIs**
(no points: a hit makes the status "banned" and the score 0). When the code raised, timed out or
crashed, every check of the case fails with that message. A failing check's message ends with the
first hint of the exercise's table that explains the output (``autograder.hints``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import torch

from autograder.case import Case, Unfit
from autograder.forbidden import Violation
from autograder.hints import STRICT_VARIABLE, Evidence, Hint, first_hint
from autograder.plain import Observed
from autograder.tolerance import Tolerance

FLOATING = ("float16", "bfloat16", "float32", "float64")
INPUTS_CHECK = "inputs left unmodified"
FORBIDDEN_CHECK = "forbidden APIs"


@dataclass(frozen=True)
class Outcome:
    """How the student's code fared on one case, as the parent sees it."""

    observed: Mapping[str, Observed] | None = None  # None: the code produced nothing to check
    problem: str = ""  # why there is nothing: "raised ValueError: boom (line 3)"
    raised: str = ""  # the exception ("ValueError: boom"), for hints
    error: bool = False  # counts towards the exercise's status "error"
    not_implemented: bool = False
    modified: tuple[str, ...] = ()  # inputs changed in place
    findings: tuple[str, ...] = ()  # what the emulated GPU saw the code do (``emulated_gpu``)


@dataclass
class Verdict:
    """One check's result before scoring: ``problem`` is None when it passed."""

    name: str
    group: str
    weight: float
    problem: str | None = None
    error: bool = False


def label(key: str) -> str:
    """How an observation is named in messages: ``out`` -> output, ``grad:z`` -> gradient w.r.t. z."""
    if key == "out":
        return "output"
    if key.startswith("grad:"):
        return f"gradient w.r.t. {key.removeprefix('grad:')}"
    return key


# ----------------------------------------------------------------------------------------- a case
def check_names(case: Case) -> list[str]:
    """The names of the checks ``judge_case`` gives for ``case``, in order."""
    names = []
    if case.compare:
        names.append(case.name)
        if case.grad:
            names.append(_gradients_name(case))
    return names + [_property_name(case, prop) for prop in case.properties]


def _gradients_name(case: Case) -> str:
    return f"{case.name}, gradients"


def _property_name(case: Case, prop) -> str:
    return f"{case.name}, {prop.name}"


def judge_case(
    case: Case, reference: Mapping[str, Observed], outcome: Outcome, hints: Sequence[Hint] = ()
) -> list[Verdict]:
    """The checks of one case, in order: values, gradients, then each property."""
    verdicts = []
    value_keys = [key for key in reference if not key.startswith("grad:")]
    grad_keys = [key for key in reference if key.startswith("grad:")]
    if grad_keys and not case.grad:
        raise ValueError(f"case {case.name!r} observes gradients but declares no grad=(...)")
    if case.compare:
        verdicts.append(
            _keys_check(case, case.name, case.group, value_keys, reference, outcome, hints)
        )
        if case.grad:
            name = _gradients_name(case)
            verdicts.append(
                _keys_check(case, name, "gradients", grad_keys, reference, outcome, hints)
            )
    for prop in case.properties:
        verdicts.append(_property_check(case, prop, outcome, hints))
    return verdicts


def _group(case: Case, group: str) -> str:
    """Checks of a case on a second device all belong to the "devices" group."""
    return group if case.primary else "devices"


def _keys_check(case, name, group, keys, reference, outcome: Outcome, hints) -> Verdict:
    verdict = Verdict(name, _group(case, group), case.weight)
    if outcome.observed is None:
        evidence = Evidence(case, {}, reference, "raised", raised=outcome.raised)
        verdict.problem = _with_hint(outcome.problem, outcome.not_implemented, hints, evidence)
        verdict.error = outcome.error
        return verdict
    found = first_difference(case, keys, reference, outcome.observed)
    if found is not None:
        stage, key, message = found
        evidence = Evidence(case, outcome.observed, reference, stage, key)
        verdict.problem = _with_hint(message, False, hints, evidence)
    if outcome.findings and name == case.name:  # they explain the difference: first
        verdict.problem = "; ".join(filter(None, (*outcome.findings, verdict.problem)))
    return verdict


def _property_check(case: Case, prop, outcome: Outcome, hints) -> Verdict:
    verdict = Verdict(_property_name(case, prop), _group(case, prop.group), case.weight)
    if outcome.observed is None:
        evidence = Evidence(case, {}, {}, "raised", prop.name, raised=outcome.raised)
        verdict.problem = _with_hint(outcome.problem, outcome.not_implemented, hints, evidence)
        verdict.error = outcome.error
        return verdict
    try:
        problem = prop.check(outcome.observed, case)
    except Unfit as unfit:
        problem = str(unfit)
    except Exception as error:  # a form of output the property did not foresee
        if os.environ.get(STRICT_VARIABLE) == "1":
            raise
        problem = f"could not be checked on your output ({type(error).__name__}: {error})"
    if problem:
        evidence = Evidence(case, outcome.observed, {}, "property", prop.name)
        verdict.problem = _with_hint(problem, False, hints, evidence)
    return verdict


def _with_hint(message: str, not_implemented: bool, hints, evidence: Evidence) -> str:
    if not_implemented:
        return message
    hint = first_hint(hints, evidence)
    return f"{message}; hint: {hint}" if hint else message


def first_difference(
    case: Case,
    keys: Iterable[str],
    reference: Mapping[str, Observed],
    student: Mapping[str, Observed],
) -> tuple[str, str, str] | None:
    """``(stage, key, message)`` of the first way the student's observations ``keys`` differ from the
    reference's: all keys' structure first, then their NaN/inf, then their values."""
    keys = list(keys)
    for stage_of in (_structure, _nonfinite, _values):
        for key in keys:
            for stage, message in stage_of(label(key), reference[key], student.get(key), case):
                return stage, key, message
    return None


# ----------------------------------------------------------------------------------------- exercise-wide
def judge_inputs(cases: Sequence[Case], outcomes: Sequence[Outcome]) -> Verdict:
    """Inputs left unmodified by every case that ran to the end (fails when none did)."""
    verdict = Verdict(INPUTS_CHECK, "properties", 1.0)
    ran = [
        (case, outcome)
        for case, outcome in zip(cases, outcomes, strict=True)
        if outcome.observed is not None
    ]
    if not ran:
        first = next((o for o in outcomes if o.problem), Outcome(problem="no case ran to the end"))
        verdict.problem = f"not checked: {first.problem}"
        verdict.error = first.error
        return verdict
    for case, outcome in ran:
        if outcome.modified:
            names = ", ".join(outcome.modified)
            verdict.problem = (
                f"modified its input(s) {names} in place (case {case.name!r}); the docstring asks "
                "for inputs left unchanged: work on copies or with out-of-place operations"
            )
            break
    return verdict


def judge_forbidden(violations: Iterable[Violation]) -> Verdict:
    """No points of its own: a violation bans the exercise (status "banned", score 0)."""
    found = sorted(set(violations))
    verdict = Verdict(FORBIDDEN_CHECK, "forbidden", 0.0)
    if found:
        verdict.problem = "uses forbidden " + ", ".join(str(v) for v in found)
    return verdict


# ----------------------------------------------------------------------------------------- structure
def _pairs(
    name: str, expected: Observed, actual: Observed
) -> Iterator[tuple[str, Observed, Observed]]:
    """Leaf pairs of two structures already known to have the same shape of containers."""
    if expected.kind == "sequence":
        for index, (item_expected, item_actual) in enumerate(
            zip(expected.items, actual.items, strict=False)
        ):
            yield from _pairs(f"{name}[{index}]", item_expected, item_actual)
    elif expected.kind == "mapping":
        for key, item_expected in expected.items.items():
            yield from _pairs(f"{name}[{key!r}]", item_expected, actual.items[key])
    else:
        yield name, expected, actual


def _structure(
    name: str, expected: Observed, actual: Observed | None, case: Case
) -> Iterator[tuple[str, str]]:
    if actual is None:
        yield "type", f"{name}: nothing was produced"
        return
    if actual.kind == "detached" and expected.kind != "detached":
        yield (
            "type",
            f"{name}: your output is not connected to the autograd graph (was it built with "
            ".detach(), .item(), .data, .numpy() or torch.tensor(...) on values?)",
        )
        return
    if actual.kind != expected.kind:
        yield "type", f"{name}: expected {_kind_phrase(expected)}, got {actual.describe()}"
        return
    if expected.kind == "sequence":
        if len(actual.items) != len(expected.items):
            yield "type", f"{name}: expected {expected.describe()}, got {actual.describe()}"
            return
        for index, (item_expected, item_actual) in enumerate(
            zip(expected.items, actual.items, strict=False)
        ):
            yield from _structure(f"{name}[{index}]", item_expected, item_actual, case)
        return
    if expected.kind == "mapping":
        missing = sorted(set(expected.items) - set(actual.items))
        if missing:
            yield "type", f"{name}: keys {missing} are missing"
            return
        for key, item_expected in expected.items.items():
            yield from _structure(f"{name}[{key!r}]", item_expected, actual.items[key], case)
        return
    if expected.kind in ("tensor", "ndarray"):
        yield from _tensor_structure(name, expected, actual, case)


def _kind_phrase(expected: Observed) -> str:
    phrases = {
        "tensor": "a torch.Tensor",
        "ndarray": "a numpy.ndarray",
        "scalar": "a Python number",
        "none": "None",
        "detached": "no gradient",
    }
    return phrases.get(expected.kind, expected.describe())


def _tensor_structure(
    name: str, expected: Observed, actual: Observed, case: Case
) -> Iterator[tuple[str, str]]:
    if actual.shape != expected.shape:
        yield "shape", f"{name}: expected shape {list(expected.shape)}, got {list(actual.shape)}"
        return
    wanted_dtype = _expected_dtype(expected, case)
    if actual.dtype != wanted_dtype:
        yield "dtype", f"{name}: expected dtype {wanted_dtype} (the input's), got {actual.dtype}"
        return
    if expected.kind == "tensor" and actual.device != case.device:
        yield (
            "device",
            f"{name}: expected a tensor on {case.device} (the input's device), got {actual.device}",
        )
        return
    if expected.layout == "strided" and actual.layout not in (None, "strided"):
        yield "layout", f"{name}: expected a dense (strided) tensor, got layout {actual.layout}"
    elif expected.layout != "strided" and actual.layout != expected.layout:
        accepted = "a sparse layout" if expected.layout.startswith("sparse") else expected.layout
        if not (accepted == "a sparse layout" and actual.layout.startswith("sparse")):
            yield "layout", f"{name}: expected {accepted}, got layout {actual.layout}"


def _expected_dtype(expected: Observed, case: Case) -> str:
    """Floating outputs follow the case's dtype (the reference ran in float64); others are as is."""
    if expected.kind == "tensor" and expected.dtype in FLOATING:
        return str(case.dtype).removeprefix("torch.")
    return expected.dtype


# ----------------------------------------------------------------------------------------- values
def _nonfinite(
    name: str, expected: Observed, actual: Observed, case: Case
) -> Iterator[tuple[str, str]]:
    for leaf, leaf_expected, leaf_actual in _pairs(name, expected, actual):
        if not leaf_expected.is_array or leaf_expected.data is None or leaf_actual.data is None:
            continue
        reference, yours = leaf_expected.data.double(), leaf_actual.data.double()
        bad = reference.isfinite() & ~yours.isfinite()
        count = int(bad.sum())
        if count:
            what = _nonfinite_kinds(yours[bad])
            where = _index(bad)
            yield (
                "nonfinite",
                f"{leaf}: {count}/{reference.numel()} entries are {what} where the reference "
                f"is finite (first at index {where})",
            )


def _nonfinite_kinds(values: torch.Tensor) -> str:
    """``nan``, ``-inf``, ``nan or +inf`` ...: which non-finite values occur."""
    kinds = [
        name
        for name, present in (
            ("nan", values.isnan().any()),
            ("+inf", (values == float("inf")).any()),
            ("-inf", (values == float("-inf")).any()),
        )
        if bool(present)
    ]
    return " or ".join(kinds)


def _values(
    name: str, expected: Observed, actual: Observed, case: Case
) -> Iterator[tuple[str, str]]:
    for leaf, leaf_expected, leaf_actual in _pairs(name, expected, actual):
        if not leaf_expected.is_array:
            continue
        if leaf_expected.data is None or leaf_actual.data is None:
            yield "values", f"{leaf}: too large to compare"
            continue
        problem = _value_mismatch(leaf, leaf_expected, leaf_actual, case)
        if problem:
            yield "values", problem


def _value_mismatch(name: str, expected: Observed, actual: Observed, case: Case) -> str | None:
    reference, yours = expected.data, actual.data
    if not (reference.is_floating_point() or yours.is_floating_point()):
        wrong = reference != yours
        if bool(wrong.any()):
            return _report(name, wrong, reference, yours, exact=True)
        return None
    reference, yours = reference.double(), yours.double()
    tolerance = case.tolerance_of()
    # a vector-Jacobian product is of the order of its unit cotangent even where it is tiny
    floor = max(1.0 if name.startswith("gradient") else 0.0, case.scale)
    wrong = ~_close(yours, reference, tolerance, floor)
    if bool(wrong.any()):
        return _report(name, wrong, reference, yours, tolerance=tolerance)
    return None


def _close(
    yours: torch.Tensor, reference: torch.Tensor, tolerance: Tolerance, floor: float
) -> torch.Tensor:
    """Elementwise agreement; non-finite reference entries must be matched exactly."""
    finite = reference.isfinite()
    largest = float(reference[finite].abs().max()) if bool(finite.any()) else 0.0
    scale = max(largest, floor) or 1.0
    allowed = tolerance.atol * scale + tolerance.rtol * reference.abs()
    within = (yours - reference).abs() <= allowed
    same_special = (yours == reference) | (yours.isnan() & reference.isnan())
    return torch.where(finite, within & yours.isfinite(), same_special)


def _report(
    name: str,
    wrong: torch.Tensor,
    reference: torch.Tensor,
    yours: torch.Tensor,
    tolerance: Tolerance | None = None,
    exact: bool = False,
) -> str:
    count, total = int(wrong.sum()), wrong.numel()
    error = (
        (yours.double() - reference.double())
        .abs()
        .where(wrong, torch.zeros((), dtype=torch.float64))
    )
    error = torch.nan_to_num(error, nan=float("inf"))
    worst = error.argmax() if error.numel() else torch.tensor(0)
    index = tuple(int(i) for i in torch.unravel_index(worst, wrong.shape)) if wrong.dim() else ()
    expected_value, your_value = reference[index].item(), yours[index].item()
    text = f"{name}: {count}/{total} entries differ from the reference"
    text += f"; worst at index {_format_index(index)}: yours {your_value:.6g}, expected {expected_value:.6g}"
    if not exact:
        finite = wrong & reference.isfinite() & yours.isfinite()
        if bool(finite.any()):
            absolute = (yours - reference).abs()[finite]
            text += f"; max abs error {absolute.max().item():.2e}"
            nonzero = reference[finite] != 0
            if bool(nonzero.any()):
                relative = absolute[nonzero] / reference[finite][nonzero].abs()
                text += f", max rel error {relative.max().item():.2e}"
        text += f" (tolerance rtol {tolerance.rtol:.0e}, atol {tolerance.atol:.0e} x scale)"
    return text


def _index(mask: torch.Tensor) -> str:
    if mask.dim() == 0:
        return "()"
    position = mask.reshape(-1).nonzero()[0, 0]
    return _format_index(tuple(int(i) for i in torch.unravel_index(position, mask.shape)))


def _format_index(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(i) for i in index) + ("," if len(index) == 1 else "") + ")"
