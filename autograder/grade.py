"""Grade a submission: for each exercise, run the student's code in a worker, the reference here, and
turn the differences into checks, points and a status.

This is where a TA can start reading: ``grade`` -> ``grade_exercise`` -> ``assemble``, which asks
``compare.judge_case`` for the checks of each case (the check order lives there), adds the
exercise-wide checks (inputs left unmodified, forbidden APIs) and lets ``scoring`` weigh them.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from autograder import failure_plots, plain, recorded
from autograder.case import Case, CaseRng, case_seed, reference_inputs
from autograder.compare import (
    FORBIDDEN_CHECK,
    INPUTS_CHECK,
    Outcome,
    check_names,
    judge_case,
    judge_forbidden,
    judge_inputs,
)
from autograder.exercise import Exercise
from autograder.forbidden import Violation, scan_source
from autograder.probe import ProbeContext, arrays_in
from autograder.report import ExerciseResult, GroupTotal, Report
from autograder.runner import Worker, WorkerRun
from autograder.scoring import round_points, score_checks, status_of, subtotals
from autograder.submission import SubmittedFile, week_file


def resolve_devices(option: str) -> tuple[str, ...]:
    """``auto`` -> the CPU plus CUDA when present; ``cpu``; ``cuda`` (an error when absent).

    CUDA is looked for through NVML, which leaves CUDA itself unstarted: workers are forked from
    this process's zygote, and a process forked after CUDA started cannot use it."""
    os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
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
    """The exercise's cases for this seed, expanded per dtype and per device it supports."""
    declared = exercise.cases(CaseRng(case_seed(seed, exercise.id)))
    chosen = tuple(device for device in devices if device in exercise.devices) or ("cpu",)
    cases = [case for declared_case in declared for case in declared_case.expand(chosen)]
    if "cuda" in exercise.devices:
        cases += emulated_gpu_case(cases)
    cases.sort(key=lambda case: not case.primary)  # a second device's cases after the first's
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"{exercise.id}: two cases share a name")
    return cases


def emulated_gpu_case(cases: list[Case]) -> list[Case]:
    """The case run again on the emulated GPU (``autograder.emulated_gpu``): the smallest float64
    torch case of the "values" group (none when there is no such case)."""
    candidates = [
        case
        for case in cases
        if case.primary and case.compare and not case.numpy and case.group == "values"
        if case.dtype == torch.float64
    ]
    if not candidates:
        return []
    return [min(candidates, key=lambda case: _elements(case.inputs)).on_emulated_gpu()]


def _elements(inputs: dict[str, Any]) -> int:
    """How many numbers the tensors and arrays of a case's inputs hold."""
    return sum(
        array.numel() if isinstance(array, torch.Tensor) else array.size
        for _, array in arrays_in(inputs)
    )


def exercise_check_names(exercise: Exercise, cases: list[Case]) -> list[str]:
    """Every check ``assemble`` reports for the exercise, in order (known before grading)."""
    names = [name for case in cases for name in check_names(case)] + [INPUTS_CHECK]
    return names + ([FORBIDDEN_CHECK] if _bans_anything(exercise) else [])


def _bans_anything(exercise: Exercise) -> bool:
    return bool(exercise.forbidden or exercise.forbidden_ops)


def grade(
    submission: str | os.PathLike,
    exercises: list[Exercise],
    seed: int = 0,
    device: str = "auto",
    jobs: int = 2,
    on_result: Callable[[ExerciseResult], None] | None = None,
    timeout: float | None = None,
    sandboxed: bool = True,
    plots: Path | None = None,
) -> Report:
    """Grade every exercise of ``exercises`` found in the ``submission`` directory.

    ``timeout`` (seconds of CPU time) replaces every exercise's own limit; ``sandboxed=False`` runs
    the workers without their hardening (only to measure what the isolation costs); ``plots``: a
    folder for a picture of each exercise that lost points (``failure_plots``).
    """
    options = dict(seed=seed, device=device, jobs=jobs, timeout=timeout, plots=plots)
    (report,) = grade_submissions([submission], exercises, on_result, sandboxed, **options)
    return report


