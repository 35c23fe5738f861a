"""The ``ml4p`` command: grade, check, build, list, nbgrader.

Exit status: 0 whenever grading completed (whatever the score), 2 for usage errors, 1 for a fault of
the grader itself (and for ``nbgrader export --verify``, when a gradebook score differs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

SEED_HELP = (
    "seed of the random cases (default: 0; in a student repository, without the hidden "
    "reference, the public seed 1, the only one there)"
)
FORMATS = ("table", "json", "markdown", "github", "gradescope", "junit")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as error:
        parser.exit(2, f"ml4p {args.command}: error: {error}\n")
    except BrokenPipeError:  # the reader left (``ml4p list | head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def run() -> None:
    """The ``ml4p`` command: ``main``, then a prompt exit with its status.

    Python's own shutdown after a grading takes most of a second (torch's modules and the grader's
    objects torn down one by one). The command skips it: it flushes its output, runs the exit
    handlers (which stop the zygote and remove temporary files), and ends the process.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


class UsageError(Exception):
    """Bad arguments: reported in one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ml4p",
        description="Exercises and autograder of the course Machine Learning for Physicists.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_grade(commands)
    _add_grade_class(commands)
    _add_check(commands)
    _add_build(commands)
    _add_list(commands)
    _add_nbgrader(commands)
    _add_gradescope(commands)
    _add_release(commands)
    return parser


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
    _add_selection(grade)
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
    _add_selection(
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
    check.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    check.add_argument("--seed", type=int, help=SEED_HELP)
    check.set_defaults(run=_run_check)


def _add_weeks(parser, help: str) -> None:
    parser.add_argument("--week", "-w", action="append", default=[], metavar="W", help=help)


def _add_selection(parser, jobs_help: str = "exercises graded at once (default: 2)") -> None:
    _add_weeks(parser, "grade only week W (1, 01, week01 or week01_practices); repeatable")
    parser.add_argument(
        "--exercise",
        "-e",
        action="append",
        default=[],
        metavar="ID",
        help="grade only exercise ID, e.g. week01_practices.softmax; repeatable",
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="auto: CPU, plus CUDA when present (default: auto)",
    )
    parser.add_argument("--seed", type=int, help=SEED_HELP)
    parser.add_argument("--jobs", "-j", type=int, help=jobs_help)
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="CPU-time limit of each exercise (default: the exercise's own, usually 20 s); a "
        "worker that waits without computing is stopped after twice that plus 10 s",
    )


def _add_build(commands) -> None:
    build = commands.add_parser(
        "build",
        help="regenerate the student stubs in assignments/ from solutions/",
        description="Replace every ### BEGIN SOLUTION ... ### END SOLUTION region by a "
        "NotImplementedError naming the exercise.",
    )
    build.add_argument("--solutions", default="solutions", help="default: solutions")
    build.add_argument("--assignments", default="assignments", help="default: assignments")
    build.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a stub is out of date"
    )
    build.set_defaults(run=_run_build)


def _add_list(commands) -> None:
    listing = commands.add_parser("list", help="list the exercises and their points")
    _add_weeks(listing, "list only week W; repeatable")
    listing.add_argument(
        "--verbose", "-v", action="store_true", help="also each exercise's groups and lesson"
    )
    listing.set_defaults(run=_run_list)


def _add_nbgrader(commands) -> None:
    nbgrader = commands.add_parser(
        "nbgrader",
        help="the nbgrader workflow: build the course, export per-exercise grades",
        description="Build an nbgrader course from solutions/ and export its gradebook. The TA "
        "guide (docs/ta-guide.md) lists the nbgrader commands in between.",
    )
    steps = nbgrader.add_subparsers(dest="step", metavar="STEP", required=True)
    build = steps.add_parser(
        "build",
        help="write nbgrader_config.py and source/<week>/<week>.ipynb for every week",
        description="Write an nbgrader course directory: its configuration and one source "
        "notebook per week, made from solutions/, with one autograded test cell per exercise.",
    )
    build.add_argument("--course", default="course", help="course directory (default: course)")
    build.add_argument("--solutions", default="solutions", help="default: solutions")
    build.set_defaults(run=_run_nbgrader_build)
    export = steps.add_parser(
        "export",
        help="write the gradebook as a CSV with one column per exercise",
        description="Read the course's gradebook.db: one row per student, one column per "
        "exercise (manual scores where a TA set them), then the total.",
    )
    export.add_argument("--course", default="course", help="course directory (default: course)")
    export.add_argument(
        "--output", "-o", default="grades.csv", help="CSV file to write (default: grades.csv)"
    )
    export.add_argument(
        "--verify",
        action="store_true",
        help="also grade every submitted notebook with ml4p grade, outside nbgrader's kernel, "
        "and list each score that differs from the autograded one (exit status 1 if any)",
    )
    export.set_defaults(run=_run_nbgrader_export)


def _add_release(commands) -> None:
    release = commands.add_parser(
        "release",
        help="write the student repository (stubs, grader, recorded public cases); or check one",
        description="Write OUT_DIR, a new folder: the stubs, the grader with the checks of the "
        "released weeks, the reference outputs of their public cases, a pyproject.toml whose "
        "pytest grades, a student README and a GitHub workflow. No ml4p_ref/, no solutions/; "
        "the release fails if any hidden function body is found in it. With --check, write "
        "nothing: list the hidden function bodies found in OUT_DIR (exit status 1 if any).",
    )
    release.add_argument("out", metavar="OUT_DIR", help="the folder to write (new or empty)")
    _add_weeks(release, "release week W (default: every week); repeatable")
    release.add_argument(
        "--check", action="store_true", help="check OUT_DIR for leaked hidden code instead"
    )
    release.set_defaults(run=_run_release)
    record = commands.add_parser(
        "record",
        help="record the reference outputs of the public cases (ml4p release does it too)",
        description="Run the hidden reference on every case of the public seed and write "
        "<out>/<week module>.pt, what grading uses where the reference is not installed.",
    )
    _add_weeks(record, "record week W (default: every week); repeatable")
    record.add_argument("--out", default="autograder/recorded", help="default: autograder/recorded")
    record.set_defaults(run=_run_record)


def _add_gradescope(commands) -> None:
    gradescope = commands.add_parser(
        "gradescope",
        help="the Gradescope autograder: build its zip; grade one upload (what the zip runs)",
        description="Gradescope grades a programming assignment with a zip holding setup.sh and "
        "run_autograder. `build` writes that zip (the grader and its hidden reference, no "
        "solutions); `run` is what run_autograder calls for each submission.",
    )
    steps = gradescope.add_subparsers(dest="step", metavar="STEP", required=True)
    build = steps.add_parser("build", help="write the autograder zip to upload to Gradescope")
    build.add_argument("zip", metavar="OUT.zip", help="the zip file to write")
    _add_weeks(build, "the zip grades week W (default: every week); repeatable")
    build.set_defaults(run=_run_gradescope_build)
    run = steps.add_parser(
        "run", help="grade an upload and write results.json (run by run_autograder)"
    )
    run.add_argument("upload", help="the submission folder, e.g. /autograder/submission")
    run.add_argument("--results", required=True, help="results.json to write")
    _add_weeks(run, "grade only week W; repeatable")
    run.set_defaults(run=_run_gradescope_run)


# ----------------------------------------------------------------------------------------- commands
def _selected(weeks, ids):
    from autograder.registry import select

    try:
        return select(weeks=weeks, ids=ids)
    except ValueError as error:
        raise UsageError(str(error)) from error


def _grade(
    submission: str, weeks, ids, device: str, seed: int | None, jobs: int, timeout=None, plots=None
):
    from autograder import zygote

    zygote.warm_up()  # first: torch is imported here, and the zygote forked from this process
    from autograder.grade import grade, resolve_devices
    from autograder.progress import progress_bar
    from autograder.recorded import RecordingError

    if not Path(submission).is_dir():
        raise UsageError(f"{submission} is not a directory")
    try:
        resolve_devices(device)
    except ValueError as error:
        raise UsageError(str(error)) from error
    exercises = _selected(weeks, ids)
    seed = _seed(seed)
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

    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")
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
        width = None if args.output else _terminal_width()
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
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    out = Path(args.out)
    paths = ClassPaths(
        submissions=Path(args.submissions),
        csv=out,
        reports=Path(args.reports or out.with_name(f"{out.stem}-reports")),
        histogram=Path(args.histogram or out.with_suffix(".png")),
    )
    exercises = tuple(_selected(args.week, args.exercise))
    jobs = args.jobs or os.cpu_count() or 1
    options = ClassOptions(exercises, _seed(args.seed), args.device, jobs, args.timeout)
    try:
        return run_class(paths, options, args.executor, args.scheduler, args.force)
    except (ValueError, RecordingError) as error:
        raise UsageError(str(error)) from error


def _seed(seed: int | None) -> int:
    from autograder import recorded

    try:
        return recorded.grading_seed(seed)
    except recorded.RecordingError as error:
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
    sys.stdout.write(render.for_terminal(report, verbose=True, width=_terminal_width()))
    return 0


def _terminal_width() -> int | None:
    """The terminal's width when standard output is one; None when it is piped or a file."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def _run_build(args) -> int:
    from autograder.build import BuildError, build

    try:
        changed = build(Path(args.solutions), Path(args.assignments), check=args.check)
    except BuildError as error:
        raise UsageError(str(error)) from error
    for path in changed:
        print(("out of date: " if args.check else "wrote ") + str(path))
    if args.check and changed:
        return 1
    if not changed:
        print("stubs are up to date")
    return 0


