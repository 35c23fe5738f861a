"""Units of the grading engine: transport, the check order and its messages, scoring, hints,
forbidden-API detection, global state and threads."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest
import torch

from autograder import plain
from autograder.case import BOTH, Case, Property
from autograder.compare import Outcome, first_difference, judge_case, judge_inputs
from autograder.forbidden import ForbiddenWatch, OperationWatch, scan_source
from autograder.grade import grade_exercise
from autograder.hints import Evidence, Hint, explained_by, first_hint, near
from autograder.registry import exercise_by_id
from autograder.scoring import DEVICES_GATED_NOTE, GATED_NOTE, score_checks, status_of
from autograder.state import GlobalState
from autograder.threads import stop_new_threads


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
    import pickle

    for value in (AlwaysEqual(), torch.nn.Parameter(torch.ones(2)), np.ones(2), torch.float32):
        with pytest.raises(pickle.UnpicklingError, match="not plain data"):
            plain.loads(plain.dumps({"out": value}))


def test_loads_refuses_a_tensor_larger_than_its_bytes():
    import io
    import pickle

    class Forged(pickle.Pickler):
        def persistent_id(self, obj):
            return ("float64", (2**40,), (1,), 0, False, b"") if obj == "tensor" else None

    buffer = io.BytesIO()
    Forged(buffer).dump({"out": "tensor"})
    with pytest.raises(pickle.UnpicklingError, match="larger than its storage"):
        plain.loads(buffer.getvalue())


def test_loads_lets_no_message_change_a_tensor_while_it_is_read():
    import pickle

    def fragment(value):
        return pickle.dumps(value, protocol=3)[2:-1]  # without PROTO and STOP

    tensor = fragment(("float64", (0,), (1,), 0, False, b"")) + b"Q"  # BINPERSID: an empty tensor
    # BUILD on a tensor would call Tensor.__setstate__, which set_s it to a storage and a size of
    # the stream's choice (here a million floats over an empty tensor's storage), or sets its
    # requires_grad and backward hooks
    resize = b"(" + tensor + fragment(0) + fragment((10**6,)) + fragment((1,)) + b"t"
    hooks = fragment({"requires_grad": True, "_backward_hooks": {}})
    for state in (resize, hooks):  # a tensor id, still a tuple while read, has nothing to set
        with pytest.raises((pickle.UnpicklingError, AttributeError)):
            plain.loads(b"\x80\x03" + tensor + state + b"b.")


def test_plain_round_trip_keeps_views_dtypes_and_requires_grad():
    values = {
        "view": torch.arange(12.0).reshape(3, 4).T[1:],
        "expanded": torch.ones(1).expand(3),
        "empty": torch.zeros(0, 3),
        "flags": torch.tensor([True, False]),
        "half": torch.ones(2, dtype=torch.bfloat16),
        "leaf": torch.ones(2, requires_grad=True),
        "nested": [(1, "a", None), {"k": 2.5}],
    }
    back = plain.loads(plain.dumps(values))
    assert back["nested"] == values["nested"]
    for name in ("view", "expanded", "empty", "flags", "half", "leaf"):
        a, b = values[name], back[name]
        assert (b.dtype, b.shape, b.stride(), b.requires_grad) == (
            a.dtype,
            a.shape,
            a.stride(),
            a.requires_grad,
        )
        assert torch.equal(a.detach(), b.detach()), name


# ----------------------------------------------------------------------------------------- checks
def _observe(**values):
    return {key: plain.observe(value) for key, value in values.items()}


CASE32 = Case("demo", dtypes=(torch.float32,))


@pytest.mark.parametrize(
    "yours, stage, message",
    [
        (AlwaysEqual(), "type", "expected a torch.Tensor, got"),
        (torch.zeros(3, dtype=torch.float32), "shape", "expected shape [2, 3], got [3]"),
        (
            torch.zeros(2, 3, dtype=torch.float64),
            "dtype",
            "expected dtype float32 (the input's), got float64",
        ),
        (
            torch.full((2, 3), float("nan")),
            "nonfinite",
            "6/6 entries are nan where the reference is finite",
        ),
        (torch.ones(2, 3) * 0.5, "values", "6/6 entries differ from the reference"),
        (plain.DETACHED, "type", "not connected to the autograd graph"),
    ],
)
def test_each_stage_names_what_is_wrong(yours, stage, message):
    reference = _observe(out=torch.ones(2, 3, dtype=torch.float64))
    found = first_difference(CASE32, ["out"], reference, _observe(out=yours))
    assert found is not None and found[0] == stage and message in found[2]


def test_value_report_gives_worst_index_and_errors():
    expected = torch.zeros(4, dtype=torch.float64)
    yours = torch.tensor([0.0, 0.0, 3.0, 1.0], dtype=torch.float32)
    _, _, problem = first_difference(CASE32, ["out"], _observe(out=expected), _observe(out=yours))
    assert "2/4 entries differ" in problem and "worst at index (2,)" in problem
    assert "yours 3, expected 0" in problem and "max abs error 3.00e+00" in problem


def test_nan_where_the_reference_is_nan_passes_and_tolerance_is_dtype_aware():
    reference = torch.tensor([float("nan"), 1.0], dtype=torch.float64)
    ref = _observe(out=reference)
    assert first_difference(CASE32, ["out"], ref, _observe(out=reference.float())) is None
    close32 = torch.tensor([float("nan"), 1.0 + 5e-7])
    assert first_difference(CASE32, ["out"], ref, _observe(out=close32)) is None
    case64 = Case("demo")
    close64 = torch.tensor([float("nan"), 1.0 + 5e-7], dtype=torch.float64)
    assert first_difference(case64, ["out"], ref, _observe(out=close64)) is not None


def test_a_case_gives_a_values_a_gradients_and_a_property_check_each_on_its_own():
    always_fails = Property("demo property", lambda observed, case: "broken", group="properties")
    case = Case("demo", grad=("z",), dtypes=(torch.float32,), properties=(always_fails,))
    reference = _observe(out=torch.ones(2).double(), **{"grad:z": torch.ones(2).double()})
    student = _observe(out=torch.ones(2), **{"grad:z": None})
    verdicts = judge_case(case, reference, Outcome(observed=student))
    assert [(v.name, v.group, v.problem is None) for v in verdicts] == [
        ("demo, float32", "values", True),
        ("demo, float32, gradients", "gradients", False),
        ("demo, float32, demo property", "properties", False),
    ]
    assert "gradient w.r.t. z: expected a torch.Tensor, got NoneType" in verdicts[1].problem


def test_a_raised_exception_fails_every_check_of_its_case():
    case = Case("demo", grad=("z",))
    reference = _observe(out=torch.ones(2).double(), **{"grad:z": torch.ones(2).double()})
    verdicts = judge_case(case, reference, Outcome(problem="raised ValueError: boom (line 3)"))
    assert [v.problem for v in verdicts] == ["raised ValueError: boom (line 3)"] * 2


def test_a_modified_input_fails_only_the_inputs_check():
    cases = Case("a").expand() + Case("b").expand()
    outcomes = [Outcome(observed={}), Outcome(observed={}, modified=("z",))]
    verdict = judge_inputs(cases, outcomes)
    assert "modified its input(s) z in place (case 'b, float64')" in verdict.problem
    assert judge_inputs(cases, [Outcome(observed={})] * 2).problem is None
    assert "not checked" in judge_inputs(cases, [Outcome(problem="raised")] * 2).problem


def test_cases_declare_their_dtypes_once_and_are_expanded_per_device():
    case = Case("demo", {"z": torch.ones(2, dtype=torch.float64)}, dtypes=BOTH)
    expanded = case.expand(("cpu", "cuda"))
    assert [c.name for c in expanded] == [
        "demo, float32",
        "demo, float64",
        "demo, float32, cuda",
        "demo, float64, cuda",
    ]
    assert [c.primary for c in expanded] == [True, True, False, False]
    assert expanded[0].inputs["z"] is expanded[2].inputs["z"]  # drawn once


# ----------------------------------------------------------------------------------------- scoring
def _verdict(name, group, problem=None, weight=1.0):
    from autograder.compare import Verdict

    return Verdict(name, group, weight, problem)


def test_group_weights_share_the_points_and_groups_beyond_values_are_gated():
    groups = {"values": 1.0, "edge cases": 1.0}
    open_gate = score_checks(2.0, groups, [_verdict("a", "values"), _verdict("b", "edge cases")])
    assert [c.points for c in open_gate] == [1.0, 1.0]
    closed = score_checks(
        2.0, groups, [_verdict("a", "values", "wrong"), _verdict("b", "edge cases")]
    )
    assert [(c.passed, c.points, c.max_points) for c in closed] == [
        (False, 0.0, 1.0),
        (True, 0.0, 1.0),
    ]
    assert closed[1].message == GATED_NOTE


def test_an_undeclared_group_is_an_error_except_devices_which_gets_its_share():
    with pytest.raises(ValueError, match="no weight"):
        score_checks(1.0, {"values": 1.0}, [_verdict("a", "stability")])
    checks = score_checks(1.0, {"values": 1.0}, [_verdict("a", "values"), _verdict("b", "devices")])
    assert [c.max_points for c in checks] == pytest.approx([0.8, 0.2])


def test_devices_count_only_once_every_other_check_passes():
    groups = {"values": 1.0, "stability": 1.0}
    right = [_verdict("a", "values"), _verdict("b", "stability"), _verdict("c", "devices")]
    assert [c.points for c in score_checks(1.0, groups, right)] == pytest.approx([0.4, 0.4, 0.2])
    unstable = [
        _verdict("a", "values"),
        _verdict("b", "stability", "nan"),
        _verdict("c", "devices"),
    ]
    checks = score_checks(1.0, groups, unstable)
    assert [(c.passed, c.points) for c in checks] == [(True, 0.4), (False, 0.0), (True, 0.0)]
    assert checks[2].message == DEVICES_GATED_NOTE


def test_status_order_is_load_then_ban_then_error_then_timeout():
    checks = score_checks(1.0, {"values": 1.0}, [_verdict("a", "values", "wrong")])
    common = {"banned": False, "error": False, "timed_out": False, "not_implemented": False}
    assert status_of(checks, load_status=None, **common) == "failed"
    assert status_of(checks, load_status="missing", **{**common, "banned": True}) == "missing"
    assert status_of(checks, load_status=None, **{**common, "banned": True, "error": True}) == (
        "banned"
    )
    assert status_of(checks, load_status=None, **{**common, "error": True, "timed_out": True}) == (
        "error"
    )


# ----------------------------------------------------------------------------------------- hints
def _evidence(student, reference, case=CASE32):
    return Evidence(case, _observe(out=student), _observe(out=reference), "values")


def test_explained_by_needs_the_student_to_match_the_mistake_and_the_reference_not_to():
    right = torch.tensor([1.0, 2.0], dtype=torch.float64)
    doubled = explained_by(lambda evidence: 2 * right)
    assert doubled(_evidence(2 * right, right))
    assert not doubled(_evidence(3 * right, right))
    assert not explained_by(lambda evidence: right)(_evidence(right, right))
    assert near(torch.tensor([float("nan"), 1.0]), torch.tensor([float("nan"), 1.0 + 1e-6]))
    assert not near(torch.ones(2), torch.ones(3))


def test_a_raising_hint_fails_under_test_and_costs_only_the_hint_otherwise(monkeypatch):
    broken = Hint("never shown", lambda evidence: 1 / 0)
    evidence = _evidence(torch.ones(2), torch.ones(2).double())
    with pytest.raises(ZeroDivisionError):
        first_hint([broken], evidence)
    monkeypatch.setenv("ML4P_STRICT", "0")
    assert first_hint([broken, Hint("shown", lambda evidence: True)], evidence) == "shown"


# ----------------------------------------------------------------------------------------- bans
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


def test_operation_watch_catches_an_operator_whatever_name_reaches_it():
    watch = OperationWatch(("aten._softmax",), __file__)
    z = torch.randn(2, 3)
    with ForbiddenWatch(("torch.softmax",), __file__), watch:  # as in the worker: both at once
        torch.ops.aten._softmax(z, -1, False)
        line = _line()
        (z - z.amax(-1, keepdim=True)).exp()
    assert [(v.line, v.name) for v in watch.violations] == [(line - 1, "operation aten._softmax")]


def _line() -> int:
    import inspect

    return inspect.currentframe().f_back.f_lineno


# ----------------------------------------------------------------------------------------- state
def test_global_state_is_restored_and_each_change_named():
    saved = GlobalState()
    original_allclose = torch.allclose
    try:
        torch.set_default_dtype(torch.float64)
        torch.autograd.set_detect_anomaly(True)
        torch.set_printoptions(precision=2)
        np.seterr(all="raise")
        np.random.seed(1)
        warnings.simplefilter("ignore")
        torch.allclose = lambda *args, **kwargs: True
    finally:
        changes = saved.restore()
    assert torch.get_default_dtype() == torch.float32 and not torch.is_anomaly_enabled()
    assert torch.allclose is original_allclose and np.geterr()["over"] != "raise"
    text = "; ".join(changes)
    for phrase in (
        "default dtype torch.float32 -> torch.float64",
        "anomaly detection",
        "torch print options changed",
        "numpy error state",
        "numpy's global random state changed",
        "warning filters changed",
        "torch.allclose replaced",
    ):
        assert phrase in text
    assert "torch.Storage" not in text  # torch rebinds it with the default dtype: not a change
    assert saved.restore() == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_threads_left_running_are_stopped():
    known = set(threading.enumerate())

    def spin():
        while True:
            time.sleep(0.001)

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    assert stop_new_threads(known) == ["1 thread(s) left running were stopped"]
    assert not thread.is_alive()


def test_a_thread_reporting_its_end_gets_no_second_exit(monkeypatch):
    reported = []

    def slow_hook(args):  # a second SystemExit raised meanwhile would cut it short
        time.sleep(0.2)
        reported.append(args.exc_type)

    monkeypatch.setattr(threading, "excepthook", slow_hook)
    known = set(threading.enumerate())

    def spin():
        while True:
            time.sleep(0.001)

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    assert stop_new_threads(known) == ["1 thread(s) left running were stopped"]
    assert reported == [SystemExit]


ZYGOTE_START = """
import sys
if sys.argv[1] == "after-the-reference":
    import ml4p_ref.week01_practices