def grade_submissions(
    submissions: Sequence[str | os.PathLike],
    exercises: list[Exercise],
    on_result: Callable[[ExerciseResult], None] | None = None,
    sandboxed: bool = True,
    *,
    seed: int = 0,
    device: str = "auto",
    jobs: int = 2,
    timeout: float | None = None,
    plots: Path | None = None,
    private: Sequence[Path] = (),
) -> Iterator[Report]:
    """Grade several submissions in one pipeline (options as for ``grade``): up to ``jobs`` workers
    run at once, across submissions, and the next one starts as soon as any of them is done.

    Yields each submission's report as soon as all its exercises are graded, so in the order they
    complete. The reference of each (exercise, case) is computed once, for the first submission.
    ``private``: folders whose files no worker may read, apart from its own submitted file (the
    class directory, so that no student's code reads another's).
    """
    _turn_off_tf32()
    devices = resolve_devices(device)
    if timeout is not None:
        exercises = [dataclasses.replace(exercise, timeout=timeout) for exercise in exercises]
    tasks = deque((index, exercise) for index in range(len(submissions)) for exercise in exercises)
    results: list[dict[str, ExerciseResult]] = [{} for _ in submissions]
    finished: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
    in_flight: list[_Pending] = []
    try:
        while tasks or in_flight:
            while tasks and len(in_flight) < max(1, jobs):
                index, exercise = tasks.popleft()
                task = _Task(index, Path(submissions[index]), exercise, tuple(private))
                in_flight.append(_start(task, seed, devices, sandboxed, finished.put))
            pending = _next_finished(in_flight, finished)
            in_flight.remove(pending)
            result = _finish(pending, plots)
            if on_result is not None:
                on_result(result)
            done = results[pending.task.index]
            done[result.id] = result
            if len(done) == len(exercises):
                ordered = [done[exercise.id] for exercise in exercises]
                yield Report(str(submissions[pending.task.index]), seed, ordered)
    finally:  # a grader fault, or a caller that stopped early, must not leave workers behind
        for pending in in_flight:
            if pending.worker is not None:
                pending.worker.kill()


def grade_exercise(
    exercise: Exercise, submission: str | os.PathLike, seed: int = 0, devices=("cpu",)
) -> ExerciseResult:
    """Grade one exercise (see ``grade``)."""
    task = _Task(0, Path(submission), exercise)
    return _finish(_start(task, seed, tuple(devices), True, on_done=lambda pending: None))


# ----------------------------------------------------------------------------------------- pipeline
@dataclass(frozen=True)
class _Task:
    index: int  # of the submission among those graded together
    submission: Path
    exercise: Exercise
    private: tuple[Path, ...] = ()


@dataclass(eq=False)
class _Pending:
    task: _Task
    cases: list[Case]
    file: SubmittedFile
    worker: Worker | None
    reference: dict[str, dict[str, plain.Observed]]
    static: list[Violation]
    deadline: float  # time.monotonic() by which it is collected, done or not


def _start(
    task: _Task, seed: int, devices: tuple[str, ...], sandboxed: bool, on_done: Callable
) -> _Pending:
    """Start the student's worker, then compute the reference while it runs. ``on_done(pending)``
    is called (from another thread) once the worker has nothing more to say."""
    exercise = task.exercise
    cases = build_cases(exercise, seed, devices)
    file = week_file(task.submission, exercise.module)
    pending = _Pending(task, cases, file, None, {}, [], time.monotonic())
    if file.problem is None and file.path.is_file():
        pending.static = _static_violations(file.path, exercise)
        pending.worker = Worker(
            exercise,
            str(file.path),
            cases,
            sandboxed,
            lambda: on_done(pending),
            private=task.private,
            own=task.submission,
        )
        pending.deadline = pending.worker.deadline
    else:
        on_done(pending)
    pending.reference = reference_observations(exercise, cases, seed)
    return pending


