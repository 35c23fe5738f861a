"""``ml4p build``, ``ml4p list``, ``ml4p release`` and ``ml4p record``: the course's own files."""

from __future__ import annotations

from pathlib import Path

from autograder.commands.common import (
    REPOSITORY,
    UsageError,
    add_weeks,
    selected,
)


def add_parsers(commands) -> None:
    _add_build(commands)
    _add_list(commands)
    _add_release(commands)


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
    add_weeks(listing, "list only week W; repeatable")
    listing.add_argument(
        "--verbose", "-v", action="store_true", help="also each exercise's groups and lesson"
    )
    listing.set_defaults(run=_run_list)


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
    add_weeks(release, "release week W (default: every week); repeatable")
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
    add_weeks(record, "record week W (default: every week); repeatable")
    record.add_argument("--out", default="autograder/recorded", help="default: autograder/recorded")
    record.set_defaults(run=_run_record)


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


def _run_release(args) -> int:
    from autograder.release import ReleaseError, check_release, release

    root, out = REPOSITORY, Path(args.out)
    if args.check:
        if not out.is_dir():
            raise UsageError(f"{out} is not a directory")
        leaks = check_release(out, root)
        for leak in leaks:
            print(f"hidden code: {leak.found_in}: {leak.secret}")
        print(f"{out}: {len(leaks)} hidden function bodies found")
        return 1 if leaks else 0
    modules = sorted({exercise.module for exercise in selected(args.week, ())})
    try:
        written = release(out, root, modules)
    except ReleaseError as error:
        raise UsageError(str(error)) from error
    print(f"wrote {out}: {len(written)} files, weeks {', '.join(modules)}; no hidden code found")
    return 0


def _run_record(args) -> int:
    from autograder.recorded import record_module
    from autograder.registry import week_exercises

    for module in sorted({exercise.module for exercise in selected(args.week, ())}):
        print(f"wrote {record_module(module, week_exercises(module), Path(args.out))}")
    return 0


def _run_list(args) -> int:
    exercises = selected(args.week, ())
    width = max((len(exercise.id) for exercise in exercises), default=0)
    for exercise in exercises:
        print(f"{exercise.id:{width}s}  {exercise.points:g} points")
        if args.verbose:
            total = sum(exercise.groups.values())
            shares = ", ".join(f"{g} {w / total:.0%}" for g, w in exercise.groups.items())
            print(f"    groups: {shares}")
            print(f"    lesson: {exercise.lesson}")
    return 0