from autograder import zygote

zygote.warm_up()
print(zygote.running().forked)
"""


@pytest.mark.parametrize(
    ("before", "forked"), [("clean", "True"), ("after-the-reference", "False")]
)
def test_the_zygote_is_forked_only_from_a_process_that_never_imported_the_reference(before, forked):
    done = subprocess.run(
        [sys.executable, "-c", ZYGOTE_START, before], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == [forked], done.stderr


SEARCHES_MEMORY = """
import gc
import warnings


def module_of(thing):
    try:
        module = getattr(thing, "__module__", None)
    except Exception:
        return ""
    return module if isinstance(module, str) else ""


def softmax(z, dim=-1):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = sorted({
            module_of(thing) for thing in gc.get_objects() if module_of(thing).startswith("ml4p_ref")
        })
    raise RuntimeError("reference in memory: " + (", ".join(found) or "none"))
"""


def test_a_worker_finds_no_reference_in_memory_though_the_grading_process_imported_it(tmp_path):
    import ml4p_ref.week01_practices  # noqa: F401  (this process now holds the reference)

    (tmp_path / "week01_practices.py").write_text(SEARCHES_MEMORY)
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    messages = {check.message for check in result.checks if not check.passed}
    assert any("reference in memory: none" in message for message in messages), messages


SCRATCH_FILES = """
import os
import tempfile


def softmax(z, dim=-1):
    with tempfile.NamedTemporaryFile() as scratch:  # an honest habit: a scratch file
        scratch.write(b"intermediate results")
    assert os.environ["TORCHINDUCTOR_CACHE_DIR"].startswith(os.getcwd())
    weights = (z - z.amax(dim=dim, keepdim=True)).exp()
    return weights / weights.sum(dim=dim, keepdim=True)
"""


def test_temporary_files_and_torchs_caches_go_to_the_workers_own_folder(tmp_path):
    (tmp_path / "week01_practices.py").write_text(SCRATCH_FILES)
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert (result.status, result.notes) == ("passed", [])
