"""Grade a whole class: one subdirectory per student, a JSON report each, a CSV and a histogram.

``ml4p grade-class SUBMISSIONS_DIR --out grades.csv`` reads ``SUBMISSIONS_DIR/<student>/`` (each
holding that student's ``weekNN_<topic>.py`` or ``.ipynb`` files), grades every student with the same
seed, and writes ``<student>.json`` reports (the ``ml4p grade --format json`` shape, plus the keys
``student`` and ``fingerprint``) into a reports folder, then the CSV and the histogram of totals
(``autograder.class_outputs``) from all the reports.

Resuming: a student whose report is there with the same fingerprint (their files, the seed, the
exercises, the devices and the grader's own sources) is not graded again unless ``force``: a run
that was interrupted picks up where it stopped, and a student who resubmits is graded anew.

Executors: ``local`` grades in this process (``grade.grade_submissions``: the workers of several
students run at once, each reference is computed once); ``dask`` sends one task per student to a
Dask distributed cluster (``autograder.dask_executor``). In both, each student's workers may read
their own files only: the class directory is closed to them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from autograder.exercise import Exercise
from autograder.submission import week_files

GRADER_PACKAGES = ("autograder", "ml4p_ref")  # their sources are part of every fingerprint


@dataclass(frozen=True)
class Student:
    name: str
    directory: Path


@dataclass(frozen=True)
class ClassOptions:
    """What every student is graded with."""

    exercises: tuple[Exercise, ...]
    seed: int = 0
    device: str = "auto"
    jobs: int = 2
    timeout: float | None = None

    @property
    def modules(self) -> list[str]:
        return sorted({exercise.module for exercise in self.exercises})


@dataclass
class Graded:
    """One student's outcome: the report (as its JSON dict), or why grading them failed."""

    student: Student
    report: dict | None
    error: str = ""


# An executor grades the students it is given and yields each one's outcome as it comes.
Executor = Callable[[list[Student], ClassOptions, Callable[[object], None]], Iterator[Graded]]


def find_students(root: Path) -> list[Student]:
    """Every subdirectory of ``root`` (hidden ones aside), as a student, sorted by name."""
    if not root.is_dir():
        raise ValueError(f"{root} is not a directory")
    found = [
        Student(entry.name, entry)
        for entry in sorted(root.iterdir())
        if entry.is_dir() and not entry.name.startswith(".")
    ]
    if not found:
        raise ValueError(f"{root} has no student subdirectories (one folder per student)")
    return found


def report_path(reports: Path, student: Student) -> Path:
    return reports / f"{student.name}.json"


@dataclass
class Plan:
    """Who is graded now, who keeps the report they have, and every student's fingerprint."""

    todo: list[Student]
    skipped: list[Student]
    fingerprints: dict[Student, str]


def plan(students: list[Student], options: ClassOptions, reports: Path, force: bool) -> Plan:
    """Grade the students whose report is missing or stale; all of them with ``force``."""
    grader = grader_fingerprint()
    prints = {student: fingerprint(student, options, grader) for student in students}
    todo = [s for s in students if force or not _up_to_date(report_path(reports, s), prints[s])]
    return Plan(todo, [student for student in students if student not in todo], prints)


def grade_class(
    planned: Plan,
    options: ClassOptions,
    reports: Path,
    executor: Executor,
    on_result: Callable[[object], None] = lambda result: None,
) -> list[Graded]:
    """Grade the students of ``planned.todo``, writing each report as soon as it is done."""
    reports.mkdir(parents=True, exist_ok=True)
    graded = []
    for outcome in executor(planned.todo, options, on_result):
        if outcome.report is not None:
            report = outcome.report | {
                "submission": str(outcome.student.directory),
                "student": outcome.student.name,
                "fingerprint": planned.fingerprints[outcome.student],
            }
            _write_atomically(report_path(reports, outcome.student), json.dumps(report, indent=2))
        graded.append(outcome)
    return graded


def read_reports(students: list[Student], reports: Path) -> dict[str, dict | None]:
    """Each student's report as written (None where there is none, or it cannot be read)."""
    found = {}
    for student in students:
        try:
            found[student.name] = json.loads(report_path(reports, student).read_text())
        except (OSError, ValueError):
            found[student.name] = None
    return found


# ----------------------------------------------------------------------------------------- resuming
def fingerprint(student: Student, options: ClassOptions, grader: str) -> str:
    """What a student's report depends on: their submitted files, the options, the grader."""
    digest = hashlib.sha256(grader.encode())
    settings = [options.seed, options.device, options.timeout, [e.id for e in options.exercises]]
    digest.update(json.dumps(settings).encode())
    for path in week_files(student.directory, options.modules):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as error:
            digest.update(f"unreadable: {error.strerror}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


def grader_fingerprint() -> str:
    """A digest of the grader's and the reference's sources: a report made by another version of
    either is graded again."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for package in GRADER_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _up_to_date(path: Path, expected: str) -> bool:
    try:
        return json.loads(path.read_text()).get("fingerprint") == expected
    except (OSError, ValueError, AttributeError):
        return False


def _write_atomically(path: Path, text: str) -> None:
    """Write ``path`` so that it is never seen half written (an interrupted run leaves no torn
    report behind: it is either the old one or the new one)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text + "\n")
    os.replace(partial, path)


# ----------------------------------------------------------------------------------------- command
@dataclass(frozen=True)
class ClassPaths:
    submissions: Path  # one subdirectory per student
    csv: Path
    reports: Path  # one JSON report per student
    histogram: Path


def run_class(
    paths: ClassPaths, options: ClassOptions, executor: str, scheduler: str | None, force: bool
) -> int:
    """``ml4p grade-class``: grade, write the outputs, say what was done. Exit status: 0, or 1 when
    the grading of some student failed (a fault of the grader; the others are graded)."""
    from autograder import class_outputs
    from autograder.class_executors import grade_locally, grade_on_dask
    from autograder.progress import progress_bar

    students = find_students(paths.submissions)
    planned = plan(students, options, paths.reports, force)
    run = grade_locally if executor == "local" else grade_on_dask(scheduler)
    started = time.monotonic()
    with progress_bar(len(planned.todo) * len(options.exercises), "grading the class") as advance:
        graded = grade_class(planned, options, paths.reports, run, advance)
    elapsed = time.monotonic() - started
    failed = {outcome.student.name: outcome.error for outcome in graded if outcome.report is None}
    reports = read_reports(students, paths.reports) | dict.fromkeys(failed)
    exercises = list(options.exercises)
    for output in (paths.csv, paths.histogram):
        output.parent.mkdir(parents=True, exist_ok=True)
    paths.csv.write_text(class_outputs.class_csv(exercises, reports))
    scores = class_outputs.totals(exercises, reports)
    max_score = round(sum(exercise.points for exercise in exercises), 6)
    class_outputs.draw_histogram(scores, max_score, paths.histogram)
    for name, error in sorted(failed.items()):
        print(f"grading {name} failed (a fault of the grader): {error}", file=sys.stderr)
    print(_done_line(len(graded), len(planned.skipped), elapsed))
    print(class_outputs.summary(scores, max_score))
    print(f"wrote {paths.csv}, {paths.histogram} and the reports in {paths.reports}/")
    return 1 if failed else 0


def _done_line(graded: int, skipped: int, elapsed: float) -> str:
    line = f"graded {graded} students in {elapsed:.1f} s"
    if graded:
        line += f" ({elapsed / graded:.2f} s each)"
    return line + (
        f"; {skipped} already graded, kept (--force grades them again)" if skipped else ""
    )
