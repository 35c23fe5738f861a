"""Grade a submission: for each exercise, run the student's code in a worker, the reference here, and
turn the differences into checks, points and a status.

This is where a TA can start reading: ``grade`` -> ``grade_exercise`` -> ``compare_case`` (values) and
``scan_source`` / ``ForbiddenWatch`` (forbidden APIs).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import torch

from autograder import plain
from autograder.case import Case, CaseRng, case_seed, reference_inputs
from autograder.compare import compare_case
from autograder.exercise import Exercise
from autograder.forbidden import Violation, scan_source
from autograder.probe import ProbeContext
from autograder.report import CheckResult, ExerciseResult, Report
from autograder.runner import Worker, WorkerRun

FORBIDDEN_CHECK = "forbidden APIs"


def resolve_devices(option: str) -> tuple[str, ...]:
    """``auto`` -> the CPU plus CUDA when present; ``cpu``; ``cuda`` (an error when absent)."""
    if option == "cpu":
        return ("cpu",)
    if option == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("--device cuda was asked for, but no CUDA device is available")
        return ("cuda",)
    if option == "auto":
        return ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)
    raise ValueError(f"unknown device {option!r}: use auto, cpu or cuda")


def build_cases(exercise: Exercise, seed: int, devices: Iterable[str] = ("cpu",)) -> list[Case]:
    """The exercise's cases for this seed, once per device the exercise supports."""
    base = exercise.cases(CaseRng(case_seed(seed, exercise.id)))
    chosen = [device for device in devices if device in exercise.devices]
    cases = [case.on(device) for device in chosen for case in base]
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"{exercise.id}: two cases share a name")
    return cases


def grade(
    submission: str | os.PathLike,
    exercises: list[Exercise],
    seed: int = 0,
    device: str = "auto",
    jobs: int = 2,
    on_result: Callable[[ExerciseResult], None] | None = None,
    timeout: float | None = None,
    sandboxed: bool = True,
) -> Report:
    """Grade every exercise of ``exercises`` found in the ``submission`` directory.

    ``timeout`` (seconds) replaces every exercise's own wall-clock limit; ``sandboxed=False`` runs
    the workers without their hardening (only to measure what the isolation costs).
    """
    _turn_off_tf32()
    devices = resolve_devices(device)
    if timeout is not None:
        exercises = [dataclasses.replace(exercise, timeout=timeout) for exercise in exercises]
    results: dict[str, ExerciseResult] = {}
    in_flight: list[_Pending] = []
    try:
        for exercise in exercises:
            in_flight.append(_start(exercise, Path(submission), seed, devices, sandboxed))
            while len(in_flight) >= max(1, jobs):
                _finish(in_flight.pop(0), results, on_result)
        while in_flight:
            _finish(in_flight.pop(0), results, on_result)
    finally:  # a grader fault must not leave workers behind
        for pending in in_flight:
            if pending.worker is not None:
                pending.worker.kill()
    ordered = [results[exercise.id] for exercise in exercises]
    return Report(submission=str(submission), seed=seed, exercises=ordered)


def grade_exercise(
    exercise: Exercise, submission: str | os.PathLike, seed: int = 0, devices=("cpu",)
) -> ExerciseResult:
    """Grade one exercise (see ``grade``)."""
    results: dict[str, ExerciseResult] = {}
    _finish(_start(exercise, Path(submission), seed, tuple(devices), True), results, None)
    return results[exercise.id]


# ----------------------------------------------------------------------------------------- pipeline
@dataclass
class _Pending:
    exercise: Exercise
    cases: list[Case]
    path: Path
    worker: Worker | None
    reference: dict[str, dict[str, plain.Observed]]
    static: list[Violation]


def _start(
    exercise: Exercise, submission: Path, seed: int, devices: tuple[str, ...], sandboxed: bool
) -> _Pending:
    """Start the student's worker, then compute the reference while it runs."""
    cases = build_cases(exercise, seed, devices)
    path = submission / f"{exercise.module}.py"
    worker, static = None, []
    if path.is_file():
        static = scan_source(path.read_text(errors="replace"), exercise.name, exercise.forbidden)
        worker = Worker(exercise, str(path), cases, sandboxed)
    reference = reference_observations(exercise, cases)
    return _Pending(exercise, cases, path, worker, reference, static)


def _finish(pending: _Pending, results: dict, on_result) -> None:
    if pending.worker is None:
        run = WorkerRun(load_status="missing", load_message=f"{pending.path} not found")
    else:
        run = pending.worker.collect(pending.exercise.timeout)
    result = assemble(pending.exercise, pending.cases, pending.reference, run, pending.static)
    results[result.id] = result
    if on_result is not None:
        on_result(result)


def reference_observations(
    exercise: Exercise, cases: list[Case]
) -> dict[str, dict[str, plain.Observed]]:
    """The reference's observations per case name, computed in float64 on the CPU."""
    reference = exercise.reference()
    observed: dict[tuple[str, torch.dtype], dict[str, plain.Observed]] = {}
    by_name = {}
    for case in cases:
        if not case.compare:
            continue
        key = (case.label, case.dtype)
        if key not in observed:
            context = ProbeContext(case.on("cpu").name, case.grad)
            outputs = exercise.probe(reference, reference_inputs(case), context)
            observed[key] = {name: plain.observe(value) for name, value in outputs.items()}
        by_name[case.name] = observed[key]
    return by_name


