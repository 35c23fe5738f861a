"""Where a class is graded: in this process (``local``) or on a Dask distributed cluster (``dask``).

Both take the students to grade and yield each one's ``Graded`` outcome as it comes; the caller
(``autograder.grade_class``) writes the reports. A fault of the grader itself costs only the student
it comes from.

- ``grade_locally``: one pipeline in this process (``grade.grade_submissions``): ``jobs`` workers at
  once, across students, every worker forked from the zygote; each reference computed once.
- ``grade_on_dask(scheduler)``: one task per student. The task carries the student's files (no
  shared file system is needed) and grades them on a Dask worker with ``grade_files``, one exercise
  at a time; the cluster's workers are the parallelism. Each Dask worker process keeps its own
  zygote and its own cache of references across the tasks it runs. Without a scheduler address a
  ``LocalCluster`` of ``jobs`` processes is started on this machine. The workers need this package
  installed (``pip install "ml4p-course[dask]"``), with the hidden reference.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from autograder.grade import grade_submissions
from autograder.grade_class import ClassOptions, Graded, Student
from autograder.registry import exercise_by_id
from autograder.report import ExerciseResult
from autograder.scratch import scratch_folder
from autograder.submission import week_files


def grade_locally(
    students: list[Student], options: ClassOptions, on_result: Callable[[object], None]
) -> Iterator[Graded]:
    """Every student in one pipeline. Should the pipeline fail (a fault of the grader, not of a
    submission), the students it had not finished are graded again one at a time, so that the
    fault costs only the student it comes from."""
    left = {str(student.directory): student for student in students}
    try:
        for report in _pipeline(list(left.values()), options, on_result):
            yield Graded(left.pop(report.submission), report.to_dict())
    except Exception:
        for student in list(left.values()):
            try:
                (report,) = _pipeline([student], options, on_result)
                yield Graded(student, report.to_dict())
            except Exception as error:
                yield Graded(student, None, f"{type(error).__name__}: {error}")


def _pipeline(students: list[Student], options: ClassOptions, on_result) -> Iterator:
    return grade_submissions(
        [student.directory for student in students],
        list(options.exercises),
        on_result,
        seed=options.seed,
        device=options.device,
        jobs=options.jobs,
        timeout=options.timeout,
        private=_class_folders(students),
    )


def _class_folders(students: list[Student]) -> list[str]:
    """The folders that hold the students' folders: closed to every student's code."""
    return sorted({str(student.directory.parent.resolve()) for student in students})


# ----------------------------------------------------------------------------------------- dask
def grade_on_dask(scheduler: str | None):
    """The executor that grades on the Dask cluster at ``scheduler`` (a ``LocalCluster`` of
    ``options.jobs`` processes when None)."""

    def executor(
        students: list[Student], options: ClassOptions, on_result: Callable[[object], None]
    ) -> Iterator[Graded]:
        with _client(scheduler, options.jobs) as client:
            yield from _run_tasks(client, students, options, on_result)

    return executor


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int):
    try:
        from distributed import Client, LocalCluster
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            'the dask executor needs dask and distributed: pip install "ml4p-course[dask]"',
            name=error.name,
        ) from error
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=max(1, workers), threads_per_worker=1, dashboard_address=None, host="127.0.0.1"
    )
    with cluster, Client(cluster) as client:
        yield client


def _run_tasks(client, students, options: ClassOptions, on_result) -> Iterator[Graded]:
    from distributed import as_completed

    ids = [exercise.id for exercise in options.exercises]
    private = _class_folders(students)
    run = uuid.uuid4().hex[:8]
    futures = {}
    for student in students:
        files = {
            path.name: path.read_bytes() for path in week_files(student.directory, options.modules)
        }
        arguments = (
            student.name,
            files,
            ids,
            options.seed,
            options.device,
            options.timeout,
            private,
        )
        future = client.submit(grade_files, *arguments, key=f"ml4p-{run}-{student.name}")
        futures[future] = student
    for future in as_completed(futures):
        student = futures[future]
        try:
            report = future.result()
        except Exception as error:
            yield Graded(student, None, f"{type(error).__name__}: {error}")
            continue
        for exercise in report["exercises"]:
            on_result(ExerciseResult.from_dict(exercise))
        yield Graded(student, report)


def grade_files(
    name: str,
    files: dict[str, bytes],
    exercise_ids: list[str],
    seed: int,
    device: str,
    timeout: float | None,
    private: list[str] = (),
) -> dict:
    """On a Dask worker: grade one student's files (file name -> content); the report's dict.
    ``private``: folders closed to the student's code besides the other tasks' (the class folders,
    where the worker sees the same file system as the client)."""
    staging = scratch_folder("class")  # every student this Dask worker grades has a folder in it
    folder = Path(tempfile.mkdtemp(prefix="student-", dir=staging)) / name
    folder.mkdir()
    try:
        for filename, content in files.items():
            (folder / Path(filename).name).write_bytes(content)
        exercises = [exercise_by_id(exercise_id) for exercise_id in exercise_ids]
        closed = [staging, *map(Path, private)]
        options = dict(seed=seed, device=device, jobs=1, timeout=timeout, private=closed)
        (report,) = grade_submissions([folder], exercises, **options)
        return report.to_dict()
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