def _static_violations(path: Path, exercise: Exercise) -> list[Violation]:
    source = path.read_text(errors="replace")
    return scan_source(source, exercise.name, exercise.forbidden)


def _next_finished(in_flight: list[_Pending], finished: queue.SimpleQueue) -> _Pending:
    """The first of ``in_flight`` to be done, or to reach its deadline."""
    while True:
        wait = max(0.0, min(pending.deadline for pending in in_flight) - time.monotonic())
        try:
            done = finished.get(timeout=wait)
        except queue.Empty:
            return min(in_flight, key=lambda pending: pending.deadline)
        if any(done is pending for pending in in_flight):  # not one collected at its deadline
            return done


def _finish(pending: _Pending, plots: Path | None = None) -> ExerciseResult:
    exercise = pending.task.exercise
    if pending.file.problem is not None:
        run = WorkerRun(load_status="error", load_message=pending.file.problem)
    elif pending.worker is None:
        run = WorkerRun(load_status="missing", load_message=f"{pending.file.path} not found")
    else:
        run = pending.worker.collect()
    run.notes = [*pending.file.notes, *run.notes]
    result = assemble(exercise, pending.cases, pending.reference, run, pending.static)
    if plots is not None and result.status in ("partial", "failed"):
        outcomes = [outcome_of(run.cases.get(case.name), run) for case in pending.cases]
        args = (exercise, pending.cases, pending.reference, outcomes, result, plots)
        picture = failure_plots.draw_failure(*args)
        result.plot = "" if picture is None else picture.as_posix()
    return result


_REFERENCE_CACHE: dict[tuple, dict[str, dict[str, plain.Observed]]] = {}
# Above the course's exercise count: a FIFO smaller than one pass over the course would miss on every
# exercise of a class graded in course order.
REFERENCE_CACHE_SIZE = 256


def reference_observations(
    exercise: Exercise, cases: list[Case], seed: int | None = None
) -> dict[str, dict[str, plain.Observed]]:
    """The reference's observations per case name, computed in float64 on the CPU; read from the
    recording of the public cases where the reference is not installed (``autograder.recorded``).

    With a ``seed`` (the cases are then a function of the exercise and the seed), the result is kept
    for the next submission graded with the same seed: a class of submissions costs one reference.
    """
    key = (exercise.id, seed, tuple(case.name for case in cases))
    if seed is not None and key in _REFERENCE_CACHE:
        return _REFERENCE_CACHE[key]
    if recorded.reference_installed():
        observed = _compute_reference(exercise, cases)
    else:
        observed = recorded.recorded_observations(exercise, cases, seed)
    if seed is not None:
        if len(_REFERENCE_CACHE) >= REFERENCE_CACHE_SIZE:
            _REFERENCE_CACHE.pop(next(iter(_REFERENCE_CACHE)))
        _REFERENCE_CACHE[key] = observed
    return observed


def _compute_reference(
    exercise: Exercise, cases: list[Case]
) -> dict[str, dict[str, plain.Observed]]:
    observed = {
        (case.label, case.dtype): {name: plain.observe(value) for name, value in outputs.items()}
        for case, outputs in reference_outputs(exercise, cases)
    }
    return {case.name: observed[(case.label, case.dtype)] if case.compare else {} for case in cases}


def reference_outputs(exercise: Exercise, cases: list[Case]) -> Iterator[tuple[Case, dict]]:
    """(case, what the probe returned) for the reference, once per compared (label, dtype)."""
    reference = exercise.reference()
    done = set()
    for case in cases:
        if case.compare and (case.label, case.dtype) not in done:
            done.add((case.label, case.dtype))
            context = ProbeContext(case.on("cpu").name, case.grad)
            yield case, exercise.probe(reference, reference_inputs(case), context)