# ----------------------------------------------------------------------------------------- results
def assemble(
    exercise: Exercise,
    cases: list[Case],
    reference: dict[str, dict[str, plain.Observed]],
    run: WorkerRun,
    static: list[Violation],
) -> ExerciseResult:
    """Checks, points and status of one exercise from the worker's run and the reference."""
    total_weight = sum(case.weight for case in cases)
    checks, violations, errors = [], set(static), False
    for case in cases:
        message = run.cases.get(case.name)
        if message is not None:
            violations.update(Violation(line, name) for line, name in message.get("violations", []))
        verdict = _case_verdict(exercise, case, reference.get(case.name), message, run)
        errors |= verdict.error
        points = exercise.points * case.weight / total_weight
        passed = verdict.problem is None
        checks.append(
            CheckResult(case.name, passed, points if passed else 0.0, points, verdict.problem or "")
        )
    if exercise.forbidden:
        checks.append(_forbidden_check(violations))
    messages = [run.cases.get(case.name) for case in cases]
    status = _status(run, checks, violations, messages, errors)
    if status == "banned":
        for check in checks:
            check.points = 0.0
    score = round(sum(check.points for check in checks), 6)
    return ExerciseResult(exercise.id, score, exercise.points, status, checks)


class Verdict(NamedTuple):
    problem: str | None  # None: the case passed
    error: bool = False  # the code did something that makes the exercise's status "error"


ERROR_OUTCOMES = {
    "sandbox": "was stopped by the sandbox: {error}",
    "memory": "ran out of memory (the worker's limit): {error}",
    "file_size": "wrote more than the worker's file-size limit (output flood?): {error}",
    "exit": "tried to end the worker ({error}); return a result instead",
}


def _case_verdict(
    exercise: Exercise,
    case: Case,
    reference: dict[str, plain.Observed] | None,
    message: dict[str, Any] | None,
    run: WorkerRun,
) -> Verdict:
    """Whether one case passed, and if not, what is wrong (the check's message)."""
    if run.load_status is not None:
        return Verdict(run.load_message)
    if message is None:
        return Verdict(_unfinished(exercise, run))
    try:
        return _judge_message(exercise, case, reference, message)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return Verdict(f"the worker sent a malformed report ({type(error).__name__})", error=True)


def _judge_message(exercise, case, reference, message) -> Verdict:
    outcome = message["outcome"]
    if outcome == "not_implemented":
        return Verdict(f"not implemented yet ({message['error']})")
    if outcome in ERROR_OUTCOMES:
        return Verdict(ERROR_OUTCOMES[outcome].format(error=message["error"]), error=True)
    if outcome != "ok":
        raised = f"raised {message['error']}"
        return Verdict(f"{raised}; hint: {case.hint}" if case.hint else raised)
    observed = {key: plain.decode(value) for key, value in message["observations"].items()}
    foreign = sorted(set(_foreign_types(observed.values())))
    if foreign:
        return Verdict(
            f"returned {', '.join(foreign)}, which is not plain data: return torch.Tensor "
            "(not a subclass), numpy arrays or Python numbers",
            error=True,
        )
    problem = _judge(case, reference, observed, message)
    if problem is None:
        return Verdict(None)
    hint = _hint(exercise, observed, reference, case) or case.hint
    return Verdict(f"{problem}; hint: {hint}" if hint else problem)


def _foreign_types(observed) -> list[str]:
    """Type names of the objects that crossed back as something other than data."""
    found = []
    for item in observed:
        if item.kind == "other":
            found.append(item.type_name)
        elif item.kind in ("sequence", "mapping"):
            items = item.items.values() if item.kind == "mapping" else item.items
            found += _foreign_types(items)
    return found


def _judge(case, reference, observed, message) -> str | None:
    if case.compare:
        problem = compare_case(case, reference, observed)
        if problem:
            return problem
    if message["modified"]:
        names = ", ".join(message["modified"])
        return f"modified its input(s) {names} in place; work on copies or out-of-place ops"
    if message.get("side_effects"):
        changes = "; ".join(message["side_effects"])
        return f"changed global state and left it changed ({changes}): restore what you change"
    for prop in case.properties:
        try:
            problem = prop.check(observed, case)
        except Exception as error:  # malformed output that a property cannot read
            problem = f"could not be checked on your output ({type(error).__name__}: {error})"
        if problem:
            return f"{prop.name}: {problem}"
    return None


def _hint(exercise: Exercise, observed, reference, case: Case) -> str | None:
    for hint in exercise.hints:
        try:
            if hint.applies(observed, reference or {}, case):
                return hint.text
        except Exception:
            continue
    return None


def _unfinished(exercise: Exercise, run: WorkerRun) -> str:
    if run.timed_out:
        return f"did not finish within the time limit of {exercise.timeout:g} s (infinite loop?)"
    reason = run.crashed or "the worker ended early"
    tail = run.output_tail.strip().splitlines()[-3:]
    return reason + (f"; last output: {' | '.join(tail)}" if tail else "")


def _forbidden_check(violations: set[Violation]) -> CheckResult:
    if not violations:
        return CheckResult(FORBIDDEN_CHECK, True, 0.0, 0.0, "")
    listed = ", ".join(str(v) for v in sorted(violations))
    return CheckResult(FORBIDDEN_CHECK, False, 0.0, 0.0, f"uses forbidden {listed}")


def _status(run: WorkerRun, checks, violations, messages, errors: bool) -> str:
    if run.load_status is not None:
        return run.load_status
    if violations:
        return "banned"
    if run.crashed or errors:  # before a timeout: a case that ran out of memory was first
        return "error"
    if run.timed_out:
        return "timeout"
    outcomes = [message["outcome"] if message else None for message in messages]
    if outcomes and all(outcome == "not_implemented" for outcome in outcomes):
        return "not_implemented"
    graded = [check for check in checks if check.max_points > 0]
    passed = sum(check.passed for check in graded)
    if passed == len(graded):
        return "passed"
    return "failed" if passed == 0 else "partial"


def _turn_off_tf32() -> None:
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
