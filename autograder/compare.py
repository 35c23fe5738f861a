"""Compare what the student's code produced on one case with the reference.

The order is fixed and the first failure is the message: type -> shape -> dtype -> device ->
NaN/inf where the reference is finite -> values -> inputs left unmodified -> gradients -> properties.
(Forbidden APIs are judged per exercise, in ``autograder.grade``.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import torch

from autograder.case import Case
from autograder.plain import Observed
from autograder.tolerance import Tolerance, tolerance_for

FLOATING = ("float16", "bfloat16", "float32", "float64")


def label(key: str) -> str:
    """How an observation is named in messages: ``out`` -> output, ``grad:z`` -> gradient w.r.t. z."""
    if key == "out":
        return "output"
    if key.startswith("grad:"):
        return f"gradient w.r.t. {key.removeprefix('grad:')}"
    return key


def compare_case(
    case: Case, reference: Mapping[str, Observed], student: Mapping[str, Observed]
) -> str | None:
    """The first way the student's observations differ from the reference's, or None."""
    value_keys = [key for key in reference if not key.startswith("grad:")]
    grad_keys = [key for key in reference if key.startswith("grad:")]
    for stage in (_structure, _nonfinite, _values):
        for key in value_keys:
            problem = _first(stage(label(key), reference[key], student.get(key), case))
            if problem:
                return problem
    for key in grad_keys:
        for stage in (_structure, _nonfinite, _values):
            problem = _first(stage(label(key), reference[key], student.get(key), case))
            if problem:
                return problem
    return None


def _first(problems: Iterator[str]) -> str | None:
    return next(problems, None)


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


# ----------------------------------------------------------------------------------------- structure
def _structure(name: str, expected: Observed, actual: Observed | None, case: Case) -> Iterator[str]:
    if actual is None:
        yield f"{name}: nothing was produced"
        return
    if actual.kind == "detached" and expected.kind != "detached":
        yield (
            f"{name}: your output is not connected to the autograd graph (was it built with "
            ".detach(), .item(), .data, .numpy() or torch.tensor(...) on values?)"
        )
        return
    if actual.kind != expected.kind:
        yield f"{name}: expected {_kind_phrase(expected)}, got {actual.describe()}"
        return
    if expected.kind == "sequence":
        if len(actual.items) != len(expected.items):
            yield f"{name}: expected {expected.describe()}, got {actual.describe()}"
            return
        for index, (item_expected, item_actual) in enumerate(
            zip(expected.items, actual.items, strict=False)
        ):
            yield from _structure(f"{name}[{index}]", item_expected, item_actual, case)
        return
    if expected.kind == "mapping":
        missing = sorted(set(expected.items) - set(actual.items))
        if missing:
            yield f"{name}: keys {missing} are missing"
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


def _tensor_structure(name: str, expected: Observed, actual: Observed, case: Case) -> Iterator[str]:
    if actual.shape != expected.shape:
        yield f"{name}: expected shape {list(expected.shape)}, got {list(actual.shape)}"
        return
    wanted_dtype = _expected_dtype(expected, case)
    if actual.dtype != wanted_dtype:
        yield f"{name}: expected dtype {wanted_dtype} (the input's), got {actual.dtype}"
        return
    if expected.kind == "tensor" and actual.device != case.device:
        yield f"{name}: expected a tensor on {case.device} (the input's device), got {actual.device}"
        return
    if expected.layout != "strided" and actual.layout != expected.layout:
        accepted = "a sparse layout" if expected.layout.startswith("sparse") else expected.layout
        if not (accepted == "a sparse layout" and actual.layout.startswith("sparse")):
            yield f"{name}: expected {accepted}, got layout {actual.layout}"


def _expected_dtype(expected: Observed, case: Case) -> str:
    """Floating outputs follow the case's dtype (the reference ran in float64); others are as is."""
    if expected.kind == "tensor" and expected.dtype in FLOATING:
        return str(case.dtype).removeprefix("torch.")
    return expected.dtype


# ----------------------------------------------------------------------------------------- values
def _nonfinite(name: str, expected: Observed, actual: Observed, case: Case) -> Iterator[str]:
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
                f"{leaf}: {count}/{reference.numel()} entries are {what} where the reference "
                f"is finite (first at index {where})"
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


def _values(name: str, expected: Observed, actual: Observed, case: Case) -> Iterator[str]:
    for leaf, leaf_expected, leaf_actual in _pairs(name, expected, actual):
        if not leaf_expected.is_array:
            continue
        if leaf_expected.data is None or leaf_actual.data is None:
            yield f"{leaf}: too large to compare"
            continue
        problem = _value_mismatch(leaf, leaf_expected, leaf_actual, case)
        if problem:
            yield problem


def _value_mismatch(name: str, expected: Observed, actual: Observed, case: Case) -> str | None:
    reference, yours = expected.data, actual.data
    if not (reference.is_floating_point() or yours.is_floating_point()):
        wrong = reference != yours
        if bool(wrong.any()):
            return _report(name, wrong, reference, yours, exact=True)
        return None
    reference, yours = reference.double(), yours.double()
    dtype = str(case.dtype).removeprefix("torch.")
    tolerance = tolerance_for(case.tolerance, dtype, case.device)
    # a vector-Jacobian product is of the order of its unit cotangent even where it is tiny
    floor = 1.0 if name.startswith("gradient") else 0.0
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