def _run_nbgrader_build(args) -> int:
    from autograder.build import BuildError
    from autograder.nbgrader_bridge.course import build_course

    if not Path(args.solutions).is_dir():
        raise UsageError(f"{args.solutions} is not a directory")
    try:
        written = build_course(Path(args.course), Path(args.solutions))
    except BuildError as error:
        raise UsageError(str(error)) from error
    for path in written:
        print(f"wrote {path}")
    print(
        f"next: cd {args.course} && nbgrader generate_assignment <week> --force (docs/ta-guide.md)"
    )
    return 0


def _run_nbgrader_export(args) -> int:
    from autograder.nbgrader_bridge.export import export

    database = Path(args.course) / "gradebook.db"
    if not database.is_file():
        raise UsageError(f"{database} not found: run nbgrader in {args.course} first")
    try:
        count = export(f"sqlite:///{database.resolve()}", Path(args.output))
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is not installed: pip install nbgrader") from error
    print(f"wrote {args.output}: {count} students")
    return _verify(Path(args.course), f"sqlite:///{database.resolve()}") if args.verify else 0


def _verify(course: Path, db_url: str) -> int:
    from autograder.nbgrader_bridge.export import autograded_scores, verify
    from autograder.progress import progress_bar

    autograded = autograded_scores(db_url)
    with progress_bar(len(autograded), "verifying") as advance:
        differences = verify(course, autograded, on_graded=advance)
    for line in differences:
        print(f"differs: {line}")
    print(f"verified: {len(differences)} score(s) differ from ml4p grade")
    return 1 if differences else 0


