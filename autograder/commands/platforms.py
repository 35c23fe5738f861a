"""``ml4p nbgrader`` and ``ml4p gradescope``: the course on the platforms that grade it."""

from __future__ import annotations

from pathlib import Path

from autograder.commands.common import (
    REPOSITORY,
    UsageError,
    add_weeks,
    selected,
)


def add_parsers(commands) -> None:
    _add_nbgrader(commands)
    _add_gradescope(commands)


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
    add_weeks(build, "the zip grades week W (default: every week); repeatable")
    build.set_defaults(run=_run_gradescope_build)
    run = steps.add_parser(
        "run", help="grade an upload and write results.json (run by run_autograder)"
    )
    run.add_argument("upload", help="the submission folder, e.g. /autograder/submission")
    run.add_argument("--results", required=True, help="results.json to write")
    add_weeks(run, "grade only week W; repeatable")
    run.set_defaults(run=_run_gradescope_run)


# ----------------------------------------------------------------------------------------- commands


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


def _run_gradescope_build(args) -> int:
    from autograder.bundle import build_bundle

    selected(args.week, ())  # a usage error for an unknown week, before anything is written
    if not args.zip.endswith(".zip"):
        raise UsageError(f"{args.zip}: the bundle is a .zip file")
    root = REPOSITORY
    names = build_bundle(Path(args.zip), root, args.week)
    print(f"wrote {args.zip}: {len(names)} files; upload it as the assignment's autograder")
    return 0


def _run_gradescope_run(args) -> int:
    from autograder.bundle import grade_upload

    selected(args.week, ())
    if not Path(args.upload).is_dir():
        raise UsageError(f"{args.upload} is not a directory")
    score = grade_upload(Path(args.upload), Path(args.results), args.week)
    print(f"score {score:g}; wrote {args.results}")
    return 0
