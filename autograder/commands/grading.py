"""``ml4p grade``, ``ml4p grade-class`` and ``ml4p check``: grading a submission, a class, one's own work."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from autograder.commands.common import (
    DEVICE_HELP,
    DEVICES,
    FORMATS,
    SEED_HELP,
    UsageError,
    add_selection,
    check_device_and_timeout,
    grading_seed,
    selected,
    terminal_width,
)


def add_parsers(commands) -> None:
    _add_grade(commands)
    _add_grade_class(commands)
    _add_check(commands)


def _add_grade(commands) -> None:
    grade = commands.add_parser(
        "grade",
        help="grade a submission directory against the hidden reference",
        description="Grade the week modules found in SUBMISSION. Student code runs in a separate "
        "worker process per exercise; a crash, hang or exception costs only that exercise.",
    )
    grade.add_argument(
        "submission",
        nargs="?",
        default="assignments",
        help="directory holding weekNN_<topic>.py files, or notebooks weekNN_<topic>.ipynb in "
        "their place (default: assignments)",
    )
    add_selection(grade)
    grade.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="report format (default: table); github: error annotations on standard output and "
        "the score table appended to $GITHUB_STEP_SUMMARY; gradescope: Gradescope's "
        "results.json; junit: JUnit XML, a test case per check",
    )
    grade.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    grade.add_argument(
        "--verbose", "-v", action="store_true", help="table: list every failing check"
    )
    grade.add_argument(
        "--plots",
        metavar="DIR",
        help="draw a PNG of each exercise that lost points (yours against the reference) into "
        "DIR; the markdown and github reports link them",
    )
    grade.epilog = (
        "The table is drawn at the terminal's width; when it is narrower than 80 columns, piped "
        "or written with --output, the same content comes as a plain list."
    )
    grade.set_defaults(run=_run_grade)


def _add_grade_class(commands) -> None:
    grade_class = commands.add_parser(
        "grade-class",
        help="grade a whole class: a CSV of scores, a JSON report per student, a histogram",
        description="Grade every student of SUBMISSIONS_DIR (one subdirectory per student, holding "
        "their weekNN_<topic>.py or .ipynb files) with the same seed. Writes a JSON report per "
        "student as soon as they are graded, then the CSV (one row per student, one column per "
        "exercise, then the total) and a histogram of the totals. A student whose report is "
        "already there, for the same files, options and grader, is not graded again: an "
        "interrupted run resumes where it stopped. Each student's code runs in its own isolated "
        "workers and cannot read the other students' files.",
    )
    grade_class.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    grade_class.add_argument(
        "--out", "-o", default="grades.csv", metavar="CSV", help="default: grades.csv"
    )
    grade_class.add_argument(
        "--reports", metavar="DIR", help="folder of the JSON reports (default: <CSV stem>-reports)"
    )
    grade_class.add_argument(
        "--histogram", metavar="PNG", help="histogram of the totals (default: <CSV stem>.png)"
    )
    add_selection(
        grade_class,
        "workers at once: exercises of several students (local, default: the number of CPUs), "
        "or the processes of the Dask LocalCluster started without --scheduler",
    )
    grade_class.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local: grade on this machine (default); dask: one task per student on a Dask "
        'cluster (pip install "ml4p-course[dask]")',
    )
    grade_class.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster here)",
    )
    grade_class.add_argument(
        "--force", action="store_true", help="grade every student again, even those already graded"
    )
    grade_class.set_defaults(run=_run_grade_class)


def _add_check(commands) -> None:
    check = commands.add_parser(
        "check",
        help="grade your own work, one or more weeks, with every failing check listed",
        description="Student shortcut for `ml4p grade assignments --week WEEK --verbose`.",
    )
    check.add_argument("weeks", nargs="*", metavar="WEEK", help="e.g. week01 or 1 (default: all)")
    check.add_argument("--submission", default="assignments", help="default: assignments")
    check.add_argument("--device", choices=DEVICES, default="auto", help=DEVICE_HELP)
    check.add_argument("--seed", type=int, help=SEED_HELP)
    check.set_defaults(run=_run_check)


def _grade(
    submission: str, weeks, ids, device: str, seed: int | None, jobs: int, timeout=None, plots=None
):
    from autograder import zygote

    zygote.warm_up()  # first: torch is imported here, and the zygote forked from this process
    from autograder.grade import grade
    from autograder.progress import progress_bar
    from autograder.recorded import RecordingError

    if not Path(submission).is_dir():
        raise UsageError(f"{submission} is not a directory")
    check_device_and_timeout(device, timeout)
    exercises = selected(weeks, ids)
    seed = grading_seed(seed)
    try:
        with progress_bar(len(exercises)) as advance:
            return grade(
                submission,
                exercises,
                seed=seed,
                device=device,
                jobs=jobs,
                on_result=advance,
                timeout=timeout,
                plots=plots,
            )
    except RecordingError as error:
        raise UsageError(str(error)) from error


def _run_grade(args) -> int:
    from autograder import render

    report = _grade(
        args.submission,
        args.week,
        args.exercise,
        args.device,
        args.seed,
        args.jobs or 2,
        args.timeout,
        plots=None if args.plots is None else Path(args.plots),
    )
    if args.format == "table":
        width = None if args.output else terminal_width()
        text = render.for_terminal(report, args.verbose, width)
    else:
        text = _machine_format(args.format, report)
    if args.output:
        Path(args.output).write_text(text)
        print(
            f"score {report.score:g} / {report.max_score:g}; report written to {args.output}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0


def _run_grade_class(args) -> int:
    from autograder import zygote

    if args.executor == "local":
        zygote.warm_up()  # first: torch is imported here, and the zygote forked from this process
    from autograder.grade_class import ClassOptions, ClassPaths, run_class
    from autograder.recorded import RecordingError

    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler goes with --executor dask")
    check_device_and_timeout(args.device, args.timeout)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    out = Path(args.out)
    paths = ClassPaths(
        submissions=Path(args.submissions),
        csv=out,
        reports=Path(args.reports or out.with_name(f"{out.stem}-reports")),
        histogram=Path(args.histogram or out.with_suffix(".png")),
    )
    exercises = tuple(selected(args.week, args.exercise))
    jobs = args.jobs or os.cpu_count() or 1
    options = ClassOptions(exercises, grading_seed(args.seed), args.device, jobs, args.timeout)
    try:
        return run_class(paths, options, args.executor, args.scheduler, args.force)
    except (ValueError, RecordingError) as error:
        raise UsageError(str(error)) from error


def _machine_format(name: str, report) -> str:
    """The report as the ``--format`` that other tools read (everything but the table)."""
    from autograder import render
    from autograder.formats import github, gradescope, junit

    if name == "github":
        if github.write_summary(report):
            return github.annotations(report)
        return github.annotations(report) + "\n" + render.markdown(report)
    writers = {
        "json": report.to_json,
        "markdown": lambda: render.markdown(report),
        "gradescope": lambda: gradescope.results_json(report),
        "junit": lambda: junit.junit_xml(report),
    }
    return writers[name]()


def _run_check(args) -> int:
    from autograder import render

    report = _grade(args.submission, args.weeks, (), args.device, args.seed, jobs=2)
    sys.stdout.write(render.for_terminal(report, verbose=True, width=terminal_width()))
    return 0
