"""Units of the grading engine: transport, comparison messages, forbidden-API detection."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import plain
from autograder.case import Case
from autograder.compare import compare_case
from autograder.forbidden import ForbiddenWatch, scan_source


class AlwaysEqual:
    def __eq__(self, other):
        return True


def test_plain_round_trip_keeps_types_shapes_and_values():
    value = (torch.arange(6.0).reshape(2, 3), np.ones(2), 1.5, None, [True])
    observed = plain.decode(plain.loads(plain.dumps(plain.encode(value))))
    assert observed.kind == "sequence" and len(observed.items) == 5
    tensor, array, number, nothing, listed = observed.items
    assert (tensor.kind, tensor.shape, tensor.dtype) == ("tensor", (2, 3), "float32")
    assert torch.equal(tensor.data, torch.arange(6.0).reshape(2, 3))
    assert (array.kind, array.dtype) == ("ndarray", "float64")
    assert number.kind == "scalar" and float(number.data) == 1.5
    assert nothing.kind == "none" and listed.items[0].kind == "scalar"


def test_objects_and_tensor_subclasses_cross_as_type_names_only():
    class Sneaky(torch.Tensor):
        pass

    for value in (AlwaysEqual(), torch.zeros(2).as_subclass(Sneaky)):
        description = plain.encode(value)
        assert description["kind"] == "other" and "data" not in description


def test_loads_refuses_arbitrary_objects():
    import io

    buffer = io.BytesIO()
    torch.save({"out": AlwaysEqual()}, buffer)
    with pytest.raises(Exception, match="Weights only load failed"):
        plain.loads(buffer.getvalue())


def _observe(**values):
    return {key: plain.observe(value) for key, value in values.items()}


CASE32 = Case("demo", dtype=torch.float32)


@pytest.mark.parametrize(
    "yours, message",
    [
        (AlwaysEqual(), "expected a torch.Tensor, got"),
        (torch.zeros(3, dtype=torch.float32), "expected shape [2, 3], got [3]"),
        (
            torch.zeros(2, 3, dtype=torch.float64),
            "expected dtype float32 (the input's), got float64",
        ),
        (torch.full((2, 3), float("nan")), "6/6 entries are nan where the reference is finite"),
        (torch.ones(2, 3) * 0.5, "6/6 entries differ from the reference"),
        (plain.DETACHED, "not connected to the autograd graph"),
    ],
)
def test_each_stage_names_what_is_wrong(yours, message):
    reference = _observe(out=torch.ones(2, 3, dtype=torch.float64))
    problem = compare_case(CASE32, reference, _observe(out=yours))
    assert problem is not None and message in problem


def test_value_report_gives_worst_index_and_errors():
    expected = torch.zeros(4, dtype=torch.float64)
    yours = torch.tensor([0.0, 0.0, 3.0, 1.0], dtype=torch.float32)
    problem = compare_case(CASE32, _observe(out=expected), _observe(out=yours))
    assert "2/4 entries differ" in problem and "worst at index (2,)" in problem
    assert "yours 3, expected 0" in problem and "max abs error 3.00e+00" in problem


def test_nan_where_the_reference_is_nan_passes_and_tolerance_is_dtype_aware():
    reference = torch.tensor([float("nan"), 1.0], dtype=torch.float64)
    assert compare_case(CASE32, _observe(out=reference), _observe(out=reference.float())) is None
    close32 = torch.tensor([float("nan"), 1.0 + 5e-7])
    assert compare_case(CASE32, _observe(out=reference), _observe(out=close32)) is None
    case64 = Case("demo", dtype=torch.float64)
    close64 = torch.tensor([float("nan"), 1.0 + 5e-7], dtype=torch.float64)
    assert compare_case(case64, _observe(out=reference), _observe(out=close64)) is not None


def test_gradient_missing_is_reported():
    reference = _observe(
        out=torch.ones(2, dtype=torch.float64), **{"grad:z": torch.ones(2).double()}
    )
    student = _observe(out=torch.ones(2, dtype=torch.float32), **{"grad:z": None})
    assert "gradient w.r.t. z: expected a torch.Tensor, got NoneType" in compare_case(
        CASE32, reference, student
    )


SOURCE = """
import torch
import torch.nn.functional as F
from torch import softmax as sm

def softmax(z, dim=-1):
    a = F.softmax(z, dim)
    b = z.softmax(dim)
    c = sm(z, dim)
    return torch.exp(z)

def other(z):
    return torch.softmax(z, -1)
"""


def test_static_scan_resolves_aliases_and_methods_within_the_exercise_only():
    forbidden = ("torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax")
    found = scan_source(SOURCE, "softmax", forbidden)
    assert [(v.line, v.name) for v in found] == [
        (7, "torch.nn.functional.softmax"),
        (8, "torch.Tensor.softmax"),
        (9, "torch.softmax"),
    ]
    assert scan_source(SOURCE, "softmax", ("torch.exp",))[0].line == 10


def test_runtime_watch_catches_calls_hidden_from_the_scan():
    watch = ForbiddenWatch(("torch.softmax", "torch.Tensor.softmax"), __file__)
    hidden = getattr(torch, "soft" + "max")
    with watch:
        hidden(torch.zeros(3), 0)
        torch.zeros(3).softmax(0)
        torch.zeros(3).exp()
    assert {v.name for v in watch.violations} == {"torch.softmax", "torch.Tensor.softmax"}
    assert all(v.line > 0 for v in watch.violations)


def test_runtime_watch_with_torch_forbids_every_torch_call():
    watch = ForbiddenWatch(("torch",), __file__)
    with watch:
        torch.ones(2).sum()
    assert watch.violations