# ----------------------------------------------------------------------------------------- results
def assemble(
    exercise: Exercise,
    cases: list[Case],
    reference: dict[str, dict[str, plain.Observed]],
    run: WorkerRun,
    static: list[Violation],
) -> ExerciseResult:
    """Checks, points, status and notes of one exercise from the worker's run and the reference."""
    outcomes = [outcome_of(run.cases.get(case.name), run) for case in cases]
    verdicts = []
    for case, outcome in zip(cases, outcomes, strict=True):
        verdicts += judge_case(case, reference[case.name], outcome, exercise.hints)
    verdicts.append(judge_inputs(cases, outcomes))
    violations = set(static) | _runtime_violations(run)
    if _bans_anything(exercise):
        verdicts.append(judge_forbidden(violations))
    checks = score_checks(exercise.points, exercise.groups, verdicts)
    status = status_of(
        checks,
        load_status=run.load_status,
        banned=bool(violations),
        error=bool(run.crashed) or any(v.error for v in verdicts),
        timed_out=run.timed_out is not None,
        not_implemented=bool(outcomes) and all(o.not_implemented for o in outcomes),
    )
    if status == "banned":
        for check in checks:
            check.points = 0.0
    score = round(sum(check.points for check in checks), 6)
    groups = [
        GroupTotal(name, *totals)
        for name, totals in subtotals(checks, list(exercise.groups)).items()
    ]
    round_points(checks)
    return ExerciseResult(exercise.id, score, exercise.points, status, checks, _notes(run), groups)


ERROR_OUTCOMES = {
    "sandbox": "was stopped by the sandbox: {error}",
    "memory": "ran out of memory (the worker's limit): {error}",
    "file_size": "wrote more than the worker's file-size limit: {error}",
    "exit": "tried to end the worker ({error}); return a result instead",
}


def outcome_of(message: dict[str, Any] | None, run: WorkerRun) -> Outcome:
    """What the parent makes of one case's message (None: the worker never reported the case)."""
    if run.load_status is not None:
        return Outcome(problem=run.load_message, error=run.load_status == "error")
    if message is None:
        return Outcome(problem=_unfinished(run), error=bool(run.crashed))
    try:
        return _outcome(message)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        problem = f"the worker sent a malformed report ({type(error).__name__})"
        return Outcome(problem=problem, error=True)


def _outcome(message: dict[str, Any]) -> Outcome:
    kind, error = message["outcome"], message.get("error", "")
    if kind == "not_implemented":
        return Outcome(problem=f"not implemented yet ({error})", not_implemented=True)
    if kind in ERROR_OUTCOMES:
        return Outcome(problem=ERROR_OUTCOMES[kind].format(error=error), raised=error, error=True)
    if kind == "unusable":
        problem = f"what your code returned could not be used: {error}"
        return Outcome(problem=problem, raised=error)
    if kind != "ok":
        return Outcome(problem=f"raised {error}", raised=error)
    observed = {key: plain.decode(value) for key, value in message["observations"].items()}
    foreign = sorted(set(_foreign_types(observed.values())))
    if foreign:
        problem = (
            f"returned {', '.join(foreign)}, which is not plain data: return torch.Tensor "
            "(not a subclass), numpy arrays or Python numbers"
        )
        return Outcome(problem=problem, error=True)
    findings = tuple(str(finding) for finding in message.get("findings", []))
    return Outcome(observed=observed, modified=tuple(message["modified"]), findings=findings)


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


def _unfinished(run: WorkerRun) -> str:
    if run.timed_out:
        return run.timed_out
    reason = run.crashed or "the worker ended early"
    return reason + (f"; last output: {' | '.join(run.output_tail)}" if run.output_tail else "")


def _runtime_violations(run: WorkerRun) -> set[Violation]:
    found = set()
    for message in run.cases.values():
        found.update(
            Violation(int(line), str(name)) for line, name in message.get("violations", [])
        )
    return found


def _notes(run: WorkerRun) -> list[str]:
    """The run's notes and every case's, each once, in the order they first came."""
    notes = list(run.notes)
    for message in run.cases.values():
        notes += [str(note) for note in message.get("notes", [])]
    return list(dict.fromkeys(notes))


def _turn_off_tf32() -> None:
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