def _run_release(args) -> int:
    from autograder.release import ReleaseError, check_release, release

    root, out = Path(__file__).resolve().parents[1], Path(args.out)
    if args.check:
        if not out.is_dir():
            raise UsageError(f"{out} is not a directory")
        leaks = check_release(out, root)
        for leak in leaks:
            print(f"hidden code: {leak.found_in}: {leak.secret}")
        print(f"{out}: {len(leaks)} hidden function bodies found")
        return 1 if leaks else 0
    modules = sorted({exercise.module for exercise in _selected(args.week, ())})
    try:
        written = release(out, root, modules)
    except ReleaseError as error:
        raise UsageError(str(error)) from error
    print(f"wrote {out}: {len(written)} files, weeks {', '.join(modules)}; no hidden code found")
    return 0


def _run_record(args) -> int:
    from autograder.recorded import record_module
    from autograder.registry import week_exercises

    for module in sorted({exercise.module for exercise in _selected(args.week, ())}):
        print(f"wrote {record_module(module, week_exercises(module), Path(args.out))}")
    return 0


def _run_gradescope_build(args) -> int:
    from autograder.bundle import build_bundle

    _selected(args.week, ())  # a usage error for an unknown week, before anything is written
    if not args.zip.endswith(".zip"):
        raise UsageError(f"{args.zip}: the bundle is a .zip file")
    root = Path(__file__).resolve().parents[1]
    names = build_bundle(Path(args.zip), root, args.week)
    print(f"wrote {args.zip}: {len(names)} files; upload it as the assignment's autograder")
    return 0


def _run_gradescope_run(args) -> int:
    from autograder.bundle import grade_upload

    _selected(args.week, ())
    if not Path(args.upload).is_dir():
        raise UsageError(f"{args.upload} is not a directory")
    score = grade_upload(Path(args.upload), Path(args.results), args.week)
    print(f"score {score:g}; wrote {args.results}")
    return 0


def _run_list(args) -> int:
    exercises = _selected(args.week, ())
    width = max((len(exercise.id) for exercise in exercises), default=0)
    for exercise in exercises:
        print(f"{exercise.id:{width}s}  {exercise.points:g} points")
        if args.verbose:
            total = sum(exercise.groups.values())
            shares = ", ".join(f"{g} {w / total:.0%}" for g, w in exercise.groups.items())
            print(f"    groups: {shares}")
            print(f"    lesson: {exercise.lesson}")
    return 0


if __name__ == "__main__":
    run()
